import { readFileSync } from 'node:fs';
import { stem } from '../encoder/stem.js';

/**
 * Word normalisation shared by the concept dictionary (built from code-set
 * titles at import time) and the notes it is matched against: case folding,
 * British spellings, canonical words (data/nlp/synonyms.json), the
 * encoder's Porter2 stemmer, and the words that never make a concept on
 * their own.
 */

export interface SynonymData {
  words: Record<string, string[]>;
  /** Adjectives of body sites, by the site's word: read as the site, never a concept alone. */
  siteAdjectives?: Record<string, string[]>;
  abbreviations: Record<string, string>;
  ambiguous: Record<string, string[]>;
}

const SYNONYMS_URL = new URL('../../data/nlp/synonyms.json', import.meta.url);

let synonyms: SynonymData | undefined;
let canonical: Map<string, string> | undefined;
let siteAdjectiveWords: Set<string> | undefined;

export function synonymData(): SynonymData {
  if (!synonyms) {
    synonyms = JSON.parse(readFileSync(SYNONYMS_URL, 'utf8')) as SynonymData;
    canonical = new Map();
    siteAdjectiveWords = new Set();
    for (const [group, list] of [['words', synonyms.words], ['siteAdjectives', synonyms.siteAdjectives ?? {}]] as const) {
      for (const [canon, variants] of Object.entries(list)) {
        for (const v of variants) {
          if (canonical.has(v) && canonical.get(v) !== canon) throw new Error(`synonyms.json: "${v}" is a variant of two words`);
          canonical.set(v, canon);
          if (group === 'siteAdjectives') siteAdjectiveWords.add(v);
        }
      }
    }
  }
  return synonyms;
}

/**
 * Words left out of dictionary keys: they join the words of a title but
 * never decide which concept it is. ("with" and "without" are read by the
 * guideline rules, "no" and "not" by the context rules.)
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'of', 'in', 'on', 'at', 'to', 'for', 'by', 'from', 'with', 'without', 'and', 'or', 'as', 'due', 'into', 'onto', 'than',
  'other', 'unspecified', 'specified', 'nec', 'nos', 'classified', 'elsewhere', 'not', 'no', 'is', 'was', 'are', 'were', 'be', 'been', 'has',
  'had', 'have', 'any', 'its', 'his', 'her', 'their', 'this', 'that', 'these', 'those', 'which', 'who', 'whom', 'mainly', 'also', 'both',
  'involving', 'following', 'associated', 'use', 'additional', 'code', 'codes', 'site', 'sites', 'part', 'parts', 'some', 'such',
  'except', 'so', 'but', 'if', 'then', 'there', 'he', 'she', 'it', 'they', 'we', 'patient', 'patients', 'encounter', 'initial', 'subsequent',
]);

/** Words that may be keys only together with others ("type" matters in "type 2 diabetes", never alone). */
/** British to American spelling, by rule: haem → hem, oedema → edema, tumour → tumor. */
function americanSpelling(w: string): string {
  if (w.length < 5) return w;
  let out = w;
  if (out.includes('ae')) out = out.replace(/([^aeiou])ae(?=[a-z])/g, '$1e').replace(/^ae/, 'e');
  if (out.includes('oe')) out = out.replace(/([^aeiou])oe(?=[a-z])/g, '$1e').replace(/^oe/, 'e');
  if (out.endsWith('our') || out.endsWith('ours')) out = out.replace(/our(s?)$/, 'or$1');
  return out;
}

/** The canonical word a folded word is a variant of (data/nlp/synonyms.json), or undefined. */
export function canonicalWord(norm: string): string | undefined {
  synonymData();
  return canonical!.get(americanSpelling(norm)) ?? (Object.hasOwn(synonyms!.words, norm) || Object.hasOwn(synonyms!.siteAdjectives ?? {}, norm) ? norm : undefined);
}

/** Is the folded word the adjective of a body site (data/nlp/synonyms.json `siteAdjectives`)? */
export function isSiteAdjective(norm: string): boolean {
  synonymData();
  return siteAdjectiveWords!.has(norm);
}

const stemCache = new Map<string, string>();

/**
 * The matching form of a folded word: spelling, canonical word, stem.
 * Returns '' for punctuation.
 */
export function termOf(norm: string): string {
  let t = stemCache.get(norm);
  if (t !== undefined) return t;
  synonymData();
  const us = americanSpelling(norm);
  const canon = canonical!.get(us) ?? canonical!.get(norm) ?? us;
  // Inflammations keep their name: Porter2 would make "cervicitis" "cervical" and "hepatitis" "hepatic".
  t = /itis$/.test(canon) ? canon : /itides$/.test(canon) ? canon.replace(/itides$/, 'itis') : stem(canon);
  if (stemCache.size < 200_000) stemCache.set(norm, t);
  return t;
}

const FILTERS_URL = new URL('../../data/nlp/filters.json', import.meta.url);
export interface WordFilters {
  notAlone: ReadonlySet<string>;
  ignore: ReadonlySet<string>;
  skipMainTerms: ReadonlySet<string>;
  blockCodes: readonly string[];
  /** Words an index main term lists beside its own that name something else ("Simple, simplex"). */
  notVariants: readonly string[];
  /** Endings of adjectives: an adjective read as a noun's term does not make a concept alone. */
  adjectiveEndings: readonly string[];
  /** Words that join the items of a list ("blood and urine"). */
  coordinators: ReadonlySet<string>;
  /** Words of an entry's label that let a coordinator join its words. */
  joinedBy: ReadonlySet<string>;
  /** Supporting documents a learned phrase needs when it shares no word with its code's category. */
  minedUnrelatedSupport: number;
}
let filters: WordFilters | undefined;

/** Words that make no concept alone, note words to ignore, index main terms and codes left out (data/nlp/filters.json). */
export function wordFilters(): WordFilters {
  if (!filters) {
    const d = JSON.parse(readFileSync(FILTERS_URL, 'utf8')) as { notAlone: string[]; ignore: string[]; skipMainTerms?: string[]; blockCodes?: string[]; notVariants?: string[]; adjectiveEndings?: string[]; coordinators?: string[]; joinedBy?: string[]; minedUnrelatedSupport?: number };
    filters = { notAlone: new Set(d.notAlone.map((w) => termOf(w))), ignore: new Set(d.ignore), skipMainTerms: new Set(d.skipMainTerms ?? []), blockCodes: d.blockCodes ?? [], notVariants: d.notVariants ?? [], adjectiveEndings: d.adjectiveEndings ?? [], coordinators: new Set(d.coordinators ?? []), joinedBy: new Set(d.joinedBy ?? []), minedUnrelatedSupport: d.minedUnrelatedSupport ?? 0 };
  }
  return filters;
}

/** Is the folded word one that never counts in a key? */
export function isStopWord(norm: string): boolean {
  return STOP_WORDS.has(norm) || wordFilters().ignore.has(norm);
}
