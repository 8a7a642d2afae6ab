import { registerDetector, xmlRoot, headLines, type Detection } from '../sources/detect.js';
import { looksLikeOrderFile } from '../sources/order-file.js';
import { registerCompiler } from '../releases/import.js';
import { registerLoader } from '../releases/registry.js';
import { isPcsShaped } from './code.js';
import { icd10pcsCompiler } from './compile.js';
import { icd10pcsLoader } from './release.js';

/** CMS's ICD-10-PCS XML files, told apart by their root element; the year is their `<version>`. */
export function detectPcsXml(text: string): Detection | null {
  const x = xmlRoot(text);
  if (!x) return null;
  const year = x.version ? { year: x.version } : {};
  switch (x.root) {
    case 'ICD10PCS.tabular':
      return { kind: 'icd10pcs.tables', system: 'icd10pcs', ...year };
    case 'ICD10PCS.definitions':
      return { kind: 'icd10pcs.definitions', system: 'icd10pcs', ...year };
    case 'ICD10PCS.index':
      return { kind: 'icd10pcs.tables', system: 'icd10pcs', ...year, ignore: 'ICD-10-PCS Index: medcoder does not read the index yet; codes are checked against the tables' };
    default:
      return null;
  }
}

/**
 * The PCS order file (same fixed layout as ICD-10-CM's, with three-character
 * table headers and seven-character codes), and the PCS code list ("0016070
 * Bypass …"), which repeats the order file's valid codes and is not used.
 * Neither says its year; the importer takes it from the file name.
 */
export function detectPcsOrder(latin1: string): Detection | null {
  const lines = headLines(latin1).slice(0, 50);
  if (lines.length < 3) return null;
  // A digit first rules out ICD-10-CM, whose codes all start with a letter.
  const startsWithDigit = (codes: string[]) => codes.some((c) => /^[0-9]/.test(c));
  if (looksLikeOrderFile(lines)) {
    const codes = lines.map((l) => l.slice(6, 13).trim());
    if (codes.every(isPcsShaped) && startsWithDigit(codes)) return { kind: 'icd10pcs.order', system: 'icd10pcs' };
    return null;
  }
  // The code list has a title after the code; a GEM line ("0016070 0231  10000") has a target code and flags.
  const gemLine = /^\S+\s+\S+\s+[01]{5}\s*$/;
  const listed = lines.map((l) => (gemLine.test(l) ? '' : (/^(\S{7}) +[A-Za-z]/.exec(l)?.[1] ?? '')));
  if (listed.every((c) => c.length === 7 && isPcsShaped(c)) && startsWithDigit(listed)) {
    return { kind: 'icd10pcs.order', system: 'icd10pcs', ignore: 'ICD-10-PCS code list: the same valid codes as the order file, which is used instead' };
  }
  return null;
}

registerDetector({ name: 'icd10pcs-xml', detect: ({ text }) => detectPcsXml(text) });
registerDetector({ name: 'icd10pcs-order', detect: ({ latin1 }) => detectPcsOrder(latin1) });

registerCompiler(icd10pcsCompiler);
registerLoader(icd10pcsLoader);
