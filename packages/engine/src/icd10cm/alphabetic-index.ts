import { MedcoderError } from '../errors.js';
import type { CodeSets, DateOptions } from '../releases/registry.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import { readReleaseFile } from '../releases/store.js';
import { lowerBound } from '../util/sorted.js';

/**
 * The ICD-10-CM Alphabetic Index, Table of Neoplasms, Table of Drugs and
 * Chemicals and External Cause Index: the compiled form written into each
 * release folder, and the in-memory accessor an encoder walks.
 */

/** The four index publications of an ICD-10-CM release. */
export type IndexKind = 'index' | 'neoplasm' | 'drug' | 'eindex';

export const INDEX_KINDS: readonly IndexKind[] = ['index', 'neoplasm', 'drug', 'eindex'];

/** Data file of each index in a compiled release folder. */
export const INDEX_FILES: Readonly<Record<IndexKind, string>> = {
  index: 'index.json',
  neoplasm: 'neoplasm.json',
  drug: 'drug.json',
  eindex: 'eindex.json',
};

/** Source-file kind (sources/detect.ts) of each index. */
export const INDEX_SOURCE_KINDS: Readonly<Record<IndexKind, string>> = {
  index: 'icd10cm.index',
  neoplasm: 'icd10cm.neoplasm',
  drug: 'icd10cm.drug',
  eindex: 'icd10cm.eindex',
};

/** Manifest count of each index (number of mainTerm and term entries of the file). */
export const INDEX_COUNT_NAMES: Readonly<Record<IndexKind, string>> = {
  index: 'indexTerms',
  neoplasm: 'neoplasmRows',
  drug: 'drugRows',
  eindex: 'eindexTerms',
};

export const INDEX_LABELS: Readonly<Record<IndexKind, string>> = {
  index: 'Alphabetic Index',
  neoplasm: 'Table of Neoplasms',
  drug: 'Table of Drugs and Chemicals',
  eindex: 'External Cause Index',
};

/** Format of the compiled index files; the loader refuses others. */
export const INDEX_FORMAT = 1;

/**
 * One entry of an index (a `<mainTerm>` or `<term>`), with short keys to keep
 * the files small. Absent keys mean the element was absent.
 */
export interface CompiledTerm {
  /** Title without its nonessential modifiers, white space collapsed. */
  t: string;
  /** Nonessential modifiers (`<nemod>`), in document order, e.g. ["(mellitus) (sugar)"]. */
  n?: string[];
  /** The title as printed, modifiers in place; only when a modifier is not at the end (e.g. "autonomic (poly)neuropathy"). */
  f?: string;
  /** The file's `level` attribute; only when it differs from the nesting depth (main term 0, its subterms 1, …). */
  l?: number;
  /** `<code>`: the code the entry leads to (may end with "-": more characters are required). */
  c?: string;
  /** `<manif>`: manifestation code, printed in brackets after the code. */
  m?: string;
  /** `<see>`: the entry to look at instead. */
  s?: string;
  /** `<seeAlso>`. */
  a?: string;
  /** `<seecat>` / `<seeCat>`: the category to look at. */
  sc?: string;
  /** `<subcat>`. */
  sb?: string;
  /** `<warning>`. */
  w?: string;
  /** Table cells by column: `v[i]` belongs to column `i + 1` (see `CompiledIndexFile.columns`); null where the table has none ("-", "--"). */
  v?: Array<string | null>;
  /** Subterms in document order. */
  k?: CompiledTerm[];
}

/** A letter of the index with its main terms. */
export interface CompiledLetter {
  t: string;
  k: CompiledTerm[];
}

/** One compiled index file (index.json, neoplasm.json, drug.json, eindex.json). */
export interface CompiledIndexFile {
  format: number;
  kind: IndexKind;
  /** `<version>` of the source file (the fiscal year). */
  version?: number;
  /** The document's own title, when it has one. */
  title?: string;
  /** Display path of the source file. */
  source: string;
  /** Tables only: headings by column, `columns[i]` for column `i + 1` (column 1 heads the row titles, e.g. "Substance"). */
  columns?: string[];
  letters: CompiledLetter[];
  counts: { mainTerms: number; terms: number; cells: number };
}

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * Key under which titles are matched: lower case, accents dropped, every run
 * of punctuation or white space made one space. "Diabetes, diabetic" and
 * "diabetes diabetic" share a key.
 */
