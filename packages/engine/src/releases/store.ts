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

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
