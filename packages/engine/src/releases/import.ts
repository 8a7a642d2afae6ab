import { createHash } from 'node:crypto';
import { mkdir, writeFile, rename, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MedcoderError, isMedcoderError } from '../errors.js';
import { silentProgress, type Progress } from '../progress.js';
import { detectEntry, type Detection } from '../sources/detect.js';
import type { SourceEntry } from '../sources/entry.js';
import { walkSources, type WalkNote } from '../sources/walk.js';
import { hashEntry } from '../util/hash.js';
import type { CompileContext, CompiledOutput, ReleaseGroup, SystemCompiler } from './compiler.js';
import { defaultHome, defaultReleaseDirs, DOWNLOAD_HELP } from './home.js';
import { hintFromName, releaseId, releaseLabel, releaseSpan, type ReleaseKey } from './key.js';
import { RELEASE_FORMAT, type ReleaseManifest, type ReleaseSource } from './manifest.js';
import { createFinisher } from './finisher.js';
import { cleanLeftovers, PendingRelease, readManifests, readReleaseFile, releasesDir, withImportLock } from './store.js';

const compilers = new Map<string, SystemCompiler>();

export function registerCompiler(c: SystemCompiler): void {
  compilers.set(c.system, c);
}

/**
 * A step run after a release is compiled, before it is written: it may add
 * data files derived from the compiled output (e.g. the encoder's search
 * index). A Uint8Array value is written as raw bytes, anything else as JSON.
 */
export type PostCompileHook = (group: ReleaseGroup, output: CompiledOutput, ctx: CompileContext) => Promise<Record<string, unknown> | undefined>;
const postCompileHooks: PostCompileHook[] = [];

export function registerPostCompile(hook: PostCompileHook): void {
  postCompileHooks.push(hook);
}

/** Run the post-compile steps on a release compiled outside an import (a release rolled forward with the addenda). */
export async function runPostCompile(group: ReleaseGroup, output: CompiledOutput, ctx: CompileContext): Promise<void> {
  for (const hook of postCompileHooks) Object.assign(output.files, await hook(group, output, ctx));
}

export interface ImportOptions {
  /** Folders with official release files; default: MEDCODER_RELEASES or ../shared/codesets. */
  from?: string[];
  home?: string;
  progress?: Progress;
  /** Rebuild releases whose source files did not change. */
  force?: boolean;
  /** Only these systems. */
  systems?: string[];
  /** Worker threads that finish releases (post-compile steps, writing); 0 = this thread. Default: see finisherThreads. */
  threads?: number;
}

export interface ImportedRelease {
  id: string;
  label: string;
  status: 'compiled' | 'unchanged';
  counts: Record<string, number>;
  sources: string[];
}

export interface ImportReport {
  home: string;
  from: string[];
  releases: ImportedRelease[];
  /** Files that were looked at and not used, with the reason. */
  skipped: WalkNote[];
}

/** File name of the sorted list of reportable codes each compiled release carries. */
export const VALID_CODES_FILE = 'valid.json';

/**
 * Systems compiled before the others although listed later: a large release
 * that borrows nothing from another system, so its finishing (in a worker)
 * runs while the main thread reads the ICD-10-CM FY2017 files.
 */
const COMPILE_FIRST = ['icd10pcs'];

const SYSTEM_ORDER = ['icd10cm', 'icd10pcs', 'hcpcs', 'cpt', 'icd9cm', 'icd9pcs', 'gems', 'mce', 'poa', 'ncci-ptp', 'mue', 'aoc', 'coverage', 'hcc'];

/**
 * Compile every release found in the source folders into the home. Either
 * every release of the run is written or none is: a failure discards all
 * pending folders and throws.
 */
export async function importReleases(opts: ImportOptions = {}): Promise<ImportReport> {
  const progress = opts.progress ?? silentProgress;
  const home = opts.home ?? defaultHome();
  const from = opts.from ?? defaultReleaseDirs();
  if (from.length === 0) throw new MedcoderError('NO_RELEASES_FOUND', DOWNLOAD_HELP);
  await mkdir(releasesDir(home), { recursive: true });
  return withImportLock(home, () => importLocked(opts, progress, home, from));
}

