/**
 * Code lists of the 837 guides (data/x12/qualifiers.json): relationship
 * codes, HI qualifiers by ICD revision, claim defaults and limits.
 */
import { readFileSync } from 'node:fs';
import type { Guide } from './loops.js';

export type HiRole = 'principal' | 'other' | 'admitting' | 'reasonForVisit' | 'externalCause' | 'principalProcedure' | 'otherProcedure';

export interface X12Codes {
  relationship: Record<string, string>;
  responsibility: Record<string, string>;
  taxId: Record<string, string>;
  hi: Record<'9' | '10', Record<HiRole, string>>;
  facilityCodes: { condition: string; occurrence: string; occurrenceSpan: string; value: string };
  claimReferences: { priorAuthorization: string; referralNumber: string; originalClaimId: string; medicalRecordNumber: string };
  hiPerSegment: number;
  limits: Record<Guide, Record<string, number>>;
  claimDefaults: Record<Guide, { providerSignature?: string; assignment?: string; benefitsAssigned?: string; releaseOfInformation?: string }>;
  inpatientBillClassifications: string[];
  ndcUnits: string[];
}

let cached: X12Codes | undefined;

export function x12Codes(): X12Codes {
  cached ??= JSON.parse(readFileSync(new URL('../../data/x12/qualifiers.json', import.meta.url), 'utf8')) as X12Codes;
  return cached;
}

const inverses = new WeakMap<object, Record<string, string>>();

/** The inverse of a code map (X12 code → model value), built once per map. */
export function inverse(map: Record<string, string>): Record<string, string> {
  let out = inverses.get(map);
  if (!out) {
    out = {};
    for (const [k, v] of Object.entries(map)) out[v] = k;
    inverses.set(map, out);
  }
  return out;
}

/** A diagnosis code as X12 writes it: no dot. */
export function undotted(code: string): string {
  return code.replace('.', '');
}

const dottedCodes = { '9': new Map<string, string>(), '10': new Map<string, string>() };

/** A diagnosis code read from X12, with its dot put back (ICD-10-CM and ICD-9-CM). */
export function dotted(code: string, icdVersion: '9' | '10'): string {
  const cache = dottedCodes[icdVersion];
  const known = cache.get(code);
  if (known) return known;
  let out = code;
  if (!code.includes('.')) {
    const at = icdVersion === '9' && code.startsWith('E') ? 4 : 3;
    if (code.length > at) out = `${code.slice(0, at)}.${code.slice(at)}`;
  }
  if (cache.size > 20000) cache.clear();
  cache.set(code, out);
  return out;
}
