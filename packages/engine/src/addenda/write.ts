import { CM_CODES_FILE, packCm, type CmCompiled } from '../icd10cm/compiled.js';
import { INDEX_COUNT_NAMES, INDEX_FILES, INDEX_FORMAT, type CompiledIndexFile, type IndexKind } from '../icd10cm/alphabetic-index.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { engineFingerprint, runPostCompile, VALID_CODES_FILE, writeHistory } from '../releases/import.js';
import type { CompiledOutput, CompileContext, ReleaseGroup } from '../releases/compiler.js';
import { silentProgress, type Progress } from '../progress.js';
import { releaseSpan } from '../releases/key.js';
import { RELEASE_FORMAT, type ReleaseManifest, type ReleaseSource } from '../releases/manifest.js';
import { PendingRelease, readManifests, readReleaseFile, withImportLock } from '../releases/store.js';
import type { ChangeSource } from './apply-tabular.js';
import type { AddendumOutcome, ApplyIssue } from './report.js';
import type { RollForwardResult, UpdateStep } from './roll-forward.js';

/**
 * Writing a rolled-forward release: the same files an official ICD-10-CM
 * release has (icd10cm.json, valid.json and the four index files), plus the
 * application report and, for every entry the addenda changed, the addendum
 * line that last changed it. The manifest says `derived: true`.
 */

/** The report of a roll-forward, as saved in the release folder. */
export const REPORT_FILE = 'addenda-report.json';
/** What last changed each code, section, chapter and index entry. */
export const CHANGES_FILE = 'addenda-changes.json';

export interface SavedReport {
  release: string;
  base: { tabular: string; index: string };
  addenda: AddendumOutcome[];
  steps: UpdateStep[];
  issues: ApplyIssue[];
}

/**
 * `[addendum, page, line]` for a change from an addendum (addendum is an
 * index into the report's `addenda`), or the id of the official release
 * whose order file supplied it.
 */
export type SavedSource = [number, number, number] | string;

export interface SavedChanges {
  /** Keys "code:E11.22", "section:B85-B89", "chapter:1". */
  tabular: Record<string, SavedSource>;
  /** Per index kind: entry path (titles joined by " > ") to what last changed it. */
  index: Partial<Record<IndexKind, Record<string, SavedSource>>>;
}

const save = (s: ChangeSource): SavedSource => ('orderFile' in s ? s.orderFile : [s.addendum, s.page, s.line]);

/** Id of a rolled-forward release: never the id of an official one. */
export function derivedId(step: { year: number; period?: string }): string {
  return `icd10cm-${step.year}${step.period ? `-${step.period}` : ''}-derived`;
}

export function derivedLabel(step: { year: number; period?: string }): string {
  const p = step.period === 'jan' ? ' January update' : step.period === 'apr' ? ' April update' : '';
  return `ICD-10-CM FY${step.year}${p} (rolled forward)`;
}

export interface WrittenRelease {
  id: string;
  label: string;
  effectiveFrom: string;
  effectiveTo: string;
  counts: Record<string, number>;
}

/** One release's content: the tabular and indexes after a given update. */
export interface ReleaseContent {
  step: UpdateStep;
  tabular: CmCompiled;
  indexes: Map<IndexKind, CompiledIndexFile>;
  /** Only for the last update: what changed each entry. */
  changes?: SavedChanges;
}

