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

/**
 * The file form of a compiled release: columns instead of one object per
 * code, and no title for a full 7th-character code when it reads exactly
 * "stem title, meaning of the 7th character". About half the size of the
 * object form, so it loads in well under the 300 ms budget.
 */
export interface CmPacked {
  packed: 2;
  chapters: CmChapter[];
  sections: CmSection[];
  seventhRules: SeventhCharacterRule[];
  codes: string[];
  /** null: the stem's title, a comma and the 7th character's meaning. */
  titles: Array<string | null>;
  /** null: no short title distinct from the long one. */
  shorts: Array<string | null>;
  /** One character per code: C category, S subcategory, L code (leaf), E extension. */
  kinds: string;
  /** One character per code: 1 billable, 0 not. */
  billable: string;
  /** Index of the parent code, -1 for none. */
  parents: number[];
  sec: Record<number, string>;
  notes: Record<number, Notes>;
  notesFrom: Record<number, string>;
  seventh: Record<number, Array<[string, string]>>;
  seventhFrom: Record<number, string>;
}

const KIND_CHAR = { category: 'C', subcategory: 'S', code: 'L', extension: 'E' } as const;
const CHAR_KIND: Record<string, CmNode['k']> = { C: 'category', S: 'subcategory', L: 'code', E: 'extension' };

/** 7th-character definitions in force at a node (own or the nearest ancestor's). */
function seventhAt(n: CmNode | undefined, byCode: Map<string, CmNode>): Array<[string, string]> | undefined {
  for (let cur = n; cur; cur = cur.p ? byCode.get(cur.p) : undefined) if (cur.x) return cur.x;
  return undefined;
}

function derivedTitle(n: CmNode, byCode: Map<string, CmNode>): string | undefined {
  if (n.k !== 'extension' || !n.p) return undefined;
  const stem = byCode.get(n.p);
  const ch = n.c.slice(-1);
  const meaning = seventhAt(stem, byCode)?.find(([c]) => c === ch)?.[1];
  return stem && meaning !== undefined ? `${stem.t}, ${meaning}` : undefined;
}

export function packCm(c: CmCompiled): CmPacked {
  const byCode = new Map(c.nodes.map((n) => [n.c, n]));
  const index = new Map(c.nodes.map((n, i) => [n.c, i]));
  const p: CmPacked = {
    packed: 2,
    chapters: c.chapters,
    sections: c.sections,
    seventhRules: c.seventhRules,
    codes: [],
    titles: [],
    shorts: [],
    kinds: '',
    billable: '',
    parents: [],
    sec: {},
    notes: {},
    notesFrom: {},
    seventh: {},
    seventhFrom: {},
  };
  const kinds: string[] = [];
  const billable: string[] = [];
  c.nodes.forEach((n, i) => {
    p.codes.push(n.c);
    p.titles.push(derivedTitle(n, byCode) === n.t ? null : n.t);
    p.shorts.push(n.s && n.s !== n.t ? n.s : null);
    kinds.push(KIND_CHAR[n.k]);
    billable.push(n.b ? '1' : '0');
    p.parents.push(n.p !== undefined ? (index.get(n.p) ?? -1) : -1);
    if (n.sec) p.sec[i] = n.sec;
    if (n.n) p.notes[i] = n.n;
    if (n.nf) p.notesFrom[i] = n.nf;
    if (n.x) p.seventh[i] = n.x;
    if (n.xf) p.seventhFrom[i] = n.xf;
  });
  p.kinds = kinds.join('');
  p.billable = billable.join('');
  return p;
}

/** An unpacked release with the indexes a loaded release needs, built in the same pass. */
export interface CmUnpacked {
  data: CmCompiled;
  byCode: Map<string, CmNode>;
  /** Child codes of each code that has children, in code order. */
  children: Map<string, string[]>;
}

export function unpackCm(p: CmPacked): CmCompiled {
  return unpackCmIndexed(p).data;
}

/** Unpack by positions (parents are indexes into the columns), so no code is looked up by name while unpacking. */
export function unpackCmIndexed(p: CmPacked): CmUnpacked {
  const count = p.codes.length;
  const nodes: CmNode[] = new Array(count);
  const byCode = new Map<string, CmNode>();
  const kids: Array<string[] | undefined> = new Array(count);
  for (let i = 0; i < count; i++) {
    const code = p.codes[i]!;
    const n: CmNode = { c: code, t: p.titles[i] ?? '', k: CHAR_KIND[p.kinds[i]!]!, b: p.billable[i] === '1' ? 1 : 0 };
    const s = p.shorts[i];
    if (s) n.s = s;
    const parent = p.parents[i]!;
    if (parent >= 0) {
      n.p = p.codes[parent];
      const list = kids[parent];
      if (list) list.push(code);
      else kids[parent] = [code];
    }
    nodes[i] = n;
    byCode.set(code, n);
  }
  for (const [i, v] of Object.entries(p.sec)) nodes[Number(i)]!.sec = v;
  for (const [i, v] of Object.entries(p.notes)) nodes[Number(i)]!.n = v;
  for (const [i, v] of Object.entries(p.notesFrom)) nodes[Number(i)]!.nf = v;
  for (const [i, v] of Object.entries(p.seventh)) nodes[Number(i)]!.x = v;
  for (const [i, v] of Object.entries(p.seventhFrom)) nodes[Number(i)]!.xf = v;
  // Titles left out at packing: the stem's title and the meaning of the 7th character in force at the stem.
  for (let i = 0; i < count; i++) {
    if (p.titles[i] !== null) continue;
    const n = nodes[i]!;
    const stemAt = p.parents[i]!;
    if (n.k !== 'extension' || stemAt < 0) continue;
    let defs: Array<[string, string]> | undefined;
    for (let j = stemAt; j >= 0 && !defs; j = p.parents[j]!) defs = nodes[j]!.x;
    const ch = n.c.charAt(n.c.length - 1);
    const meaning = defs?.find(([c]) => c === ch)?.[1];
    if (meaning !== undefined) n.t = `${nodes[stemAt]!.t}, ${meaning}`;
  }
  const children = new Map<string, string[]>();
  for (let i = 0; i < count; i++) {
    const list = kids[i];
    if (list) children.set(p.codes[i]!, list);
  }
  return { data: { chapters: p.chapters, sections: p.sections, nodes, seventhRules: p.seventhRules }, byCode, children };
}

/**
 * Unpacked forms of packed objects already read: the import's post-compile
 * steps (encoder, concept dictionary) each read the same packed output, which
 * is unpacked once. Callers treat the result as read-only.
 */
const unpacked = new WeakMap<CmPacked, CmCompiled>();

/** Read either file form. */
export function fromFile(data: unknown): CmCompiled {
  if ((data as CmPacked).packed !== 2) return data as CmCompiled;
  let c = unpacked.get(data as CmPacked);
  if (!c) unpacked.set(data as CmPacked, (c = unpackCm(data as CmPacked)));
  return c;
}
