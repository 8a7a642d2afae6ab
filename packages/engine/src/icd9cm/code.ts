import type { ValidationReason } from '../lookup.js';

/**
 * ICD-9-CM written forms. Diagnoses (volumes 1-2): three digits with up to
 * two decimals (250.00), V and two digits with up to two decimals (V58.67),
 * E and three digits with up to one decimal (E849.0). Procedures (volume 3):
 * two digits with up to two decimals (03.31). The release files write codes
 * without the dot; answers show it.
 */
export type Icd9System = 'icd9cm' | 'icd9pcs';

const DX = /^(?:[0-9]{3}[0-9]{0,2}|V[0-9]{2}[0-9]{0,2}|E[0-9]{3}[0-9]?)$/;
const PROC = /^[0-9]{2}[0-9]{0,2}$/;

/**
 * The code without its dot, upper case. When the input has a dot, the part
 * before it is zero-padded to its full width (1.9 → 0019, V1.2 → V012, 3.31 → 0331).
 */
export function bareIcd9(system: Icd9System, input: string): string {
  const s = String(input ?? '').normalize('NFKC').toUpperCase().replace(/\s/g, '');
  const dot = s.indexOf('.');
  if (dot < 0) return s;
  let left = s.slice(0, dot);
  const right = s.slice(dot + 1).replace(/\./g, '');
  if (system === 'icd9pcs') {
    if (/^[0-9]{1}$/.test(left)) left = left.padStart(2, '0');
  } else if (/^[0-9]{1,2}$/.test(left)) {
    left = left.padStart(3, '0');
  } else if (/^V[0-9]$/.test(left)) {
    left = `V0${left.slice(1)}`;
  }
  return left + right;
}

/** The written form with the dot: after 3 characters (E codes: 4) for diagnoses, after 2 for procedures. */
export function formatIcd9(system: Icd9System, bare: string): string {
  const at = system === 'icd9pcs' ? 2 : bare.startsWith('E') ? 4 : 3;
  return bare.length > at ? `${bare.slice(0, at)}.${bare.slice(at)}` : bare;
}

export function normalizeIcd9(system: Icd9System, input: string): string {
  return formatIcd9(system, bareIcd9(system, input));
}

/** Problems with the written form alone. */
export function icd9ShapeProblems(system: Icd9System, bare: string): ValidationReason[] {
  if (bare.length === 0) return [{ code: 'EMPTY', message: 'no code given' }];
  const bad = [...bare].findIndex((ch) => !/[A-Z0-9]/.test(ch));
  if (bad >= 0) return [{ code: 'INVALID_CHARACTER', position: bad + 1, message: `character ${bad + 1} (${JSON.stringify(bare[bad])}) is not a letter or digit` }];
  if (system === 'icd9pcs') {
    if (!PROC.test(bare)) return [{ code: 'INVALID_FORMAT', message: 'an ICD-9-CM procedure code is two digits with up to two decimals (e.g. 03.31)' }];
    return [];
  }
  if (!DX.test(bare)) {
    return [{ code: 'INVALID_FORMAT', message: 'an ICD-9-CM diagnosis code is three digits with up to two decimals (250.00), V and two digits with up to two decimals (V58.67), or E and three digits with up to one decimal (E849.0)' }];
  }
  return [];
}

export function isIcd9Shape(system: Icd9System, bare: string): boolean {
  return system === 'icd9pcs' ? PROC.test(bare) : DX.test(bare);
}