/** Write rolled-forward releases into the home (all or none), then refresh the code history. */
export async function writeRolledForward(result: RollForwardResult, contents: ReleaseContent[], progress: Progress = silentProgress): Promise<WrittenRelease[]> {
  const engine = await engineFingerprint();
  return withImportLock(result.home, async () => {
    // The steps every import runs after compiling (search index, concept dictionary) run here too.
    const ctx: CompileContext = {
      progress,
      shared: new Map(),
      existing: await readManifests(result.home),
      readCompiled: (id, file) => readReleaseFile(result.home, id, file),
    };
    const pending: Array<{ p: PendingRelease; manifest: ReleaseManifest }> = [];
    const written: WrittenRelease[] = [];
    try {
      for (const c of contents) {
        const id = derivedId(c.step);
        const label = derivedLabel(c.step);
        const span = releaseSpan({ system: 'icd10cm', year: c.step.year, ...(c.step.period ? { period: c.step.period } : {}) });
        const applied = result.addenda.filter((a) => a.effective <= c.step.effective);
        const issues = result.issues.filter((i) => applied.some((a) => a.file === i.file));
        const billable = c.tabular.nodes.filter((n) => n.b).map((n) => n.c);
        const files: Record<string, unknown> = { [CM_CODES_FILE]: packCm(c.tabular), [VALID_CODES_FILE]: billable };
        const counts: Record<string, number> = {
          billable: billable.length,
          codes: c.tabular.nodes.length,
          tabularNodes: c.tabular.nodes.filter((n) => n.k !== 'extension').length,
        };
        for (const [kind, data] of c.indexes) {
          files[INDEX_FILES[kind]] = data;
          counts[INDEX_COUNT_NAMES[kind]] = data.counts.mainTerms + data.counts.terms;
        }
        counts.addenda = applied.length;
        counts.changesApplied = applied.reduce((n, a) => n + a.applied, 0);
        counts.changesNotApplied = applied.reduce((n, a) => n + a.failed + a.unparsed, 0);
        const report: SavedReport = { release: id, base: result.base, addenda: applied, steps: result.steps.filter((s) => s.effective <= c.step.effective), issues };
        files[REPORT_FILE] = report;
        if (c.changes) files[CHANGES_FILE] = c.changes;
        const sources: ReleaseSource[] = applied.map((a) => ({ path: a.file, kind: `icd10cm.addenda.${a.kind}`, sha256: a.sha256, size: a.size }));
        const order = c.step.order;
        const notes = [
          `Tabular List: ${result.base.tabular} with the addenda through ${c.step.update}; Alphabetic Index, External Cause Index and tables: ${result.base.index} with the addenda through ${c.step.update}`,
          `${counts.changesApplied} changes applied, ${issues.filter((i) => i.severity === 'failed').length} not applied, ${issues.filter((i) => i.severity === 'unparsed').length} lines not read (see ${REPORT_FILE})`,
        ];
        if (order) {
          notes.push(
            `against the order file of ${order.release}: ${order.missing.length} billable codes missing and ${order.extra.length} extra before reconciliation (${order.midYear.missing.length + order.midYear.extra.length} of them changed by a mid-year update), ${order.titles.length} titles differing; ${order.reconciled.added.length} codes added, ${order.reconciled.removed.length} removed and ${order.reconciled.retitled.length} retitled from the order file`,
          );
        }
        const group: ReleaseGroup = { key: { system: 'icd10cm', year: c.step.year, ...(c.step.period ? { period: c.step.period } : {}) }, id, sources: [] };
        const output: CompiledOutput = { files, counts, derived: true, effectiveFrom: span.from, effectiveTo: span.to };
        await runPostCompile(group, output, ctx);
        const p = await PendingRelease.create(result.home, id);
        for (const [file, data] of Object.entries(files)) {
          if (data instanceof Uint8Array) await writeFile(join(p.tmp, file), data);
          else await p.writeJson(file, data);
        }
        const manifest: ReleaseManifest = {
          format: RELEASE_FORMAT,
          id,
          system: 'icd10cm',
          year: c.step.year,
          ...(c.step.period ? { period: c.step.period } : {}),
          label,
          effectiveFrom: span.from,
          effectiveTo: span.to,
          derived: true,
          sources,
          provenance: {
            rolledForward: `official addenda applied to official releases: Tabular List of ${result.base.tabular}, indexes and tables of ${result.base.index}`,
            tabularFrom: result.base.tabular,
            indexFrom: result.base.index,
            ...(order ? { orderFile: `${order.release} (billable codes, titles and short titles)` } : {}),
          },
          counts,
          files: Object.keys(files),
          compiledAt: new Date().toISOString(),
          engine,
          notes,
        };
        pending.push({ p, manifest });
        written.push({ id, label, effectiveFrom: span.from, effectiveTo: span.to, counts });
      }
    } catch (e) {
      await Promise.all(pending.map(({ p }) => p.discard()));
      throw e;
    }
    for (const { p, manifest } of pending) await p.commit(manifest);
    await writeHistory(result.home);
    return written;
  });
}

/** What last changed each entry, in the saved form. */
export function savedChanges(result: RollForwardResult): SavedChanges {
  const out: SavedChanges = { tabular: {}, index: {} };
  for (const [k, v] of result.model.changedBy) out.tabular[k] = save(v);
  for (const [kind, tree] of result.indexes) {
    const m: Record<string, SavedSource> = {};
    for (const [k, v] of tree.changedBy) m[k] = save(v);
    out.index[kind] = m;
  }
  return out;
}

/** An index file as written into a rolled-forward release. */
export function indexFileFor(data: CompiledIndexFile, kind: IndexKind, year: number, base: string, through: string): CompiledIndexFile {
  return { ...data, format: INDEX_FORMAT, kind, version: year, source: `${base} ${data.source} with the addenda through ${through}` };
}
