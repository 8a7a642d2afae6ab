/**
 * HCPCS Level II written forms. A procedure code is a letter and four digits
 * (J1100); a modifier is two letters or digits (RT, E1, XS). Level I codes
 * (five digits, or four digits and F/T/U/M) and two-digit modifiers (25, 59)
 * belong to CPT and are not in the Level II file.
 */
import type { ValidationReason } from '../lookup.js';

export const HCPCS_CODE = /^[A-Z][0-9]{4}$/;
export const HCPCS_MODIFIER = /^[A-Z0-9]{2}$/;
export const CPT_SHAPE = /^[0-9]{4}[0-9FTUM]$/;

/** Upper case, no spaces or dashes. */
export function normalizeHcpcs(input: string): string {
  return String(input ?? '').normalize('NFKC').toUpperCase().replace(/[\s\-.]/g, '');
}

/** Problems with the written form alone, before the release is consulted. */
export function hcpcsShapeProblems(code: string): ValidationReason[] {
  if (code.length === 0) return [{ code: 'EMPTY', message: 'no code given' }];
  const bad = [...code].findIndex((ch) => !/[A-Z0-9]/.test(ch));
  if (bad >= 0) return [{ code: 'INVALID_CHARACTER', position: bad + 1, message: `character ${bad + 1} (${JSON.stringify(code[bad])}) is not a letter or digit` }];
  if (code.length === 2) return [];
  if (code.length === 5) {
    if (HCPCS_CODE.test(code)) return [];
    if (CPT_SHAPE.test(code)) return [{ code: 'INVALID_FORMAT', message: `${code} has the shape of a CPT (HCPCS Level I) code, which the Level II file does not hold; look it up with system cpt` }];
    return [{ code: 'INVALID_FORMAT', position: 1, message: 'a HCPCS Level II code is a letter followed by four digits (e.g. J1100)' }];
  }
  return [{ code: 'INVALID_FORMAT', message: `a HCPCS Level II code has five characters (a letter and four digits) and a modifier two; "${code}" has ${code.length}` }];
}

export function isModifierShape(code: string): boolean {
  return code.length === 2;
}
