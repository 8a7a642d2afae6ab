import type { Icd10pcsRelease } from '../icd10pcs/release.js';
import type { PcsValueInfo } from '../icd10pcs/table-index.js';
import { includePhrases, labelSide, labelWords, mentionWords, scoreLabel, type WordBag } from './body-words.js';
import { pcsLexicon, type AxisCue, type PcsLexicon } from './lexicon.js';

/**
 * Builds ICD-10-PCS codes axis by axis from what a note says about one
 * procedure. Every character comes from the values the code tables allow
 * after the characters already chosen (Icd10pcsRelease.nextValues), so a
 * build is always a valid code or a valid prefix of one. When the note does
 * not decide an axis, the build stops there: it returns the longest valid
 * prefix, the axes still missing with their allowed values, and a question
 * a coder could send the surgeon.
 */

/** A stretch of the note, with offsets into its text. */
export interface Evidence {
  start: number;
  end: number;
  text: string;
}

export type AxisSource = 'procedure' | 'body-part' | 'cue' | 'only-value' | 'default' | 'none-documented';

export interface PcsAxisChoice {
  pos: number;
  title: string;
  value: string;
  label: string;
  source: AxisSource;
  reason: string;
  evidence?: Evidence;
}

export interface PcsMissingAxis {
  pos: number;
  title: string;
  /** Values the table allows at this position after the prefix (only for the first missing axis). */
  options: Array<{ value: string; label: string }>;
}

export interface PcsBuild {
  /** Seven characters when complete, else the longest valid prefix. */
  code: string;
  complete: boolean;
  /** Official title when complete; otherwise a description of the prefix. */
  title: string;
  axes: PcsAxisChoice[];
  missing: PcsMissingAxis[];
  /** A short question for the surgeon when axes are missing. */
  query?: string;
  /** Lexicon entry that started the build (appendectomy, resection, imaging-2 …). */
  procedure: string;
  confidence: number;
}

/** What the builder reads for one procedure mention. */
export interface PcsMentionContext {
  /** The whole note, and the same text in lower case (same length). */
  text: string;
  lower: string;
  /** The words that name the procedure. */
  trigger: { start: number; end: number };
  /** Words around the trigger that may name the body part. */
  window: { start: number; end: number };
  /** The sentence (or line) holding the trigger, for approach, device and qualifier words. */
  sentence: { start: number; end: number };
}

export interface PcsRequest {
  /** Up to seven characters, `?` where the builder decides ("0DTJ?ZZ", "B?2", "0?T"). */
  template: string;
  procedure: string;
  /** What the note calls it, for rationales ("appendectomy", "CT"). */
  label: string;
  defaults?: Record<string, string>;
  /** Qualifier label the operation word implies (biopsy → Diagnostic). */
  qualifier?: string;
  /** Approach character implied by the procedure word (cystoscopy → 8). */
  approach?: string;
  /** Body-part words implied by the procedure word (nephrectomy → kidney). */
  bodyWords?: string;
  /** Body-part character to use when the note names none (colonoscopic biopsy → large intestine). */
  bodyFallback?: string;
  /** Code each side of a paired organ when the note states no side (an eye examination looks at both eyes). */
  bothSides?: boolean;
}

const HOURS: Record<string, number> = { h: 1, hr: 1, hrs: 1, hour: 1, hours: 1, d: 24, day: 24, days: 24, week: 168, weeks: 168, wk: 168, wks: 168 };
const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12, fourteen: 14, several: 3 };

function evidenceOf(ctx: PcsMentionContext, start: number, end: number): Evidence {
  return { start, end, text: ctx.text.slice(start, end) };
}

/** First match of a cue in a stretch of text, with absolute offsets. */
function findCue(re: RegExp, ctx: PcsMentionContext, from: number, to: number): { start: number; end: number } | undefined {
  re.lastIndex = 0;
  const hay = ctx.lower.slice(from, to);
  const m = re.exec(hay);
  return m ? { start: from + m.index, end: from + m.index + m[0].length } : undefined;
}

/** A body-part value of a table, with the words that name it (label words and included-term words). */
interface BodyCandidate {
  key: string;
  value: PcsValueInfo;
  /** Position of the table in the head's list, and of the value among all values of the list. */
  order: number;
  seq: number;
  words: string[];
}

