import type { Icd10cmRelease } from '../icd10cm/release.js';
import { behaviorOf, drugUseOf, type DrugUse, type NeoplasmBehavior } from './references.js';
import type { SearchIndex } from './search-index.js';
import { checkCode, type CodeCheck } from './verify.js';
import { NO_RUNS, prefixBit, PREFIX_MIN, SIG_WORDS, SMALL_FAMILY, stemBit, type WalkBook } from './walk-data.js';
import { mainTermText, MISS, unusedWords, usedWords, type Phrase } from './walker.js';

/**
 * Walking the Alphabetic Index (and the External Cause Index) for a phrase:
 * main term, subterms level by level, references followed (see, see also,
 * the neoplasm and drug tables), ending at the code an entry gives, which is
 * then checked against the Tabular List of the release in force.
 *
 * A "see condition" entry ("Cervical", "Duct") sends the coder to the main
 * term of the condition. The walk already tries every main term the
 * phrase's words name, the condition's among them, so it does not walk the
 * index a second time from such an entry: a second walk would find the same
 * condition's path with fewer words left for it. The entry's own path ends
 * there, with the reference shown unresolved when nothing follows it (the
 * phrase named no condition).
 *
 * The walk looks for the best-scoring way down from each main term the
 * phrase names. It is a depth-first search with a bound: a subterm is only
 * entered when the words it could still use (those whose stems its subtree,
 * or what its references reach, contains — see the signatures of
 * walk-data.ts) could beat the best way found so far. The bound never cuts a
 * way that would have won, so the answer is the one the full search gives.
 */

export interface WalkStep {
  /** The entry's title, and as printed with its nonessential modifiers. */
  title: string;
  printed: string;
  level: number;
  code?: string;
  manifestation?: string;
  /** How the walk reached this step when not by a subterm: a reference followed. */
  via?: 'see' | 'see also' | 'table';
  /** The reference text followed. */
  reference?: string;
}

export interface TableUse {
  table: 'neoplasm' | 'drug';
  /** Row path in the table. */
  row: string[];
  column: string;
  cells: Record<string, string | null>;
}

export interface IndexPath {
  /** The publication walked. */
  source: 'index' | 'eindex' | 'neoplasm' | 'drug';
  /** The path as coders write it: "Diabetes, type 2, with, chronic kidney disease". */
  text: string;
  steps: WalkStep[];
  /** The code the path leads to, as the index writes it. */
  code?: string;
  manifestation?: string;
  table?: TableUse;
  /** A reference the walk does not take further ("see condition"). */
  unresolved?: string;
  /** Where the path ends at an entry without a code: its subterms, to choose from. */
  subterms?: string[];
  score: number;
  matchedWords: string[];
  unmatchedWords: string[];
  checks: CodeCheck[];
}

/** Column of the Table of Neoplasms for a behaviour, found by heading words. */
export const NEOPLASM_COLUMNS: Record<NeoplasmBehavior, RegExp> = {
  malignant: /primary/i,
  secondary: /secondary/i,
  'in-situ': /situ/i,
  benign: /benign/i,
  uncertain: /uncertain/i,
  unspecified: /unspecified/i,
};

/** Column of the Table of Drugs and Chemicals for a use. */
export const DRUG_COLUMNS: Record<DrugUse, RegExp> = {
  accidental: /accidental/i,
  intentional: /intentional self/i,
  assault: /assault/i,
  undetermined: /undetermined/i,
  adverse: /adverse/i,
  underdosing: /underdosing/i,
};

/** Columns found by heading words, per table and words (tables are asked for the same column again and again). */
const columnMemo = new WeakMap<WalkBook, Map<RegExp, { name: string; position: number } | null>>();

/** The first column of a table whose heading the words match. */
export function columnFor(table: WalkBook, re: RegExp): { name: string; position: number } | undefined {
  let memo = columnMemo.get(table);
  if (!memo) columnMemo.set(table, (memo = new Map()));
  let c = memo.get(re);
  if (c === undefined) memo.set(re, (c = table.valueColumns.find((x) => re.test(x.name)) ?? null));
  return c ?? undefined;
}

/** What a walk may use. */
export interface WalkContext {
  release: Icd10cmRelease;
  /** The release's search index: finds the codes whose titles share words with a phrase (see verify.ts). */
  search?: SearchIndex;
  index?: WalkBook;
  eindex?: WalkBook;
  neoplasm?: WalkBook;
  drug?: WalkBook;
}

/**
 * Steps of a branch, newest first as they are prepended: an entry of a book
 * (written out only when the branch is kept), a reference's target (shown by
 * its path), or a step written out.
 */
interface Steps {
  book: WalkBook | undefined;
  node: number;
  step: WalkStep | undefined;
  target?: { via: 'see' | 'see also'; reference: string };
  /** The steps through a table to a row (written out only when the branch is kept; see tableSteps). */
  rows?: TableSteps;
  next: Steps | undefined;
}

/** Steps through a table: its main term (-1: none), the site a reference named (-1: none), then the walk below, all shown "via table". */
interface TableSteps {
  book: WalkBook;
  head: number;
  site: number;
  below: Steps | undefined;
}

/** A table row a branch ends at, and the column of its cell (written out as a TableUse when the branch is kept). */
interface TableRow {
  table: TableUse['table'];
  book: WalkBook;
  row: number;
  column: string;
}

/**
 * A way down found from an entry, with the floor it was found under and the
 * depths it holds at: depth only matters where a limit is met (MAX_DEPTH),
 * so the same walk happens when every depth it met is shifted by any amount
 * from `lo` to `hi`.
 */
interface Found {
  /** Depths are small integers; shifts without a limit are ±ANY_SHIFT (integers too, so a Found holds no boxed numbers). */
  depth: number;
  lo: number;
  hi: number;
  floor: number;
  branch: Branch;
}

/** An entry reached with some words used: the ways down found from it, and the level of the explore in it under way (-1: none). */
interface EntryState {
  used: number;
  active: number;
  found: Found[] | undefined;
  /** The state of the same entry with other words used. */
  next: EntryState | undefined;
}

/** A way down: where it ends, what it scored, the words it used (every field always set, so branches share one shape). */
interface Branch {
  score: number;
  used: number;
  steps: Steps | undefined;
  book: WalkBook;
  end: number;
  table: TableRow | undefined;
  /** The code a reference or table gives (else the end entry's). */
  code: string | undefined;
  unresolved: string | undefined;
}

/** A branch that ends at an entry, with nothing from a reference or table. */
const endAt = (book: WalkBook, end: number, score: number, used: number): Branch => ({ score, used, steps: undefined, book, end, table: undefined, code: undefined, unresolved: undefined });

/** A branch as it was, with another score and steps. */
const rescored = (b: Branch, score: number, steps: Steps | undefined): Branch => ({ score, used: b.used, steps, book: b.book, end: b.end, table: b.table, code: b.code, unresolved: b.unresolved });

/** A shift of depth beyond any a walk can make (a shift range without a limit on that side). */
const ANY_SHIFT = 2 ** 28;
const STEP_COST = 0.02;
const END_WITH_CODE = 0.5;
/** What a table reference adds (see follow). */
const TABLE_BONUS = 0.3;
const MAX_DEPTH = 12;
const MAX_MAINS = 40;
/** Slack for the bound's arithmetic (sums taken in another order). */
const EPS = 1e-9;
/** How much a "see also" must beat the best way by. */
const SEE_ALSO_MARGIN = 0.05;
/** Ways are cut below a floor with this margin, so a "see also" weighed against them is weighed the same. */
const FLOOR_MARGIN = SEE_ALSO_MARGIN + 1e-6;

