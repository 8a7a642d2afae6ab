import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../document/document.js';
import { defaultCodiEspDir } from '../coding/codiesp.js';
import { readCodiespDocs } from '../eval/codiesp.js';
import { emRules } from '../em/rules.js';
import { modifierRules } from '../modifiers/modifiers.js';
import { pcsLexicon } from '../procedures/lexicon.js';
import { serviceRules } from '../services/rules.js';
import { isMedcoderError } from '../errors.js';
import { compilePatterns, documentWords, KeyTable, keysOf, NoteWords, patternKeys } from './keyed-patterns.js';

const where = { file: 'test', entry: 'test' };

test('pattern keys: word starts every match holds, whole short words, none where a word start is not sure', () => {
  const keys = (patterns: string[]) => keysOf(compilePatterns(patterns, where))?.slice().sort();
  assert.deepEqual(keys(['tomograph(?:y|ies|ic)']), ['tomogr']);
  assert.deepEqual(keys(['\\bct\\b', 'computed tomography']), ['=ct', 'comput']);
  // A leading optional group: the word after it starts a word either way.
  assert.deepEqual(keys(['(?:was |were )?delivered vaginally']), ['delive']);
  // The longest sure word of a phrase.
  assert.deepEqual(keys(['removal of (?:the )?polyp']), ['remova']);
  // "x-?ray" matches "xray", where no word starts with "ray": no key, the pattern runs everywhere.
  assert.equal(keys(['x-?ray']), undefined);
  assert.deepEqual(keys(['x-ray', 'xray']), ['ray', 'xray']);
  // A look-behind that is not a word boundary: "dialysis" may be inside "hemodialysis".
  assert.equal(patternKeys('(?<!peritoneal )dialysis'), undefined);
  assert.deepEqual(patternKeys('(?<!peritoneal )\\bdialysis'), ['dialys']);
  // Without a boundary before it, a pattern's first word need not start a word.
  assert.equal(patternKeys('spent \\d+'), undefined);
  assert.deepEqual(patternKeys('spent (\\d+) min'), ['min']);
  // Every alternative needs a key.
  assert.equal(patternKeys('\\bct\\b|\\d+mg'), undefined);
  assert.deepEqual(patternKeys('\\bct\\b|\\bmri\\b')?.sort(), ['=ct', '=mri']);
});

test('compiled pattern lists: plain patterns share their boundaries, the first listed wins at a place unless plain ones come first', () => {
  const listed = compilePatterns(['\\bct\\b', 'ct angiography'], where);
  assert.equal('ct angiography'.match(listed)?.[0], 'ct');
  const plainFirst = compilePatterns(['\\bct\\b', 'ct angiography'], where, { plainFirst: true });
  assert.equal('ct angiography'.match(plainFirst)?.[0], 'ct angiography');
  assert.equal('a vct b'.match(compilePatterns(['ct'], where)), null);
  assert.throws(
    () => compilePatterns(['(unclosed'], { file: 'x.json', entry: 'bad' }),
    (e: unknown) => isMedcoderError(e) && e.code === 'SOURCE_MALFORMED' && /x\.json/.test(e.message),
  );
});

test('note words: a pattern runs only in the sentences holding its words; patterns compiled after the note was indexed are seen', () => {
  const doc = parseDocument('Chest CT was normal.\n\nThe patient underwent laparoscopic cholecystectomy.');
  const words = new NoteWords(doc.text.toLowerCase(), doc.sentences);
  const ct = compilePatterns(['\\bct\\b'], where);
  const later = compilePatterns(['cholecystectom(?:y|ies)'], where);
  assert.deepEqual(words.sentencesOf(ct), [0]);
  assert.deepEqual(words.sentencesOf(later), [1]);
  assert.equal(words.has(compilePatterns(['appendectomy'], where)), false);
  assert.deepEqual(words.matches(later).map((m) => [m.text, m.sentence, doc.text.slice(m.start, m.end)]), [['cholecystectomy', 1, 'cholecystectomy']]);
  assert.equal(documentWords(doc), documentWords(doc));
});

