import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';
import { loadWalk, lookupDrug, lookupNeoplasm, walkLoaded } from './encoder.js';
import { RankArena, TryStack } from './index-walk.js';

const FY26 = { date: '2026-03-01' };

test('try stack: entries come back as pushed, ordered by bound (ties in push order), above the entries of outer explores, through growth', () => {
  const st = new TryStack();
  let seed = 3;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
  // An outer explore's entries, then an inner one's: many more than the stack first holds, bounds with ties.
  const outer = 40;
  for (let i = 0; i < outer; i++) st.push(1000 + i, i / 8, i, rnd(), i, i % 2 === 0);
  const base = st.top;
  const bounds = [0.5, 1.25, -0.3, 2, Infinity, 1.25];
  const n = 900;
  for (let i = 0; i < n; i++) st.push(i, i * 0.01, i * 7, bounds[Math.floor(rnd() * bounds.length)]!, i, i % 3 === 0);
  st.sortFrom(base);
  const expected = Array.from({ length: n }, (_, i) => base + i).sort((a, b) => {
    const d = st.bound[b]! - st.bound[a]!;
    return Number.isNaN(d) ? 0 : d;
  });
  const got = Array.from(st.order.subarray(base, base + n));
  assert.deepEqual(got, expected);
  for (let k = 0; k < n; k++) {
    const i = st.order[base + k]!;
    const pushed = i - base;
    assert.equal(st.node[i], pushed);
    assert.equal(st.gain[i], pushed * 0.01);
    assert.equal(st.used[i], pushed * 7);
    assert.equal(st.at[i], pushed);
    assert.equal(st.implicit[i], pushed % 3 === 0 ? 1 : 0);
  }
  // The outer entries are untouched, in their own order.
  for (let i = 0; i < outer; i++) {
    assert.equal(st.order[i], i);
    assert.equal(st.node[i], 1000 + i);
    assert.equal(st.implicit[i], i % 2 === 0 ? 1 : 0);
  }
});

test('ranking arena: room is handed out one after another, and earlier numbers survive when it grows', () => {
  const a = new RankArena();
  const first = a.v.length;
  const spans: Array<[number, number]> = [];
  for (let k = 0; a.v.length === first || k < 3; k++) {
    const n = 123 + k;
    const at = a.take(n);
    assert.equal(at, spans.length ? spans[spans.length - 1]![0] + spans[spans.length - 1]![1] : 0);
    for (let j = 0; j < n; j++) a.v[at + j] = k * 1000 + j + 0.5;
    spans.push([at, n]);
  }
  assert.ok(a.v.length > first);
  spans.forEach(([at, n], k) => {
    for (let j = 0; j < n; j++) assert.equal(a.v[at + j], k * 1000 + j + 0.5);
  });
});

test('walks give the same answers whatever was walked before them (state kept per book between walks is reset)', async () => {
  const cs = await testCodeSets();
  const w = await loadWalk(cs, FY26);
  const paths: string[] = [];
  for (const e of w.ctx.index!.entries()) if (e.code) paths.push(e.path.map((p, i) => (i ? p : p.split(',')[0]!)).join(' '));
  let seed = 29;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
  const phrases = Array.from({ length: 150 }, () => paths[Math.floor(rnd() * paths.length)]!);
  phrases.push('diabetes type 2 with chronic kidney disease stage 3a', 'carcinoma of lung', 'poisoning by aspirin', 'no fever');
  const first = phrases.map((q) => JSON.stringify(walkLoaded(w, q, { limit: 3 }).paths));
  // Again in reverse order, with table lookups and External Cause Index walks in between.
  for (let i = phrases.length - 1; i >= 0; i--) {
    if (i % 10 === 0) {
      await lookupNeoplasm(cs, 'skin of back', FY26);
      await lookupDrug(cs, 'aspirin', FY26);
      walkLoaded(w, 'fall from ladder', { external: true });
    }
    assert.equal(JSON.stringify(walkLoaded(w, phrases[i]!, { limit: 3 }).paths), first[i], phrases[i]);
  }
  // Most phrases lead to a code (the walk is not answering nothing both times).
  assert.ok(first.filter((a) => a.includes('"code"')).length > phrases.length * 0.9);
});
