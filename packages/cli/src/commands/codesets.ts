import { Command } from 'commander';
import { CodeSets, defaultHome, importReleases, MedcoderError } from '@medcoder/engine';
import { stderrProgress } from '../progress.js';
import { printJson, println } from '../output.js';
import { addRollForwardCommands } from './roll-forward.js';

export function codesetsCommand(): Command {
  const cmd = new Command('codesets').description('import and list compiled code-set releases');

  cmd
    .command('import')
    .description('compile the official release files into MEDCODER_HOME')
    .option('--from <dir...>', 'folders with official release files (default: MEDCODER_RELEASES, else ../shared/codesets)')
    .option('--force', 'rebuild releases whose files did not change')
    .option('--system <system...>', 'only these systems (icd10cm, icd10pcs, hcpcs, cpt, icd9cm, icd9pcs, gems)')
    .option('--threads <n>', 'worker threads that finish releases beside the compile (0 = none; default: MEDCODER_IMPORT_THREADS, else one per core up to 4)')
    .option('--json', 'print the import report as JSON')
    .option('-q, --quiet', 'no progress on stderr')
    .option('-v, --verbose', 'list skipped files on stderr')
    .action(async (opts: { from?: string[]; force?: boolean; system?: string[]; threads?: string; json?: boolean; quiet?: boolean; verbose?: boolean }) => {
      const started = Date.now();
      const threads = opts.threads === undefined ? undefined : Number(opts.threads);
      if (threads !== undefined && (!Number.isInteger(threads) || threads < 0)) {
        throw new MedcoderError('INVALID_ARGUMENT', `--threads takes a whole number, not "${opts.threads}"`, { field: 'threads', value: opts.threads });
      }
      const report = await importReleases({
        ...(opts.from ? { from: opts.from } : {}),
        ...(opts.system ? { systems: opts.system } : {}),
        ...(threads !== undefined ? { threads } : {}),
        force: Boolean(opts.force),
        progress: stderrProgress({ quiet: Boolean(opts.quiet), verbose: Boolean(opts.verbose) }),
      });
      if (opts.json) return printJson(report);
      if (opts.quiet) return;
      println(`Compiled releases in ${report.home} (${((Date.now() - started) / 1000).toFixed(1)} s):`);
      for (const r of report.releases) {
        const counts = Object.entries(r.counts).map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`).join(', ');
        println(`  ${r.status === 'compiled' ? 'compiled ' : 'unchanged'}  ${r.label.padEnd(34)} ${counts}`);
      }
      if (report.skipped.length) println(`  ${report.skipped.length} files skipped (documents, spreadsheets, unrecognised); --verbose lists them`);
    });

  cmd
    .command('list')
    .description('list compiled releases and the dates they answer for')
    .option('--system <system>', 'one system only')
    .option('--json', 'JSON output')
    .action(async (opts: { system?: string; json?: boolean }) => {
      const cs = await CodeSets.open();
      const list = cs.releases(opts.system);
      if (opts.json) {
        return printJson(list.map((m) => ({ ...cs.ref(m.id), system: m.system, derived: Boolean(m.derived), ...(cs.answeringFor(m.id) ? { answeredBy: cs.answeringFor(m.id) } : {}), counts: m.counts, sources: m.sources.map((s) => s.path), provenance: m.provenance ?? {} })));
      }
      if (list.length === 0) {
        println(`No compiled releases in ${defaultHome()}. Run: medcoder codesets import`);
        return;
      }
      println(`Releases in ${cs.home}:`);
      for (const m of list) {
        const r = cs.ref(m.id);
        const counts = Object.entries(m.counts).map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`).join(', ');
        println(`  ${m.id.padEnd(22)} ${m.label.padEnd(34)} ${r.effectiveFrom}..${r.effectiveTo}  ${counts}${m.derived ? '  (derived)' : ''}${cs.answeringFor(m.id) ? `  (stands aside for ${cs.answeringFor(m.id)})` : ''}`);
        if (m.provenance) for (const [k, v] of Object.entries(m.provenance)) println(`  ${''.padEnd(22)}   ${k}: ${v}`);
      }
    });
  addRollForwardCommands(cmd);
  return cmd;
}
