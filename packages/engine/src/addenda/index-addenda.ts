import type { PdfWord } from './pdf-text.js';
import { addendumEntries, type AddendumEntry, type LineRef } from './lines.js';
import type { ChangeAction, ParseProblem } from './tabular-addenda.js';
import { cleanText } from './text.js';

/**
 * Parser of the Alphabetic Index and External Cause Index addenda. An entry
 * is printed as in the index: leading hyphens give its level below the main
 * term ("- - with"), then the title with its nonessential modifiers in
 * parentheses, then a cross-reference ("- see …", "- see also …", "(see also
 * …)", "- see category …") and the code, with a manifestation code in
 * brackets.
 */

/** One index entry as an addendum prints it, taken apart. */
export interface PrintedIndexEntry {
  /** The entry as printed, without its level hyphens. */
  text: string;
  /** Title without modifiers, cross-references or codes. */
  title: string;
  /** Nonessential modifiers, as printed ("(connective tissue) (embolic)"). */
  nemods: string[];
  /** The title with its modifiers in place (cross-references and codes left out). */
  printedTitle: string;
  code?: string;
  manif?: string;
  see?: string;
  seeAlso?: string;
  seeCat?: string;
  subcat?: string;
}

export interface IndexChange extends LineRef {
  action: ChangeAction;
  /** 0 for a main term, 1 for its subterms, … */
  level: number;
  /** Titles from the main term down to the entry, as the addendum prints them above it (the entry's own last). */
  path: string[];
  /** Before the change (delete, revise, context). */
  old?: PrintedIndexEntry;
  /** After it (add, revise). */
  new?: PrintedIndexEntry;
  printed: string;
}

export interface ParsedIndexAddendum {
  changes: IndexChange[];
  problems: ParseProblem[];
}

const CODE = '[A-Z][0-9A-Z][0-9A-Z](?:\\.[0-9A-Z]{1,4})?-?|[A-Z][0-9A-Z][0-9A-Z]\\.-';
const TRAILING_CODE = new RegExp(`\\s(${CODE})(?:\\s*\\[(${CODE})\\])?$`);
const TRAILING_MANIF_ONLY = new RegExp(`\\s\\[(${CODE})\\]$`);
/** A code is a letter, then a digit (or a letter and a digit: QA0), then a digit or letter. */
const CODE_SHAPE = /^[A-Z](?:[0-9][0-9A-Z]|[A-Z][0-9])/;

/** Split the level hyphens off an entry: "- - with" gives level 2 and "with". */
export function levelOf(text: string): { level: number; rest: string } {
  const m = /^((?:-\s*)+)(?=\S)/.exec(text);
  if (!m) return { level: 0, rest: text.trim() };
  // "-see" or a title starting with a hyphen ("-ectomy") would not be followed by a space.
  return { level: (m[1]!.match(/-/g) ?? []).length, rest: text.slice(m[0].length).trim() };
}

/** Top-level parenthesised groups of a text and what is left without them. */
function splitGroups(text: string): { groups: string[]; bare: string } {
  const groups: string[] = [];
  let bare = '';
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') {
      if (depth === 0) cur = '';
      depth++;
    }
    if (depth > 0) cur += ch;
    else bare += ch;
    if (ch === ')' && depth > 0) {
      depth--;
      if (depth === 0) groups.push(cur);
    }
  }
  if (depth > 0) bare += cur;
  return { groups, bare: bare.replace(/\s+/g, ' ').replace(/\s+([,;:])/g, '$1').trim() };
}

/** True when every parenthesised group of a title comes after its last word. */
export function groupsTrail(text: string): boolean {
  let t = text.trim();
  for (;;) {
    const m = /\s*\([^()]*\)$/.exec(t);
    if (!m) break;
    t = t.slice(0, m.index).trim();
  }
  return !t.includes('(');
}

