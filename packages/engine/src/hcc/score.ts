/**
 * CMS-HCC risk scores with their explanation: the demographic cell, which
 * diagnosis produced which HCC, which HCCs a hierarchy removed, which
 * interactions and payment-HCC count applied, then normalisation, the MA
 * coding-intensity adjustment and, for a blend year, the model weights.
 */
import { MedcoderError } from '../errors.js';
import type { Icd10cmRelease } from '../icd10cm/release.js';
import { CodeSets } from '../releases/registry.js';
import { TableStore } from '../edits/tables.js';
import { HCC_FILE } from './compile.js';
import { ageCell, hccRules, HccModel, HccTables, SEGMENTS, type PaymentYearFactors, type Segment } from './model.js';
import type { HccModelId } from './sources.js';
import { gapHints, type GapHint } from './gaps.js';

/** How a beneficiary is enrolled; aged or disabled follows from the age. */
export const SEGMENT_INPUTS = ['community', 'full-dual', 'partial-dual', 'institutional', 'new-enrollee', 'snp-new-enrollee'] as const;
export type SegmentInput = (typeof SEGMENT_INPUTS)[number];

export interface HccPatient {
  /** Age (CMS uses the age on February 1 of the payment year). */
  age: number;
  sex: 'F' | 'M';
  /** ICD-10-CM codes, with or without dots. */
  diagnoses: readonly string[];
  /** Enrollment segment (default community), or a CMS segment code (CNA, CND, CFA, CFD, CPA, CPD, INS, NE, SNPNE). */
  segment?: SegmentInput | Segment;
  /** Medicaid enrolled (new enrollee and institutional factors). */
  medicaid?: boolean;
  /** Originally entitled by disability and now 65 or over (OREC 1). */
  originallyDisabled?: boolean;
}

export type HccModelChoice = 'v24' | 'v28' | 'blend';

export interface HccScoreOptions {
  model: HccModelChoice;
  /** Normalisation factor (single model); default CMS's for the payment year; false: none. */
  normalization?: number | false;
  /** MA coding-intensity adjustment, e.g. 0.059; default CMS's for the payment year; false: none. */
  codingIntensity?: number | false;
  /** Blend weights; default CMS's for the payment year. */
  weights?: Partial<Record<HccModelId, number>>;
  /** Add documentation-gap hints (needs the ICD-10-CM release; costs a few rescorings per diagnosis). */
  gaps?: boolean;
}

export interface DiagnosisOutcome {
  code: string;
  hccs: number[];
  note?: string;
}

export interface ModelScore {
  model: HccModelId;
  label: string;
  segment: Segment;
  segmentLabel: string;
  demographics: Array<{ variable: string; coefficient: number }>;
  diagnoses: DiagnosisOutcome[];
  hccs: Array<{ hcc: number; label: string; coefficient: number; from: string[] }>;
  dropped: Array<{ hcc: number; label: string; by: Array<{ hcc: number; label: string }>; from: string[] }>;
  interactions: Array<{ name: string; coefficient: number; terms: string[] }>;
  count?: { variable: string; coefficient: number };
  /** Sum of the relative factors. */
  raw: number;
  normalization?: number;
  normalized?: number;
  notes: string[];
}

export interface HccResult {
  paymentYear: number;
  model: HccModelChoice;
  /** The compiled tables used. */
  release: string;
  components: ModelScore[];
  weights?: Partial<Record<HccModelId, number>>;
  /** Raw score (single model) or blend of the normalised model scores. */
  raw: number;
  normalized?: number;
  codingIntensity?: number;
  /** The score after every adjustment that applies. */
  score: number;
  factorsSource?: string;
  gaps?: GapHint[];
  notes: string[];
}

const r3 = (x: number) => Math.round(x * 1000 + Number.EPSILON * 1000) / 1000;

