import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryRewriter } from './abbreviations.js';
import { entryScore, rank, resolveTerms, type QueryTerm } from './search.js';
import { SearchIndex, SearchIndexBuilder, termSignature } from './search-index.js';
import { testCodeSets } from '../testing/home.js';
import { loadSearch } from './code-search.js';
import { stem } from './stem.js';
import { TopDocs } from './top-docs.js';

// A seeded synthetic index: ranking with bounds must give what scoring every entry gives.
const WORDS = ['fracture', 'femur', 'left', 'right', 'with', 'open', 'closed', 'burn', 'hand', 'wrist', 'degree', 'first', 'second', 'multiple', 'sites', 'ulcer', 'foot', 'diabetes', 'type', 'specified', 'unspecified', 'chronic', 'acute', 'kidney', 'disease', 'stage', 'corrosion', 'injury', 'vessel', 'artery'];

function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
}

function syntheticIndex(): SearchIndex {
  const rnd = seeded(7);
  // Skewed word frequencies, so that lists differ in length as in the code sets.
  const word = () => WORDS[Math.floor(rnd() ** 2 * WORDS.length)]!;
  const phrase = (n: number) => Array.from({ length: n }, word).join(' ');
  const b = new SearchIndexBuilder('icd10cm', 'test');
  for (let d = 0; d < 300; d++) {
    const code = `A${String(d).padStart(3, '0')}`;
    b.doc({ code, title: phrase(1 + Math.floor(rnd() * 6)), billable: rnd() < 0.6, kind: 'code', chapter: String(1 + (d % 3)) });
    const extra = Math.floor(rnd() * 3);
    for (let k = 0; k < extra; k++) {
      const kind = (['index', 'inclusion', 'drug', 'see'] as const)[Math.floor(rnd() * 4)]!;
      b.entry({ code, kind, text: phrase(1 + Math.floor(rnd() * 8)), optional: rnd() < 0.3 ? phrase(2) : '' });
    }
  }
  return new SearchIndex(b.build());
}

/** The best documents by scoring every entry: score, then document order. */
function exhaustive(ix: SearchIndex, terms: QueryTerm[], keep: (doc: number) => boolean = () => true): Array<{ doc: number; score: number }> {
  const best = new Map<number, number>();
  for (let e = 0; e < ix.entryCount; e++) {
    const doc = ix.entryDoc[e]!;
    if (!keep(doc)) continue;
    const s = entryScore(ix, terms, e);
    if (s > 0 && s > (best.get(doc) ?? 0)) best.set(doc, s);
  }
  return [...best].map(([doc, score]) => ({ doc, score })).sort((a, b) => b.score - a.score || a.doc - b.doc);
}

test('rank gives the documents that scoring every entry gives (bounds, junk share, filters, floor)', () => {
  const ix = syntheticIndex();
  const rnd = seeded(11);
  let compared = 0;
  for (let i = 0; i < 150; i++) {
    const n = 1 + Math.floor(rnd() * 6);
    const words = Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)]!);
    // Some queries with a typo and type-ahead, so that words have several alternatives.
    if (i % 5 === 0) words[0] = words[0]!.slice(0, 1) + words[0]!.slice(2);
    const query = words.join(' ');
    const prefixLast = i % 7 === 0;
    const q = prefixLast ? query.slice(0, -2) : query;
    const terms = resolveTerms(ix, queryRewriter().rewrite(q), prefixLast);
    const limit = [1, 5, 20][i % 3]!;
    const billableOnly = i % 4 === 0;
    const expected = exhaustive(ix, terms, (d) => !billableOnly || ix.billable(d));
    const got = rank(ix, terms, { limit, billableOnly });
    const top = expected[0]?.score ?? 0;
    // Exact down to the junk share (5% of the best); below it the answer may be approximate.
    const exact = expected.slice(0, limit).filter((x) => x.score >= 0.05 * top);
    assert.ok(got.length >= exact.length, `${q}: ${got.length} hits, expected at least ${exact.length}`);
    exact.forEach((x, k) => {
      assert.equal(got[k]!.doc, x.doc, `${q}: hit ${k}`);
      assert.ok(Math.abs(got[k]!.score - x.score) < 1e-9 * x.score, `${q}: score of hit ${k}`);
      assert.equal(entryScore(ix, terms, got[k]!.entry), got[k]!.score, `${q}: the entry given scores the hit`);
    });
    // A floor from another system leaves out only documents below it.
    if (exact.length >= 2) {
      const floor = exact[1]!.score;
      const floored = rank(ix, terms, { limit, billableOnly, floor });
      assert.deepEqual(floored.slice(0, 2).map((h) => h.doc), exact.slice(0, 2).map((x) => x.doc), `${q}: with a floor`);
    }
    compared += exact.length;
  }
  assert.ok(compared > 500, `only ${compared} hits compared`);
});

