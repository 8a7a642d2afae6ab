import type { Icd10pcsRelease } from '../icd10pcs/release.js';
import { pcsLexicon } from './lexicon.js';
import { lowerSameLength, MentionFinder, type NoteSpans, type ProcedureMention } from './mentions.js';
import type { ProcedureRationale } from './rationale.js';
import { PcsBuilder, type Evidence, type PcsAxisChoice, type PcsBuild, type PcsMissingAxis } from './pcs-builder.js';

/**
 * ICD-10-PCS codes for the procedures a note documents, in the same shape as
 * diagnosis suggestions: code, title, confidence, evidence, rationale.
 */

export interface PcsSuggestion {
  system: 'icd10pcs';
  /** Seven characters, or the longest valid prefix when the note does not decide every axis. */
  code: string;
  complete: boolean;
  title: string;
  confidence: number;
  evidence: Evidence[];
  /** One entry per character chosen (the table path through it, what chose it, why), and why a prefix stops. */
  rationale: ProcedureRationale[];
  axes: PcsAxisChoice[];
  missing?: PcsMissingAxis[];
  query?: string;
  /** The mention was about an earlier procedure (history), one planned but not yet done, or a treatment course over several encounters (cycles of chemotherapy). */
  status: 'performed' | 'historical' | 'planned' | 'course';
}

export interface PcsCodingOptions {
  /** Keep procedures from the history (past surgical history, "in 1994"); default false. */
  includeHistory?: boolean;
  /** Keep planned or recommended procedures; default false. */
  includePlanned?: boolean;
  /** Keep treatment courses summarised over several encounters ("6 cycles of chemotherapy"); default false. */
  includeCourses?: boolean;
  /** Drop prefixes shorter than this (default 4: table and body part). */
  minPrefix?: number;
}

export class PcsCoder {
  readonly builder: PcsBuilder;
  private readonly finder: MentionFinder;

  constructor(readonly release: Icd10pcsRelease) {
    const lex = pcsLexicon();
    this.builder = new PcsBuilder(release, lex);
    this.finder = new MentionFinder(lex);
  }

  /** Mentions of procedures in a note, before building. */
  mentions(note: NoteSpans): ProcedureMention[] {
    return this.finder.find(note);
  }

  /** Code one procedure phrase ("laparoscopic appendectomy"): the builds of its mentions. */
  phrase(text: string): PcsSuggestion[] {
    return this.code({ text, sentences: [{ start: 0, end: text.length }] }, { includeHistory: true, includePlanned: true, includeCourses: true, minPrefix: 3 });
  }

  code(note: NoteSpans, opts: PcsCodingOptions = {}): PcsSuggestion[] {
    const lower = lowerSameLength(note.text);
    const minPrefix = opts.minPrefix ?? 4;
    const out: PcsSuggestion[] = [];
    const sentenceOf = new Map<PcsSuggestion, number>();
    for (const m of this.finder.find(note, lower)) {
      if (m.negated) continue;
      const status = m.course ? 'course' : m.historical ? 'historical' : m.planned ? 'planned' : 'performed';
      if (status === 'course' && !opts.includeCourses) continue;
      if (status === 'historical' && !opts.includeHistory) continue;
      if (status === 'planned' && !opts.includePlanned) continue;
      for (const build of this.builder.buildAll(m.request, m.context)) {
        if (build.code.length < minPrefix) continue;
        // Operation words alone ("repair", "drainage") need a body part the note names.
        if (isGeneric(m) && !build.axes.some((a) => a.pos === 4 && a.source === 'body-part')) continue;
        const s = this.suggestion(build, m, status);
        sentenceOf.set(s, m.context.sentence.start);
        out.push(s);
      }
    }
    return merge(this.withoutAccessInspections(out, sentenceOf));
  }

  /**
   * B3.11a: an inspection done to reach another procedure is not coded
   * separately (the subcostal laparotomy of a radical nephrectomy): an
   * inspection of an access table (accessInspections) is dropped when its
   * sentence documents another Medical and Surgical procedure done by the
   * same approach, or whose approach the note leaves open.
   */
  private withoutAccessInspections(list: PcsSuggestion[], sentenceOf: Map<PcsSuggestion, number>): PcsSuggestion[] {
    const access = this.builder.lexicon.accessInspections;
    return list.filter((s) => {
      if (!access.has(s.code.slice(0, 3))) return true;
      const approach = s.code[4];
      return !list.some((o) => o !== s && o.code[0] === '0' && o.code[2] !== 'J' && sentenceOf.get(o) === sentenceOf.get(s) && (o.code.length < 5 || approach === undefined || o.code[4] === approach));
    });
  }

  private suggestion(build: PcsBuild, m: ProcedureMention, status: PcsSuggestion['status']): PcsSuggestion {
    const ev: Evidence = { start: m.context.trigger.start, end: m.context.trigger.end, text: m.context.text.slice(m.context.trigger.start, m.context.trigger.end) };
    let path = '';
    const rationale: ProcedureRationale[] = build.axes.map((a) => {
      path += a.value;
      return { kind: 'pcs-axis', path, rule: a.source === 'procedure' ? `procedure:${build.procedure}` : a.source, text: `${a.pos} ${a.title} ${a.value} (${a.label}): ${a.reason}` };
    });
    if (!build.complete) rationale.push({ kind: 'pcs-incomplete', path: build.code, text: `stops at ${build.code}: the note does not decide the ${build.missing[0]?.title.toLowerCase() ?? 'next axis'}` });
    const s: PcsSuggestion = {
      system: 'icd10pcs',
      code: build.code,
      complete: build.complete,
      title: build.title,
      confidence: status === 'performed' ? build.confidence : Math.round(build.confidence * 0.6 * 100) / 100,
      evidence: [ev],
      rationale,
      axes: build.axes,
      status,
    };
    if (!build.complete) {
      s.missing = build.missing;
      if (build.query) s.query = build.query;
    }
    return s;
  }
}

function isGeneric(m: ProcedureMention): boolean {
  return !m.request.template.match(/^[0-9A-Z]{4}/) && !m.request.procedure.startsWith('imaging') && !m.request.bodyWords && !m.request.bodyFallback && !m.request.defaults?.['4'];
}

/** One suggestion per code; a prefix that a complete code of the note extends is folded into it. */
function merge(list: PcsSuggestion[]): PcsSuggestion[] {
  const byCode = new Map<string, PcsSuggestion>();
  for (const s of list) {
    const prev = byCode.get(s.code);
    if (!prev) {
      byCode.set(s.code, s);
      continue;
    }
    prev.evidence.push(...s.evidence);
    if (s.confidence > prev.confidence) prev.confidence = s.confidence;
    if (prev.status !== 'performed' && s.status === 'performed') prev.status = 'performed';
  }
  const all = [...byCode.values()];
  const kept = all.filter((s) => s.complete || !all.some((o) => o !== s && o.code.length > s.code.length && o.code.startsWith(s.code)));
  for (const s of all) {
    if (kept.includes(s)) continue;
    const into = kept.find((o) => o.code.startsWith(s.code));
    into?.evidence.push(...s.evidence);
  }
  for (const s of kept) s.evidence.sort((a, b) => a.start - b.start);
  return kept.sort((a, b) => b.confidence - a.confidence || a.evidence[0]!.start - b.evidence[0]!.start);
}
