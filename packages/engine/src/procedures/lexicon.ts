import { readFileSync } from 'node:fs';
import { MedcoderError } from '../errors.js';

/**
 * The procedure lexicons of data/procedures/: which words name a root
 * operation, a body part, an approach, a device or a qualifier, and the named
 * procedures that fix several characters at once. Loaded once, regular
 * expressions compiled once.
 */

const DATA = new URL('../../data/procedures/', import.meta.url);

function readJson<T>(name: string): T {
  const url = new URL(name, DATA);
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as T;
  } catch (e) {
    throw new MedcoderError('SOURCE_MALFORMED', `cannot read procedure lexicon ${name}: ${(e as Error).message}`, { file: name }, { cause: e });
  }
}

/** A regular expression source made safe for word boundaries on both sides (unless it sets its own). */
function bounded(src: string): string {
  const left = src.startsWith('\\b') || src.startsWith('(?<') ? '' : '(?<![a-z0-9])';
  const right = src.endsWith('\\b') ? '' : '(?![a-z0-9])';
  return `${left}(?:${src})${right}`;
}

/** Longest key kept (the note side indexes words by their first letters). */
const KEY_MAX = 6;

/** Literal words every match of a pattern starts with, when each alternative has one (for a quick skip). */
const KEYS = new WeakMap<RegExp, string[]>();

function literalPrefix(src: string): string | undefined {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (/[a-z0-9 \-]/.test(ch)) {
      const next = src[i + 1];
      if (next === '?' || next === '*' || next === '{') break;
      out += ch;
    } else break;
  }
  out = out.trim();
  return out.length >= 2 ? out : undefined;
}

/** Index of the parenthesis closing the group opened at `open`. */
function closing(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '(') depth++;
    else if (src[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Split a group's content at its top-level bars. */
function alternatives(inner: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '\\') i++;
    else if (inner[i] === '(') depth++;
    else if (inner[i] === ')') depth--;
    else if (inner[i] === '|' && depth === 0) {
      out.push(inner.slice(from, i));
      from = i + 1;
    }
  }
  out.push(inner.slice(from));
  return out;
}

/**
 * The longest word every match of a pattern contains at a word start
 * ("ventilator" in "(?:was )?on (?:a |the )?ventilator"), or undefined.
 */
function requiredWord(src: string): string | undefined {
  let p = src.replace(/\\b/g, ' ');
  // Drop look-arounds and groups: optional groups are not required, and a group of alternatives holds no one word.
  for (let guard = 0; guard < 20; guard++) {
    const open = p.indexOf('(');
    if (open < 0) break;
    const end = closing(p, open);
    if (end < 0) return undefined;
    p = `${p.slice(0, open)}\u0000${p.slice(end + 1).replace(/^[?*]/, '')}`;
  }
  let best: string | undefined;
  for (const m of p.matchAll(/[a-z0-9]{3,}/g)) {
    const at = m.index!;
    const before = at === 0 ? ' ' : p[at - 1] === '\u0000' ? (at < 2 || p[at - 2] === ' ' ? ' ' : 'x') : p[at - 1]!;
    const after = p[m.index! + m[0].length];
    if (before !== ' ') continue;
    let w = m[0];
    if (after === '?' || after === '*' || after === '{') w = w.slice(0, -1);
    if (w.length >= 3 && (!best || w.length > best.length)) best = w;
  }
  return best;
}

/**
 * Words one of which starts every match of a pattern (each is the start of
 * a word of the matched text), or undefined when the pattern has none: an
 * optional leading group is skipped, a leading group of alternatives gives
 * the words of each.
 */
function keysOf(src: string, depth = 0): string[] | undefined {
  const p = src.replace(/^\\b/, '');
  if (depth > 4) return undefined;
  if (p.startsWith('(?:')) {
    const end = closing(p, 0);
    if (end < 0) return undefined;
    const inner = p.slice(3, end);
    const after = p.slice(end + 1);
    if (after.startsWith('?') || after.startsWith('*')) return keysOf(after.slice(1).replace(/^ /, ''), depth + 1);
    const keys: string[] = [];
    for (const alt of alternatives(inner)) {
      const k = keysOf(alt + after, depth + 1);
      if (!k) return undefined;
      keys.push(...k);
    }
    return keys;
  }
  const lit = literalPrefix(p);
  return lit ? [lit] : undefined;
}

/** Every key of every pattern, and every start of one (so a word whose start begins no key is dropped early). */
const ALL_KEYS = new Set<string>();
const KEY_STARTS = new Set<string>();

/**
 * The starts (2 to 6 letters) of the words of a lower-case text, and its
 * short words whole ("=ct"), for mayMatch: only those that are some
 * pattern's key (the others cannot change an answer of mayMatch).
 */
