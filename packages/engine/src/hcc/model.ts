/**
 * A CMS-HCC model loaded for scoring: the compiled tables of one payment year
 * (diagnosis mapping, hierarchies, labels, relative factors, age/sex edits)
 * joined with the model rules CMS writes as program code (disease groups,
 * interaction terms, demographic cells), kept in data/hcc/models.json.
 */
import { readFileSync } from 'node:fs';
import type { ReleaseManifest } from '../releases/manifest.js';
import type { HccCompiled, HccModelCompiled } from './compile.js';
import type { DxEdit, HccModelId } from './sources.js';

export const SEGMENTS = ['CNA', 'CND', 'CFA', 'CFD', 'CPA', 'CPD', 'INS', 'NE', 'SNPNE'] as const;
export type Segment = (typeof SEGMENTS)[number];

interface ModelRulesData {
  label: string;
  groups: Record<string, number[]>;
  interactions: Record<string, string[]>;
}

export interface PaymentYearFactors {
  blend: Partial<Record<HccModelId, number>>;
  normalization: Partial<Record<HccModelId, number>>;
  codingIntensity: number;
  source: string;
}

interface RulesData {
  models: Record<string, ModelRulesData>;
  segments: Record<Segment, string>;
  ageCells: Array<[number, number, string]>;
  newEnrolleeAgeCells: Array<[number, number, string]>;
  paymentYears: Record<string, PaymentYearFactors>;
}

const RULES_URL = new URL('../../data/hcc/models.json', import.meta.url);
let rules: RulesData | undefined;

/** data/hcc/models.json, read once. */
export function hccRules(): RulesData {
  rules ??= JSON.parse(readFileSync(RULES_URL, 'utf8')) as RulesData;
  return rules;
}

/** The age cell of a model's demographic variables (F70_74, M95_GT, …). */
export function ageCell(age: number, newEnrollee = false): string {
  const cells = newEnrollee ? hccRules().newEnrolleeAgeCells : hccRules().ageCells;
  for (const [lo, hi, name] of cells) if (age >= lo && age <= hi) return name;
  return cells[cells.length - 1]![2];
}

/** A term of an interaction: an HCC, a disease group, or the DISABLED flag. */
type Term = { hcc: number } | { group: number } | { disabled: true };

export interface Interaction {
  name: string;
  /** Upper-case variable name, as coefficient keys are stored. */
  key: string;
  terms: Term[];
  /** The terms as written in the rules, for explanations. */
  written: string[];
}

/** One CMS-HCC model of one payment year, ready to score. */
export class HccModel {
  readonly label: string;
  readonly dx: ReadonlyMap<string, readonly number[]>;
  /** HCC → HCCs whose presence removes it. */
  readonly droppedBy: ReadonlyMap<number, readonly number[]>;
  readonly labels: ReadonlyMap<number, string>;
  readonly coefficients: ReadonlyMap<string, number>;
  readonly edits: ReadonlyMap<string, readonly DxEdit[]>;
  /** Disease groups: name and member HCCs. */
  readonly groups: ReadonlyArray<{ name: string; members: ReadonlySet<number> }>;
  readonly interactions: readonly Interaction[];
  private readonly hccCoef = new Map<string, Map<number, number>>();

  constructor(readonly id: HccModelId, readonly paymentYear: number, data: HccModelCompiled) {
    const r = hccRules().models[id];
    this.label = r?.label ?? `CMS-HCC ${id.toUpperCase()}`;
    this.dx = new Map(Object.entries(data.dx));
    const droppedBy = new Map<number, number[]>();
    for (const [parent, kids] of Object.entries(data.hierarchy)) {
      for (const k of kids) {
        const list = droppedBy.get(k);
        if (list) list.push(Number(parent));
        else droppedBy.set(k, [Number(parent)]);
      }
    }
    this.droppedBy = droppedBy;
    this.labels = new Map(Object.entries(data.labels).map(([k, v]) => [Number(k), v]));
    this.coefficients = new Map(Object.entries(data.coefficients));
    const edits = new Map<string, DxEdit[]>();
    for (const e of data.edits) {
      const list = edits.get(e.code);
      if (list) list.push(e);
      else edits.set(e.code, [e]);
    }
    this.edits = edits;
    const groupNames = Object.keys(r?.groups ?? {});
    this.groups = groupNames.map((name) => ({ name, members: new Set(r!.groups[name]) }));
    this.interactions = Object.entries(r?.interactions ?? {}).map(([name, written]) => ({
      name,
      key: name.toUpperCase(),
      written,
      terms: written.map((t): Term => {
        if (t === 'DISABLED') return { disabled: true };
        const h = /^HCC(\d+)$/.exec(t);
        if (h) return { hcc: Number(h[1]) };
        const g = groupNames.indexOf(t);
        if (g < 0) throw new Error(`data/hcc/models.json: ${id} interaction ${name}: unknown term ${t}`);
        return { group: g };
      }),
    }));
  }

  /** The relative factor of a segment's variable (CNA + F70_74 → CNA_F70_74), if the model has it. */
  coefficient(segment: string, variable: string): number | undefined {
    return this.coefficients.get(`${segment}_${variable}`.toUpperCase());
  }

  /** The relative factor of an HCC in a segment (cached per segment). */
  hccCoefficient(segment: string, hcc: number): number | undefined {
    let m = this.hccCoef.get(segment);
    if (!m) {
      m = new Map();
      const prefix = `${segment}_HCC`;
      for (const [k, v] of this.coefficients) {
        if (!k.startsWith(prefix)) continue;
        const n = k.slice(prefix.length);
        if (/^\d+$/.test(n)) m.set(Number(n), v);
      }
      this.hccCoef.set(segment, m);
    }
    return m.get(hcc);
  }

  label_(hcc: number): string {
    return this.labels.get(hcc) ?? `HCC ${hcc}`;
  }
}

/** A loaded hcc release: the models of one payment year. */
export class HccTables {
  readonly paymentYear: number;
  readonly models: ReadonlyMap<HccModelId, HccModel>;

  constructor(readonly data: HccCompiled, readonly label: string) {
    this.paymentYear = data.paymentYear;
    this.models = new Map(Object.entries(data.models).map(([id, m]) => [id as HccModelId, new HccModel(id as HccModelId, data.paymentYear, m!)]));
  }

  static fromCompiled(data: unknown, manifest: ReleaseManifest): HccTables {
    return new HccTables(data as HccCompiled, manifest.label);
  }

  /** CMS's payment-year factors (blend weights, normalisation, coding intensity) from data/hcc/models.json. */
  factors(): PaymentYearFactors | undefined {
    return hccRules().paymentYears[String(this.paymentYear)];
  }
}
