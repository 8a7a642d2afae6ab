import { MedcoderError } from '../errors.js';
import { lowerBound } from '../util/sorted.js';
import { INDEX_FILES, type CompiledIndexFile, type CompiledTerm, type IndexKind } from '../icd10cm/alphabetic-index.js';
import { CM_CODES_FILE, fromFile, type CmCompiled } from '../icd10cm/compiled.js';
import { readManifests, readReleaseFile } from '../releases/store.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import { recount } from './apply-index.js';
import { diffIndex } from './index-diff.js';
import type { AddendumOutcome, ApplyIssue } from './report.js';
import { officialFor, rollForward, type RollForwardOptions, type UpdateStep } from './roll-forward.js';
import { derivedId, indexFileFor, savedChanges, writeRolledForward, type ReleaseContent, type WrittenRelease } from './write.js';

/**
 * `medcoder codesets roll-forward`: apply the addenda, write the release(s),
 * and prove the result against the official files of the same year.
 */

export interface RollForwardRunOptions extends RollForwardOptions {
  /** Write a release for every update since the tabular base, not only the last. */
  eachUpdate?: boolean;
  /** Compute and report, write nothing. */
  dryRun?: boolean;
}

/** Codes an index refers to that the order file does not know (as a code, a header, or the start of a billable code). */
export interface IndexCodeCheck {
  /** The official release whose order file was used. */
  release: string;
  /** Distinct codes referred to (codes, manifestation codes, table cells). */
  codes: number;
  misses: Array<{ code: string; entry: string }>;
}

/** A rolled-forward table against the official file of the same fiscal year. */
export interface TableCheck {
  release: string;
  source: string;
  added: number;
  deleted: number;
  changed: number;
  /** Paths of the differing entries (first few of each kind). */
  examples: { added: string[]; deleted: string[]; changed: string[] };
}

export interface RollForwardReport {
  home: string;
  base: { tabular: string; index: string };
  /** Releases written (none on a dry run). */
  releases: WrittenRelease[];
  /** The release the last update made (written unless dryRun). */
  release: string;
  addenda: AddendumOutcome[];
  issues: ApplyIssue[];
  steps: UpdateStep[];
  /** Codes of the final indexes and tables against the official order file of the final year. */
  indexCodes?: Partial<Record<IndexKind, IndexCodeCheck>>;
  /** Final drug, neoplasm and external-cause tables against the official files of the final fiscal year. */
  tables?: Partial<Record<IndexKind, TableCheck>>;
}

/** Codes of the order file, and a test for "the start of a billable code". */
function codeLookup(order: CmCompiled): (code: string) => boolean {
  const all = new Set(order.nodes.map((n) => n.c));
  const billable = order.nodes.filter((n) => n.b).map((n) => n.c).sort();
  return (raw: string) => {
    const code = raw.replace(/[-.]+$/, '');
    if (all.has(code)) return true;
    const lo = lowerBound(billable, code);
    return lo < billable.length && billable[lo]!.startsWith(code);
  };
}

const CODE_LIKE = /^[A-Z](?:[0-9][0-9A-Z]|[A-Z][0-9])(\.[0-9A-Z-]{0,5})?-?$/;

export function checkIndexCodes(data: CompiledIndexFile, order: CmCompiled, release: string): IndexCodeCheck {
  const known = codeLookup(order);
  const seen = new Map<string, string>();
  const visit = (t: CompiledTerm, path: string) => {
    const here = path ? `${path} > ${t.t}` : t.t;
    for (const c of [t.c, t.m, ...(t.v ?? [])]) if (c && CODE_LIKE.test(c) && !seen.has(c)) seen.set(c, here);
    t.k?.forEach((k) => visit(k, here));
  };
  data.letters.forEach((l) => l.k.forEach((t) => visit(t, '')));
  const misses = [...seen].filter(([c]) => !known(c)).map(([code, entry]) => ({ code, entry })).sort((a, b) => a.code.localeCompare(b.code));
  return { release, codes: seen.size, misses };
}

function officialWithFile(manifests: readonly ReleaseManifest[], year: number, kind: IndexKind): ReleaseManifest | undefined {
  return manifests
    .filter((m) => m.system === 'icd10cm' && !m.derived && m.year === year && m.files.includes(INDEX_FILES[kind]))
    .sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
}

export async function runRollForward(opts: RollForwardRunOptions = {}): Promise<RollForwardReport> {
  const result = await rollForward({ ...opts, keepEachUpdate: Boolean(opts.eachUpdate) });
  const updates = [...result.byUpdate.values()];
  const last = updates[updates.length - 1];
  if (!last) {
    throw new MedcoderError('NO_RELEASES_FOUND', `no addenda newer than the Tabular List of ${result.base.tabular}: nothing to roll forward`);
  }
  const through = last.step.update;
  for (const tree of result.indexes.values()) recount(tree.data);
  const finalIndexes = new Map([...result.indexes].map(([k, t]) => [k, indexFileFor(t.data, k, last.step.year, result.base.index, through)]));
  const contents: ReleaseContent[] = [];
  if (opts.eachUpdate) {
    for (const u of updates.slice(0, -1)) {
      const idx = new Map([...(u.indexes ?? new Map<IndexKind, CompiledIndexFile>())].map(([k, d]) => {
        recount(d);
        return [k, indexFileFor(d, k, u.step.year, result.base.index, u.step.update)] as const;
      }));
      contents.push({ step: u.step, tabular: u.tabular, indexes: idx });
    }
  }
  contents.push({ step: last.step, tabular: last.tabular, indexes: finalIndexes, changes: savedChanges(result) });

  const manifests = await readManifests(result.home);
  const report: RollForwardReport = {
    home: result.home,
    base: result.base,
    releases: [],
    release: '',
    addenda: result.addenda,
    issues: result.issues,
    steps: result.steps,
  };
  // The proofs: index codes against the final year's order file, tables against its official files.
  const official = officialFor(manifests, last.step.effective) ?? manifests.find((m) => m.system === 'icd10cm' && !m.derived && m.year === last.step.year && (m.counts.orderBillable ?? 0) > 0);
  if (official) {
    const order = fromFile(await readReleaseFile(result.home, official.id, CM_CODES_FILE));
    report.indexCodes = {};
    for (const [k, d] of finalIndexes) report.indexCodes[k] = checkIndexCodes(d, order, official.id);
  }
  report.tables = {};
  for (const kind of ['drug', 'neoplasm', 'eindex'] as const) {
    const m = officialWithFile(manifests, last.step.year, kind);
    const mine = finalIndexes.get(kind);
    if (!m || !mine) continue;
    const theirs = (await readReleaseFile(result.home, m.id, INDEX_FILES[kind])) as CompiledIndexFile;
    const d = diffIndex(mine, theirs);
    report.tables[kind] = {
      release: m.id,
      source: theirs.source,
      added: d.added.length,
      deleted: d.deleted.length,
      changed: d.changed.length,
      examples: { added: d.added.map((x) => x.path), deleted: d.deleted.map((x) => x.path), changed: d.changed.map((x) => `${x.after.path} (${x.fields.join(', ')})`) },
    };
  }
  report.release = derivedId(last.step);
  if (!opts.dryRun) report.releases = await writeRolledForward(result, contents, opts.progress);
  return report;
}
