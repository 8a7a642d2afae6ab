import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';
import { isIcd10pcsRelease, type Icd10pcsRelease } from './release.js';
import '../modules.js';

const DATE = { date: '2026-03-01' };

async function pcs(): Promise<Icd10pcsRelease> {
  const cs = await testCodeSets();
  const { release } = await cs.release('icd10pcs', DATE);
  assert.ok(isIcd10pcsRelease(release));
  return release;
}

test('FY2026 is the release in force on 2026-03-01, with 914 tables and 79,115 valid codes', async () => {
  const r = await pcs();
  assert.equal(r.ref.id, 'icd10pcs-2026');
  assert.equal(r.ref.effectiveFrom, '2025-10-01');
  assert.equal(r.ref.effectiveTo, '2026-09-30');
  assert.equal(r.billableCount(), 79115);
  assert.equal(r.index.tableCount, 914);
  assert.equal(r.manifest.counts.orderCodesInTables, 79115);
  assert.equal(r.manifest.counts.tableCodes, 79115);
  assert.equal(r.tablesVersion, 2026);
});

test('0DTJ4ZZ is valid: Resection of Appendix, Percutaneous Endoscopic Approach, with all seven axes', async () => {
  const r = await pcs();
  const v = r.validate('0DTJ4ZZ');
  assert.equal(v.valid, true);
  assert.equal(v.exists, true);
  assert.deepEqual(v.reasons, []);
  assert.equal(v.title, 'Resection of Appendix, Percutaneous Endoscopic Approach');
  assert.equal(r.validate('0dt-j4z-z').valid, true);

  const d = r.lookup('0DTJ4ZZ')!;
  assert.equal(d.kind, 'code');
  assert.equal(d.billable, true);
  assert.equal(d.title, 'Resection of Appendix, Percutaneous Endoscopic Approach');
  // The short title is given only where it differs from the long one.
  assert.equal(d.shortTitle, undefined);
  assert.equal(r.lookup('0DTJ4ZG')?.shortTitle, 'Resection of Appendix, Perc Endo Approach, Hnd-Asist');
  assert.deepEqual(
    d.axes!.map((a) => [a.pos, a.title, a.value, a.label]),
    [
      [1, 'Section', '0', 'Medical and Surgical'],
      [2, 'Body System', 'D', 'Gastrointestinal System'],
      [3, 'Operation', 'T', 'Resection'],
      [4, 'Body Part', 'J', 'Appendix'],
      [5, 'Approach', '4', 'Percutaneous Endoscopic'],
      [6, 'Device', 'Z', 'No Device'],
      [7, 'Qualifier', 'Z', 'No Qualifier'],
    ],
  );
  assert.equal(d.axes![2]!.definition, 'Cutting out or off, without replacement, all of a body part');
  assert.match(d.axes![4]!.definition ?? '', /^Entry, by puncture or minor incision/);
  assert.deepEqual((d.attributes?.includes as Record<string, string[]>)['4'], ['Appendiceal orifice', 'Vermiform appendix']);
  assert.equal(d.attributes?.table, '0DT');
  assert.deepEqual(d.ancestors, [{ code: '0DT', title: 'Medical and Surgical, Gastrointestinal System, Resection', billable: false }]);
  assert.deepEqual(d.section, { id: '0', title: 'Medical and Surgical' });
});

test('a device the appendix resection row does not allow is rejected naming the axis, the value and what the row allows', async () => {
  const r = await pcs();
  const v = r.validate('0DTJ4JZ');
  assert.equal(v.valid, false);
  assert.equal(v.exists, false);
  assert.equal(v.reasons.length, 1);
  const reason = v.reasons[0]!;
  assert.equal(reason.code, 'AXIS_VALUE_NOT_ALLOWED');
  assert.equal(reason.position, 6);
  assert.equal(reason.axis, 'Device');
  assert.equal(reason.value, 'J');
  assert.equal(reason.table, '0DT');
  assert.deepEqual(reason.allowed, [{ value: 'Z', label: 'No Device', rows: [3] }]);
  assert.match(reason.message, /character 6 \(Device\) is J/);
  assert.match(reason.message, /Body Part J \(Appendix\)/);
  assert.match(reason.message, /row 3 allows Z No Device/);
  assert.equal(v.suggestions?.[0]?.code, '0DTJ4ZZ');
  assert.ok(v.suggestions!.every((s) => r.validate(s.code).valid));
  assert.equal(r.lookup('0DTJ4JZ'), undefined);
});

