#!/usr/bin/env node
// Mines phrase → ICD-10-CM code associations from the CodiEsp training split
// (English text, gold diagnosis codes) into packages/engine/data/coding/mined-lexicon.json.
//
// For every run of 1 to 4 content words of a sentence (stop words skipped,
// words normalised as the concept dictionary normalises them) it counts the
// training documents that contain the phrase, and among them those whose gold
// codes include each code. A phrase found only inside a longer one, in the very same documents,
// gives way to the longer one (nlp/mined-phrases.ts). A phrase → code pair is kept when at least
// --min-support documents support it and its smoothed precision
// (together / (containing + 1)) is at least --min-precision. Only the train
// split is read: dev stays unseen.
//
//   node scripts/mine-lexicon.mjs [--corpus DIR] [--min-support 4] [--min-precision 0.2] [--fold k/n] [--skip IDS_FILE] [--out FILE]
//
// --fold k/n leaves out the training documents whose position modulo n is k
// (to measure the lexicon on the documents it did not see).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const dist = (p) => new URL(`../packages/engine/dist/${p}`, import.meta.url).href;
const { parseDocument } = await import(dist('document/document.js'));
const { termOf, isStopWord, wordFilters } = await import(dist('nlp/normalize.js'));
const { restatedPhrases } = await import(dist('nlp/mined-phrases.js'));

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: join(root, '..', 'shared', 'corpora', 'codiesp') },
    'min-support': { type: 'string', default: '4' },
    'min-precision': { type: 'string', default: '0.2' },
    'min-lift': { type: 'string', default: '3' },
    'max-words': { type: 'string', default: '4' },
    fold: { type: 'string' },
    skip: { type: 'string' },
    out: { type: 'string', default: join(root, 'packages', 'engine', 'data', 'coding', 'mined-lexicon.json') },
  },
});
const minSupport = Number(args['min-support']);
const minPrecision = Number(args['min-precision']);
const minLift = Number(args['min-lift']);
// Measurement words: a phrase with one of them names a dose or a duration, not a condition.
const UNITS = new Set(['mg', 'g', 'kg', 'dl', 'l', 'ml', 'mm', 'cm', 'mmhg', 'h', 'hr', 'hour', 'day', 'week', 'month', 'year', 'old', 'ui', 'iu', 'mcg', 'mmol', 'meq', 'u', 'x', 'times', 'time', 'later', 'ago', 'evolution'].map((w) => termOf(w)));
const maxWords = Number(args['max-words']);
const fold = args.fold ? args.fold.split('/').map(Number) : undefined;

const dir = join(args.corpus, 'train', 'text_files_en');
const gold = new Map();
for (const line of readFileSync(join(args.corpus, 'train', 'trainD.tsv'), 'utf8').split(/\r?\n/)) {
  const [id, code] = line.split('\t');
  if (!id || !code) continue;
  const set = gold.get(id) ?? new Set();
  set.add(code.trim().toUpperCase());
  gold.set(id, set);
}
let files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
if (fold) files = files.filter((_, i) => i % fold[1] !== fold[0]);
// --skip FILE: document ids (one a line) left out, for the cross-fitting of scripts/crossfit-coder.mjs and scripts/train-ranker.mjs.
const skip = args.skip ? new Set(readFileSync(args.skip, 'utf8').split(/\r?\n/).filter(Boolean)) : undefined;
if (skip) files = files.filter((f) => !skip.has(f.slice(0, -4)));

const notAlone = wordFilters().notAlone;
const docPhrases = []; // [codes, Set(phrase keys)] per document
const df = new Map(); // phrase key → documents
const together = new Map(); // phrase key → Map(code → documents)
const surface = new Map(); // phrase key → Map(text → count)
for (const f of files) {
  const id = f.slice(0, -4);
  const codes = gold.get(id);
  if (!codes) continue;
  const doc = parseDocument(readFileSync(join(dir, f), 'utf8'));
  const seen = new Set();
  for (const s of doc.sentences) {
    // Content words of the sentence with their token index; a comma, colon, semicolon or parenthesis breaks a run.
    const words = [];
    const flush = () => {
      for (let i = 0; i < words.length; i++) {
        for (let n = 1; n <= maxWords && i + n <= words.length; n++) {
          const run = words.slice(i, i + n);
          const terms = run.map((w) => w.term);
          if (new Set(terms).size !== terms.length) continue;
          if (n === 1 && (notAlone.has(terms[0]) || terms[0].length < 4 || /^[0-9]/.test(terms[0]))) continue;
          if (terms.some((t) => UNITS.has(t) || /^[0-9.,/]+$/.test(t) && run.length === 1)) continue;
          if (terms.every((t) => /^[0-9.,/]+$/.test(t) || t.length < 3)) continue;
          const key = terms.join(' ');
          const text = doc.text.slice(doc.tokens[run[0].i].start, doc.tokens[run[n - 1].i].end);
          let sm = surface.get(key);
          if (!sm) surface.set(key, (sm = new Map()));
          sm.set(text, (sm.get(text) ?? 0) + 1);
          seen.add(key);
        }
      }
      words.length = 0;
    };
    for (let i = s.firstToken; i < s.endToken; i++) {
      const t = doc.tokens[i];
      if (t.kind === 'punct') {
        if (t.text !== '-' && t.text !== "'" && t.text !== '/') flush();
        continue;
      }
      if (isStopWord(t.norm)) continue;
      words.push({ i, term: termOf(t.norm) });
    }
    flush();
  }
  docPhrases.push([codes, seen]);
  for (const key of seen) {
    df.set(key, (df.get(key) ?? 0) + 1);
    let m = together.get(key);
    if (!m) together.set(key, (m = new Map()));
    for (const c of codes) m.set(c, (m.get(c) ?? 0) + 1);
  }
}

