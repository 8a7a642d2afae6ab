import { readFileSync } from 'node:fs';
import type { NoteKind } from '../lookup.js';
import type { PdfWord } from './pdf-text.js';
import { addendumEntries, type AddendumEntry, type LineRef } from './lines.js';

/**
 * Parser of the Tabular List addenda. Each printed entry becomes a change
 * record naming what it changes (a chapter, a section, a code, an
 * instructional note of one of them, or a 7th-character definition), the
 * action, and the old and new values. Which code a note belongs to is read
 * from the indent: a note is printed one step to the right of its code.
 */

export type ChangeAction = 'add' | 'delete' | 'revise' | 'context';

/** 'blocks': a line of a chapter's list of blocks, which restates section headings and changes nothing. */
export type TabularSubject = 'chapter' | 'section' | 'code' | 'note' | 'seventh' | 'blocks';

/** The chapter, section or code a change belongs to. */
export interface TabularOwner {
  type: 'chapter' | 'section' | 'code';
  /** Chapter number, section id (its range, "B85-B89" or "C50") or code. */
  id: string;
}

export interface TabularChange extends LineRef {
  action: ChangeAction;
  subject: TabularSubject;
  /**
   * For chapter, section and code lines: the entry the line names (for a
   * revised section, the id it had before). For notes and 7th characters:
   * the entry that carries them.
   */
  owner: TabularOwner;
  /** A revised section's new id. */
  newId?: string;
  /** Note kind (notes); for a revision that moves a note to another kind, the kind before. */
  kind?: NoteKind;
  /** The note kind after a revision, when it changes. */
  newKind?: NoteKind;
  /** 7th character (seventh). */
  char?: string;
  /** Title, note text or 7th-character meaning before the change (delete, revise, context). */
  old?: string;
  /** … and after it (add, revise). */
  new?: string;
  /** Chapter number in force where the line is printed. */
  chapter?: string;
  /** Section in force where the line is printed. */
  section?: string;
  /** The addendum line(s) as printed. */
  printed: string;
}

/** A line the parser could not turn into a change. */
export interface ParseProblem extends LineRef {
  printed: string;
  reason: string;
}

export interface ParsedTabularAddendum {
  changes: TabularChange[];
  problems: ParseProblem[];
}

interface HeadingRule {
  kind: NoteKind;
  re: RegExp;
  strip: boolean;
}

interface NoteRules {
  headings: HeadingRule[];
  seventh: RegExp;
  blocks: RegExp;
}

let rules: NoteRules | undefined;

/** The note headings of the addenda (data/addenda/tabular-notes.json). */
export function noteRules(): NoteRules {
  if (!rules) {
    const data = JSON.parse(readFileSync(new URL('../../data/addenda/tabular-notes.json', import.meta.url), 'utf8')) as {
      headings: Array<{ kind: NoteKind; pattern: string; strip: boolean }>;
      seventhCharacter: { pattern: string };
      blockLists: { pattern: string };
    };
    rules = {
      headings: data.headings.map((h) => ({ kind: h.kind, re: new RegExp(h.pattern, 'i'), strip: h.strip })),
      seventh: new RegExp(data.seventhCharacter.pattern),
      blocks: new RegExp(data.blockLists.pattern, 'i'),
    };
  }
  return rules;
}

/** The note kind a line starts, and its text as the tabular keeps it. */
export function noteHeading(text: string): { kind: NoteKind; text: string } | undefined {
  for (const h of noteRules().headings) {
    const m = h.re.exec(text);
    if (m) return { kind: h.kind, text: h.strip ? text.slice(m[0].length).trim() : text.trim() };
  }
  return undefined;
}

/** A category: letter, digit, digit or letter; since FY2026 also letter, letter, digit (QA0). */
const CATEGORY = '[A-Z](?:[0-9][0-9A-Z]|[A-Z][0-9])';
const CODE_LINE = new RegExp(`^(${CATEGORY}(?:\\.[0-9A-Z]{1,4})?)\\s+(\\S.*)$`);
const CHAPTER_LINE = /^Chapter\s+(\d{1,2})$/i;
/** A heading ending in a category range: "Viral hepatitis (B15-B19)", "Malignant neoplasms of breast (C50)". */
const RANGE_END = new RegExp(`\\((${CATEGORY})(?:\\s*-\\s*(${CATEGORY}))?\\)$`);

