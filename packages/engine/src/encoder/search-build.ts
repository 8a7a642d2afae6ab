import type { CmCompiled } from '../icd10cm/compiled.js';
import { CANONICAL_CM, normalizeCm } from '../icd10cm/code.js';
import { openIndex, type CompiledIndexFile, type IndexTerm } from '../icd10cm/alphabetic-index.js';
import type { PcsCompiled } from '../icd10pcs/compiled.js';
import type { HcpcsCompiled } from '../hcpcs/compiled.js';
import { inForce } from '../hcpcs/compile.js';
import type { CptCompiled } from '../cpt/compiled.js';
import { cptInForce } from '../cpt/compile.js';
import { resolveReference } from './references.js';
import { SearchIndexBuilder, type EntryKind } from './search-index.js';

/**
 * What goes into each system's search index. ICD-10-CM: every code's title,
 * inclusion terms and "includes" notes, every Alphabetic Index and External
 * Cause Index entry that leads to a code (see references followed), and every
 * cell of the Table of Drugs and Chemicals and the Table of Neoplasms.
 * ICD-10-PCS: code titles, tables with their root operation's definition,
 * and body-part choices with the anatomy they include. HCPCS and CPT: long
 * and short descriptors.
 */

/** The index files an ICD-10-CM release uses (its own or borrowed). */
export interface CmIndexFiles {
  index?: CompiledIndexFile;
  eindex?: CompiledIndexFile;
  drug?: CompiledIndexFile;
  neoplasm?: CompiledIndexFile;
}

/** Main term shown by its first comma part ("Diabetes, diabetic" → "Diabetes"), as coders write index paths. */
export function displayPath(term: IndexTerm): string[] {
  const path = term.path();
  if (path.length) path[0] = path[0]!.split(',')[0]!.trim();
  return path;
}

/** Nonessential modifiers along an entry's path. */
function modifiersOf(term: IndexTerm): string {
  const out: string[] = [];
  for (let t: IndexTerm | undefined = term; t; t = t.parent) out.push(...t.nemod);
  return out.join(' ');
}

/**
 * The code of a release an index code stands for: the code itself, or for an
 * incomplete code ("S72.0-") or one the release does not have, the nearest
 * code above it that the release has (a header whose codes the user chooses
 * from). Undefined when nothing of it is in the release.
 */
export function codeInRelease(indexCode: string, has: (code: string) => boolean): string | undefined {
  // Most index codes are written as the release writes them ("E11.22"): found as they stand.
  if (CANONICAL_CM.test(indexCode) && has(indexCode)) return indexCode;
  const bare = indexCode.replace(/[-.\s]+$/, '').replace(/\./g, '').toUpperCase();
  if (!/^[A-Z][0-9][0-9A-Z]/.test(bare)) return undefined;
  for (let len = bare.length; len >= 3; len--) {
    const c = normalizeCm(bare.slice(0, len));
    if (has(c)) return c;
  }
  return undefined;
}

/** What one index entry gives the search, before codes are matched to a release. */
interface IndexSpec {
  parts: string[];
  code?: string;
  optional: string;
  /** A "see" entry whose reference is an entry with a code: that code, and the reference text. */
  see?: { text: string; code: string };
}

/** One table cell: the row's parts, the column heading and the cell's code. */
interface CellSpec {
  parts: string[];
  column: string;
  code: string;
  optional: string;
}

/**
 * Specs per compiled index file: releases of one import that borrow an index
 * get the same file object, so its walk and reference lookups run once.
 */
const indexSpecs = new WeakMap<CompiledIndexFile, IndexSpec[]>();
const tableSpecs = new WeakMap<CompiledIndexFile, CellSpec[]>();

function specsOfIndex(data: CompiledIndexFile, release: string): IndexSpec[] {
  let specs = indexSpecs.get(data);
  if (specs) return specs;
  specs = [];
  const index = openIndex(data, release);
  for (const t of index.walk()) {
    if (t.code) specs.push({ parts: displayPath(t), code: t.code, optional: modifiersOf(t) });
    else if (t.see && index.kind === 'index') {
      // "Attack, heart - see Infarct, myocardium": the words typed lead to the code of the entry referred to.
      const ref = resolveReference(index, t.see);
      if (ref.kind === 'term' && ref.rest.length === 0 && ref.term.code) specs.push({ parts: displayPath(t), optional: modifiersOf(t), see: { text: t.see, code: ref.term.code } });
    }
  }
  indexSpecs.set(data, specs);
  return specs;
}

function specsOfTable(data: CompiledIndexFile, release: string, kind: 'drug' | 'neoplasm'): CellSpec[] {
  let specs = tableSpecs.get(data);
  if (specs) return specs;
  specs = [];
  const table = openIndex(data, release);
  for (const t of table.walk()) {
    const cells = t.raw.v;
    if (!cells) continue;
    const parts = displayPath(t);
    if (kind === 'drug') parts[0] = t.mainTerm().title;
    const optional = modifiersOf(t);
    for (const { name, position } of table.valueColumns) {
      const cell = cells[position];
      if (cell) specs.push({ parts, column: name, code: cell, optional });
    }
  }
  tableSpecs.set(data, specs);
  return specs;
}

