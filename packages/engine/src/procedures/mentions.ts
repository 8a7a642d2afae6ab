import { NoteWords } from '../nlp/keyed-patterns.js';
import { rootOf, type PcsLexicon, type OperationEntry, type RootEntry } from './lexicon.js';
import type { PcsMentionContext, PcsRequest } from './pcs-builder.js';

/**
 * Procedure mentions in a note: named procedures ("appendectomy",
 * "colonoscopy"), imaging ("CT of the abdomen"), operation words
 * ("resection of the bladder", "biopsy") and procedure words built from a
 * combining form and an operation ending ("nephrectomy"). Each mention
 * becomes a build request for the PCS builder with the words around it.
 */

/** The minimal view of a note the procedure coder needs: text and sentence spans (the document model provides them). */
export interface NoteSpans {
  text: string;
  sentences: Array<{ start: number; end: number; section?: string }>;
}

export interface ProcedureMention {
  request: PcsRequest;
  context: PcsMentionContext;
  /** Kind of section holding the mention (psh, plan, procedures …) when known. */
  section?: string;
  negated: boolean;
  historical: boolean;
  planned: boolean;
  /** The sentence describes a treatment course over several encounters (cycles of chemotherapy). */
  course: boolean;
}

interface Trigger {
  start: number;
  end: number;
  kind: 'named' | 'imaging' | 'op' | 'suffix';
  request: PcsRequest;
  /** For named endoscopies: how a biopsy changes the code. */
  biopsy?: { code: string; fallback: string };
  opId?: string;
  course?: RegExp;
  administration?: RegExp;
}

/** Lower case with the same length as the input (so offsets carry over). */
export function lowerSameLength(text: string): string {
  const l = text.toLowerCase();
  if (l.length === text.length) return l;
  let out = '';
  for (const ch of text) {
    const c = ch.toLowerCase();
    out += c.length === ch.length ? c : ch;
  }
  return out;
}

const NEGATION_BEFORE = /(?:\bno\b|\bnot\b|\bwithout\b|\bdenie[sd]\b|\bdeclined\b|\brefused\b|\bnever\b|\bnor\b|\bdeferred\b|\bcontraindicated\b|\bunable to\b|\bavoid(?:ed)?\b|\bruled out\b)[^.;:]{0,40}$/;
const NEGATION_AFTER = /^[^.;:]{0,25}\b(?:was|were|is|are)? ?(?:not (?:performed|done|possible|carried out|indicated|tolerated)|deferred|cancell?ed|postponed|declined|refused|contraindicated)\b/;
const HISTORY = /\b(?:history of|h\/o|previous(?:ly)?|prior|status post|s\/p|years? ago|months? ago|in (?:19|20)\d\d|in childhood|as a child|in youth|underwent .{0,40}in \d{4})\b/;
const PLANNED = /\b(?:scheduled for|will undergo|will be|to be performed|plan(?:ned)? (?:for|to)|recommend(?:ed)?|consider(?:ed|ing)?|candidate for|referred for|awaiting|pending|proposed|if (?:needed|necessary))\b/;

/** Right-window cut: words that end the description of what a procedure looked at. */
const CONJUNCTION = /\b(?:and|or|then|followed by|plus|as well as)\b|,/g;

export class MentionFinder {
  private readonly suffixCache = new Map<string, { stem: string; suffix: string; op: OperationEntry } | null>();

  /** The last three letters of each operation ending, as one number (a word ending otherwise is not an operation word). */
  private readonly suffixEnds: Set<number>;
  /** The same for the last two letters (seven bits each), as a table: most words are ruled out by it alone. */
  private readonly suffixLastTwo = new Uint8Array(1 << 14);

  constructor(private readonly lex: PcsLexicon) {
    this.suffixEnds = new Set(lex.suffixes.map(({ suffix: x }) => x.charCodeAt(x.length - 3) * 16384 + x.charCodeAt(x.length - 2) * 128 + x.charCodeAt(x.length - 1)));
    for (const { suffix: x } of lex.suffixes) this.suffixLastTwo[lastTwo(x, x.length)] = 1;
  }