export function resolveSegment(input: HccPatient['segment'], age: number): Segment {
  const aged = age >= 65;
  switch (input ?? 'community') {
    case 'community':
      return aged ? 'CNA' : 'CND';
    case 'full-dual':
      return aged ? 'CFA' : 'CFD';
    case 'partial-dual':
      return aged ? 'CPA' : 'CPD';
    case 'institutional':
      return 'INS';
    case 'new-enrollee':
      return 'NE';
    case 'snp-new-enrollee':
      return 'SNPNE';
    default:
      if ((SEGMENTS as readonly string[]).includes(String(input).toUpperCase())) return String(input).toUpperCase() as Segment;
      throw new MedcoderError('INVALID_ARGUMENT', `unknown segment "${input}" (${[...SEGMENT_INPUTS, ...SEGMENTS].join(', ')})`, { field: 'segment' });
  }
}

const AGED = new Set<Segment>(['CNA', 'CFA', 'CPA']);

/** Score one patient with one model. */
export function scoreModel(model: HccModel, patient: HccPatient, seg: Segment = resolveSegment(patient.segment, patient.age)): ModelScore {
  const { age, sex } = patient;
  const notes: string[] = [];
  const demographics: ModelScore['demographics'] = [];
  const sexL = sex === 'F' ? 'F' : 'M';
  const demo = (variable: string, required: boolean) => {
    const c = model.coefficient(seg, variable);
    if (c === undefined) {
      if (required) notes.push(`${model.label} has no factor ${seg}_${variable}: check that segment ${seg} fits the patient's age ${age}`);
      return;
    }
    demographics.push({ variable, coefficient: c });
  };
  const newEnrollee = seg === 'NE' || seg === 'SNPNE';
  if (newEnrollee) {
    const origdis = patient.originallyDisabled === true && age >= 65;
    // A 64-year-old entitled by age becomes 65 during the year; CMS scores the 65 cell.
    const neAge = age === 64 && !patient.originallyDisabled ? 65 : age;
    demo(`${patient.medicaid ? 'MCAID' : 'NMCAID'}_${origdis ? 'ORIGDIS' : 'NORIGDIS'}_NE${sexL}${ageCell(neAge, true)}`, true);
  } else {
    demo(`${sexL}${ageCell(age)}`, true);
    if (patient.originallyDisabled && age >= 65) {
      if (AGED.has(seg)) demo(`OriginallyDisabled_${sex === 'F' ? 'Female' : 'Male'}`, false);
      else if (seg === 'INS') demo('ORIGDS', false);
    }
    if (seg === 'INS' && patient.medicaid) demo('LTIMCAID', false);
  }

  // Diagnoses → HCCs, with the age and sex edits.
  const diagnoses: DiagnosisOutcome[] = [];
  const present = new Map<number, string[]>();
  const sexN = sex === 'F' ? 2 : 1;
  for (const input of patient.diagnoses) {
    const code = input.trim().toUpperCase();
    const bare = code.replace('.', '');
    let hccs: readonly number[] = model.dx.get(bare) ?? [];
    let note: string | undefined;
    const edits = model.edits.get(bare);
    if (edits) {
      for (const e of edits) {
        if (e.sex !== undefined && e.sex !== sexN) continue;
        if (e.ageMin !== undefined && age < e.ageMin) continue;
        if (e.ageMax !== undefined && age > e.ageMax) continue;
        if (e.sex === undefined && e.ageMin === undefined && e.ageMax === undefined) continue;
        if (e.action === 'invalid') {
          hccs = [];
          note = `maps to no HCC for this patient (${e.description ?? 'age/sex edit'})`;
        } else {
          hccs = [e.cc!];
          note = `maps to HCC ${e.cc} for this patient (${e.description ?? 'age/sex edit'})`;
        }
        break;
      }
    }
    if (newEnrollee) {
      diagnoses.push({ code, hccs: [...hccs], note: 'new enrollee factors use no diagnoses' });
      continue;
    }
    const out: DiagnosisOutcome = { code, hccs: [...hccs] };
    if (note) out.note = note;
    diagnoses.push(out);
    for (const h of hccs) {
      const list = present.get(h);
      if (list) list.push(code);
      else present.set(h, [code]);
    }
  }

  // Hierarchies: an HCC is removed when a more severe HCC of its family is present.
  const final: number[] = [];
  const dropped: ModelScore['dropped'] = [];
  for (const [h, from] of present) {
    const parents = model.droppedBy.get(h);
    const by = parents ? parents.filter((p) => present.has(p)) : [];
    if (by.length) dropped.push({ hcc: h, label: model.label_(h), by: by.map((p) => ({ hcc: p, label: model.label_(p) })), from });
    else final.push(h);
  }
  final.sort((a, b) => a - b);

  const hccs: ModelScore['hccs'] = [];
  for (const h of final) {
    const c = model.hccCoefficient(seg, h);
    if (c === undefined) {
      notes.push(`HCC ${h} has no factor in segment ${seg}`);
      continue;
    }
    hccs.push({ hcc: h, label: model.label_(h), coefficient: c, from: present.get(h)! });
  }

  // Interactions between disease groups (and with disability).
  const interactions: ModelScore['interactions'] = [];
  if (!newEnrollee && final.length) {
    const inGroup = model.groups.map((g) => final.some((h) => g.members.has(h)));
    const disabled = age < 65;
    for (const it of model.interactions) {
      let all = true;
      for (const t of it.terms) {
        const ok = 'hcc' in t ? final.includes(t.hcc) : 'group' in t ? inGroup[t.group]! : disabled;
        if (!ok) {
          all = false;
          break;
        }
      }
      if (!all) continue;
      const c = model.coefficient(seg, it.name);
      if (c !== undefined) interactions.push({ name: it.name, coefficient: c, terms: it.written });
    }
  }

  // The count of payment HCCs.
  let count: ModelScore['count'];
  if (!newEnrollee && final.length) {
    const variable = final.length >= 10 ? 'D10P' : `D${final.length}`;
    const c = model.coefficient(seg, variable);
    if (c !== undefined) count = { variable, coefficient: c };
  }

  let raw = 0;
  for (const d of demographics) raw += d.coefficient;
  for (const h of hccs) raw += h.coefficient;
  for (const i of interactions) raw += i.coefficient;
  if (count) raw += count.coefficient;

  return {
    model: model.id,
    label: model.label,
    segment: seg,
    segmentLabel: hccRules().segments[seg],
    demographics,
    diagnoses,
    hccs,
    dropped,
    interactions,
    ...(count ? { count } : {}),
    raw: r3(raw),
    notes,
  };
}