test('values each allowed by some row of 0DT but never in one row are rejected (the check is per row)', async () => {
  const r = await pcs();
  // Row 2 of 0DT: J with approaches 0, 7, 8 and qualifier Z; row 3: J with approach 4 and qualifiers G, Z.
  assert.equal(r.validate('0DTJ4ZG').valid, true);
  assert.equal(r.validate('0DTJ0ZZ').valid, true);
  const v = r.validate('0DTJ0ZG');
  assert.equal(v.valid, false);
  const reason = v.reasons[0]!;
  assert.equal(reason.code, 'AXIS_VALUE_NOT_ALLOWED');
  assert.equal(reason.position, 7);
  assert.equal(reason.axis, 'Qualifier');
  assert.deepEqual(reason.rows, [2]);
  assert.deepEqual(reason.allowedInRows, [3, 5]);
  assert.match(reason.message, /G \(Hand-Assisted\) is a Qualifier value only in rows 3 and 5/);

  // Every table: a code whose values all occur in the table, taken from different rows, never validates.
  let checked = 0;
  for (const key of r.index.tableKeys()) {
    const t = r.index.table(key)!;
    for (let a = 0; a < t.rows.length && checked < 3000; a++) {
      for (let b = 0; b < t.rows.length; b++) {
        if (a === b) continue;
        const ra = t.table.r[a]!;
        const rb = t.table.r[b]!;
        const code = key + ra.v[0][0] + ra.v[1][0] + rb.v[2][0] + rb.v[3][0];
        const inOneRow = t.rows.some((row) => [...code.slice(3)].every((ch, i) => row.sets[i]!.has(ch)));
        const v2 = r.validate(code);
        assert.equal(v2.valid, inOneRow, code);
        if (!inOneRow) assert.equal(v2.reasons[0]?.code, 'AXIS_VALUE_NOT_ALLOWED', code);
        checked++;
      }
    }
  }
  assert.ok(checked > 1000);
});

test('a value label that differs by row is read from the row that makes the code (XNS)', async () => {
  const r = await pcs();
  assert.equal(r.lookup('XNS4032')?.axes?.[3]?.label, 'Thoracic Vertebra');
  assert.equal(r.lookup('XNS40GA')?.axes?.[3]?.label, 'Humeral Shaft, Right');
});

test('the letters I and O are rejected with their position, and the lookalike digit is suggested', async () => {
  const r = await pcs();
  const o = r.validate('ODTJ4ZZ');
  assert.equal(o.valid, false);
  assert.equal(o.reasons[0]?.code, 'INVALID_CHARACTER');
  assert.equal(o.reasons[0]?.position, 1);
  assert.match(o.reasons[0]!.message, /letters I and O/);
  assert.equal(o.suggestions?.[0]?.code, '0DTJ4ZZ');
  const i = r.validate('0DTJ4ZI');
  assert.equal(i.reasons[0]?.code, 'INVALID_CHARACTER');
  assert.equal(i.reasons[0]?.position, 7);
  assert.equal(r.validate('0DIJ4ZZ').reasons[0]?.position, 3);
  const star = r.validate('0DT#4ZZ');
  assert.equal(star.reasons[0]?.code, 'INVALID_CHARACTER');
  assert.equal(star.reasons[0]?.position, 4);
});

test('wrong length: INVALID_FORMAT says how many characters; a table key is a header with its codes', async () => {
  const r = await pcs();
  const six = r.validate('0DTJ4Z');
  assert.equal(six.valid, false);
  assert.equal(six.reasons[0]?.code, 'INVALID_FORMAT');
  assert.match(six.reasons[0]!.message, /exactly 7 characters; "0DTJ4Z" has 6/);
  assert.deepEqual(six.suggestions?.map((s) => s.code), ['0DTJ4ZG', '0DTJ4ZZ']);
  const eight = r.validate('0DTJ4ZZZ');
  assert.equal(eight.reasons[0]?.code, 'INVALID_FORMAT');
  assert.match(eight.reasons[0]!.message, /has 8/);
  assert.equal(eight.suggestions?.[0]?.code, '0DTJ4ZZ');
  assert.equal(r.validate('').reasons[0]?.code, 'EMPTY');
  assert.equal(r.validate('   ').reasons[0]?.code, 'EMPTY');

  const table = r.validate('0DT');
  assert.equal(table.valid, false);
  assert.equal(table.exists, true);
  assert.deepEqual(table.reasons.map((x) => x.code), ['INVALID_FORMAT', 'NOT_BILLABLE']);
  assert.equal(table.title, 'Medical and Surgical, Gastrointestinal System, Resection');
  assert.ok(table.billableChildren!.length > 10);
  assert.ok(table.billableChildren!.every((c) => c.code.startsWith('0DT') && c.billable));
});

test('no table for the first three characters: UNKNOWN_CODE names the section, body system or operation', async () => {
  const r = await pcs();
  const section = r.validate('E000000');
  assert.equal(section.reasons[0]?.code, 'UNKNOWN_CODE');
  assert.equal(section.reasons[0]?.position, 1);
  assert.equal(section.reasons[0]?.axis, 'Section');
  const system = r.validate('0ZTJ4ZZ');
  assert.equal(system.reasons[0]?.position, 2);
  assert.equal(system.reasons[0]?.axis, 'Body System');
  assert.match(system.reasons[0]!.message, /section 0 \(Medical and Surgical\) has no such body system/);
  // Same operation in other body systems is suggested.
  assert.ok(system.suggestions?.length && system.suggestions.every((s) => s.code[2] === 'T'));
  const op = r.validate('0DAJ4ZZ');
  assert.equal(op.reasons[0]?.position, 3);
  assert.equal(op.reasons[0]?.axis, 'Operation');
  assert.match(op.reasons[0]!.message, /no table 0DA/);
  assert.ok((op.reasons[0]!.allowed as Array<{ value: string }>).some((a) => a.value === 'T'));
  // Imaging names its third axis "Type".
  assert.equal(r.validate('B0Z0000').reasons[0]?.axis, 'Type');
});