export function normalizeTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** True for a code the index writes with a trailing "-": more characters must be chosen in the Tabular List. */
export function isIncompleteCode(code: string): boolean {
  return code.endsWith('-');
}

/** An entry of an index, in memory. Subterms are `children`, the entry above is `parent`. */
export class IndexTerm {
  readonly children: readonly IndexTerm[];
  private key_: string | undefined;
  private childMap: Map<string, IndexTerm[]> | undefined;

  constructor(
    /** The compiled entry (shared, not copied). */
    readonly raw: CompiledTerm,
    readonly parent: IndexTerm | undefined,
    /** Nesting depth: 0 for a main term. */
    readonly depth: number,
    /** The index the entry belongs to. */
    readonly index: AlphabeticIndex,
  ) {
    this.children = raw.k ? raw.k.map((k) => new IndexTerm(k, this, depth + 1, index)) : EMPTY;
  }

  get title(): string {
    return this.raw.t;
  }
  get nemod(): readonly string[] {
    return this.raw.n ?? EMPTY;
  }
  /** The title as the printed index shows it, with its nonessential modifiers. */
  get printedTitle(): string {
    if (this.raw.f) return this.raw.f;
    return this.raw.n ? `${this.raw.t} ${this.raw.n.join(' ')}`.trim() : this.raw.t;
  }
  /** Indent level as the file gives it: 0 for a main term, 1 for its subterms, … */
  get level(): number {
    return this.raw.l ?? this.depth;
  }
  get code(): string | undefined {
    return this.raw.c;
  }
  get manif(): string | undefined {
    return this.raw.m;
  }
  get see(): string | undefined {
    return this.raw.s;
  }
  get seeAlso(): string | undefined {
    return this.raw.a;
  }
  get seeCat(): string | undefined {
    return this.raw.sc;
  }
  get subcat(): string | undefined {
    return this.raw.sb;
  }
  get warning(): string | undefined {
    return this.raw.w;
  }
  get isMainTerm(): boolean {
    return this.parent === undefined;
  }
  /** The normalised title (see normalizeTitle). */
  get key(): string {
    return (this.key_ ??= normalizeTitle(this.raw.t));
  }

  /** Table cells by column heading; undefined for entries without cells (and outside tables). */
  get cells(): Readonly<Record<string, string | null>> | undefined {
    const v = this.raw.v;
    if (!v) return undefined;
    const out: Record<string, string | null> = {};
    this.index.valueColumns.forEach(({ name, position }) => {
      out[name] = v[position] ?? null;
    });
    return out;
  }

  /** One cell by heading (as in `columns`, or normalised) or by 1-based column number. */
  cell(column: string | number): string | null | undefined {
    const v = this.raw.v;
    if (!v) return undefined;
    const pos = typeof column === 'number' ? column - 1 : this.index.columnPosition(column);
    if (pos === undefined || pos < 0) return undefined;
    return v[pos] ?? null;
  }

  /** Titles from the main term down to this entry. */
  path(): string[] {
    const out: string[] = [];
    for (let t: IndexTerm | undefined = this; t; t = t.parent) out.push(t.title);
    return out.reverse();
  }

  /** The main term this entry is under (itself for a main term). */
  mainTerm(): IndexTerm {
    let t: IndexTerm = this;
    while (t.parent) t = t.parent;
    return t;
  }

  /** Subterms whose title matches (normalised). */
  childrenNamed(title: string): readonly IndexTerm[] {
    const key = normalizeTitle(title);
    if (this.children.length <= 8) return this.children.filter((c) => c.key === key);
    if (!this.childMap) {
      this.childMap = new Map();
      for (const c of this.children) {
        const list = this.childMap.get(c.key);
        if (list) list.push(c);
        else this.childMap.set(c.key, [c]);
      }
    }
    return this.childMap.get(key) ?? EMPTY;
  }