/** Scores patients with the CMS-HCC tables of one payment year. */
export class HccScorer {
  private constructor(
    readonly tables: HccTables,
    readonly releaseLabel: string,
    /** The ICD-10-CM release used for gap hints. */
    readonly cm: Icd10cmRelease | undefined,
  ) {}

  get paymentYear(): number {
    return this.tables.paymentYear;
  }

  /**
   * Open the tables of a payment year (default: the newest compiled). Gap
   * hints use the ICD-10-CM release in force at the end of the year before
   * the payment year, when the diagnoses were coded.
   */
  static async open(opts: { codeSets?: CodeSets; home?: string; paymentYear?: number } = {}): Promise<HccScorer> {
    const cs = opts.codeSets ?? (await CodeSets.open(opts.home ? { home: opts.home } : {}));
    const releases = cs.releases('hcc');
    if (!releases.length) throw new MedcoderError('NO_RELEASE_FOR_DATE', `no CMS-HCC tables are compiled in ${cs.home}; put the HCC mapping and factor files in a release folder and run "medcoder codesets import"`, { system: 'hcc' });
    const year = opts.paymentYear ?? releases[releases.length - 1]!.year;
    const store = new TableStore([cs]);
    const answer = await store.get('hcc', `${year}-06-30`, HCC_FILE, (d, m) => HccTables.fromCompiled(d, m));
    if ('missing' in answer) throw new MedcoderError('NO_RELEASE_FOR_DATE', answer.missing, { system: 'hcc', paymentYear: year });
    if (answer.table.paymentYear !== year) {
      throw new MedcoderError('NO_RELEASE_FOR_DATE', `no CMS-HCC tables for payment year ${year} are compiled (compiled: ${releases.map((r) => r.year).join(', ')})`, { system: 'hcc', paymentYear: year });
    }
    let cm: Icd10cmRelease | undefined;
    try {
      cm = (await cs.release('icd10cm', { date: `${year - 1}-12-31` })).release as Icd10cmRelease;
    } catch {
      cm = undefined;
    }
    return new HccScorer(answer.table, answer.ref.label, cm);
  }

