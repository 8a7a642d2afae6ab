import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../modules.js';
import { CodeSets } from '../releases/registry.js';
import { releasesDir } from '../releases/store.js';
import { loadIndexes } from '../icd10cm/alphabetic-index.js';
import { sharedCodesets, testHome } from '../testing/home.js';
import { runRollForward, type RollForwardReport } from './run.js';
import { diffReleases, diffTabular } from './diff.js';
import { rollForward } from './roll-forward.js';
import { readReleaseFile } from '../releases/store.js';
import { CM_CODES_FILE, fromFile } from '../icd10cm/compiled.js';
import { CHANGES_FILE, REPORT_FILE, type SavedChanges, type SavedReport } from './write.js';

// The whole roll-forward on the official files: the January 2021 tabular and
// the FY2017 index brought to FY2026 with every addendum from FY2018 on, held
// against each year's order file and the April 2026 tables, then written and
// used like any other release. One run serves every test of this file.

let run: Promise<{ home: string; report: RollForwardReport }> | undefined;
// The written release (with its search index) is large: the temporary home goes when the file's tests are done.
after(async () => {
  const r = await run?.catch(() => undefined);
  if (r) await rm(r.home, { recursive: true, force: true });
});
function rolled() {
  run ??= (async () => {
    // A home of its own that sees the compiled official ICD-10-CM releases of the test home.
    const home = await mkdtemp(join(tmpdir(), 'medcoder-rollforward-'));
    await mkdir(releasesDir(home), { recursive: true });
    for (const id of await readdir(releasesDir(testHome()))) {
      if (id.startsWith('icd10cm-') && !id.endsWith('-derived')) await symlink(join(releasesDir(testHome()), id), join(releasesDir(home), id));
    }
    const report = await runRollForward({ home, addenda: [join(sharedCodesets(), 'icd10cm')] });
    return { home, report };
  })();
  return run;
}

test('the rolled-forward tabular has each year\'s billable codes and titles; every difference is a mid-year update', async () => {
  const { report } = await rolled();
  assert.equal(report.base.tabular, 'icd10cm-2021-jan');
  assert.equal(report.base.index, 'icd10cm-2017');
  const years = report.steps.filter((s) => s.order);
  assert.deepEqual(years.map((s) => s.update), ['FY2022', 'FY2023', 'FY2024', 'FY2025', 'FY2026']);
  for (const s of years) {
    const o = s.order!;
    assert.ok(o.orderAddenda, `${s.update}: the order-file addenda were read`);
    // Whatever the addenda leave different, the year's order-file addenda do not list: an April update made it.
    assert.deepEqual(o.missing, o.midYear.missing, `${s.update} missing`);
    assert.deepEqual(o.extra, o.midYear.extra, `${s.update} extra`);
    assert.deepEqual(o.titles.map((t) => t.code), o.midYear.titles, `${s.update} titles`);
    assert.deepEqual(o.after, { missing: [], extra: [], titles: 0 }, `${s.update} after the order file`);
  }
  const by = Object.fromEntries(years.map((s) => [s.update, s.order!]));
  // FY2022, FY2025 and FY2026 come out exactly; FY2022's two titles are the order file's own spacing fix.
  for (const y of ['FY2025', 'FY2026']) assert.deepEqual([by[y]!.missing.length, by[y]!.extra.length, by[y]!.titles.length], [0, 0, 0], y);
  assert.deepEqual([by.FY2022!.missing.length, by.FY2022!.extra.length], [0, 0]);
  assert.deepEqual(by.FY2022!.titles.map((t) => t.code), ['Z68.30', 'Z68.41']);
  // April 2022 (COVID-19 underimmunization) and April 2023 (social determinants, financial abuse) have no addenda here.
  assert.deepEqual(by.FY2023!.missing, ['Z28.310', 'Z28.311', 'Z28.39']);
  assert.deepEqual(by.FY2023!.extra, ['Z28.3']);
  assert.equal(by.FY2024!.missing.length, 42);
  assert.ok(by.FY2024!.missing.includes('Z59.12') && by.FY2024!.missing.includes('T74.A1XA'));
  assert.equal(by.FY2026!.billable, 74719);
});

