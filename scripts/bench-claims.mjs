// Benchmarks of the claim edits and CMS-HCC scoring, run by scripts/bench.mjs (modes `edits` and `hcc`)
// in a process of their own on one core:
//   edits: claims per second through every edit layer (claim parsing included), for professional claims of
//          8 diagnoses and 6 lines built from real codes. The shared data has no NCCI PTP or coverage tables,
//          so the fixture tables in packages/engine/src/edits/fixtures are compiled beside the home.
//   hcc:   patients per second scored with CMS-HCC V28 (8 diagnoses each, explanation built, no gap hints).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

function rng(seed) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

/**
 * Run `fn` over `items` for about `seconds` after a warm-up pass. Returns items per second of this
 * process's CPU time (one core; the machine's other work does not count) and of wall-clock time.
 */
async function rate(items, fn, seconds = 3) {
  for (const it of items) await fn(it);
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (performance.now() - t0 < seconds * 1000) {
    for (const it of items) await fn(it);
    n += items.length;
  }
  const c = process.cpuUsage(c0);
  return { cpu: n / ((c.user + c.system) / 1e6), wall: n / ((performance.now() - t0) / 1000) };
}

const fmt = (r) => `${Math.round(r.cpu).toLocaleString('en-US')}/s per CPU second (${Math.round(r.wall).toLocaleString('en-US')}/s wall clock)`;

export async function run(mode, engineUrl) {
  const engine = await import(engineUrl);
  const cs = await engine.CodeSets.open();
  const random = rng(42);
  const pick = (arr) => arr[Math.floor(random() * arr.length)];

  if (mode === 'edits') {
    const fixtures = mkdtempSync(join(tmpdir(), 'medcoder-bench-tables-'));
    const dir = join(root, 'packages/engine/src/edits/fixtures');
    await engine.importReleases({ from: [join(dir, 'ncci-ptp'), join(dir, 'coverage')], home: fixtures, systems: ['ncci-ptp', 'coverage'] });
    const tables = await engine.CodeSets.open({ home: fixtures });
    const scrubber = new engine.Scrubber(cs, { tableHomes: [tables] });
    const { release } = await cs.release('icd10cm', { date: '2026-08-03' });
    // Diagnoses: common chronic conditions mixed with codes drawn from the whole release.
    const common = ['E11.22', 'E11.9', 'N18.31', 'N18.4', 'I10', 'I12.9', 'I50.22', 'I50.9', 'J44.9', 'I48.91', 'Z79.4', 'E78.5', 'F32.9', 'M17.11', 'G63', 'E10.9'];
    const all = [...release.billableCodes()];
    const procedures = ['99213', '99214', '36415', '83036', '11042', '11045', '93000', '93010', '97597', '20610', '96372', 'J1100', 'G0008', '81002', '97110', '11721'];
    const modifiers = [[], [], [], ['25'], ['59'], ['RT'], ['XS']];
    const claims = [];
    for (let i = 0; i < 2000; i++) {
      const dx = [];
      while (dx.length < 8) {
        const c = random() < 0.6 ? pick(common) : pick(all);
        if (!dx.includes(c)) dx.push(c);
      }
      claims.push({
        id: `BENCH-${i}`,
        setting: 'professional',
        patient: { birthDate: `19${40 + Math.floor(random() * 40)}-0${1 + Math.floor(random() * 9)}-15`, sex: random() < 0.5 ? 'F' : 'M' },
        providers: { rendering: { entity: 'person', name: { last: 'Bench' }, npi: '1245319599' } },
        diagnoses: dx.map((code) => ({ code })),
        lines: Array.from({ length: 6 }, (_, j) => ({
          code: pick(procedures),
          modifiers: pick(modifiers),
          units: 1 + Math.floor(random() * 2),
          charge: 50,
          date: '2026-08-03',
          diagnosisPointers: [1 + (j % 8), 1 + ((j + 3) % 8)].slice(0, 1 + (j % 2)),
        })),
      });
    }
    let findings = 0;
    const parsed = claims.map((c) => engine.parseClaim(c));
    for (const c of parsed) findings += (await scrubber.scrub(c)).findings.length;
    const scrub = await rate(parsed, (c) => scrubber.scrub(c));
    const texts = claims.map((c) => JSON.stringify(c));
    const withParsing = await rate(texts, (t) => scrubber.scrub(JSON.parse(t)), 2);
    console.log(`claim edits, all 8 layers (8 diagnoses, 6 lines; ${(findings / claims.length).toFixed(1)} findings per claim): ${fmt(scrub)} (target >= 10,000 claims/s); from JSON text with claim validation: ${fmt(withParsing)}`);
    rmSync(fixtures, { recursive: true, force: true });
  }

  if (mode === 'hcc') {
    const scorer = await engine.HccScorer.open({ codeSets: cs });
    const v28 = scorer.model('v28');
    const mapped = [...v28.dx.keys()];
    const { release } = await cs.release('icd10cm', { date: '2025-12-31' });
    const all = [...release.billableCodes()];
    const patients = [];
    for (let i = 0; i < 10000; i++) {
      const diagnoses = [];
      while (diagnoses.length < 8) diagnoses.push(random() < 0.5 ? pick(mapped) : pick(all));
      patients.push({ age: 65 + Math.floor(random() * 30), sex: random() < 0.5 ? 'F' : 'M', diagnoses, segment: pick(['community', 'community', 'community', 'full-dual', 'partial-dual', 'institutional']) });
    }
    const mean = patients.reduce((sum, p) => sum + scorer.score(p, { model: 'v28' }).score, 0) / patients.length;
    const v28r = await rate(patients, (p) => scorer.score(p, { model: 'v28' }));
    const blend = await rate(patients.slice(0, 5000), (p) => scorer.score(p, { model: 'blend', weights: { v24: 0.33, v28: 0.67 } }), 2);
    console.log(`CMS-HCC V28 scoring with explanation (8 diagnoses, mean score ${mean.toFixed(2)}): ${fmt(v28r)} (target >= 50,000 patients/s); V24+V28 blend: ${fmt(blend)}`);
  }
}
