#!/usr/bin/env node
// Benchmarks of the code-set engine (numbers for the README; not tests).
//   compile: all releases in ../shared/codesets (or MEDCODER_RELEASES) into a fresh home
//   load:    one compiled ICD-10-CM release, JSON to ready (median of 7, wall clock and CPU time)
//   lookup:  p50/p99 of CodeSetRelease.lookup over 20,000 random billable codes: first calls, and per code
//            the best of 3 repeats (a call the scheduler interrupted does not count), with the machine's noise floor
//   memory:  resident set size with ICD-10-CM, ICD-10-PCS and HCPCS loaded, in a fresh process
//   edits:   claims per second through every claim-edit layer; hcc: CMS-HCC patients per second (scripts/bench-claims.mjs)
//   x12:     837P claims written per second and MB/s of 837 read back into claims (scripts/bench-x12.mjs)
//   procedures: per-note CPU time, warmed up, of procedure coding (ICD-10-PCS inpatient; CPT/HCPCS professional) next to
//            diagnosis coding of the same notes (CodiEsp dev), and the ratio (target: procedures add <= 50%).
//            As the product does (medcoder code, the batch workers, the server's engine bridge), the note is parsed
//            once and the same document serves diagnoses and procedures: diagnoses are timed with the parse,
//            procedures given the parsed document (their marginal cost)
//   coding:  diagnosis coding of the 2,751 unlabeled CodiEsp background notes on one core: notes/s, p50/p99 per note (best of 3 passes)
//            (CPU time of the process, so other work on the machine does not count), resident memory
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const engineUrl = new URL('../packages/engine/dist/index.js', import.meta.url).href;
const mode = process.argv[2];

if (!mode) {
  const home = mkdtempSync(join(tmpdir(), 'medcoder-bench-'));
  console.log(`# medcoder bench (node ${process.version}, ${(await import('node:os')).cpus().length} cores)`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'packages/cli/dist/main.js'), 'codesets', 'import', '--quiet'], { env: { ...process.env, MEDCODER_HOME: home }, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  const compileS = (performance.now() - t0) / 1000;
  console.log(`compile all releases: ${compileS.toFixed(1)} s (target < 60 s)`);
  for (const m of ['load', 'lookup', 'memory', 'search', 'procedures', 'coding', 'edits', 'hcc', 'x12']) {
    const c = spawnSync(process.execPath, ['--expose-gc', import.meta.filename, m], { env: { ...process.env, MEDCODER_HOME: home }, stdio: 'inherit' });
    if (c.status !== 0) process.exit(c.status ?? 1);
  }
  rmSync(home, { recursive: true, force: true });
  process.exit(0);
}

if (mode === 'x12') {
  await import('./bench-x12.mjs');
  process.exit(0);
}

if (mode === 'edits' || mode === 'hcc') {
  await (await import('./bench-claims.mjs')).run(mode, engineUrl);
  process.exit(0);
}

const { CodeSets } = await import(engineUrl);
const date = { date: '2026-03-01' };

if (mode === 'load') {
  // Wall clock and this process's CPU time (all its threads, the collector's too): on a shared machine
  // the wall clock also counts time other processes hold the cores.
  const times = [];
  const cpus = [];
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let i = 0; i < 7; i++) {
    const cs = await CodeSets.open();
    const id = cs.resolve('icd10cm', date).manifest.id;
    const c = cpuMs();
    const t = performance.now();
    await cs.load(id);
    times.push(performance.now() - t);
    cpus.push(cpuMs() - c);
    globalThis.gc?.();
  }
  times.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  console.log(`load ICD-10-CM FY2026 (7 loads): median ${times[3].toFixed(0)} ms, max ${times[6].toFixed(0)} ms; CPU time median ${cpus[3].toFixed(0)} ms, min ${cpus[0].toFixed(0)} ms (target < 300 ms)`);
}