/** Codes of a release for index codes, remembered for one build (index codes repeat). */
function codeMapper(has: (code: string) => boolean): (indexCode: string) => string | undefined {
  const memo = new Map<string, string | null>();
  return (indexCode) => {
    let c = memo.get(indexCode);
    if (c === undefined) {
      c = codeInRelease(indexCode, has) ?? null;
      memo.set(indexCode, c);
    }
    return c ?? undefined;
  };
}

function addIndexEntries(b: SearchIndexBuilder, data: CompiledIndexFile, release: string, kind: EntryKind, map: (indexCode: string) => string | undefined): void {
  for (const spec of specsOfIndex(data, release)) {
    const path = spec.parts.join(', ');
    if (spec.code) {
      const code = map(spec.code);
      if (code) b.entry({ code, kind, text: path, path: spec.parts, optional: spec.optional });
    } else if (spec.see) {
      const code = map(spec.see.code);
      if (code) b.entry({ code, kind: 'see', text: `${path} (see ${spec.see.text})`, path: spec.parts, match: path, optional: `${spec.optional} ${spec.see.text}` });
    }
  }
}

function addTableEntries(b: SearchIndexBuilder, data: CompiledIndexFile, release: string, kind: 'drug' | 'neoplasm', map: (indexCode: string) => string | undefined): void {
  for (const spec of specsOfTable(data, release, kind)) {
    const code = map(spec.code);
    if (code) b.entry({ code, kind, text: `${spec.parts.join(', ')}: ${spec.column}`, path: spec.parts, optional: spec.optional });
  }
}

export function buildCmSearch(release: string, compiled: CmCompiled, files: CmIndexFiles): Uint8Array {
  const b = new SearchIndexBuilder('icd10cm', release);
  const sectionChapter = new Map(compiled.sections.map((s) => [s.id, s.chapter]));
  const categorySection = new Map<string, string>();
  for (const n of compiled.nodes) if (n.sec) categorySection.set(n.c, n.sec);
  for (const n of compiled.nodes) {
    const sec = categorySection.get(n.c.slice(0, 3));
    const chapter = sec ? sectionChapter.get(sec) : undefined;
    b.doc({ code: n.c, title: n.t, billable: n.b === 1, kind: n.k, ...(chapter ? { chapter } : {}) });
    for (const text of n.n?.inclusionTerm ?? []) b.entry({ code: n.c, kind: 'inclusion', text });
    for (const text of n.n?.includes ?? []) b.entry({ code: n.c, kind: 'includes', text });
  }
  const map = codeMapper((c: string) => b.hasDoc(c));
  if (files.index) addIndexEntries(b, files.index, release, 'index', map);
  if (files.eindex) addIndexEntries(b, files.eindex, release, 'eindex', map);
  if (files.drug) addTableEntries(b, files.drug, release, 'drug', map);
  if (files.neoplasm) addTableEntries(b, files.neoplasm, release, 'neoplasm', map);
  return b.build();
}

export function buildPcsSearch(release: string, data: PcsCompiled): Uint8Array {
  const b = new SearchIndexBuilder('icd10pcs', release);
  data.codes.forEach((code, i) => {
    b.doc({ code, title: data.titles[i] || code, billable: true, kind: 'code', chapter: code[0]! });
    const short = data.short[i];
    if (short && short !== data.titles[i]) b.entry({ code, kind: 'short', text: short });
  });
  for (const t of data.tables) {
    const title = t.l.join(', ');
    b.doc({ code: t.k, title, billable: false, kind: 'table', chapter: t.k[0]! });
    const op = t.t !== undefined ? data.terms[t.t] : undefined;
    const definition = t.d ?? op?.d;
    if (definition) b.entry({ code: t.k, kind: 'definition', text: `${t.l[2]}: ${definition}` });
    if (op?.e) b.entry({ code: t.k, kind: 'definition', text: `${t.l[2]}: ${op.e}` });
    for (const example of op?.i ?? []) b.entry({ code: t.k, kind: 'includes', text: `${t.l[2]}: ${example}` });
    // Body-part choices of the table: "Resection of Appendix" (0DTJ), with the anatomy the body part includes.
    for (const row of t.r) {
      const chars = row.v[0];
      for (let i = 0; i < chars.length; i++) {
        const code = t.k + chars[i]!;
        const label = row.l[0][i]!;
        b.doc({ code, title: `${t.l[2]} of ${label}`, billable: false, kind: 'prefix', chapter: t.k[0]! });
        const term = row.t?.[0]?.[i];
        for (const inc of term !== undefined && term >= 0 ? (data.terms[term]?.i ?? []) : []) b.entry({ code, kind: 'includes', text: `${label}: ${inc}` });
      }
    }
  }
  return b.build();
}

export function buildHcpcsSearch(release: string, data: HcpcsCompiled, effectiveFrom: string): Uint8Array {
  const b = new SearchIndexBuilder('hcpcs', release);
  for (const item of data.items) {
    b.doc({ code: item.c, title: item.t, billable: inForce(item, effectiveFrom), kind: item.k });
    if (item.s && item.s !== item.t) b.entry({ code: item.c, kind: 'short', text: item.s });
  }
  return b.build();
}

export function buildCptSearch(release: string, data: CptCompiled, effectiveFrom: string): Uint8Array {
  const b = new SearchIndexBuilder('cpt', release);
  for (const item of data.items) {
    b.doc({ code: item.c, title: item.t, billable: cptInForce(item, effectiveFrom), kind: 'code' });
    if (item.s && item.s !== item.t) b.entry({ code: item.c, kind: 'short', text: item.s });
  }
  return b.build();
}