  /** The first subterm whose title matches (normalised). */
  child(title: string): IndexTerm | undefined {
    return this.childrenNamed(title)[0];
  }

  /** Follow subterm titles down from this entry; undefined when one is missing. */
  find(path: readonly string[]): IndexTerm | undefined {
    let cur: IndexTerm | undefined = this;
    for (const title of path) {
      cur = cur.child(title);
      if (!cur) return undefined;
    }
    return cur;
  }

  /** This entry and every entry below it, depth first in document order. */
  *walk(): Generator<IndexTerm> {
    yield this;
    for (const c of this.children) yield* c.walk();
  }
}

/** One row of the Table of Neoplasms or the Table of Drugs and Chemicals. */
export interface TableRow {
  term: IndexTerm;
  /** Titles from the main term down to the row. */
  path: string[];
  /** Cells by column heading (null where the table has none). */
  cells: Record<string, string | null>;
  see?: string;
  seeAlso?: string;
}

/**
 * One compiled index in memory. Main terms are found by normalised title
 * through a Map; subterms hang below them as `children`.
 */
export class AlphabeticIndex {
  readonly kind: IndexKind;
  readonly version: number | undefined;
  readonly title: string | undefined;
  readonly source: string;
  /** Headings by column (tables only); `columns[i]` is column `i + 1`. */
  readonly columns: readonly string[];
  readonly letters: ReadonlyArray<{ title: string; mainTerms: readonly IndexTerm[] }>;
  readonly mainTerms: readonly IndexTerm[];
  /** Number of entries (main terms and subterms). */
  readonly size: number;
  /** Columns that hold cells (every heading but the first, the row titles'). */
  readonly valueColumns: ReadonlyArray<{ name: string; position: number }>;
  private readonly byKey = new Map<string, IndexTerm[]>();
  private readonly columnByKey = new Map<string, number>();
  private sortedKeys: string[] | undefined;

  constructor(
    readonly data: CompiledIndexFile,
    /** The release whose folder holds the file. */
    readonly release: string,
  ) {
    this.kind = data.kind;
    this.version = data.version;
    this.title = data.title;
    this.source = data.source;
    this.columns = data.columns ?? EMPTY;
    this.valueColumns = this.columns.map((name, position) => ({ name, position })).filter((c) => c.position > 0);
    this.columns.forEach((name, i) => {
      if (!this.columnByKey.has(name)) this.columnByKey.set(name, i);
      const key = normalizeTitle(name);
      if (!this.columnByKey.has(key)) this.columnByKey.set(key, i);
    });
    const all: IndexTerm[] = [];
    this.letters = data.letters.map((l) => {
      const mainTerms = l.k.map((k) => new IndexTerm(k, undefined, 0, this));
      all.push(...mainTerms);
      return { title: l.t, mainTerms };
    });
    this.mainTerms = all;
    for (const t of all) {
      const list = this.byKey.get(t.key);
      if (list) list.push(t);
      else this.byKey.set(t.key, [t]);
    }
    this.size = data.counts.mainTerms + data.counts.terms;
  }

  /** Array position of a column by heading (exact or normalised). */
  columnPosition(column: string): number | undefined {
    return this.columnByKey.get(column) ?? this.columnByKey.get(normalizeTitle(column));
  }

  /** The first main term with this title (case and punctuation ignored). */
  mainTerm(title: string): IndexTerm | undefined {
    return this.byKey.get(normalizeTitle(title))?.[0];
  }

  /** Every main term with this title (a few titles appear under two letters, e.g. "2,4-D" under "#" and "D"). */
  mainTermsNamed(title: string): readonly IndexTerm[] {
    return this.byKey.get(normalizeTitle(title)) ?? EMPTY;
  }

