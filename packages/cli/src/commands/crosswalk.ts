import { Command } from 'commander';
import { CodeSets, crosswalk, GEM_PARTNER, isCodeSystem, MedcoderError, SYSTEM_LABELS, type CodeSystem, type CrosswalkResult, type CrosswalkTarget } from '@medcoder/engine';
import { EXIT_INVALID, printJson, println } from '../output.js';
import { setExit } from '../program.js';

const GEM_SYSTEMS = 'icd9cm | icd10cm | icd10pcs | icd9pcs';

export function crosswalkCommand(): Command {
  return new Command('crosswalk')
    .description('map a code to the other ICD revision through the CMS GEMs (ICD-9-CM <-> ICD-10-CM, ICD-9-CM procedures <-> ICD-10-PCS)')
    .argument('<code>', 'the code, with or without the dot')
    .requiredOption('--to <system>', GEM_SYSTEMS)
    .option('--from <system>', `${GEM_SYSTEMS} (default: the other revision of --to)`)
    .option('--date <YYYY-MM-DD>', 'date of service whose releases give the titles (default: today)')
    .option('--json', 'JSON output')
    .action(async (code: string, opts: { to: string; from?: string; date?: string; json?: boolean }, cmd: Command) => {
      for (const [flag, value] of [['--to', opts.to], ['--from', opts.from]] as const) {
        if (value !== undefined && (!isCodeSystem(value) || !GEM_PARTNER[value])) {
          throw new MedcoderError('UNKNOWN_SYSTEM', `${flag} must be one of ${GEM_SYSTEMS}, got "${value}"`, { field: flag });
        }
      }
      const to = opts.to as CodeSystem;
      const from = (opts.from as CodeSystem | undefined) ?? GEM_PARTNER[to]!;
      const cs = await CodeSets.open();
      const r = await crosswalk(cs, code, { from, to, ...(opts.date ? { date: opts.date } : {}) });
      if (opts.json) printJson(r);
      else {
        for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
        printCrosswalk(r);
      }
      if (r.targets.length === 0) setExit(cmd, EXIT_INVALID);
    });
}

function flagText(t: CrosswalkTarget): string {
  return t.flags.approximate ? 'approximate' : 'exact';
}

function targetLine(t: CrosswalkTarget): string {
  return `${t.code.padEnd(9)} ${t.title ?? '(no title)'}  (${flagText(t)})`;
}

export function printCrosswalk(r: CrosswalkResult): void {
  println(`${SYSTEM_LABELS[r.source.system]} ${r.source.code}${r.source.title ? `  ${r.source.title}` : ''}`);
  const single = r.targets.filter((t) => !t.flags.combination);
  if (single.length) {
    println(`  ${SYSTEM_LABELS[r.to]}${single.length > 1 ? ' (any one of)' : ''}:`);
    for (const t of single) println(`    → ${targetLine(t)}`);
  }
  for (const s of r.scenarios ?? []) {
    println(`  ${SYSTEM_LABELS[r.to]} combination, scenario ${s.scenario} (one code from each choice list):`);
    for (const c of s.choiceLists) for (const t of c.targets) println(`    list ${c.choiceList} → ${targetLine(t)}`);
  }
  const from = [r.gems ? r.gems.label : '', r.titlesFrom ? `titles from ${r.titlesFrom.label}` : ''].filter(Boolean).join('; ');
  if (from) println(`  ${from}`);
  for (const n of r.notes) if (!n.startsWith('scenario ')) println(`  note: ${n}`);
}