const nodeStep = (book: WalkBook, node: number, next: Steps | undefined): Steps => ({ book, node, step: undefined, next });
const textStep = (step: WalkStep, next: Steps | undefined): Steps => ({ book: undefined, node: -1, step, next });
const targetStep = (book: WalkBook, node: number, via: 'see' | 'see also', reference: string, next: Steps | undefined): Steps => ({ book, node, step: undefined, target: { via, reference }, next });
const tableSteps = (rows: TableSteps): Steps => ({ book: undefined, node: -1, step: undefined, rows, next: undefined });

function stepOf(book: WalkBook, t: number, via?: WalkStep['via'], reference?: string): WalkStep {
  const step: WalkStep = { title: book.title(t), printed: book.printed(t), level: book.level[t]! };
  const code = book.code(t);
  if (code) step.code = code;
  const manif = book.manif(t);
  if (manif) step.manifestation = manif;
  if (via) step.via = via;
  if (reference) step.reference = reference;
  return step;
}

/** The step of a reference followed from an entry ("see Neoplasm, malignant"), below the entry. */
function referenceStep(book: WalkBook, from: number, via: WalkStep['via'], reference: string): WalkStep {
  const title = `see ${reference}`;
  return { title, printed: title, level: book.level[from]! + 1, via, reference };
}

function stepsArray(s: Steps | undefined): WalkStep[] {
  const out: WalkStep[] = [];
  for (let c = s; c; c = c.next) {
    if (c.step) out.push(c.step);
    else if (c.rows) {
      const { book, head, site, below } = c.rows;
      if (head >= 0) out.push({ title: book.title(head), printed: book.printed(head), level: 0, via: 'table' });
      if (site >= 0) for (const t of book.path(site).slice(1)) out.push({ title: t, printed: t, level: 1, via: 'table' });
      for (const b of stepsArray(below)) out.push({ ...b, via: b.via ?? 'table' });
    } else if (c.target) {
      // The entry referred to, shown by its path, its main term as coders write it.
      const shown = c.book!.path(c.node);
      shown[0] = mainTermText(shown[0]!);
      out.push({ ...stepOf(c.book!, c.node, c.target.via, c.target.reference), title: shown.join(', ') });
    } else out.push(stepOf(c.book!, c.node));
  }
  return out;
}

/**
 * Phrase words by stem id of one book, as bit masks in arrays as long as the
 * book's stem table: a title's stem is then matched by one array read. The
 * arrays are kept per book and taken over by whichever phrase uses the book
 * (walks run one at a time), clearing only the entries the last phrase set.
 */
class StemMasks {
  /** Words with this stem. */
  readonly stem: Int32Array;
  /** Words with this stem, or whose number ("3" of "3a") it is. */
  readonly any: Int32Array;
  /** Words of six letters or more whose stem this stem extends, or that extend it ("myocardi"/"myocardium"). */
  readonly partial: Int32Array;
  /**
   * Per main term (by its place in the book's `mains`), for the ranking of
   * main terms: the stamp of the phrase whose words `related` holds, and the
   * bits of the words related to its title (by stem, number or partial stem;
   * see relateWords).
   */
  readonly seen: Int32Array;
  readonly related: Int32Array;
  stamp = 0;
  /** Whether `related` is set for the phrase that owns the masks. */
  relatedReady = false;
  /** Per main term, the stamp of the last ranking that took it as a candidate. */
  readonly ranked: Int32Array;
  private rankStamp = 0;
  /** Per entry, the stamp of the last subterm list that took it (see candidateChildren). */
  readonly childSeen: Int32Array;
  private childStamp = 0;
  owner: BookWords | undefined;
  /** Stems whose masks the owner set (cleared when another phrase takes the masks). */
  private readonly touched: number[] = [];
  private touchedCount = 0;
  /** Stem ids by phrase stem: the same words come back phrase after phrase. */
  private readonly ids = new Map<string, StemIds>();

  constructor(book: WalkBook) {
    const n = book.stems.length;
    this.stem = new Int32Array(n);
    this.any = new Int32Array(n);
    this.partial = new Int32Array(n);
    this.seen = new Int32Array(book.mains.length);
    this.related = new Int32Array(book.mains.length);
    this.ranked = new Int32Array(book.mains.length);
    this.childSeen = new Int32Array(book.size);
  }

  /** Take the masks for a phrase's words, clearing those of the phrase before (then set them with mark). */
  take(owner: BookWords): void {
    const touched = this.touched;
    for (let k = 0; k < this.touchedCount; k++) {
      const id = touched[k]!;
      this.stem[id] = 0;
      this.any[id] = 0;
      this.partial[id] = 0;
    }
    this.touchedCount = 0;
    this.owner = owner;
    this.relatedReady = false;
  }

  /** Set a word's bit for a stem in one of the masks. */
  mark(arr: Int32Array, id: number, bit: number): void {
    arr[id]! |= bit;
    this.touched[this.touchedCount++] = id;
  }

  /** The ids of a phrase stem in the book's stem table (see BookWords). */
  idsOf(book: WalkBook, s: string): StemIds {
    let out = this.ids.get(s);
    if (!out) {
      const stems = book.stems;
      const id = stems.find(s);
      out = { id, extLo: 0, extHi: 0, pre: book.stemPre, preLo: 0, preHi: 0 };
      if (s.length >= PREFIX_MIN) {
        if (id >= 0 && book.stemPreStart[id] !== NO_RUNS) {
          // A stem of the book: its run and prefixes were worked out when the book was opened.
          out.extLo = id;
          out.extHi = book.stemRunEnd[id]!;
          out.preLo = book.stemPreStart[id]!;
          out.preHi = book.stemPreEnd[id]!;
        } else {
          out.extLo = stems.lowerBound(s);
          out.extHi = stems.prefixEnd(s, out.extLo);
          const pre: number[] = [];
          for (let len = PREFIX_MIN; len <= s.length; len++) {
            const p = stems.find(s.slice(0, len));
            if (p >= 0) pre.push(p);
          }
          out.pre = pre;
          out.preHi = pre.length;
        }
      }
      if (this.ids.size >= STEM_IDS_LIMIT) this.ids.clear();
      this.ids.set(s, out);
    }
    return out;
  }

