import type { IsoDate } from '../dates.js';

/**
 * Medicare administrative facts of a HCPCS code or modifier, as the record
 * file gives them (codes, not labels; see labels.ts for the meanings).
 */
export interface HcpcsAttributes {
  addDate?: IsoDate;
  actionEffectiveDate?: IsoDate;
  /** Last date the code may be used by Medicare providers. */
  terminationDate?: IsoDate;
  /** A add, B both, C long description, D discontinued, F administrative, N no change, P payment, R reactivated, S short description, T misc. */
  actionCode?: string;
  /** Pricing indicator codes (up to four), e.g. 51 = drugs. */
  pricingIndicator?: string[];
  multiplePricingIndicator?: string;
  /** C carrier judgment, D special coverage instructions, I not payable, M non-covered, S non-covered by statute. */
  coverage?: string;
  /** Berenson-Eggers type of service. */
  betos?: string;
  /** CMS type of service codes (up to five). */
  typeOfService?: string[];
  anesthesiaBaseUnits?: number;
  /** Codes a deleted or non-Medicare code crosswalks to. */
  crossReference?: string[];
  processingNote?: string;
}

/** One code or modifier of a compiled HCPCS release (short keys keep the file small). */
export interface HcpcsItem {
  /** Code (J1100) or modifier (RT). */
  c: string;
  k: 'code' | 'modifier';
  /** Long description, continuation records joined. */
  t: string;
  /** Short description. */
  s?: string;
  a: HcpcsAttributes;
}

export interface HcpcsCompiled {
  /** In code order; modifiers (two characters) and codes (five) never collide. */
  items: HcpcsItem[];
}

export const HCPCS_FILE = 'hcpcs.json';