if (mode === 'lookup') {
  const cs = await CodeSets.open();
  const { release } = await cs.release('icd10cm', date);
  const codes = [...release.billableCodes()];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const sample = Array.from({ length: 20000 }, () => codes[Math.floor(rnd() * codes.length)]);
  for (const c of sample.slice(0, 2000)) release.lookup(c); // warm up the JIT
  // The load's garbage is collected here, not inside the measured calls.
  globalThis.gc?.();
  // Pass 1 meets most codes for the first time (notes inherited from a parent are put together on first use).
  // Then three more passes over the same codes; per code the best of the three counts, so a call that the
  // machine's scheduler interrupted (other processes on the cores) does not stand for the lookup's cost.
  // The noise floor is a plain loop of about a lookup's length, timed the same way at the same time.
  const timed = (fn, rounds = 1) => {
    const ns = new Float64Array(sample.length).fill(Infinity);
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < sample.length; i++) {
        const t = process.hrtime.bigint();
        fn(sample[i]);
        const d = Number(process.hrtime.bigint() - t);
        if (d < ns[i]) ns[i] = d;
      }
    }
    ns.sort();
    const q = (p) => (ns[Math.min(ns.length - 1, Math.floor(p * ns.length))] / 1000).toFixed(1);
    return { p50: q(0.5), p99: q(0.99) };
  };
  const first = timed((c) => release.lookup(c));
  const best = timed((c) => release.lookup(c), 3);
  const floor = timed(() => {
    let x = 0;
    for (let k = 0; k < 25000; k++) x += k;
    globalThis.benchSink = x;
  });
  console.log(`lookup ICD-10-CM (20,000 random billable codes): first call p50 ${first.p50} µs, p99 ${first.p99} µs; best of 3 repeats p50 ${best.p50} µs, p99 ${best.p99} µs (target p99 < 20 µs)`);
  console.log(`  noise floor (a plain loop, p50 ${floor.p50} µs): p99 ${floor.p99} µs`);
  globalThis.gc?.();
  const v = timed((c) => release.validate(c));
  const vBest = timed((c) => release.validate(c), 3);
  console.log(`validate ICD-10-CM: p50 ${v.p50} µs, p99 ${v.p99} µs; best of 3 repeats p50 ${vBest.p50} µs, p99 ${vBest.p99} µs`);
}

if (mode === 'memory') {
  const cs = await CodeSets.open();
  const loaded = [];
  for (const system of ['icd10cm', 'icd10pcs', 'hcpcs']) {
    try {
      const { release } = await cs.release(system, system === 'hcpcs' ? { date: '2019-06-01' } : date);
      loaded.push(release.ref.label);
    } catch (e) {
      console.log(`  (${system} not loaded: ${e.message.split('\n')[0]})`);
    }
  }
  globalThis.gc?.();
  const rss = process.memoryUsage().rss / 1024 / 1024;
  console.log(`resident memory with ${loaded.join(', ')} loaded: ${rss.toFixed(0)} MB (target < 300 MB)`);
}

