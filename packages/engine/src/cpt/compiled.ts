import type { IsoDate } from '../dates.js';

/** One code of a compiled CPT release, from the user's own licensed file. */
export interface CptItem {
  c: string;
  /** Long descriptor. */
  t: string;
  /** Short descriptor. */
  s: string;
  /** effective_from / effective_to of the CSV, when given. */
  f?: IsoDate;
  e?: IsoDate;
}

export interface CptCompiled {
  items: CptItem[];
}

export const CPT_FILE = 'cpt.json';