export function sortedWords(lower: string): Set<string> {
  const out = new Set<string>();
  // Notes repeat their words: the starts of each distinct word are looked up once.
  const seen = new Set<string>();
  const re = /[a-z0-9]{2,}/g;
  for (let m = re.exec(lower); m; m = re.exec(lower)) {
    const w = m[0];
    if (seen.has(w)) continue;
    seen.add(w);
    if (w.length <= 4 && ALL_KEYS.has(`=${w}`)) out.add(`=${w}`);
    const n = Math.min(w.length, KEY_MAX);
    for (let i = 2; i <= n; i++) {
      const k = w.slice(0, i);
      if (!KEY_STARTS.has(k)) break;
      if (ALL_KEYS.has(k)) out.add(k);
    }
  }
  return out;
}

/** False when a pattern cannot match a text (no word of it starts like any of the pattern's leading words). */
export function mayMatch(re: RegExp, starts: Set<string>): boolean {
  const keys = KEYS.get(re);
  if (!keys) return true;
  for (const k of keys) if (starts.has(k)) return true;
  return false;
}

function compile(patterns: readonly string[], file: string, what: string): RegExp {
  const re = compileOnly(patterns, file, what);
  // The first word of each alternative's literal start: a note with no word starting so cannot match.
  const keys: string[] = [];
  for (const p of patterns) {
    const req = requiredWord(p);
    const k = req ? [req] : keysOf(p);
    if (!k) return re;
    for (const key of k) {
      // The longest word of the literal: each word of it starts a word of any matching text.
      const w = key.split(/[^a-z0-9]+/).reduce((a, b) => (b.length > a.length ? b : a), '');
      if (w.length < 2) return re;
      // A short word the pattern holds whole (\\bthr\\b) must be a whole word of the note, not the start of "three".
      const whole = w.length <= 4 && new RegExp(`^(?:\\\\b)?${w}(?:\\\\b)?$`).test(p);
      keys.push(whole ? `=${w}` : w.slice(0, KEY_MAX));
    }
  }
  KEYS.set(re, [...new Set(keys)]);
  for (const k of keys) {
    ALL_KEYS.add(k);
    if (!k.startsWith('=')) for (let i = 2; i <= k.length; i++) KEY_STARTS.add(k.slice(0, i));
  }
  return re;
}

function compileOnly(patterns: readonly string[], file: string, what: string): RegExp {
  // One boundary check around the plain alternatives (much faster to scan than one per alternative);
  // patterns that set their own boundaries keep them.
  const plain = patterns.filter((p) => !p.startsWith('\\b') && !p.startsWith('(?<'));
  const own = patterns.filter((p) => p.startsWith('\\b') || p.startsWith('(?<')).map(bounded);
  const parts = [...(plain.length ? [`(?<![a-z0-9])(?:${plain.join('|')})(?![a-z0-9])`] : []), ...own];
  try {
    return new RegExp(parts.join('|'), 'g');
  } catch (e) {
    throw new MedcoderError('SOURCE_MALFORMED', `${file}: a pattern of ${what} is not a valid regular expression: ${(e as Error).message}`, { file, entry: what });
  }
}

export interface OperationEntry {
  id: string;
  /** Character 3 of the Medical and Surgical section. */
  op: string;
  label: string;
  words: RegExp;
  suffixes: string[];
  qualifier?: string;
}

export interface RootEntry {
  form: string;
  body: string;
  scopyApproach?: string;
}

export interface NamedProcedure {
  id: string;
  pattern: RegExp;
  /** Up to seven characters, `?` where the builder decides. */
  code: string;
  defaults: Record<string, string>;
  biopsy?: { code: string; fallback: string };
  /** Words of a sentence that make the mention a treatment course over several encounters (cycles of chemotherapy). */
  course?: RegExp;
  /** Body-part words the procedure implies when the note names none (funduscopy → eye). */
  body?: string;
  /** Each side of a paired organ when the note states no side (an eye examination looks at both eyes). */
  bothSides?: boolean;
}

export interface ImagingModality {
  type: string;
  label: string;
  pattern: RegExp;
}

export interface AxisCue {
  label: string;
  pattern?: RegExp;
  hours?: [number, number];
}

export interface PcsLexicon {
  operations: OperationEntry[];
  partial: RegExp;
  total: RegExp;
  /** Operation endings (ectomy, scopy …) to the operation they name; longest first. */
  suffixes: Array<{ suffix: string; op: OperationEntry }>;
  suffixPattern: RegExp;
  roots: RootEntry[];
  procedures: NamedProcedure[];
  imaging: ImagingModality[];
  imagingOrder: string[];
  /** Tables (three characters) of inspections that are the way in to another procedure of the same sentence and approach (B3.11a). */
  accessInspections: Set<string>;
  /** Single words and phrases → the label words they stand for. */
  synonyms: Map<string, string[]>;
  sides: Map<string, string>;
  ignore: Set<string>;
  axes: Map<string, AxisCue[]>;
  none: Set<string>;
  noneDefault: Set<string>;
  boundaries: Set<string>;
}

