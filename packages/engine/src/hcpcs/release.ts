import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CodeDetail, CodeRef, ReleaseRef, Validation, ValidationReason } from '../lookup.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import type { CodeSetRelease, SystemLoader } from '../releases/release.js';
import { MedcoderError } from '../errors.js';
import { hcpcsShapeProblems, isModifierShape, normalizeHcpcs } from './code.js';
import { HCPCS_FILE, type HcpcsCompiled, type HcpcsItem } from './compiled.js';
import { inForce } from './compile.js';
import { ACTION_CODES, COVERAGE_CODES } from './labels.js';
import { nearestCodes } from './nearest.js';

/** A compiled HCPCS Level II release: procedure codes and modifiers with their Medicare facts. */
export class HcpcsRelease implements CodeSetRelease {
  readonly system = 'hcpcs' as const;
  private readonly items = new Map<string, HcpcsItem>();
  /** Sorted codes and modifiers, for nearest-code suggestions. */
  private readonly codes: string[] = [];
  private readonly modifiers: string[] = [];
  private readonly reportable: string[] = [];

  constructor(readonly manifest: ReleaseManifest, readonly ref: ReleaseRef, data: HcpcsCompiled) {
    for (const item of data.items) {
      this.items.set(item.c, item);
      (item.k === 'modifier' ? this.modifiers : this.codes).push(item.c);
      if (this.billable(item)) this.reportable.push(item.c);
    }
    this.codes.sort();
    this.modifiers.sort();
    this.reportable.sort();
  }

  normalize(input: string): string {
    return normalizeHcpcs(input);
  }

  /** The raw item, for other engine modules (edits, claims). */
  item(code: string): HcpcsItem | undefined {
    return this.items.get(normalizeHcpcs(code));
  }

  billableCodes(): Iterable<string> {
    return this.reportable;
  }

  billableCount(): number {
    return this.reportable.length;
  }

  /** Reportable unless terminated before the release's first day. */
  private billable(item: HcpcsItem): boolean {
    return inForce(item, this.manifest.effectiveFrom);
  }

  lookup(input: string): CodeDetail | undefined {
    const item = this.items.get(normalizeHcpcs(input));
    if (!item) return undefined;
    const a = item.a;
    const attributes: Record<string, unknown> = { ...a };
    if (a.actionCode && ACTION_CODES[a.actionCode]) attributes.actionCodeMeaning = ACTION_CODES[a.actionCode];
    if (a.coverage && COVERAGE_CODES[a.coverage]) attributes.coverageMeaning = COVERAGE_CODES[a.coverage];
    return {
      system: 'hcpcs',
      code: item.c,
      title: item.t,
      ...(item.s ? { shortTitle: item.s } : {}),
      billable: this.billable(item),
      kind: item.k,
      release: this.ref,
      attributes,
    };
  }

  private refOf(code: string): CodeRef {
    const item = this.items.get(code)!;
    return { code: item.c, title: item.t, billable: this.billable(item) };
  }

  validate(input: string): Validation {
    const code = normalizeHcpcs(typeof input === 'string' ? input : String(input));
    const base = { input, system: 'hcpcs' as const, code, release: this.ref };
    const shape = hcpcsShapeProblems(code);
    if (shape.length) return { ...base, exists: false, valid: false, reasons: shape };
    const item = this.items.get(code);
    const what = isModifierShape(code) ? 'modifier' : 'code';
    if (!item) {
      const cptModifier = isModifierShape(code) && /^[0-9]{2}$/.test(code);
      const reasons: ValidationReason[] = [
        {
          code: 'UNKNOWN_CODE',
          message: cptModifier
            ? `${code} is not a HCPCS Level II modifier in ${this.ref.label}; two-digit modifiers are CPT (Level I) modifiers, which the Level II file does not hold`
            : `${code} is not a HCPCS Level II ${what} in ${this.ref.label}`,
        },
      ];
      const pool = isModifierShape(code) ? this.modifiers : this.codes;
      return { ...base, exists: false, valid: false, reasons, suggestions: nearestCodes(pool, code, 5, 1).map((c) => this.refOf(c)) };
    }
    const valid = this.billable(item);
    const reasons: ValidationReason[] = [];
    const term = item.a.terminationDate;
    if (term) {
      reasons.push({
        code: 'TERMINATED',
        message: valid
          ? `${code} is terminated: it may be reported for dates of service through ${term}`
          : `${code} was terminated: the last date of service it could be reported for was ${term}`,
        terminationDate: term,
        ...(item.a.crossReference ? { crossReference: item.a.crossReference } : {}),
      });
    }
    const out: Validation = { ...base, exists: true, valid, title: item.t, reasons };
    if (!valid && item.a.crossReference) {
      const refs = item.a.crossReference.filter((c) => this.items.has(c)).map((c) => this.refOf(c));
      if (refs.length) out.suggestions = refs;
    }
    return out;
  }
}

export const hcpcsLoader: SystemLoader = {
  system: 'hcpcs',
  async load(dir: string, manifest: ReleaseManifest, ref: ReleaseRef) {
    let data: HcpcsCompiled;
    try {
      data = JSON.parse(await readFile(join(dir, HCPCS_FILE), 'utf8')) as HcpcsCompiled;
    } catch (e) {
      throw new MedcoderError('RELEASE_CORRUPT', `cannot read ${join(dir, HCPCS_FILE)}: ${(e as Error).message}; run "medcoder codesets import --force"`, { path: dir });
    }
    return new HcpcsRelease(manifest, ref, data);
  },
};
