import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';

const FY2026 = { date: '2026-03-01' };
const JAN2021 = { date: '2021-03-01' };

test('E11.22: title and billable', async () => {
  const cs = await testCodeSets();
  const { detail } = await cs.lookup('icd10cm', 'E11.22', FY2026);
  assert.ok(detail);
  assert.equal(detail.title, 'Type 2 diabetes mellitus with diabetic chronic kidney disease');
  assert.equal(detail.billable, true);
  assert.equal(detail.release.id, 'icd10cm-2026');
  assert.deepEqual(detail.ancestors?.map((a) => a.code), ['E11', 'E11.2']);
  assert.equal(detail.chapter?.id, '4');
  assert.equal(detail.section?.id, 'E08-E13');
});

test('input without the dot and in lower case is normalised', async () => {
  const cs = await testCodeSets();
  const v = await cs.validate('icd10cm', ' e1122 ', FY2026);
  assert.equal(v.code, 'E11.22');
  assert.equal(v.valid, true);
});

test('E11 is not billable and lists its billable children', async () => {
  const cs = await testCodeSets();
  const v = await cs.validate('icd10cm', 'E11', FY2026);
  assert.equal(v.valid, false);
  assert.equal(v.exists, true);
  assert.equal(v.reasons[0]?.code, 'NOT_BILLABLE');
  const kids = v.billableChildren?.map((c) => c.code) ?? [];
  assert.ok(kids.includes('E11.9'));
  assert.ok(kids.includes('E11.22'));
  const { detail } = await cs.lookup('icd10cm', 'E11', FY2026);
  assert.equal(detail?.kind, 'category');
  assert.ok(detail?.children?.some((c) => c.code === 'E11.2' && c.billable === false));
});

test('the Excludes1 notes of E11 are those of the tabular, own and inherited by E11.22', async () => {
  const cs = await testCodeSets();
  const expected = [
    'diabetes mellitus due to underlying condition (E08.-)',
    'drug or chemical induced diabetes mellitus (E09.-)',
    'gestational diabetes (O24.4-)',
    'neonatal diabetes mellitus (P70.2)',
    'postpancreatectomy diabetes mellitus (E13.-)',
    'postprocedural diabetes mellitus (E13.-)',
    'secondary diabetes mellitus NEC (E13.-)',
    'type 1 diabetes mellitus (E10.-)',
  ];
  const e11 = (await cs.lookup('icd10cm', 'E11', JAN2021)).detail!;
  assert.deepEqual(e11.notes?.filter((n) => n.kind === 'excludes1' && n.from === 'E11').map((n) => n.text), expected);
  const e1122 = (await cs.lookup('icd10cm', 'E11.22', JAN2021)).detail!;
  const inherited = e1122.notes?.filter((n) => n.kind === 'excludes1' && n.from === 'E11').map((n) => n.text);
  assert.deepEqual(inherited, expected);
  // Own notes of E11.22 come first and are marked as its own.
  assert.ok(e1122.notes?.some((n) => n.kind === 'useAdditionalCode' && n.from === 'E11.22' && /N18/.test(n.text)));
  // Inclusion terms are not inherited.
  assert.ok(!e1122.notes?.some((n) => n.kind === 'inclusionTerm' && n.from !== 'E11.22'));
});

test('FY2026 has no tabular: its notes come from the 2021 tabular and say so', async () => {
  const cs = await testCodeSets();
  const d = (await cs.lookup('icd10cm', 'E11.22', FY2026)).detail!;
  const ex1 = d.notes?.find((n) => n.kind === 'excludes1' && n.from === 'E11');
  assert.equal(ex1?.release, 'icd10cm-2021-jan');
  const m = cs.releases('icd10cm').find((r) => r.id === 'icd10cm-2026');
  assert.match(m?.provenance?.notes ?? '', /icd10cm-2021-jan/);
});

test('S72.001 needs a 7th character; S72.001A is valid with its meaning', async () => {
  const cs = await testCodeSets();
  for (const opts of [FY2026, JAN2021, { date: '2017-06-01' }]) {
    const v = await cs.validate('icd10cm', 'S72.001', opts);
    assert.equal(v.valid, false);
    assert.ok(v.reasons.some((r) => r.code === 'SEVENTH_CHARACTER_REQUIRED'), JSON.stringify(v.reasons));
    const a = await cs.lookup('icd10cm', 'S72.001A', opts);
    assert.equal(a.validation.valid, true);
    assert.equal(a.detail?.extension?.stem, 'S72.001');
    assert.equal(a.detail?.extension?.char, 'A');
    assert.equal(a.detail?.extension?.meaning, 'initial encounter for closed fracture');
    assert.match(a.detail!.title, /initial encounter for closed fracture$/);
  }
  const d = (await cs.lookup('icd10cm', 'S72.001', JAN2021)).detail!;
  assert.equal(d.seventhCharacter?.from, 'S72');
  assert.equal(d.seventhCharacter?.definitions.length, 16);
  const bad = await cs.validate('icd10cm', 'S72.001Z', JAN2021);
  assert.equal(bad.reasons[0]?.code, 'SEVENTH_CHARACTER_INVALID');
});

