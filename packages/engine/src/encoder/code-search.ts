import { MedcoderError, isMedcoderError } from '../errors.js';
import { normalizeCm } from '../icd10cm/code.js';
import type { ReleaseRef } from '../lookup.js';
import type { CodeSets, DateOptions } from '../releases/registry.js';
import { readReleaseBytes } from '../releases/store.js';
import { isCodeSystem, SYSTEM_LABELS, type CodeSystem } from '../systems.js';
import { queryRewriter } from './abbreviations.js';
import { codePrefix, prepareRanking, rank, rankBound, resolveTerms, type QueryTerm } from './search.js';
import { SEARCH_FILE, SearchIndex, type EntryKind } from './search-index.js';
import { MAX_QUERY_CHARS } from './tokenize.js';

/** Systems the encoder searches when none is named. */
export const SEARCH_SYSTEMS: readonly CodeSystem[] = ['icd10cm', 'icd10pcs', 'hcpcs', 'cpt'];

export interface SearchOptions extends DateOptions {
  /** Systems to search (default: ICD-10-CM, ICD-10-PCS, HCPCS, and CPT when a CPT file was imported). */
  systems?: readonly string[];
  /** Most results (default 20, at most 500). */
  limit?: number;
  /** Only codes that may be reported. */
  billableOnly?: boolean;
  /** ICD-10-CM chapter number (e.g. "4") or ICD-10-PCS section character (e.g. "0"). */
  chapter?: string;
  /** Treat the last word as the start of a word (type-ahead). Default true. */
  typeahead?: boolean;
}

export interface SearchHit {
  system: CodeSystem;
  code: string;
  title: string;
  billable: boolean;
  /** category, subcategory, code, extension (ICD-10-CM); code, table, prefix (ICD-10-PCS); code, modifier (HCPCS). */
  kind: string;
  score: number;
  /** The text that matched best, and where it comes from (title, inclusion term, index path, …). */
  matched: { kind: EntryKind | 'code'; text: string };
  release: string;
  chapter?: string;
}

export interface SearchAnswer {
  query: string;
  /** code: answered by code prefix; text: ranked search; empty: nothing to search for. */
  mode: 'code' | 'text' | 'empty';
  hits: SearchHit[];
  /** Abbreviations and phrases expanded. */
  expansions: Array<{ from: string; to: string }>;
  /** Words corrected or completed (first system's vocabulary). */
  corrections: Array<{ from: string; to: string }>;
  releases: Array<{ system: CodeSystem; release: ReleaseRef }>;
  warnings: string[];
}

/** A release's search index, loaded. */
export interface LoadedSearch {
  system: CodeSystem;
  ref: ReleaseRef;
  index: SearchIndex;
}

const cache = new WeakMap<CodeSets, Map<string, Promise<SearchIndex>>>();

/** The search index of a compiled release (read once per CodeSets). */
export function searchIndexOf(cs: CodeSets, releaseId: string): Promise<SearchIndex> {
  let perHome = cache.get(cs);
  if (!perHome) cache.set(cs, (perHome = new Map()));
  let p = perHome.get(releaseId);
  if (!p) {
    p = (async () => {
      const m = cs.manifests.find((x) => x.id === releaseId);
      if (!m) throw new MedcoderError('RELEASE_NOT_FOUND', `no compiled release "${releaseId}" in ${cs.home}`, { release: releaseId });
      if (!m.files.includes(SEARCH_FILE)) {
        throw new MedcoderError('RELEASE_CORRUPT', `${m.label} was compiled without a search index; run "medcoder codesets import --force"`, { release: releaseId });
      }
      const { bytes, path } = await readReleaseBytes(cs.home, releaseId, SEARCH_FILE);
      const index = new SearchIndex(bytes, path);
      // The ranking's scratch arrays now, so the first query costs what the others do.
      prepareRanking(index);
      return index;
    })();
    p.catch(() => perHome.delete(releaseId));
    perHome.set(releaseId, p);
  }
  return p;
}

/**
 * Load the search indexes of the releases in force on a date. Systems not
 * named explicitly are skipped when they have no compiled release (CPT
 * without a licensed file); a named one without a release is an error.
 */
