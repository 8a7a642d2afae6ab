import { registerPostCompile } from '../releases/import.js';
import type { CompileContext, CompiledOutput, ReleaseGroup } from '../releases/compiler.js';
import { INDEX_FILES, type CompiledIndexFile, type IndexKind } from '../icd10cm/alphabetic-index.js';
import { CM_CODES_FILE, fromFile, type CmCompiled } from '../icd10cm/compiled.js';
import { Icd10cmRelease } from '../icd10cm/release.js';
import { RELEASE_FORMAT, type ReleaseManifest } from '../releases/manifest.js';
import { buildCheckFile, CHECK_FILE, codesNamed } from './check-table.js';
import { PCS_DATA_FILE, type PcsCompiled } from '../icd10pcs/compiled.js';
import { HCPCS_FILE, type HcpcsCompiled } from '../hcpcs/compiled.js';
import { CPT_FILE, type CptCompiled } from '../cpt/compiled.js';
import { releaseLabel, releaseSpan } from '../releases/key.js';
import { buildCmSearch, buildCptSearch, buildHcpcsSearch, buildPcsSearch, type CmIndexFiles } from './search-build.js';
import { SEARCH_FILE, SearchIndex } from './search-index.js';
import { buildWalkFile, WALK_FILES } from './walk-data.js';

/**
 * Builds each release's search index at import time (a post-compile step),
 * so searching needs no warm-up: the file is opened with the release.
 */

/** Shared-map key under which a release of this run keeps its own compiled index files for later releases. */
const sharedKey = (id: string, kind: IndexKind) => `encoder:${kind}:${id}`;

async function indexFileFor(id: string, kind: IndexKind, output: CompiledOutput, ctx: CompileContext): Promise<CompiledIndexFile | undefined> {
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

/** The release being compiled, as its loader will make it, for the checks worked out at import. */
function compiledRelease(group: ReleaseGroup, output: CompiledOutput, data: CmCompiled): Icd10cmRelease {
  const span = releaseSpan(group.key);
  const manifest: ReleaseManifest = {
    format: RELEASE_FORMAT,
    id: group.id,
    system: group.key.system,
    year: group.key.year,
    ...(group.key.period ? { period: group.key.period } : {}),
    label: releaseLabel(group.key),
    effectiveFrom: output.effectiveFrom ?? span.from,
    effectiveTo: output.effectiveTo ?? span.to,
    sources: [],
    counts: output.counts,
    files: Object.keys(output.files),
    compiledAt: new Date().toISOString(),
  };
  return new Icd10cmRelease(manifest, { id: manifest.id, label: manifest.label, effectiveFrom: manifest.effectiveFrom, effectiveTo: manifest.effectiveTo }, data);
}

registerPostCompile(async (group: ReleaseGroup, output: CompiledOutput, ctx: CompileContext) => {
  const id = group.id;
  const from = output.effectiveFrom ?? releaseSpan(group.key).from;
  const step = ctx.progress.step(`encoder files for ${id}`);
  let bytes: Uint8Array | undefined;
  let checks: Uint8Array | undefined;
  switch (group.key.system) {
    case 'icd10cm': {
      const packed = output.files[CM_CODES_FILE];
      if (!packed) break;
      const files: CmIndexFiles = {};
      for (const kind of ['index', 'eindex', 'drug', 'neoplasm'] as const) {
        const f = await indexFileFor(id, kind, output, ctx);
        if (f) files[kind] = f;
      }
      const data = fromFile(packed);
      bytes = buildCmSearch(id, data, files);
      // The tabular side of the checks a walk shows, for every code the index publications in use name.
      const named = new Set<string>();
      for (const f of Object.values(files)) codesNamed(f, named);
      if (named.size) {
        const indexFrom = [...new Set((['index', 'eindex', 'drug', 'neoplasm'] as const).filter((k) => files[k]).map((k) => (output.files[INDEX_FILES[k]] ? id : output.provenance?.[k] ?? id)))];
        checks = buildCheckFile(compiledRelease(group, output, data), named, indexFrom, new SearchIndex(bytes, `${id}/${SEARCH_FILE}`));
      }
      break;
    }
    case 'icd10pcs': {
      const data = output.files[PCS_DATA_FILE] as PcsCompiled | undefined;
      if (data) bytes = buildPcsSearch(id, data);
      break;
    }
    case 'hcpcs': {
      const data = output.files[HCPCS_FILE] as HcpcsCompiled | undefined;
      if (data) bytes = buildHcpcsSearch(id, data, from);
      break;
    }
    case 'cpt': {
      const data = output.files[CPT_FILE] as CptCompiled | undefined;
      if (data) bytes = buildCptSearch(id, data, from);
      break;
    }
  }
  const files: Record<string, Uint8Array> = bytes ? { [SEARCH_FILE]: bytes } : {};
  if (checks) files[CHECK_FILE] = checks;
  // The index publications this release holds, in the compact form the walk reads (borrowers read the holder's).
  let walkBytes = 0;
  if (group.key.system === 'icd10cm') {
    for (const kind of ['index', 'eindex', 'drug', 'neoplasm'] as const) {
      const own = output.files[INDEX_FILES[kind]] as CompiledIndexFile | undefined;
      if (!own) continue;
      const walk = buildWalkFile(own, id);
      files[WALK_FILES[kind]] = walk;
      walkBytes += walk.byteLength;
    }
  }
  const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
  step.done(`${bytes ? mb(bytes.byteLength) : 'none'}${walkBytes ? `, index walk files ${mb(walkBytes)}` : ''}${checks ? `, checks ${mb(checks.byteLength)}` : ''}`);
  return Object.keys(files).length ? files : undefined;
});
