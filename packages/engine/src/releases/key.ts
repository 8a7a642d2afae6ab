import type { ReleaseSystem } from '../systems.js';
import { releaseSystemLabel } from '../systems.js';
import { fiscalYearEnd, fiscalYearStart, type IsoDate } from '../dates.js';

/** Which release a source file belongs to. */
export interface ReleaseKey {
  system: ReleaseSystem;
  year: number;
  /** Sub-year update (jan, apr, jul, oct); absent for the main release. */
  period?: string;
}

const PERIOD_MONTH: Record<string, string> = { jan: '01', apr: '04', jul: '07', oct: '10' };
const PERIOD_LABEL: Record<string, string> = { jan: 'January', apr: 'April', jul: 'July', oct: 'October' };

export function releaseId(k: ReleaseKey): string {
  return `${k.system}-${k.year}${k.period ? `-${k.period}` : ''}`;
}

/** ICD code sets follow the federal fiscal year; HCPCS and CPT the calendar year. */
function usesFiscalYear(system: ReleaseKey['system']): boolean {
  return system === 'icd10cm' || system === 'icd10pcs' || system === 'icd9cm' || system === 'icd9pcs' || system === 'gems' || system === 'mce' || system === 'poa';
}

export function releaseLabel(k: ReleaseKey): string {
  const name = releaseSystemLabel(k.system);
  const fy = usesFiscalYear(k.system) ? `FY${k.year}` : `${k.year}`;
  return `${name} ${fy}${k.period ? ` ${PERIOD_LABEL[k.period] ?? k.period} update` : ''}`;
}

/** The dates a release covers by its own definition. */
export function releaseSpan(k: ReleaseKey): { from: IsoDate; to: IsoDate } {
  if (usesFiscalYear(k.system)) {
    const to = fiscalYearEnd(k.year);
    if (!k.period) return { from: fiscalYearStart(k.year), to };
    const month = PERIOD_MONTH[k.period] ?? '01';
    // An October update belongs to the start of the fiscal year; other updates fall in the calendar year of the FY end.
    const from = month === '10' ? fiscalYearStart(k.year) : `${k.year}-${month}-01`;
    return { from, to };
  }
  const month = k.period ? (PERIOD_MONTH[k.period] ?? '01') : '01';
  return { from: `${k.year}-${month}-01`, to: `${k.year}-12-31` };
}

const MONTHS: Array<[RegExp, string]> = [
  [/(^|[^a-z])(jan|january)([^a-z]|$)/i, 'jan'],
  [/(^|[^a-z])(apr|april)([^a-z]|$)/i, 'apr'],
  [/(^|[^a-z])(jul|july)([^a-z]|$)/i, 'jul'],
];

/**
 * Release hints from a file's name and folders, used only where the file's
 * content carries no release (order files, GEMs, descriptions). The name wins
 * over the folder for the year; an update period (January, April, July) may
 * be named by the file or any folder above it. Returns the year and an update period if one is named.
 */
export function hintFromName(name: string, context: string): { year?: number; period?: string } {
  const out: { year?: number; period?: string } = {};
  for (const text of [name, ...context.split('/').reverse()]) {
    if (out.year === undefined) {
      const years = text.match(/(?:19|20)\d{2}/g);
      if (years && years.length > 0) out.year = Number(years[years.length - 1]);
    }
    if (out.period === undefined) {
      for (const [re, p] of MONTHS) if (re.test(text)) out.period = p;
    }
  }
  return out;
}
