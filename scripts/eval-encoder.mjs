#!/usr/bin/env node
// Ranking quality of the encoder's search, on queries made from the code sets themselves.
//   node scripts/eval-encoder.mjs [--n 1000] [--date 2026-03-01] [--seed 20260301]
// For a seeded sample of billable ICD-10-CM codes that an Alphabetic Index entry leads to exactly,
// the query is the entry's path ("Diabetes type 2 with chronic kidney disease"); the same with one
// typo in one word; with a clinical abbreviation where the abbreviation list has one for words of the
// path; and the code's inclusion terms. A hit is the target code; recall@1, recall@5 and MRR (top 20)
// are reported. Search runs over every system in force (ICD-10-CM, ICD-10-PCS, HCPCS), as users run it.
// The index walk is measured on the same index paths, clean and with the typo: a hit is one of its five
// paths whose tabular check stands for the code.
import { readFileSync } from 'node:fs';

const engine = await import(new URL('../packages/engine/dist/index.js', import.meta.url).href);
const { CodeSets, loadSearch, searchLoaded, loadWalk, walkLoaded } = engine;
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('n', 1000));
const DATE = arg('date', '2026-03-01');
const SEED = Number(arg('seed', 20260301));

let seed = SEED;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
function shuffle(arr) {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [arr[i], arr[j]] = [arr[j], arr[i]];
  }
  return arr;
}

const cs = await CodeSets.open();
const { loaded } = await loadSearch(cs, { date: DATE });
const walk = await loadWalk(cs, { date: DATE });
const release = walk.ctx.release;
const index = walk.ctx.index;

// Index paths that lead exactly to a billable code of the release.
const byCode = new Map();
for (const t of index.entries()) {
  if (!t.code || t.code.endsWith('-')) continue;
  const n = release.node(t.code);
  if (!n || !n.b) continue;
  const path = t.path;
  path[0] = path[0].split(',')[0];
  const q = path.join(' ').replace(/\s+/g, ' ').trim();
  (byCode.get(n.c) ?? byCode.set(n.c, []).get(n.c)).push(q);
}
const codes = shuffle([...byCode.keys()].sort()).slice(0, N);
const clean = codes.map((c) => ({ code: c, q: pick(byCode.get(c)) }));

function typo(q) {
  const words = q.split(' ');
  const long = words.map((w, i) => [w, i]).filter(([w]) => /^[a-z]{4,}$/i.test(w));
  if (!long.length) return undefined;
  const [w, i] = pick(long);
  const p = 1 + Math.floor(rnd() * (w.length - 1));
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const kind = Math.floor(rnd() * 4);
  let v;
  if (kind === 0) v = w.slice(0, p) + w.slice(p + 1);
  else if (kind === 1) v = w.slice(0, p) + pick([...letters]) + w.slice(p);
  else if (kind === 2) v = w.slice(0, p) + pick([...letters.replace(w[p]?.toLowerCase() ?? '', '')]) + w.slice(p + 1);
  else v = p < w.length - 1 ? w.slice(0, p) + w[p + 1] + w[p] + w.slice(p + 2) : w.slice(0, p - 1) + w[p] + w[p - 1];
  words[i] = v;
  return words.join(' ');
}

// Abbreviations: the data file read backwards (expansion → abbreviation), single-expansion entries only.
const data = JSON.parse(readFileSync(new URL('../packages/engine/data/encoder/abbreviations.json', import.meta.url), 'utf8'));
const reverse = Object.entries(data.phrases)
  .filter(([k, v]) => !k.includes('#') && /^[a-z]{2,6}$/.test(k) && v.split(' ').length >= 2)
  .map(([k, v]) => ({ abbr: k, words: v.split(' ') }))
  .sort((a, b) => b.words.length - a.words.length);
function abbreviate(q) {
  const lower = q.toLowerCase().split(/[\s,]+/);
  for (const { abbr, words } of reverse) {
    if (words.every((w) => lower.includes(w))) return [abbr, ...lower.filter((w) => !words.includes(w))].join(' ');
  }
  return undefined;
}

const inclusion = [];
for (const c of shuffle([...release.billableCodes()].filter((c) => release.node(c)?.n?.inclusionTerm?.length))) {
  if (inclusion.length >= N) break;
  inclusion.push({ code: c, q: pick(release.node(c).n.inclusionTerm) });
}

function measure(name, cases) {
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  for (const { code, q } of cases) {
    const hits = searchLoaded(loaded, q, { limit: 20, typeahead: false }).hits;
    const rank = hits.findIndex((h) => h.system === 'icd10cm' && h.code === code);
    if (rank === 0) r1++;
    if (rank >= 0 && rank < 5) r5++;
    if (rank >= 0) mrr += 1 / (rank + 1);
  }
  const n = cases.length;
  console.log(`${name.padEnd(30)} n=${String(n).padStart(4)}  recall@1 ${(r1 / n).toFixed(3)}  recall@5 ${(r5 / n).toFixed(3)}  MRR ${(mrr / n).toFixed(3)}`);
  return { r1: r1 / n, r5: r5 / n, mrr: mrr / n };
}

console.log(`# encoder eval: seed ${SEED}, date ${DATE}, releases ${loaded.map((l) => l.ref.id).join(', ')}; index from ${walk.indexFrom.index}`);
measure('clean index-path queries', clean);
const typos = clean.map((c) => ({ code: c.code, q: typo(c.q) })).filter((c) => c.q);
measure('one typo per query', typos);
measure('abbreviated queries', clean.map((c) => ({ code: c.code, q: abbreviate(c.q) })).filter((c) => c.q));
measure('inclusion-term queries', inclusion);

// The Alphabetic Index walk on the same phrases: a hit is a path whose tabular check stands for the code.
function measureWalk(name, cases) {
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  for (const { code, q } of cases) {
    const paths = walkLoaded(walk, q, { limit: 5 }).paths;
    const rank = paths.findIndex((p) => p.checks.some((c) => c.code === code));
    if (rank === 0) r1++;
    if (rank >= 0) r5++;
    if (rank >= 0) mrr += 1 / (rank + 1);
  }
  const n = cases.length;
  console.log(`${name.padEnd(30)} n=${String(n).padStart(4)}  recall@1 ${(r1 / n).toFixed(3)}  recall@5 ${(r5 / n).toFixed(3)}  MRR ${(mrr / n).toFixed(3)}`);
}
measureWalk('index walk, index paths', clean);
measureWalk('index walk, one typo', typos);
