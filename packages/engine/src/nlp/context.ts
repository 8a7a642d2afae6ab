import { readFileSync } from 'node:fs';
import type { ClinicalDocument } from '../document/document.js';
import type { Token } from '../document/tokens.js';

/**
 * Context of concept mentions, in the spirit of NegEx and ConText: trigger
 * phrases (data/nlp/context.json) mark the mentions in their scope as
 * negated, uncertain, historical, family history, hypothetical, or about
 * someone other than the patient.
 */

export type ContextCategory = 'negated' | 'uncertain' | 'historical' | 'family' | 'hypothetical' | 'other';

export const CONTEXT_CATEGORIES: readonly ContextCategory[] = ['negated', 'uncertain', 'historical', 'family', 'hypothetical', 'other'];

export interface ContextTrigger {
  category: ContextCategory;
  direction: 'forward' | 'backward' | 'both';
  /** The trigger's words as written in the note. */
  text: string;
  start: number;
  end: number;
  /** Token range [firstToken, endToken). */
  firstToken: number;
  endToken: number;
  scope: number;
}

export interface ContextData {
  defaultScope: number;
  triggers: Array<{ category: ContextCategory; direction: 'forward' | 'backward' | 'both'; phrases: string[]; scope?: number }>;
  pseudo: string[];
  terminators: Record<string, string[]>;
}

interface Rule {
  words: string[];
  category: ContextCategory | 'pseudo';
  direction: 'forward' | 'backward' | 'both';
  scope: number;
}

const CONTEXT_URL = new URL('../../data/nlp/context.json', import.meta.url);

/** Words of a phrase as the tokenizer folds them. */
function words(phrase: string): string[] {
  return phrase
    .toLowerCase()
    .split(/\s+|(?=[/?\-,.;:])|(?<=[/?\-,.;:])/)
    .filter(Boolean);
}

export class ContextRules {
  /** Rules by their first word, longest first. */
  private readonly byFirst = new Map<string, Rule[]>();
  private readonly terminators = new Map<string, Array<{ words: string[]; categories: Set<string> }>>();

  constructor(readonly data: ContextData) {
    const add = (r: Rule) => {
      const list = this.byFirst.get(r.words[0]!) ?? [];
      list.push(r);
      list.sort((a, b) => b.words.length - a.words.length);
      this.byFirst.set(r.words[0]!, list);
    };
    for (const t of data.triggers) for (const p of t.phrases) add({ words: words(p), category: t.category, direction: t.direction, scope: t.scope ?? data.defaultScope });
    for (const p of data.pseudo) add({ words: words(p), category: 'pseudo', direction: 'forward', scope: 0 });
    for (const [cat, list] of Object.entries(data.terminators)) {
      for (const p of list) {
        const w = words(p);
        const l = this.terminators.get(w[0]!) ?? [];
        const existing = l.find((x) => x.words.join(' ') === w.join(' '));
        if (existing) existing.categories.add(cat);
        else l.push({ words: w, categories: new Set([cat]) });
        this.terminators.set(w[0]!, l);
      }
    }
  }

  static load(): ContextRules {
    return new ContextRules(JSON.parse(readFileSync(CONTEXT_URL, 'utf8')) as ContextData);
  }

  private matchAt(tokens: readonly Token[], i: number, end: number, w: readonly string[]): boolean {
    if (i + w.length > end) return false;
    for (let k = 0; k < w.length; k++) if (tokens[i + k]!.norm !== w[k]) return false;
    return true;
  }

  /** Triggers of one sentence (token range), pseudo-triggers removed. */
  triggersIn(doc: ClinicalDocument, first: number, end: number): ContextTrigger[] {
    const out: ContextTrigger[] = [];
    const tokens = doc.tokens;
    for (let i = first; i < end; i++) {
      const rules = this.byFirst.get(tokens[i]!.norm);
      if (!rules) continue;
      let matched: Rule[] = [];
      let len = 0;
      for (const r of rules) {
        if (r.words.length < len) break;
        if (this.matchAt(tokens, i, end, r.words)) {
          len = r.words.length;
          matched.push(r);
        }
      }
      if (!matched.length) continue;
      if (matched.some((m) => m.category === 'pseudo')) matched = [];
      for (const r of matched) {
        out.push({
          category: r.category as ContextCategory,
          direction: r.direction,
          text: doc.text.slice(tokens[i]!.start, tokens[i + len - 1]!.end),
          start: tokens[i]!.start,
          end: tokens[i + len - 1]!.end,
          firstToken: i,
          endToken: i + len,
          scope: r.scope,
        });
      }
      i += len - 1;
    }
    return out;
  }

  /** Is token i the start of a terminator of the category? Returns its length or 0. */
  terminatorAt(tokens: readonly Token[], i: number, end: number, category: string): number {
    const list = this.terminators.get(tokens[i]!.norm);
    if (!list) return 0;
    for (const t of list) if ((t.categories.has('all') || t.categories.has(category)) && this.matchAt(tokens, i, end, t.words)) return t.words.length;
    return 0;
  }

  /**
   * The triggers that govern a mention (its matched tokens, ascending) in a
   * sentence ending at sEnd: for each category, the first trigger whose scope
   * reaches a word of the mention with no terminator between. A trigger
   * between the mention's words governs the words after it ("heart …, not
   * murmurs").
   */
  governing(doc: ClinicalDocument, triggers: readonly ContextTrigger[], sEnd: number, mention: readonly number[]): ContextTrigger[] {
    const out: ContextTrigger[] = [];
    const tokens = doc.tokens;
    for (const t of triggers) {
      if (mention.some((i) => i >= t.firstToken && i < t.endToken)) continue; // the trigger is a word of the mention
      let applies = false;
      if (t.direction !== 'backward') {
        const after = mention.find((i) => i >= t.endToken);
        if (after !== undefined) applies = after - t.endToken <= t.scope && !this.blocked(tokens, t.endToken, after, sEnd, t.category);
      }
      if (!applies && t.direction !== 'forward') {
        let before = -1;
        for (const i of mention) if (i < t.firstToken) before = i;
        if (before >= 0) applies = t.firstToken - before - 1 <= t.scope && !this.blocked(tokens, before + 1, t.firstToken, sEnd, t.category);
      }
      if (applies && !out.some((o) => o.category === t.category)) out.push(t);
    }
    return out;
  }

  private blocked(tokens: readonly Token[], from: number, to: number, end: number, category: string): boolean {
    for (let i = from; i < to; i++) if (this.terminatorAt(tokens, i, end, category)) return true;
    return false;
  }
}

let shared: ContextRules | undefined;
export function contextRules(): ContextRules {
  shared ??= ContextRules.load();
  return shared;
}