export class PcsBuilder {
  private readonly lex: PcsLexicon;
  /** The procedure lexicons the builder reads. */
  get lexicon(): PcsLexicon {
    return this.lex;
  }
  private readonly headCache = new Map<string, string[]>();
  private readonly nextCache = new Map<string, ReturnType<Icd10pcsRelease['nextValues']>>();
  /** Per list of tables: body-part values by the words of their labels and included terms. */
  private readonly wordIndex = new WeakMap<readonly string[], Map<string, BodyCandidate[]>>();

  constructor(readonly release: Icd10pcsRelease, lex?: PcsLexicon) {
    this.lex = lex ?? pcsLexicon();
  }

  /** Allowed next values after a prefix, memoised (the tables do not change). */
  private next(prefix: string): ReturnType<Icd10pcsRelease['nextValues']> {
    let v = this.nextCache.get(prefix);
    if (v === undefined && !this.nextCache.has(prefix)) {
      v = this.release.nextValues(prefix);
      if (this.nextCache.size > 50_000) this.nextCache.clear();
      this.nextCache.set(prefix, v);
    }
    return v;
  }

  /** Table keys (three characters) matching a head with `?` wildcards. */
  tablesFor(head: string): string[] {
    let out = this.headCache.get(head);
    if (out) return out;
    out = [];
    const re = new RegExp(`^${head.replace(/\?/g, '.')}$`);
    for (const k of this.release.index.tableKeys()) if (re.test(k)) out.push(k);
    out.sort((a, b) => this.order(a) - this.order(b) || (a < b ? -1 : 1));
    this.headCache.set(head, out);
    return out;
  }

  /** Imaging tables sort by the lexicon's body-system order; others by key. */
  private order(key: string): number {
    if (key[0] !== 'B') return 0;
    const i = this.lex.imagingOrder.indexOf(key.slice(0, 2));
    return i < 0 ? 99 : i;
  }

  /**
   * Builds for a mention: usually one; two when the note names both sides of
   * a body part whose table has no bilateral value ("both eyes").
   */
  buildAll(req: PcsRequest, ctx: PcsMentionContext): PcsBuild[] {
    const template = req.template.toUpperCase().padEnd(7, '?');
    if (template[3] !== '?') {
      const one = this.build(req, ctx);
      return one ? [one] : [];
    }
    const tables = this.tablesFor(template.slice(0, 3));
    if (tables.length === 0) return [];
    const bag = this.bodyBag(ctx, req.bodyWords);
    // No side stated for a procedure that looks at both sides: one code per side.
    const bothByDefault = !!req.bothSides && bag.sides.size === 0;
    if (bothByDefault) bag.sides.add('bilateral');
    const found = this.matchBodyPart(tables, bag, ctx);
    if (found.kind === 'pair') {
      const out: PcsBuild[] = [];
      for (const v of found.values) {
        const b = this.build({ ...req, template: found.key + v.value + template.slice(4) }, ctx, bothByDefault ? 'default' : 'body-part', bag);
        if (b) out.push(b);
      }
      return out;
    }
    const one = this.build(req, ctx, 'procedure', bag, found);
    return one ? [one] : [];
  }