test('rank: no words of the index, no hits; a limit of 0 gives none', () => {
  const ix = syntheticIndex();
  assert.deepEqual(rank(ix, resolveTerms(ix, queryRewriter().rewrite('qqqqqqqq zzzz'), false), { limit: 20 }), []);
  assert.deepEqual(rank(ix, resolveTerms(ix, queryRewriter().rewrite('fracture femur'), false), { limit: 0 }), []);
});

test('titlesWith gives the documents in a range whose title holds a term, as reading every title gives', () => {
  const ix = syntheticIndex();
  const rnd = seeded(23);
  let found = 0;
  for (let i = 0; i < 300; i++) {
    const term = Math.floor(rnd() * ix.termCount);
    const from = Math.floor(rnd() * ix.docCount);
    const to = from + Math.floor(rnd() * (ix.docCount - from + 1));
    const expected: number[] = [];
    // Title entries are entries 0 to docs - 1: their tokens, required or optional.
    for (let d = from; d < to; d++) {
      for (let k = ix.tokStart[d]!; k < ix.tokStart[d + 1]!; k++) {
        if ((ix.toks[k]! & ix.termMask) === term) {
          expected.push(d);
          break;
        }
      }
    }
    const got: number[] = [];
    ix.titlesWith(term, from, to, got);
    assert.deepEqual(got, expected, `term ${term}, documents ${from} to ${to}`);
    found += got.length;
  }
  assert.ok(found > 500, `only ${found} titles found`);
});

test('each posting carries its entry\'s length, as the entry has it', () => {
  const ix = syntheticIndex();
  assert.equal(ix.postLen.length, ix.postEntry.length);
  for (let p = 0; p < ix.postEntry.length; p++) assert.equal(ix.postLen[p], ix.entryLen[ix.postEntry[p]!], `posting ${p}`);
  assert.ok(ix.postEntry.length > 1000);
});

test('rank on the real ICD-10-CM index gives what scoring every entry gives (common words, typos, type-ahead, a floor)', async () => {
  const { loaded } = await loadSearch(await testCodeSets(), { date: '2026-03-01', systems: ['icd10cm'] });
  const ix = loaded[0]!.index;
  // Index paths of many common words (the slow queries of the benchmark), a typo, type-ahead completions.
  const queries: Array<[string, boolean]> = [
    ['Burn hand multiple sites with wrist right third degree', false],
    ['Infection congenital virus specified type NEC', false],
    ['Prolapse rectum due to tr', true],
    ['Foriegn body superficial, without open wound abdomen, abdominal', false],
    ['Cyst ma', true],
    ['Disease a', true],
  ];
  for (const [q, prefixLast] of queries) {
    const terms = resolveTerms(ix, queryRewriter().rewrite(q), prefixLast);
    const expected = exhaustive(ix, terms);
    const top = expected[0]!.score;
    const exact = expected.slice(0, 20).filter((x) => x.score >= 0.05 * top);
    const got = rank(ix, terms, { limit: 20 });
    assert.ok(exact.length >= 5, `${q}: only ${exact.length} hits to compare`);
    exact.forEach((x, k) => {
      assert.equal(ix.code(got[k]!.doc), ix.code(x.doc), `${q}: hit ${k}`);
      assert.ok(Math.abs(got[k]!.score - x.score) < 1e-9 * x.score, `${q}: score of hit ${k}`);
    });
    const floored = rank(ix, terms, { limit: 20, floor: exact[2]!.score });
    assert.deepEqual(floored.slice(0, 3).map((h) => h.doc), exact.slice(0, 3).map((x) => x.doc), `${q}: with a floor`);
  }
});