  /** Main terms whose normalised title starts with the normalised prefix, in key order. */
  mainTermsStartingWith(prefix: string, limit = 50): IndexTerm[] {
    const keys = (this.sortedKeys ??= [...this.byKey.keys()].sort());
    const p = normalizeTitle(prefix);
    const out: IndexTerm[] = [];
    for (let i = lowerBound(keys, p); i < keys.length && keys[i]!.startsWith(p) && out.length < limit; i++) {
      for (const t of this.byKey.get(keys[i]!)!) if (out.length < limit) out.push(t);
    }
    return out;
  }

  /**
   * The entry at a path of titles, main term first, e.g.
   * ['Diabetes, diabetic', 'type 2', 'with', 'chronic kidney disease'].
   * Where a main-term title repeats, each is tried in order.
   */
  find(path: readonly string[]): IndexTerm | undefined {
    const [head, ...rest] = path;
    if (head === undefined) return undefined;
    for (const main of this.mainTermsNamed(head)) {
      const found = main.find(rest);
      if (found) return found;
    }
    return undefined;
  }

  /** Every entry, depth first in document order. */
  *walk(): Generator<IndexTerm> {
    for (const t of this.mainTerms) yield* t.walk();
  }

  /** A table row for an entry (tables only). */
  rowOf(term: IndexTerm): TableRow {
    return {
      term,
      path: term.path(),
      cells: { ...(term.cells ?? this.emptyCells()) },
      ...(term.see ? { see: term.see } : {}),
      ...(term.seeAlso ? { seeAlso: term.seeAlso } : {}),
    };
  }

  private emptyCells(): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    for (const c of this.valueColumns) out[c.name] = null;
    return out;
  }
}

/** The Table of Neoplasms: one main term ("Neoplasm, neoplastic") with anatomical sites below it. */
export class NeoplasmTable extends AlphabeticIndex {
  /**
   * The row of a site, by its path below the table's main term, e.g.
   * ['abdomen, abdominal'] or ['abdomen, abdominal', 'wall']. A path may also
   * start with the main term's title; an empty path is the main term's own row.
   */
  site(path: string | readonly string[]): TableRow | undefined {
    const parts = typeof path === 'string' ? [path] : path;
    for (const main of this.mainTerms) {
      const rest = parts.length && parts[0] !== undefined && normalizeTitle(parts[0]) === main.key ? parts.slice(1) : parts;
      const t = main.find(rest);
      if (t) return this.rowOf(t);
    }
    return undefined;
  }
}

/** The Table of Drugs and Chemicals: substances with poisoning, adverse effect and underdosing columns. */
export class DrugTable extends AlphabeticIndex {
  /** The row of a substance by name, or by a path (['Acid', 'acetic']). */
  substance(name: string | readonly string[]): TableRow | undefined {
    const t = typeof name === 'string' ? this.mainTerm(name) : this.find(name);
    return t ? this.rowOf(t) : undefined;
  }

  /** Every main-term row with this name (a few substances are listed twice). */
  substances(name: string): TableRow[] {
    return this.mainTermsNamed(name).map((t) => this.rowOf(t));
  }
}

/** The indexes a release uses, its own or an older release's (see `from`). */
export interface IcdIndexes {
  /** The release asked for. */
  release: string;
  index?: AlphabeticIndex;
  neoplasm?: NeoplasmTable;
  drug?: DrugTable;
  eindex?: AlphabeticIndex;
  /** For each index present: the release whose files hold it. */
  from: Partial<Record<IndexKind, string>>;
}

/** Wrap a compiled file in the accessor of its kind. */
export function openIndex(data: CompiledIndexFile, release: string): AlphabeticIndex {
  if (data.kind === 'neoplasm') return new NeoplasmTable(data, release);
  if (data.kind === 'drug') return new DrugTable(data, release);
  return new AlphabeticIndex(data, release);
}

/** Loaded index files, per CodeSets, keyed "release/file", so releases sharing a donor share one copy. */
const cache = new WeakMap<CodeSets, Map<string, Promise<AlphabeticIndex>>>();