  /** Build one code for a mention. Undefined when not even a table can be chosen. */
  build(req: PcsRequest, ctx: PcsMentionContext, fixedPartSource: AxisSource = 'procedure', knownBag?: WordBag, knownPart?: ReturnType<PcsBuilder['matchBodyPart']>): PcsBuild | undefined {
    const template = req.template.toUpperCase().padEnd(7, '?').slice(0, 7);
    const axes: PcsAxisChoice[] = [];
    const triggerEv = evidenceOf(ctx, ctx.trigger.start, ctx.trigger.end);
    const bag = knownBag ?? this.bodyBag(ctx, req.bodyWords);

    // Characters 1-4: the table and the body part (or its equivalent axis) are chosen together.
    const tables = this.tablesFor(template.slice(0, 3));
    if (tables.length === 0) return undefined;
    let key: string | undefined;
    let part: { value: PcsValueInfo; source: AxisSource; reason: string; evidence?: Evidence } | undefined;
    let ambiguous: PcsValueInfo[] | undefined;
    const fixed4 = template[3] !== '?' ? template[3]! : undefined;
    if (fixed4) {
      for (const k of tables) {
        const v = this.next(k)?.values.find((x) => x.value === fixed4);
        if (v) {
          key = k;
          part = { value: v, source: fixedPartSource, reason: fixedPartSource === 'body-part' ? `the note names ${v.label}` : fixedPartSource === 'default' ? `${req.label} with no side stated looks at both sides: ${v.label}` : `${req.label} is coded to ${v.label}` };
          break;
        }
      }
      if (!key) return undefined;
    } else {
      const title4 = tables.length === 1 ? this.next(tables[0]!)?.title : undefined;
      const cues4 = title4 && title4 !== 'Body Part' ? this.lex.axes.get(title4) : undefined;
      const values4 = title4 ? this.next(tables[0]!)!.values : [];
      const cued = cues4 ? this.fromCues(cues4, ctx, values4, title4!) : undefined;
      const found = cued
        ? { kind: 'one' as const, key: tables[0]!, value: values4.find((v) => v.value === cued.value)!, ...(cued.evidence ? { evidence: cued.evidence } : {}) }
        : (knownPart ?? this.matchBodyPart(tables, bag, ctx));
      if (found.kind === 'one') {
        key = found.key;
        part = { value: found.value, source: 'body-part', reason: `the note names ${found.value.label}`, ...(found.evidence ? { evidence: found.evidence } : {}) };
      } else if (found.kind === 'sides') {
        key = found.key;
        ambiguous = found.values;
      } else if ((req.bodyFallback && req.bodyFallback !== '?') || req.defaults?.['4']) {
        const fb = req.bodyFallback && req.bodyFallback !== '?' ? req.bodyFallback : req.defaults!['4']!;
        for (const k of tables) {
          const v = this.next(k)?.values.find((x) => x.value === fb);
          if (v) {
            key = k;
            part = { value: v, source: 'default', reason: `the note does not name the ${(this.next(k)?.title ?? 'body part').toLowerCase()}; ${v.label} is the usual value for ${req.label}` };
            break;
          }
        }
      }
      if (!key && tables.length === 1) key = tables[0];
      if (!key) return undefined;
    }

    // Head axes 1-3 from the table.
    const head = this.release.index.table(key)!.table;
    for (let pos = 1; pos <= 3; pos++) {
      const fixed = template[pos - 1] !== '?';
      axes.push({
        pos,
        title: head.x[pos - 1]!,
        value: key[pos - 1]!,
        label: head.l[pos - 1]!,
        source: fixed ? 'procedure' : 'body-part',
        reason: fixed ? (pos === 3 ? `${req.label}: ${head.l[2]}` : `${req.label} is in ${head.l[pos - 1]}`) : `the body part named is in ${head.l[pos - 1]}`,
        ...(pos === 3 ? { evidence: triggerEv } : {}),
      });
    }
    let prefix = key;
    if (!part) {
      const next = this.next(prefix)!;
      return this.finish(req, ctx, prefix, axes, next, ambiguous ?? next.values, ambiguous ? 'side' : 'unnamed');
    }
    axes.push({ pos: 4, title: this.next(prefix)!.title, value: part.value.value, label: part.value.label, source: part.source, reason: part.reason, ...(part.evidence ? { evidence: part.evidence } : {}) });
    prefix += part.value.value;

    for (let pos = 5; pos <= 7; pos++) {
      const next = this.next(prefix);
      if (!next) break;
      const choice = this.chooseAxis(req, ctx, pos, template[pos - 1]!, next.title, next.values, bag);
      if (!choice) return this.finish(req, ctx, prefix, axes, next, next.values, 'unnamed');
      axes.push({ pos, title: next.title, ...choice });
      prefix += choice.value;
    }
    return this.finish(req, ctx, prefix, axes);
  }

  private bodyBag(ctx: PcsMentionContext, extra?: string): WordBag {
    const bag = mentionWords(this.lex, ctx.lower.slice(ctx.window.start, ctx.window.end));
    if (extra) for (const w of extra.split(' ')) if (!bag.words.has(w)) bag.words.set(w, 0.8);
    return bag;
  }