test('a table lookup (0DT): header with its body-part values', async () => {
  const r = await pcs();
  const d = r.lookup('0DT')!;
  assert.equal(d.kind, 'table');
  assert.equal(d.billable, false);
  assert.equal(d.title, 'Medical and Surgical, Gastrointestinal System, Resection');
  assert.equal(d.axes?.length, 3);
  assert.ok(d.children?.some((c) => c.code === '0DTJ' && c.title === 'Appendix'));
  assert.equal(d.attributes?.childAxis, 'Body Part');
  assert.equal(d.attributes?.codes, r.codesWithPrefix('0DT').length);
  assert.equal(r.lookup('0DA'), undefined);
  assert.equal(r.lookup('0DTJ'), undefined);
});

test('nextValues walks a code axis by axis; every offered last value completes a valid code', async () => {
  const r = await pcs();
  const sections = r.nextValues('')!;
  assert.equal(sections.pos, 1);
  assert.equal(sections.title, 'Section');
  assert.equal(sections.values.length, 17);
  const approach = r.nextValues('0DTJ')!;
  assert.equal(approach.title, 'Approach');
  assert.deepEqual(approach.values.map((v) => v.value), ['0', '4', '7', '8']);
  assert.match(approach.values[0]!.definition ?? '', /^Cutting through the skin/);
  const ops = r.nextValues('0D')!;
  assert.equal(ops.title, 'Operation');
  assert.equal(ops.values.find((v) => v.value === 'T')?.definition, 'Cutting out or off, without replacement, all of a body part');
  const last = r.nextValues('0DTJ4Z')!;
  assert.equal(last.completes, true);
  assert.deepEqual(last.values.map((v) => v.value), ['G', 'Z']);
  assert.equal(r.nextValues('0DTJ4J'), undefined);
  assert.equal(r.nextValues('E'), undefined);
  assert.throws(() => r.nextValues('0DTJ4ZZ'), /at most 6/);

  // Along sampled valid codes, each next character is offered, and each 7th value offered is valid.
  const codes = [...r.billableCodes()];
  for (let i = 0; i < codes.length; i += 97) {
    const code = codes[i]!;
    for (let len = 0; len < 7; len++) {
      const next = r.nextValues(code.slice(0, len));
      assert.ok(next?.values.some((v) => v.value === code[len]), `${code} at ${len + 1}`);
      if (len === 6) for (const v of next!.values) assert.ok(r.isValid(code.slice(0, 6) + v.value), code.slice(0, 6) + v.value);
    }
  }
});

test('a few thousand random strings never throw, and answers agree with each other', async () => {
  const r = await pcs();
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.- *#é';
  let seed = 20260301;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pick = (s: string) => s[Math.floor(rand() * s.length)]!;
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    // Mostly seven characters; some from a real code's table to reach the axis checks.
    const len = i % 5 === 0 ? Math.floor(rand() * 10) : 7;
    let s = '';
    for (let k = 0; k < len; k++) s += pick(i % 3 === 0 ? alphabet : '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ');
    if (i % 2 === 0 && len === 7) s = '0D' + s.slice(2);
    const v = r.validate(s);
    assert.equal(v.system, 'icd10pcs');
    assert.equal(v.valid, v.reasons.length === 0, s);
    seen.add(v.reasons[0]?.code ?? 'VALID');
    if (v.valid) {
      assert.ok(r.lookup(s), s);
    } else {
      assert.ok(v.reasons[0]!.message.length > 0);
      for (const sug of v.suggestions ?? []) assert.ok(sug.billable === false || r.isValid(sug.code), sug.code);
    }
    r.lookup(s);
    r.nextValues(s.slice(0, Math.min(6, s.length)));
  }
  // The random inputs reached every kind of answer short of a valid code.
  for (const c of ['EMPTY', 'INVALID_CHARACTER', 'INVALID_FORMAT', 'UNKNOWN_CODE', 'AXIS_VALUE_NOT_ALLOWED']) assert.ok(seen.has(c), c);
});

test('title gives the title lookup gives, for every code of the release, and nothing for a code that is not one', async () => {
  const r = await pcs();
  let n = 0;
  for (const code of r.billableCodes()) {
    assert.equal(r.title(code), r.lookup(code)!.title, code);
    n++;
  }
  assert.equal(n, 79115);
  assert.equal(r.title('0dt-j4z-z'), 'Resection of Appendix, Percutaneous Endoscopic Approach');
  assert.equal(r.title('0DTJ4ZY'), undefined);
  assert.equal(r.title('0DT'), r.lookup('0DT')!.title);
});