  /** A new stamp for `seen`. */
  nextStamp(): number {
    if (this.stamp >= 0x7ffffffe) {
      this.seen.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  /** A new stamp for `ranked`. */
  nextRankStamp(): number {
    if (this.rankStamp >= 0x7ffffffe) {
      this.ranked.fill(0);
      this.rankStamp = 0;
    }
    return ++this.rankStamp;
  }

  /** A new stamp for `childSeen`. */
  nextChildStamp(): number {
    if (this.childStamp >= 0x7ffffffe) {
      this.childSeen.fill(0);
      this.childStamp = 0;
    }
    return ++this.childStamp;
  }
}

const masksOf = new WeakMap<WalkBook, StemMasks>();

/** A phrase stem in a book: its id (-1 when no title has it), the run of stems extending it, its prefixes of six letters or more that are stems (pre[preLo] to pre[preHi - 1]). */
interface StemIds {
  id: number;
  extLo: number;
  extHi: number;
  pre: ArrayLike<number>;
  preLo: number;
  preHi: number;
}
const STEM_IDS_LIMIT = 50_000;

/** The words of a phrase as ids of one book's stems. */
interface BookWords {
  stem: number[];
  num: number[];
  /** Long words: their stems with their prefixes of six letters or more, and the range of stem ids they begin. */
  extLo: number[];
  extHi: number[];
  ids: StemIds[];
  masks: StemMasks;
}

/** A phrase prepared for walking: weights, signature bits, and its words per book (plain arrays: a few words, made every walk). */
class PhraseView {
  readonly n: number;
  readonly weight: number[] = [];
  readonly bitStem: number[] = [];
  readonly bitPre: number[] = [];
  readonly bitNum: number[] = [];
  /** Words right after "with", and right after "without" or "no" (see matchTitle). */
  readonly afterWith: number = 0;
  readonly afterWithout: number = 0;
  private readonly books = new Map<WalkBook, BookWords>();
  private lastBook: WalkBook | undefined;
  private lastWords: BookWords | undefined;

  constructor(readonly p: Phrase) {
    this.n = p.words.length;
    for (const w of p.words) {
      this.weight.push(w.weight);
      this.bitStem.push(stemBit(w.stem));
      this.bitPre.push(w.stem.length >= PREFIX_MIN ? prefixBit(w.stem) : -1);
      this.bitNum.push(w.number ? stemBit(w.number) : -1);
    }
    let afterWith = 0;
    let afterWithout = 0;
    for (let i = 1; i < this.n && i < 31; i++) {
      const prev = p.words[i - 1]!.word;
      if (prev === 'with') afterWith |= 1 << i;
      else if (prev === 'without' || prev === 'no') afterWithout |= 1 << i;
    }
    this.afterWith = afterWith;
    this.afterWithout = afterWithout;
  }

  /** The phrase's words in a book, with the book's stem masks set to them. */
  of(book: WalkBook): BookWords {
    let b = book === this.lastBook ? this.lastWords! : this.books.get(book);
    if (!b) {
      const n = this.n;
      let masks = masksOf.get(book);
      if (!masks) masksOf.set(book, (masks = new StemMasks(book)));
      b = { stem: [], num: [], extLo: [], extHi: [], ids: [], masks };
      for (let i = 0; i < n; i++) {
        const w = this.p.words[i]!;
        const ids = masks.idsOf(book, w.stem);
        b.stem.push(ids.id);
        b.num.push(w.number ? masks.idsOf(book, w.number).id : -1);
        b.extLo.push(ids.extLo);
        b.extHi.push(ids.extHi);
        b.ids.push(ids);
      }
      this.books.set(book, b);
    }
    this.lastBook = book;
    this.lastWords = b;
    if (b.masks.owner !== b) this.fill(b);
    return b;
  }

  private fill(b: BookWords): void {
    const m = b.masks;
    m.take(b);
    for (let i = 0; i < this.n; i++) {
      const bit = 1 << i;
      if (b.stem[i]! >= 0) {
        m.mark(m.stem, b.stem[i]!, bit);
        m.mark(m.any, b.stem[i]!, bit);
      }
      if (b.num[i]! >= 0) m.mark(m.any, b.num[i]!, bit);
      for (let r = b.extLo[i]!; r < b.extHi[i]!; r++) m.mark(m.partial, r, bit);
      const ids = b.ids[i]!;
      for (let k = ids.preLo; k < ids.preHi; k++) m.mark(m.partial, ids.pre[k]!, bit);
    }
  }

  /** Weight of the unused words that could match somewhere below an entry (or wherever its references lead). */
  reach(book: WalkBook, node: number, used: number): number {
    return this.reachIn(book.sig, node * SIG_WORDS, book.reachesAll(node), used);
  }

  /** The same for a signature at `at` of `sig` (`all`: the entry reaches all). */
  reachIn(sig: Uint32Array, at: number, all: boolean, used: number): number {
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      if (used & (1 << i)) continue;
      if (!all) {
        const b = this.bitStem[i]!;
        let hit = (sig[at + (b >>> 5)]! >>> (b & 31)) & 1;
        const pb = this.bitPre[i]!;
        if (!hit && pb >= 0) hit = (sig[at + (pb >>> 5)]! >>> (pb & 31)) & 1;
        const nb = this.bitNum[i]!;
        if (!hit && nb >= 0) hit = (sig[at + (nb >>> 5)]! >>> (nb & 31)) & 1;
        if (!hit) continue;
      }
      sum += this.weight[i]!;
    }
    return sum;
  }
}

interface Match {
  gain: number;
  used: number;
}

/** The words used after the last matchTitle (kept outside its result, so a match allocates nothing). */
let matchedUsed = 0;
/** The words its required stems used (without those its modifiers and later comma parts took). */
let matchedReqUsed = 0;
/** The gain of the last matchTitle in matched[0], and of its required stems alone in matched[1], in a typed array (a number returned or kept in a variable would be allocated). */
const matched = new Float64Array(2);

/** Match an entry's title against the unused words of a phrase (see titleWords for what a title asks): the gain in matched[0], with matchedUsed set. */
function matchTitle(book: WalkBook, pv: PhraseView, t: number, used: number): void {
  const masks = pv.of(book).masks;
  const anyMask = masks.any;
  const partialMask = masks.partial;
  const stemMask = masks.stem;
  const tw = book.tw;
  const from = book.twStart[t]!;
  const reqEnd = from + book.twReq[t]!;
  const to = book.twStart[t + 1]!;
  const reqCount = reqEnd - from;
  let gain = 0;
  let missing = 0;
  let u = used;
  let numbers: number[] | undefined;
  // Words of numbers waiting for a neighbour (taken by no other stem meanwhile), and whether the title asks only numbers.
  let pending = 0;
  let numbersOnly = true;
  // The word the first required stem takes (-1: none).
  let lead = -1;
  for (let k = from; k < reqEnd; k++) {
    const r = tw[k]!;
    if (book.numericStem[r] !== 1) numbersOnly = false;
    // The first unused word with this stem (or number): the lowest bit of the mask.
    let avail = anyMask[r]! & ~u & ~pending;
    // Stems that only differ in their ending ("myocardi"/"myocardium"): a weaker match.
    let partial = false;
    if (!avail) {
      avail = partialMask[r]! & ~u & ~pending;
      partial = avail !== 0;
    }
    if (avail) {
      const hit = 31 - Math.clz32(avail & -avail);
      if (k === from) lead = hit;
      // A number belongs to the word beside it in the phrase ("type 2", "stage 3a").
      if (book.numericStem[r] === 1 && reqCount > 1 && !((u | (1 << hit)) & ~used & ~(1 << hit) & ((1 << (hit - 1)) | (1 << (hit + 1))))) {
        (numbers ??= []).push(hit);
        pending |= 1 << hit;
        continue;
      }
      u |= 1 << hit;
      gain += pv.weight[hit]! * (partial ? 0.8 : 1);
    } else missing++;
  }
  // Numbers met before their neighbour matched get a second look, and another while one more joins: in a range
  // ("with 20-29 percent") 29 joins beside "percent", then 20 beside 29. A title of numbers alone ("21.0-21.9")
  // takes them when they stand together in the phrase.
  if (numbers) {
    let left = numbers.length;
    for (let joined = true; joined && left > 0; ) {
      joined = false;
      for (let j = 0; j < numbers.length; j++) {
        const hit = numbers[j]!;
        if (hit < 0) continue;
        const near = (1 << (hit - 1)) | (1 << (hit + 1));
        if (!(u & ~used & near) && !(numbersOnly && pending & near)) continue;
        u |= 1 << hit;
        gain += pv.weight[hit]!;
        numbers[j] = -1;
        left--;
        joined = true;
      }
    }
    missing += left;
  }
  matchedReqUsed = u;
  matched[1] = gain - MISS * missing;
  for (let k = reqEnd; k < to; k++) {
    const avail = stemMask[tw[k]!]! & ~u;
    if (avail) {
      const i = 31 - Math.clz32(avail & -avail);
      u |= 1 << i;
      gain += pv.weight[i]! * 0.7;
    }
  }
  matchedUsed = u;
  matched[0] = gain - MISS * missing;
  // "with aura" is not what "without aura" says, nor "without hemorrhage" what "with hemorrhage" says: a title led by
  // one is not taken for words the phrase puts right after the other.
  if (lead >= 0 && ((pv.afterWithout >>> lead) & 1 ? book.leadsWith(t) : (pv.afterWith >>> lead) & 1 && book.without(t))) {
    matchedUsed = used;
    matchedReqUsed = used;
    matched[0] = -Infinity;
    matched[1] = -Infinity;
  }
}

function match(book: WalkBook, pv: PhraseView, t: number, used: number): Match {
  matchTitle(book, pv, t, used);
  return { gain: matched[0]!, used: matchedUsed };
}

/** Entries in a buffer shared by a walk: read before the next list is made. */
interface EntryList {
  ids: Int32Array;
  count: number;
}
const childList: EntryList = { ids: new Int32Array(256), count: 0 };

/** Add an entry to a list unless this list (its stamp in `seen`) has it. */
function addOnce(list: EntryList, seen: Int32Array, stamp: number, c: number): void {
  if (seen[c] === stamp) return;
  seen[c] = stamp;
  if (list.count === list.ids.length) {
    const more = new Int32Array(list.ids.length * 2);
    more.set(list.ids);
    list.ids = more;
  }
  list.ids[list.count++] = c;
}

/** Add the children of a large family posted under stem `s` (its pairs run from `lo` to `hi`, by stem). */
function addByStem(book: WalkBook, list: EntryList, seen: Int32Array, stamp: number, lo: number, hi: number, s: number): void {
  if (s < 0) return;
  const famStem = book.famStem;
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (famStem[mid]! < s) a = mid + 1;
    else b = mid;
  }
  for (let k = a; k < hi && famStem[k] === s; k++) addOnce(list, seen, stamp, book.famChild[k]!);
}