  private matchBodyPart(
    tables: string[],
    bag: WordBag,
    ctx: PcsMentionContext,
  ): { kind: 'one'; key: string; value: PcsValueInfo; evidence?: Evidence } | { kind: 'sides'; key: string; values: PcsValueInfo[] } | { kind: 'pair'; key: string; values: PcsValueInfo[] } | { kind: 'none' } {
    let best: Array<{ key: string; value: PcsValueInfo; score: number; sideUnstated: boolean }> = [];
    let bestScore = 0;
    // Only values sharing a word with the mention can match.
    const index = this.bodyIndex(tables);
    const seen = new Set<PcsValueInfo>();
    let candidates: BodyCandidate[] = [];
    for (const w of bag.words.keys()) {
      const listed = index.get(w);
      if (listed) for (const c of listed) if (!seen.has(c.value)) (seen.add(c.value), candidates.push(c));
    }
    // In table order; within a table, by the first word of the mention the value has, then in the table's order.
    if (candidates.length > 1) {
      const at = new Map<string, number>();
      for (const w of bag.words.keys()) at.set(w, at.size);
      const ranked = candidates.map((c) => {
        let first = Infinity;
        for (const w of c.words) {
          const i = at.get(w);
          if (i !== undefined && i < first) first = i;
        }
        return { c, first };
      });
      ranked.sort((a, b) => a.c.order - b.c.order || a.first - b.first || a.c.seq - b.c.seq);
      candidates = ranked.map((r) => r.c);
    }
    for (const { key: k, value: v } of candidates) {
      {
        let s = scoreLabel(this.lex, bag, v.label, v.includes);
        for (const other of v.otherLabels ?? []) {
          const o = scoreLabel(this.lex, bag, other);
          if (o && (!s || o.score > s.score)) s = o;
        }
        if (!s) continue;
        if (s.score > bestScore + 1e-9) {
          bestScore = s.score;
          best = [{ key: k, value: v, score: s.score, sideUnstated: s.sideUnstated }];
        } else if (Math.abs(s.score - bestScore) < 1e-9) best.push({ key: k, value: v, score: s.score, sideUnstated: s.sideUnstated });
      }
    }
    if (best.length === 0) return { kind: 'none' };
    // The same label in several tables: the first table in order wins (imaging body systems).
    const first = best[0]!;
    const sameTable = best.filter((b) => b.key === first.key);
    const distinct = new Set(sameTable.map((b) => b.value.value));
    if (distinct.size > 1 && bag.sides.has('bilateral')) {
      // "Both eyes" where the table has no bilateral value: one code for each side.
      const right = sameTable.find((b) => labelSide(this.lex, b.value.label) === 'right');
      const left = sameTable.find((b) => labelSide(this.lex, b.value.label) === 'left');
      if (right && left) return { kind: 'pair', key: first.key, values: [right.value, left.value] };
    }
    if (distinct.size > 1) {
      // Several values of one table fit equally: usually right and left when the note states no side.
      if (sameTable.some((b) => b.sideUnstated)) {
        // Imaging of a paired organ with no side stated looks at both: the bilateral value.
        const both = first.key[0] === 'B' ? sameTable.find((b) => labelSide(this.lex, b.value.label) === 'bilateral') : undefined;
        if (both) return { kind: 'one', key: both.key, value: both.value };
        return { kind: 'sides', key: first.key, values: sameTable.map((b) => b.value) };
      }
      // Otherwise prefer the shortest label (the general part over a sub-part named by the same words).
      sameTable.sort((a, b) => a.value.label.length - b.value.label.length);
    }
    const pick = distinct.size > 1 ? sameTable[0]! : first;
    if (pick.sideUnstated) {
      // A side-specific value only: ask unless the table has just one value with this name.
      const siblings = (this.next(pick.key)?.values ?? []).filter((v) => scoreLabel(this.lex, { ...bag, sides: new Set() }, v.label, v.includes));
      if (siblings.length > 1) {
        // Imaging of a paired organ with no side stated looks at both: the bilateral value.
        const both = siblings.find((v) => labelSide(this.lex, v.label) === 'bilateral');
        if (both && pick.key[0] === 'B') return { kind: 'one', key: pick.key, value: both };
        return { kind: 'sides', key: pick.key, values: siblings };
      }
    }
    const ev = this.bodyEvidence(ctx, pick.value.label, pick.value.includes);
    return ev ? { kind: 'one', key: pick.key, value: pick.value, evidence: ev } : { kind: 'one', key: pick.key, value: pick.value };
  }

