#!/usr/bin/env node
// The proof of issue 9: roll the January 2021 Tabular List and the FY2017
// Alphabetic Index and tables forward with every official addendum in
// ../shared/codesets, and print
//   1. per fiscal year FY2022-FY2026: billable codes and titles of the
//      rolled-forward tabular against that year's official order file,
//   2. codes of the rolled-forward FY2026 indexes and tables that the FY2026
//      order file does not know,
//   3. the rolled-forward FY2026 drug, neoplasm and external-cause tables
//      against the official April 2026 files,
//   4. what was applied and what not, and that the written release answers.
//
// And, first, the method where a complete file exists to check it against:
//   0. the FY2017 Tabular List rolled forward through the January 2021 update,
//      held against the official January 2021 Tabular List (codes, titles,
//      sections, every note and 7th character).
//
// Usage: node scripts/prove-addenda.mjs [--home DIR] [--keep]
//   --home  a home with the official releases compiled (default: MEDCODER_HOME,
//           else .cache/test-home as "npm test" leaves it). It is only read: the
//           derived release is written to a temporary home beside it.
//   --keep  keep the temporary home and print where it is.
import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const engine = await import(join(root, 'packages/engine/dist/index.js'));
const { runRollForward, CodeSets, defaultReleaseDirs } = engine;

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const source = resolve(opt('--home') ?? process.env.MEDCODER_HOME ?? join(root, '.cache', 'test-home'));
if (!existsSync(join(source, 'releases', 'icd10cm-2021-jan'))) {
  console.error(`no compiled ICD-10-CM releases in ${source}; run "npm test" (or "medcoder codesets import") first, or pass --home`);
  process.exit(2);
}
const shared = defaultReleaseDirs()[0];
if (!shared) {
  console.error('../shared/codesets not found');
  process.exit(2);
}

const home = await mkdtemp(join(tmpdir(), 'medcoder-prove-addenda-'));
await mkdir(join(home, 'releases'));
for (const id of await readdir(join(source, 'releases'))) {
  if (id.startsWith('icd10cm-') && !id.endsWith('-derived')) await symlink(join(source, 'releases', id), join(home, 'releases', id));
}

const { rollForward } = await import(join(root, 'packages/engine/dist/addenda/roll-forward.js'));
const { diffTabular } = await import(join(root, 'packages/engine/dist/addenda/diff.js'));
const { fromFile } = await import(join(root, 'packages/engine/dist/icd10cm/compiled.js'));
const { readFile } = await import('node:fs/promises');
const check = await rollForward({ home, from: 'icd10cm-2017', to: 2021, addenda: [join(shared, 'icd10cm')] });
const official2021 = fromFile(JSON.parse(await readFile(join(home, 'releases', 'icd10cm-2021-jan', 'icd10cm.json'), 'utf8')));
const d2021 = diffTabular(check.tabular, official2021);
const noteTexts = official2021.nodes.reduce((x, nd) => x + Object.values(nd.n ?? {}).reduce((y, l) => y + l.length, 0), 0);
const diffTexts = d2021.notes.reduce((x, nd) => x + nd.added.length + nd.removed.length, 0);

const started = Date.now();
const progress = {
  step: (label) => ({ advance() {}, done() { process.stderr.write(`  ${label}\n`); } }),
  note() {},
};
const r = await runRollForward({ home, addenda: [join(shared, 'icd10cm')], progress });
const secs = ((Date.now() - started) / 1000).toFixed(1);
const n = (x) => x.toLocaleString('en-US');
const pad = (s, w) => String(s).padEnd(w);
const lpad = (s, w) => String(s).padStart(w);

