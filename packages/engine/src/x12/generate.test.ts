import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseClaim, type Claim, type ClaimInput } from '../claims/model.js';
import { fixturePath } from '../testing/x12-examples.js';
import { checkEnvelope } from './envelope.js';
import { generate837 } from './generate.js';
import { parse837 } from './parse-837.js';
import { tokenize } from './segments.js';
import { crossCheck } from './verify.js';
import { build837 } from './write-837.js';

const ENVELOPE = {
  sender: { id: 'MEDCODERTEST' },
  receiver: { id: 'CLEARINGHOUSE' },
  submitter: { name: 'MEDCODER TEST', id: 'MC0001', contactName: 'BILLING OFFICE', phone: '2175550100' },
  receiverName: 'TEST CLEARINGHOUSE',
  interchangeControlNumber: 907,
  groupControlNumber: 907,
  transactionControlNumber: 907,
  now: new Date('2026-11-20T10:30:00Z'),
};

function fixture(name: string): ClaimInput {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as ClaimInput;
}

function segs(text: string): string[] {
  return tokenize(text).segments.map((s) => s.join('*'));
}

/** The claim as it should read back: loops the payer options left out are not in the file. */
function expected(g: ReturnType<typeof generate837>, i = 0): Claim {
  const want = structuredClone(g.claims[i]!);
  for (const l of g.preflight[i]!.layout) {
    if (!l.written) delete want.providers[['2310C', '2310E'].includes(l.loop) ? 'serviceFacility' : 'rendering'];
  }
  return want;
}

test('office visit: 837P envelope, hierarchy, claim and one line; the service facility equal to the billing provider is left out', () => {
  const g = generate837([fixture('office-visit')], '837P', ENVELOPE);
  const s = segs(g.text);
  assert.equal(s[0], 'ISA*00*          *00*          *ZZ*MEDCODERTEST   *ZZ*CLEARINGHOUSE  *261120*1030*^*00501*000000907*0*T*:');
  assert.equal(s[1], 'GS*HC*MEDCODERTEST*CLEARINGHOUSE*20261120*1030*907*X*005010X222A1');
  assert.equal(s[2], 'ST*837*0907*005010X222A1');
  assert.ok(s.includes('BHT*0019*00*0907*20261120*1030*CH'));
  assert.ok(s.includes('PER*IC*BILLING OFFICE*TE*2175550100'));
  assert.ok(s.includes('HL*1**20*1'));
  assert.ok(s.includes('NM1*85*2*Lakeside Family Medicine*****XX*1045328717'));
  assert.ok(s.includes('N4*Springfield*IL*627031850'), 'billing ZIP+4 without the dash');
  assert.ok(s.includes('REF*EI*364409871'));
  assert.ok(s.includes('HL*2*1*22*0'), 'the patient is the subscriber: no 2000C');
  assert.ok(s.includes('SBR*P*18*GRP-55120******CI'));
  assert.ok(s.includes('DMG*D8*19840719*F'));
  assert.ok(s.includes('CLM*LFM-20261014-0007*125***11:B:1*Y*A*Y*Y'));
  assert.ok(s.includes('HI*ABK:J069*ABF:R059'));
  assert.ok(s.includes('NM1*82*1*Park*Helen****XX*1287654309'));
  assert.ok(!s.some((x) => x.startsWith('NM1*77')), '2310C left out');
  assert.ok(s.includes('SV1*HC:99213*125*UN*1***1:2'));
  assert.ok(s.includes('DTP*472*D8*20261014'));
  const se = s.find((x) => x.startsWith('SE*'))!;
  assert.equal(se, `SE*${s.length - 4}*0907`);
  assert.deepEqual(s.slice(-2), ['GE*1*907', 'IEA*1*000000907']);
  assert.deepEqual(checkEnvelope(tokenize(g.text).segments), []);
  assert.ok(crossCheck(g.text).ok);
  assert.deepEqual(g.preflight[0]!.layout.find((l) => l.loop === '2310C')?.written, false);
});

