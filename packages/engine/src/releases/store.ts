import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MedcoderError } from '../errors.js';
import { RELEASE_FORMAT, type ReleaseManifest } from './manifest.js';

export function releasesDir(home: string): string {
  return join(home, 'releases');
}

/** Manifests of every complete release in a home; temporary and broken folders are ignored. */
export async function readManifests(home: string): Promise<ReleaseManifest[]> {
  const dir = releasesDir(home);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: ReleaseManifest[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    try {
      const m = JSON.parse(await readFile(join(dir, name, 'manifest.json'), 'utf8')) as ReleaseManifest;
      if (m.format === RELEASE_FORMAT && m.id === name) out.push(m);
    } catch {
      // A folder without a readable manifest is not a release.
    }
  }
  return out;
}

export async function readReleaseFile(home: string, id: string, file: string): Promise<unknown> {
  const path = join(releasesDir(home), id, file);
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new MedcoderError('RELEASE_CORRUPT', `cannot read ${path}: ${(e as Error).message}; run "medcoder codesets import --force"`, { path }, { cause: e });
  }
}

/** The bytes of a compiled release's binary file, with its path (for messages), or a RELEASE_CORRUPT error. */
export async function readReleaseBytes(home: string, id: string, file: string): Promise<{ bytes: Buffer; path: string }> {
  const path = join(releasesDir(home), id, file);
  try {
    return { bytes: await readFile(path), path };
  } catch (e) {
    throw new MedcoderError('RELEASE_CORRUPT', `cannot read ${path}: ${(e as Error).message}; run "medcoder codesets import --force"`, { path }, { cause: e });
  }
}

/**
 * A release being written. Files go to a hidden temporary folder; `commit`
 * swaps it in with renames, so readers see either the old release or the
 * new one, never half of one.
 */
export class PendingRelease {
  readonly tmp: string;
  private constructor(readonly home: string, readonly id: string) {
    this.tmp = join(releasesDir(home), `.tmp-${id}-${process.pid}-${Date.now()}`);
  }
  static async create(home: string, id: string): Promise<PendingRelease> {
    const p = new PendingRelease(home, id);
    await mkdir(p.tmp, { recursive: true });
    return p;
  }
  async writeJson(file: string, data: unknown): Promise<void> {
    await writeFile(join(this.tmp, file), JSON.stringify(data));
  }
  async commit(manifest: ReleaseManifest): Promise<void> {
    await writeFile(join(this.tmp, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const final = join(releasesDir(this.home), this.id);
    const old = join(releasesDir(this.home), `.old-${this.id}-${process.pid}-${Date.now()}`);
    let moved = false;
    try {
      await rename(final, old);
      moved = true;
    } catch {
      // no earlier release
    }
    await rename(this.tmp, final);
    if (moved) await rm(old, { recursive: true, force: true });
  }
  async discard(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
  }
}

/** Remove leftovers of interrupted imports. */
export async function cleanLeftovers(home: string): Promise<void> {
  const dir = releasesDir(home);
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  // Folders of an import still running in another process are left alone.
  const stale = names.filter((n) => (n.startsWith('.tmp-') || n.startsWith('.old-')) && !processAlive(Number(/-(\d+)-\d+$/.exec(n)?.[1])));
  await Promise.all(stale.map((n) => rm(join(dir, n), { recursive: true, force: true })));
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Hold the home's import lock while `work` runs: two imports into one home
 * wait for each other instead of interleaving. A lock left by a process that
 * no longer runs is taken over.
 */
export async function withImportLock<T>(home: string, work: () => Promise<T>, waitMs = 10 * 60_000): Promise<T> {
  const lock = join(releasesDir(home), '.import.lock');
  const started = Date.now();
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (!processAlive(holder)) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() - started > waitMs) {
        throw new MedcoderError('IMPORT_FAILED', `another import (process ${holder}) holds ${lock}; try again when it has finished`, { path: lock });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}
