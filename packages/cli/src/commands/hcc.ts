import { Command, Option } from 'commander';
import { HccScorer, MedcoderError, SEGMENT_INPUTS, SEGMENTS, type HccModelChoice, type HccResult, type ModelScore } from '@medcoder/engine';
import { printJson, println } from '../output.js';

interface HccOptions {
  model: HccModelChoice;
  age: string;
  sex: string;
  segment?: string;
  medicaid?: boolean;
  originallyDisabled?: boolean;
  paymentYear?: string;
  normalization?: string;
  codingIntensity?: string;
  gaps: boolean;
  json?: boolean;
}

/** A number, or "none" to leave the adjustment out. */
function factor(value: string | undefined, name: string): number | false | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return false;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new MedcoderError('INVALID_ARGUMENT', `--${name} must be a positive number or "none", got "${value}"`, { field: name });
  return n;
}

export function hccCommand(): Command {
  return new Command('hcc')
    .description('CMS-HCC risk score of a patient with its explanation: HCCs, hierarchies, interactions, and documentation-gap hints')
    .argument('<dx...>', 'ICD-10-CM diagnosis codes')
    .addOption(new Option('--model <model>', 'v24, v28, or blend (the payment year\'s weights)').choices(['v24', 'v28', 'blend']).default('v28'))
    .requiredOption('--age <n>', 'age in years (CMS uses the age on February 1 of the payment year)')
    .addOption(new Option('--sex <sex>', 'F or M').choices(['F', 'M', 'f', 'm']).makeOptionMandatory())
    .option('--segment <segment>', `${SEGMENT_INPUTS.join(' | ')} (aged or disabled follows from the age), or a CMS segment code (${SEGMENTS.join(', ')})`)
    .option('--medicaid', 'enrolled in Medicaid (new enrollee and institutional factors)')
    .option('--originally-disabled', 'originally entitled by disability, now 65 or over')
    .option('--payment-year <year>', 'payment year of the tables (default: the newest compiled)')
    .option('--normalization <factor>', 'normalisation factor, or "none" (default: CMS\'s for the payment year)')
    .option('--coding-intensity <fraction>', 'MA coding-intensity adjustment, e.g. 0.059, or "none" (default: CMS\'s for the payment year)')
    .option('--no-gaps', 'leave out documentation-gap hints')
    .option('--json', 'JSON output')
    .action(async (dx: string[], opts: HccOptions) => {
      const age = Number(opts.age);
      if (!/^\d{1,3}$/.test(opts.age.trim()) || age > 130) throw new MedcoderError('INVALID_ARGUMENT', `--age must be a whole number of years, got "${opts.age}"`, { field: 'age' });
      const year = opts.paymentYear === undefined ? undefined : Number(opts.paymentYear);
      if (year !== undefined && !/^\d{4}$/.test(opts.paymentYear!)) throw new MedcoderError('INVALID_ARGUMENT', `--payment-year must be a year, got "${opts.paymentYear}"`, { field: 'paymentYear' });
      const scorer = await HccScorer.open(year !== undefined ? { paymentYear: year } : {});
      const normalization = factor(opts.normalization, 'normalization');
      const codingIntensity = factor(opts.codingIntensity, 'coding-intensity');
      const result = scorer.score(
        {
          age,
          sex: opts.sex.toUpperCase() as 'F' | 'M',
          diagnoses: dx,
          ...(opts.segment ? { segment: opts.segment as never } : {}),
          ...(opts.medicaid ? { medicaid: true } : {}),
          ...(opts.originallyDisabled ? { originallyDisabled: true } : {}),
        },
        {
          model: opts.model,
          gaps: opts.gaps,
          ...(normalization !== undefined ? { normalization } : {}),
          ...(codingIntensity !== undefined ? { codingIntensity } : {}),
        },
      );
      if (opts.json) printJson(result);
      else printHcc(result);
    });
}

const num = (n: number) => n.toFixed(3);
const line = (label: string, value: number | string, from = '') => println(`  ${label.padEnd(72)} ${typeof value === 'number' ? num(value).padStart(7) : value.padStart(7)}${from ? `  ← ${from}` : ''}`);

function printModel(c: ModelScore): void {
  println(`${c.label}, segment ${c.segment} (${c.segmentLabel})`);
  for (const d of c.demographics) line(`Demographic ${d.variable}`, d.coefficient);
  for (const h of c.hccs) line(`HCC ${h.hcc} ${h.label}`, h.coefficient, h.from.join(', '));
  for (const i of c.interactions) line(`Interaction ${i.name} (${i.terms.join(' × ')})`, i.coefficient);
  if (c.count) line(`Payment HCC count ${c.count.variable}`, c.count.coefficient);
  for (const d of c.dropped) {
    println(`  Dropped HCC ${d.hcc} ${d.label} (${d.from.join(', ')}): HCC ${d.by.map((b) => `${b.hcc} ${b.label}`).join(', ')} is higher in the hierarchy`);
  }
  const none = c.diagnoses.filter((d) => !d.hccs.length && !d.note).map((d) => d.code);
  if (none.length) println(`  No HCC in this model: ${none.join(', ')}`);
  for (const d of c.diagnoses) if (d.note) println(`  ${d.code}: ${d.note}`);
  let s = `  Raw score ${num(c.raw)}`;
  if (c.normalized !== undefined) s += ` · normalised (÷ ${c.normalization}) ${num(c.normalized)}`;
  println(s);
}

export function printHcc(r: HccResult): void {
  println(`CMS-HCC risk score, payment year ${r.paymentYear} (${r.release})`);
  for (const c of r.components) {
    println();
    printModel(c);
  }
  println();
  if (r.weights) {
    const parts = r.components.map((c) => `${(r.weights![c.model] ?? 0) * 100}% ${c.model.toUpperCase()}`);
    println(`Blend ${parts.join(' + ')}: ${num(r.raw)}`);
  }
  if (r.codingIntensity !== undefined) println(`After the MA coding-intensity adjustment (× ${(1 - r.codingIntensity).toFixed(3)}): ${num(r.score)}`);
  println(`Risk score: ${num(r.score)}`);
  if (r.factorsSource) println(`Factors: ${r.factorsSource}`);
  for (const n of r.notes) println(`Note: ${n}`);
  if (r.gaps?.length) {
    println();
    println('Documentation gaps (ask whether the record supports a more specific code; never code from this list alone):');
    for (const g of r.gaps) {
      println(`  ${g.code} ${g.title} (${g.hccs.length ? `HCC ${g.hccs.join(', ')}` : 'no HCC'})`);
      for (const s of g.suggestions) println(`    ${s.codes.map((c) => c.code).join(', ')} → HCC ${s.hcc} ${s.label} (+${num(s.gain)})`);
    }
  }
}