  find(note: NoteSpans, lower = lowerSameLength(note.text)): ProcedureMention[] {
    const out: ProcedureMention[] = [];
    // Each pattern runs only in the sentences holding its words; the matches are then shared out to sentences.
    const raw = this.rawTriggers(new NoteWords(lower, note.sentences, this.lex.keys)).sort((a, b) => a.start - b.start);
    let r0 = 0;
    for (const s of note.sentences) {
      while (r0 < raw.length && raw[r0]!.start < s.start) r0++;
      let r1 = r0;
      while (r1 < raw.length && raw[r1]!.start < s.end) r1++;
      if (r1 === r0) continue;
      const triggers = resolveOverlaps(raw.slice(r0, r1).filter((t) => t.end <= s.end).map((t) => ({ ...t })));
      if (triggers.length === 0) continue;
      this.mergeBiopsies(triggers, lower);
      let leftFloor = s.start;
      // What the sentence says of every procedure in it, once per sentence.
      const sentenceText = lower.slice(s.start, s.end);
      const historical = s.section === 'psh' || HISTORY.test(sentenceText);
      const plannedSentence = s.section === 'plan' ? PLANNED.test(sentenceText) || /\bwill\b/.test(sentenceText) : undefined;
      for (let i = 0; i < triggers.length; i++) {
        const t = triggers[i]!;
        const next = triggers[i + 1];
        const left = this.leftWindow(lower, Math.max(leftFloor, t.start - 60), t.start);
        let rightEnd = Math.min(s.end, t.end + 90, next ? next.start : s.end);
        rightEnd = this.cutRight(lower, t.end, rightEnd, !!next);
        leftFloor = rightEnd;
        const context: PcsMentionContext = {
          text: note.text,
          lower,
          trigger: { start: t.start, end: t.end },
          window: { start: left, end: Math.max(rightEnd, t.end) },
          sentence: { start: s.start, end: s.end },
        };
        const before = lower.slice(Math.max(s.start, t.start - 60), t.start);
        const after = lower.slice(t.end, Math.min(s.end, t.end + 50));
        out.push({
          request: t.request,
          context,
          ...(s.section ? { section: s.section } : {}),
          negated: NEGATION_BEFORE.test(before) || NEGATION_AFTER.test(after),
          historical,
          planned: plannedSentence ?? PLANNED.test(before),
          course: (!!t.course && (t.course.lastIndex = 0, t.course.test(sentenceText))) || (!!t.administration && !(t.administration.lastIndex = 0, t.administration.test(sentenceText))),
        });
      }
    }
    return out;
  }

  /** Start of the words before a trigger that may describe it ("abdominal", "right renal"): up to five, back to a stop mark or a boundary word. */
  private leftWindow(lower: string, from: number, to: number): number {
    let start = to;
    let i = to;
    for (let count = 0; count < 5; count++) {
      // Back over what is neither a word character nor a stop mark.
      let c = -1;
      while (i > from) {
        c = lower.charCodeAt(i - 1);
        if (isWordCode(c) || LEFT_STOPS.includes(c)) break;
        i--;
      }
      if (i <= from || !isWordCode(c)) break;
      let j = i - 1;
      while (j > from && isWordCode(lower.charCodeAt(j - 1))) j--;
      const w = lower.slice(j, i);
      if (this.lex.boundaries.has(w) || STOP_LEFT.has(w)) break;
      start = i = j;
    }
    return start;
  }

  /**
   * End of the words after a trigger that may describe it, cut at a stop mark
   * or a boundary word (a whole word of letters) and, before another
   * procedure, at the last conjunction.
   */
  private cutRight(lower: string, from: number, to: number, beforeAnother: boolean): number {
    let end = Math.max(0, to - from);
    for (let p = from; p < to; ) {
      const c = lower.charCodeAt(p);
      if (RIGHT_STOPS.includes(c)) {
        end = p - from;
        break;
      }
      if (!isRegexWordCode(c)) {
        p++;
        continue;
      }
      // A run of \w characters is a word when all of it is letters a-z.
      let letters = true;
      let q = p;
      for (; q < to; q++) {
        const d = lower.charCodeAt(q);
        if (!isRegexWordCode(d)) break;
        if (d < 97 || d > 122) letters = false;
      }
      if (letters && this.lex.boundaries.has(lower.slice(p, q))) {
        end = p - from;
        break;
      }
      p = q;
    }
    if (beforeAnother) {
      let last = -1;
      const hay = lower.slice(from, from + end);
      // exec rather than matchAll, which copies the pattern on every call.
      CONJUNCTION.lastIndex = 0;
      for (let m = CONJUNCTION.exec(hay); m !== null; m = CONJUNCTION.exec(hay)) last = m.index;
      if (last >= 0) end = last;
    }
    return from + end;
  }

