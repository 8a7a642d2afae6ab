import { MedcoderError } from '../errors.js';
import type { ProgressStep } from '../progress.js';
import type { CompileContext, GroupSource, ReleaseGroup } from '../releases/compiler.js';
import { releaseSpan } from '../releases/key.js';
import type { SourceEntry } from '../sources/entry.js';
import { clean, streamXml, type XmlElement } from '../util/xml.js';
import {
  INDEX_COUNT_NAMES,
  INDEX_FILES,
  INDEX_FORMAT,
  INDEX_KINDS,
  INDEX_LABELS,
  INDEX_SOURCE_KINDS,
  type CompiledIndexFile,
  type CompiledLetter,
  type CompiledTerm,
  type IndexKind,
} from './alphabetic-index.js';

/**
 * Streaming reader for the four ICD-10-CM index files (root `ICD10CM.index`):
 * the Alphabetic Index, the Table of Neoplasms, the Table of Drugs and
 * Chemicals and the External Cause Index. They share one layout: letters
 * holding main terms holding nested terms, each with a title (possibly with
 * nonessential modifiers inside it) and code, manif, see, seeAlso, seecat,
 * subcat or table cells.
 */

export interface ParsedIndexFile {
  data: CompiledIndexFile;
  /** Remarks about the file (unknown elements, repeated elements); nothing is dropped silently. */
  notes: string[];
}

/** Single-valued children of a term and the compiled key each goes to. */
const FIELD_OF: Record<string, 'c' | 'm' | 's' | 'a' | 'sc' | 'sb' | 'w'> = {
  code: 'c',
  manif: 'm',
  see: 's',
  seeAlso: 'a',
  seecat: 'sc',
  seeCat: 'sc',
  subcat: 'sb',
  warning: 'w',
};

/** Elements whose whole text (inline children included) is read. */
const FULL_TEXT = new Set(['nemod', 'cell', 'head', 'version', ...Object.keys(FIELD_OF)]);

/** Elements the reader knows; others are reported once in the notes. */
const KNOWN = new Set(['ICD10CM.index', 'ICD10CM.table', 'version', 'title', 'letter', 'mainTerm', 'term', 'indexHeading', ...FULL_TEXT]);

/** Cell values that mean "no code in this column". */
const NO_CODE = /^(-+|—|–)?$/;

/** How a table cell without a code is written. */
function cellValue(text: string): string | null {
  const v = clean(text);
  return NO_CODE.test(v) ? null : v;
}

interface TermFrame {
  term: CompiledTerm;
  depth: number;
  /** Title being read: offsets in the title's direct text where each modifier sat, and the modifiers. */
  cuts?: number[];
  nemods?: string[];
  /** Fields already set, to report repeats. */
  seen?: Set<string>;
}

/** A modifier of single letters (or "es") sits inside a word: "organ(s)", "cephal(o)hematocele", "HB(c)(s)-AG". */
const IN_WORD = /^(\((?:[a-z]|es)\))+$/;

/**
 * Assemble a title from its direct text and the modifiers cut out of it. The
 * files put no space around a modifier, so spacing is inferred: without the
 * modifiers, pieces are joined by one space unless punctuation, a hyphen or a
 * single-letter in-word modifier joins them ("autonomic(poly)neuropathy"
 * gives "autonomic neuropathy", "amphetamine(or other stimulant)-induced"
 * gives "amphetamine-induced", "cephal(o)hematocele" gives
 * "cephalhematocele"). The printed form keeps the modifiers in place, with a
 * space before each unless it sits inside a word.
 */
