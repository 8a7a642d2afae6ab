import { normalizeTitle, type AlphabeticIndex, type IndexTerm } from '../icd10cm/alphabetic-index.js';

/**
 * What a "see", "see also" or "see category" reference of the Alphabetic
 * Index points to. References name an entry by its path ("Infarct,
 * myocardium"), send the coder to a table ("Neoplasm, malignant, by site",
 * "Table of Drugs and Chemicals, by drug, poisoning"), to a category
 * ("category M01"), or back to the condition ("condition").
 */
export type Reference =
  | { kind: 'term'; text: string; term: IndexTerm; /** Parts of the reference below `term` that could not be followed. */ rest: string[] }
  | { kind: 'neoplasm'; text: string; behavior?: NeoplasmBehavior; site: string[] }
  | { kind: 'drug'; text: string; column?: DrugUse }
  | { kind: 'condition'; text: string }
  | { kind: 'category'; text: string; code: string }
  | { kind: 'unresolved'; text: string };

export type NeoplasmBehavior = 'malignant' | 'secondary' | 'in-situ' | 'benign' | 'uncertain' | 'unspecified';
export type DrugUse = 'accidental' | 'intentional' | 'assault' | 'undetermined' | 'adverse' | 'underdosing';

/** Behaviour named by words of a reference or a user ("malignant", "ca in situ", "uncertain behavior"). */
export function behaviorOf(text: string): NeoplasmBehavior | undefined {
  const t = normalizeTitle(text);
  if (/\bsecondary\b|\bmetasta/.test(t)) return 'secondary';
  if (/\bin situ\b|\bcis\b/.test(t)) return 'in-situ';
  if (/\bbenign\b/.test(t)) return 'benign';
  if (/\buncertain\b/.test(t)) return 'uncertain';
  if (/\bunspecified\b/.test(t)) return 'unspecified';
  if (/\bmalignan|\bprimary\b|\bcancer\b|\bcarcinoma\b/.test(t)) return 'malignant';
  return undefined;
}

/** The use of a drug named by words ("poisoning", "adverse effect", "underdosing", "self-harm"). */
export function drugUseOf(text: string): DrugUse | undefined {
  const t = normalizeTitle(text);
  if (/\badverse\b|\bside effect/.test(t)) return 'adverse';
  if (/\bunderdos/.test(t)) return 'underdosing';
  if (/\bassault\b|\bhomicid/.test(t)) return 'assault';
  if (/\bintentional\b|\bself harm\b|\bsuicid/.test(t) && !/\bunintentional\b/.test(t)) return 'intentional';
  if (/\bundetermined\b/.test(t)) return 'undetermined';
  if (/\baccident|\bunintentional\b|\bpoison|\boverdose\b/.test(t)) return 'accidental';
  return undefined;
}

/** Key of a title or reference part: normalised, parenthesised modifiers and NEC/NOS left out. */
export function refKey(text: string): string {
  return normalizeTitle(text.replace(/\([^)]*\)/g, ' '))
    .replace(/\b(nec|nos)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Main terms by the key of their first comma part ("Disease, diseased" under "disease"). */
const firstPartMaps = new WeakMap<AlphabeticIndex, Map<string, IndexTerm[]>>();

function mainTermsByFirstPart(index: AlphabeticIndex): Map<string, IndexTerm[]> {
  let m = firstPartMaps.get(index);
  if (!m) {
    m = new Map();
    for (const t of index.mainTerms) {
      for (const key of new Set([refKey(t.title), refKey(t.title.split(',')[0]!)])) {
        const list = m.get(key);
        if (list) list.push(t);
        else m.set(key, [t]);
      }
    }
    firstPartMaps.set(index, m);
  }
  return m;
}

/** Children keyed by refKey of the whole title and of its first comma part. */
const childMaps = new WeakMap<IndexTerm, Map<string, IndexTerm[]>>();

function childrenByKey(term: IndexTerm): Map<string, IndexTerm[]> {
  let m = childMaps.get(term);
  if (!m) {
    m = new Map();
    for (const c of term.children) {
      for (const key of new Set([refKey(c.title), refKey(c.title.split(',')[0]!)])) {
        const list = m.get(key);
        if (list) list.push(c);
        else m.set(key, [c]);
      }
    }
    childMaps.set(term, m);
  }
  return m;
}

/** Follow reference parts below a term, joining parts where a title holds a comma; returns the deepest entry reached. */
export function followParts(start: IndexTerm, parts: readonly string[]): { term: IndexTerm; rest: string[] } {
  let cur = start;
  let i = 0;
  outer: while (i < parts.length) {
    const byKey = childrenByKey(cur);
    for (let j = parts.length; j > i; j--) {
      const key = refKey(parts.slice(i, j).join(', '));
      const hit = byKey.get(key)?.[0];
      if (hit) {
        cur = hit;
        i = j;
        continue outer;
      }
    }
    break;
  }
  return { term: cur, rest: parts.slice(i) };
}

const CATEGORY = /\b(?:sub)?category\s+([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{0,4})?-?)/i;

/** Resolve a reference text against an index. */
export function resolveReference(index: AlphabeticIndex, text: string): Reference {
  const clean = text.replace(/\s+/g, ' ').replace(/\.{3}/g, '').trim();
  const key = refKey(clean);
  const cat = CATEGORY.exec(clean);
  if (cat) return { kind: 'category', text, code: cat[1]!.toUpperCase() };
  if (/^(also )?(specific |the )?condition\b/.test(key) || key === 'specific condition') return { kind: 'condition', text };
  if (/^table of drugs/.test(key)) {
    const use = drugUseOf(clean);
    return use ? { kind: 'drug', text, column: use } : { kind: 'drug', text };
  }
  const parts = clean.split(/\s*,\s*/).filter(Boolean);
  if (parts.length && /^neoplasm/.test(refKey(parts[0]!)) && index.kind === 'index') {
    const behavior = behaviorOf(parts.slice(1).join(' '));
    const site = parts.slice(1).filter((p) => !behaviorOf(p) && !/^by site$/i.test(p.trim()) && !/^(neoplastic)$/i.test(p.trim()));
    return behavior ? { kind: 'neoplasm', text, behavior, site } : { kind: 'neoplasm', text, site };
  }
  const byFirst = mainTermsByFirstPart(index);
  // The longest leading run of parts that names a main term ("Diabetes, diabetic" has a comma of its own).
  for (let k = parts.length; k >= 1; k--) {
    const mains = byFirst.get(refKey(parts.slice(0, k).join(', ')));
    if (!mains) continue;
    let best: { term: IndexTerm; rest: string[] } | undefined;
    for (const m of mains) {
      const r = followParts(m, parts.slice(k));
      if (!best || r.rest.length < best.rest.length) best = r;
    }
    if (best) return { kind: 'term', text, term: best.term, rest: best.rest.filter((p) => !/^by site$/i.test(p)) };
  }
  return { kind: 'unresolved', text };
}