/**
 * Subterms worth trying for the unused words (all of a small family; for a
 * large one, the connectors, then those sharing a stem with a word, word by
 * word), each once, in a list shared by the walk.
 */
function candidateChildren(book: WalkBook, pv: PhraseView, t: number, used: number): EntryList {
  const out = childList;
  out.count = 0;
  const bw = pv.of(book);
  const seen = bw.masks.childSeen;
  const stamp = bw.masks.nextChildStamp();
  if (book.kids[t]! <= SMALL_FAMILY) {
    const e = book.end[t]!;
    for (let c = t + 1; c < e; c = book.end[c]!) addOnce(out, seen, stamp, c);
    return out;
  }
  const f = book.famOf[t]!;
  for (let k = book.famConnStart[f]!; k < book.famConnStart[f + 1]!; k++) addOnce(out, seen, stamp, book.famConn[k]!);
  const lo = book.famPairStart[f]!;
  const hi = book.famPairStart[f + 1]!;
  for (let i = 0; i < pv.n; i++) {
    if (used & (1 << i)) continue;
    addByStem(book, out, seen, stamp, lo, hi, bw.stem[i]!);
    if (pv.p.words[i]!.number) addByStem(book, out, seen, stamp, lo, hi, bw.num[i]!);
  }
  return out;
}

/** Opt stems of a main term beyond this many are not in the main term postings (see buildWalkFile). */
const POSTED_OPT = 3;

/** Mark word `bit` as related to the main terms posted under stem `s`. */
function relate(book: WalkBook, m: StemMasks, s: number, bit: number, stamp: number): void {
  const { seen, related } = m;
  const post = book.mainPost;
  for (let k = book.mainStart[s]!, e = book.mainStart[s + 1]!; k < e; k++) {
    const d = post[k]!;
    if (seen[d] !== stamp) {
      seen[d] = stamp;
      related[d] = bit;
    } else related[d]! |= bit;
  }
}

/** The words of the phrase related to each main term posted under their stems, numbers or partial stems: once a phrase. */
function relateWords(book: WalkBook, pv: PhraseView, bw: BookWords): void {
  const m = bw.masks;
  const stamp = m.nextStamp();
  for (let i = 0; i < pv.n; i++) {
    const bit = 1 << i;
    const s = bw.stem[i]!;
    if (s >= 0) relate(book, m, s, bit, stamp);
    if (bw.num[i]! >= 0) relate(book, m, bw.num[i]!, bit, stamp);
    for (let r = bw.extLo[i]!; r < bw.extHi[i]!; r++) if (r !== s) relate(book, m, r, bit, stamp);
    const ids = bw.ids[i]!;
    for (let k = ids.preLo; k < ids.preHi; k++) {
      const r = ids.pre[k]!;
      if (r !== s && (r < bw.extLo[i]! || r >= bw.extHi[i]!)) relate(book, m, r, bit, stamp);
    }
  }
  m.relatedReady = true;
}

/**
 * Main terms ranked for a set of words used, best first, in the ranking
 * arena from `at`, RANK_STRIDE numbers each: for the n-th, from at + RANK_STRIDE * n, its
 * place in the book's `mains`, its gain, the words used after it, and the
 * gain and words used of its required stems alone (see matchTitle).
 */
interface Ranked {
  at: number;
  count: number;
}
const RANK_STRIDE = 5;

/**
 * Ranked main terms in the order top tries them (see Walk.mainOrder): for
 * the k-th, at k * ORDER_STRIDE, its place in the ranking, entry, gain, the
 * words used after it and its bound.
 */
interface MainOrder {
  count: number;
  /** A plain array: a typed array of this size would be allocated outside the heap, at many times the cost. */
  v: number[];
}
const ORDER_STRIDE = 5;

/**
 * The rankings of a walk one after another in one array, shared by walks
 * (walks run one at a time; a walk starts it again). The array may be
 * replaced by a larger one while a walk ranks: read `v` after ranking.
 */
export class RankArena {
  v = new Float64Array(RANK_STRIDE * 64 * 16);
  top = 0;

  /** Room for `n` numbers: where they start. */
  take(n: number): number {
    if (this.top + n > this.v.length) {
      const more = new Float64Array(Math.max(this.v.length * 2, this.top + n));
      more.set(this.v);
      this.v = more;
    }
    const at = this.top;
    this.top += n;
    return at;
  }
}

const rankArena = new RankArena();

/**
 * Main terms with a positive match, best first, at most `cap`: the main terms
 * sharing a stem with an unused word (of weight 0.5 or more), taken in the
 * order the words come, whose first required word the phrase has; equal
 * gains keep that order.
 *
 * A main term's gain is at most the weight of the unused words related to
 * its title (by stem, number or partial stem: what matchTitle can use) less
 * MISS for each required stem beyond their count; the words are related to
 * the main terms through their postings first (once a phrase), and a main
 * term whose bound cannot enter the list is not matched. (Main terms with
 * more optional stems than the postings hold are always matched.)
 */
function rankedMains(book: WalkBook, pv: PhraseView, used: number, cap: number): Ranked {
  const bw = pv.of(book);
  const m = bw.masks;
  if (!m.relatedReady) relateWords(book, pv, bw);
  const { related, ranked } = m;
  const anyMask = m.any;
  const partialMask = m.partial;
  const weight = pv.weight;
  const stamp = m.nextRankStamp();
  const out: Ranked = { at: rankArena.take(cap * RANK_STRIDE), count: 0 };
  // Nothing below ranks again, so the arena's array stays this one.
  const v = rankArena.v;
  const o = out.at;
  for (let i = 0; i < pv.n; i++) {
    if (used & (1 << i)) continue;
    if (weight[i]! < 0.5) continue;
    const s = bw.stem[i]!;
    if (s < 0) continue;
    for (let k = book.mainStart[s]!; k < book.mainStart[s + 1]!; k++) {
      const d = book.mainPost[k]!;
      if (ranked[d] === stamp) continue;
      ranked[d] = stamp;
      // A coder looks a main term up by its first word: one whose first word the phrase lacks is no way in
      // ("Asperger's disease or syndrome" for "syndrome, vascular, in cerebrovascular disease"). As matchTitle
      // takes it: the first unused word with its stem, or else one it partly matches.
      const lead = book.mainLead[d]!;
      if (lead >= 0 && !((anyMask[lead]! | partialMask[lead]!) & ~used)) continue;
      const req = book.mainReq[d]!;
      if (book.mainOpt[d]! <= POSTED_OPT) {
        // The unused words related to the title, counted and weighed in the order they come.
        let count = 0;
        let sum = 0;
        for (let r = related[d]! & ~used; r; r &= r - 1) {
          sum += weight[31 - Math.clz32(r & -r)]!;
          count++;
        }
        // Gains are sums of hundredths: a bound within EPS of the last kept gain is a tie, and a tie does not enter.
        const bound = sum - MISS * Math.max(0, req - count);
        if (bound + EPS <= 0 || (out.count >= cap && bound <= v[o + (out.count - 1) * RANK_STRIDE + 1]! + EPS)) continue;
      }
      const t = book.mains[d]!;
      matchTitle(book, pv, t, used);
      const gain = matched[0]!;
      if (gain <= 0 || (out.count >= cap && gain <= v[o + (out.count - 1) * RANK_STRIDE + 1]!)) continue;
      // Insert after every kept main term of at least this gain (they came first).
      let at = out.count;
      while (at > 0 && v[o + (at - 1) * RANK_STRIDE + 1]! < gain) at--;
      const end = out.count < cap ? out.count++ : cap - 1;
      const x = o + at * RANK_STRIDE;
      v.copyWithin(x + RANK_STRIDE, x, o + end * RANK_STRIDE);
      v[x] = d;
      v[x + 1] = gain;
      v[x + 2] = matchedUsed;
      v[x + 3] = matched[1]!;
      v[x + 4] = matchedReqUsed;
    }
  }
  return out;
}

