import { readFileSync } from 'node:fs';
import { MedcoderError } from '../errors.js';
import { foldText, MAX_QUERY_WORDS, splitWords } from './tokenize.js';

/**
 * Query rewriting from data/encoder/abbreviations.json: written shorthands
 * ("w/o"), clinical abbreviations and lay names ("CHF", "CKD 3a", "heart
 * attack") and spelling variants ("oedema"). The rules are data; this module
 * only applies them.
 */

export interface AbbreviationData {
  symbols: Record<string, string>;
  phrases: Record<string, string>;
  spelling: Record<string, string>;
}

/** One word of a rewritten query. */
export interface QueryWord {
  /** Folded word (lower case, no accents). */
  word: string;
  /** A word the user typed that an expansion replaced: it may match, but a result need not contain it. */
  optional: boolean;
  /** The abbreviation or phrase the word came from, when it was expanded. */
  from?: string;
}

export interface RewrittenQuery {
  words: QueryWord[];
  /** Expansions applied, for display ("chf" → "congestive heart failure"). */
  expansions: Array<{ from: string; to: string }>;
  /** Words beyond MAX_QUERY_WORDS were dropped. */
  truncated: boolean;
}

const NUMBER = /^[0-9]+[a-z]?$/;

interface PhraseRule {
  key: string;
  /** Each word: a literal, '#' for a number, or a regular expression for a word with '#' inside ("dm#"). */
  parts: Array<string | RegExp>;
  expansion: string;
}

const DATA_URL = new URL('../../data/encoder/abbreviations.json', import.meta.url);

export class QueryRewriter {
  private readonly symbolPattern: RegExp | undefined;
  private readonly symbols: Map<string, string>;
  /** Rules by their first word (literal first words). */
  private readonly byFirst = new Map<string, PhraseRule[]>();
  /** Rules whose first word is a pattern. */
  private readonly patterned: PhraseRule[] = [];
  private readonly spelling: Map<string, string>;

  constructor(data: AbbreviationData) {
    this.symbols = new Map(Object.entries(data.symbols).map(([k, v]) => [foldText(k), v]));
    const keys = [...this.symbols.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    this.symbolPattern = keys.length ? new RegExp(`(^|[^a-z0-9])(${keys.join('|')})(?=$|[^a-z0-9])`, 'g') : undefined;
    for (const [key, expansion] of Object.entries(data.phrases)) {
      const parts = key
        .toLowerCase()
        .split(/\s+/)
        .filter(Boolean)
        .map((w) => (w === '#' ? '#' : w.includes('#') ? new RegExp(`^${w.replace('#', '([0-9]+[a-z]?)')}$`) : w));
      if (parts.length === 0) continue;
      const rule: PhraseRule = { key, parts, expansion: expansion.toLowerCase() };
      const first = parts[0]!;
      if (typeof first === 'string' && first !== '#') {
        const list = this.byFirst.get(first) ?? [];
        list.push(rule);
        this.byFirst.set(first, list);
      } else this.patterned.push(rule);
    }
    for (const list of this.byFirst.values()) list.sort((a, b) => b.parts.length - a.parts.length);
    this.patterned.sort((a, b) => b.parts.length - a.parts.length);
    this.spelling = new Map(Object.entries(data.spelling).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));
  }

  /** Replace written shorthands in folded text. */
  private replaceSymbols(folded: string): string {
    if (!this.symbolPattern) return folded;
    return folded.replace(this.symbolPattern, (_m, pre: string, key: string) => `${pre} ${this.symbols.get(key) ?? key} `);
  }

  /** Try a rule at position i; the number of words it covers and its expansion, or undefined. */
  private tryRule(rule: PhraseRule, tokens: readonly string[], i: number): { length: number; expansion: string } | undefined {
    let number: string | undefined;
    for (let k = 0; k < rule.parts.length; k++) {
      const t = tokens[i + k];
      const p = rule.parts[k]!;
      if (t === undefined) return undefined;
      if (p === '#') {
        if (!NUMBER.test(t)) return undefined;
        number = t;
      } else if (typeof p === 'string') {
        if (p !== t) return undefined;
      } else {
        const m = p.exec(t);
        if (!m) return undefined;
        number = m[1];
      }
    }
    return { length: rule.parts.length, expansion: number !== undefined ? rule.expansion.replace(/#/g, number) : rule.expansion };
  }

  rewrite(text: string): RewrittenQuery {
    const tokens = splitWords(this.replaceSymbols(foldText(text)));
    const out: QueryWord[] = [];
    const expansions: RewrittenQuery['expansions'] = [];
    for (let i = 0; i < tokens.length; ) {
      const t = tokens[i]!;
      let hit: { length: number; expansion: string; key: string } | undefined;
      // Rules of this first word, then the patterned ones: the longest match, the first of equals.
      const literal = this.byFirst.get(t);
      for (let k = 0, n = (literal?.length ?? 0) + this.patterned.length; k < n; k++) {
        const rule = literal !== undefined && k < literal.length ? literal[k]! : this.patterned[k - (literal?.length ?? 0)]!;
        const r = this.tryRule(rule, tokens, i);
        if (r && (!hit || r.length > hit.length)) hit = { ...r, key: rule.key };
      }
      if (hit) {
        const typed = tokens.slice(i, i + hit.length);
        const expanded = splitWords(hit.expansion);
        for (const w of expanded) out.push({ word: w, optional: false, from: typed.join(' ') });
        // The typed words stay as optional words, unless the expansion repeats them.
        for (const w of typed) if (!expanded.includes(w)) out.push({ word: w, optional: true, from: typed.join(' ') });
        expansions.push({ from: typed.join(' '), to: hit.expansion });
        i += hit.length;
        continue;
      }
      const spelled = this.spelling.get(t);
      out.push({ word: spelled ?? t, optional: false });
      i++;
    }
    let required = 0;
    for (const w of out) if (!w.optional) required++;
    let truncated = false;
    let words = out;
    if (required > MAX_QUERY_WORDS || out.length > MAX_QUERY_WORDS * 2) {
      truncated = true;
      words = [];
      let n = 0;
      for (const w of out) {
        if (!w.optional) n++;
        if (n > MAX_QUERY_WORDS) break;
        words.push(w);
      }
    }
    return { words, expansions, truncated };
  }
}

let shared: QueryRewriter | undefined;

/** The rewriter of the data file shipped with the engine (read once). */
export function queryRewriter(): QueryRewriter {
  if (!shared) {
    let data: AbbreviationData;
    try {
      data = JSON.parse(readFileSync(DATA_URL, 'utf8')) as AbbreviationData;
    } catch (e) {
      throw new MedcoderError('RELEASE_CORRUPT', `cannot read the encoder's abbreviation list ${DATA_URL.pathname}: ${(e as Error).message}`, {}, { cause: e });
    }
    shared = new QueryRewriter(data);
  }
  return shared;
}
