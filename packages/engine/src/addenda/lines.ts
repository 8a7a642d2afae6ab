import { wordLines, type PdfLine, type PdfWord } from './pdf-text.js';

/**
 * The addenda of the Tabular List and of the two indexes print one change
 * per line: an action in the left column ("Add", "Delete", "Revise from",
 * "Revise to", "No Change" for context) and the entry beside it. A long entry
 * wraps onto lines that carry no action. This module turns the words of such
 * a PDF into entries: action, the entry's text with its wrapped lines joined,
 * the x position where the text starts (its indent), and where it was printed.
 */

export type AddendumAction = 'add' | 'delete' | 'reviseFrom' | 'reviseTo' | 'noChange';

export const ACTION_WORDS: ReadonlyArray<[AddendumAction, string[]]> = [
  ['noChange', ['No', 'Change']],
  ['reviseFrom', ['Revise', 'from']],
  ['reviseTo', ['Revise', 'to']],
  ['add', ['Add']],
  ['delete', ['Delete']],
];

/** How each action is printed, for messages. */
export const ACTION_LABEL: Readonly<Record<AddendumAction, string>> = {
  add: 'Add',
  delete: 'Delete',
  reviseFrom: 'Revise from',
  reviseTo: 'Revise to',
  noChange: 'No Change',
};

/** Where an addendum line was printed. */
export interface LineRef {
  page: number;
  /** Line number on the page, counting printed lines from 1. */
  line: number;
}

export interface AddendumEntry extends LineRef {
  action: AddendumAction;
  /** The entry's text, wrapped lines joined. */
  text: string;
  /** x (points) of the first word of the text: the indent, which tells levels apart in the Tabular List. */
  x: number;
  /** The lines as printed (action column included), for reports. */
  printed: string;
}

const ACTION_BY_WORDS = new Map(ACTION_WORDS.map(([a, seq]) => [seq.join('').toLowerCase(), { action: a, words: seq.length }]));

/**
 * The action a line starts with. The PDFs sometimes split a word ("No Chan
 * ge") or run two together ("NoChange"), so the first words are compared
 * with their spaces taken out.
 */
function matchAction(words: readonly PdfWord[]): { action: AddendumAction; used: number } | undefined {
  let joined = '';
  for (let i = 0; i < Math.min(words.length, 4); i++) {
    joined += words[i]!.text.replace(/:$/, '');
    const hit = ACTION_BY_WORDS.get(joined.toLowerCase());
    if (hit) return { action: hit.action, used: i + 1 };
  }
  return undefined;
}

/** Join a wrapped line to the text before it: a word broken after its hyphen closes up, others take a space. */
export function joinWrapped(before: string, after: string): string {
  if (!before) return after;
  if (!after) return before;
  if (/[A-Za-z0-9]-$/.test(before) && /^[A-Za-z0-9]/.test(after)) return before + after;
  return `${before} ${after}`;
}

const textOf = (words: readonly PdfWord[]) => words.map((w) => w.text).join(' ');

/**
 * Entries of an addendum of the Tabular List, the Alphabetic Index or the
 * External Cause Index. Lines before the first action (the title) are left
 * out; a line that starts in the action column without an action is kept as
 * an entry of its own with action 'noChange' only if it is not a page title.
 */
export function addendumEntries(words: readonly PdfWord[]): AddendumEntry[] {
  const lines = wordLines(words);
  // The action column: the left-most x of lines that start with an action word.
  let margin = Infinity;
  for (const l of lines) if (matchAction(l.words)) margin = Math.min(margin, l.words[0]!.x);
  const out: AddendumEntry[] = [];
  let cur: AddendumEntry | undefined;
  let lineOnPage = 0;
  let page = 0;
  for (const l of lines) {
    if (l.page !== page) {
      page = l.page;
      lineOnPage = 0;
    }
    lineOnPage++;
    const m = matchAction(l.words);
    const startsInMargin = l.words[0]!.x <= margin + 6;
    if (m && startsInMargin) {
      const rest = l.words.slice(m.used);
      cur = {
        action: m.action,
        text: textOf(rest),
        x: rest[0]?.x ?? l.words[l.words.length - 1]!.x,
        page: l.page,
        line: lineOnPage,
        printed: `${ACTION_LABEL[m.action]} ${textOf(rest)}`.trim(),
      };
      out.push(cur);
      continue;
    }
    // Titles at the head of the file (and repeated on a page) are not entries.
    if (!cur || isTitleLine(l)) continue;
    // A wrapped line: no action, indented like text.
    const text = textOf(l.words);
    if (cur.text === '') cur.x = l.words[0]!.x;
    cur.text = joinWrapped(cur.text, text);
    cur.printed = `${cur.printed} / ${text}`;
  }
  return out;
}

function isTitleLine(l: PdfLine): boolean {
  const t = textOf(l.words);
  return /^ICD-10-CM\b/.test(t) || /^(January|April|October)?\s*\d{4} Addenda\b/i.test(t) || /^Addenda\b/i.test(t);
}

/** "p.3 l.12" */
export function where(ref: LineRef): string {
  return `p.${ref.page} l.${ref.line}`;
}