  /**
   * Body-part values by word, for the tables of a head. A label matches only
   * when the mention holds every content word of it, and an included term
   * only as a whole phrase, so each is listed under one of its words: the one
   * fewest values share (the mention's words then reach few candidates).
   */
  private bodyIndex(tables: string[]): Map<string, BodyCandidate[]> {
    // Keyed by the list itself: tablesFor gives the same list for the same head.
    let index = this.wordIndex.get(tables);
    if (index) return index;
    const entries: Array<{ key: string; value: PcsValueInfo; order: number; seq: number; words: string[][]; all: string[] }> = [];
    const uses = new Map<string, number>();
    for (let order = 0; order < tables.length; order++) {
      const key = tables[order]!;
      for (const value of this.next(key)?.values ?? []) {
        const words: string[][] = [];
        const all = new Set<string>();
        for (const label of [value.label, ...(value.otherLabels ?? [])]) words.push(labelWords(this.lex, label).words);
        for (const ws of words) for (const w of ws) all.add(w);
        for (const p of value.includes ? includePhrases(value.includes) : []) {
          const phrase = p.split(' ');
          const content = phrase.filter((w) => !this.lex.ignore.has(w));
          words.push(content.length ? content : phrase);
          for (const w of phrase) all.add(w);
        }
        for (const w of all) uses.set(w, (uses.get(w) ?? 0) + 1);
        entries.push({ key, value, order, seq: entries.length, words, all: [...all] });
      }
    }
    index = new Map();
    for (const e of entries) {
      const listed = new Set<string>();
      for (const ws of e.words) {
        if (ws.length === 0) continue;
        const w = ws.reduce((a, b) => (uses.get(b)! < uses.get(a)! ? b : a));
        if (listed.has(w)) continue;
        listed.add(w);
        const list = index.get(w);
        const entry = { key: e.key, value: e.value, order: e.order, seq: e.seq, words: e.all };
        if (!list) index.set(w, [entry]);
        else list.push(entry);
      }
    }
    this.wordIndex.set(tables, index);
    return index;
  }

  /** The first word of the window that belongs to the label, for evidence. */
  private bodyEvidence(ctx: PcsMentionContext, label: string, includes?: readonly string[]): Evidence | undefined {
    const hay = ctx.lower.slice(ctx.window.start, ctx.window.end);
    const words: string[] = [...(label.toLowerCase().match(/[a-z]{3,}/g) ?? [])].concat((includes ?? []).map((i) => i.toLowerCase()));
    for (const w of words) {
      const stem = w.length > 5 ? w.slice(0, w.length - 2) : w;
      const i = hay.indexOf(stem);
      if (i >= 0) {
        let e = i + stem.length;
        while (e < hay.length && /[a-z]/.test(hay[e]!)) e++;
        return evidenceOf(ctx, ctx.window.start + i, ctx.window.start + e);
      }
    }
    return undefined;
  }