/**
 * Which release holds each index file for a release: its own folder when the
 * manifest lists the file, else the release its provenance names.
 */
export function indexSources(manifest: ReleaseManifest): Partial<Record<IndexKind, string>> {
  const out: Partial<Record<IndexKind, string>> = {};
  for (const kind of INDEX_KINDS) {
    if (manifest.files.includes(INDEX_FILES[kind])) out[kind] = manifest.id;
    else if (manifest.provenance?.[kind]) out[kind] = manifest.provenance[kind];
  }
  return out;
}

function loadFile(codeSets: CodeSets, holder: string, kind: IndexKind, asked: string): Promise<AlphabeticIndex> {
  let perHome = cache.get(codeSets);
  if (!perHome) cache.set(codeSets, (perHome = new Map()));
  const file = INDEX_FILES[kind];
  const key = `${holder}/${file}`;
  let p = perHome.get(key);
  if (!p) {
    p = (async () => {
      const m = codeSets.manifests.find((x) => x.id === holder);
      if (!m) {
        throw new MedcoderError('RELEASE_NOT_FOUND', `${asked} takes its ${INDEX_LABELS[kind]} from ${holder}, which is not compiled in ${codeSets.home}; run "medcoder codesets import"`, { release: holder });
      }
      if (!m.files.includes(file)) {
        throw new MedcoderError('RELEASE_CORRUPT', `${asked} takes its ${INDEX_LABELS[kind]} from ${holder}, which has no ${file}; run "medcoder codesets import --force"`, { release: holder, file });
      }
      const data = (await readReleaseFile(codeSets.home, holder, file)) as CompiledIndexFile;
      if (!data || data.format !== INDEX_FORMAT || data.kind !== kind || !Array.isArray(data.letters)) {
        throw new MedcoderError('RELEASE_CORRUPT', `${holder}/${file} is not a compiled ${INDEX_LABELS[kind]} of format ${INDEX_FORMAT}; run "medcoder codesets import --force"`, { release: holder, file });
      }
      return openIndex(data, holder);
    })();
    p.catch(() => perHome.delete(key));
    perHome.set(key, p);
  }
  return p;
}

/**
 * The Alphabetic Index and tables of an ICD-10-CM release: the release's own
 * files, and for those it lacks the files of the release its provenance names
 * (e.g. FY2026 takes the Alphabetic Index from icd10cm-2017). Loaded once per
 * CodeSets; releases that share a donor share the loaded copy.
 */
export async function loadIndexes(codeSets: CodeSets, releaseId: string): Promise<IcdIndexes> {
  const m = codeSets.manifests.find((x) => x.id === releaseId);
  if (!m) throw new MedcoderError('RELEASE_NOT_FOUND', `no compiled release "${releaseId}" in ${codeSets.home}`, { release: releaseId });
  if (m.system !== 'icd10cm') {
    throw new MedcoderError('INVALID_ARGUMENT', `${releaseId} is not an ICD-10-CM release; only ICD-10-CM has an Alphabetic Index and tables`, { release: releaseId });
  }
  const sources = indexSources(m);
  const out: IcdIndexes = { release: releaseId, from: sources };
  const loaded = await Promise.all(
    INDEX_KINDS.filter((k) => sources[k]).map(async (k) => [k, await loadFile(codeSets, sources[k]!, k, releaseId)] as const),
  );
  for (const [kind, idx] of loaded) {
    if (kind === 'neoplasm') out.neoplasm = idx as NeoplasmTable;
    else if (kind === 'drug') out.drug = idx as DrugTable;
    else out[kind] = idx;
  }
  return out;
}

/** The indexes of the ICD-10-CM release in force on a date of service (see CodeSets.resolve). */
export async function loadIndexesOn(codeSets: CodeSets, opts: DateOptions = {}): Promise<IcdIndexes & { warnings: string[] }> {
  const r = codeSets.resolve('icd10cm', opts);
  return { ...(await loadIndexes(codeSets, r.manifest.id)), warnings: r.warnings };
}
