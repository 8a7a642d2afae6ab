/** Meanings of the HCPCS record file's one-letter codes (CMS record layout). */
export const ACTION_CODES: Record<string, string> = {
  A: 'Add procedure or modifier code',
  B: 'Change in both administrative data field and long description',
  C: 'Change in long description',
  D: 'Discontinue procedure or modifier code',
  F: 'Change in administrative data field',
  N: 'No maintenance for this code',
  P: 'Payment change (MOG, pricing indicator codes, anesthesia base units, ASC)',
  R: 'Re-activate discontinued/deleted procedure or modifier code',
  S: 'Change in short description',
  T: 'Miscellaneous change (BETOS, type of service)',
};

export const COVERAGE_CODES: Record<string, string> = {
  C: 'Carrier judgment',
  D: 'Special coverage instructions apply',
  I: 'Not payable by Medicare',
  M: 'Non-covered by Medicare',
  S: 'Non-covered by Medicare statute',
};