test('an entry\'s signature holds the bits of every term of the entry, and its repeats', async () => {
  const { loaded } = await loadSearch(await testCodeSets(), { date: '2026-03-01', systems: ['icd10cm'] });
  const ix = loaded[0]!.index;
  const rnd = seeded(31);
  for (let i = 0; i < 2000; i++) {
    const e = Math.floor(rnd() * ix.entryCount);
    const lo = ix.entrySig[2 * e]!;
    const hi = ix.entrySig[2 * e + 1]!;
    const required = new Map<number, number>();
    for (let k = ix.tokStart[e]!; k < ix.tokStart[e + 1]!; k++) {
      const raw = ix.toks[k]!;
      const id = raw & ix.termMask;
      const sig = termSignature(id);
      assert.equal((lo & sig.lo) >>> 0, sig.lo, `entry ${e}: low bits of term ${id}`);
      assert.equal((hi & sig.hi) >>> 0, sig.hi, `entry ${e}: high bits of term ${id}`);
      if (!(raw & ix.optionalBit)) required.set(id, (required.get(id) ?? 0) + 1);
    }
    const repeats = ix.entryLen[e]! - required.size;
    assert.equal(hi >>> 30, Math.min(3, repeats), `entry ${e}: repeats`);
  }
});

test('a word finds the term of its stem through the surface words as stemming finds it', async () => {
  const { loaded } = await loadSearch(await testCodeSets(), { date: '2026-03-01' });
  for (const { index: ix, system } of loaded) {
    let known = 0;
    for (let id = 0; id < ix.header.words; id++) {
      const w = ix.wordAt(id);
      assert.equal(ix.termOfWord(w), ix.term(stem(w)), `${system}: "${w}"`);
      known++;
    }
    assert.ok(known > 1000, `${system}: ${known} words`);
    // Words the index does not hold as written: plurals, other endings, typos, words of no code set.
    for (const w of ['fractures', 'ulcerations', 'hemorrhaging', 'fratcure', 'diabtes', 'zzyzx', 'kidneys', '3a']) {
      assert.equal(ix.termOfWord(w), ix.term(stem(w)), `${system}: "${w}"`);
    }
  }
});

test('TopDocs keeps the best document scores and sorts them as a full sort does, for few and many kept', () => {
  const rnd = seeded(5);
  for (const limit of [1, 3, 20, 64, 65, 200]) {
    const top = new TopDocs(1000, 500);
    top.reset(limit);
    const best = new Map<number, { entry: number; score: number }>();
    for (let i = 0; i < 3000; i++) {
      const doc = Math.floor(rnd() * 1000);
      // Coarse scores, so that ties between documents are common.
      const score = Math.floor(rnd() * 50) + 1;
      top.offer(doc, i, score);
      const had = best.get(doc);
      if (!had || score > had.score) best.set(doc, { entry: i, score });
    }
    const want = [...best]
      .map(([doc, b]) => ({ doc, entry: b.entry, score: b.score }))
      .sort((a, b) => b.score - a.score || a.doc - b.doc)
      .slice(0, limit);
    assert.deepEqual(top.sorted(), want, `limit ${limit}`);
    const weakest = top.weakest();
    assert.equal(top.score[weakest], want[want.length - 1]!.score, `limit ${limit}: the weakest kept`);
    assert.equal(top.bar, want[want.length - 1]!.score, `limit ${limit}: the bar`);
  }
});
