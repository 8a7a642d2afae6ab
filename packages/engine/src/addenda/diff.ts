import { MedcoderError } from '../errors.js';
import type { NoteKind } from '../lookup.js';
import { INDEX_FILES, INDEX_KINDS, indexSources, type CompiledIndexFile, type IndexKind } from '../icd10cm/alphabetic-index.js';
import { CM_CODES_FILE, fromFile, type CmCompiled, type CmNode } from '../icd10cm/compiled.js';
import type { Notes } from '../icd10cm/tabular.js';
import { TABULAR_NOTE_KINDS } from '../icd10cm/tabular.js';
import { defaultHome } from '../releases/home.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import { readManifests, readReleaseFile } from '../releases/store.js';
import { diffIndex, type IndexDiff } from './index-diff.js';
import { textKey } from './text.js';

/**
 * What changed between two compiled ICD-10-CM releases, for a coder to
 * review at a new fiscal year: codes added, deleted, retitled, made billable
 * or not; instructional notes and 7th characters added or removed, code by
 * code (chapters and sections too); and entries of the Alphabetic Index and
 * the tables added, deleted or changed.
 */

export interface CodeChange {
  code: string;
  title: string;
  billable: boolean;
  /** True for a full code made of a stem and a 7th character. */
  extension: boolean;
}

export interface NoteChange {
  /** The code, section id or "Chapter N" the notes belong to. */
  at: string;
  kind: NoteKind | 'sevenChrDef';
  added: string[];
  removed: string[];
}

export interface ReleaseDiff {
  from: { id: string; label: string };
  to: { id: string; label: string };
  codes: {
    added: CodeChange[];
    deleted: CodeChange[];
    retitled: Array<{ code: string; from: string; to: string }>;
    /** Codes in both whose billable status changed. */
    billable: Array<{ code: string; billable: boolean }>;
  };
  notes: NoteChange[];
  /** Per index kind; absent when both releases use the same file. */
  indexes: Partial<Record<IndexKind, IndexDiff & { fromFile: string; toFile: string }>>;
}

function manifestOf(manifests: readonly ReleaseManifest[], id: string): ReleaseManifest {
  const m = manifests.find((x) => x.id === id);
  if (!m) throw new MedcoderError('RELEASE_NOT_FOUND', `no compiled release "${id}"; see "medcoder codesets list"`, { release: id });
  if (m.system !== 'icd10cm') throw new MedcoderError('INVALID_ARGUMENT', `${id} is not an ICD-10-CM release; diff compares ICD-10-CM releases`, { release: id });
  return m;
}

const change = (n: CmNode): CodeChange => ({ code: n.c, title: n.t, billable: n.b === 1, extension: n.k === 'extension' });

function notesDiff(at: string, a: Notes | undefined, b: Notes | undefined, out: NoteChange[]): void {
  for (const kind of TABULAR_NOTE_KINDS) {
    const x = a?.[kind] ?? [];
    const y = b?.[kind] ?? [];
    if (x.length === 0 && y.length === 0) continue;
    const kx = new Set(x.map(textKey));
    const ky = new Set(y.map(textKey));
    const added = y.filter((t) => !kx.has(textKey(t)));
    const removed = x.filter((t) => !ky.has(textKey(t)));
    if (added.length || removed.length) out.push({ at, kind, added, removed });
  }
}

function seventhDiff(at: string, a: CmNode['x'], b: CmNode['x'], out: NoteChange[]): void {
  const fmt = (d: [string, string]) => `${d[0]} ${d[1]}`;
  const x = (a ?? []).map(fmt);
  const y = (b ?? []).map(fmt);
  const added = y.filter((t) => !x.includes(t));
  const removed = x.filter((t) => !y.includes(t));
  if (added.length || removed.length) out.push({ at, kind: 'sevenChrDef', added, removed });
}

/** Compare the tabular parts of two compiled releases. */
export function diffTabular(a: CmCompiled, b: CmCompiled): Pick<ReleaseDiff, 'codes' | 'notes'> {
  const na = new Map(a.nodes.map((n) => [n.c, n]));
  const nb = new Map(b.nodes.map((n) => [n.c, n]));
  const codes: ReleaseDiff['codes'] = { added: [], deleted: [], retitled: [], billable: [] };
  const notes: NoteChange[] = [];
  for (const [c, x] of na) {
    const y = nb.get(c);
    if (!y) {
      codes.deleted.push(change(x));
      continue;
    }
    if (x.t !== y.t && textKey(x.t) !== textKey(y.t)) codes.retitled.push({ code: c, from: x.t, to: y.t });
    if (x.b !== y.b) codes.billable.push({ code: c, billable: y.b === 1 });
    if (x.k !== 'extension') {
      notesDiff(c, x.n, y.n, notes);
      seventhDiff(c, x.x, y.x, notes);
    }
  }
  for (const [c, y] of nb) if (!na.has(c)) codes.added.push(change(y));
  const chapters = new Map(a.chapters.map((c) => [c.id, c]));
  for (const c of b.chapters) notesDiff(`Chapter ${c.id}`, chapters.get(c.id)?.n, c.n, notes);
  const sections = new Map(a.sections.map((s) => [s.id, s]));
  for (const s of b.sections) notesDiff(s.id, sections.get(s.id)?.n, s.n, notes);
  return { codes, notes };
}

/** What changed from release `fromId` to release `toId` of a home. */
export async function diffReleases(fromId: string, toId: string, opts: { home?: string } = {}): Promise<ReleaseDiff> {
  const home = opts.home ?? defaultHome();
  const manifests = await readManifests(home);
  const ma = manifestOf(manifests, fromId);
  const mb = manifestOf(manifests, toId);
  const a = fromFile(await readReleaseFile(home, ma.id, CM_CODES_FILE));
  const b = fromFile(await readReleaseFile(home, mb.id, CM_CODES_FILE));
  const out: ReleaseDiff = { from: { id: ma.id, label: ma.label }, to: { id: mb.id, label: mb.label }, ...diffTabular(a, b), indexes: {} };
  const sa = indexSources(ma);
  const sb = indexSources(mb);
  for (const kind of INDEX_KINDS) {
    const ha = sa[kind];
    const hb = sb[kind];
    if (!ha || !hb || ha === hb) continue;
    const fa = (await readReleaseFile(home, ha, INDEX_FILES[kind])) as CompiledIndexFile;
    const fb = (await readReleaseFile(home, hb, INDEX_FILES[kind])) as CompiledIndexFile;
    out.indexes[kind] = { ...diffIndex(fa, fb), fromFile: `${ha}/${INDEX_FILES[kind]}`, toFile: `${hb}/${INDEX_FILES[kind]}` };
  }
  return out;
}
