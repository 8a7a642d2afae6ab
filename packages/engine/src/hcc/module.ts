/**
 * Registers the CMS-HCC risk-adjustment tables with the importer. One `hcc`
 * release per payment year (a calendar year); its year comes from the file
 * or folder names (ra_coefficients_2026.csv, 2026 Initial ICD-10-CM
 * Mappings.csv), since the tables do not state it.
 */
import { headLines, registerDetector } from '../sources/detect.js';
import { registerCompiler } from '../releases/import.js';
import { hccCompiler } from './compile.js';

const HEADERS: Array<[RegExp, `hcc.${string}`]> = [
  [/^diagnosis_code,cc,model_name$/, 'hcc.dx-to-cc'],
  [/^coefficient,value,model_domain,model_version$/, 'hcc.coefficients'],
  [/^cc_parent,cc_child,model_domain,model_version(,model_fullname)?$/, 'hcc.hierarchies'],
  [/^cc,label,model_domain,model_version(,model_fullname)?$/, 'hcc.labels'],
  [/^icd10,edit_type,sex,age_min,age_max,action,cc_override,model_name(,description)?$/, 'hcc.dx-edits'],
];

registerDetector({
  name: 'hcc-tables',
  detect({ text }, entry) {
    const first = (text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '').trim();
    if (/^"?ICD-10-CM Codes, ESRD, CMS-HCC and RxHCC Models/.test(first)) return { kind: 'hcc.mapping', system: 'hcc' };
    for (const [re, kind] of HEADERS) {
      if (!re.test(first)) continue;
      // CMS publishes proposed factors with the advance notice; only the file name says they are proposed.
      if (kind === 'hcc.coefficients' && /proposed/i.test(entry.name)) {
        return { kind: 'hcc.proposed', system: 'hcc', ignore: 'proposed relative factors (advance notice), not final' };
      }
      return { kind, system: 'hcc' };
    }
    if (first === 'cpt_hcpcs_code') return { kind: 'hcc.eligible', system: 'hcc', ignore: 'risk-adjustment-eligible procedure codes: medcoder scores the diagnoses it is given' };
    if (/^Name,\s*Coeff,\s*Label$/i.test(first)) {
      return { kind: 'hcc.software', system: 'hcc', ignore: 'relative factors from a CMS HCC software package; the payment-year tables are used (tests compare the two)' };
    }
    const lines = headLines(text, 50);
    if (lines.length >= 20 && lines.every((l) => /^[A-Z][0-9A-Z]{2,6}\t\d{1,3}\t?$/.test(l))) {
      return { kind: 'hcc.software', system: 'hcc', ignore: 'diagnosis crosswalk from a CMS HCC software package; the payment-year mapping is used (tests compare the two)' };
    }
    return null;
  },
});

registerCompiler(hccCompiler);
