/**
 * Layer 2, ICD-10-CM instructions: the Tabular List's notes read as claim
 * edits. Excludes1 pairs on one claim; a required "code first" or "use
 * additional code" partner missing; a code-first partner listed after the
 * code that asks for it; a manifestation or external cause code listed first;
 * a less specific code where the claim's other codes call for a more specific
 * one.
 *
 * The notes come from the release in force (Icd10cmRelease.lookup().notes,
 * own and inherited); what they mean for each code is worked out once per
 * release and code (InstructionIndex).
 */
import { readFileSync } from 'node:fs';
import type { Icd10cmRelease } from '../icd10cm/release.js';
import type { CodeNote } from '../lookup.js';
import { anyRefMatches, parseRefItem, parseRefList, parseRefs, type NoteRef } from './code-refs.js';
import { listCodes, type ClaimContext, type DxItem } from './context.js';
import type { FindingSink } from './finding.js';

interface LessSpecificRuleData {
  id: string;
  code: string;
  with: string[][];
  suggest: string;
  reason: string;
}

interface InstructionData {
  optionalPhrases: string[];
  manifestationTitle: string;
  externalCauseChapter: string;
  lessSpecific: LessSpecificRuleData[];
  withoutComplications: string;
}

export interface LessSpecificRule {
  id: string;
  code: string;
  bare: string;
  with: NoteRef[][];
  suggest: string;
  reason: string;
}

export interface InstructionRules {
  optionalPhrases: string[];
  manifestationTitle: RegExp;
  externalCause: NoteRef;
  lessSpecific: LessSpecificRule[];
  withoutComplications: string;
}

const DATA_URL = new URL('../../data/edits/icd10cm-instructions.json', import.meta.url);
let rules: InstructionRules | undefined;

/** The rules of data/edits/icd10cm-instructions.json, checked and parsed once. */
export function instructionRules(): InstructionRules {
  if (rules) return rules;
  const d = JSON.parse(readFileSync(DATA_URL, 'utf8')) as InstructionData;
  const ext = parseRefItem(d.externalCauseChapter);
  if (!ext) throw new Error(`icd10cm-instructions.json: externalCauseChapter "${d.externalCauseChapter}" is not a range`);
  rules = {
    optionalPhrases: d.optionalPhrases.map((p) => p.toLowerCase()),
    manifestationTitle: new RegExp(d.manifestationTitle, 'i'),
    externalCause: ext,
    lessSpecific: d.lessSpecific.map((r) => ({
      id: r.id,
      code: r.code,
      bare: r.code.replace('.', ''),
      with: r.with.map((group, i) => parseRefList(group, `icd10cm-instructions.json lessSpecific ${r.id} with[${i}]`)),
      suggest: r.suggest,
      reason: r.reason,
    })),
    withoutComplications: d.withoutComplications.toLowerCase(),
  };
  return rules;
}

/** One note read as an instruction about partner codes. */
export interface PartnerNote {
  refs: NoteRef[];
  text: string;
  /** The code, section or chapter that carries the note. */
  from: string;
  /** The partner must be on the claim (a lone, unconditional note of a code); otherwise only order is checked. */
  required: boolean;
}

/** What the tabular says about one code, in the form the edits use. */
export interface CodeInstructions {
  code: string;
  bare: string;
  title: string;
  excludes1: PartnerNote[];
  codeFirst: PartnerNote[];
  useAdditional: PartnerNote[];
  /** Title says "… in diseases classified elsewhere". */
  manifestation: boolean;
  externalCause: boolean;
  /** Title says "unspecified" or "without complications": a code a more specific sibling replaces. */
  unspecified: boolean;
  /** The parent node, bare; codes below it are this code's specific siblings. */
  parentBare?: string;
  /** Bit n set when an Excludes1 reference can cover codes starting with letter A+n (a quick filter). */
  excludesLetters: number;
}

/** Letters (as a bit mask) that the codes of some references can start with. */
function letterMask(notes: readonly PartnerNote[]): number {
  let mask = 0;
  for (const n of notes) {
    for (const r of n.refs) {
      const lo = r.from.charCodeAt(0) - 65;
      const hi = (r.to ?? r.from).charCodeAt(0) - 65;
      for (let c = lo; c <= hi; c++) mask |= 1 << c;
    }
  }
  return mask;
}

const CODE_ID = /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/;

function isOptional(text: string, optional: readonly string[]): boolean {
  const t = text.toLowerCase();
  return optional.some((p) => t.includes(p));
}

