import { ageOn, claimSpan, diagnosisDate, type Claim, type ClaimSetting, type PoaIndicator } from '../claims/model.js';
import { normalizeCm } from '../icd10cm/code.js';
import type { Icd10cmRelease } from '../icd10cm/release.js';
import { CPT_SHAPE, HCPCS_CODE } from '../hcpcs/code.js';

/** A diagnosis of the claim as the layers see it. */
export interface DxItem {
  /** 1-based position; 1 is the principal or first-listed diagnosis. */
  pos: number;
  /** Dotted, upper-case form (E11.22). */
  code: string;
  /** Without the dot (E1122), as rule tables write it. */
  bare: string;
  poa?: PoaIndicator;
}

/** A service line of the claim as the layers see it. */
export interface LineItem {
  /** 1-based line number. */
  n: number;
  code: string;
  system?: 'cpt' | 'hcpcs';
  modifiers: string[];
  units: number;
  date: string;
  /** Diagnosis positions the line points to. */
  pointers: number[];
  /** Rendering NPI of the line (the line's own, else the claim's), when known. */
  npi?: string;
}

/** What every layer needs about one claim, worked out once. */
export interface ClaimContext {
  claim: Claim;
  setting: ClaimSetting;
  dx: DxItem[];
  /** Lines with a procedure code (revenue-code-only lines are left out). */
  lines: LineItem[];
  /** The date the diagnoses are coded for (discharge for inpatient stays, else the first date of service). */
  dxDate: string;
  /** The patient's age for the age edits: at admission for inpatient stays, else on the first date of service. */
  age: number;
  sex: Claim['patient']['sex'];
  /** The ICD-10-CM release in force on dxDate, when one is loaded. */
  cm?: Icd10cmRelease;
}

/** CPT or HCPCS Level II, from the line's system or the code's shape. */
export function lineSystem(code: string, given?: 'cpt' | 'hcpcs'): 'cpt' | 'hcpcs' | undefined {
  if (given) return given;
  if (CPT_SHAPE.test(code)) return 'cpt';
  if (HCPCS_CODE.test(code)) return 'hcpcs';
  return undefined;
}

export function buildContext(claim: Claim): ClaimContext {
  const dx: DxItem[] = claim.diagnoses.map((d, i) => {
    const code = normalizeCm(d.code);
    const item: DxItem = { pos: i + 1, code, bare: code.replace('.', '') };
    if (d.poa) item.poa = d.poa;
    return item;
  });
  const claimNpi = claim.providers.rendering?.npi ?? claim.providers.billing?.npi;
  const lines: LineItem[] = [];
  claim.lines.forEach((l, i) => {
    if (!l.code) return;
    const item: LineItem = {
      n: i + 1,
      code: l.code,
      modifiers: l.modifiers,
      units: l.units,
      date: l.date,
      pointers: l.diagnosisPointers,
    };
    const system = lineSystem(l.code, l.system);
    if (system) item.system = system;
    const npi = l.renderingProvider?.npi ?? claimNpi;
    if (npi) item.npi = npi;
    lines.push(item);
  });
  const ageDate = claim.setting === 'inpatient' ? claim.admission!.date : claimSpan(claim).from || diagnosisDate(claim);
  return {
    claim,
    setting: claim.setting,
    dx,
    lines,
    dxDate: diagnosisDate(claim),
    age: ageOn(claim.patient.birthDate, ageDate),
    sex: claim.patient.sex,
  };
}

/** "E11.22", "E11.22 and N18.31", "A, B and C" */
export function listCodes(codes: readonly string[]): string {
  if (codes.length <= 1) return codes.join('');
  return `${codes.slice(0, -1).join(', ')} and ${codes[codes.length - 1]}`;
}