/** Take one printed index entry (level hyphens already removed) apart. */
export function parseIndexEntry(printed: string): PrintedIndexEntry {
  let text = cleanText(printed);
  const out: PrintedIndexEntry = { text, title: '', nemods: [], printedTitle: '' };
  // Codes at the end: "L02.91", "E85.4 [I43]", or a lone manifestation.
  const code = TRAILING_CODE.exec(text);
  // "- see category N20": the code belongs to the cross-reference.
  const ofCrossReference = code ? /\bsee(\s+(also|category|subcategory))?$/i.test(text.slice(0, code.index).trim()) : false;
  if (code && CODE_SHAPE.test(code[1]!) && !ofCrossReference) {
    out.code = code[1]!;
    if (code[2]) out.manif = code[2];
    text = text.slice(0, code.index).trim();
  } else {
    const manif = TRAILING_MANIF_ONLY.exec(text);
    if (manif) {
      out.manif = manif[1]!;
      text = text.slice(0, manif.index).trim();
    }
  }
  // Cross-references: "- see also …", "- see category …", "- see …", "(see also …)".
  const paren = /\s*\(see also ([^()]*(?:\([^()]*\)[^()]*)*)\)/i.exec(text);
  if (paren) {
    out.seeAlso = paren[1]!.trim();
    text = (text.slice(0, paren.index) + text.slice(paren.index + paren[0].length)).trim();
  }
  const dash = /\s*-\s*see\b\s*(also\b|category\b|subcategory\b)?\s*(.*)$/i.exec(text);
  if (dash && dash.index > 0) {
    const what = (dash[1] ?? '').toLowerCase();
    const target = dash[2]!.trim();
    if (what === 'also') out.seeAlso = out.seeAlso ? `${out.seeAlso}; ${target}` : target;
    else if (what === 'category') out.seeCat = target;
    else if (what === 'subcategory') out.subcat = target;
    else out.see = target;
    text = text.slice(0, dash.index).trim();
  }
  const { groups, bare } = splitGroups(text);
  out.title = bare;
  out.nemods = groups;
  out.printedTitle = text;
  return out;
}

/** Parse the words of an Alphabetic Index or External Cause Index addendum. */
export function parseIndexAddendum(words: readonly PdfWord[]): ParsedIndexAddendum {
  return parseIndexEntries(addendumEntries(words));
}

/** A letter heading of the index ("A"), printed as an entry of its own. */
const LETTER = /^[A-Z]$/;

export function parseIndexEntries(entries: readonly AddendumEntry[]): ParsedIndexAddendum {
  const changes: IndexChange[] = [];
  const problems: ParseProblem[] = [];
  const titles: string[] = [];
  const pathTo = (level: number, title: string) => {
    titles.length = level;
    titles[level] = title;
    return [...titles];
  };
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (LETTER.test(e.text.trim())) continue;
    const { level, rest } = levelOf(e.text);
    if (!rest) {
      problems.push({ page: e.page, line: e.line, printed: e.printed, reason: 'an entry without a title' });
      continue;
    }
    const base = { page: e.page, line: e.line, level };
    if (e.action === 'reviseFrom') {
      const next = entries[i + 1];
      if (!next || next.action !== 'reviseTo') {
        problems.push({ page: e.page, line: e.line, printed: e.printed, reason: '"Revise from" without "Revise to" after it' });
        continue;
      }
      const to = levelOf(next.text);
      if (to.level !== level) {
        problems.push({ page: e.page, line: e.line, printed: `${e.printed}\n${next.printed}`, reason: `"Revise from" at level ${level} but "Revise to" at level ${to.level}` });
        i++;
        continue;
      }
      const neu = parseIndexEntry(to.rest);
      changes.push({ ...base, path: pathTo(level, neu.title), action: 'revise', old: parseIndexEntry(rest), new: neu, printed: `${e.printed}\n${next.printed}` });
      i++;
      continue;
    }
    if (e.action === 'reviseTo') {
      problems.push({ page: e.page, line: e.line, printed: e.printed, reason: '"Revise to" without "Revise from" before it' });
      continue;
    }
    const entry = parseIndexEntry(rest);
    const path = pathTo(level, entry.title);
    if (e.action === 'add') changes.push({ ...base, path, action: 'add', new: entry, printed: e.printed });
    else changes.push({ ...base, path, action: e.action === 'delete' ? 'delete' : 'context', old: entry, printed: e.printed });
  }
  return { changes, problems };
}
