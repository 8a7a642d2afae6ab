#!/usr/bin/env node
// Load benchmark of the workstation server (numbers for the README; not tests).
// Starts `medcoder serve` on loopback with a fresh SQLite database (or
// DATABASE_URL=postgres://… to measure PostgreSQL), fills it with 100,000
// encounters, then drives it with autocannon from this process:
//   coding:   POST /api/code-text with a 2.5 KB note   (target ≥ 300 req/s, p99 < 100 ms): once as fast as the
//             connections go, once offered at BENCH_CODING_RATE (default 300) req/s, the run the target is judged on
//   search:   GET /api/codes/search, rotating queries  (target ≥ 3,000 req/s, p99 < 20 ms)
//   worklist: GET /api/encounters?limit=50, filters    (target page < 50 ms with 100,000 encounters)
// Search answers are cached by the server (LRU): the first pass over the queries misses, later ones hit.
// Options (env): BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 16), BENCH_ENCOUNTERS (default 100000),
// BENCH_INSTANCES (server processes, default one per core: `medcoder serve --instances`),
// BENCH_CODING_THREADS (coding threads per process, `--coding-threads`; default the cores divided among the instances),
// BENCH_ONLY (comma list of coding, search, worklist: run only these),
// BENCH_NODE_ARGS (node options for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": each process and thread writes a profile when it stops).
// Each line also gives the server's CPU time per request (all its processes and threads, from /proc):
// on a loaded machine that number moves much less than req/s and latency.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';

const root = resolve(import.meta.dirname, '..');
const { connect } = await import(join(root, 'packages/server/dist/index.js'));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const codingRate = Number(process.env.BENCH_CODING_RATE ?? 300);
const total = Number(process.env.BENCH_ENCOUNTERS ?? 100_000);
const home = process.env.MEDCODER_HOME ?? (process.env.MEDCODER_TEST_HOME || join(root, '.cache', 'test-home'));
const dir = mkdtempSync(join(tmpdir(), 'medcoder-bench-'));
const dbUrl = process.env.DATABASE_URL ?? join(dir, 'bench.sqlite');
const port = 18000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;
const password = 'bench password 123';

console.log(`# medcoder server bench (node ${process.version}, ${cpus().length} cores, ${dbUrl.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'}, code sets in ${home}, load average before ${(await import('node:os')).loadavg()[0].toFixed(1)})`);

