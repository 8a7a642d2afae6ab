import { readFileSync } from 'node:fs';
import type { CompileContext, CompiledOutput, ReleaseGroup } from '../releases/compiler.js';
import { INDEX_FILES, type CompiledIndexFile, type IndexKind } from '../icd10cm/alphabetic-index.js';
import { CM_CODES_FILE, fromFile, type CmCompiled } from '../icd10cm/compiled.js';
import { CONCEPTS_FILE, DictionaryBuilder, indexVariants, type CompiledConcepts } from './dictionary.js';

/**
 * Import-time step that builds the concept dictionary of every ICD-10-CM
 * release (see dictionary.ts) and writes it beside the release as
 * concepts.json. Releases that borrow an index (FY2018 on take the FY2017
 * Alphabetic Index) are built from the borrowed file; only codes valid in the
 * release itself are kept.
 */

export interface LexiconRow {
  phrase: string;
  code: string;
  precision?: number;
  support?: number;
}

const LEXICON_URL = new URL('../../data/coding/lexicon.json', import.meta.url);
const MINED_URL = new URL('../../data/coding/mined-lexicon.json', import.meta.url);

/** The curated phrase lexicon (data/coding/lexicon.json): phrases → codes, in the project's own words. */
export function curatedLexicon(): LexiconRow[] {
  const data = JSON.parse(readFileSync(LEXICON_URL, 'utf8')) as { entries: Array<[string, string]> };
  return data.entries.map(([phrase, code]) => ({ phrase, code }));
}

/** The mined lexicon (data/coding/mined-lexicon.json, written by scripts/mine-lexicon.mjs). */
export function minedLexicon(): LexiconRow[] {
  try {
    const data = JSON.parse(readFileSync(MINED_URL, 'utf8')) as { entries: Array<[string, string, number, number]> };
    return data.entries.map(([phrase, code, precision, support]) => ({ phrase, code, precision, support }));
  } catch {
    return [];
  }
}

const sharedKey = (id: string, kind: IndexKind) => `coding:${kind}:${id}`;

async function indexFile(id: string, kind: IndexKind, output: CompiledOutput, ctx: CompileContext): Promise<CompiledIndexFile | undefined> {
  const own = output.files[INDEX_FILES[kind]] as CompiledIndexFile | undefined;
  if (own) {
    ctx.shared.set(sharedKey(id, kind), own);
    return own;
  }
  const donor = output.provenance?.[kind];
  if (!donor) return undefined;
  const inRun = ctx.shared.get(sharedKey(donor, kind)) as CompiledIndexFile | undefined;
  if (inRun) return inRun;
  try {
    return (await ctx.readCompiled(donor, INDEX_FILES[kind])) as CompiledIndexFile;
  } catch {
    return undefined;
  }
}

/** Build the dictionary of one compiled ICD-10-CM release. */
export function buildConcepts(cm: CmCompiled, files: Partial<Record<IndexKind, CompiledIndexFile>>, lexicons: { curated: LexiconRow[]; mined: LexiconRow[] }): CompiledConcepts {
  const nodes = new Map(cm.nodes.map((n) => [n.c, n]));
  const builder = new DictionaryBuilder({
    has: (c) => nodes.has(c),
    *titles() {
      for (const n of cm.nodes) {
        if (n.k === 'extension') continue;
        yield { code: n.c, title: n.t, billable: n.b === 1, ...(n.n?.inclusionTerm ? { inclusion: n.n.inclusionTerm } : {}) };
      }
    },
  });
  if (files.index) builder.useVariants(indexVariants(files.index));
  builder.addLexicon(lexicons.curated, 'lexicon');
  if (files.index) builder.addIndex(files.index, 'index');
  if (files.neoplasm) builder.addNeoplasms(files.neoplasm);
  if (files.eindex) builder.addIndex(files.eindex, 'eindex');
  builder.addTabular();
  builder.addLexicon(lexicons.mined, 'mined');
  return builder.build();
}

/** The post-compile hook (registered in coding/module.ts). */
export async function conceptsPostCompile(group: ReleaseGroup, output: CompiledOutput, ctx: CompileContext): Promise<Record<string, unknown> | undefined> {
  if (group.key.system !== 'icd10cm') return undefined;
  const packed = output.files[CM_CODES_FILE];
  if (!packed) return undefined;
  const step = ctx.progress.step(`concept dictionary for ${group.id}`);
  const files: Partial<Record<IndexKind, CompiledIndexFile>> = {};
  for (const kind of ['index', 'neoplasm', 'eindex'] as const) {
    const f = await indexFile(group.id, kind, output, ctx);
    if (f) files[kind] = f;
  }
  const concepts = buildConcepts(fromFile(packed), files, { curated: curatedLexicon(), mined: minedLexicon() });
  output.counts.conceptKeys = concepts.counts.keys ?? 0;
  step.done(`${concepts.counts.keys} keys, ${concepts.counts.entries} entries`);
  return { [CONCEPTS_FILE]: concepts };
}
