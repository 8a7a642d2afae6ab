import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { x12Examples } from '../testing/x12-examples.js';
import { parse837 } from './parse-837.js';
import { tokenize, type Segment } from './segments.js';
import { crossCheck } from './verify.js';
import { writeClaimFile } from './write-837.js';

/**
 * Golden round trips on the worked examples of both implementation guides:
 * parse into claims, write the claims again, compare segment by segment.
 *
 * Element texts must be identical, with one allowance: a decimal amount may
 * lose trailing zeros ("1400.00" is written "1400"), which X12 asks for.
 * A read file is written back with the loops it had, so the payer options
 * that leave out a service facility or rendering provider equal to the
 * billing provider are set to "always" here.
 */

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;

function sameElement(a: string, b: string): boolean {
  return a === b || (DECIMAL.test(a) && DECIMAL.test(b) && (a.includes('.') || b.includes('.')) && Number(a) === Number(b));
}

function differences(a: Segment[], b: Segment[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? [];
    const y = b[i] ?? [];
    if (x.length !== y.length || x.some((e, j) => !sameElement(e, y[j]!))) out.push(`segment ${i + 1}: ${x.join('*')}  ≠  ${y.join('*')}`);
  }
  return out;
}

const examples = x12Examples();

test('the shared folder holds the worked examples of both guides', () => {
  assert.ok(examples.length >= 22, `found ${examples.length} examples`);
  assert.ok(examples.some((e) => e.name.startsWith('X222')));
  assert.ok(examples.some((e) => e.name.startsWith('X223')));
});

const summary: { name: string; strict: boolean; claims: number; carried: number }[] = [];

for (const ex of examples) {
  test(`golden round trip: ${ex.name}`, () => {
    const text = readFileSync(ex.path, 'utf8');
    const parsed = parse837(text);
    assert.ok(parsed.claims.length > 0, 'no claims read');
    assert.deepEqual(parsed.issues.filter((i) => i.severity === 'error'), [], 'envelope errors');
    const written = writeClaimFile(parsed, { serviceFacility: 'always', renderingProvider: 'always' });
    const before = tokenize(text).segments;
    const after = tokenize(written).segments;
    assert.deepEqual(differences(before, after), []);
    const strict = before.length === after.length && before.every((s, i) => s.join('*') === after[i]!.join('*'));
    summary.push({ name: ex.name, strict, claims: parsed.claims.length, carried: parsed.carriedSegments });
    // node-x12 reads what we wrote and agrees on the envelope and the segment count.
    const check = crossCheck(written);
    assert.ok(check.ok, check.message);
    const stToSe = before.filter((s) => !['ISA', 'GS', 'GE', 'IEA'].includes(s[0]!)).length;
    assert.equal(check.segments, stToSe);
    // Reading the written file again gives the same claims.
    assert.deepEqual(parse837(written).claims, parsed.claims);
  });
}

test('golden summary: every example round-trips; the few differences are trailing zeros of amounts', () => {
  assert.equal(summary.length, examples.length);
  const loose = summary.filter((s) => !s.strict).map((s) => s.name);
  // Written amounts drop trailing zeros (766.50 → 766.5); all other elements are identical.
  assert.ok(loose.length <= 3, `not byte-identical: ${loose.join(', ')}`);
  for (const name of loose) assert.match(name, /ambulance|home-infusion/);
});

test('a claim the examples keep mostly in the model: the anesthesia claim', () => {
  const ex = examples.find((e) => e.name.includes('anesthesia'))!;
  const c = parse837(readFileSync(ex.path, 'utf8')).claims[0]!;
  assert.equal(c.id, '153829140');
  assert.equal(c.placeOfService, '22');
  assert.equal(c.icdVersion, '9');
  assert.deepEqual(c.diagnoses, [{ code: '366.16' }]);
  assert.equal(c.lines[0]!.code, '00142');
  assert.deepEqual(c.lines[0]!.modifiers, ['QK', 'QS', 'P1']);
  assert.equal(c.lines[0]!.unitType, 'MJ');
  assert.equal(c.lines[0]!.units, 61);
  assert.equal(c.providers.rendering?.taxonomy, '207L00000X');
  assert.equal(c.providers.serviceFacility?.organizationName, 'PROVIDER OP HOSP');
  assert.equal(c.subscriber?.memberId, '123456789A');
  assert.equal(c.payer?.filingIndicator, 'MB');
  // Only the rendering provider's secondary id is kept as raw X12.
  assert.deepEqual(c.x12?.segments, [{ loop: '2310B', segment: ['REF', '1G', 'A41234'] }]);
});

test('institutional examples: type of bill, statement dates, CL1, occurrence and value codes, two subscribers', () => {
  const read = (part: string) => parse837(readFileSync(examples.find((e) => e.name.includes(part))!.path, 'utf8'));
  const inst = read('837-institutional-claim').claims[0]!;
  assert.equal(inst.typeOfBill, '0141');
  assert.equal(inst.setting, 'outpatient-facility');
  assert.deepEqual(inst.facilityCodes?.occurrences?.[0], { code: 'A1', date: '1926-11-11' });
  assert.deepEqual(inst.facilityCodes?.values, [{ code: 'A2', amount: 15.31 }]);
  assert.deepEqual(inst.facilityCodes?.conditionCodes, ['09']);
  assert.equal(inst.facilityCodes?.patientStatus, '01');
  // DTP*434 says RD8 but gives one date: kept as raw X12, not misread.
  assert.ok(inst.x12?.segments.some((s) => s.loop === '2300' && s.segment[0] === 'DTP' && s.segment[1] === '434'));
  const auto = read('automobile').claims[0]!;
  assert.deepEqual(auto.reasonForVisit, ['884.2']);
  assert.deepEqual(auto.externalCauses?.map((d) => d.code), ['E975.0', 'E986.0']);
  assert.equal(auto.subscriber?.relationship, 'unknown');
  const two = read('two-claims');
  assert.deepEqual(two.claims.map((c) => c.id), ['756048Q', '756049Q']);
  assert.deepEqual(two.claims.map((c) => c.subscriber?.name.last), ['DOE', 'SMITH']);
  const ppo = read('X223A2_HC837_Health_Care_Claim_Institutional__pass__ppo').claims[0]!;
  assert.deepEqual(ppo.admission, { date: '2005-07-06', hour: 8, type: '1', source: '2' });
  assert.equal(ppo.patient.name?.first, 'JOY');
  assert.equal(ppo.subscriber?.relationship, 'child');
});