/**
 * Entries to try from an entry (its subterms, or the main terms of a
 * restart), with the gain of their titles, the words used after them and
 * the bound of what they could score. One stack serves a whole walk (walks
 * run one at a time): an explore pushes its entries above those of the
 * explores it is inside of, orders them, and drops them when it is done, so
 * trying an entry allocates nothing.
 */
export class TryStack {
  node = new Int32Array(256);
  gain = new Float64Array(256);
  used = new Int32Array(256);
  bound = new Float64Array(256);
  at = new Int32Array(256);
  implicit = new Uint8Array(256);
  /** Positions of the entries in the order they are tried. */
  order = new Int32Array(256);
  top = 0;

  push(node: number, gain: number, used: number, bound: number, at: number, implicit: boolean): void {
    if (this.top === this.node.length) this.grow();
    const i = this.top++;
    this.node[i] = node;
    this.gain[i] = gain;
    this.used[i] = used;
    this.bound[i] = bound;
    this.at[i] = at;
    this.implicit[i] = implicit ? 1 : 0;
    this.order[i] = i;
  }

  /** Order the entries from `base` up by bound, highest first; equal bounds keep the order they were pushed in. */
  sortFrom(base: number): void {
    const order = this.order;
    const bound = this.bound;
    for (let k = base + 1; k < this.top; k++) {
      const i = order[k]!;
      const b = bound[i]!;
      let j = k;
      while (j > base && bound[order[j - 1]!]! < b) {
        order[j] = order[j - 1]!;
        j--;
      }
      order[j] = i;
    }
  }

  private grow(): void {
    const n = this.node.length * 2;
    const more = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(n);
      b.set(a);
      return b;
    };
    this.node = more(this.node, Int32Array);
    this.gain = more(this.gain, Float64Array);
    this.used = more(this.used, Int32Array);
    this.bound = more(this.bound, Float64Array);
    this.at = more(this.at, Int32Array);
    this.implicit = more(this.implicit, Uint8Array);
    this.order = more(this.order, Int32Array);
  }
}

const tryStack = new TryStack();

class Walk {
  /**
   * Entries reached with some words used, per book entered, by entry (a
   * small integer, which maps hash fastest), one state for each set of words
   * used: the ways down already found, and whether a walk is in them now.
   */
  private readonly stateBooks: WalkBook[] = [];
  private readonly states: Array<Map<number, EntryState>> = [];
  /** How many explores are under way (the level of the next one). */
  private level = 0;
  /** The lowest level of an explore under way that a reference led back to, since the innermost explore began. */
  private cutAt = Infinity;
  /** The shifts of depth the innermost explore under way holds at so far (see Found). */
  private shiftLo = -ANY_SHIFT;
  private shiftHi = ANY_SHIFT;
  /** Ranked main terms by book and words used: references into a table ask for its rows again and again. */
  private readonly mainsMemo = new Map<WalkBook, Map<number, Ranked>>();
  /** The same in the order top tries them, by book and words used. */
  private readonly orderMemo = new Map<WalkBook, Map<number, MainOrder>>();
  /** Table rows already found, by table, words used, site or use: many entries refer to the same row. */
  private readonly rowMemo = new Map<string, Branch | undefined>();
  readonly pv: PhraseView;
  /** What references may add beyond the words: a table bonus, or no bound at all when tables refer to tables. */
  private readonly refBonus: number;

  constructor(readonly ctx: WalkContext, readonly p: Phrase) {
    this.pv = new PhraseView(p);
    tryStack.top = 0;
    rankArena.top = 0;
    const loops = (ctx.neoplasm?.tableRefs ?? false) || (ctx.drug?.tableRefs ?? false);
    this.refBonus = loops ? Infinity : TABLE_BONUS;
  }

  /** Main terms with a positive match for the unused words, best first (the first MAX_MAINS). */
  private mains(book: WalkBook, used: number): Ranked {
    let perBook = this.mainsMemo.get(book);
    if (!perBook) this.mainsMemo.set(book, (perBook = new Map()));
    let all = perBook.get(used);
    if (!all) perBook.set(used, (all = rankedMains(book, this.pv, used, MAX_MAINS)));
    return all;
  }

  /** Most a branch from an entry can score beyond its title's own match. */
  bound(book: WalkBook, t: number, used: number): number {
    return this.pv.reach(book, t, used) + END_WITH_CODE + (book.reachesAll(t) ? this.refBonus : 0);
  }

  /** The same for the main term at place `d` of the book's `mains` (read from the main terms' own signatures). */
  private mainBound(book: WalkBook, d: number, used: number): number {
    const all = book.mainReachesAll[d] === 1;
    return this.pv.reachIn(book.mainSig, d * SIG_WORDS, all, used) + END_WITH_CODE + (all ? this.refBonus : 0);
  }

  /**
   * The best way down from a term (the term itself included as the end).
   * With a floor, only a way scoring at least the floor must be found
   * exactly: when the best scores less, some lower score is returned.
   */
  explore(book: WalkBook, term: number, used: number, depth: number, floor = -Infinity): Branch {
    let b = this.stateBooks.indexOf(book);
    if (b < 0) {
      b = this.stateBooks.push(book) - 1;
      this.states.push(new Map());
    }
    const states = this.states[b]!;
    const first = states.get(term);
    let state = first;
    while (state && state.used !== used) state = state.next;
    if (!state) states.set(term, (state = { used, active: -1, found: undefined, next: first }));
    // References loop ("see also" back and forth, "see" to a main term whose subterms refer back): reaching an
    // entry again with the same words used, while the walk is still in it, adds steps and no words, so the way
    // round the loop scores less than the way on without it, which the entry weighs anyway. It is not walked.
    if (state.active >= 0) {
      if (state.active < this.cutAt) this.cutAt = state.active;
      return endAt(book, term, -Infinity, used);
    }
    if (state.found) for (const f of state.found) {
      const shift = depth - f.depth;
      if (f.floor <= floor && shift >= f.lo && shift <= f.hi) {
        this.holdsFor(f.lo - shift, f.hi - shift);
        return f.branch;
      }
    }
    const outerCut = this.cutAt;
    const outerLo = this.shiftLo;
    const outerHi = this.shiftHi;
    const level = this.level++;
    this.cutAt = Infinity;
    this.shiftLo = -ANY_SHIFT;
    this.shiftHi = ANY_SHIFT;
    state.active = level;
    const branch = this.exploreOnce(book, term, used, depth, floor);
    state.active = -1;
    this.level--;
    // A way found with a loop cut at an entry further up holds only while the walk is in that entry: not kept.
    const cut = this.cutAt < level ? this.cutAt : Infinity;
    const lo = this.shiftLo;
    const hi = this.shiftHi;
    if (cut === Infinity) (state.found ??= []).push({ depth, lo, hi, floor, branch });
    this.cutAt = Math.min(outerCut, cut);
    this.shiftLo = outerLo;
    this.shiftHi = outerHi;
    this.holdsFor(lo, hi);
    return branch;
  }

