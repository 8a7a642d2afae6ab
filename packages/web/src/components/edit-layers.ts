/** What the coder reads for each claim-scrubber layer of a finding. */
export const LAYER_LABEL: Record<string, string> = {
  validity: 'Code validity',
  'icd10cm-instructions': 'ICD-10-CM instructions',
  mce: 'Medicare Code Editor',
  poa: 'Present on admission',
  'ncci-ptp': 'NCCI PTP',
  mue: 'MUE',
  'add-on': 'Add-on codes',
  'medical-necessity': 'Medical necessity',
  claim: 'Claim',
};
