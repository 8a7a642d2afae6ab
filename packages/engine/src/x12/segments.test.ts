import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isMedcoderError } from '../errors.js';
import { x12Examples } from '../testing/x12-examples.js';
import { checkEnvelope } from './envelope.js';
import { parse837 } from './parse-837.js';
import { components, decimal, DEFAULT_DELIMITERS, tokenize, writeSegment } from './segments.js';
import { writeClaimFile } from './write-837.js';

const ISA = 'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261120*1030*^*00501*000000001*0*T*:~';

test('delimiters come from the ISA; line breaks between segments and a cover note before ISA are ignored', () => {
  const text = `Cover note\r\n${ISA.replace(/\*/g, '|').replace(':~', '>\'')}\r\nGS|HC|A|B|20261120|1030|1|X|005010X222A1'\r\nST|837|0001'\r\nSE|2|0001'\r\nGE|1|1'\r\nIEA|1|000000001'\r\ntrailing text`;
  const t = tokenize(text);
  assert.deepEqual({ ...t.delimiters }, { element: '|', component: '>', repetition: '^', segment: '\'', newline: '\r\n' });
  assert.deepEqual(t.segments.map((s) => s[0]), ['ISA', 'GS', 'ST', 'SE', 'GE', 'IEA']);
  assert.equal(t.start, 12);
  assert.deepEqual(checkEnvelope(t.segments), []);
  assert.deepEqual(components('HC>99213>25', t.delimiters), ['HC', '99213', '25']);
});

test('a file without an ISA, or with a cut ISA, is refused as X12_MALFORMED', () => {
  for (const text of ['', 'hello', 'ISA*00*short~', `${ISA.slice(0, 60)}`]) {
    assert.throws(() => tokenize(text), (e: unknown) => isMedcoderError(e) && e.code === 'X12_MALFORMED', JSON.stringify(text));
  }
});

test('the writer drops trailing empty elements and components, and refuses delimiters in data', () => {
  const d = DEFAULT_DELIMITERS;
  assert.equal(writeSegment(['NM1', '85', '2', 'CLINIC', undefined, '', undefined, undefined, 'XX', '1234567893'], d), 'NM1*85*2*CLINIC*****XX*1234567893~');
  assert.equal(writeSegment(['SV1', ['HC', '99213', undefined, '', undefined], '40', 'UN', '1', undefined, undefined, ['1'], undefined], d), 'SV1*HC:99213*40*UN*1***1~');
  assert.equal(writeSegment(['REF', 'EI', '123456789', '', undefined], d), 'REF*EI*123456789~');
  assert.throws(() => writeSegment(['NM1', '85', '2', 'A*B'], d), (e: unknown) => isMedcoderError(e) && e.code === 'X12_DELIMITER_IN_DATA');
  assert.throws(() => writeSegment(['SV1', ['HC', '99:213']], d), (e: unknown) => isMedcoderError(e) && e.code === 'X12_DELIMITER_IN_DATA');
});

test('decimals are written without exponent or trailing zeros', () => {
  assert.equal(decimal(125), '125');
  assert.equal(decimal(1059.5), '1059.5');
  assert.equal(decimal(0.1 + 0.2), '0.3');
  assert.equal(decimal(1400.0), '1400');
  assert.equal(decimal(2.125, 3), '2.125');
  assert.equal(decimal(-0), '0');
});

test('the envelope check finds wrong counts and control numbers', () => {
  const text = readFileSync(x12Examples().find((e) => e.name.includes('anesthesia'))!.path, 'utf8');
  const bad = text.replace('SE*29*0001', 'SE*28*0002').replace('GE*1*20213', 'GE*2*20214').replace('IEA*1*000010216', 'IEA*1*000010217');
  const issues = checkEnvelope(tokenize(bad).segments).map((i) => i.segment);
  assert.deepEqual(issues, ['SE01', 'SE02', 'GE01', 'GE02', 'IEA02']);
  const parsed = parse837(bad);
  assert.equal(parsed.issues.filter((i) => i.severity === 'error').length, 5);
});

test('fuzz: mutated examples never crash the reader or the writer with anything but a MedcoderError', () => {
  const texts = x12Examples().map((e) => readFileSync(e.path, 'utf8'));
  let seed = 20261125;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = '*:~^|>\n ABCXYZ0123456789-.';
  let parsedOk = 0;
  for (let round = 0; round < 1000; round++) {
    let t = texts[rnd(texts.length)]!;
    const edits = 1 + rnd(6);
    for (let k = 0; k < edits; k++) {
      const at = rnd(t.length);
      const op = rnd(3);
      if (op === 0) t = t.slice(0, at) + t.slice(at + 1 + rnd(20));
      else if (op === 1) t = t.slice(0, at) + alphabet[rnd(alphabet.length)] + t.slice(at);
      else t = t.slice(0, at) + t.slice(rnd(t.length));
    }
    try {
      const p = parse837(t);
      for (const c of p.claims) assert.equal(typeof c.id, 'string');
      parsedOk++;
      // Writing what was read from a damaged file either works and reads back, or refuses with a reason.
      const out = writeClaimFile(p, { serviceFacility: 'always', renderingProvider: 'always' });
      assert.equal(parse837(out).claims.length, p.claims.length);
    } catch (e) {
      assert.ok(isMedcoderError(e), `round ${round}: ${(e as Error).stack}`);
    }
  }
  assert.ok(parsedOk > 100, `only ${parsedOk} mutated files parsed`);
});
