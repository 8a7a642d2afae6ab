import { readFileSync } from 'node:fs';
import { MedcoderError } from '../errors.js';
import { compilePatterns, KeyTable } from '../nlp/keyed-patterns.js';

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
  /**
   * Words of a sentence that show one administration in this stay (a dose, a
   * route, an infusion); when an entry lists them and the sentence has none,
   * the mention summarises treatment given over time ("she received
   * chemotherapy") and counts as a course too.
   */
  administration?: RegExp;
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
  /** The keys of the patterns that find procedure mentions (a note is read for them alone). */
  keys: KeyTable;
  operations: OperationEntry[];
  partial: RegExp;
  total: RegExp;
  /** Operation endings (ectomy, scopy …) to the operation they name; longest first. */
  suffixes: Array<{ suffix: string; op: OperationEntry }>;
  roots: RootEntry[];
  procedures: NamedProcedure[];
  imaging: ImagingModality[];
  imagingOrder: string[];
  /** Tables (three characters) of inspections that are the way in to another procedure of the same sentence and approach (B3.11a). */
  accessInspections: Set<string>;
  /** Single words and phrases → the label words they stand for. */
  synonyms: Map<string, string[]>;
  /** First words of the two-word synonyms. */
  synonymPairStarts: Set<string>;
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
  procedures: Array<{ id: string; patterns: string[]; code: string; defaults?: Record<string, string>; biopsy?: { code: string; fallback: string }; course?: string[]; administration?: string[]; body?: string; bothSides?: boolean }>;
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

function compile(patterns: readonly string[], file: string, entry: string, keys?: KeyTable): RegExp {
  return compilePatterns(patterns, { file, entry }, keys ? { plainFirst: true, keys } : { plainFirst: true });
}

let cached: PcsLexicon | undefined;

/** The procedure lexicons (loaded on first use). */
export function pcsLexicon(): PcsLexicon {
  if (cached) return cached;
  const keys = new KeyTable();
  const ops = readJson<OperationsFile>('operations.json');
  const roots = readJson<RootsFile>('roots.json');
  const procs = readJson<ProceduresFile>('procedures.json');
  const body = readJson<BodyPartsFile>('body-parts.json');
  const cues = readJson<AxisCuesFile>('axis-cues.json');

  const operations: OperationEntry[] = ops.operations.map((o) => ({
    id: o.id,
    op: o.op,
    label: o.label,
    words: compile(o.words, 'operations.json', o.id, keys),
    suffixes: o.suffixes ?? [],
    ...(o.qualifier ? { qualifier: o.qualifier } : {}),
  }));
  const suffixes: PcsLexicon['suffixes'] = [];
  for (const o of operations) for (const s of o.suffixes) if (/^[a-z]+$/.test(s)) suffixes.push({ suffix: s, op: o });
  suffixes.sort((a, b) => b.suffix.length - a.suffix.length);

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
    keys,
    operations,
    partial: compile(ops.partial, 'operations.json', 'partial'),
    total: compile(ops.total, 'operations.json', 'total'),
    suffixes,
    roots: [...roots.roots].sort((a, b) => b.form.length - a.form.length),
    procedures: procs.procedures.map((p) => ({
      id: p.id,
      pattern: compile(p.patterns, 'procedures.json', p.id, keys),
      code: p.code.toUpperCase(),
      defaults: p.defaults ?? {},
      ...(p.biopsy ? { biopsy: { code: p.biopsy.code.toUpperCase(), fallback: p.biopsy.fallback.toUpperCase() } } : {}),
      ...(p.course ? { course: compile(p.course, 'procedures.json', `${p.id} course`) } : {}),
      ...(p.administration ? { administration: compile(p.administration, 'procedures.json', `${p.id} administration`) } : {}),
      ...(p.body ? { body: p.body } : {}),
      ...(p.bothSides ? { bothSides: true } : {}),
    })),
    imaging: procs.imaging.modalities.map((m) => ({ type: m.type, label: m.label, pattern: compile(m.patterns, 'procedures.json', `imaging ${m.label}`, keys) })),
    imagingOrder: procs.imaging.order,
    accessInspections: new Set((procs.accessInspections ?? []).map((t) => t.toUpperCase())),
    synonyms,
    synonymPairStarts: new Set([...synonyms.keys()].filter((k) => k.includes(' ')).map((k) => k.split(' ')[0]!)),
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
  let cache = rootCaches.get(lex);
  if (!cache) rootCaches.set(lex, (cache = new Map()));
  let r = cache.get(stem);
  if (r === undefined) {
    r = findRoot(lex, stem) ?? null;
    if (cache.size > 50_000) cache.clear();
    cache.set(stem, r);
  }
  return r ?? undefined;
}

/** The roots of stems met so far, per lexicon (null: none). */
const rootCaches = new WeakMap<PcsLexicon, Map<string, RootEntry | null>>();

function findRoot(lex: PcsLexicon, stem: string): RootEntry | undefined {
  for (const r of lex.roots) if (stem.startsWith(r.form) && stem.length - r.form.length <= 3) return r;
  // Compound words (nephro-uretero-ectomy) end on the part that is removed.
  for (const r of lex.roots) if (r.form.length >= 3 && (stem.endsWith(r.form) || stem.endsWith(`${r.form}o`))) return r;
  for (const r of lex.roots) if (r.form.length >= 4 && stem.startsWith(r.form)) return r;
  return undefined;
}