export async function loadSearch(cs: CodeSets, opts: SearchOptions = {}): Promise<{ loaded: LoadedSearch[]; warnings: string[] }> {
  const named = opts.systems && opts.systems.length ? opts.systems : undefined;
  for (const s of named ?? []) {
    if (!isCodeSystem(s)) throw new MedcoderError('UNKNOWN_SYSTEM', `unknown code system "${s}" (icd10cm, icd10pcs, hcpcs, cpt)`, { field: 'system', value: s });
    if (!SEARCH_SYSTEMS.includes(s)) throw new MedcoderError('INVALID_ARGUMENT', `the encoder searches ${SEARCH_SYSTEMS.join(', ')}; ${SYSTEM_LABELS[s]} is not searchable`, { field: 'system', value: s });
  }
  const systems = (named ?? SEARCH_SYSTEMS) as CodeSystem[];
  const warnings: string[] = [];
  const loaded: LoadedSearch[] = [];
  await Promise.all(
    systems.map(async (system) => {
      if (!named && cs.releases(system).length === 0) return;
      try {
        const r = cs.resolve(system, opts);
        warnings.push(...r.warnings);
        loaded.push({ system, ref: r.ref, index: await searchIndexOf(cs, r.manifest.id) });
      } catch (e) {
        // Unnamed systems with no release for the date are left out; the others say why.
        if (named || !isMedcoderError(e) || e.code !== 'NO_RELEASE_FOR_DATE') throw e;
        warnings.push(e.message);
      }
    }),
  );
  loaded.sort((a, b) => systems.indexOf(a.system) - systems.indexOf(b.system));
  return { loaded, warnings };
}

/** Code prefixes a query could stand for, by system; undefined when it does not look like a code. */
export function codeShapes(query: string): Partial<Record<CodeSystem, string>> | undefined {
  const trimmed = query.trim();
  if (trimmed.length < 3 || trimmed.length > 9 || /\s/.test(trimmed)) return undefined;
  // (Upper case may lengthen a word with letters beyond ASCII: "ß" becomes "SS".)
  const q = trimmed.toUpperCase();
  if (q.length > 9) return undefined;
  const out: Partial<Record<CodeSystem, string>> = {};
  if (/^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{0,4}|\.)$/.test(q)) out.icd10cm = normalizeCm(q.replace(/\.$/, ''));
  if (/^[0-9A-HJ-NP-Z]{3,7}$/.test(q) && /[0-9]/.test(q)) out.icd10pcs = q;
  if (/^[A-V][0-9]{1,4}$/.test(q)) out.hcpcs = q;
  if (/^[0-9]{3,5}$/.test(q) || /^[0-9]{4}[FTUM]$/.test(q)) out.cpt = q;
  return Object.keys(out).length ? out : undefined;
}

/** A hit of a document: matched by its code (entry -1) or by an entry, whose text is the title's when it shows the title. */
function hitOf(l: LoadedSearch, doc: number, score: number, entry: number): SearchHit {
  const ix = l.index;
  const chapter = ix.chapter(doc);
  const code = ix.code(doc);
  const title = ix.title(doc);
  const matched: SearchHit['matched'] = entry < 0 ? { kind: 'code', text: code } : { kind: ix.entryKindName(entry), text: ix.showsTitle(entry) ? title : ix.entryText(entry) };
  const hit: SearchHit = {
    system: l.system,
    code,
    title,
    billable: ix.billable(doc),
    kind: ix.kind(doc),
    score: Math.round(score * 1000) / 1000,
    matched,
    release: l.ref.id,
  };
  if (chapter !== undefined) hit.chapter = chapter;
  return hit;
}

/** The best `limit` scores offered, descending, in an array reused from query to query (queries run one at a time). */
const kept = new Float64Array(500);
let keptCount = 0;
let keptLimit = 0;
function bestScores(limit: number): { add(score: number): void; kth(): number } {
  keptCount = 0;
  keptLimit = Math.min(limit, kept.length);
  return keeper;
}
const keeper = {
  add(score: number): void {
    if (keptCount === keptLimit && !(score > kept[keptCount - 1]!)) return;
    let i = keptCount < keptLimit ? keptCount++ : keptCount - 1;
    while (i > 0 && kept[i - 1]! < score) {
      kept[i] = kept[i - 1]!;
      i--;
    }
    kept[i] = score;
  },
  /** The limit-th best score, 0 while fewer are kept. */
  kth(): number {
    return keptCount >= keptLimit && keptLimit > 0 ? kept[keptLimit - 1]! : 0;
  },
};

/** Check a query's size and characters; throws for input no search should run on. */
export function checkQuery(query: unknown): string {
  if (typeof query !== 'string') throw new MedcoderError('INVALID_ARGUMENT', 'the query must be text', { field: 'query' });
  if (query.length > MAX_QUERY_CHARS) {
    throw new MedcoderError('INVALID_ARGUMENT', `the query has ${query.length} characters; at most ${MAX_QUERY_CHARS} are read`, { field: 'query', length: query.length });
  }
  return query;
}

