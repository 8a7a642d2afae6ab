import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CodeDetail, CodeRef, ReleaseRef, Validation, ValidationReason } from '../lookup.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import type { CodeSetRelease, SystemLoader } from '../releases/release.js';
import { MedcoderError } from '../errors.js';
import { SYSTEM_LABELS } from '../systems.js';
import { nearestCodes, prefixRange } from '../hcpcs/nearest.js';
import { bareIcd9, formatIcd9, icd9ShapeProblems, type Icd9System } from './code.js';
import { ICD9_FILE, type Icd9Compiled, type Icd9Node } from './compiled.js';

/** A compiled ICD-9-CM release: diagnoses (icd9cm) or procedures (icd9pcs). Every code in it is reportable. */
export class Icd9Release implements CodeSetRelease {
  private readonly nodes = new Map<string, Icd9Node>();
  /** Codes without dots, sorted, for header and nearest-code queries. */
  private readonly bare: string[] = [];

  constructor(readonly system: Icd9System, readonly manifest: ReleaseManifest, readonly ref: ReleaseRef, private readonly data: Icd9Compiled) {
    for (const n of data.nodes) {
      this.nodes.set(n.c, n);
      this.bare.push(n.c);
    }
    this.bare.sort();
  }

  get version(): number | undefined {
    return this.data.version;
  }

  normalize(input: string): string {
    return formatIcd9(this.system, bareIcd9(this.system, input));
  }

  billableCodes(): Iterable<string> {
    return this.bare.map((c) => formatIcd9(this.system, c));
  }

  billableCount(): number {
    return this.bare.length;
  }

  /** Title of a code (with or without dot), for crosswalks. */
  title(code: string): string | undefined {
    return this.nodes.get(bareIcd9(this.system, code))?.t;
  }

  lookup(input: string): CodeDetail | undefined {
    const n = this.nodes.get(bareIcd9(this.system, input));
    if (!n) return undefined;
    return {
      system: this.system,
      code: formatIcd9(this.system, n.c),
      title: n.t,
      ...(n.s ? { shortTitle: n.s } : {}),
      billable: true,
      kind: 'code',
      release: this.ref,
      ...(this.data.version ? { attributes: { version: this.data.version } } : {}),
    };
  }

  private refOf(bare: string): CodeRef {
    const n = this.nodes.get(bare)!;
    return { code: formatIcd9(this.system, n.c), title: n.t, billable: true };
  }

  validate(input: string): Validation {
    const bare = bareIcd9(this.system, typeof input === 'string' ? input : String(input));
    const code = formatIcd9(this.system, bare);
    const base = { input, system: this.system, code, release: this.ref };
    const shape = icd9ShapeProblems(this.system, bare);
    if (shape.length) return { ...base, exists: false, valid: false, reasons: shape };
    const n = this.nodes.get(bare);
    if (n) return { ...base, exists: true, valid: true, title: n.t, reasons: [] };
    const below = prefixRange(this.bare, bare);
    const name = SYSTEM_LABELS[this.system];
    if (below.length) {
      // A category or subcategory: the CMS files list only reportable codes, not their headers.
      const reasons: ValidationReason[] = [{ code: 'NOT_BILLABLE', message: `${code} is a category or subcategory, not a reportable ${name} code; report one of the ${below.length} codes below it` }];
      return { ...base, exists: false, valid: false, reasons, billableChildren: below.slice(0, 50).map((c) => this.refOf(c)) };
    }
    const reasons: ValidationReason[] = [{ code: 'UNKNOWN_CODE', message: `${code} is not an ${name} code in ${this.ref.label}` }];
    return { ...base, exists: false, valid: false, reasons, suggestions: nearestCodes(this.bare, bare, 5, 2).map((c) => this.refOf(c)) };
  }
}

function loader(system: Icd9System): SystemLoader {
  return {
    system,
    async load(dir: string, manifest: ReleaseManifest, ref: ReleaseRef) {
      let data: Icd9Compiled;
      try {
        data = JSON.parse(await readFile(join(dir, ICD9_FILE), 'utf8')) as Icd9Compiled;
      } catch (e) {
        throw new MedcoderError('RELEASE_CORRUPT', `cannot read ${join(dir, ICD9_FILE)}: ${(e as Error).message}; run "medcoder codesets import --force"`, { path: dir });
      }
      return new Icd9Release(system, manifest, ref, data);
    },
  };
}

export const icd9cmLoader = loader('icd9cm');
export const icd9pcsLoader = loader('icd9pcs');
