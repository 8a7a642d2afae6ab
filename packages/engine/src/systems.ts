/** The code systems medcoder knows. */
export const CODE_SYSTEMS = ['icd10cm', 'icd10pcs', 'hcpcs', 'cpt', 'icd9cm', 'icd9pcs'] as const;
export type CodeSystem = (typeof CODE_SYSTEMS)[number];

export const SYSTEM_LABELS: Record<CodeSystem, string> = {
  icd10cm: 'ICD-10-CM',
  icd10pcs: 'ICD-10-PCS',
  hcpcs: 'HCPCS Level II',
  cpt: 'CPT',
  icd9cm: 'ICD-9-CM (diagnoses)',
  icd9pcs: 'ICD-9-CM Volume 3 (procedures)',
};

export function isCodeSystem(s: string): s is CodeSystem {
  return (CODE_SYSTEMS as readonly string[]).includes(s);
}

/**
 * Rule tables that are imported and versioned like code sets but hold no
 * codes of their own: claim edits (Medicare Code Editor, POA exempt list,
 * NCCI procedure-to-procedure, medically unlikely and add-on code edits,
 * coverage rules) and CMS-HCC risk adjustment.
 */
export const TABLE_SYSTEMS = ['mce', 'poa', 'ncci-ptp', 'mue', 'aoc', 'coverage', 'hcc'] as const;
export type TableSystem = (typeof TABLE_SYSTEMS)[number];

export const TABLE_LABELS: Record<TableSystem, string> = {
  mce: 'Medicare Code Editor',
  poa: 'POA exempt list',
  'ncci-ptp': 'NCCI procedure-to-procedure edits',
  mue: 'NCCI medically unlikely edits',
  aoc: 'NCCI add-on code edits',
  coverage: 'Coverage rules',
  hcc: 'CMS-HCC risk adjustment',
};

export function isTableSystem(s: string): s is TableSystem {
  return (TABLE_SYSTEMS as readonly string[]).includes(s);
}

/** Everything a compiled release can be: a code system, GEMs, or a rule table. */
export type ReleaseSystem = CodeSystem | 'gems' | TableSystem;

export function releaseSystemLabel(s: ReleaseSystem): string {
  if (s === 'gems') return 'GEMs';
  return isTableSystem(s) ? TABLE_LABELS[s] : SYSTEM_LABELS[s];
}
