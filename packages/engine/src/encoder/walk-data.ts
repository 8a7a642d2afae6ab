import { normalizeTitle, openIndex, type CompiledIndexFile, type IndexKind, type IndexTerm } from '../icd10cm/alphabetic-index.js';
import { hash32, SectionReader, SectionWriter, StringPool, type FileHeader, type StringTable } from './binary.js';
import { resolveReference, type DrugUse, type NeoplasmBehavior } from './references.js';
import { titleWords } from './walker.js';

/**
 * One index publication (Alphabetic Index, External Cause Index, Table of
 * Neoplasms or Table of Drugs and Chemicals) in the compact form the encoder
 * walks: entries numbered in document order (depth first), each with its
 * parent and the end of its subtree, strings in one UTF-8 table, the stems a
 * title asks of a phrase, main terms and large subterm lists by stem, "see"
 * and "see also" references already resolved, and for each subtree a
 * signature of the stems below it (a bound for the walk's pruning).
 *
 * Written at import into the folder of the release that holds the index
 * (walk-index.bin, …); releases that borrow an index read the holder's file.
 */

/** 3: "with"-led titles flagged; main term qualifiers optional where no other main term shares the first part. 4: the letter A of a title is a word. */
export const WALK_FORMAT = 4;
const MAGIC = 0x4b4c574d; // "MWLK"

export const WALK_FILES: Readonly<Record<IndexKind, string>> = {
  index: 'walk-index.bin',
  eindex: 'walk-eindex.bin',
  drug: 'walk-drug.bin',
  neoplasm: 'walk-neoplasm.bin',
};

/** Subterm lists longer than this are looked up by stem instead of read in full. */
export const SMALL_FAMILY = 16;
/** Words of a subtree signature (32 bits each). */
export const SIG_WORDS = 4;
const SIG_BITS = SIG_WORDS * 32;

/** Bit of a stem in a signature, and of its first six letters (partial matches: "myocardi"/"myocardium"). */
export function stemBit(s: string): number {
  return hash32(s) % SIG_BITS;
}
export function prefixBit(s: string): number {
  return hash32(`\u0002${s.slice(0, 6)}`) % SIG_BITS;
}

/** Kinds of a resolved reference. */
export const REF_KINDS = ['term', 'neoplasm', 'drug', 'condition', 'category', 'unresolved'] as const;
export type RefKind = (typeof REF_KINDS)[number];
const BEHAVIORS: readonly NeoplasmBehavior[] = ['malignant', 'secondary', 'in-situ', 'benign', 'uncertain', 'unspecified'];
const USES: readonly DrugUse[] = ['accidental', 'intentional', 'assault', 'undetermined', 'adverse', 'underdosing'];

const FLAG_CELLS = 1;
const FLAG_CONNECTOR_ONLY = 2;
const FLAG_WITHOUT = 4;
/** The title's first word is "with" (see WalkBook.leadsWith). */
const FLAG_LEADS_WITH = 16;
/** The subtree (or what its references reach) may lead anywhere: a table, or back to the whole index. */
const FLAG_REACHES_ALL = 8;

interface WalkHeader extends FileHeader {
  kind: IndexKind;
  release: string;
  source: string;
  version?: number;
  title?: string;
  columns: string[];
  nodes: number;
  /** Some reference of this publication leads into a table (Neoplasm or Drugs). */
  tableRefs: boolean;
}

