/** One code of a compiled ICD-9-CM release (diagnoses or procedures). */
export interface Icd9Node {
  /** Code without dot, as in the CMS files. */
  c: string;
  /** Long title. */
  t: string;
  /** Short title, when different from the long one. */
  s?: string;
}

export interface Icd9Compiled {
  /** CMS version (32 = FY2015), when the file names said. */
  version?: number;
  /** In code order. */
  nodes: Icd9Node[];
}

export const ICD9_FILE = 'icd9.json';
