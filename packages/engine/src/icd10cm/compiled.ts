import type { Notes } from './tabular.js';

/** One code of a compiled ICD-10-CM release (short keys keep the file small). */
export interface CmNode {
  /** Code with dot. */
  c: string;
  /** Long title. */
  t: string;
  /** Short title (order file), when different from the long one. */
  s?: string;
  /** category | subcategory | code | extension (a full code made of a stem and a 7th character). */
  k: 'category' | 'subcategory' | 'code' | 'extension';
  /** 1 when billable. */
  b: 0 | 1;
  /** Parent code. */
  p?: string;
  /** Section id, on categories. */
  sec?: string;
  /** The code's own instructional notes. */
  n?: Notes;
  /** Release the notes were taken from, when not this one. */
  nf?: string;
  /** Own 7th-character definitions: [char, meaning]. */
  x?: Array<[string, string]>;
  /** Release the 7th-character definitions were taken from, when not this one. */
  xf?: string;
}

export interface CmChapter {
  id: string;
  title: string;
  first: string;
  last: string;
  n?: Notes;
  nf?: string;
}

export interface CmSection extends CmChapter {
  chapter: string;
}

/** A textual 7th-character rule of the tabular, kept as data (see data/icd10cm/seventh-character-rules.json). */
export interface SeventhCharacterRule {
  /** Category the rule is written at. */
  category: string;
  /** Regular expression on the stem padded to six characters, with dot (e.g. ^S06\.[0-9A-Z]{2}[78]$). */
  stem: string;
  /** 7th characters that do not apply. */
  exclude: string[];
  /** The tabular's words. */
  rule: string;
}

export interface CmCompiled {
  chapters: CmChapter[];
  sections: CmSection[];
  /** In code order. */
  nodes: CmNode[];
  seventhRules: SeventhCharacterRule[];
}

export const CM_CODES_FILE = 'icd10cm.json';