  /** Narrow the shifts of depth the explore under way holds at. */
  private holdsFor(lo: number, hi: number): void {
    if (lo > this.shiftLo) this.shiftLo = lo;
    if (hi < this.shiftHi) this.shiftHi = hi;
  }

  /** Whether a depth is at least a limit (noting that the walk so far holds only at shifts that keep the answer). */
  private atLeast(depth: number, limit: number): boolean {
    if (depth >= limit) {
      this.holdsFor(limit - depth, ANY_SHIFT);
      return true;
    }
    this.holdsFor(-ANY_SHIFT, limit - 1 - depth);
    return false;
  }

  /** Push a subterm worth trying from an entry whose own ending scores `own` (see exploreOnce). */
  private consider(book: WalkBook, child: number, at: number, used: number, own: number, f: number): void {
    const without = book.without(child);
    if (without && !this.p.negated) return;
    matchTitle(book, this.pv, child, used);
    const gain = matched[0]!;
    const mUsed = matchedUsed;
    const reqGain = matched[1]!;
    const reqUsed = matchedReqUsed;
    const implicit = book.connectorOnly(child) && !without;
    if (gain <= 0 && !implicit) return;
    this.push(book, child, gain, mUsed, at, implicit, own, f);
    // Words its modifiers took ("per cent (0-9 percent third degree)") may be the ones a subterm below needs
    // ("with 20-29 percent third degree"): the subterm is also tried with them left for below.
    if (reqUsed !== mUsed && reqGain > 0 && book.kids[child]! > 0) this.push(book, child, reqGain, reqUsed, at, implicit, own, f);
  }

  private push(book: WalkBook, child: number, gain: number, used: number, at: number, implicit: boolean, own: number, f: number): void {
    const bound = gain - STEP_COST + this.bound(book, child, used);
    // A subterm the loop of exploreOnce would stop at (the best score only grows) is not kept.
    if (bound + EPS <= own || bound + EPS < f) return;
    tryStack.push(child, gain, used, bound, at, implicit);
  }

  private exploreOnce(book: WalkBook, term: number, used: number, depth: number, floor: number): Branch {
    let best = endAt(book, term, book.hasCode(term) ? END_WITH_CODE : 0, used);
    if (this.atLeast(depth, MAX_DEPTH)) return best;
    // Ways below the floor are cut with a margin (a "see also" must beat the best by FLOOR_MARGIN), and not at all
    // where a "see category" would stand in for a subterm that was not entered.
    const f = book.hasSeeCat(term) && !book.hasCode(term) ? -Infinity : floor - FLOOR_MARGIN;
    // Subterms in the order of what they could score, so a good way is found early and the rest fall to the bound.
    // The best is the highest score; among equal scores the subterm met first, as in a walk in document order.
    const st = tryStack;
    const base = st.top;
    if (book.kids[term]! <= SMALL_FAMILY) {
      const end = book.end[term]!;
      for (let c = term + 1, at = 0; c < end; c = book.end[c]!, at++) this.consider(book, c, at, used, best.score, f);
    } else {
      const list = candidateChildren(book, this.pv, term, used);
      for (let at = 0; at < list.count; at++) this.consider(book, list.ids[at]!, at, used, best.score, f);
    }
    const top = st.top;
    if (top - base > 1) st.sortFrom(base);
    let bestAt = -1;
    for (let k = base; k < top; k++) {
      // The stack's arrays may be replaced by a deeper explore: read them again each time.
      const i = st.order[k]!;
      const bound = st.bound[i]!;
      if (bound + EPS <= best.score || bound + EPS < f) break;
      const child = st.node[i]!;
      const gain = st.gain[i]!;
      const mUsed = st.used[i]!;
      const at = st.at[i]!;
      const implicit = st.implicit[i] === 1;
      // Only a way that beats (or ties) the best so far can change it: the subterm need not find lower ones exactly.
      const sub = this.explore(book, child, mUsed, depth + 1, Math.max(f, best.score) - (gain - STEP_COST));
      if (implicit && gain <= 0 && sub.steps === undefined && sub.used === mUsed) continue;
      const score = gain + sub.score - STEP_COST;
      if (score > best.score || (score === best.score && bestAt >= 0 && at < bestAt)) {
        best = rescored(sub, score, nodeStep(book, child, sub.steps));
        bestAt = at;
      }
    }
    st.top = base;
    // References: "see" replaces the entry; "see also" is another way to go on.
    if (book.hasSee(term) && !book.hasCode(term)) {
      // A "see" entry has nothing of its own: the reference is the way on, even to an entry without a code.
      const bound = this.bound(book, term, used) + EPS;
      if (bound >= f && (best.steps === undefined || bound > best.score)) {
        const see = book.see(term)!;
        const r = this.follow(book, term, see, 'see', used, depth, f);
        if (r && (r.score > best.score || best.steps === undefined)) best = r;
        else if (!r && best.steps === undefined) best = { ...best, unresolved: `see ${see}` };
      }
    }
    if (book.hasSeeAlso(term) && this.bound(book, term, used) + EPS > Math.max(best.score + SEE_ALSO_MARGIN, f)) {
      const r = this.follow(book, term, book.seeAlso(term)!, 'see also', used, depth, f);
      if (r && r.score > best.score + SEE_ALSO_MARGIN) best = r;
    }
    if (book.hasSeeCat(term) && !book.hasCode(term) && best.steps === undefined) best = { ...best, code: `${book.seeCat(term)!.replace(/-$/, '')}-`, score: best.score + END_WITH_CODE };
    return best;
  }

  private follow(book: WalkBook, from: number, text: string, via: 'see' | 'see also', used: number, depth: number, floor: number): Branch | undefined {
    const ref = book.ref(from, via === 'see also');
    if (!ref) return undefined;
    switch (ref.kind) {
      case 'term': {
        // The words of the entry referred to may be in the phrase too ("heart attack" and "myocardial infarction").
        let u = used;
        let gain = 0;
        for (let t = ref.term; t >= 0; t = book.parent[t]!) {
          matchTitle(book, this.pv, t, u);
          const g = matched[0]!;
          if (g > 0) {
            gain += g * 0.5;
            u = matchedUsed;
          }
        }
        const sub = this.explore(book, ref.term, u, depth + 1, floor - gain + 0.1);
        return rescored(sub, sub.score + gain - 0.1, targetStep(book, ref.term, via, text, sub.steps));
      }
      case 'neoplasm': {
        const table = this.ctx.neoplasm;
        if (!table) return undefined;
        const behavior = ref.behavior ?? behaviorOf(unusedWords(this.p, used).join(' ')) ?? 'malignant';
        const r = this.neoplasmRow(table, used, ref.site, behavior);
        if (!r) return undefined;
        return rescored(r, r.score + TABLE_BONUS, textStep(referenceStep(book, from, via, text), r.steps));
      }
      case 'drug': {
        const table = this.ctx.drug;
        if (!table) return undefined;
        const use = drugUseOf(unusedWords(this.p, used).join(' ')) ?? ref.column ?? 'accidental';
        const r = this.drugRow(table, used, use);
        if (!r) return undefined;
        return rescored(r, r.score + TABLE_BONUS, textStep(referenceStep(book, from, via, text), r.steps));
      }
      case 'category':
        return { ...endAt(book, from, END_WITH_CODE, used), steps: textStep(referenceStep(book, from, via, text), undefined), code: ref.code.endsWith('-') ? ref.code : `${ref.code}-` };
      default:
        return undefined;
    }
  }

