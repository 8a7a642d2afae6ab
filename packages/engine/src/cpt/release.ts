import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CodeDetail, CodeRef, ReleaseRef, Validation, ValidationReason } from '../lookup.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import type { CodeSetRelease, SystemLoader } from '../releases/release.js';
import { MedcoderError } from '../errors.js';
import { nearestCodes } from '../hcpcs/nearest.js';
import { cptInForce } from './compile.js';
import { CPT_FILE, type CptCompiled, type CptItem } from './compiled.js';
import { CPT_CODE } from './csv.js';

export function normalizeCpt(input: string): string {
  return String(input ?? '').normalize('NFKC').toUpperCase().replace(/[\s\-.]/g, '');
}

function shapeProblems(code: string): ValidationReason[] {
  if (code.length === 0) return [{ code: 'EMPTY', message: 'no code given' }];
  const bad = [...code].findIndex((ch) => !/[A-Z0-9]/.test(ch));
  if (bad >= 0) return [{ code: 'INVALID_CHARACTER', position: bad + 1, message: `character ${bad + 1} (${JSON.stringify(code[bad])}) is not a letter or digit` }];
  if (CPT_CODE.test(code)) return [];
  if (/^[A-Z][0-9]{4}$/.test(code)) return [{ code: 'INVALID_FORMAT', message: `${code} has the shape of a HCPCS Level II code; look it up with system hcpcs` }];
  return [{ code: 'INVALID_FORMAT', message: 'a CPT code is five digits, or four digits and F, T, U or M (e.g. 99213, 0001F)' }];
}

/** A CPT release compiled from the user's own licensed CSV. */
export class CptRelease implements CodeSetRelease {
  readonly system = 'cpt' as const;
  private readonly items = new Map<string, CptItem>();
  private readonly codes: string[] = [];
  private readonly reportable: string[] = [];

  constructor(readonly manifest: ReleaseManifest, readonly ref: ReleaseRef, data: CptCompiled) {
    for (const i of data.items) {
      this.items.set(i.c, i);
      this.codes.push(i.c);
      if (this.billable(i)) this.reportable.push(i.c);
    }
    this.codes.sort();
    this.reportable.sort();
  }

  private billable(i: CptItem): boolean {
    return cptInForce(i, this.manifest.effectiveFrom);
  }

  normalize(input: string): string {
    return normalizeCpt(input);
  }

  billableCodes(): Iterable<string> {
    return this.reportable;
  }

  billableCount(): number {
    return this.reportable.length;
  }

  lookup(input: string): CodeDetail | undefined {
    const i = this.items.get(normalizeCpt(input));
    if (!i) return undefined;
    const attributes: Record<string, unknown> = {};
    if (i.f) attributes.effectiveFrom = i.f;
    if (i.e) attributes.effectiveTo = i.e;
    return {
      system: 'cpt',
      code: i.c,
      title: i.t,
      shortTitle: i.s,
      billable: this.billable(i),
      kind: 'code',
      release: this.ref,
      ...(Object.keys(attributes).length ? { attributes } : {}),
      provenance: { descriptors: 'the user\'s own licensed CPT file' },
    };
  }

  private refOf(code: string): CodeRef {
    const i = this.items.get(code)!;
    return { code: i.c, title: i.t, billable: this.billable(i) };
  }

  validate(input: string): Validation {
    const code = normalizeCpt(typeof input === 'string' ? input : String(input));
    const base = { input, system: 'cpt' as const, code, release: this.ref };
    const shape = shapeProblems(code);
    if (shape.length) return { ...base, exists: false, valid: false, reasons: shape };
    const i = this.items.get(code);
    if (!i) {
      return {
        ...base,
        exists: false,
        valid: false,
        reasons: [{ code: 'UNKNOWN_CODE', message: `${code} is not in ${this.ref.label} (the imported CPT file)` }],
        suggestions: nearestCodes(this.codes, code, 5, 2).map((c) => this.refOf(c)),
      };
    }
    const valid = this.billable(i);
    const reasons: ValidationReason[] = [];
    if (i.e) {
      reasons.push({
        code: 'TERMINATED',
        message: valid ? `${code} may be reported for dates of service through ${i.e}` : `${code} ended on ${i.e}, before ${this.ref.label} begins`,
        effectiveTo: i.e,
      });
    }
    if (i.f && i.f > this.manifest.effectiveFrom) {
      reasons.push({ code: 'NOT_YET_EFFECTIVE', message: `${code} may be reported for dates of service from ${i.f}`, effectiveFrom: i.f });
    }
    return { ...base, exists: true, valid, title: i.t, reasons };
  }
}

export const cptLoader: SystemLoader = {
  system: 'cpt',
  async load(dir: string, manifest: ReleaseManifest, ref: ReleaseRef) {
    let data: CptCompiled;
    try {
      data = JSON.parse(await readFile(join(dir, CPT_FILE), 'utf8')) as CptCompiled;
    } catch (e) {
      throw new MedcoderError('RELEASE_CORRUPT', `cannot read ${join(dir, CPT_FILE)}: ${(e as Error).message}; run "medcoder codesets import --force"`, { path: dir });
    }
    return new CptRelease(manifest, ref, data);
  },
};
