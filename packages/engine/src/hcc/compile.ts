/**
 * Compiles the risk-adjustment tables of one payment year into hcc.json: per
 * CMS-HCC model, the payment-HCC mapping of diagnosis codes, the hierarchies,
 * labels, relative factors and age/sex diagnosis edits.
 */
import { MedcoderError } from '../errors.js';
import type { CompiledOutput, GroupSource, SystemCompiler } from '../releases/compiler.js';
import { readText } from '../sources/entry.js';
import { parseCmsMapping, parseCoefficients, parseDxEdits, parseDxToCc, parseHierarchies, parseLabels, type DxEdit, type DxMap, type HccModelId } from './sources.js';

export interface HccModelCompiled {
  /** Bare ICD-10-CM code → payment HCCs. */
  dx: Record<string, number[]>;
  /** HCC → HCCs it removes when both are present. */
  hierarchy: Record<string, number[]>;
  labels: Record<string, string>;
  /** Upper-case variable name (CNA_HCC17, INS_F70_74, NE_NMCAID_NORIGDIS_NEF65, …) → relative factor. */
  coefficients: Record<string, number>;
  edits: DxEdit[];
}

export interface HccCompiled {
  paymentYear: number;
  models: Partial<Record<HccModelId, HccModelCompiled>>;
  /** Which file each part of each model came from. */
  sources: Record<string, string>;
}

export const HCC_FILE = 'hcc.json';

async function textOf(s: GroupSource): Promise<string> {
  return readText(s.entry, 'utf8');
}

export const hccCompiler: SystemCompiler = {
  system: 'hcc',
  async compile(group): Promise<CompiledOutput> {
    const of = (kind: string) => group.sources.filter((s) => s.detection.kind === kind);
    const notes: string[] = [];
    const sources: Record<string, string> = {};

    // Diagnosis mapping: CMS's own mapping file first; the derived table fills models it lacks.
    let dx: DxMap = new Map();
    for (const s of of('hcc.mapping')) {
      const r = parseCmsMapping(await textOf(s), s.entry.path);
      for (const [m, map] of r.dx) {
        dx.set(m, map);
        sources[`${m}.dx`] = s.entry.path;
      }
      if (r.paymentYearOfFlags && r.paymentYearOfFlags !== group.key.year) {
        notes.push(`${s.entry.path}: its payment-HCC columns are headed "for ${r.paymentYearOfFlags} Payment Year"; they are used for ${group.key.year}`);
      }
    }
    for (const s of of('hcc.dx-to-cc')) {
      const derived = parseDxToCc(await textOf(s), s.entry.path);
      for (const [m, map] of derived) {
        if (dx.has(m)) continue;
        dx.set(m, map);
        sources[`${m}.dx`] = s.entry.path;
      }
    }
    const coefficients = new Map<HccModelId, Map<string, number>>();
    for (const s of of('hcc.coefficients')) {
      for (const [m, c] of parseCoefficients(await textOf(s), s.entry.path)) {
        coefficients.set(m, c);
        sources[`${m}.coefficients`] = s.entry.path;
      }
    }
    const hierarchies = new Map<HccModelId, Map<number, number[]>>();
    for (const s of of('hcc.hierarchies')) {
      for (const [m, h] of parseHierarchies(await textOf(s), s.entry.path)) {
        hierarchies.set(m, h);
        sources[`${m}.hierarchy`] = s.entry.path;
      }
    }
    const labels = new Map<HccModelId, Map<number, string>>();
    for (const s of of('hcc.labels')) {
      for (const [m, l] of parseLabels(await textOf(s), s.entry.path)) {
        labels.set(m, l);
        sources[`${m}.labels`] = s.entry.path;
      }
    }
    const edits = new Map<HccModelId, DxEdit[]>();
    for (const s of of('hcc.dx-edits')) {
      for (const [m, e] of parseDxEdits(await textOf(s), s.entry.path)) {
        edits.set(m, e);
        sources[`${m}.edits`] = s.entry.path;
      }
    }

    const models: HccCompiled['models'] = {};
    const counts: Record<string, number> = {};
    for (const [m, map] of [...dx].sort((a, b) => a[0].localeCompare(b[0]))) {
      const c = coefficients.get(m);
      if (!c) {
        notes.push(`${m.toUpperCase()}: a diagnosis mapping but no relative factors; the model is left out`);
        continue;
      }
      const h = hierarchies.get(m);
      if (!h) notes.push(`${m.toUpperCase()}: no hierarchy table; HCCs are scored without hierarchies`);
      if (!edits.has(m)) notes.push(`${m.toUpperCase()}: no age/sex diagnosis edits in the tables`);
      models[m] = {
        dx: Object.fromEntries([...map].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
        hierarchy: Object.fromEntries([...(h ?? new Map())].map(([p, kids]) => [String(p), kids])),
        labels: Object.fromEntries([...(labels.get(m) ?? new Map())].map(([k, v]) => [String(k), v])),
        coefficients: Object.fromEntries(c),
        edits: edits.get(m) ?? [],
      };
      counts[`${m.toUpperCase()} codes`] = map.size;
      counts[`${m.toUpperCase()} factors`] = c.size;
    }
    for (const m of coefficients.keys()) if (!dx.has(m)) notes.push(`${m.toUpperCase()}: relative factors but no diagnosis mapping; the model is left out`);
    if (!Object.keys(models).length) {
      throw new MedcoderError('IMPORT_FAILED', `${group.id}: no CMS-HCC model has both a diagnosis mapping and relative factors (files: ${group.sources.map((s) => s.entry.path).join(', ')})`, { release: group.id });
    }
    const data: HccCompiled = { paymentYear: group.key.year, models, sources };
    return { files: { [HCC_FILE]: data }, counts, notes };
  },
};