test('multi-line claim: 2000C patient, modifiers, five diagnoses, pointers, NDC, referring and service facility loops', () => {
  const g = generate837([fixture('multi-line')], '837P', ENVELOPE);
  const s = segs(g.text);
  assert.ok(s.includes('HL*2*1*22*1'));
  assert.ok(s.includes('SBR*P**778120*Franklin Tool Works*****CI'), 'no SBR02 when the patient is not the subscriber');
  assert.ok(s.includes('HL*3*2*23*0'));
  assert.ok(s.includes('PAT*19'));
  assert.ok(s.includes('NM1*QC*1*Bennett*Noah'));
  assert.ok(s.includes('CLM*RBO-88213*1059.5***11:B:1*Y*A*Y*Y**OA'));
  assert.ok(s.includes('DTP*431*D8*20260907'));
  assert.ok(s.includes('REF*G1*PA2026-0917'));
  assert.ok(s.includes('HI*ABK:S52521A*ABF:S60511A*ABF:W092XXA*ABF:Y92830*ABF:Y9339'));
  assert.ok(s.includes('NM1*DN*1*Chen*Amy****XX*1938475625'));
  assert.ok(s.includes('NM1*77*2*Riverbend Ambulatory Surgery Center*****XX*1122334455'));
  assert.ok(s.includes('SV1*HC:99204:25*280*UN*1***1:2:3:4'));
  assert.ok(s.includes('SV1*HC:73110:26:RT*95*UN*1***1'));
  assert.ok(s.includes('SV1*HC:12001:59:RT*150*UN*1***2'));
  assert.ok(s.includes('LIN**N4*00409379501'));
  assert.ok(s.includes('CTP****1*ML'));
  assert.equal(s.filter((x) => x.startsWith('LX*')).length, 6);
  // Loop order: 2310A referring, 2310B rendering, 2310C facility, then the lines.
  const at = (p: string) => s.findIndex((x) => x.startsWith(p));
  assert.ok(at('NM1*DN') < at('NM1*82') && at('NM1*82') < at('NM1*77') && at('NM1*77') < at('LX*1'));
  assert.ok(crossCheck(g.text).ok);
});

test('inpatient stay: 837I with statement and admission dates, CL1, POA, admitting, external cause, PCS, occurrence and value codes', () => {
  const g = generate837([fixture('inpatient')], '837I', ENVELOPE);
  const s = segs(g.text);
  assert.equal(s[2], 'ST*837*0907*005010X223A2');
  assert.ok(s.includes('CLM*MVH-IP-260803-118*19291***11:A:1**A*Y*Y'));
  assert.ok(s.includes('DTP*096*TM*1100'));
  assert.ok(s.includes('DTP*434*RD8*20260803-20260807'));
  assert.ok(s.includes('DTP*435*DT*202608031400'));
  assert.ok(s.includes('CL1*1*7*06'));
  assert.ok(s.includes('REF*EA*MVH0099217'));
  assert.ok(s.includes('HI*ABK:S72001A:::::::Y'));
  assert.ok(s.includes('HI*ABJ:S72001A'));
  assert.ok(s.includes('HI*ABN:W1830XA*ABN:Y92009'));
  assert.ok(s.includes('HI*ABF:I10:::::::Y*ABF:E119:::::::Y*ABF:D62:::::::N*ABF:N390:::::::N'));
  assert.ok(s.includes('HI*BBR:0SR9019:D8:20260804'));
  assert.ok(s.includes('HI*BBQ:30233N1:D8:20260805'));
  assert.ok(s.includes('HI*BH:11:D8:20260803'));
  assert.ok(s.includes('HI*BE:80:::4'));
  assert.ok(s.includes('NM1*71*1*Raman*Priya****XX*1765432194'));
  assert.ok(s.includes('PRV*AT*PXC*208M00000X'));
  assert.ok(s.includes('NM1*72*1*Hale*Marcus****XX*1335577999'));
  assert.ok(s.includes('SV2*0300*HC:85025*135*UN*3'));
  assert.ok(s.includes('DTP*472*RD8*20260803-20260806'));
  assert.ok(s.includes('SV2*0360*HC:27236:RT*18650*UN*1'));
  // HI segments in guide order: principal, admitting, external cause, other diagnoses, procedures, occurrence, value.
  const his = s.filter((x) => x.startsWith('HI*')).map((x) => x.slice(3, x.indexOf(':')));
  assert.deepEqual(his, ['ABK', 'ABJ', 'ABN', 'ABF', 'BBR', 'BBQ', 'BH', 'BE']);
  assert.ok(crossCheck(g.text).ok);
});

