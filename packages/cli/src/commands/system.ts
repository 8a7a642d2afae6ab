import { CodeSets, MedcoderError, isCodeSystem, type CodeSystem } from '@medcoder/engine';

/**
 * Which systems a code could belong to, by its shape, most likely first.
 * ICD-10-PCS: seven characters, no dot, first a digit or a section letter
 * (B C D F G H X) and never a letter-digit pair that only ICD-10-CM uses at
 * that length. CPT: five digits, or four digits and F, T or U. HCPCS: a letter
 * and four digits (also the shape of an ICD-10-CM code typed without its dot).
 */
export function candidateSystems(code: string): CodeSystem[] {
  const c = code.trim().toUpperCase();
  const bare = c.replace(/\./g, '');
  const out: CodeSystem[] = [];
  if (!c.includes('.') && /^[0-9A-HJ-NP-Z]{7}$/.test(c)) {
    if (/^[0-9X]/.test(c) || !/^[A-Z][0-9]/.test(c) || /^[BCDFG][0-9]/.test(c)) out.push('icd10pcs');
  }
  if (/^[0-9]{5}$/.test(c) || /^[0-9]{4}[FTU]$/.test(c)) out.push('cpt');
  if (!c.includes('.') && /^[A-V][0-9]{4}$/.test(c)) out.push('hcpcs');
  if (/^[A-Z][0-9A-Z][0-9A-Z]/.test(bare)) out.push('icd10cm');
  if (/^([0-9]{3}(\.[0-9]{0,2})?|V[0-9]{2}(\.[0-9]{0,2})?|E[0-9]{3}(\.[0-9])?)$/.test(c)) out.push('icd9cm');
  if (out.length === 0) out.push('icd10cm');
  return out;
}

/**
 * The --system option, or the first candidate system in which the code is
 * valid (then the first in which it exists, then the first candidate).
 */
export async function systemFor(code: string, explicit: string | undefined, cs: CodeSets, date?: string): Promise<CodeSystem> {
  if (explicit) {
    if (!isCodeSystem(explicit)) throw new MedcoderError('UNKNOWN_SYSTEM', `unknown --system "${explicit}" (icd10cm, icd10pcs, hcpcs, cpt, icd9cm, icd9pcs)`, { field: 'system' });
    return explicit;
  }
  const candidates = candidateSystems(code).filter((s) => cs.releases(s).length > 0);
  if (candidates.length <= 1) return candidates[0] ?? candidateSystems(code)[0]!;
  let existing: CodeSystem | undefined;
  for (const s of candidates) {
    try {
      const v = await cs.validate(s, code, date ? { date } : {});
      if (v.valid) return s;
      if (v.exists) existing ??= s;
    } catch {
      // no release for the date in this system
    }
  }
  return existing ?? candidates[0]!;
}