  /** Choose the value of axis 5, 6 or 7. */
  private chooseAxis(req: PcsRequest, ctx: PcsMentionContext, pos: number, fixed: string, title: string, values: PcsValueInfo[], bag: WordBag): Omit<PcsAxisChoice, 'pos' | 'title'> | undefined {
    const byValue = (c: string) => values.find((v) => v.value === c);
    if (fixed !== '?') {
      const v = byValue(fixed);
      return v ? { value: v.value, label: v.label, source: 'procedure', reason: `${req.label} is coded with ${title.toLowerCase()} ${v.label}` } : undefined;
    }
    if (values.length === 1) {
      const v = values[0]!;
      return { value: v.value, label: v.label, source: 'only-value', reason: `${v.label} is the only ${title.toLowerCase()} the table row allows` };
    }
    if (title === 'Approach' && req.approach) {
      const v = byValue(req.approach);
      if (v) return { value: v.value, label: v.label, source: 'procedure', reason: `${req.label} is done ${v.label.toLowerCase()}`, evidence: evidenceOf(ctx, ctx.trigger.start, ctx.trigger.end) };
    }
    if (title === 'Qualifier' && req.qualifier) {
      const v = values.find((x) => x.label === req.qualifier);
      if (v) return { value: v.value, label: v.label, source: 'cue', reason: `${req.label} takes tissue for examination: ${v.label}`, evidence: evidenceOf(ctx, ctx.trigger.start, ctx.trigger.end) };
    }
    const cues = this.lex.axes.get(title) ?? (title.startsWith('Qualifier') ? this.lex.axes.get('Qualifier') : undefined);
    if (cues) {
      const c = this.fromCues(cues, ctx, values, title);
      if (c) return c;
    }
    // Generic: a value whose label words the mention names (substances, functions, body regions).
    if (!cues || title === 'Substance') {
      const scored = values
        .map((v) => ({ v, s: scoreLabel(this.lex, bag, v.label, v.includes) }))
        .filter((x) => x.s && x.s.score >= 1)
        .sort((a, b) => b.s!.score - a.s!.score);
      if (scored.length === 1 || (scored.length > 1 && scored[0]!.s!.score > scored[1]!.s!.score)) {
        const v = scored[0]!.v;
        return { value: v.value, label: v.label, source: 'cue', reason: `the note names ${v.label}` };
      }
    }
    const def = req.defaults?.[String(pos)];
    const dv = def ? byValue(def) : undefined;
    if (dv) return { value: dv.value, label: dv.label, source: 'default', reason: `the note does not state the ${title.toLowerCase()}; ${dv.label} is the usual value for ${req.label}` };
    return this.fallback(req, title, values);
  }

  private fallback(req: PcsRequest, title: string, values: PcsValueInfo[]): Omit<PcsAxisChoice, 'pos' | 'title'> | undefined {
    void req;
    if (this.lex.noneDefault.has(title) || (title.startsWith('Qualifier') && this.lex.noneDefault.has('Qualifier'))) {
      const none = values.find((v) => this.lex.none.has(v.label));
      if (none) return { value: none.value, label: none.label, source: 'none-documented', reason: `no ${title.toLowerCase()} is documented: ${none.label}` };
    }
    return undefined;
  }

  private fromCues(cues: AxisCue[], ctx: PcsMentionContext, values: PcsValueInfo[], title: string): Omit<PcsAxisChoice, 'pos' | 'title'> | undefined {
    // Words near the procedure first, then the rest of its sentence.
    const spans: Array<[number, number]> = [
      [Math.min(ctx.window.start, ctx.trigger.start), Math.max(ctx.window.end, ctx.trigger.end)],
      [ctx.sentence.start, ctx.sentence.end],
    ];
    if (title === 'Duration') {
      const hours = this.hoursOf(ctx);
      if (hours) {
        for (const c of cues) {
          if (!c.hours || hours.value < c.hours[0] || hours.value > c.hours[1]) continue;
          const v = values.find((x) => x.label === c.label);
          if (v) return { value: v.value, label: v.label, source: 'cue', reason: `${hours.text} is ${v.label.toLowerCase()}`, evidence: hours.evidence };
        }
      }
    }
    for (const [from, to] of spans) {
      for (const c of cues) {
        if (!c.pattern) continue;
        const v = values.find((x) => x.label === c.label) ?? values.find((x) => x.label.endsWith(`, ${c.label}`));
        if (!v) continue;
        const m = findCue(c.pattern, ctx, from, to);
        if (m) {
          const ev = evidenceOf(ctx, m.start, m.end);
          return { value: v.value, label: v.label, source: 'cue', reason: `"${ev.text}" means ${title.toLowerCase()} ${v.label}`, evidence: ev };
        }
      }
    }
    return undefined;
  }