  /**
   * The ranked main terms for a set of words used in the order top tries them:
   * by bound, highest first, equal bounds in ranked order. Kept per book and
   * words used.
   */
  private mainOrder(book: WalkBook, used: number): MainOrder {
    let perBook = this.orderMemo.get(book);
    if (!perBook) this.orderMemo.set(book, (perBook = new Map()));
    let o = perBook.get(used);
    if (o) return o;
    const ranked = this.mains(book, used);
    const count = ranked.count;
    o = { count, v: new Array<number>(count * ORDER_STRIDE).fill(0) };
    const ov = o.v;
    // Bounds rank nothing: the arena's array stays the same while they are worked out.
    const v = rankArena.v;
    for (let n = 0; n < count; n++) {
      const i = ranked.at + n * RANK_STRIDE;
      const d = v[i]! | 0;
      const t = book.mains[d]!;
      const gain = v[i + 1]!;
      const u = v[i + 2]! | 0;
      const bound = gain + this.mainBound(book, d, u);
      // Insertion by bound after every one of at least this bound (they came first).
      let at = n * ORDER_STRIDE;
      while (at > 0 && ov[at - ORDER_STRIDE + 4]! < bound) {
        for (let j = 0; j < ORDER_STRIDE; j++) ov[at + j] = ov[at - ORDER_STRIDE + j]!;
        at -= ORDER_STRIDE;
      }
      ov[at] = n;
      ov[at + 1] = t;
      ov[at + 2] = gain;
      ov[at + 3] = u;
      ov[at + 4] = bound;
    }
    perBook.set(used, o);
    return o;
  }

  /** The best main term (of the first MAX_MAINS) and walk below it for the unused words (exact when it scores at least `floor`). */
  top(book: WalkBook, used: number, depth: number, floor = -Infinity): Branch | undefined {
    let best: Branch | undefined;
    let bestAt = -1;
    // As in explore: the most promising main terms first; equal scores go to the one ranked first.
    const { count, v } = this.mainOrder(book, used);
    for (let k = 0; k < count; k++) {
      const i = k * ORDER_STRIDE;
      // Its place in the ranking.
      const at = v[i]!;
      const bound = v[i + 4]!;
      if ((best && bound + EPS <= best.score) || bound + EPS < floor) break;
      const t = v[i + 1]! | 0;
      const gain = v[i + 2]!;
      const sub = this.explore(book, t, v[i + 3]! | 0, depth, floor - gain);
      const score = gain + sub.score;
      if (!best || score > best.score || (score === best.score && at < bestAt)) {
        best = rescored(sub, score, nodeStep(book, t, sub.steps));
        bestAt = at;
      }
    }
    return best;
  }

  /**
   * Main terms worth a path, best first. A main term is left out when its
   * bound shows it could not be among the first `limit` paths walkIndex keeps.
   */
  tops(book: WalkBook, limit: number): Kept {
    // Paths best first (equal scores in the order found), with their keys once worked out (see keep).
    const done: Kept = { list: [], keys: [] };
    let best = -Infinity;
    // The score of the last of `limit` kept paths (-Infinity while fewer are kept); worked out again when a path is added.
    let lastKept = -Infinity;
    let stale = false;
    const mains = this.mains(book, 0);
    for (let n = 0; n < mains.count && n < MAX_MAINS; n++) {
      // Read from the arena each time: the explores below may rank, and replace its array.
      const i = mains.at + n * RANK_STRIDE;
      const d = rankArena.v[i]! | 0;
      const t = book.mains[d]!;
      const m: Match = { gain: rankArena.v[i + 1]!, used: rankArena.v[i + 2]! | 0 };
      // As for subterms (see consider): the words the main term's modifiers took may be those a subterm needs
      // ("Hemorrhoids (without mention of degree)", "2nd degree"), so it is also walked with them left for below.
      const reqGain = rankArena.v[i + 3]!;
      const reqUsed = rankArena.v[i + 4]! | 0;
      const alt: Match | undefined = book.kids[t]! > 0 && reqUsed !== m.used && reqGain > 0 ? { gain: reqGain, used: reqUsed } : undefined;
      // What a main term must score to be kept: half the best, and more than the last of `limit` kept paths.
      // (The first kept path is the best one; the paths kept are only worked out once `limit` could be kept.)
      let floor = -Infinity;
      if (!done.list.length) {
        // The first main term has no paths to measure against: a greedy way down from it scores at most
        // what its walk finds, so half of it is a floor no kept path falls below (see greedy).
        const low = m.gain + this.greedy(book, t, m.used, 1);
        if (low > 0) floor = low * 0.5 - EPS;
      } else {
        let u = m.gain + this.mainBound(book, d, m.used) + EPS;
        if (alt) u = Math.max(u, alt.gain + this.mainBound(book, d, alt.used) + EPS);
        floor = best * 0.5;
        if (u < floor) continue;
        if (done.list.length >= limit) {
          if (stale) {
            const kept = keep(done, limit);
            lastKept = kept.length >= limit ? kept[kept.length - 1]!.score : -Infinity;
            stale = false;
          }
          floor = Math.max(floor, lastKept);
          if (u < floor) continue;
        }
      }
      const sub = this.explore(book, t, m.used, 1, floor - m.gain);
      let path = rescored(sub, m.gain + sub.score, nodeStep(book, t, sub.steps));
      if (alt) {
        // Only a better way counts: it must beat the first (ties keep the first).
        const below = this.explore(book, t, alt.used, 1, Math.max(floor, path.score) - alt.gain);
        if (alt.gain + below.score > path.score) path = rescored(below, alt.gain + below.score, nodeStep(book, t, below.steps));
      }
      if (path.score > best) best = path.score;
      insertKept(done, path);
      stale = true;
    }
    return done;
  }

  /**
   * A score explore(book, term, used, depth) is sure to reach: that of one
   * way down, taking at each level the subterm of highest gain among those
   * explore considers, ending at the last entry with a code (-Infinity when
   * it cannot tell: an entry whose "see" may replace what it finds).
   */
  private greedy(book: WalkBook, term: number, used: number, depth: number): number {
    const own = book.hasCode(term) ? END_WITH_CODE : 0;
    const seeMayReplace = book.hasSee(term) && !book.hasCode(term);
    if (depth >= MAX_DEPTH) return own;
    let child = -1;
    let gain = 0;
    let childUsed = used;
    const look = (c: number) => {
      if (book.without(c) && !this.p.negated) return;
      matchTitle(book, this.pv, c, used);
      const g = matched[0]!;
      if (g > gain) {
        gain = g;
        child = c;
        childUsed = matchedUsed;
      }
    };
    if (book.kids[term]! <= SMALL_FAMILY) {
      const end = book.end[term]!;
      for (let c = term + 1; c < end; c = book.end[c]!) look(c);
    } else {
      const list = candidateChildren(book, this.pv, term, used);
      for (let k = 0; k < list.count; k++) look(list.ids[k]!);
    }
    const below = child >= 0 ? gain - STEP_COST + this.greedy(book, child, childUsed, depth + 1) : -Infinity;
    // With a way below, a "see" only replaces it by a better one; without, it may replace the entry by a worse one.
    if (below > -Infinity) return Math.max(own, below);
    return seeMayReplace ? -Infinity : own;
  }

  /** A site row of the Table of Neoplasms and the cell of a behaviour. */
  neoplasmRow(table: WalkBook, used: number, sitePath: readonly string[], behavior: NeoplasmBehavior): Branch | undefined {
    return this.row(`n${used}\u0000${behavior}\u0000${sitePath.join('\u0000')}`, () => this.findNeoplasmRow(table, used, sitePath, behavior));
  }

  /**
   * A table row found once per walk (unless a loop was cut on the way to it:
   * it then holds only where it was found). A table is walked from its own
   * first level, so the row is the same at any depth of the reference.
   */
  private row(key: string, find: () => Branch | undefined): Branch | undefined {
    if (this.rowMemo.has(key)) return this.rowMemo.get(key);
    const outerCut = this.cutAt;
    const outerLo = this.shiftLo;
    const outerHi = this.shiftHi;
    this.cutAt = Infinity;
    const row = find();
    if (this.cutAt === Infinity) this.rowMemo.set(key, row);
    this.cutAt = Math.min(outerCut, this.cutAt);
    this.shiftLo = outerLo;
    this.shiftHi = outerHi;
    return row;
  }