// How often each code is gold, for the lift of a phrase over the code's base rate.
const codeDocs = new Map();
for (const [codes] of docPhrases) for (const c of codes) codeDocs.set(c, (codeDocs.get(c) ?? 0) + 1);

// Phrases found only inside a longer one, in the same documents, give way to it (nlp/mined-phrases.ts).
const docsOf = new Map(); // phrase key → document positions, for phrases with enough support
docPhrases.forEach(([, seen], d) => {
  for (const key of seen) if (df.get(key) >= minSupport) (docsOf.get(key) ?? docsOf.set(key, []).get(key)).push(d);
});
const restated = restatedPhrases(docsOf);

// Which phrase explains which gold code: expectation-maximisation in the manner of IBM model 1.
// Each gold code of a document is shared among the document's phrases (and a null phrase for codes no
// phrase names) in proportion to how well each phrase predicts the code; a phrase that merely co-occurs
// with a frequent code in a few documents gets little, the phrase that names it gets most.
const NULL_SHARE = 0.15;
const t = new Map(); // key → Map(code → explained precision)
for (const [key, m] of together) {
  const n = df.get(key);
  if (n < minSupport || restated.has(key)) continue;
  const tm = new Map();
  for (const [code, k] of m) if (k >= minSupport) tm.set(code, k / n);
  if (tm.size) t.set(key, tm);
}
const candidates = docPhrases.map(([codes, seen]) => {
  const byCode = new Map();
  for (const key of seen) {
    const tm = t.get(key);
    if (!tm) continue;
    for (const c of codes) if (tm.has(c)) (byCode.get(c) ?? byCode.set(c, []).get(c)).push(key);
  }
  return byCode;
});
let counts;
for (let iter = 0; iter < 8; iter++) {
  counts = new Map();
  for (const byCode of candidates) {
    for (const [code, keys] of byCode) {
      let z = NULL_SHARE;
      for (const k of keys) z += t.get(k).get(code);
      for (const k of keys) {
        const r = t.get(k).get(code) / z;
        let cm = counts.get(k);
        if (!cm) counts.set(k, (cm = new Map()));
        cm.set(code, (cm.get(code) ?? 0) + r);
      }
    }
  }
  for (const [k, tm] of t) {
    const cm = counts.get(k);
    for (const code of tm.keys()) tm.set(code, (cm?.get(code) ?? 0) / df.get(k));
  }
}

const entries = [];
for (const [key, tm] of t) {
  const n = df.get(key);
  const kept = [];
  for (const [code, explained] of tm) {
    const k = together.get(key).get(code);
    const share = counts.get(key)?.get(code) ?? 0;
    const precision = k / (n + 1);
    if (precision < minPrecision || share < minSupport * 0.5) continue;
    if (precision / ((codeDocs.get(code) ?? 1) / docPhrases.length) < minLift) continue;
    if (explained < minPrecision * 0.5) continue;
    kept.push([code, Math.min(precision, explained * 1.5), k]);
  }
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const text = [...surface.get(key)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
  for (const [code, precision, k] of kept.slice(0, 3)) entries.push([text.toLowerCase(), code, Math.round(precision * 1000) / 1000, k]);
}
entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
const out = {
  description: `Phrase to ICD-10-CM code associations mined from the CodiEsp training split by scripts/mine-lexicon.mjs (min support ${minSupport} documents, min smoothed precision ${minPrecision}, min lift ${minLift}${fold ? `, fold ${args.fold} left out` : ''}${skip ? `, ${skip.size} listed documents left out` : ''}); not hand-edited. Each entry: [phrase, code, precision, supporting documents].`,
  entries,
};
writeFileSync(args.out, `${JSON.stringify(out, null, 0).replace(/\],\[/g, '],\n[')}\n`);
console.log(`${entries.length} phrase-code pairs from ${files.length} training documents → ${args.out}`);