  private rawTriggers(words: NoteWords): Trigger[] {
    const lower = words.lower;
    const found: Trigger[] = [];
    for (const p of this.lex.procedures) {
      if (!words.has(p.pattern)) continue;
      for (const m of words.matches(p.pattern)) {
        found.push({
          start: m.start,
          end: m.end,
          kind: 'named',
          request: { template: p.code, procedure: p.id, label: m.text, defaults: p.defaults, ...(p.body ? { bodyWords: p.body } : {}), ...(p.bothSides ? { bothSides: true } : {}) },
          ...(p.biopsy ? { biopsy: p.biopsy } : {}),
          ...(p.course ? { course: p.course } : {}),
          ...(p.administration ? { administration: p.administration } : {}),
        });
      }
    }
    for (const mod of this.lex.imaging) {
      if (!words.has(mod.pattern)) continue;
      for (const m of words.matches(mod.pattern)) found.push({ start: m.start, end: m.end, kind: 'imaging', request: { template: `B?${mod.type}`, procedure: `imaging-${mod.type}`, label: m.text } });
    }
    for (const op of this.lex.operations) {
      if (!words.has(op.words)) continue;
      for (const m of words.matches(op.words)) {
        const req: PcsRequest = { template: `0?${op.op}`, procedure: op.id, label: m.text, ...(op.qualifier ? { qualifier: op.qualifier } : {}) };
        found.push({ start: m.start, end: m.end, kind: 'op', request: this.partialOrTotal(lower, m.start, req, m.text), opId: op.id });
      }
    }
    for (let i = 0; i < words.wordStarts.length; i++) {
      // Only words of six letters or more whose last letter ends some operation ending.
      const end = words.wordEnds[i]!;
      if (end - words.wordStarts[i]! < 6 || this.suffixLastTwo[lastTwo(lower, end)] === 0 || !this.suffixEnds.has(lower.charCodeAt(end - 3) * 16384 + lower.charCodeAt(end - 2) * 128 + lower.charCodeAt(end - 1))) continue;
      const word = words.word(i);
      const split = this.suffixSplit(word);
      if (!split) continue;
      const { stem, op } = split;
      // A compound word removes each organ it names: cysto-prostat-ectomy.
      const roots = op.op === 'T' || op.op === 'B' ? rootsOf(this.lex, stem) : [];
      if (roots.length < 2) {
        const r = rootOf(this.lex, stem);
        roots.length = 0;
        if (r) roots.push(r);
      }
      const s0 = words.wordStarts[i]!;
      for (const root of roots) {
        let req: PcsRequest = { template: `0?${op.op}`, procedure: `${op.id}-${root.form}`, label: word, bodyWords: root.body };
        if (op.op === 'J' && /scop/.test(split.suffix) && root.scopyApproach) req.approach = root.scopyApproach;
        if (op.op === 'J' && /otom/.test(split.suffix)) req.approach = '0';
        req = this.partialOrTotal(lower, s0, req, word);
        found.push({ start: s0, end: s0 + word.length, kind: 'suffix', request: req, opId: op.id });
      }
    }
    return found;
  }

  /** A word of six letters or more ending in an operation ending (chole-cyst-ectomy): its stem and operation, remembered per word. */
  private suffixSplit(word: string): { stem: string; suffix: string; op: OperationEntry } | undefined {
    let out = this.suffixCache.get(word);
    if (out !== undefined) return out ?? undefined;
    out = null;
    if (word.length >= 6 && /^[a-z]+$/.test(word) && !NOT_PROCEDURES.has(word)) {
      const sfx = this.lex.suffixes.find((x) => word.length - x.suffix.length >= 2 && word.endsWith(x.suffix));
      if (sfx) out = { stem: word.slice(0, word.length - sfx.suffix.length), suffix: sfx.suffix, op: sfx.op };
    }
    if (this.suffixCache.size > 50_000) this.suffixCache.clear();
    this.suffixCache.set(word, out);
    return out ?? undefined;
  }

