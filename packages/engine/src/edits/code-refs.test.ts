import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anyRefMatches, parseRefItem, parseRefs, refMatches } from './code-refs.js';
import { testCodeSets } from '../testing/home.js';
import type { Icd10cmRelease } from '../icd10cm/release.js';

test('single codes, dashes and ranges as the tabular writes them', () => {
  assert.deepEqual(parseRefs('type 1 diabetes mellitus (E10.-)'), [{ text: 'E10.-', from: 'E10' }]);
  assert.deepEqual(parseRefs('gestational diabetes (O24.4-)'), [{ text: 'O24.4-', from: 'O244' }]);
  assert.deepEqual(parseRefs('code to identify stage of chronic kidney disease (N18.1-N18.6)'), [{ text: 'N18.1-N18.6', from: 'N181', to: 'N186' }]);
  assert.deepEqual(
    parseRefs('hypertensive chronic kidney disease (I12.-, I13.-)').map((r) => r.text),
    ['I12.-', 'I13.-'],
  );
  assert.deepEqual(parseRefs('diabetes mellitus (E08-E13 with .42)'), [{ text: 'E08-E13 with .42', from: 'E08', to: 'E13', withSuffix: '42' }]);
  assert.deepEqual(parseRefs('infectious mononucleosis (B27.0-B27.9 with 1)'), [{ text: 'B27.0-B27.9 with 1', from: 'B270', to: 'B279', withSuffix: '1' }]);
  assert.deepEqual(parseRefs('code from category Z3A, Weeks of gestation'), [{ text: 'Z3A', from: 'Z3A' }]);
  // Words in parentheses are not codes.
  assert.deepEqual(parseRefs('underlying chronic kidney disease (CKD) (N18.-)').map((r) => r.text), ['N18.-']);
  assert.deepEqual(parseRefs('human immunodeficiency virus [HIV] disease (B20)').map((r) => r.from), ['B20']);
  assert.equal(parseRefItem('AAA'), undefined);
  assert.equal(parseRefItem('N18.6-N18.1'), undefined, 'a range that runs backwards is not a reference');
  // FY2026's QA0 block (a letter in the second position).
  assert.deepEqual(parseRefItem('QA0.01-'), { text: 'QA0.01-', from: 'QA001' });
  assert.deepEqual(parseRefItem('F11.-F17.-'), { text: 'F11.-F17.-', from: 'F11', to: 'F17' });
  assert.deepEqual(parseRefs('(I82.62-. I82.72-)').map((r) => r.from), ['I8262', 'I8272']);
});

test('matching: a reference covers its codes and every code below them', () => {
  const ckd = parseRefItem('N18.1-N18.6')!;
  assert.ok(refMatches(ckd, 'N181'));
  assert.ok(refMatches(ckd, 'N1831'), 'N18.31 is below N18.3, inside the range');
  assert.ok(refMatches(ckd, 'N186'));
  assert.ok(!refMatches(ckd, 'N189'), 'N18.9 is outside N18.1-N18.6');
  const dm = parseRefItem('E08-E13 with .42')!;
  assert.ok(refMatches(dm, 'E1142'));
  assert.ok(!refMatches(dm, 'E1140'));
  assert.ok(!refMatches(dm, 'E1442'));
  const chapter = parseRefItem('C00-D49')!;
  assert.ok(refMatches(chapter, 'C3490') && refMatches(chapter, 'D4959') && !refMatches(chapter, 'D500'));
  assert.ok(anyRefMatches(parseRefs('(I12.-, I13.-)'), 'I130'));
  const adverse = parseRefItem('T36-T50 with fifth or sixth character 5')!;
  assert.ok(refMatches(adverse, 'T360X5A') && refMatches(adverse, 'T50905A') && !refMatches(adverse, 'T360X1A'));
  const poisoning = parseRefItem('T36-T65 with fifth or sixth character 1-4 or 6')!;
  assert.ok(refMatches(poisoning, 'T401X1A') && refMatches(poisoning, 'T401X6A') && !refMatches(poisoning, 'T401X5A'));
  const dmRange = parseRefItem('E08-E13 with .51-.52')!;
  assert.ok(refMatches(dmRange, 'E1151') && refMatches(dmRange, 'E1052') && !refMatches(dmRange, 'E1159'));
  const substance = parseRefItem('F11-F19 with fifth to sixth characters 51')!;
  assert.ok(refMatches(substance, 'F11151') && !refMatches(substance, 'F11150'));
  assert.ok(!anyRefMatches(parseRefs('(I12.-, I13.-)'), 'I10'));
});

test('parses the code references of the real FY2026 notes', async () => {
  const cs = await testCodeSets();
  const { release } = await cs.release('icd10cm', { date: '2026-03-01' });
  const cm = release as Icd10cmRelease;
  let notes = 0;
  let refs = 0;
  const unparsed: string[] = [];
  const CODE_LIKE = /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z-]*)?(\s*-.*)?$/;
  for (const code of cm.billableCodes()) {
    if (!code.endsWith('0') && !code.endsWith('1')) continue; // a sample across every chapter, to keep the test quick
    for (const n of cm.lookup(code)?.notes ?? []) {
      if (n.kind !== 'excludes1' && n.kind !== 'codeFirst' && n.kind !== 'useAdditionalCode') continue;
      notes++;
      refs += parseRefs(n.text).length;
      for (const m of n.text.matchAll(/\(([^()]*)\)/g)) {
        for (const part of m[1]!.split(/,|\.\s+(?=[A-Z][0-9])/)) {
          const t = part.trim();
          if (CODE_LIKE.test(t) && !parseRefItem(t)) unparsed.push(t);
        }
      }
    }
  }
  assert.ok(notes > 10000, `${notes} notes read`);
  assert.ok(refs > notes * 0.8, `${refs} references in ${notes} notes`);
  assert.deepEqual([...new Set(unparsed)].slice(0, 10), [], 'every code-like item in parentheses is parsed');
});

test('random text never throws and never yields a backwards range', () => {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = 'ABCEINZ0123456789.-(), with';
  for (let i = 0; i < 2000; i++) {
    let s = '';
    const len = Math.floor(rnd() * 30);
    for (let j = 0; j < len; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    for (const r of parseRefs(s)) assert.ok(!r.to || r.to >= r.from, s);
  }
});