test('outpatient facility claim: revenue codes with HCPCS, reason for visit, patient status without a discharge date', () => {
  const g = generate837([fixture('outpatient-facility')], '837I', ENVELOPE);
  const s = segs(g.text);
  assert.ok(s.includes('CLM*NCH-ED-26110402*1627***13:A:1**A*Y*Y'));
  assert.ok(s.includes('CL1*1*7*01'));
  assert.ok(s.includes('HI*APR:R079'));
  assert.ok(s.includes('HI*ABK:R0789'));
  assert.ok(s.includes('HI*ABF:I10'));
  assert.ok(s.includes('SV2*0450*HC:99284:25*980*UN*1'));
  assert.ok(s.includes('SV2*0730*HC:93005*180*UN*1'));
  assert.ok(!s.some((x) => x.startsWith('DTP*435')), 'no admission date on an emergency visit');
});

for (const name of ['office-visit', 'multi-line', 'inpatient', 'outpatient-facility']) {
  test(`${name}: the generated file reads back into the same claim, and writing that claim again gives the same file`, () => {
    const input = fixture(name);
    const guide = input.setting === 'professional' ? '837P' : '837I';
    const g = generate837([input], guide, ENVELOPE);
    const back = parse837(g.text);
    assert.deepEqual(back.issues, []);
    assert.equal(back.carriedSegments, 0, 'everything the generator writes is held by the model');
    assert.deepEqual(back.claims, [expected(g)]);
    assert.equal(build837(back.claims, guide, ENVELOPE), g.text);
  });
}

test('a batch: claims of one billing provider share 2000A; claims of one subscriber share 2000B', () => {
  const a = parseClaim(fixture('office-visit'));
  const b = structuredClone(a);
  b.id = 'LFM-20261015-0009';
  b.lines[0]!.date = '2026-10-15';
  const other = parseClaim(fixture('multi-line'));
  other.providers.billing = a.providers.billing;
  const text = build837([a, b, other], '837P', ENVELOPE);
  const s = segs(text);
  assert.deepEqual(s.filter((x) => x.startsWith('HL*')), ['HL*1**20*1', 'HL*2*1*22*0', 'HL*3*1*22*1', 'HL*4*3*23*0']);
  assert.equal(s.filter((x) => x.startsWith('CLM*')).length, 3);
  const back = parse837(text);
  assert.deepEqual(back.claims.map((c) => c.id), ['LFM-20261014-0007', 'LFM-20261015-0009', 'RBO-88213']);
  assert.ok(crossCheck(text).ok);
});

test('an 837P is refused for an institutional claim and an 837I for a professional one', () => {
  assert.throws(() => generate837([fixture('inpatient')], '837P', ENVELOPE), (e: Error & { code?: string }) => e.code === 'CLAIM_NOT_READY' && /837P carries professional claims/.test(e.message));
  assert.throws(() => generate837([fixture('office-visit')], '837I', ENVELOPE), (e: Error & { code?: string }) => e.code === 'CLAIM_NOT_READY');
});

test('delimiters and line breaks can be chosen; the file still reads back', () => {
  const text = build837([parseClaim(fixture('office-visit'))], '837P', { ...ENVELOPE, delimiters: { element: '|', component: '>', segment: '\'', newline: '\n' } });
  assert.match(text, /^ISA\|00\|/);
  assert.match(text, /SV1\|HC>99213\|125\|UN\|1\|\|\|1>2'\n/);
  assert.equal(parse837(text).claims[0]!.lines[0]!.code, '99213');
  assert.ok(crossCheck(text).ok);
});
