import { MedcoderError } from '../errors.js';
import { silentProgress, type Progress } from '../progress.js';
import { defaultHome, defaultReleaseDirs } from '../releases/home.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import { readManifests, readReleaseFile } from '../releases/store.js';
import { readAll } from '../sources/entry.js';
import { hashEntry } from '../util/hash.js';
import { compileTabular, seventhRulesFrom } from '../icd10cm/compile.js';
import { CM_CODES_FILE, fromFile, type CmCompiled } from '../icd10cm/compiled.js';
import { pdfWords } from './pdf-text.js';
import { findAddenda, type AddendumFile } from './sources.js';
import { parseTabularAddendum } from './tabular-addenda.js';
import { applyTabularChanges, TabularModel } from './apply-tabular.js';
import { IssueLog, type AddendumOutcome, type ApplyIssue } from './report.js';
import { compareWithOrder, type OrderComparison } from './compare.js';
import { orderAddendaCodes } from './order-addenda.js';
import { reconcileWithOrder, type Reconciliation } from './reconcile.js';
import { INDEX_FILES, type CompiledIndexFile, type IndexKind } from '../icd10cm/alphabetic-index.js';
import { parseIndexAddendum } from './index-addenda.js';
import { applyIndexChanges, applyTableChanges, IndexTree, recount } from './apply-index.js';
import { parseTableAddendum } from './table-addenda.js';

/**
 * Rolling ICD-10-CM forward: start from a compiled release that has its own
 * Tabular List (January 2021 here) and one that has its own Alphabetic Index
 * and tables (FY2017), apply every official addendum published after each,
 * update by update, and after each fiscal year hold the result against that
 * year's official order file.
 */

export interface RollForwardOptions {
  home?: string;
  /** Release whose Tabular List is the starting point; default the newest compiled ICD-10-CM release with its own tabular. */
  from?: string;
  /** Release whose Alphabetic Index and tables are the starting point; default the newest with its own Alphabetic Index. */
  indexFrom?: string;
  /** Folders with the addenda PDFs (zips included); default MEDCODER_RELEASES or ../shared/codesets. */
  addenda?: string[];
  /** Last fiscal year to apply; default the newest found. */
  to?: number;
  /** Keep the state after every update (for a release per update), not only the last. */
  keepEachUpdate?: boolean;
  progress?: Progress;
}

/** One update (a fiscal year, or a January/April update) as applied. */
export interface UpdateStep {
  update: string;
  year: number;
  period?: 'jan' | 'apr';
  effective: string;
  /** Addenda of the update that were applied (their ids in `addenda`). */
  applied: number[];
  /** The tabular after the update, held against the official order file of the same update, when one is compiled. */
  order?: OrderCheck;
}

/**
 * The rolled-forward tabular of one update against the official order file
 * of the same update: the differences as the addenda left them, which of
 * them the year's order-file addenda do not mention (changes of a mid-year
 * update without a Tabular List addendum at hand), what was then taken from
 * the order file, and what differs after that (expected none).
 */
export interface OrderCheck extends OrderComparison {
  release: string;
  /** Differences whose code the year's order-file addenda do not list: made by a mid-year update. */
  midYear: { missing: string[]; extra: string[]; titles: string[] };
  /** False when no order-file addenda were found for the year (then nothing is classed as mid-year). */
  orderAddenda: boolean;
  reconciled: Reconciliation;
  after: { missing: string[]; extra: string[]; titles: number };
}

export interface RollForwardResult {
  home: string;
  base: { tabular: string; index: string };
  addenda: AddendumOutcome[];
  issues: ApplyIssue[];
  steps: UpdateStep[];
  /** The tabular after every update, as compileTabular builds it (before any order file is consulted). */
  tabular: CmCompiled;
  model: TabularModel;
  /** The state after each update since the tabular base (indexes only when keepEachUpdate, or for the last). */
  byUpdate: Map<string, { step: UpdateStep; tabular: CmCompiled; indexes?: Map<IndexKind, CompiledIndexFile> }>;
  /** The indexes and tables after every update. */
  indexes: Map<IndexKind, IndexTree>;
}

function isIcd(m: ReleaseManifest): boolean {
  return m.system === 'icd10cm';
}