/** Search loaded indexes (synchronous; see searchCodes for the loading). */
export function searchLoaded(loaded: readonly LoadedSearch[], query: string, opts: SearchOptions = {}): Omit<SearchAnswer, 'warnings'> {
  checkQuery(query);
  const limit = Math.max(1, Math.min(500, Math.floor(opts.limit ?? 20)));
  const releases = loaded.map((l) => ({ system: l.system, release: l.ref }));
  const base = { query, releases, expansions: [] as SearchAnswer['expansions'], corrections: [] as SearchAnswer['corrections'] };
  const filters = { ...(opts.billableOnly ? { billableOnly: true } : {}), ...(opts.chapter !== undefined ? { chapter: String(opts.chapter) } : {}) };

  const shapes = codeShapes(query);
  if (shapes) {
    const hits: SearchHit[] = [];
    for (const l of loaded) {
      const prefix = shapes[l.system];
      if (!prefix) continue;
      for (const doc of codePrefix(l.index, prefix, { limit: limit - hits.length, ...filters })) {
        hits.push(hitOf(l, doc, 1, -1));
      }
      if (hits.length >= limit) break;
    }
    if (hits.length) return { ...base, mode: 'code', hits };
  }

  const rewritten = queryRewriter().rewrite(query);
  if (rewritten.words.length === 0) return { ...base, mode: 'empty', hits: [] };
  const typeahead = opts.typeahead !== false && !/\s$/.test(query);
  const corrected = new Map<string, string>();
  // Words some system knows as typed: never corrected or completed in the others.
  const known = new Set<string>();
  for (const w of rewritten.words) if (loaded.some((l) => l.index.termOfWord(w.word) >= 0)) known.add(w.word);
  const resolved = loaded.map((l) => {
    const terms: QueryTerm[] = resolveTerms(l.index, rewritten, typeahead, known);
    for (const t of terms) {
      if (t.replacedBy && !corrected.has(t.surface)) corrected.set(t.surface, t.replacedBy);
    }
    return { l, terms, bound: rankBound(l.index, terms), hits: [] as Array<{ doc: number; entry: number; score: number }> };
  });
  // Systems that could score highest first; a system whose bound is below the limit-th score found cannot place a hit.
  const floors = bestScores(limit);
  // (An insertion sort, stable as sort is, of the few systems.)
  const byBound: typeof resolved = [];
  for (const r of resolved) {
    let k = byBound.length;
    while (k > 0 && byBound[k - 1]!.bound < r.bound) k--;
    byBound.splice(k, 0, r);
  }
  for (const r of byBound) {
    const floor = floors.kth();
    if (r.bound < floor) continue;
    r.hits = rank(r.l.index, r.terms, { limit, floor, ...filters });
    for (const h of r.hits) floors.add(h.score);
  }
  // The systems' hits merged, best first (each system's are): on equal scores the system named first, then its own order.
  const hits: SearchHit[] = [];
  const at = new Int32Array(resolved.length);
  while (hits.length < limit) {
    let pick = -1;
    let top = -Infinity;
    for (let i = 0; i < resolved.length; i++) {
      const h = resolved[i]!.hits[at[i]!];
      if (h !== undefined && h.score > top) {
        top = h.score;
        pick = i;
      }
    }
    if (pick < 0) break;
    const { l, hits: list } = resolved[pick]!;
    const h = list[at[pick]!++]!;
    hits.push(hitOf(l, h.doc, h.score, h.entry));
  }
  // A word one system knows as typed is not reported as corrected by another.
  const corrections = [...corrected].filter(([from]) => !known.has(from)).map(([from, to]) => ({ from, to }));
  return { ...base, mode: 'text', hits, expansions: rewritten.expansions, corrections };
}

/**
 * Search codes by words or by code: ICD-10-CM titles, inclusion terms and
 * index entries, ICD-10-PCS titles and definitions, HCPCS and CPT
 * descriptors, in the releases in force on the date of service.
 */
export async function searchCodes(cs: CodeSets, query: string, opts: SearchOptions = {}): Promise<SearchAnswer> {
  checkQuery(query);
  const { loaded, warnings } = await loadSearch(cs, opts);
  const answer = searchLoaded(loaded, query, opts);
  const rewritten = answer.mode === 'text' ? queryRewriter().rewrite(query) : undefined;
  if (rewritten?.truncated) warnings.push('only the first words of the query were read');
  return { ...answer, warnings };
}