/**
 * Turn a code's notes of one kind into partner notes. A note ending in ":" is
 * a heading; the notes after it (same kind, same owner) are its alternatives
 * and never required on their own. So are the notes of an owner that gives
 * several of one kind (I50's "code first" list names the circumstances —
 * complicating abortion, due to hypertension, following surgery — in which
 * another code goes first; none of them is owed by every heart failure).
 */
function partnerNotes(notes: readonly CodeNote[], kind: CodeNote['kind'], selfBare: string, r: InstructionRules): PartnerNote[] {
  const out: PartnerNote[] = [];
  const perOwner = new Map<string, number>();
  for (const n of notes) if (n.kind === kind) perOwner.set(n.from, (perOwner.get(n.from) ?? 0) + 1);
  let heading: { from: string; optional: boolean } | undefined;
  for (const n of notes) {
    if (n.kind !== kind) continue;
    const text = n.text.trim();
    if (heading && heading.from !== n.from) heading = undefined;
    if (text.endsWith(':')) {
      heading = { from: n.from, optional: true };
      continue;
    }
    const refs = parseRefs(text).filter((ref) => !(ref.to === undefined && selfBare.startsWith(ref.from)));
    if (!refs.length) continue;
    const required = !heading && perOwner.get(n.from) === 1 && CODE_ID.test(n.from) && !isOptional(text, r.optionalPhrases);
    out.push({ refs, text, from: n.from, required });
  }
  return out;
}

/** The instructions of every code of one ICD-10-CM release, worked out on first use. */
export class InstructionIndex {
  private readonly memo = new Map<string, CodeInstructions | null>();
  readonly rules = instructionRules();

  constructor(readonly release: Icd10cmRelease) {}

  of(code: string): CodeInstructions | undefined {
    let m = this.memo.get(code);
    if (m === undefined) {
      m = this.compute(code) ?? null;
      this.memo.set(code, m);
    }
    return m ?? undefined;
  }

  private compute(code: string): CodeInstructions | undefined {
    const detail = this.release.lookup(code);
    if (!detail) return undefined;
    const r = this.rules;
    const bare = detail.code.replace('.', '');
    const notes = detail.notes ?? [];
    const title = detail.title;
    const lower = title.toLowerCase();
    const parent = this.release.node(detail.code)?.p;
    const excludes1 = partnerNotes(notes, 'excludes1', bare, r);
    return {
      code: detail.code,
      bare,
      title,
      excludes1,
      excludesLetters: letterMask(excludes1),
      codeFirst: partnerNotes(notes, 'codeFirst', bare, r),
      useAdditional: partnerNotes(notes, 'useAdditionalCode', bare, r),
      manifestation: r.manifestationTitle.test(title),
      externalCause: anyRefMatches([r.externalCause], bare),
      unspecified: /\bunspecified\b/.test(lower) || lower.includes(r.withoutComplications),
      ...(parent ? { parentBare: parent.replace('.', '') } : {}),
    };
  }
}

const indexes = new WeakMap<Icd10cmRelease, InstructionIndex>();

export function instructionIndex(release: Icd10cmRelease): InstructionIndex {
  let i = indexes.get(release);
  if (!i) indexes.set(release, (i = new InstructionIndex(release)));
  return i;
}

function firstRef(refs: readonly NoteRef[]): string {
  return refs.map((r) => r.text).join(', ');
}

export interface InstructionOptions {
  /** Bare codes the Medicare Code Editor lists as manifestations, when its table is in force. */
  isManifestation?: (bare: string) => boolean;
}

