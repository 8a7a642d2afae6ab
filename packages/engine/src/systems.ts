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