  /** A duration stated in the sentence ("for 3 days", "48 hours"), in hours. */
  private hoursOf(ctx: PcsMentionContext): { value: number; text: string; evidence: Evidence } | undefined {
    const re = /(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|several)[ -](h|hrs?|hours?|days?|d|weeks?|wks?)(?![a-z])/g;
    const hay = ctx.lower.slice(ctx.sentence.start, ctx.sentence.end);
    let total: number | undefined;
    let first: { start: number; end: number } | undefined;
    // exec rather than matchAll, which copies the pattern on every call (the pattern never matches empty).
    for (let m = re.exec(hay); m !== null; m = re.exec(hay)) {
      const n = NUMBER_WORDS[m[1]!] ?? Number(m[1]);
      const h = n * (HOURS[m[2]!] ?? 1);
      if (!Number.isFinite(h)) continue;
      total = Math.max(total ?? 0, h);
      first ??= { start: ctx.sentence.start + m.index!, end: ctx.sentence.start + m.index! + m[0].length };
    }
    if (total === undefined || !first) return undefined;
    const ev = evidenceOf(ctx, first.start, first.end);
    return { value: total, text: `"${ev.text}" (${total} hours)`, evidence: ev };
  }

  private finish(req: PcsRequest, ctx: PcsMentionContext, prefix: string, axes: PcsAxisChoice[], next?: { title: string; pos: number }, options?: PcsValueInfo[], why?: 'side' | 'unnamed'): PcsBuild {
    void ctx;
    const complete = prefix.length === 7;
    const missing: PcsMissingAxis[] = [];
    if (!complete && next) {
      missing.push({ pos: next.pos, title: next.title, options: (options ?? []).map((v) => ({ value: v.value, label: v.label })) });
      const table = this.release.index.table(prefix.slice(0, 3));
      for (let pos = next.pos + 1; pos <= 7; pos++) missing.push({ pos, title: table ? this.release.index.axisTitle(table.table, pos, table.rows[0]?.row) : '', options: [] });
    }
    const build: PcsBuild = {
      code: prefix,
      complete,
      title: complete ? (this.release.title(prefix) ?? '') : this.describe(axes),
      axes,
      missing,
      procedure: req.procedure,
      confidence: this.confidence(axes, complete),
    };
    if (!complete && next) build.query = this.query(req, axes, next.title, options ?? [], why ?? 'unnamed');
    return build;
  }

  private confidence(axes: PcsAxisChoice[], complete: boolean): number {
    let c = complete ? 0.9 : 0.6;
    for (const a of axes) {
      if (a.source === 'default') c -= 0.1;
      else if (a.source === 'none-documented') c -= 0.03;
    }
    return Math.max(0.2, Math.round(c * 100) / 100);
  }

  /** "Resection of Appendix" for a prefix. */
  private describe(axes: PcsAxisChoice[]): string {
    const op = axes.find((a) => a.pos === 3)?.label ?? '';
    const part = axes.find((a) => a.pos === 4)?.label;
    const rest = axes.filter((a) => a.pos > 4 && !this.lex.none.has(a.label)).map((a) => a.label);
    return [part ? `${op} of ${part}` : `${op}, ${axes.find((a) => a.pos === 2)?.label ?? ''}`, ...rest].join(', ');
  }

  private query(req: PcsRequest, axes: PcsAxisChoice[], title: string, options: PcsValueInfo[], why: 'side' | 'unnamed'): string {
    const op = (axes.find((a) => a.pos === 3)?.label ?? req.label).toLowerCase();
    const part = axes.find((a) => a.pos === 4)?.label;
    const what = part ? `the ${op} of the ${part.toLowerCase()}` : `the ${req.label}`;
    const list = options.slice(0, 8).map((o) => o.label.toLowerCase());
    const choices = list.length ? ` (${list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : list[0]}${options.length > 8 ? ', …' : ''})` : '';
    switch (why === 'side' ? 'side' : title) {
      case 'side':
        return `Please document the side for ${what}${choices}.`;
      case 'Body Part':
      case 'Body System / Region':
      case 'Body Region':
        return `Please document which body part ${req.label} was performed on${choices}.`;
      case 'Approach':
        return `Please document the approach used for ${what}${choices}.`;
      case 'Device':
        return `Please document whether a device was left in place after ${what}${choices}.`;
      case 'Contrast':
        return `Please document whether contrast was given for ${what}${choices}.`;
      case 'Duration':
        return `Please document how long ${what} lasted${choices}.`;
      case 'Substance':
        return `Please document what was given in ${what}${choices}.`;
      default:
        return `Please specify the ${title.toLowerCase()} for ${what}${choices}.`;
    }
  }
}
