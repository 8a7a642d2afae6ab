import { MedcoderError } from './errors.js';

/** An ISO calendar date, YYYY-MM-DD. Dates of service carry no time zone. */
export type IsoDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIsoDate(input: string, field = 'date'): IsoDate {
  const m = ISO.exec(input.trim());
  if (!m) throw new MedcoderError('INVALID_DATE', `${field} must be YYYY-MM-DD, got "${input}"`, { field, value: input });
  const [, y, mo, d] = m;
  const dt = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (dt.getUTCFullYear() !== Number(y) || dt.getUTCMonth() !== Number(mo) - 1 || dt.getUTCDate() !== Number(d)) {
    throw new MedcoderError('INVALID_DATE', `${field} is not a calendar date: "${input}"`, { field, value: input });
  }
  return `${y}-${mo}-${d}`;
}

/** Today's date in the local time zone, as a date of service. */
export function today(): IsoDate {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The day before an ISO date. */
export function dayBefore(date: IsoDate): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Federal fiscal year FY n runs from October 1 of n-1 to September 30 of n. */
export function fiscalYearStart(fy: number): IsoDate {
  return `${fy - 1}-10-01`;
}
export function fiscalYearEnd(fy: number): IsoDate {
  return `${fy}-09-30`;
}

/** Convert YYYYMMDD (as in CMS fixed-width files) to an ISO date; blank or zero gives undefined. */
export function fromCompactDate(s: string): IsoDate | undefined {
  const t = s.trim();
  if (!/^\d{8}$/.test(t) || t === '00000000') return undefined;
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
}
