// Benchmark of claims out (issue 8), run by `node scripts/bench.mjs x12` (one process, one core):
//   837P generation: claims/s written by build837 from the multi-line fixture (6 lines, 5 diagnoses,
//                    3 provider loops, an NDC), in files of 100 claims and of one claim; and with
//                    pre-flight (claim schema and guide rules) before each claim
//   X12 parsing:     MB/s of parse837 (segments, loops, claims) on an 837P of 20,000 such claims, handing
//                    each claim on as it is read (onClaim) and keeping all of them; the tokenizer alone;
//                    node-x12's parser on part of the same text for comparison
// Each figure is the median of 5 runs (3 for parsing) after a warm-up run. Wall-clock rates are printed,
// with the rate per CPU-second of this process beside them: on a machine shared with other work the
// second is the one that says what one core does.
import { readFileSync } from 'node:fs';

const engine = await import(new URL('../packages/engine/dist/index.js', import.meta.url).href);
const { build837, parse837, parseClaim, preflight, tokenizeX12 } = engine;
const fixture = parseClaim(JSON.parse(readFileSync(new URL('../packages/engine/src/x12/fixtures/multi-line.json', import.meta.url), 'utf8')));
const envelope = { sender: { id: 'BENCH' }, receiver: { id: 'PAYER' }, submitter: { name: 'BENCH', id: 'B1', phone: '5555550100' }, receiverName: 'PAYER', now: new Date('2026-11-20T10:00:00Z') };

function claims(n) {
  return Array.from({ length: n }, (_, i) => ({ ...fixture, id: `BENCH-${i}`, patient: { ...fixture.patient, medicalRecordNumber: `MRN${i % 997}` } }));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Work per second, wall clock and per CPU-second, median of `rounds` runs after a warm-up. */
function rate(fn, work, rounds = 5) {
  fn();
  const wall = [];
  const cpu = [];
  for (let r = 0; r < rounds; r++) {
    globalThis.gc?.();
    const c0 = process.cpuUsage();
    const t = performance.now();
    fn();
    wall.push((performance.now() - t) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall: work / median(wall), cpu: work / median(cpu) };
}

const n0 = (x) => Math.round(x).toLocaleString('en-US');
const show = (r, f, unit) => `${f(r.wall)} ${unit} (${f(r.cpu)} per CPU-second)`;

const batch = claims(100);
const genBatched = rate(() => { for (let b = 0; b < 50; b++) build837(batch, '837P', envelope); }, 100 * 50);
const singles = claims(2000);
const genSingle = rate(() => { for (const c of singles) build837([c], '837P', envelope); }, singles.length);
const genChecked = rate(() => { for (const c of singles) build837([preflight(c, { today: '2026-11-25' }).claim], '837P', envelope); }, singles.length);
console.log(`837P generation (target >= 5,000 claims/s): ${show(genBatched, n0, 'claims/s')} in files of 100; ${show(genSingle, n0, 'claims/s')} one claim a file; ${show(genChecked, n0, 'claims/s')} with pre-flight`);

const big = build837(claims(20000), '837P', envelope);
const mb = Buffer.byteLength(big) / 1e6;
const f1 = (x) => x.toFixed(1);
let seen = 0;
const streamed = rate(() => parse837(big, { onClaim: () => seen++ }), mb, 3);
const kept = rate(() => parse837(big), mb, 3);
const tokens = rate(() => tokenizeX12(big), mb, 3);
let nodeX12 = 'n/a';
try {
  const { default: x12 } = await import('node-x12');
  const cut = big.lastIndexOf('~LX*1~', 3_000_000);
  const sample = `${big.slice(0, cut + 1)}SE*1*0001~GE*1*1~IEA*1*000000001~`;
  const r = rate(() => new x12.X12Parser(false).parse(sample), cut / 1e6, 1);
  nodeX12 = `${f1(r.wall)} MB/s`;
} catch (e) {
  nodeX12 = `failed (${e.message})`;
}
console.log(`X12 parsing (target >= 20 MB/s; ${f1(mb)} MB, 20,000 claims): parse837 claim by claim ${show(streamed, f1, 'MB/s')}; keeping all claims ${show(kept, f1, 'MB/s')}; tokenizer ${show(tokens, f1, 'MB/s')}; node-x12 ${nodeX12}`);