test('placeholder X: T36.0X5A valid, T36.05A and T36.0X5 explained', async () => {
  const cs = await testCodeSets();
  assert.equal((await cs.validate('icd10cm', 'T36.0X5A', FY2026)).valid, true);
  const missing = await cs.validate('icd10cm', 'T36.05A', FY2026);
  assert.equal(missing.valid, false);
  assert.equal(missing.reasons[0]?.code, 'PLACEHOLDER_REQUIRED');
  assert.equal(missing.suggestions?.[0]?.code, 'T36.0X5A');
  const stem = await cs.validate('icd10cm', 'T36.0X5', FY2026);
  assert.ok(stem.reasons.some((r) => r.code === 'SEVENTH_CHARACTER_REQUIRED'));
  const short = await cs.validate('icd10cm', 'W00.0', JAN2021);
  assert.ok(short.reasons.some((r) => r.code === 'PLACEHOLDER_REQUIRED' && /W00\.0XX/.test(r.message)), JSON.stringify(short.reasons));
  assert.equal((await cs.validate('icd10cm', 'W00.0XXA', JAN2021)).valid, true);
});

test('S06 codes with 6th character 7 or 8 take no D or S (the tabular text rule, 2021 on)', async () => {
  const cs = await testCodeSets();
  const v = await cs.validate('icd10cm', 'S06.1X7D', JAN2021);
  assert.equal(v.valid, false);
  assert.equal(v.reasons[0]?.code, 'SEVENTH_CHARACTER_NOT_ALLOWED');
  assert.equal((await cs.validate('icd10cm', 'S06.1X7A', JAN2021)).valid, true);
  const d = (await cs.lookup('icd10cm', 'S06.1X7', JAN2021)).detail!;
  assert.deepEqual(d.seventhCharacter?.excluded?.map((x) => x.char), ['D', 'S']);
});

test('the date of service picks the release', async () => {
  const cs = await testCodeSets();
  const before = await cs.validate('icd10cm', 'A04.71', { date: '2017-06-01' });
  assert.equal(before.valid, false);
  assert.equal(before.release.id, 'icd10cm-2017');
  assert.ok(before.validIn?.some((r) => r.release === 'icd10cm-2018'));
  assert.equal((await cs.validate('icd10cm', 'A04.71', { date: '2018-06-01' })).valid, true);
  // Deleted in FY2026: says where it was last valid.
  const gone = await cs.validate('icd10cm', 'S30.1XXA', FY2026);
  assert.equal(gone.valid, false);
  assert.equal(gone.reasons[0]?.code, 'NOT_IN_RELEASE');
  assert.equal(gone.lastValidIn?.release, 'icd10cm-2025');
  // Turned into a header in FY2026.
  const g35 = await cs.validate('icd10cm', 'G35', FY2026);
  assert.equal(g35.reasons[0]?.code, 'NOT_BILLABLE');
  assert.equal(g35.lastValidIn?.release, 'icd10cm-2025');
  assert.equal((await cs.validate('icd10cm', 'G35', { date: '2025-03-01' })).valid, true);
});

test('dates outside every release: stale answers warn, strict mode and early dates refuse', async () => {
  const cs = await testCodeSets();
  const late = await cs.validate('icd10cm', 'E11.22', { date: '2026-11-25' });
  assert.equal(late.release.id, 'icd10cm-2026');
  assert.ok(late.warnings?.some((w) => /no ICD-10-CM release in force on 2026-11-25/.test(w)));
  await assert.rejects(cs.validate('icd10cm', 'E11.22', { date: '2026-11-25', strict: true }), { code: 'NO_RELEASE_FOR_DATE' });
  await assert.rejects(cs.validate('icd10cm', 'E11.22', { date: '2015-01-01' }), { code: 'NO_RELEASE_FOR_DATE' });
  await assert.rejects(cs.validate('icd10cm', 'E11.22', { date: '2021-02-30' }), { code: 'INVALID_DATE' });
});

test('unknown codes get the nearest valid codes', async () => {
  const cs = await testCodeSets();
  const v = await cs.validate('icd10cm', 'E11.99', FY2026);
  assert.equal(v.reasons[0]?.code, 'UNKNOWN_CODE');
  assert.ok(v.suggestions?.some((s) => s.code === 'E11.9'), JSON.stringify(v.suggestions));
});

test('garbage never crashes validation', async () => {
  const cs = await testCodeSets();
  const { release } = await cs.release('icd10cm', FY2026);
  const samples = ['', ' ', '.', '...', 'E', '11', 'E1', 'ÄÖÜ', 'E11.2\u0000', '<script>', 'E11.22.33', 'x'.repeat(10000), '\u{1F600}', 'S72.001AA', '0DTJ4ZZ', 'null'];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_ xé';
  for (let i = 0; i < 3000; i++) {
    let s = '';
    const len = Math.floor(rnd() * 10);
    for (let j = 0; j < len; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    samples.push(s);
  }
  for (const s of samples) {
    const v = release.validate(s);
    assert.equal(typeof v.valid, 'boolean');
    if (!v.valid) assert.ok(v.reasons.length > 0, `no reason for ${JSON.stringify(s)}`);
  }
});
