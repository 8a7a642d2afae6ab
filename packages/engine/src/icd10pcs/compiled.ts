import type { PcsDeviceAggregate } from './definitions.js';

/** The compiled ICD-10-PCS data file of a release. */
export const PCS_DATA_FILE = 'icd10pcs.json';

/** What the definitions file says about one value (short keys keep the file small). */
export interface PcsCompiledTerm {
  /** Definition. */
  d?: string;
  /** Explanation. */
  e?: string;
  /** Included terms (body-part key, device key, substance key, examples). */
  i?: string[];
}

/** One row of a table: the values axes 4 to 7 allow together. */
export interface PcsCompiledRow {
  /** Allowed values of axes 4, 5, 6 and 7, one string of characters per axis, in the file's order. */
  v: [string, string, string, string];
  /** Labels, parallel to the characters of `v`. A value's label can differ between rows of one table. */
  l: [string[], string[], string[], string[]];
  /** Index into `terms` per value (-1 when the definitions file has nothing); absent when no value has one. */
  t?: [number[], number[], number[], number[]];
  /** Axis 4-7 titles, only when they differ from the table's. */
  x?: [string, string, string, string];
}

/** One table: the first three characters and its rows. */
export interface PcsCompiledTable {
  /** Section, body system and operation characters, e.g. `0DT`. */
  k: string;
  /** Labels of axes 1-3. */
  l: [string, string, string];
  /** Titles of axes 1-7 (they differ by section: Operation, Type, Modality, …). */
  x: [string, string, string, string, string, string, string];
  /** The operation's definition as the table states it. */
  d?: string;
  /** Index into `terms` for the operation (explanation and examples), when found. */
  t?: number;
  /** The order file's header title for the table. */
  h?: string;
  r: PcsCompiledRow[];
}

export interface PcsCompiled {
  /** `<version>` of the tables file. */
  version: number;
  /** Sorted by `k`. */
  tables: PcsCompiledTable[];
  terms: PcsCompiledTerm[];
  /** Valid codes, sorted (plain string order). */
  codes: string[];
  /** Long titles parallel to `codes`; '' when the release has no order-file title (one is built from the axes). */
  titles: string[];
  /** Short titles parallel to `codes`; '' when absent. */
  short: string[];
  /** Device aggregation: specific device names and the general device value they are coded as. */
  aggregates: PcsDeviceAggregate[];
}