export function checkIcd10cmInstructions(ctx: ClaimContext, sink: FindingSink, index: InstructionIndex, opts: InstructionOptions = {}): void {
  const dx = ctx.dx;
  const info: Array<CodeInstructions | undefined> = dx.map((d) => index.of(d.code));
  const first = dx[0];
  const firstInfo = info[0];
  const principal = ctx.setting === 'inpatient' ? 'principal' : 'first-listed';

  // Manifestation and external cause codes are never listed first.
  if (first && firstInfo) {
    if (firstInfo.manifestation || opts.isManifestation?.(first.bare)) {
      const under = firstInfo.codeFirst.length ? ` (code first: ${firstInfo.codeFirst.map((n) => firstRef(n.refs)).join('; ')})` : '';
      sink.emit('instructions.manifestation-first', {
        codes: [first.code],
        diagnoses: [1],
        vars: { code: first.code, title: firstInfo.title, principal, under },
      });
    }
    if (firstInfo.externalCause) {
      sink.emit('instructions.external-cause-first', { codes: [first.code], diagnoses: [1], vars: { code: first.code, title: firstInfo.title, principal } });
    }
  }

  for (let i = 0; i < dx.length; i++) {
    const a = info[i];
    if (!a) continue;
    const da = dx[i]!;
    // Excludes1: the two codes are never reported together (unless the conditions are unrelated).
    for (let j = 0; a.excludes1.length && j < dx.length; j++) {
      const db = dx[j]!;
      if (j === i || db.bare === da.bare || !(a.excludesLetters & (1 << (db.bare.charCodeAt(0) - 65)))) continue;
      for (const note of a.excludes1) {
        if (!anyRefMatches(note.refs, db.bare)) continue;
        const [p, q] = i < j ? [da, db] : [db, da];
        sink.emit('instructions.excludes1', {
          codes: [p.code, q.code],
          diagnoses: [p.pos, q.pos],
          vars: { code: da.code, other: db.code, note: note.text, from: note.from },
        });
        break;
      }
    }

    // Code first: the partner goes before this code; when the note is unconditional it must be there.
    for (const note of a.codeFirst) {
      let before = false;
      let after: DxItem | undefined;
      for (let j = 0; j < dx.length; j++) {
        if (j === i || !anyRefMatches(note.refs, dx[j]!.bare)) continue;
        if (j < i) before = true;
        else after ??= dx[j];
      }
      if (!before && after) {
        const p = after;
        sink.emit('instructions.code-first-sequence', {
          codes: [da.code, p.code],
          diagnoses: [da.pos, p.pos],
          vars: { code: da.code, partner: p.code, instruction: instructionText('code first', note.text) },
        });
      } else if (!before && !after && note.required) {
        sink.emit('instructions.code-first-missing', { codes: [da.code], diagnoses: [da.pos], vars: { code: da.code, refs: firstRef(note.refs), instruction: instructionText('code first', note.text) } });
      }
    }

    // Use additional code: an unconditional note needs its partner on the claim.
    for (const note of a.useAdditional) {
      if (!note.required || hasPartner(dx, note.refs, i)) continue;
      sink.emit('instructions.use-additional-missing', { codes: [da.code], diagnoses: [da.pos], vars: { code: da.code, refs: firstRef(note.refs), instruction: instructionText('use additional code', note.text) } });
    }
  }

  lessSpecific(ctx, sink, info, index.rules);
}

/** "code first" + "underlying disease (N18.-)"; "use additional code" + "code to identify …" reads "use additional code to identify …". */
function instructionText(lead: string, note: string): string {
  const words = lead.split(' ');
  const last = words[words.length - 1]!;
  return note.toLowerCase().startsWith(`${last} `) ? `${words.slice(0, -1).join(' ')} ${note}` : `${lead} ${note}`;
}

function hasPartner(dx: readonly DxItem[], refs: readonly NoteRef[], self: number): boolean {
  for (let j = 0; j < dx.length; j++) if (j !== self && anyRefMatches(refs, dx[j]!.bare)) return true;
  return false;
}

/** Less specific codes: combination rules from the data file, then unspecified codes beside a specific sibling. */
function lessSpecific(ctx: ClaimContext, sink: FindingSink, info: Array<CodeInstructions | undefined>, r: InstructionRules): void {
  const dx = ctx.dx;
  const flagged = new Set<number>();
  for (const d of dx) {
    for (const rule of r.lessSpecific) {
      if (rule.bare !== d.bare) continue;
      const partners: DxItem[] = [];
      let all = true;
      for (const group of rule.with) {
        const hit = dx.find((o) => o !== d && anyRefMatches(group, o.bare));
        if (!hit) {
          all = false;
          break;
        }
        partners.push(hit);
      }
      if (!all) continue;
      const withCodes = listCodes(partners.map((p) => p.code));
      sink.emit('instructions.less-specific', {
        codes: [d.code, ...partners.map((p) => p.code)],
        diagnoses: [d.pos, ...partners.map((p) => p.pos)],
        vars: { code: d.code, suggest: rule.suggest, with: withCodes, reason: rule.reason },
      });
      flagged.add(d.pos);
      break;
    }
  }
  dx.forEach((d, i) => {
    const a = info[i];
    if (!a?.unspecified || !a.parentBare || flagged.has(d.pos)) return;
    const parent = a.parentBare;
    const specific = dx.find((o, j) => j !== i && o.bare !== d.bare && o.bare.startsWith(parent) && info[j] && !info[j]!.unspecified);
    if (!specific) return;
    sink.emit('instructions.unspecified-with-specific', {
      codes: [d.code, specific.code],
      diagnoses: [d.pos, specific.pos],
      vars: { code: d.code, title: a.title, specific: specific.code },
    });
  });
}