/** Section id as the tabular XML writes it: "B15-B19", or "C50" for a one-category section. */
export function sectionIdOf(text: string): string | undefined {
  const m = RANGE_END.exec(text.trim());
  if (!m) return undefined;
  return m[2] && m[2] !== m[1] ? `${m[1]}-${m[2]}` : m[1]!;
}

interface Head {
  x: number;
  owner: TabularOwner;
}

/** Parse the words of a Tabular List addendum PDF. */
export function parseTabularAddendum(words: readonly PdfWord[]): ParsedTabularAddendum {
  return parseTabularEntries(addendumEntries(words));
}

/** Parse already extracted entries (see addendumEntries). */
export function parseTabularEntries(entries: readonly AddendumEntry[]): ParsedTabularAddendum {
  const changes: TabularChange[] = [];
  const problems: ParseProblem[] = [];
  let chapter: string | undefined;
  let section: string | undefined;
  /** x where chapter lines, section headings and categories start. */
  let topX: number | undefined;
  let heads: Head[] = [];
  /** The note list being printed: its owner and kind. */
  let list: { owner: TabularOwner; kind: NoteKind; x: number; blocks?: boolean } | undefined;
  let afterChapterMarker = false;
  let chapterTitleFrom = false;

  const near = (a: number, b: number) => Math.abs(a - b) <= 3;
  const ownerAt = (x: number): TabularOwner | undefined => {
    for (let i = heads.length - 1; i >= 0; i--) if (heads[i]!.x < x - 2) return heads[i]!.owner;
    return heads[heads.length - 1]?.owner;
  };
  const sameOwner = (a: TabularOwner | undefined, b: TabularOwner | undefined) => Boolean(a && b && a.type === b.type && a.id === b.id);

  // Revise from / Revise to come in runs: n "from" lines, then n "to" lines.
  type Item = Omit<TabularChange, 'action' | 'old' | 'new'> & { value: string };
  const items: Array<{ entry: AddendumEntry; item: Item | undefined }> = [];

  for (const e of entries) {
    const text = e.text.trim();
    const base = { page: e.page, line: e.line, printed: e.printed, ...(chapter ? { chapter } : {}), ...(section ? { section } : {}) };
    const chapterMarker = CHAPTER_LINE.exec(text);
    if (chapterMarker) {
      chapter = chapterMarker[1]!;
      section = undefined;
      topX = e.x;
      const owner: TabularOwner = { type: 'chapter', id: chapter };
      heads = [{ x: e.x, owner }];
      list = undefined;
      afterChapterMarker = true;
      items.push({ entry: e, item: { ...base, chapter, subject: 'chapter', owner, value: '' } });
      continue;
    }
    topX ??= e.x;
    // Lines of a chapter's list of blocks are indented below the list's heading.
    if (list?.blocks && e.x > list.x + 2) {
      items.push({ entry: e, item: { ...base, subject: 'blocks', owner: list.owner, value: text } });
      continue;
    }
    const code = CODE_LINE.exec(text);
    if (code) {
      afterChapterMarker = false;
      const owner: TabularOwner = { type: 'code', id: code[1]! };
      heads = heads.filter((h) => h.x < e.x - 2);
      heads.push({ x: e.x, owner });
      list = undefined;
      items.push({ entry: e, item: { ...base, subject: 'code', owner, value: code[2]!.trim() } });
      continue;
    }
    const heading = noteHeading(text);
    if (heading) {
      afterChapterMarker = false;
      const owner = ownerAt(e.x);
      if (!owner) {
        items.push({ entry: e, item: undefined });
        continue;
      }
      list = { owner, kind: heading.kind, x: e.x };
      items.push({ entry: e, item: { ...base, subject: 'note', owner, kind: heading.kind, value: heading.text } });
      continue;
    }
    const range = sectionIdOf(text);
    if (range && near(e.x, topX) && /^[A-Z]/.test(text)) {
      list = undefined;
      // The chapter's title, printed right below "Chapter N" (a revised title on two lines, from and to).
      const revisingTitle = e.action === 'reviseTo' && chapterTitleFrom;
      chapterTitleFrom = afterChapterMarker && e.action === 'reviseFrom';
      if ((afterChapterMarker || revisingTitle) && chapter) {
        afterChapterMarker = false;
        items.push({ entry: e, item: { ...base, subject: 'chapter', owner: { type: 'chapter', id: chapter }, value: text } });
        continue;
      }
      section = range;
      const owner: TabularOwner = { type: 'section', id: range };
      heads = heads.filter((h) => h.owner.type === 'chapter');
      heads.push({ x: e.x, owner });
      items.push({ entry: e, item: { ...base, section: range, subject: 'section', owner, value: text } });
      continue;
    }
    afterChapterMarker = false;
    const owner = ownerAt(e.x);
    if (!owner) {
      items.push({ entry: e, item: undefined });
      continue;
    }
    if (noteRules().blocks.test(text)) {
      list = { owner, kind: 'notes', x: e.x, blocks: true };
      items.push({ entry: e, item: { ...base, subject: 'blocks', owner, value: text } });
      continue;
    }
    if (list?.kind === 'sevenChrNote' && sameOwner(list.owner, owner)) {
      const m = noteRules().seventh.exec(text);
      if (m) {
        items.push({ entry: e, item: { ...base, subject: 'seventh', owner, char: m[1]!, value: m[2]!.trim() } });
        continue;
      }
    }
    // A plain line: an item of the note list above it, else an inclusion term (of a code) or a note (of a section or chapter).
    const kind: NoteKind = list && sameOwner(list.owner, owner) && list.kind !== 'sevenChrNote' ? list.kind : owner.type === 'code' ? 'inclusionTerm' : 'notes';
    if (!list || !sameOwner(list.owner, owner) || list.kind === 'sevenChrNote') list = { owner, kind, x: e.x };
    items.push({ entry: e, item: { ...base, subject: 'note', owner, kind, value: text } });
  }

  // Turn items into changes, pairing revisions.
  for (let i = 0; i < items.length; ) {
    const { entry, item } = items[i]!;
    if (!item) {
      problems.push({ page: entry.page, line: entry.line, printed: entry.printed, reason: 'no chapter, section or code above this line' });
      i++;
      continue;
    }
    if (entry.action !== 'reviseFrom' && entry.action !== 'reviseTo') {
      const { value, ...rest } = item;
      const action: ChangeAction = entry.action === 'add' ? 'add' : entry.action === 'delete' ? 'delete' : 'context';
      const change: TabularChange = { ...rest, action };
      if (action === 'add') change.new = value;
      else change.old = value;
      // A section or code line gives its id; chapter lines their number.
      changes.push(change);
      i++;
      continue;
    }
    // A run of "Revise from" lines followed by as many "Revise to" lines.
    let j = i;
    while (j < items.length && items[j]!.entry.action === 'reviseFrom') j++;
    let k = j;
    while (k < items.length && items[k]!.entry.action === 'reviseTo') k++;
    const from = items.slice(i, j);
    const to = items.slice(j, k);
    if (from.length === 0 || from.length !== to.length) {
      for (const x of [...from, ...to]) {
        problems.push({ page: x.entry.page, line: x.entry.line, printed: x.entry.printed, reason: `"Revise from" and "Revise to" lines do not pair up (${from.length} from, ${to.length} to)` });
      }
      i = Math.max(k, i + 1);
      continue;
    }
    for (let n = 0; n < from.length; n++) {
      const a = from[n]!.item;
      const b = to[n]!.item;
      const ea = from[n]!.entry;
      const eb = to[n]!.entry;
      if (!a || !b) {
        problems.push({ page: ea.page, line: ea.line, printed: `${ea.printed} → ${eb.printed}`, reason: 'no chapter, section or code above this revision' });
        continue;
      }
      const printed = `${ea.printed}\n${eb.printed}`;
      if (a.subject !== b.subject) {
        problems.push({ page: ea.page, line: ea.line, printed, reason: `"Revise from" is a ${a.subject} line but "Revise to" is a ${b.subject} line` });
        continue;
      }
      if (a.subject === 'code' && a.owner.id !== b.owner.id) {
        problems.push({ page: ea.page, line: ea.line, printed, reason: `a revision that changes the code itself (${a.owner.id} to ${b.owner.id})` });
        continue;
      }
      const change: TabularChange = {
        page: ea.page,
        line: ea.line,
        printed,
        action: 'revise',
        subject: a.subject,
        owner: a.owner,
        ...(a.chapter ? { chapter: a.chapter } : {}),
        ...(a.section ? { section: a.section } : {}),
        old: a.value,
        new: b.value,
      };
      if (a.subject === 'section' && b.owner.id !== a.owner.id) change.newId = b.owner.id;
      if (a.kind) change.kind = a.kind;
      if (b.kind && b.kind !== a.kind) change.newKind = b.kind;
      if (a.char) change.char = a.char;
      changes.push(change);
    }
    i = k;
  }
  return { changes, problems };
}