test('key tables: a note is read for the keys of one table; a pattern of another table may match in any sentence', () => {
  const doc = parseDocument('Chest CT was normal.\n\nThe patient underwent appendectomy.');
  const lower = doc.text.toLowerCase();
  const table = new KeyTable();
  const own = compilePatterns(['appendectom(?:y|ies)'], where, { keys: table });
  const other = compilePatterns(['\\bct\\b'], where);
  const words = new NoteWords(lower, doc.sentences, table);
  assert.deepEqual(words.sentencesOf(own), [1]);
  assert.equal(words.has(other), true);
  assert.equal(words.sentencesOf(other), null);
  assert.deepEqual(words.matches(other).map((m) => [m.text, m.sentence]), [['ct', 0]]);
  const ruleWords = new NoteWords(lower, doc.sentences);
  assert.equal(ruleWords.sentencesOf(own), null);
  assert.deepEqual(ruleWords.sentencesOf(other), [0]);
  assert.equal(new NoteWords('no operation today.', [{ start: 0, end: 19 }], table).has(own), false);
});

/** Every regular expression of the rule lexicons that NoteWords may skip. */
function lexiconPatterns(): Array<[string, RegExp]> {
  const out: Array<[string, RegExp]> = [];
  const walk = (o: unknown, path: string): void => {
    if (o instanceof RegExp) out.push([path, o]);
    else if (Array.isArray(o)) o.forEach((x, i) => walk(x, `${path}[${(x as { id?: string })?.id ?? i}]`));
    else if (o instanceof KeyTable) return;
    else if (o instanceof Map) for (const [k, v] of o) walk(v, `${path}.${String(k)}`);
    else if (o && typeof o === 'object' && !(o instanceof Set)) for (const [k, v] of Object.entries(o)) walk(v, `${path}.${k}`);
  };
  walk(pcsLexicon(), 'procedures');
  walk(emRules(), 'em');
  walk(serviceRules(), 'services');
  walk(modifierRules(), 'modifiers');
  return out;
}

test('note words on the CodiEsp dev notes: no pattern of the lexicons matches in a sentence its keys skip, and matches are those of each sentence', () => {
  const corpus = defaultCodiEspDir();
  assert.ok(corpus, '../shared/corpora/codiesp beside the project');
  const patterns = lexiconPatterns();
  assert.ok(patterns.length > 200 && patterns.filter(([, re]) => keysOf(re)).length > 150, `${patterns.length} patterns`);
  let skipped = 0;
  let found = 0;
  for (const d of readCodiespDocs(corpus, 'dev', 120)) {
    const doc = parseDocument(d.text);
    const lower = doc.text.toLowerCase();
    const ruleWords = new NoteWords(lower, doc.sentences);
    // The procedure lexicons' mention patterns have a key table of their own.
    const procedureWords = new NoteWords(lower, doc.sentences, pcsLexicon().keys);
    for (const [path, re] of patterns) {
      const words = path.startsWith('procedures') ? procedureWords : ruleWords;
      const flags = re.flags.includes('g') ? re.flags : `${re.flags}g`;
      const plain = new RegExp(re.source, flags);
      if (!words.has(re)) assert.equal(plain.test(lower), false, `${d.id}: ${path} matches a note whose words it lacks`);
      const expected: string[] = [];
      doc.sentences.forEach((s, si) => {
        const hay = lower.slice(s.start, s.end);
        const ms = [...hay.matchAll(plain)].filter((m) => m[0]);
        if (!words.mayHold(re, si)) {
          skipped++;
          assert.equal(ms.length, 0, `${d.id}: ${path} matches "${ms[0]?.[0]}" in sentence ${si}, whose words it lacks`);
        }
        for (const m of ms) expected.push(`${s.start + m.index!}:${m[0]}`);
      });
      if (re.flags.includes('g')) {
        const got = words.matches(re).map((m) => `${m.start}:${m.text}`);
        assert.deepEqual(got, expected, `${d.id}: ${path}`);
        found += got.length;
      }
    }
  }
  assert.ok(skipped > 10_000 && found > 500, `${skipped} sentences skipped, ${found} matches`);
});