test('every change is applied or reported with its addendum line', async () => {
  const { report } = await rolled();
  assert.equal(report.addenda.length, 45);
  for (const a of report.addenda) {
    const issues = report.issues.filter((i) => i.file === a.file);
    assert.equal(issues.filter((i) => i.severity === 'failed').length, a.failed, a.file);
    assert.ok(a.applied + a.failed + a.unparsed <= a.changes + a.unparsed, a.file);
  }
  const notApplied = report.issues.filter((i) => i.severity === 'failed' || i.severity === 'unparsed');
  assert.ok(notApplied.length <= 10, `${notApplied.length} changes not applied`);
  for (const i of report.issues) {
    assert.ok(i.page > 0 && i.line > 0 && i.printed.length > 3 && i.reason.length > 5, JSON.stringify(i));
  }
  // Tabular changes left over are those naming codes or notes of the April 2023 update, and one the addenda contradict.
  const tabular = notApplied.filter((i) => i.kind === 'tabular');
  assert.ok(tabular.every((i) => /G31|Z59/.test(i.printed + i.reason)), JSON.stringify(tabular));
});

test('index codes are codes or starts of codes of the FY2026 order file; the tables match the April 2026 files but for April changes', async () => {
  const { report } = await rolled();
  const codes = report.indexCodes!;
  assert.equal(codes.index?.release, 'icd10cm-2026');
  // The two the FY2026 index addenda add for codes the FY2026 tabular does not have.
  assert.deepEqual(codes.index?.misses.map((m) => m.code), ['Q99.814', 'Z15.08']);
  for (const k of ['eindex', 'drug', 'neoplasm'] as const) assert.deepEqual(codes[k]?.misses, [], k);
  assert.ok((codes.index?.codes ?? 0) > 20000);
  const t = report.tables!;
  assert.deepEqual([t.neoplasm?.added, t.neoplasm?.deleted, t.neoplasm?.changed], [0, 0, 0]);
  assert.deepEqual([t.drug?.added, t.drug?.deleted], [0, 0]);
  // April 2026 corrects the intentional self-harm cell of methamphetamine and its synonyms.
  assert.ok(t.drug!.examples.changed.every((p) => /amfetamine|amphetamine|Desoxyephedrine|Methedrine|Speed/.test(p)), JSON.stringify(t.drug!.examples.changed));
  // The External Cause Index differs in the perpetrator entries of April 2023 and in how a few source entries are written.
  const eindex = [...t.eindex!.examples.added, ...t.eindex!.examples.deleted, ...t.eindex!.examples.changed];
  const explained = eindex.filter((p) => /^Perpetrator|^Activity|^Legal|^Sequelae \(of\) > legal|^Hanging/.test(p));
  assert.equal(explained.length, eindex.length, JSON.stringify(eindex.filter((p) => !explained.includes(p))));
});