/** The release to start from for the tabular: named, or the newest official one with its own tabular. */
export function tabularBase(manifests: readonly ReleaseManifest[], id?: string): ReleaseManifest {
  if (id) {
    const m = manifests.find((x) => x.id === id);
    if (!m) throw new MedcoderError('RELEASE_NOT_FOUND', `no compiled release "${id}"; run "medcoder codesets import" or choose one of "medcoder codesets list"`, { release: id });
    if (!isIcd(m) || !m.counts.tabularNodes) throw new MedcoderError('INVALID_ARGUMENT', `${id} has no Tabular List of its own to roll forward`, { release: id });
    return m;
  }
  const list = manifests.filter((m) => isIcd(m) && m.counts.tabularNodes && !m.derived).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  const m = list[list.length - 1];
  if (!m) throw new MedcoderError('RELEASE_NOT_FOUND', 'no compiled ICD-10-CM release has a Tabular List of its own; import one (e.g. the January 2021 tabular) first');
  return m;
}

/** The release to start from for the indexes: named, or the newest official one with its own Alphabetic Index. */
export function indexBase(manifests: readonly ReleaseManifest[], id?: string): ReleaseManifest {
  if (id) {
    const m = manifests.find((x) => x.id === id);
    if (!m) throw new MedcoderError('RELEASE_NOT_FOUND', `no compiled release "${id}"`, { release: id });
    if (!isIcd(m) || !m.files.includes('index.json')) throw new MedcoderError('INVALID_ARGUMENT', `${id} has no Alphabetic Index of its own to roll forward`, { release: id });
    return m;
  }
  const list = manifests.filter((m) => isIcd(m) && m.files.includes('index.json') && !m.derived).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  const m = list[list.length - 1];
  if (!m) throw new MedcoderError('RELEASE_NOT_FOUND', 'no compiled ICD-10-CM release has an Alphabetic Index of its own; import the FY2017 XML files first');
  return m;
}

/** The official release compiled from an order file for the same dates as an update, if any. */
export function officialFor(manifests: readonly ReleaseManifest[], effective: string): ReleaseManifest | undefined {
  return manifests.find((m) => isIcd(m) && !m.derived && m.effectiveFrom === effective && (m.counts.orderBillable ?? 0) > 0);
}

/** Read the words of an addendum PDF once per run. */
async function wordsOf(a: AddendumFile) {
  return pdfWords(await readAll(a.entry), a.entry.path);
}

/**
 * Apply the addenda to the base releases. Nothing is written; see
 * writeRolledForward for the release folder.
 */