/** Build the compact file of a compiled index publication. */
export function buildWalkFile(data: CompiledIndexFile, release: string): Uint8Array {
  const index = openIndex(data, release);
  const nodes: IndexTerm[] = [...index.walk()];
  const n = nodes.length;
  const id = new Map<IndexTerm, number>();
  nodes.forEach((t, i) => id.set(t, i));

  // Strings (titles, codes, references, cells) and stems, each deduplicated.
  const pool = new StringPool();
  const str = (s: string | undefined | null): number => (s === undefined || s === null ? -1 : pool.id(s));
  const stemSet = new Set<string>();
  for (const t of nodes) {
    const tw = titleWords(t);
    for (const s of tw.req) stemSet.add(s);
    for (const s of tw.opt) stemSet.add(s);
  }
  // Stems in code unit order, so the stems starting with a prefix are one run of ids.
  const stems = [...stemSet].sort();
  const stemId = new Map(stems.map((s, i) => [s, i]));

  const parent = new Int32Array(n);
  const end = new Uint32Array(n);
  const level = new Uint8Array(n);
  const kids = new Uint32Array(n);
  const flags = new Uint8Array(n);
  const title = new Uint32Array(n);
  const printed = new Uint32Array(n);
  const key = new Uint32Array(n);
  const code = new Int32Array(n);
  const manif = new Int32Array(n);
  const seeStr = new Int32Array(n);
  const alsoStr = new Int32Array(n);
  const seeCat = new Int32Array(n);
  const seeRef = new Int32Array(n).fill(-1);
  const alsoRef = new Int32Array(n).fill(-1);
  const cellStart = new Uint32Array(n + 1);
  const cells: number[] = [];
  const twStart = new Uint32Array(n + 1);
  const twReq = new Uint16Array(n);
  const tw: number[] = [];

  // References, resolved once here.
  const refKind: number[] = [];
  const refTerm: number[] = [];
  const refArg: number[] = [];
  const refSiteStart: number[] = [0];
  const refSite: number[] = [];
  let tableRefs = false;
  const refOf = (text: string): number => {
    const r = resolveReference(index, text);
    const k = refKind.length;
    refKind.push(REF_KINDS.indexOf(r.kind));
    let term = -1;
    let arg = -1;
    if (r.kind === 'term') term = id.get(r.term)!;
    else if (r.kind === 'neoplasm') {
      arg = r.behavior ? BEHAVIORS.indexOf(r.behavior) : -1;
      for (const s of r.site) refSite.push(str(s));
      tableRefs = true;
    } else if (r.kind === 'drug') {
      arg = r.column ? USES.indexOf(r.column) : -1;
      tableRefs = true;
    } else if (r.kind === 'category') arg = str(r.code);
    refTerm.push(term);
    refArg.push(arg);
    refSiteStart.push(refSite.length);
    return k;
  };

  nodes.forEach((t, i) => {
    parent[i] = t.parent ? id.get(t.parent)! : -1;
    level[i] = Math.min(255, t.level);
    kids[i] = t.children.length;
    title[i] = str(t.title);
    printed[i] = str(t.printedTitle);
    key[i] = str(t.key);
    code[i] = str(t.code);
    manif[i] = str(t.manif);
    seeStr[i] = str(t.see);
    alsoStr[i] = str(t.seeAlso);
    seeCat[i] = str(t.seeCat);
    const words = titleWords(t);
    if (t.raw.v) flags[i]! |= FLAG_CELLS;
    if (words.connectorOnly) flags[i]! |= FLAG_CONNECTOR_ONLY;
    if (words.without) flags[i]! |= FLAG_WITHOUT;
    if (words.leadsWith) flags[i]! |= FLAG_LEADS_WITH;
    cellStart[i] = cells.length;
    if (t.raw.v) for (const v of t.raw.v) cells.push(str(v));
    twStart[i] = tw.length;
    twReq[i] = words.req.length;
    for (const s of words.req) tw.push(stemId.get(s)!);
    for (const s of words.opt) tw.push(stemId.get(s)!);
    if (t.see) seeRef[i] = refOf(t.see);
    if (t.seeAlso) alsoRef[i] = refOf(t.seeAlso);
  });
  cellStart[n] = cells.length;
  twStart[n] = tw.length;
  // Subtree ends: nodes are in preorder, so a subtree is the run up to its last descendant.
  for (let i = n - 1; i >= 0; i--) {
    const t = nodes[i]!;
    const last = t.children.length ? end[id.get(t.children[t.children.length - 1]!)!]! : i + 1;
    end[i] = last;
  }

  // Main terms by stem (what a title asks, and its first three optional stems), in document order.
  const mains = index.mainTerms.map((t) => id.get(t)!);
  const byStem = new Map<number, number[]>();
  for (const m of mains) {
    const words = titleWords(nodes[m]!);
    for (const s of new Set([...words.req, ...words.opt.slice(0, 3)])) {
      const sid = stemId.get(s)!;
      const list = byStem.get(sid);
      if (list) list.push(m);
      else byStem.set(sid, [m]);
    }
  }
  const mainStart = new Uint32Array(stems.length + 1);
  const mainNode: number[] = [];
  for (let s = 0; s < stems.length; s++) {
    mainStart[s] = mainNode.length;
    for (const m of byStem.get(s) ?? []) mainNode.push(m);
  }
  mainStart[stems.length] = mainNode.length;
  // The same postings by place in `mains`, and each main term's stem counts: what a ranking of main terms reads.
  const place = new Map(mains.map((m, d) => [m, d]));
  const mainPost = Uint32Array.from(mainNode, (m) => place.get(m)!);
  const mainReq = Uint16Array.from(mains, (m) => twReq[m]!);
  const mainOpt = Uint16Array.from(mains, (m) => twStart[m + 1]! - twStart[m]! - twReq[m]!);
  const numericStem = Uint8Array.from(stems, (s) => (/^[0-9]/.test(s) ? 1 : 0));

  // Large families: children by stem (sorted by stem, then document order) and the connector-only children.
  const famOf = new Int32Array(n).fill(-1);
  const famPairStart: number[] = [0];
  const famStem: number[] = [];
  const famChild: number[] = [];
  const famConnStart: number[] = [0];
  const famConn: number[] = [];
  nodes.forEach((t, i) => {
    if (t.children.length <= SMALL_FAMILY) return;
    famOf[i] = famPairStart.length - 1;
    const pairs: Array<[number, number]> = [];
    for (const c of t.children) {
      const ci = id.get(c)!;
      const words = titleWords(c);
      if (words.connectorOnly) famConn.push(ci);
      for (const s of new Set([...words.req, ...words.opt])) pairs.push([stemId.get(s)!, ci]);
    }
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [s, c] of pairs) {
      famStem.push(s);
      famChild.push(c);
    }
    famPairStart.push(famStem.length);
    famConnStart.push(famConn.length);
  });

  // Signatures: stems of the subtree, and of whatever its references reach (to a fixed point).
  const sig = new Uint32Array(n * SIG_WORDS);
  const setBit = (i: number, b: number) => {
    sig[i * SIG_WORDS + (b >>> 5)]! |= 1 << (b & 31);
  };
  for (let i = 0; i < n; i++) {
    for (let k = twStart[i]!; k < twStart[i + 1]!; k++) {
      const s = stems[tw[k]!]!;
      setBit(i, stemBit(s));
      if (s.length >= 6) setBit(i, prefixBit(s));
    }
  }
  const own = sig.slice();
  const orInto = (to: number, from: Uint32Array, fromNode: number): boolean => {
    let changed = false;
    for (let w = 0; w < SIG_WORDS; w++) {
      const v = (sig[to * SIG_WORDS + w]! | from[fromNode * SIG_WORDS + w]!) >>> 0;
      if (v !== sig[to * SIG_WORDS + w]) {
        sig[to * SIG_WORDS + w] = v;
        changed = true;
      }
    }
    return changed;
  };
  const reachesAll = new Uint8Array(n);
  for (;;) {
    let changed = false;
    // References: a "see" target brings its subtree and the titles above it.
    for (let i = 0; i < n; i++) {
      for (const r of [seeRef[i]!, alsoRef[i]!]) {
        if (r < 0) continue;
        const kind = REF_KINDS[refKind[r]!];
        if (kind === 'term') {
          for (let a = refTerm[r]!; a >= 0; a = parent[a]!) if (orInto(i, a === refTerm[r] ? sig : own, a)) changed = true;
          if (reachesAll[refTerm[r]!] && !reachesAll[i]) {
            reachesAll[i] = 1;
            changed = true;
          }
        } else if ((kind === 'neoplasm' || kind === 'drug' || kind === 'condition') && !reachesAll[i]) {
          reachesAll[i] = 1;
          changed = true;
        }
      }
    }
    // Subtrees: children into parents (reverse preorder visits children first).
    for (let i = n - 1; i >= 0; i--) {
      const p = parent[i]!;
      if (p < 0) continue;
      if (orInto(p, sig, i)) changed = true;
      if (reachesAll[i] && !reachesAll[p]) {
        reachesAll[p] = 1;
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (let i = 0; i < n; i++) if (reachesAll[i]) flags[i]! |= FLAG_REACHES_ALL;

  const w = new SectionWriter();
  w.add('parent', parent);
  w.add('end', end);
  w.add('level', level);
  w.add('kids', kids);
  w.add('flags', flags);
  w.add('title', title);
  w.add('printed', printed);
  w.add('key', key);
  w.add('code', code);
  w.add('manif', manif);
  w.add('seeStr', seeStr);
  w.add('alsoStr', alsoStr);
  w.add('seeCat', seeCat);
  w.add('seeRef', seeRef);
  w.add('alsoRef', alsoRef);
  w.add('cellStart', cellStart);
  w.add('cells', Int32Array.from(cells));
  w.add('twStart', twStart);
  w.add('twReq', twReq);
  w.add('tw', Uint32Array.from(tw));
  w.add('mains', Uint32Array.from(mains));
  w.add('mainStart', mainStart);
  w.add('mainNode', Uint32Array.from(mainNode));
  w.add('mainPost', mainPost);
  w.add('mainReq', mainReq);
  w.add('mainOpt', mainOpt);
  w.add('numericStem', numericStem);
  w.add('famOf', famOf);
  w.add('famPairStart', Uint32Array.from(famPairStart));
  w.add('famStem', Uint32Array.from(famStem));
  w.add('famChild', Uint32Array.from(famChild));
  w.add('famConnStart', Uint32Array.from(famConnStart));
  w.add('famConn', Uint32Array.from(famConn));
  w.add('sig', sig);
  w.add('refKind', Uint8Array.from(refKind));
  w.add('refTerm', Int32Array.from(refTerm));
  w.add('refArg', Int32Array.from(refArg));
  w.add('refSiteStart', Uint32Array.from(refSiteStart));
  w.add('refSite', Int32Array.from(refSite));
  w.addStrings('str', pool.list, true);
  w.addStrings('stem', stems, true);
  const header: Omit<WalkHeader, 'sections'> = {
    format: WALK_FORMAT,
    kind: index.kind,
    release,
    source: index.source,
    ...(index.version !== undefined ? { version: index.version } : {}),
    ...(index.title !== undefined ? { title: index.title } : {}),
    columns: [...index.columns],
    nodes: n,
    tableRefs,
  };
  return w.build(MAGIC, header);
}

/** A resolved reference, as the walk reads it. */
export type WalkRef =
  | { kind: 'term'; term: number }
  | { kind: 'neoplasm'; behavior?: NeoplasmBehavior; site: string[] }
  | { kind: 'drug'; column?: DrugUse }
  | { kind: 'condition' }
  | { kind: 'category'; code: string }
  | { kind: 'unresolved' };

/** An index publication opened over its compact file. Entries are numbers (document order). */
export class WalkBook {
  /** Built in memory because the release's walk file is of an older format (see the encoder's bookOf). */
  rebuilt = false;
  readonly kind: IndexKind;
  readonly release: string;
  readonly source: string;
  readonly columns: readonly string[];
  /** Columns that hold cells (every heading but the first). */
  readonly valueColumns: ReadonlyArray<{ name: string; position: number }>;
  readonly size: number;
  readonly tableRefs: boolean;
  readonly parent: Int32Array;
  readonly end: Uint32Array;
  readonly level: Uint8Array;
  readonly kids: Uint32Array;
  readonly flags: Uint8Array;
  private readonly titleId: Uint32Array;
  private readonly printedId: Uint32Array;
  private readonly keyId: Uint32Array;
  private readonly codeId: Int32Array;
  private readonly manifId: Int32Array;
  private readonly seeId: Int32Array;
  private readonly alsoId: Int32Array;
  private readonly seeCatId: Int32Array;
  readonly seeRef: Int32Array;
  readonly alsoRef: Int32Array;
  private readonly cellStart: Uint32Array;
  private readonly cellIds: Int32Array;
  readonly twStart: Uint32Array;
  readonly twReq: Uint16Array;
  readonly tw: Uint32Array;
  readonly mains: Uint32Array;
  readonly mainStart: Uint32Array;
  readonly mainNode: Uint32Array;
  /**
   * The main term postings again with each main term by its place in
   * `mains`, and per main term its required and optional stem counts: a
   * ranking of main terms reads these small arrays, not those of every entry
   * (written at import, format 2).
   */
  readonly mainPost: Uint32Array;
  readonly mainReq: Uint16Array;
  readonly mainOpt: Uint16Array;
  /** Per stem, 1 when it starts with a digit (a number of a title: "type 2", "stage 3"). */
  readonly numericStem: Uint8Array;
  readonly famOf: Int32Array;
  readonly famPairStart: Uint32Array;
  readonly famStem: Uint32Array;
  readonly famChild: Uint32Array;
  readonly famConnStart: Uint32Array;
  readonly famConn: Uint32Array;
  readonly sig: Uint32Array;
  /**
   * The signatures of the main terms again by place in `mains`, and whether
   * each reaches all (FLAG_REACHES_ALL): rankings of main terms weigh dozens
   * of them, which then lie close together, not far apart among all entries.
   */
  readonly mainSig: Uint32Array;
  readonly mainReachesAll: Uint8Array;
  /** Per main term (by its place in `mains`), the stem id of its first required word (-1: it requires none). */
  readonly mainLead: Int32Array;
  private readonly refKind: Uint8Array;
  private readonly refTerm: Int32Array;
  private readonly refArg: Int32Array;
  private readonly refSiteStart: Uint32Array;
  private readonly refSite: Int32Array;
  readonly strs: StringTable;
  readonly stems: StringTable;
  /**
   * Per stem (by id), worked out when the book is opened from the sorted stem
   * table: the end of the run of stems it begins (stems from its id up to
   * `stemRunEnd` start with it), and in `stemPre` from `stemPreStart` to
   * `stemPreEnd` its prefixes of PREFIX_MIN characters or more that are stems, itself
   * included, shortest first. A phrase word's stem met for the first time
   * then needs no bisections. Non-ASCII stems have none (their character
   * and byte counts differ): stemPreStart[id] is NO_RUNS for them.
   */
  readonly stemRunEnd: Uint32Array;
  readonly stemPreStart: Uint32Array;
  readonly stemPreEnd: Uint32Array;
  readonly stemPre: Uint32Array;
  private readonly refMemo = new Map<number, WalkRef>();
  private readonly namedMemo = new Map<string, number>();
  private readonly decoded: Array<string | undefined>;

  constructor(bytes: Uint8Array, where = 'index walk file') {
    const r = new SectionReader<WalkHeader>(bytes, MAGIC, WALK_FORMAT, where, 'index walk file');
    const h = r.header;
    this.kind = h.kind;
    this.release = h.release;
    this.source = h.source;
    this.columns = h.columns;
    this.valueColumns = h.columns.map((name, position) => ({ name, position })).filter((c) => c.position > 0);
    this.size = h.nodes;
    this.tableRefs = h.tableRefs;
    this.parent = r.view('parent', Int32Array);
    this.end = r.view('end', Uint32Array);
    this.level = r.view('level', Uint8Array);
    this.kids = r.view('kids', Uint32Array);
    this.flags = r.view('flags', Uint8Array);
    this.titleId = r.view('title', Uint32Array);
    this.printedId = r.view('printed', Uint32Array);
    this.keyId = r.view('key', Uint32Array);
    this.codeId = r.view('code', Int32Array);
    this.manifId = r.view('manif', Int32Array);
    this.seeId = r.view('seeStr', Int32Array);
    this.alsoId = r.view('alsoStr', Int32Array);
    this.seeCatId = r.view('seeCat', Int32Array);
    this.seeRef = r.view('seeRef', Int32Array);
    this.alsoRef = r.view('alsoRef', Int32Array);
    this.cellStart = r.view('cellStart', Uint32Array);
    this.cellIds = r.view('cells', Int32Array);
    this.twStart = r.view('twStart', Uint32Array);
    this.twReq = r.view('twReq', Uint16Array);
    this.tw = r.view('tw', Uint32Array);
    this.mains = r.view('mains', Uint32Array);
    this.mainStart = r.view('mainStart', Uint32Array);
    this.mainNode = r.view('mainNode', Uint32Array);
    this.famOf = r.view('famOf', Int32Array);
    this.famPairStart = r.view('famPairStart', Uint32Array);
    this.famStem = r.view('famStem', Uint32Array);
    this.famChild = r.view('famChild', Uint32Array);
    this.famConnStart = r.view('famConnStart', Uint32Array);
    this.famConn = r.view('famConn', Uint32Array);
    this.sig = r.view('sig', Uint32Array);
    this.refKind = r.view('refKind', Uint8Array);
    this.refTerm = r.view('refTerm', Int32Array);
    this.refArg = r.view('refArg', Int32Array);
    this.refSiteStart = r.view('refSiteStart', Uint32Array);
    this.refSite = r.view('refSite', Int32Array);
    this.strs = r.strings('str');
    this.stems = r.strings('stem');
    this.decoded = new Array<string | undefined>(this.strs.length);
    [this.stemRunEnd, this.stemPreStart, this.stemPreEnd, this.stemPre] = stemRuns(this.stems);
    this.mainPost = r.view('mainPost', Uint32Array);
    this.mainReq = r.view('mainReq', Uint16Array);
    this.mainOpt = r.view('mainOpt', Uint16Array);
    this.numericStem = r.view('numericStem', Uint8Array);
    const n = h.nodes;
    if (this.parent.length !== n || this.end.length !== n || this.twStart.length !== n + 1 || this.sig.length !== n * SIG_WORDS) throw r.bad('counts do not match');
    this.mainSig = new Uint32Array(this.mains.length * SIG_WORDS);
    this.mainReachesAll = new Uint8Array(this.mains.length);
    this.mainLead = new Int32Array(this.mains.length);
    for (let d = 0; d < this.mains.length; d++) {
      const t = this.mains[d]!;
      if (t >= n) throw r.bad('counts do not match');
      this.mainSig.set(this.sig.subarray(t * SIG_WORDS, (t + 1) * SIG_WORDS), d * SIG_WORDS);
      this.mainReachesAll[d] = this.reachesAll(t) ? 1 : 0;
      this.mainLead[d] = this.twReq[t]! > 0 ? this.tw[this.twStart[t]!]! : -1;
    }
    if (this.mainPost.length !== this.mainNode.length || this.mainReq.length !== this.mains.length || this.mainOpt.length !== this.mains.length || this.numericStem.length !== this.stems.length) {
      throw r.bad('counts do not match');
    }
  }

  /** A string of the table, decoded once (walks read the same titles and codes again and again). */
  private str(id: number): string {
    return (this.decoded[id] ??= this.strs.at(id));
  }
  private s(id: number): string | undefined {
    return id < 0 ? undefined : this.str(id);
  }

  title(i: number): string {
    return this.str(this.titleId[i]!);
  }
  printed(i: number): string {
    return this.str(this.printedId[i]!);
  }
  /** Normalised title (see normalizeTitle). */
  key(i: number): string {
    return this.str(this.keyId[i]!);
  }
  code(i: number): string | undefined {
    return this.s(this.codeId[i]!);
  }
  hasCode(i: number): boolean {
    return this.codeId[i]! >= 0;
  }
  manif(i: number): string | undefined {
    return this.s(this.manifId[i]!);
  }
  see(i: number): string | undefined {
    return this.s(this.seeId[i]!);
  }
  seeAlso(i: number): string | undefined {
    return this.s(this.alsoId[i]!);
  }
  seeCat(i: number): string | undefined {
    return this.s(this.seeCatId[i]!);
  }
  /** Whether an entry has a "see", "see also" or "see category" reference (without reading its text). */
  hasSee(i: number): boolean {
    return this.seeId[i]! >= 0;
  }
  hasSeeAlso(i: number): boolean {
    return this.alsoId[i]! >= 0;
  }
  hasSeeCat(i: number): boolean {
    return this.seeCatId[i]! >= 0;
  }
  hasCells(i: number): boolean {
    return (this.flags[i]! & FLAG_CELLS) !== 0;
  }
  connectorOnly(i: number): boolean {
    return (this.flags[i]! & FLAG_CONNECTOR_ONLY) !== 0;
  }
  without(i: number): boolean {
    return (this.flags[i]! & FLAG_WITHOUT) !== 0;
  }
  /** The title starts with "with" (files written before this flag existed have it nowhere). */
  leadsWith(i: number): boolean {
    return (this.flags[i]! & FLAG_LEADS_WITH) !== 0;
  }
  reachesAll(i: number): boolean {
    return (this.flags[i]! & FLAG_REACHES_ALL) !== 0;
  }
  isMain(i: number): boolean {
    return this.parent[i]! < 0;
  }
  /** Titles from the main term down. */
  path(i: number): string[] {
    const out: string[] = [];
    for (let t = i; t >= 0; t = this.parent[t]!) out.push(this.title(t));
    return out.reverse();
  }
  /** Children in document order. */
  children(i: number): number[] {
    const out: number[] = [];
    const e = this.end[i]!;
    for (let c = i + 1; c < e; c = this.end[c]!) out.push(c);
    return out;
  }
  /** Table cells by column heading (null where the table has none). */
  cells(i: number): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    for (const { name, position } of this.valueColumns) out[name] = this.cell(i, position);
    return out;
  }
  /** The cell of a row in the column at `position` among the headings (null where the table has none). */
  cell(i: number, position: number): string | null {
    const s = this.cellStart[i]!;
    const id = position < this.cellStart[i + 1]! - s ? this.cellIds[s + position]! : -1;
    return id < 0 ? null : this.str(id);
  }
  /** Whether an entry's normalised title starts with a prefix. */
  keyStartsWith(i: number, prefix: string): boolean {
    return this.strs.startsWith(this.keyId[i]!, prefix);
  }
  /** The first child whose normalised title is `key`. */
  childByKey(i: number, key: string): number {
    const k = this.strs.find(key);
    if (k < 0) return -1;
    const e = this.end[i]!;
    for (let c = i + 1; c < e; c = this.end[c]!) if (this.keyId[c] === k) return c;
    return -1;
  }
  /** Follow subterm titles (matched normalised) down from an entry; -1 when one is missing. */
  find(i: number, path: readonly string[]): number {
    let cur = i;
    for (const t of path) {
      cur = this.childByKey(cur, normalizeTitle(t));
      if (cur < 0) return -1;
    }
    return cur;
  }
  /**
   * The entry a table reference names below `from` ("Neoplasm, skin" names
   * the site row "skin"): by its subterm titles, else the first subterm that
   * starts with its first part; -1 when none. Kept, as walks ask again and again.
   */
  named(from: number, path: readonly string[]): number {
    const key = `${from}\u0000${path.join('\u0000')}`;
    let at = this.namedMemo.get(key);
    if (at === undefined) {
      at = this.find(from, path);
      if (at < 0 && path.length) {
        const prefix = path[0]!.toLowerCase();
        at = this.children(from).find((c) => this.keyStartsWith(c, prefix)) ?? -1;
      }
      this.namedMemo.set(key, at);
    }
    return at;
  }
  /** The resolved reference of an entry's "see" (or with `also`, "see also"). */
  ref(i: number, also: boolean): WalkRef | undefined {
    const r = also ? this.alsoRef[i]! : this.seeRef[i]!;
    if (r < 0) return undefined;
    let out = this.refMemo.get(r);
    if (out) return out;
    const kind = REF_KINDS[this.refKind[r]!]!;
    const arg = this.refArg[r]!;
    switch (kind) {
      case 'term':
        out = { kind, term: this.refTerm[r]! };
        break;
      case 'neoplasm': {
        const site: string[] = [];
        for (let k = this.refSiteStart[r]!; k < this.refSiteStart[r + 1]!; k++) site.push(this.strs.at(this.refSite[k]!));
        out = arg >= 0 ? { kind, behavior: BEHAVIORS[arg]!, site } : { kind, site };
        break;
      }
      case 'drug':
        out = arg >= 0 ? { kind, column: USES[arg]! } : { kind };
        break;
      case 'category':
        out = { kind, code: this.strs.at(arg) };
        break;
      case 'condition':
        out = { kind };
        break;
      default:
        out = { kind: 'unresolved' };
    }
    this.refMemo.set(r, out);
    return out;
  }
  /** Every entry with its path and code (tools, benchmarks). */
  *entries(): Generator<{ node: number; path: string[]; code?: string }> {
    for (let i = 0; i < this.size; i++) {
      const code = this.code(i);
      yield { node: i, path: this.path(i), ...(code ? { code } : {}) };
    }
  }
}

/** Shortest prefix of a phrase stem that counts as a partial match (see the walk's StemIds). */
export const PREFIX_MIN = 6;
/** stemPreStart of a stem whose runs were not worked out (see WalkBook.stemRunEnd). */
export const NO_RUNS = 0xffffffff;

/**
 * The runs of a sorted stem table (see WalkBook.stemRunEnd): one pass in
 * table order with the stack of stems that begin the current one (in a
 * sorted table, the stems a stem begins follow it in one run, so a stem
 * leaves the stack at the first that does not start with it).
 */
function stemRuns(stems: StringTable): [runEnd: Uint32Array, preStart: Uint32Array, preEnd: Uint32Array, pre: Uint32Array] {
  const n = stems.length;
  const runEnd = new Uint32Array(n);
  const preStart = new Uint32Array(n);
  const preEnd = new Uint32Array(n);
  const pre: number[] = [];
  const stack: number[] = [];
  const text: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = stems.at(i);
    text.push(s);
    while (stack.length && !s.startsWith(text[stack[stack.length - 1]!]!)) runEnd[stack.pop()!] = i;
    stack.push(i);
    if (!ASCII_ONLY.test(s)) {
      preStart[i] = preEnd[i] = NO_RUNS;
      continue;
    }
    preStart[i] = pre.length;
    if (s.length >= PREFIX_MIN) for (const k of stack) if (text[k]!.length >= PREFIX_MIN) pre.push(k);
    preEnd[i] = pre.length;
  }
  for (const k of stack) runEnd[k] = n;
  return [runEnd, preStart, preEnd, Uint32Array.from(pre)];
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;