test('the derived release answers for FY2026 dates, serves lookups and its index, and records what changed each entry', async () => {
  const { home, report } = await rolled();
  assert.deepEqual(report.releases.map((r) => r.id), ['icd10cm-2026-derived']);
  const manifest = JSON.parse(await readFile(join(releasesDir(home), 'icd10cm-2026-derived', 'manifest.json'), 'utf8'));
  assert.equal(manifest.derived, true);
  assert.equal(manifest.label, 'ICD-10-CM FY2026 (rolled forward)');
  assert.deepEqual([manifest.effectiveFrom, manifest.effectiveTo], ['2025-10-01', '2026-09-30']);
  for (const f of ['icd10cm.json', 'valid.json', 'index.json', 'eindex.json', 'drug.json', 'neoplasm.json', REPORT_FILE, CHANGES_FILE]) assert.ok(manifest.files.includes(f), f);
  assert.equal(manifest.counts.billable, 74719);

  const cs = await CodeSets.open({ home });
  assert.equal(cs.resolve('icd10cm', { date: '2026-03-01' }).manifest.id, 'icd10cm-2026-derived');
  assert.equal(cs.resolve('icd10cm', { date: '2025-03-01' }).manifest.id, 'icd10cm-2025');
  assert.equal(cs.answeringFor('icd10cm-2026'), 'icd10cm-2026-derived');
  assert.deepEqual([cs.ref('icd10cm-2026').effectiveFrom, cs.ref('icd10cm-2026').effectiveTo], ['2025-10-01', '2026-09-30']);
  const official = await CodeSets.open({ home, preferOfficial: true });
  assert.equal(official.resolve('icd10cm', { date: '2026-03-01' }).manifest.id, 'icd10cm-2026');
  assert.equal(official.answeringFor('icd10cm-2026-derived'), 'icd10cm-2026');

  const demodex = await cs.lookup('icd10cm', 'B88.01', { date: '2026-03-01' });
  assert.equal(demodex.detail?.title, 'Infestation by Demodex mites');
  assert.equal(demodex.detail?.billable, true);
  const own = (demodex.detail!.notes ?? []).filter((n) => n.from === 'B88.01');
  assert.deepEqual(own.filter((n) => n.kind === 'inclusionTerm').map((n) => n.text), ['Demodex brevis infestation', 'Demodex folliculorum infestation']);
  assert.ok(own.every((n) => n.release === undefined), 'notes are the release\'s own, not borrowed');
  // Excludes1 turned Excludes2 at D53.8 in FY2026.
  const d538 = (await cs.lookup('icd10cm', 'D53.8', { date: '2026-03-01' })).detail!.notes ?? [];
  assert.ok(d538.some((n) => n.kind === 'excludes2' && n.text === 'zinc deficiency NOS (E60)' && n.from === 'D53.8'));
  assert.ok(!d538.some((n) => n.kind === 'excludes1' && n.from === 'D53.8'));
  // The FY2024 category W44 with its 7th characters, and the FY2026 QA0 block.
  const w44 = await cs.validate('icd10cm', 'W44.A1XA', { date: '2026-03-01' });
  assert.equal(w44.valid, true);
  const qa0 = await cs.lookup('icd10cm', 'QA0.0101', { date: '2026-03-01' });
  assert.equal(qa0.detail?.section?.id, 'QA0');
  assert.equal(qa0.detail?.chapter?.id, '17');
  const s06 = await cs.validate('icd10cm', 'S06.0X7D', { date: '2026-03-01' });
  assert.equal(s06.valid, false, '7th-character rules of the tabular still hold');

  const idx = await loadIndexes(cs, 'icd10cm-2026-derived');
  assert.deepEqual(idx.from, { index: 'icd10cm-2026-derived', neoplasm: 'icd10cm-2026-derived', drug: 'icd10cm-2026-derived', eindex: 'icd10cm-2026-derived' });
  assert.equal(idx.index?.find(['Allergy, allergic', 'dairy products'])?.code, 'T78.119');
  assert.equal(idx.index?.find(['Abnormal, abnormality, abnormalities', 'cytology', 'anus', 'human papillomavirus DNA test', 'low risk positive'])?.code, 'R85.82');
  assert.equal(idx.index?.find(['Abnormal, abnormality, abnormalities', 'cytology', 'anus', 'human papillomavirus DNA test', 'low risk postive']), undefined);
  assert.equal(idx.neoplasm?.site(['breast', 'inflammatory'])?.cells['Malignant Primary'], 'C50.A-');
  assert.equal(idx.drug?.substance('Fluoroquinolone antibiotics')?.cells['Adverse effect'], 'T36.AX5');

  const changes = JSON.parse(await readFile(join(releasesDir(home), 'icd10cm-2026-derived', CHANGES_FILE), 'utf8')) as SavedChanges;
  const saved = JSON.parse(await readFile(join(releasesDir(home), 'icd10cm-2026-derived', REPORT_FILE), 'utf8')) as SavedReport;
  const b8801 = changes.tabular['code:B88.01'];
  assert.ok(Array.isArray(b8801));
  assert.equal(saved.addenda[b8801[0]]!.update, 'FY2026');
  assert.equal(saved.addenda[b8801[0]]!.kind, 'tabular');
  assert.equal(changes.tabular['code:T74.A1'], 'icd10cm-2024', 'an April 2023 code came from the FY2024 order file');
  assert.ok(Object.keys(changes.index.index ?? {}).some((k) => k.startsWith('Allergy, allergic > dairy products')));
  assert.equal(saved.issues.length, report.issues.length);
});