  private findNeoplasmRow(table: WalkBook, used: number, sitePath: readonly string[], behavior: NeoplasmBehavior): Branch | undefined {
    if (table.mains.length === 0) return undefined;
    const main = table.mains[0]!;
    let start = main;
    // A reference may name a site ("Neoplasm, skin, benign"): start from it.
    const site = sitePath.length ? table.named(main, sitePath) : -1;
    if (site >= 0) start = site;
    const m = match(table, this.pv, main, used);
    const u = m.gain > 0 ? m.used : used;
    const sub = this.explore(table, start, u, 1);
    const row = sub.book === table && table.hasCells(sub.end) ? sub.end : start;
    const column = columnFor(table, NEOPLASM_COLUMNS[behavior]);
    if (!column) return undefined;
    const code = table.cell(row, column.position);
    return {
      ...rescored(sub, sub.score + Math.max(0, m.gain), tableSteps({ book: table, head: main, site, below: sub.steps })),
      table: { table: 'neoplasm', book: table, row, column: column.name },
      code: code || sub.code,
    };
  }

  /** A substance row of the Table of Drugs and Chemicals and the cell of a use. */
  drugRow(table: WalkBook, used: number, use: DrugUse): Branch | undefined {
    return this.row(`d${used}\u0000${use}`, () => this.findDrugRow(table, used, use));
  }

  private findDrugRow(table: WalkBook, used: number, use: DrugUse): Branch | undefined {
    const found = this.top(table, used, 1);
    if (!found || found.book !== table) return undefined;
    let row = found.end;
    while (row >= 0 && !table.hasCells(row)) row = table.parent[row]!;
    if (row < 0) return undefined;
    const column = columnFor(table, DRUG_COLUMNS[use]);
    if (!column) return undefined;
    const code = table.cell(row, column.position);
    return {
      ...rescored(found, found.score, tableSteps({ book: table, head: -1, site: -1, below: found.steps })),
      table: { table: 'drug', book: table, row, column: column.name },
      code: code || found.code,
    };
  }
}

/** Branches best first (equal scores in the order they were added), with the keys keep has worked out. */
interface Kept {
  list: Branch[];
  keys: Array<string | undefined>;
}

/** Add a branch after every branch of at least its score. */
function insertKept(k: Kept, r: Branch): void {
  let at = k.list.length;
  while (at > 0 && k.list[at - 1]!.score < r.score) at--;
  k.list.splice(at, 0, r);
  k.keys.splice(at, 0, undefined);
}


/** Coders write a main term without the comma parts that only vary its word (see mainTermText). */
function pathText(steps: readonly WalkStep[]): string {
  return steps
    .map((s, i) => {
      if (s.via === 'see' || s.via === 'see also') return s.title.startsWith('see ') ? `(${s.title})` : `(${s.via} ${s.title})`;
      return i === 0 || (s.level === 0 && s.via === 'table') ? mainTermText(s.title) : s.title;
    })
    .join(', ')
    .replace(/, \(/g, ' (');
}

const codeOf = (r: Branch): string | undefined => r.code ?? r.book.code(r.end);
const keyOf = (r: Branch): string => codeOf(r) ?? pathText(stepsArray(r.steps));

/** The branches walkIndex keeps from a sorted list: the best, then others close to it that lead somewhere, one per code. */
function keep(all: Kept, limit: number): Branch[] {
  const out: Branch[] = [];
  const seen = new Set<string>();
  const list = all.list;
  const top = list[0]?.score ?? 0;
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!;
    // Alternatives must be worth reading: close to the best, and leading somewhere.
    if (out.length && (r.score < top * 0.5 || (!r.code && !r.book.hasCode(r.end) && !r.table))) continue;
    const key = (all.keys[i] ??= keyOf(r));
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
    if (out.length >= limit) break;
  }
  return out;
}

/** The stems and words of the phrase words outside a mask (all of them with mask 0). */
function formsOf(p: Phrase, used: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < p.words.length; i++) {
    if (used & (1 << i)) continue;
    const w = p.words[i]!;
    out.add(w.stem).add(w.word);
  }
  return out;
}

/**
 * A kept branch written out, its codes checked. `every` holds the stems and
 * words of the whole phrase: codes below a header are ranked by every word
 * ("stage 3a" picks N18.31 under N18.3).
 */
/** A table row written out: its path in the table, the column, and every cell of the row. */
function tableUse(t: TableRow): TableUse {
  return { table: t.table, row: t.book.path(t.row), column: t.column, cells: t.book.cells(t.row) };
}

function finish(ctx: WalkContext, p: Phrase, every: ReadonlySet<string>, source: IndexPath['source'], r: Branch): IndexPath {
  const code = codeOf(r);
  const manifestation = r.code ? undefined : r.book.manif(r.end);
  const unused = unusedWords(p, r.used);
  const rest = formsOf(p, r.used);
  const checks: CodeCheck[] = [];
  if (code) checks.push(checkCode(ctx.release, code, r.table ? 'cell' : 'code', rest, every, ctx.search));
  if (manifestation) checks.push(checkCode(ctx.release, manifestation, 'manifestation', rest, every, ctx.search));
  const steps = stepsArray(r.steps);
  const subterms = !code && !r.table && r.book.kids[r.end]! > 0 ? r.book.children(r.end).slice(0, 20).map((c) => r.book.printed(c)) : undefined;
  return {
    source,
    text: pathText(steps),
    steps,
    ...(code ? { code } : {}),
    ...(manifestation ? { manifestation } : {}),
    ...(r.table ? { table: tableUse(r.table) } : {}),
    ...(r.unresolved && !code ? { unresolved: r.unresolved } : {}),
    ...(subterms ? { subterms } : {}),
    score: Math.round(r.score * 100) / 100,
    matchedWords: usedWords(p, r.used),
    unmatchedWords: unused,
    checks,
  };
}

/** Paths through the Alphabetic Index (or the External Cause Index) for a phrase, best first, one per code. */
export function walkIndex(ctx: WalkContext, p: Phrase, opts: { external?: boolean; limit?: number } = {}): IndexPath[] {
  const index = opts.external ? ctx.eindex : ctx.index;
  if (!index || p.words.length === 0) return [];
  const limit = opts.limit ?? 5;
  const w = new Walk(ctx, p);
  const every = formsOf(p, 0);
  return keep(w.tops(index, limit), limit).map((r) => finish(ctx, p, every, opts.external ? 'eindex' : 'index', r));
}

/** The Table of Neoplasms row for a site, with the cell of a behaviour (malignant primary unless the words say otherwise). */
export function neoplasmPath(ctx: WalkContext, p: Phrase, behavior?: NeoplasmBehavior): IndexPath | undefined {
  if (!ctx.neoplasm) return undefined;
  const w = new Walk(ctx, p);
  const r = w.neoplasmRow(ctx.neoplasm, 0, [], behavior ?? behaviorOf(p.words.map((x) => x.word).join(' ')) ?? 'malignant');
  return r ? finish(ctx, p, formsOf(p, 0), 'neoplasm', r) : undefined;
}

/** The Table of Drugs and Chemicals row for a substance, with the cell of a use (accidental poisoning unless the words say otherwise). */
export function drugPath(ctx: WalkContext, p: Phrase, use?: DrugUse): IndexPath | undefined {
  if (!ctx.drug) return undefined;
  const w = new Walk(ctx, p);
  const r = w.drugRow(ctx.drug, 0, use ?? drugUseOf(p.words.map((x) => x.word).join(' ')) ?? 'accidental');
  return r ? finish(ctx, p, formsOf(p, 0), 'drug', r) : undefined;
}