async function importLocked(opts: ImportOptions, progress: Progress, home: string, from: string[]): Promise<ImportReport> {
  await cleanLeftovers(home);

  const skipped: WalkNote[] = [];
  const found: Array<{ entry: SourceEntry; detection: Detection }> = [];
  for (const dir of from) {
    const walked = await walkSources(dir);
    skipped.push(...walked.skipped);
    const step = progress.step(`scanning ${dir}`, walked.entries.length);
    for (const entry of walked.entries) {
      let detection: Detection | null = null;
      try {
        detection = await detectEntry(entry);
      } catch (e) {
        skipped.push({ path: entry.path, note: `unreadable: ${(e as Error).message}` });
      }
      step.advance(1);
      if (!detection) {
        if (!skipped.some((s) => s.path === entry.path)) skipped.push({ path: entry.path, note: 'not a release file medcoder recognises' });
        continue;
      }
      if (detection.ignore) {
        skipped.push({ path: entry.path, note: detection.ignore });
        continue;
      }
      if (opts.systems && !opts.systems.includes(detection.system)) continue;
      found.push({ entry, detection });
    }
    step.done(`${walked.entries.length} files`);
  }
  for (const s of skipped) progress.note(`skipped ${s.path}: ${s.note}`);

  // Group into releases.
  const groups = new Map<string, ReleaseGroup>();
  for (const f of found) {
    const hint = hintFromName(f.entry.name, f.entry.context);
    const year = f.detection.year ?? hint.year;
    if (year === undefined) {
      skipped.push({ path: f.entry.path, note: `${f.detection.kind}: the release year is neither in the file nor in its name` });
      continue;
    }
    const period = f.detection.period ?? hint.period;
    const key: ReleaseKey = { system: f.detection.system, year, ...(period ? { period } : {}) };
    const id = releaseId(key);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, id, sources: [] }));
    g.sources.push(f);
  }

  const existing = await readManifests(home);
  const ctx: CompileContext = {
    progress,
    shared: new Map(),
    existing,
    readCompiled: (id, file) => readReleaseFile(home, id, file),
  };

  const ordered: Array<{ compiler: SystemCompiler; group: ReleaseGroup }> = [];
  for (const system of SYSTEM_ORDER) {
    const compiler = compilers.get(system);
    let gs = [...groups.values()].filter((g) => g.key.system === system);
    if (gs.length === 0) continue;
    if (!compiler) {
      for (const g of gs) for (const s of g.sources) skipped.push({ path: s.entry.path, note: `no compiler for ${system}` });
      continue;
    }
    if (compiler.arrange) gs = compiler.arrange(gs);
    gs.sort((a, b) => releaseSpan(a.key).from.localeCompare(releaseSpan(b.key).from) || a.id.localeCompare(b.id));
    for (const group of gs) ordered.push({ compiler, group });
  }

  const engine = await engineFingerprint();
  const pending: Array<{ p: PendingRelease; manifest?: ReleaseManifest }> = [];
  /** In SYSTEM_ORDER whatever the order of compiling. */
  const report: Array<ImportedRelease | undefined> = new Array(ordered.length);
  const schedule = [...ordered.keys()].sort((a, b) => Number(!COMPILE_FIRST.includes(ordered[a]!.group.key.system)) - Number(!COMPILE_FIRST.includes(ordered[b]!.group.key.system)) || a - b);
  /** Outputs of this run by release id, for finishing steps that borrow a file of another release. */
  const outputs = new Map<string, CompiledOutput>();
  const finisher = createFinisher({
    home,
    progress,
    existing,
    inRun: (id, file) => outputs.get(id)?.files[file],
    runPostCompile,
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
  });
  const finishing: Array<Promise<void>> = [];
  /** Releases being finished; at most the finisher's capacity, so compiled outputs do not pile up in memory. */
  const inHand = new Set<Promise<void>>();
  let failed = false;
  try {
    for (const at of schedule) {
      const { compiler, group } = ordered[at]!;
      if (failed) break;
      const sources: ReleaseSource[] = [];
      for (const s of group.sources) {
        const h = await hashEntry(s.entry);
        sources.push({ path: s.entry.path, kind: s.detection.kind, sha256: h.sha256, size: h.size });
      }
      const label = releaseLabel(group.key);
      const prior = existing.find((m) => m.id === group.id);
      if (!opts.force && prior && prior.engine === engine && sameSources(prior.sources, sources)) {
        report[at] = { id: group.id, label, status: 'unchanged', counts: prior.counts, sources: sources.map((s) => s.path) };
        continue;
      }
      while (inHand.size >= finisher.capacity) await Promise.race(inHand);
      if (failed) break;
      const step = progress.step(`compiling ${label}`);
      const out = await compiler.compile(group, ctx);
      outputs.set(group.id, out);
      const p = await PendingRelease.create(home, group.id);
      const entry: (typeof pending)[number] = { p };
      pending.push(entry);
      const reported: ImportedRelease = { id: group.id, label, status: 'compiled', counts: out.counts, sources: sources.map((s) => s.path) };
      report[at] = reported;
      // The post-compile steps and the writing run beside the next release's compile.
      const done = finisher.finish(group, out, p.tmp).then((fin) => {
        const span = releaseSpan(group.key);
        entry.manifest = {
          format: RELEASE_FORMAT,
          id: group.id,
          system: group.key.system,
          year: group.key.year,
          ...(group.key.period ? { period: group.key.period } : {}),
          label,
          effectiveFrom: out.effectiveFrom ?? span.from,
          effectiveTo: out.effectiveTo ?? span.to,
          ...(out.derived ? { derived: true } : {}),
          sources,
          ...(fin.provenance ? { provenance: fin.provenance } : {}),
          counts: fin.counts,
          files: fin.files,
          compiledAt: new Date().toISOString(),
          engine,
          ...(fin.notes && fin.notes.length ? { notes: fin.notes } : {}),
        };
        reported.counts = fin.counts;
        step.done(Object.entries(fin.counts).map(([k, v]) => `${v} ${k}`).join(', '));
      });
      // Settled here so a failure is not unhandled before the loop ends; rethrown below.
      const settled = done.catch(() => void (failed = true)).finally(() => inHand.delete(settled));
      inHand.add(settled);
      finishing.push(done);
    }
    await Promise.all(finishing);
  } catch (e) {
    await Promise.allSettled(finishing);
    await finisher.close();
    await Promise.all(pending.map(({ p }) => p.discard()));
    if (isMedcoderError(e)) throw e;
    throw new MedcoderError('IMPORT_FAILED', `import failed, nothing was written: ${(e as Error).message}`, {}, { cause: e });
  }
  await finisher.close();
  for (const { p, manifest } of pending) await p.commit(manifest!);
  await writeHistory(home);
  return { home, from, releases: report.filter((r): r is ImportedRelease => r !== undefined), skipped };
}

