import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testCodeSets } from '../testing/home.js';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMedcoderError } from '../errors.js';
import { CodeSets } from '../releases/registry.js';
import { releasesDir } from '../releases/store.js';
import { loadWalk, walkLoaded } from './encoder.js';
import { NO_RUNS, PREFIX_MIN, SIG_WORDS, WALK_FILES, WALK_FORMAT, WalkBook } from './walk-data.js';

test('walk books: main term postings by place in mains, with each main term\'s stem counts and signature, agree with the postings by entry; numeric stems are flagged', async () => {
  const cs = await testCodeSets();
  const w = await loadWalk(cs, { date: '2026-03-01' });
  for (const kind of ['index', 'eindex', 'neoplasm', 'drug'] as const) {
    const b = w.ctx[kind];
    assert.ok(b, kind);
    assert.equal(b.mainPost.length, b.mainNode.length);
    assert.ok(b.mainPost.length > 0, kind);
    for (let k = 0; k < b.mainNode.length; k++) assert.equal(b.mains[b.mainPost[k]!], b.mainNode[k], `${kind} posting ${k}`);
    for (let k = 0; k < b.stems.length; k++) assert.equal(b.numericStem[k] === 1, /^[0-9]/.test(b.stems.at(k)), `${kind} stem ${b.stems.at(k)}`);
    for (let d = 0; d < b.mains.length; d++) {
      const t: number = b.mains[d]!;
      assert.ok(b.isMain(t));
      assert.equal(b.mainReq[d], b.twReq[t]);
      assert.equal(b.mainOpt[d], b.twStart[t + 1]! - b.twStart[t]! - b.twReq[t]!);
      assert.deepEqual([...b.mainSig.subarray(d * SIG_WORDS, (d + 1) * SIG_WORDS)], [...b.sig.subarray(t * SIG_WORDS, (t + 1) * SIG_WORDS)], `${kind} main ${d}`);
      assert.equal(b.mainReachesAll[d] === 1, b.reachesAll(t));
    }
  }
});

test('walk books: strings read again (kept decoded) are those a book opened afresh decodes', async () => {
  const cs = await testCodeSets();
  const w = await loadWalk(cs, { date: '2026-03-01' });
  const a = w.ctx.index!;
  const read = (b: WalkBook, i: number) => `${b.title(i)}|${b.printed(i)}|${b.key(i)}|${b.code(i) ?? ''}|${b.manif(i) ?? ''}|${b.see(i) ?? ''}|${b.seeAlso(i) ?? ''}`;
  const first = Array.from({ length: a.size }, (_, i) => read(a, i));
  const bytes = readFileSync(join(releasesDir(cs.home), w.indexFrom.index!, WALK_FILES.index));
  const fresh = new WalkBook(bytes);
  assert.equal(fresh.size, a.size);
  for (let i = a.size - 1; i >= 0; i--) assert.equal(read(fresh, i), first[i]);
  for (let i = 0; i < a.size; i += 3) assert.equal(read(a, i), first[i]);
});

test('walk books: the stem runs and prefixes worked out at opening are those the stem table\'s bisections and lookups find', async () => {
  const cs = await testCodeSets();
  const w = await loadWalk(cs, { date: '2026-03-01' });
  let longStems = 0;
  let withPrefixes = 0;
  for (const kind of ['index', 'eindex', 'neoplasm', 'drug'] as const) {
    const b = w.ctx[kind]!;
    for (let id = 0; id < b.stems.length; id++) {
      const s = b.stems.at(id);
      assert.equal(b.stems.lowerBound(s), id, `${kind} ${s}`);
      assert.equal(b.stemRunEnd[id], b.stems.prefixEnd(s, id), `${kind} run of ${s}`);
      if (b.stemPreStart[id] === NO_RUNS) {
        assert.ok(/[^\x00-\x7f]/.test(s), `${kind} ${s} has runs unless it is not ASCII`);
        continue;
      }
      const pre: number[] = [];
      if (s.length >= PREFIX_MIN) for (let len = PREFIX_MIN; len <= s.length; len++) {
        const p = b.stems.find(s.slice(0, len));
        if (p >= 0) pre.push(p);
      }
      assert.deepEqual([...b.stemPre.subarray(b.stemPreStart[id], b.stemPreEnd[id])], s.length >= PREFIX_MIN ? pre : [], `${kind} prefixes of ${s}`);
      if (s.length >= PREFIX_MIN) longStems++;
      if (pre.length > 1) withPrefixes++;
    }
  }
  // The check above is only worth something when long stems and stems with shorter stem prefixes exist.
  assert.ok(longStems > 1000 && withPrefixes > 100, `${longStems} long stems, ${withPrefixes} with prefixes`);
});

test('walk books: a walk file of an older format is refused with the formats named, and the encoder rebuilds it from the index, with a warning', async () => {
  const cs = await testCodeSets();
  const w = await loadWalk(cs, { date: '2026-03-01' });
  const holder = w.indexFrom.index!;
  const bytes = readFileSync(join(releasesDir(cs.home), holder, WALK_FILES.index));
  // The same file, its header saying the format before this one (same length: one digit for another).
  const text = bytes.toString('latin1');
  const marker = `"format":${WALK_FORMAT}`;
  assert.ok(text.includes(marker));
  const older = Buffer.from(text.replace(marker, `"format":${WALK_FORMAT - 1}`), 'latin1');
  assert.throws(() => new WalkBook(older, 'old.bin'), (e: unknown) => isMedcoderError(e) && e.code === 'RELEASE_CORRUPT' && e.details.format === WALK_FORMAT - 1 && e.details.expected === WALK_FORMAT);
  // A home whose index release holds that older file, every other file linked from the test home.
  const home = mkdtempSync(join(tmpdir(), 'medcoder-walk-'));
  try {
    const from = releasesDir(cs.home);
    const to = releasesDir(home);
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) {
      if (name !== holder) symlinkSync(join(from, name), join(to, name));
      else {
        mkdirSync(join(to, name));
        for (const f of readdirSync(join(from, name))) {
          if (f === WALK_FILES.index) writeFileSync(join(to, name, f), older);
          else symlinkSync(join(from, name, f), join(to, name, f));
        }
      }
    }
    const old = await loadWalk(await CodeSets.open({ home }), { date: '2026-03-01' });
    assert.ok(old.ctx.index!.rebuilt);
    assert.ok(old.warnings.some((x) => x.includes('older version') && x.includes('import --force')), old.warnings.join('\n'));
    assert.deepEqual(walkLoaded(old, 'migraine without aura').paths.map((p) => p.code), walkLoaded(w, 'migraine without aura').paths.map((p) => p.code));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