  /** Build a scorer from loaded tables (tests, benchmarks). */
  static of(tables: HccTables, label: string, cm?: Icd10cmRelease): HccScorer {
    return new HccScorer(tables, label, cm);
  }

  model(id: HccModelId): HccModel {
    const m = this.tables.models.get(id);
    if (!m) throw new MedcoderError('INVALID_ARGUMENT', `the ${this.releaseLabel} tables have no ${id.toUpperCase()} model (they have ${[...this.tables.models.keys()].join(', ')})`, { model: id });
    return m;
  }

  score(patient: HccPatient, opts: HccScoreOptions): HccResult {
    if (!Number.isInteger(patient.age) || patient.age < 0 || patient.age > 130) throw new MedcoderError('INVALID_ARGUMENT', `age must be a whole number of years, got ${patient.age}`, { field: 'age' });
    if (patient.sex !== 'F' && patient.sex !== 'M') throw new MedcoderError('INVALID_ARGUMENT', `sex must be F or M, got ${String(patient.sex)}`, { field: 'sex' });
    const seg = resolveSegment(patient.segment, patient.age);
    const factors: PaymentYearFactors | undefined = this.tables.factors();
    const notes: string[] = [];
    const result = (components: ModelScore[], raw: number, normalized: number | undefined, weights?: Partial<Record<HccModelId, number>>): HccResult => {
      let cia: number | undefined;
      if (opts.codingIntensity !== false) cia = opts.codingIntensity ?? factors?.codingIntensity;
      const base = normalized ?? raw;
      const score = cia !== undefined && normalized !== undefined ? r3(base * (1 - cia)) : base;
      if (cia !== undefined && normalized === undefined) notes.push('the coding-intensity adjustment applies to normalised scores; no normalisation factor, so it was not applied');
      const out: HccResult = {
        paymentYear: this.tables.paymentYear,
        model: opts.model,
        release: this.releaseLabel,
        components,
        raw,
        score,
        notes: [...notes, ...components.flatMap((c) => c.notes)],
      };
      if (weights) out.weights = weights;
      if (normalized !== undefined) out.normalized = normalized;
      if (cia !== undefined && normalized !== undefined) out.codingIntensity = cia;
      if (factors && (opts.normalization === undefined || opts.codingIntensity === undefined || (opts.model === 'blend' && !opts.weights))) out.factorsSource = factors.source;
      return out;
    };

    const normalize = (c: ModelScore, factor: number | false | undefined) => {
      if (factor === false || factor === undefined) return;
      c.normalization = factor;
      c.normalized = r3(c.raw / factor);
    };

    let res: HccResult;
    if (opts.model === 'blend') {
      const weights = opts.weights ?? factors?.blend;
      if (!weights) throw new MedcoderError('INVALID_ARGUMENT', `no blend weights for payment year ${this.tables.paymentYear}; give them with weights`, { field: 'weights' });
      const components: ModelScore[] = [];
      let blended = 0;
      let normalizedAll = true;
      for (const [id, w] of Object.entries(weights) as Array<[HccModelId, number]>) {
        if (!w) continue;
        const c = scoreModel(this.model(id), patient, seg);
        normalize(c, opts.normalization === false ? false : factors?.normalization[id]);
        if (c.normalized === undefined) normalizedAll = false;
        blended += w * (c.normalized ?? c.raw);
        components.push(c);
      }
      if (!normalizedAll) notes.push('a model of the blend has no normalisation factor; its raw score was blended');
      blended = r3(blended);
      res = result(components, blended, normalizedAll && opts.normalization !== false ? blended : undefined, weights);
    } else {
      const c = scoreModel(this.model(opts.model), patient, seg);
      const factor = opts.normalization === false ? false : (opts.normalization ?? factors?.normalization[opts.model]);
      if (factor === undefined) notes.push(`no ${opts.model.toUpperCase()} normalisation factor for payment year ${this.tables.paymentYear}; the raw score is shown (give one with normalization)`);
      normalize(c, factor);
      res = result([c], c.raw, c.normalized);
    }
    if (opts.gaps) {
      if (!this.cm) res.notes.push('gap hints need an ICD-10-CM release, and none is compiled');
      else res.gaps = gapHints(this, patient, seg, res.components[res.components.length - 1]!.model);
    }
    return res;
  }
}
