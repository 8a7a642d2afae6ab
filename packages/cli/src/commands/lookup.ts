import { Command } from 'commander';
import { CodeSets, type CodeDetail, type Validation } from '@medcoder/engine';
import { EXIT_INVALID, printJson, println } from '../output.js';
import { setExit } from '../program.js';
import { systemFor } from './system.js';

const NOTE_LABEL: Record<string, string> = {
  includes: 'Includes',
  inclusionTerm: 'Inclusion term',
  excludes1: 'Excludes1',
  excludes2: 'Excludes2',
  codeFirst: 'Code first',
  useAdditionalCode: 'Use additional code',
  codeAlso: 'Code also',
  notes: 'Note',
  sevenChrNote: '7th character note',
};

export function lookupCommand(): Command {
  return new Command('lookup')
    .description('show a code: title, billable, hierarchy, every instructional note, 7th characters, crosswalks')
    .argument('<code>', 'the code, with or without the dot')
    .option('--system <system>', 'icd10cm | icd10pcs | hcpcs | cpt | icd9cm | icd9pcs (default: guessed from the code)')
    .option('--date <YYYY-MM-DD>', 'date of service (default: today)')
    .option('--json', 'JSON output')
    .action(async (code: string, opts: { system?: string; date?: string; json?: boolean }, cmd: Command) => {
      const cs = await CodeSets.open();
      const system = await systemFor(code, opts.system, cs, opts.date);
      const answer = await cs.lookup(system, code, opts.date ? { date: opts.date } : {});
      if (opts.json) {
        printJson({ system, ...answer });
      } else {
        for (const w of answer.warnings) process.stderr.write(`warning: ${w}\n`);
        if (answer.detail) printDetail(answer.detail, answer.validation);
        else printValidation(answer.validation);
      }
      if (!answer.detail) setExit(cmd, EXIT_INVALID);
    });
}

export function printDetail(d: CodeDetail, v: Validation): void {
  println(`${d.code}  ${d.title}`);
  const status = d.billable ? 'billable' : d.seventhCharacter && !d.children?.some((c) => !/^.{8}$/.test(c.code)) ? 'not billable: needs a 7th character' : `not billable (${d.kind} header)`;
  println(`  ${d.release.label} (${d.release.effectiveFrom}..${d.release.effectiveTo}) · ${status}`);
  if (d.shortTitle && d.shortTitle !== d.title) println(`  Short title: ${d.shortTitle}`);
  if (d.chapter) println(`  Chapter ${d.chapter.id}: ${d.chapter.title}`);
  if (d.section) println(`  Section ${d.section.id}: ${d.section.title}`);
  if (d.ancestors?.length) println(`  Path: ${d.ancestors.map((a) => a.code).join(' > ')} > ${d.code}`);
  if (d.extension) println(`  7th character ${d.extension.char} of ${d.extension.stem}: ${d.extension.meaning}`);
  if (d.axes?.length) {
    println('  Axes:');
    for (const a of d.axes) println(`    ${a.pos} ${a.title.padEnd(14)} ${a.value}  ${a.label}`);
  }
  if (d.attributes) {
    for (const [k, val] of Object.entries(d.attributes)) if (val !== undefined && val !== '') println(`  ${k}: ${typeof val === 'object' ? JSON.stringify(val) : String(val)}`);
  }
  if (d.notes?.length) {
    const releases = [...new Set(d.notes.map((n) => n.release).filter(Boolean))];
    println(`  Instructional notes${releases.length ? ` (text from ${releases.join(', ')})` : ''}:`);
    const kinds = [...new Set(d.notes.map((n) => n.kind))];
    for (const kind of kinds) {
      println(`    ${NOTE_LABEL[kind] ?? kind}:`);
      for (const n of d.notes.filter((x) => x.kind === kind)) println(`      ${n.text}${n.from === d.code ? '' : `  [${n.from}]`}`);
    }
  }
  if (d.seventhCharacter) {
    const s = d.seventhCharacter;
    println(`  7th characters (from ${s.from}):`);
    for (const c of s.definitions) println(`    ${c.char}  ${c.meaning}`);
    for (const x of s.excluded ?? []) println(`    not ${x.char}: ${x.rule}`);
  }
  if (d.children?.length) {
    println(`  Children (${d.children.length}):`);
    for (const c of d.children.slice(0, 40)) println(`    ${c.code.padEnd(9)} ${c.billable ? '*' : ' '} ${c.title}`);
    if (d.children.length > 40) println(`    … ${d.children.length - 40} more`);
  }
  if (d.crosswalk?.length) {
    println('  Crosswalk (GEMs):');
    for (const t of d.crosswalk) {
      const f = [t.flags.approximate ? 'approximate' : 'exact', t.flags.noMap ? 'no map' : '', t.flags.combination ? `combination ${t.flags.scenario}.${t.flags.choiceList}` : ''].filter(Boolean).join(', ');
      println(`    → ${t.system} ${t.code}  ${t.title ?? ''}  (${f})`);
    }
  }
  for (const r of v.reasons) if (r.code !== 'NOT_BILLABLE') println(`  ! ${r.message}`);
}

export function printValidation(v: Validation): void {
  const mark = v.valid ? 'valid' : 'INVALID';
  println(`${v.code || JSON.stringify(v.input)}  ${mark}${v.title ? `  ${v.title}` : ''}  (${v.release.label})`);
  for (const r of v.reasons) println(`  - ${r.message}`);
  if (v.billableChildren?.length) println(`  billable codes below: ${v.billableChildren.slice(0, 12).map((c) => c.code).join(', ')}${v.billableChildren.length > 12 ? ', …' : ''}`);
  if (v.suggestions?.length) println(`  did you mean: ${v.suggestions.map((s) => `${s.code} (${s.title})`).join('; ')}`);
  if (v.lastValidIn) println(`  last valid in ${v.lastValidIn.label} (through ${v.lastValidIn.effectiveTo})`);
  else if (v.validIn?.length) println(`  valid in: ${v.validIn.map((r) => r.label).join(', ')}`);
  for (const w of v.warnings ?? []) println(`  warning: ${w}`);
}