test('diff lists what changed from FY2025 to the rolled-forward FY2026', async () => {
  const { home } = await rolled();
  const d = await diffReleases('icd10cm-2025', 'icd10cm-2026-derived', { home });
  assert.ok(d.codes.added.some((c) => c.code === 'C50.A1' && c.billable));
  assert.ok(d.codes.added.some((c) => c.code === 'QA0.0101'));
  assert.ok(d.codes.retitled.some((c) => c.code === 'P09.6' && c.to === 'Abnormal findings on neonatal hearing screening'));
  // Notes of codes in both releases (an added code's notes come with it).
  assert.ok(d.notes.some((n) => n.at === 'B88.0' && n.kind === 'inclusionTerm' && n.removed.includes('Acarine dermatitis')));
  assert.ok(d.notes.some((n) => n.at === 'D53.8' && n.kind === 'excludes2' && n.added.includes('zinc deficiency NOS (E60)')));
  const index = d.indexes.index!;
  assert.ok(index.added.some((e) => e.path.startsWith('Allergy, allergic (reaction) (to) > dairy products') && e.code === 'T78.119'));
  assert.ok(index.changed.some((c) => c.fields.includes('code')));
  // Releases sharing one index file show no index difference.
  const same = await diffReleases('icd10cm-2024', 'icd10cm-2025', { home });
  assert.equal(same.indexes.index, undefined);
  await assert.rejects(diffReleases('icd10cm-2025', 'icd10cm-2099', { home }), { code: 'RELEASE_NOT_FOUND' });
});

test('where a complete tabular exists to check against: FY2017 with the addenda to January 2021 is the official January 2021 tabular', async () => {
  const { home } = await rolled();
  const check = await rollForward({ home, from: 'icd10cm-2017', to: 2021, addenda: [join(sharedCodesets(), 'icd10cm')] });
  const official = fromFile(await readReleaseFile(home, 'icd10cm-2021-jan', CM_CODES_FILE));
  const d = diffTabular(check.tabular, official);
  assert.deepEqual([d.codes.added.length, d.codes.deleted.length, d.codes.retitled.length, d.codes.billable.length], [0, 0, 0, 0]);
  assert.deepEqual(check.tabular.sections.map((s) => [s.id, s.title]), official.sections.map((s) => [s.id, s.title]));
  // One inclusion term the FY2021 addendum leaves out; every other note, Excludes, Code first … and 7th character agrees.
  assert.deepEqual(d.notes, [{ at: 'T40.491', kind: 'inclusionTerm', added: ['Poisoning by other synthetic narcotics NOS'], removed: [] }]);
  assert.equal(check.issues.filter((i) => i.kind === 'tabular' && i.severity === 'failed').length, 0);
  // Each update keeps its own state: the FY2018 tabular still has what the FY2019 addendum changed.
  const z29 = (c: typeof check.tabular) => c.nodes.find((n) => n.c === 'Z29')?.n?.inclusionTerm ?? [];
  assert.ok(z29([...check.byUpdate.values()][0]!.tabular).some((t) => t.startsWith('Excludes 1: desensitization')));
  assert.ok(!z29(check.tabular).some((t) => t.startsWith('Excludes 1')));
  const fy2018 = check.steps.find((s) => s.update === 'FY2018')?.order;
  assert.deepEqual([fy2018?.release, fy2018?.missing.length, fy2018?.extra.length, fy2018?.titles.length], ['icd10cm-2018', 0, 0, 0]);
});