export function assembleTitle(text: string, cuts: readonly number[], nemods: readonly string[]): { title: string; printed: string } {
  const pieces: string[] = [];
  let at = 0;
  for (const cut of cuts) {
    pieces.push(text.slice(at, cut));
    at = cut;
  }
  pieces.push(text.slice(at));
  let title = '';
  let spacedBefore = false;
  pieces.forEach((raw, i) => {
    const p = clean(raw);
    if (!p) {
      if (/\s/.test(raw)) spacedBefore = true;
      return;
    }
    if (!title) {
      // A title that opens with a modifier joined by a hyphen ("(L)-triiodothyronine").
      title = i > 0 ? p.replace(/^-+\s*/, '') : p;
    } else {
      const spaced = spacedBefore || /^\s/.test(raw);
      const between = nemods[i - 1] ?? '';
      const glue =
        !spaced &&
        (/^[-,;:.)/]/.test(p) || /[-(/]$/.test(title) || (IN_WORD.test(between) && /\w$/.test(title) && /^\w/.test(p)));
      if (glue) title += p;
      else title = `${title.replace(/(\w)-$/, '$1')} ${p}`;
    }
    spacedBefore = /\s$/.test(raw);
  });
  let printed = '';
  pieces.forEach((raw, i) => {
    printed += raw;
    const n = nemods[i];
    if (n === undefined) return;
    if (printed.trim() && !/[\s\-(]$/.test(printed) && !(IN_WORD.test(n) && /\w$/.test(printed))) printed += ' ';
    printed += n;
  });
  return { title: clean(title), printed: clean(printed) };
}

/**
 * Read one index file into its compiled form. Malformed or truncated XML,
 * and entries without a title or cells without a column, raise
 * SOURCE_MALFORMED naming the file, line and element.
 */
export async function parseIndexFile(entry: SourceEntry, kind: IndexKind, step?: ProgressStep): Promise<ParsedIndexFile> {
  const data: CompiledIndexFile = { format: INDEX_FORMAT, kind, source: entry.path, letters: [], counts: { mainTerms: 0, terms: 0, cells: 0 } };
  const notes: string[] = [];
  const unknown = new Map<string, number>();
  const repeated = new Map<string, number>();
  let levelMismatch = 0;
  const columns: string[] = [];
  const frames: TermFrame[] = [];
  let letter: CompiledLetter | undefined;
  // Open title of the document or of a letter: its offsets and modifiers, like a term's.
  let outerTitle: { cuts: number[]; nemods: string[] } | undefined;

  const top = () => frames[frames.length - 1];
  // Who collects the modifiers of the title being read (stack ends with title, nemod): a term, or the document or letter.
  const titleHolder = (stack: readonly XmlElement[]) => {
    const owner = stack[stack.length - 3]?.name;
    return owner === 'mainTerm' || owner === 'term' ? top() : outerTitle;
  };

  // A problem in the content: thrown as a plain Error from inside a handler,
  // streamXml turns it into SOURCE_MALFORMED with the file, line and element.
  const bad = (message: string): never => {
    throw new Error(message);
  };

  await streamXml(
    entry,
    {
      fullTextOf: FULL_TEXT,
      open(el, stack) {
        const parent = stack[stack.length - 2];
        switch (el.name) {
          case 'ICD10CM.index':
          case 'ICD10CM.table':
            if (el.attrs.isAddenda === 'true') bad('an addenda file (isAddenda="true"), not a complete index');
            return;
          case 'letter':
            if (frames.length) bad('<letter> inside a term');
            letter = { t: '', k: [] };
            data.letters.push(letter);
            return;
          case 'mainTerm':
          case 'term': {
            const parentFrame = top();
            if (el.name === 'mainTerm' && parentFrame) bad('<mainTerm> inside a term');
            if (el.name === 'term' && !parentFrame) bad('<term> outside a main term');
            const depth = parentFrame ? parentFrame.depth + 1 : 0;
            const term: CompiledTerm = { t: '' };
            if (el.name === 'term') {
              const level = Number(el.attrs.level);
              if (!Number.isInteger(level)) bad(`<term> with level "${el.attrs.level ?? ''}"`);
              if (level !== depth) {
                term.l = level;
                levelMismatch++;
              }
              data.counts.terms++;
              (parentFrame!.term.k ??= []).push(term);
            } else {
              if (!letter) bad('<mainTerm> outside a <letter>');
              data.counts.mainTerms++;
              letter!.k.push(term);
            }
            frames.push({ term, depth });
            return;
          }
          case 'title': {
            const f = top();
            if (f && (parent?.name === 'mainTerm' || parent?.name === 'term')) {
              f.cuts = [];
              f.nemods = [];
            } else {
              outerTitle = { cuts: [], nemods: [] };
            }
            return;
          }
          case 'nemod': {
            // Remember where the modifier sits in the title's direct text.
            if (parent?.name !== 'title') return;
            titleHolder(stack)?.cuts?.push(parent.text.length);
            return;
          }
          default:
            if (!KNOWN.has(el.name)) unknown.set(el.name, (unknown.get(el.name) ?? 0) + 1);
        }
      },
      close(el, stack) {
        const parent = stack[stack.length - 2];
        const f = top();
        const inTerm = parent?.name === 'mainTerm' || parent?.name === 'term';
        switch (el.name) {
          case 'version': {
            const v = Number(clean(el.fullText));
            if (Number.isFinite(v) && v > 0) data.version = v;
            return;
          }
          case 'nemod': {
            const text = clean(el.fullText);
            if (parent?.name === 'title') {
              titleHolder(stack)?.nemods?.push(text);
            } else if (inTerm && f && text) {
              // A modifier beside the title rather than inside it: it follows the title.
              (f.term.n ??= []).push(text);
            }
            return;
          }
          case 'title': {
            if (f && inTerm && f.cuts && f.nemods) {
              const { title, printed } = assembleTitle(el.text, f.cuts, f.nemods);
              if (!title && !f.nemods.length) bad(`<${parent!.name}> with an empty title`);
              f.term.t = title;
              const n = f.nemods.filter(Boolean);
              if (n.length) {
                f.term.n = [...n, ...(f.term.n ?? [])];
                if (printed !== clean(`${title} ${n.join(' ')}`)) f.term.f = printed;
              }
              delete f.cuts;
              delete f.nemods;
            } else if (outerTitle) {
              const { printed } = assembleTitle(el.text, outerTitle.cuts, outerTitle.nemods);
              if (parent?.name === 'letter' && letter) letter.t = printed;
              else if (!data.title) data.title = printed;
              outerTitle = undefined;
            }
            return;
          }
          case 'head': {
            if (parent?.name !== 'indexHeading') return;
            const col = Number(el.attrs.col);
            if (!Number.isInteger(col) || col < 1) bad(`<head> with col "${el.attrs.col ?? ''}"`);
            columns[col - 1] = clean(el.fullText);
            return;
          }
          case 'cell': {
            if (!f || !inTerm) return;
            const col = Number(el.attrs.col);
            if (!Number.isInteger(col) || col < 1) bad(`<cell> with col "${el.attrs.col ?? ''}"`);
            const v = (f.term.v ??= []);
            while (v.length < col) v.push(null);
            if (v[col - 1] != null) repeated.set('cell', (repeated.get('cell') ?? 0) + 1);
            v[col - 1] = cellValue(el.fullText);
            data.counts.cells++;
            return;
          }
          case 'mainTerm':
          case 'term': {
            frames.pop();
            if (!f) return;
            if (!f.term.t && !f.term.n) bad(`<${el.name}> without a <title>`);
            return;
          }
          default: {
            const key = FIELD_OF[el.name];
            if (!key || !f || !inTerm) return;
            const text = clean(el.fullText);
            if (f.term[key] !== undefined) {
              // The schema allows one of each; a second is kept after a semicolon and reported.
              repeated.set(el.name, (repeated.get(el.name) ?? 0) + 1);
              f.term[key] = `${f.term[key]}; ${text}`;
            } else {
              f.term[key] = text;
            }
          }
        }
      },
    },
    step,
  );

  const isTable = kind === 'neoplasm' || kind === 'drug';
  if (isTable && columns.length === 0) {
    throw new MedcoderError('SOURCE_MALFORMED', `${entry.path}: the ${INDEX_LABELS[kind]} has no <indexHeading> naming its columns`, { file: entry.path, element: 'indexHeading' });
  }
  if (columns.length) {
    for (let i = 0; i < columns.length; i++) {
      if (columns[i] === undefined) {
        columns[i] = `column ${i + 1}`;
        notes.push(`${entry.path}: no heading for column ${i + 1}`);
      }
    }
  }
  // Cells in columns without a heading get a generic name, so none is lost.
  let widest = columns.length;
  if (data.counts.cells > 0) {
    const visit = (t: CompiledTerm) => {
      if (t.v) {
        if (t.v.length > widest) widest = t.v.length;
        while (t.v.length < columns.length) t.v.push(null);
      }
      t.k?.forEach(visit);
    };
    data.letters.forEach((l) => l.k.forEach(visit));
    for (let i = columns.length; i < widest; i++) {
      columns[i] = `column ${i + 1}`;
      notes.push(`${entry.path}: cells in column ${i + 1}, which has no heading`);
    }
  }
  if (columns.length) data.columns = columns;
  if (data.letters.length === 0) {
    throw new MedcoderError('SOURCE_MALFORMED', `${entry.path}: no <letter> entries; not a complete ${INDEX_LABELS[kind]}`, { file: entry.path, element: 'letter' });
  }
  for (const [name, n] of unknown) notes.push(`${entry.path}: ${n} <${name}> element(s) not read`);
  for (const [name, n] of repeated) notes.push(`${entry.path}: ${n} entries repeat <${name}>; the values are kept together`);
  if (levelMismatch) notes.push(`${entry.path}: ${levelMismatch} terms have a level attribute other than their nesting depth; the attribute is kept`);
  return { data, notes };
}

/** What the index part of a compiled ICD-10-CM release adds to it. */
export interface CompiledIndexes {
  files: Record<string, CompiledIndexFile>;
  counts: Record<string, number>;
  /** For each index the release lacks: the older release whose file it uses (`provenance.index = 'icd10cm-2017'`). */
  provenance: Partial<Record<IndexKind, string>>;
  notes: string[];
}

/** Shared-map key under which a release of this run lists the index files it holds. */
const holderKey = (id: string) => `icd10cm-index:${id}`;

interface HolderInfo {
  from: string;
  kinds: IndexKind[];
}

/** The nearest older release (this run first, then the home) holding its own file of an index kind. */
function findIndexDonor(kind: IndexKind, from: string, ctx: CompileContext): string | undefined {
  let best: { id: string; from: string } | undefined;
  const inRun = new Set<string>();
  for (const [key, value] of ctx.shared) {
    if (!key.startsWith('icd10cm-index:')) continue;
    const id = key.slice('icd10cm-index:'.length);
    inRun.add(id);
    const v = value as HolderInfo;
    if (v.kinds.includes(kind) && v.from < from && (!best || v.from > best.from)) best = { id, from: v.from };
  }
  for (const m of ctx.existing) {
    // A release rebuilt in this run speaks for itself through the shared map.
    if (m.system !== 'icd10cm' || inRun.has(m.id) || m.effectiveFrom >= from || !m.files.includes(INDEX_FILES[kind])) continue;
    if (!best || m.effectiveFrom > best.from) best = { id: m.id, from: m.effectiveFrom };
  }
  return best?.id;
}

/**
 * The index part of compiling one ICD-10-CM release group: parse the group's
 * index files, one data file each; for each index the group lacks, name the
 * nearest older release that has one (the file itself is not copied).
 * `has` tells whether a code is a code of the release, to report index codes
 * the release does not know.
 */
export async function compileIndexFiles(group: ReleaseGroup, ctx: CompileContext, has?: (code: string) => boolean): Promise<CompiledIndexes> {
  const out: CompiledIndexes = { files: {}, counts: {}, provenance: {}, notes: [] };
  const from = releaseSpan(group.key).from;
  const own: IndexKind[] = [];
  for (const kind of INDEX_KINDS) {
    const sources = group.sources.filter((s) => s.detection.kind === INDEX_SOURCE_KINDS[kind]);
    // An update's file (merged into the group after the base files) replaces the base release's own.
    const source: GroupSource | undefined = sources[sources.length - 1];
    if (!source) continue;
    for (const s of sources.slice(0, -1)) out.notes.push(`${INDEX_LABELS[kind]}: ${s.entry.path} is replaced by the later ${source.entry.path}`);
    const step = ctx.progress.step(`reading ${source.entry.path}`, source.entry.size);
    const parsed = await parseIndexFile(source.entry, kind, step);
    const terms = parsed.data.counts.mainTerms + parsed.data.counts.terms;
    step.done(`${terms} entries`);
    out.files[INDEX_FILES[kind]] = parsed.data;
    out.counts[INDEX_COUNT_NAMES[kind]] = terms;
    out.notes.push(...parsed.notes);
    if (has) {
      const unknown = codesNotIn(parsed.data, has);
      if (unknown.length) {
        out.notes.push(`${INDEX_LABELS[kind]}: ${unknown.length} codes are not codes of this release: ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', …' : ''}`);
      }
    }
    own.push(kind);
  }
  ctx.shared.set(holderKey(group.id), { from, kinds: own } satisfies HolderInfo);
  for (const kind of INDEX_KINDS) {
    if (own.includes(kind)) continue;
    const donor = findIndexDonor(kind, from, ctx);
    if (donor) {
      out.provenance[kind] = donor;
      out.notes.push(`${INDEX_LABELS[kind]} from ${donor} (none in this release)`);
    } else {
      out.notes.push(`no ${INDEX_LABELS[kind]} in this or an older release`);
    }
  }
  return out;
}

/** Distinct codes of an index (codes, manifestation codes, cells) that are not codes of the release; "-" endings need a code below them. */
export function codesNotIn(data: CompiledIndexFile, has: (code: string) => boolean): string[] {
  const out = new Set<string>();
  const check = (c: string | null | undefined) => {
    if (!c || out.has(c)) return;
    const code = c.replace(/[-.]+$/, '');
    if (!/^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/.test(code)) return;
    if (!has(code)) out.add(c);
  };
  const visit = (t: CompiledTerm) => {
    check(t.c);
    check(t.m);
    t.v?.forEach(check);
    t.k?.forEach(visit);
  };
  data.letters.forEach((l) => l.k.forEach(visit));
  return [...out].sort();
}

/** Entries of a compiled file, counted from its tree (for checks against the source file's element counts). */
export function countEntries(data: CompiledIndexFile): { mainTerms: number; terms: number; codes: number; filledCells: number } {
  let mainTerms = 0;
  let terms = 0;
  let codes = 0;
  let filledCells = 0;
  const visit = (t: CompiledTerm, depth: number) => {
    if (depth === 0) mainTerms++;
    else terms++;
    if (t.c) codes++;
    if (t.v) for (const x of t.v) if (x !== null) filledCells++;
    t.k?.forEach((k) => visit(k, depth + 1));
  };
  data.letters.forEach((l) => l.k.forEach((t) => visit(t, 0)));
  return { mainTerms, terms, codes, filledCells };
}
