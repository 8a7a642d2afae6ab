import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where compiled releases live: `MEDCODER_HOME`, or `~/.medcoder` when unset.
 */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  const h = env.MEDCODER_HOME;
  return h && h.trim() ? resolve(h) : join(homedir(), '.medcoder');
}

/**
 * Where official release files are found: `MEDCODER_RELEASES` (one folder, or
 * several separated by the path delimiter), else the project's shared data
 * folder `../shared/codesets` beside the project root, when present.
 */
export function defaultReleaseDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const r = env.MEDCODER_RELEASES;
  if (r && r.trim()) return r.split(process.platform === 'win32' ? ';' : ':').filter(Boolean).map((p) => resolve(p));
  const found = new Set<string>();
  for (const start of [process.cwd(), dirname(fileURLToPath(import.meta.url))]) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, '..', 'shared', 'codesets');
      if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) {
        found.add(resolve(candidate));
        break;
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return [...found].slice(0, 1);
}

/** What to tell a user whose machine has no release files at all. */
export const DOWNLOAD_HELP = [
  'No official code-set release files were found. Set MEDCODER_RELEASES to a folder holding them, e.g.:',
  '  ICD-10-CM (CDC/NCHS): https://www.cdc.gov/nchs/icd/icd-10-cm/files.html — "Code Descriptions in Tabular Order" zip and "Table and Index" XML zip',
  '  ICD-10-PCS (CMS): https://www.cms.gov/medicare/coding-billing/icd-10-codes — "ICD-10-PCS Code Tables and Index (XML)" and "Order File" zips',
  '  HCPCS Level II (CMS): https://www.cms.gov/medicare/coding-billing/healthcare-common-procedure-system/quarterly-update — the Alpha-Numeric HCPCS file zip',
  '  GEMs and ICD-9-CM (CMS): https://www.cms.gov/medicare/coding-billing/icd-10-codes/icd-9-cm-diagnosis-procedure-codes-abbreviated-and-full-code-titles',
  'Then run: medcoder codesets import --from <folder>',
].join('\n');
