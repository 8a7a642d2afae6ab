import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The worked examples of the 837P and 837I implementation guides in the
 * shared data folder (../shared/corpora/x12-837-examples beside the project
 * root), found the way releases/home.ts finds ../shared/codesets. They are
 * read in place, never copied into the repository.
 */
export function x12ExamplesDir(): string {
  for (const start of [process.cwd(), dirname(fileURLToPath(import.meta.url))]) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, '..', 'shared', 'corpora', 'x12-837-examples');
      if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return resolve(candidate);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error('../shared/corpora/x12-837-examples not found beside the project root');
}

/** Every example file (.edi), sorted. */
export function x12Examples(): { name: string; path: string }[] {
  const dir = x12ExamplesDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.edi'))
    .sort()
    .map((name) => ({ name, path: join(dir, name) }));
}

/** A claim fixture of src/x12/fixtures (JSON files are read from the source tree). */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../src/x12/fixtures/${name}.json`, import.meta.url));
}