// ---- fill the database
const db = await connect({ url: dbUrl });
{
  const t0 = performance.now();
  const k = db.kysely;
  const now = new Date().toISOString();
  await k.transaction().execute(async (trx) => {
    const settings = ['inpatient', 'outpatient', 'emergency', 'professional'];
    const statuses = ['ready', 'ready', 'in_progress', 'query', 'finalized', 'pending'];
    for (let b = 0; b < total; b += 1000) {
      const pats = [];
      for (let i = b; i < Math.min(total, b + 1000); i++) pats.push({ mrn: `B${i}`, name: `Bench Patient ${i}`, birth_date: '1950-01-01', sex: i % 2 ? 'F' : 'M' });
      const ids = await trx.insertInto('patients').values(pats).returning('id').execute();
      await trx.insertInto('encounters').values(ids.map((p, j) => {
        const i = b + j;
        const day = new Date(Date.UTC(2025, 0, 1) + (i % 365) * 86400_000).toISOString().slice(0, 10);
        return { external_id: `BENCH-${i}`, patient_id: Number(p.id), setting: settings[i % 4], service_from: day, service_to: day, provider: `Dr. ${i % 50}`, payer: 'Medicare', status: statuses[i % 6], assigned_to: null, version: 1, coded_at: null, coding_engine: null, coding_error: null, finalized_by: null, finalized_at: null, created_at: now, updated_at: now };
      })).execute();
    }
  });
  console.log(`filled ${total} encounters in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // planner statistics and the visibility map as a running database has them (autovacuum, pragma optimize)
  const { sql } = await import('kysely');
  if (dbUrl.startsWith('postgres')) for (const t of ['encounters', 'patients', 'users']) await sql`vacuum analyze ${sql.table(t)}`.execute(k);
  else await sql`analyze`.execute(k);
}
await db.close();

// ---- start the server
const instances = process.env.BENCH_INSTANCES ?? String(cpus().length);
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const threadArgs = process.env.BENCH_CODING_THREADS ? ['--coding-threads', process.env.BENCH_CODING_THREADS] : [];
const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ').filter(Boolean) : [];
const server = spawn(process.execPath, [...nodeArgs, join(root, 'packages/cli/dist/main.js'), 'serve', '--port', String(port), '--no-demo', '--no-import', '--instances', instances, ...threadArgs], {
  env: { ...process.env, MEDCODER_HOME: home, DATABASE_URL: dbUrl, MEDCODER_ADMIN_USER: 'bench', MEDCODER_ADMIN_PASSWORD: password, LOG_LEVEL: 'error' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stop = () => { try { server.kill('SIGTERM'); } catch { /* gone */ } };
process.on('exit', stop);
await new Promise((res, rej) => {
  server.stdout.on('data', (d) => { if (String(d).includes('medcoder workstation on')) res(); });
  server.on('exit', (c) => rej(new Error(`server exited ${c}`)));
});

const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password }) });
const cookie = login.headers.get('set-cookie').split(';')[0];
const { csrfToken } = await login.json();
const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };

const note = readFileSync(join(root, 'packages/server/demo/demo-001-hp.txt'), 'utf8') + '\n' + readFileSync(join(root, 'packages/server/demo/demo-001-discharge.txt'), 'utf8');
const text = note.slice(0, 2500);
const codeBody = JSON.stringify({ text, setting: 'inpatient', date: '2026-03-02' });
// type-ahead as coders type it: every prefix (3+ characters) of 40 common searches, and code prefixes
const terms = ['diabetes chronic kidney', 'heart failure', 'pneumonia', 'fracture femur', 'hypertension', 'copd exacerbation', 'sepsis', 'urinary tract infection',
  'atrial fibrillation', 'acute kidney failure', 'hyperlipidemia', 'obesity', 'major depressive disorder', 'anemia', 'dehydration', 'low back pain', 'asthma',
  'hypothyroidism', 'gastroesophageal reflux', 'chest pain', 'syncope', 'cellulitis leg', 'osteoarthritis knee', 'dementia', 'stroke', 'myocardial infarction',
  'pulmonary embolism', 'deep vein thrombosis', 'hip fracture', 'pressure ulcer', 'malnutrition', 'hyponatremia', 'hypokalemia', 'alcohol dependence',
  'opioid dependence', 'breast cancer', 'lung cancer', 'colon cancer', 'migraine', 'sleep apnea'];
const queries = [...new Set(terms.flatMap((t) => Array.from({ length: t.length - 2 }, (_, i) => t.slice(0, i + 3)).filter((q) => !q.endsWith(' '))))]
  .concat(['E11', 'E11.2', 'I50', 'I50.3', 'J44', 'J18', 'N18', 'S72.0', 'Z79']);

// warm up (loads releases, search index, concept dictionary)
const w1 = await fetch(`${base}/api/code-text`, { method: 'POST', headers, body: codeBody });
const warm = await w1.json();
if (!w1.ok) throw new Error(`code-text failed: ${JSON.stringify(warm)}`);
// every instance and coding thread: a few parallel rounds so none loads its releases during the measurement
for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 4 }, () => fetch(`${base}/api/code-text`, { method: 'POST', headers, body: codeBody }).then((r) => r.arrayBuffer())));
for (const q of ["heart failure", "E11", "pneumonia"]) await fetch(`${base}/api/codes/search?q=${encodeURIComponent(q)}&date=2026-03-02`, { headers });
await fetch(`${base}/api/encounters?limit=50`, { headers });
console.log(`coding engine: ${warm.engine}; ${warm.codes.length} codes for a ${text.length}-character note`);

// CPU time (ms) of the server: its process tree, every thread (utime + stime from /proc)
const ticks = 100; // USER_HZ on Linux
const tree = (pid) => {
  const kids = existsSync(`/proc/${pid}/task`) ? readdirSync(`/proc/${pid}/task`).flatMap((t) => { try { return readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number); } catch { return []; } }) : [];
  return [pid, ...kids.flatMap(tree)];
};
const serverCpuMs = () => tree(server.pid).reduce((sum, pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return sum + ((Number(f[11]) + Number(f[12])) * 1000) / ticks;
  } catch { return sum; }
}, 0);

const run = (title, opts) => {
  const cpu0 = serverCpuMs();
  return new Promise((res, rej) => {
    const { path = '/', ...rest } = opts;
    autocannon({ url: `${base}${path}`, connections, duration: seconds, headers, ...rest }, (err, r) => (err ? rej(err) : res(r)));
  }).then((r) => {
    const cpuPerReq = (serverCpuMs() - cpu0) / Math.max(1, r.requests.total);
    const line = `${title.padEnd(34)} ${String(Math.round(r.requests.average)).padStart(6)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   server CPU ${cpuPerReq.toFixed(2)} ms/req   non-2xx ${r.non2xx}   errors ${r.errors}`;
    console.log(line);
    return r;
  });
};
const skipped = { requests: { average: NaN, total: 0 }, latency: { p99: NaN }, non2xx: 0, errors: 0 };
const want = (section) => !only || only.has(section);

let qi = 0;
const results = {};
results.codingMax = want('coding') ? await run('coding (2.5 KB note), as fast as it goes', { method: 'POST', path: '/api/code-text', body: codeBody }) : skipped;
// The target is a rate with a latency: offered at the target rate (autocannon's overallRate, spread over the
// connections), the server must keep up and answer 99% within 100 ms.
results.coding = want('coding') ? await run(`coding (2.5 KB note), ${codingRate} req/s offered`, { method: 'POST', path: '/api/code-text', body: codeBody, overallRate: codingRate }) : skipped;
results.search = !want('search') ? skipped : await run(`search (${queries.length} type-ahead queries)`, { path: '/api/codes/search', requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/codes/search?q=${encodeURIComponent(queries[qi++ % queries.length])}&date=2026-03-02&limit=20` }) }] });
if (want('worklist')) {
results.worklist = await run('worklist page of 50 (no filter)', { method: 'GET', path: '/api/encounters?limit=50', connections: 4 });
results.worklistFiltered = await run('worklist page of 50 (status+setting)', { method: 'GET', path: '/api/encounters?limit=50&status=ready&setting=inpatient', connections: 4 });
results.worklistDates = await run('worklist page of 50 (date range)', { method: 'GET', path: '/api/encounters?limit=50&from=2025-03-01&to=2025-03-31', connections: 4 });

// one request at a time: the latency a coder sees
const single = [];
for (let i = 0; i < 50; i++) {
  const t = performance.now();
  const r = await fetch(`${base}/api/encounters?limit=50&status=${i % 2 ? 'ready' : 'finalized'}`, { headers });
  await r.arrayBuffer();
  single.push(performance.now() - t);
}
single.sort((a, b) => a - b);
results.single = single;
}
const single = results.single ?? Array(50).fill(NaN);
if (Object.values(results).some((r) => r.non2xx > 0 || r.errors > 0)) console.log('WARNING: some requests failed (non-2xx or errors above)');
console.log(`worklist page, one at a time: median ${single[25].toFixed(1)} ms, max ${single[49].toFixed(1)} ms (target < 50 ms)`);

const ok = (b) => (b ? 'PASS' : 'MISS');
console.log('\ntargets:');
console.log(`  coding ≥ 300 req/s, p99 < 100 ms:  ${ok(codingRate >= 300 && results.coding.requests.total >= 0.98 * codingRate * seconds && results.coding.latency.p99 < 100)} (at ${codingRate} req/s offered; as fast as it goes: ${Math.round(results.codingMax.requests.average)} req/s, p99 ${results.codingMax.latency.p99} ms)`);
console.log(`  search ≥ 3000 req/s, p99 < 20 ms:  ${ok(results.search.requests.average >= 3000 && results.search.latency.p99 < 20)}`);
console.log(`  worklist page < 50 ms:             ${ok(single[49] < 50)}`);
// let the server stop by itself (profiles asked for by BENCH_NODE_ARGS are written as it exits)
await new Promise((res) => { server.once('exit', res); stop(); setTimeout(res, 15_000).unref(); });
rmSync(dir, { recursive: true, force: true });
process.exit(0);