export async function rollForward(opts: RollForwardOptions = {}): Promise<RollForwardResult> {
  const progress = opts.progress ?? silentProgress;
  const home = opts.home ?? defaultHome();
  const manifests = await readManifests(home);
  const tabBase = tabularBase(manifests, opts.from);
  const idxBase = indexBase(manifests, opts.indexFrom);
  const dirs = opts.addenda ?? defaultReleaseDirs();
  if (dirs.length === 0) throw new MedcoderError('NO_RELEASES_FOUND', 'no folder with addenda: pass --addenda DIR or set MEDCODER_RELEASES');
  const found = (await findAddenda(dirs, progress)).filter((a) => opts.to === undefined || a.year <= opts.to);
  const relevant = found.filter((a) => (a.kind === 'tabular' ? a.effective > tabBase.effectiveFrom : a.effective > idxBase.effectiveFrom));
  if (relevant.length === 0) {
    throw new MedcoderError('NO_RELEASES_FOUND', `no addenda newer than ${tabBase.label} (tabular) or ${idxBase.label} (indexes) in ${dirs.join(', ')}`);
  }

  const orderAddenda = await orderAddendaCodes(dirs);
  const base = fromFile(await readReleaseFile(home, tabBase.id, CM_CODES_FILE));
  const model = new TabularModel(base);
  const outcomes: AddendumOutcome[] = [];
  const issues: ApplyIssue[] = [];
  const steps: UpdateStep[] = [];
  const byUpdate: RollForwardResult['byUpdate'] = new Map();
  let tabular: CmCompiled = base;
  const indexes = new Map<IndexKind, IndexTree>();
  for (const kind of ['index', 'eindex', 'drug', 'neoplasm'] as const) {
    if (!idxBase.files.includes(INDEX_FILES[kind])) continue;
    indexes.set(kind, new IndexTree((await readReleaseFile(home, idxBase.id, INDEX_FILES[kind])) as CompiledIndexFile));
  }

  const updates = [...new Set(relevant.map((a) => a.effective))].sort();
  for (const effective of updates) {
    const group = relevant.filter((a) => a.effective === effective);
    const first = group[0]!;
    const step: UpdateStep = { update: first.update, year: first.year, ...(first.period ? { period: first.period } : {}), effective, applied: [] };
    for (const a of group) {
      const outcome: AddendumOutcome = {
        id: outcomes.length,
        file: a.entry.path,
        ...(await hashEntry(a.entry)),
        kind: a.kind,
        update: a.update,
        effective: a.effective,
        changes: 0,
        contextLines: 0,
        applied: 0,
        failed: 0,
        context: 0,
        warnings: 0,
        unparsed: 0,
      };
      outcomes.push(outcome);
      step.applied.push(outcome.id);
      const log = new IssueLog(outcome);
      if (a.empty) continue;
      const s = progress.step(`applying ${a.update} ${a.kind} addenda`);
      const words = await wordsOf(a);
      if (a.kind === 'tabular') {
        const parsed = parseTabularAddendum(words);
        outcome.changes = parsed.changes.length;
        outcome.contextLines = parsed.changes.filter((c) => c.action === 'context').length;
        for (const p of parsed.problems) log.add('unparsed', p, p.reason);
        applyTabularChanges(model, parsed.changes, log, outcome.id);
      } else if (a.kind === 'index' || a.kind === 'eindex') {
        const tree = indexes.get(a.kind);
        const parsed = parseIndexAddendum(words);
        outcome.changes = parsed.changes.length;
        outcome.contextLines = parsed.changes.filter((c) => c.action === 'context').length;
        for (const p of parsed.problems) log.add('unparsed', p, p.reason);
        if (tree) applyIndexChanges(tree, parsed.changes, log, outcome.id);
        else log.add('failed', { page: 0, line: 0, printed: a.entry.path }, `${idxBase.id} has no ${a.kind} file to change`);
      } else {
        const tree = indexes.get(a.kind);
        const parsed = parseTableAddendum(words, a.kind);
        outcome.changes = parsed.changes.length;
        outcome.contextLines = parsed.changes.filter((c) => c.action === 'context' && !c.cells.some((x) => x.action !== 'context')).length;
        for (const p of parsed.problems) log.add('unparsed', p, p.reason);
        if (tree) applyTableChanges(tree, parsed.changes, log, outcome.id);
        else log.add('failed', { page: 0, line: 0, printed: a.entry.path }, `${idxBase.id} has no ${a.kind} file to change`);
      }
      issues.push(...log.issues);
      s.done(`${outcome.applied} applied, ${outcome.failed} failed`);
    }
    if (group.some((a) => a.kind === 'tabular')) {
      const compile = () => {
        const data = model.toTabularData(first.year);
        return compileTabular(data, seventhRulesFrom(data));
      };
      tabular = compile();
      const official = officialFor(manifests, effective);
      if (official) {
        const order = fromFile(await readReleaseFile(home, official.id, CM_CODES_FILE));
        const before = compareWithOrder(tabular, order);
        const listed = first.period ? undefined : orderAddenda.get(first.year);
        const mid = (codes: string[]) => (listed ? codes.filter((c) => !listed.has(c)) : []);
        const reconciled = reconcileWithOrder(model, tabular, order, official.id);
        const touched = reconciled.added.length + reconciled.removed.length + reconciled.retitled.length > 0;
        if (touched) tabular = compile();
        const after = touched ? compareWithOrder(tabular, order) : before;
        dressWithOrder(tabular, order);
        step.order = {
          release: official.id,
          ...before,
          midYear: { missing: mid(before.missing), extra: mid(before.extra), titles: mid(before.titles.map((t) => t.code)) },
          orderAddenda: Boolean(listed),
          reconciled,
          after: { missing: after.missing, extra: after.extra, titles: after.titles.length },
        };
      }
    }
    if (effective > tabBase.effectiveFrom) {
      const last = effective === updates[updates.length - 1];
      const snapshot = opts.keepEachUpdate && !last ? new Map([...indexes].map(([k, t]) => [k, JSON.parse(JSON.stringify(t.data)) as CompiledIndexFile])) : undefined;
      byUpdate.set(effective, { step, tabular, ...(snapshot ? { indexes: snapshot } : {}) });
    }
    steps.push(step);
  }
  for (const tree of indexes.values()) recount(tree.data);
  return { home, base: { tabular: tabBase.id, index: idxBase.id }, addenda: outcomes, issues, steps, tabular, model, byUpdate, indexes };
}

/**
 * Titles, short titles and billable flags as the official order file gives
 * them (what an order-file release shows), for codes the order file lists.
 */
export function dressWithOrder(tabular: CmCompiled, order: CmCompiled): void {
  const official = new Map(order.nodes.map((n) => [n.c, n]));
  for (const n of tabular.nodes) {
    const o = official.get(n.c);
    if (!o) {
      if (n.b) n.b = 0;
      continue;
    }
    n.t = o.t;
    if (o.s) n.s = o.s;
    else delete n.s;
    n.b = o.b;
  }
}
