/**
 * Registers the claim-edit tables with the importer: content detectors for
 * each source file kind and a compiler per table system.
 */
import { headLines, registerDetector } from '../sources/detect.js';
import { registerCompiler } from '../releases/import.js';
import { aocCompiler, coverageCompiler, mceCompiler, mueCompiler, poaCompiler, ptpCompiler } from './compile.js';
import { COVERAGE_FORMAT } from './medical-necessity.js';
import { isMueCsvHeader, mueTableOfText } from './mue.js';
import { POA_HEADER } from './poa.js';
import { isPtpHeader, ptpTableOfName, ptpVersionOfName } from './ptp-file.js';

const PERIODS = ['jan', 'apr', 'jul', 'oct'];
/** Quarter of a month 1-12 → jan, apr, jul, oct. */
const periodOfMonth = (m: number) => PERIODS[Math.floor((m - 1) / 3)]!;

registerDetector({
  name: 'mce-lists',
  detect({ text }) {
    const t = text.trimStart();
    if (!t.startsWith('{') || !/"codes"\s*:/.test(t)) return null;
    if (!/Medicare Code Edit/i.test(t) && !/"manifestation_not_pdx"/.test(t)) return null;
    // The lists carry no fiscal year of their own; the folder or file name gives it.
    return { kind: 'mce.lists', system: 'mce' };
  },
});

registerDetector({
  name: 'poa-exempt',
  detect({ latin1 }) {
    const lines = latin1.split(/\r?\n/);
    const first = lines[0] ?? '';
    if (/^Description of Present On Admission \(POA\) files/i.test(first)) {
      return { kind: 'poa.readme', system: 'poa', ignore: 'POA exempt list description, not data' };
    }
    if (/^(Order\d{2}\t)?(Action\t)?POAexemptCode\tDescription/.test(first) && !POA_HEADER.test(first)) {
      return { kind: 'poa.changes', system: 'poa', ignore: 'POA exempt list changes (adds, deletes or revisions): the full list of the same year is used' };
    }
    const m = POA_HEADER.exec(first);
    if (!m) return null;
    // The full list has tens of thousands of codes; a short file with the same header is the list of additions.
    const rows = lines.length - 2;
    if (latin1.length < 65536 && rows < 1000) {
      return { kind: 'poa.changes', system: 'poa', ignore: `POA exempt list additions (${rows} codes): the full list of the same year is used` };
    }
    return { kind: 'poa.exempt', system: 'poa', year: 2000 + Number(m[1]) };
  },
});

registerDetector({
  name: 'ncci-ptp',
  detect({ latin1 }, entry) {
    const lines = headLines(latin1, 40);
    if (!lines.some((l) => isPtpHeader(l))) return null;
    // The rows carry no release: CMS names the NCCI version (and the table) only in the file name.
    const version = ptpVersionOfName(`${entry.context}/${entry.name}`);
    return {
      kind: 'ncci-ptp.table',
      system: 'ncci-ptp',
      ...(version ? { year: version.year, period: version.period } : {}),
      facts: { table: ptpTableOfName(`${entry.context}/${entry.name}`) },
    };
  },
});

registerDetector({
  name: 'mue',
  detect({ text, latin1 }) {
    const t = text.trimStart();
    if (t.startsWith('[') && /"mue_value"\s*:/.test(t)) {
      const eff = /"effective_date"\s*:\s*"(\d{4})-(\d{2})-\d{2}"/.exec(t);
      const src = /"source_file"\s*:\s*"([^"]*)"/.exec(t)?.[1] ?? '';
      const q = /(20\d{2})[-_ ]?q([1-4])/i.exec(src);
      const year = q ? Number(q[1]) : eff ? Number(eff[1]) : undefined;
      const period = q ? PERIODS[Number(q[2]) - 1] : eff ? periodOfMonth(Number(eff[2])) : undefined;
      return { kind: 'mue.json', system: 'mue', ...(year ? { year } : {}), ...(period ? { period } : {}), facts: { table: mueTableOfText(src) ?? 'practitioner' } };
    }
    const lines = headLines(latin1, 30);
    const header = lines.find((l) => isMueCsvHeader(l));
    if (!header) return null;
    // The preamble may state the quarter ("effective July 1, 2026" or 07/01/2026).
    const pre = lines.slice(0, lines.indexOf(header)).join(' ');
    const d = /(\d{2})\/\d{2}\/(20\d{2})/.exec(pre);
    return { kind: 'mue.csv', system: 'mue', ...(d ? { year: Number(d[2]), period: periodOfMonth(Number(d[1])) } : {}), facts: { table: mueTableOfText(header) ?? 'practitioner' } };
  },
});

registerDetector({
  name: 'ncci-aoc',
  detect({ text }) {
    const t = text.trimStart();
    if (!t.startsWith('[') || !/"code1"\s*:/.test(t) || !/"edit_type"\s*:\s*"AOC"/.test(t)) return null;
    // The release is the table's version, e.g. AOC_V2026Q3-F-MCR.txt.
    const v = /V(20\d{2})Q([1-4])/i.exec(t);
    return { kind: 'aoc.json', system: 'aoc', ...(v ? { year: Number(v[1]), period: PERIODS[Number(v[2]) - 1]! } : {}) };
  },
});

registerDetector({
  name: 'coverage',
  detect({ text }) {
    const t = text.trimStart();
    if (!t.startsWith('{') || !t.includes(`"${COVERAGE_FORMAT}"`)) return null;
    const y = /"year"\s*:\s*(\d{4})/.exec(t);
    const from = /"effectiveFrom"\s*:\s*"(\d{4})-/.exec(t);
    const year = y ? Number(y[1]) : from ? Number(from[1]) : undefined;
    return { kind: 'coverage.policies', system: 'coverage', ...(year ? { year } : {}) };
  },
});

registerCompiler(mceCompiler);
registerCompiler(poaCompiler);
registerCompiler(ptpCompiler);
registerCompiler(mueCompiler);
registerCompiler(aocCompiler);
registerCompiler(coverageCompiler);