interface OperationsFile {
  operations: Array<{ id: string; op: string; label: string; words: string[]; suffixes?: string[]; qualifier?: string }>;
  partial: string[];
  total: string[];
}
interface RootsFile {
  roots: RootEntry[];
}
interface ProceduresFile {
  procedures: Array<{ id: string; patterns: string[]; code: string; defaults?: Record<string, string>; biopsy?: { code: string; fallback: string }; course?: string[]; body?: string; bothSides?: boolean }>;
  accessInspections?: string[];
  imaging: { modalities: Array<{ type: string; label: string; patterns: string[] }>; order: string[] };
}
interface BodyPartsFile {
  synonyms: Record<string, string>;
  sides: Record<string, string>;
  ignore: string[];
}
interface AxisCuesFile {
  axes: Record<string, Array<{ label: string; cues?: string[]; hours?: [number, number] }>>;
  none: string[];
  noneDefault: string[];
  boundaries: string[];
}

let cached: PcsLexicon | undefined;

/** The procedure lexicons (loaded on first use). */
export function pcsLexicon(): PcsLexicon {
  if (cached) return cached;
  const ops = readJson<OperationsFile>('operations.json');
  const roots = readJson<RootsFile>('roots.json');
  const procs = readJson<ProceduresFile>('procedures.json');
  const body = readJson<BodyPartsFile>('body-parts.json');
  const cues = readJson<AxisCuesFile>('axis-cues.json');

  const operations: OperationEntry[] = ops.operations.map((o) => ({
    id: o.id,
    op: o.op,
    label: o.label,
    words: compile(o.words, 'operations.json', o.id),
    suffixes: o.suffixes ?? [],
    ...(o.qualifier ? { qualifier: o.qualifier } : {}),
  }));
  const suffixes: PcsLexicon['suffixes'] = [];
  for (const o of operations) for (const s of o.suffixes) if (/^[a-z]+$/.test(s)) suffixes.push({ suffix: s, op: o });
  suffixes.sort((a, b) => b.suffix.length - a.suffix.length);
  const suffixPattern = new RegExp(`(?<![a-z0-9])([a-z]{2,}?)(${suffixes.map((s) => s.suffix).join('|')})(?![a-z0-9])`, 'g');

  const synonyms = new Map<string, string[]>();
  for (const [k, v] of Object.entries(body.synonyms)) synonyms.set(k, v.split(/\s+/));
  const axes = new Map<string, AxisCue[]>();
  for (const [title, list] of Object.entries(cues.axes)) {
    axes.set(
      title,
      list.map((c) => ({
        label: c.label,
        ...(c.cues ? { pattern: compile(c.cues, 'axis-cues.json', `${title}: ${c.label}`) } : {}),
        ...(c.hours ? { hours: c.hours } : {}),
      })),
    );
  }
  cached = {
    operations,
    partial: compile(ops.partial, 'operations.json', 'partial'),
    total: compile(ops.total, 'operations.json', 'total'),
    suffixes,
    suffixPattern,
    roots: [...roots.roots].sort((a, b) => b.form.length - a.form.length),
    procedures: procs.procedures.map((p) => ({
      id: p.id,
      pattern: compile(p.patterns, 'procedures.json', p.id),
      code: p.code.toUpperCase(),
      defaults: p.defaults ?? {},
      ...(p.biopsy ? { biopsy: { code: p.biopsy.code.toUpperCase(), fallback: p.biopsy.fallback.toUpperCase() } } : {}),
      ...(p.course ? { course: compileOnly(p.course, 'procedures.json', `${p.id} course`) } : {}),
      ...(p.body ? { body: p.body } : {}),
      ...(p.bothSides ? { bothSides: true } : {}),
    })),
    imaging: procs.imaging.modalities.map((m) => ({ type: m.type, label: m.label, pattern: compile(m.patterns, 'procedures.json', `imaging ${m.label}`) })),
    imagingOrder: procs.imaging.order,
    accessInspections: new Set((procs.accessInspections ?? []).map((t) => t.toUpperCase())),
    synonyms,
    sides: new Map(Object.entries(body.sides)),
    ignore: new Set(body.ignore),
    axes,
    none: new Set(cues.none),
    noneDefault: new Set(cues.noneDefault),
    boundaries: new Set(cues.boundaries),
  };
  return cached;
}

/** The root (combining form) a procedure word starts with, longest first. */
export function rootOf(lex: PcsLexicon, stem: string): RootEntry | undefined {
  for (const r of lex.roots) if (stem.startsWith(r.form) && stem.length - r.form.length <= 3) return r;
  // Compound words (nephro-uretero-ectomy) end on the part that is removed.
  for (const r of lex.roots) if (r.form.length >= 3 && (stem.endsWith(r.form) || stem.endsWith(`${r.form}o`))) return r;
  for (const r of lex.roots) if (r.form.length >= 4 && stem.startsWith(r.form)) return r;
  return undefined;
}