let fingerprint: Promise<string> | undefined;

/**
 * A hash of the engine's own code and data files. A compiled release records
 * it, so a changed importer recompiles releases even when their source files
 * did not change.
 */
export function engineFingerprint(): Promise<string> {
  fingerprint ??= (async () => {
    const h = createHash('sha256');
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    const pkg = join(root, '..');
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of (await readdir(dir, { withFileTypes: true }).catch(() => [])).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== 'testing') await walk(p);
        } else if (/\.(js|ts|json)$/.test(e.name) && !/\.test\.(js|ts)$/.test(e.name) && !e.name.endsWith('.d.ts')) files.push(p);
      }
    };
    await walk(root);
    await walk(join(pkg, 'data'));
    for (const f of files) h.update(f.slice(pkg.length)).update(await readFile(f));
    return h.digest('hex').slice(0, 16);
  })();
  return fingerprint;
}

function sameSources(a: ReleaseSource[], b: ReleaseSource[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((s) => s.sha256));
  return b.every((s) => set.has(s.sha256));
}

/**
 * For each system, which releases each code is valid in. Lets an answer say
 * "not valid on this date; valid in FY2024 to FY2026" without loading every release.
 */
export interface CodeHistory {
  releases: Array<{ id: string; label: string; effectiveFrom: string; effectiveTo: string }>;
  codes: Record<string, number[]>;
}

export async function writeHistory(home: string): Promise<void> {
  const manifests = await readManifests(home);
  const bySystem = new Map<string, ReleaseManifest[]>();
  for (const m of manifests) {
    if (!m.files.includes(VALID_CODES_FILE)) continue;
    const list = bySystem.get(m.system) ?? [];
    list.push(m);
    bySystem.set(m.system, list);
  }
  for (const [system, list] of bySystem) {
    list.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    const history: CodeHistory = {
      releases: list.map((m) => ({ id: m.id, label: m.label, effectiveFrom: m.effectiveFrom, effectiveTo: m.effectiveTo })),
      codes: {},
    };
    for (let i = 0; i < list.length; i++) {
      const codes = (await readReleaseFile(home, list[i]!.id, VALID_CODES_FILE)) as string[];
      for (const c of codes) (history.codes[c] ??= []).push(i);
    }
    const file = join(releasesDir(home), `history-${system}.json`);
    await writeFile(`${file}.tmp`, JSON.stringify(history));
    await rename(`${file}.tmp`, file);
  }
}