console.log(`# Roll-forward proof (${secs} s): Tabular List of ${r.base.tabular}, indexes and tables of ${r.base.index}, ${r.addenda.length} addenda from ${shared}/icd10cm`);
console.log('');
console.log('## 0. The method where a complete tabular exists: FY2017 Tabular List + addenda FY2018-FY2021 January, against the official January 2021 Tabular List');
console.log(`   codes: ${d2021.codes.added.length} missing, ${d2021.codes.deleted.length} extra, ${d2021.codes.retitled.length} retitled, ${d2021.codes.billable.length} billable status; sections ${check.tabular.sections.length} / ${official2021.sections.length}; chapters ${check.tabular.chapters.length} / ${official2021.chapters.length}`);
console.log(`   instructional notes and 7th characters: ${diffTexts} of ${n(noteTexts)} note texts of codes differ (chapter and section notes and 7th characters compared too)`);
for (const nd of d2021.notes) console.log(`      ${nd.at} ${nd.kind}: ${nd.added.map((t) => `only official "${t}"`).concat(nd.removed.map((t) => `only rolled forward "${t}"`)).join('; ')}`);
const missingChapters = official2021.chapters.filter((c) => !check.tabular.chapters.some((x) => x.id === c.id));
if (missingChapters.length) console.log(`   chapters not made by these addenda: ${missingChapters.map((c) => `${c.id} ${c.title}`).join('; ')}`);
console.log(`   not applied: ${check.issues.filter((i) => i.kind === 'tabular' && i.severity === 'failed').length} tabular changes`);
console.log('');
console.log('## 1. Billable codes and titles of the rolled-forward tabular against each year\'s official order file');
console.log('   (before anything is taken from the order file; "mid-year" = a difference the year\'s order-file addenda do not list either: made by an April update whose addendum is not in ../shared/codesets, or a silent correction of the order file)');
console.log('');
console.log(`   ${pad('year', 8)}${pad('order file', 15)}${lpad('billable', 9)}${lpad('order', 9)}${lpad('missing', 9)}${lpad('extra', 7)}${lpad('titles', 8)}   ${pad('of them mid-year', 20)}${lpad('accents only', 13)}   after order file`);
for (const s of r.steps.filter((x) => x.order)) {
  const o = s.order;
  const mid = `${o.midYear.missing.length}/${o.midYear.extra.length}/${o.midYear.titles.length}`;
  console.log(`   ${pad(s.update, 8)}${pad(o.release, 15)}${lpad(n(o.billable), 9)}${lpad(n(o.orderBillable), 9)}${lpad(o.missing.length, 9)}${lpad(o.extra.length, 7)}${lpad(o.titles.length, 8)}   ${pad(mid, 20)}${lpad(o.accentOnly, 13)}   ${o.after.missing.length}/${o.after.extra.length}/${o.after.titles}`);
}
for (const s of r.steps.filter((x) => x.order)) {
  const o = s.order;
  const unexplained = [...o.missing.filter((c) => !o.midYear.missing.includes(c)), ...o.extra.filter((c) => !o.midYear.extra.includes(c)), ...o.titles.filter((t) => !o.midYear.titles.includes(t.code)).map((t) => t.code)];
  if (o.missing.length || o.extra.length) console.log(`   ${s.update}: missing ${o.missing.slice(0, 12).join(' ')}${o.missing.length > 12 ? ' …' : ''}; extra ${o.extra.join(' ') || '-'}`);
  for (const t of o.titles) console.log(`   ${s.update}: title of ${t.code}: "${t.tabular}" / order file "${t.order}"`);
  if (unexplained.length) console.log(`   ${s.update}: NOT explained by a mid-year update: ${unexplained.join(' ')}`);
  const rec = o.reconciled;
  if (rec.added.length || rec.removed.length || rec.retitled.length) console.log(`   ${s.update}: taken from the order file: ${rec.added.length} codes added, ${rec.removed.length} removed, ${rec.retitled.length} retitled`);
}

console.log('');
console.log('## 2. Codes of the rolled-forward FY2026 indexes and tables that are neither a code nor the start of a code of the FY2026 order file');
for (const [kind, c] of Object.entries(r.indexCodes ?? {})) {
  console.log(`   ${pad(kind, 9)} ${lpad(c.misses.length, 3)} of ${lpad(n(c.codes), 6)} distinct codes (${c.release})${c.misses.length ? `: ${c.misses.map((m) => `${m.code} at "${m.entry}"`).join('; ')}` : ''}`);
}

console.log('');
console.log('## 3. Rolled-forward FY2026 tables against the official April 2026 files (entries added / deleted / changed in April\'s file)');
for (const [kind, t] of Object.entries(r.tables ?? {})) {
  console.log(`   ${pad(kind, 9)} +${t.added} -${t.deleted} ~${t.changed}   (${t.release}: ${t.source})`);
  const groups = new Map();
  for (const [sign, list] of [['+', t.examples.added], ['-', t.examples.deleted], ['~', t.examples.changed]]) {
    for (const p of list) {
      const head = p.replace(/ \((?:title|code|manif|see|seeAlso|seeCat|subcat|cells)(?:, \w+)*\)$/, '').split(' > ')[0];
      const key = `${sign} ${head}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
  }
  for (const [k, v] of groups) console.log(`      ${k}: ${v}`);
}

console.log('');
console.log('## 4. Application');
const sum = (f) => r.addenda.reduce((x, a) => x + a[f], 0);
console.log(`   ${r.addenda.length} addenda, ${n(sum('changes'))} change lines (${n(sum('contextLines'))} "No Change" context), ${n(sum('applied'))} applied, ${sum('failed')} not applied, ${sum('unparsed')} unread, ${sum('context')} context lines not found, ${sum('warnings')} applied with a warning`);
for (const i of r.issues.filter((x) => x.severity === 'failed' || x.severity === 'unparsed')) {
  console.log(`   [${i.severity}] ${i.update} ${i.kind} p.${i.page} l.${i.line}: ${i.printed.replace(/\n/g, ' / ').slice(0, 120)} — ${i.reason}`);
}
const cs = await CodeSets.open({ home });
const resolved = cs.resolve('icd10cm', { date: '2026-03-01' });
const v = await cs.validate('icd10cm', 'QA0.0101', { date: '2026-03-01' });
console.log(`   written: ${r.releases.map((x) => `${x.id} (${x.effectiveFrom}..${x.effectiveTo}, ${n(x.counts.billable)} billable)`).join(', ')}`);
console.log(`   date of service 2026-03-01 → ${resolved.manifest.id}; QA0.0101 ${v.valid ? 'valid' : 'not valid'}; icd10cm-2026 stands aside for ${cs.answeringFor('icd10cm-2026')}`);

if (args.includes('--keep')) console.log(`   home kept: ${home}`);
else await rm(home, { recursive: true, force: true });