  /** Resection of part of an organ is an excision; "-ectomy" words are resections unless qualified. */
  private partialOrTotal(lower: string, at: number, req: PcsRequest, word: string): PcsRequest {
    if (!req.template.endsWith('T')) return req;
    const before = lower.slice(Math.max(0, at - 30), at + word.length);
    this.lex.partial.lastIndex = 0;
    if (this.lex.partial.test(before) || /^hemi|^partial/.test(word)) return { ...req, template: `${req.template.slice(0, 2)}B`, procedure: `${req.procedure}-partial` };
    return req;
  }

  /**
   * A biopsy (or polypectomy) during an endoscopy is coded as an excision by
   * that endoscopic approach, and the inspection is not coded on its own.
   */
  private mergeBiopsies(triggers: Trigger[], lower: string): void {
    for (let i = 0; i < triggers.length; i++) {
      const t = triggers[i]!;
      if (!t.biopsy) continue;
      const j = triggers.findIndex(
        (o, k) =>
          k !== i &&
          (o.opId === 'biopsy' || o.opId === 'excision') &&
          Math.abs(o.start - t.end) < 80 &&
          // "EGD without biopsy": the biopsy is negated, the inspection stands.
          !/\b(?:without|no|not|nor)\b/.test(lower.slice(Math.min(t.end, o.end), Math.max(t.start, o.start))),
      );
      if (j < 0) continue;
      const b = triggers[j]!;
      const diagnostic = b.opId === 'biopsy';
      t.request = {
        template: diagnostic ? t.biopsy.code : `${t.biopsy.code.slice(0, 6)}?`,
        procedure: `${t.request.procedure}-biopsy`,
        label: `${t.request.label} with ${b.request.label}`,
        bodyFallback: t.biopsy.fallback,
        ...(diagnostic ? { qualifier: 'Diagnostic' } : {}),
      };
      t.end = Math.max(t.end, b.end);
      t.start = Math.min(t.start, b.start);
      triggers.splice(j, 1);
      if (j < i) i--;
    }
  }
}

/** The two characters before `end`, seven bits each (a filter: other characters share numbers). */
const lastTwo = (text: string, end: number) => ((text.charCodeAt(end - 2) & 127) << 7) | (text.charCodeAt(end - 1) & 127);

/** Char codes: [a-z0-9]; the \w of regular expressions ([A-Za-z0-9_]); the marks that stop the left window (. ; : , ( )) and the right one (. ; : (). */
const isWordCode = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const isRegexWordCode = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95;
const LEFT_STOPS = [46, 59, 58, 44, 40, 41];
const RIGHT_STOPS = [46, 59, 58, 40];

const STOP_LEFT = new Set(['of', 'with', 'after', 'before', 'by', 'for', 'under', 'during', 'was', 'were', 'is', 'are', 'underwent', 'performed', 'a', 'an', 'the', 'and', 'to', 'in', 'on', 'at', 'from', 'then']);

/** Words that end like procedures but are not ones. */
const NOT_PROCEDURES = new Set(['analysis', 'paralysis', 'dialysis', 'hemolysis', 'urinalysis', 'glycolysis', 'autoscopy', 'microscopy', 'dermoscopy', 'capillaroscopy', 'telescopy']);

/** Split a stem into combining forms (cysto + prostat), or [] when it does not split completely. */
function rootsOf(lex: PcsLexicon, stem: string): RootEntry[] {
  const out: RootEntry[] = [];
  let rest = stem;
  while (rest.length > 0) {
    const r = lex.roots.find((x) => x.form.length >= 3 && rest.startsWith(x.form));
    if (!r) return [];
    out.push(r);
    rest = rest.slice(r.form.length);
    if (rest.startsWith('o') && rest.length > 1) rest = rest.slice(1);
  }
  return out;
}

/** Longest first; drop triggers inside a longer one. Named procedures win ties. */
function resolveOverlaps(found: Trigger[]): Trigger[] {
  const rank = { named: 0, imaging: 1, suffix: 2, op: 3 } as const;
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || rank[a.kind] - rank[b.kind] || a.start - b.start);
  const kept: Trigger[] = [];
  // Triggers on exactly the same words from one compound word are all kept (cystoprostatectomy).
  for (const t of found) if (!kept.some((k) => t.start < k.end && k.start < t.end && !(k.kind === 'suffix' && t.kind === 'suffix' && k.start === t.start && k.end === t.end))) kept.push(t);
  return kept.sort((a, b) => a.start - b.start);
}