if (mode === 'search') {
  // Encoder: loading the search structures, search p50/p99 over a fixed query set (all systems in force),
  // Alphabetic Index walk p50/p99. Queries: seeded index paths, the same with a typo, type-ahead prefixes, codes.
  // Each query's time is taken on the wall clock and as this process's CPU time: on a shared machine the
  // wall clock also counts the time other processes hold the cores, the CPU time does not.
  const { loadSearch, searchLoaded, loadWalk, walkLoaded } = await import(engineUrl);
  const { statSync } = await import('node:fs');
  const cs = await CodeSets.open();
  const cmId = cs.resolve('icd10cm', date).manifest.id;
  let t = performance.now();
  await cs.load(cmId);
  const releaseMs = performance.now() - t;
  t = performance.now();
  const { loaded } = await loadSearch(cs, date);
  const loadMs = performance.now() - t;
  t = performance.now();
  const w = await loadWalk(cs, date);
  const walkLoadMs = performance.now() - t;
  const sizes = loaded.map((l) => `${l.ref.id} ${(statSync(join(cs.home, 'releases', l.ref.id, 'search.bin')).size / 1048576).toFixed(1)} MB`);
  let seed = 11;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
  const paths = [];
  for (const e of w.ctx.index.entries()) if (e.code) paths.push(e.path.map((p, i) => (i ? p : p.split(',')[0])).join(' '));
  const sample = Array.from({ length: 1500 }, () => paths[Math.floor(rnd() * paths.length)]);
  const typo = (q) => q.replace(/[a-z]{5,}/, (m) => m.slice(0, 2) + m[3] + m[2] + m.slice(4));
  const queries = [...sample.slice(0, 1000), ...sample.slice(1000, 1300).map(typo), ...sample.slice(1300).map((q) => q.slice(0, Math.max(3, Math.floor(q.length * 0.6)))), 'E11.2', 'e112', 'K92.2', 'S72.001a', '0DTJ', 'chf', 'dm2 with ckd 3a', 'copd exacerbation'];
  // Warm-up: a separate seeded sample, so the measured queries still come new to the caches (stems, titles).
  let warmSeed = 97;
  const warmRnd = () => ((warmSeed = (Math.imul(warmSeed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
  const warm = Array.from({ length: 2000 }, () => paths[Math.floor(warmRnd() * paths.length)]);
  const time = (fn, list) => {
    for (const q of warm) fn(q);
    for (const q of warm.slice(0, 300)) fn(typo(q));
    const wall = [];
    const cpu = [];
    for (const q of list) {
      const c = process.cpuUsage();
      const s = process.hrtime.bigint();
      fn(q);
      wall.push(Number(process.hrtime.bigint() - s) / 1e6);
      const u = process.cpuUsage(c);
      cpu.push((u.user + u.system) / 1000);
    }
    // Two more rounds, each query's best wall time kept: what a query costs when nothing else takes the core.
    const best = [...wall];
    for (let round = 0; round < 2; round++) {
      list.forEach((q, i) => {
        const s = process.hrtime.bigint();
        fn(q);
        best[i] = Math.min(best[i], Number(process.hrtime.bigint() - s) / 1e6);
      });
    }
    wall.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    best.sort((a, b) => a - b);
    const q = (arr, p) => arr[Math.min(arr.length - 1, Math.floor(p * arr.length))].toFixed(3);
    return `p50 ${q(wall, 0.5)} ms, p99 ${q(wall, 0.99)} ms (CPU time: p50 ${q(cpu, 0.5)} ms, p99 ${q(cpu, 0.99)} ms; best of 3 runs per query: p50 ${q(best, 0.5)} ms, p99 ${q(best, 0.99)} ms)`;
  };
  const s = time((q) => searchLoaded(loaded, q, { limit: 20 }), queries);
  console.log(`search structures: opened in ${loadMs.toFixed(0)} ms (${sizes.join(', ')}); index walk books in ${walkLoadMs.toFixed(0)} ms (ICD-10-CM release itself: ${releaseMs.toFixed(0)} ms)`);
  console.log(`search (${queries.length} queries, all systems): ${s} (target p99 < 1 ms)`);
  // Index walk. Each measured phrase is walked for the first time in this process. A walk keeps what it works out
  // about words, entries and codes other phrases share (stems, decoded titles, subterm lists by stem, tabular
  // checks), so the first walks after load are slower than those of a process that has walked for a while: the
  // first 1,000 phrases are measured after the short warm-up above (a process just started), the next 1,000 after
  // 40,000 walks of other index paths, where first walks no longer get faster with more walking (measured
  // 2026-11-26: p50 and p99 level off between 20,000 and 40,000).
  const walks = sample.slice(0, 1000);
  const wk = time((q) => walkLoaded(w, q, { limit: 3 }), walks);
  console.log(`index walk, a process just started (${walks.length} phrases, each walked for the first time): ${wk}`);
  let steadySeed = 4242;
  const steadyRnd = () => ((steadySeed = (Math.imul(steadySeed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
  const unseen = [];
  const measured = new Set([...sample, ...warm]);
  const fresh = paths.filter((q) => !measured.has(q));
  while (unseen.length < 1000) {
    const q = fresh[Math.floor(steadyRnd() * fresh.length)];
    if (!unseen.includes(q)) unseen.push(q);
  }
  const kept = new Set(unseen);
  const others = fresh.filter((q) => !kept.has(q));
  t = performance.now();
  for (let k = 0; k < 40000; k++) walkLoaded(w, others[Math.floor(steadyRnd() * others.length)], { limit: 3 });
  const steadyMs = performance.now() - t;
  const steady = time((q) => walkLoaded(w, q, { limit: 3 }), unseen);
  console.log(`index walk, after 40,000 walks of other phrases (${(steadyMs / 1000).toFixed(1)} s; ${unseen.length} phrases, each walked for the first time): ${steady} (target p99 < 0.2 ms)`);
}

if (mode === 'coding') {
  const { readdirSync, readFileSync } = await import('node:fs');
  const engine = await import(engineUrl);
  const cs = await CodeSets.open();
  const dir = join(root, '..', 'shared', 'corpora', 'codiesp', 'background', 'text_files_en');
  const notes = readdirSync(dir).filter((n) => n.endsWith('.txt')).sort().map((n) => readFileSync(join(dir, n), 'utf8'));
  const t0 = performance.now();
  const { coder } = await engine.diagnosisCoder(cs, date);
  const loadMs = performance.now() - t0;
  for (const t of notes.slice(0, 300)) coder.code(t, { setting: 'inpatient' }); // warm up
  // Best of 3 passes over all notes (the machine may be shared): the pass with the least CPU time.
  let per = [];
  let total = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const times = [];
    const c0 = process.cpuUsage();
    for (const t of notes) {
      const c = process.cpuUsage();
      coder.code(t, { setting: 'inpatient' });
      const d = process.cpuUsage(c);
      times.push((d.user + d.system) / 1000);
    }
    const all = process.cpuUsage(c0);
    const ms = (all.user + all.system) / 1000;
    if (ms < total) {
      total = ms;
      per = times;
    }
  }
  per.sort((a, b) => a - b);
  const q = (p) => per[Math.min(per.length - 1, Math.floor(p * per.length))].toFixed(2);
  const kb = notes.reduce((a, t) => a + t.length, 0) / notes.length / 1024;
  globalThis.gc?.();
  const rss = process.memoryUsage().rss / 1024 / 1024;
  console.log(`coding (diagnoses, ${notes.length} background notes, ${kb.toFixed(1)} KB each on average, one core, best of 3 passes): ${((notes.length / total) * 1000).toFixed(0)} notes/s (target >= 1,000), p50 ${q(0.5)} ms, p99 ${q(0.99)} ms (target < 10 ms), release and dictionary loaded in ${loadMs.toFixed(0)} ms, resident memory ${rss.toFixed(0)} MB (target < 500 MB)`);
}

if (mode === 'procedures') {
  const { readdirSync, readFileSync } = await import('node:fs');
  const engine = await import(engineUrl);
  const cs = await CodeSets.open();
  const dir = join(root, '..', 'shared', 'corpora', 'codiesp', 'dev', 'text_files_en');
  const notes = readdirSync(dir).filter((n) => n.endsWith('.txt')).sort().map((n) => readFileSync(join(dir, n), 'utf8'));
  const { coder: dx } = await engine.diagnosisCoder(cs, date);
  const { coder: pcs } = await engine.openPcsCoder(cs, date.date);
  const pro = await engine.ProfessionalCoder.open(cs, '2019-06-01');
  const spans = (doc) => ({ text: doc.text, sentences: doc.sentences.map((x) => ({ start: x.start, end: x.end, section: doc.sections[x.section]?.kind ?? 'body' })) });
  // The parsed documents the product shares between diagnosis and procedure coding.
  const docs = notes.map((t) => engine.parseDocument(t));
  const runs = {
    diagnoses: (i) => dx.code(notes[i], { setting: 'inpatient' }),
    'procedures, ICD-10-PCS': (i) => pcs.code(spans(docs[i])),
    'services, CPT/HCPCS + E/M': (i) => pro.code(docs[i], { date: '2019-06-01' }),
  };
  // Steady state: V8 keeps compiling for several passes over the notes (its background compiler threads count
  // in the process's CPU time), so every coder is first warmed with full passes; then the coders take turns,
  // pass by pass, so that a busy moment of the machine falls on all of them alike. Median of the measured passes.
  const fns = Object.entries(runs);
  const pass = (fn) => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < notes.length; i++) fn(i);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / notes.length;
  };
  for (let w = 0; w < 10; w++) for (const [, fn] of fns) pass(fn);
  const times = Object.fromEntries(fns.map(([name]) => [name, []]));
  for (let m = 0; m < 9; m++) for (const [name, fn] of fns) times[name].push(pass(fn));
  const perNote = {};
  for (const [name, ts] of Object.entries(times)) perNote[name] = ts.sort((a, b) => a - b)[ts.length >> 1];
  const d = perNote.diagnoses;
  for (const [name, ms] of Object.entries(perNote)) {
    console.log(`${name}: ${ms.toFixed(2)} ms CPU per note (${notes.length} CodiEsp dev notes, median of 9 passes after 10 warm-up passes)${name === 'diagnoses' ? '' : `: +${((ms / d) * 100).toFixed(0)}% of diagnosis coding (target <= 50%)`}`);
  }
}
