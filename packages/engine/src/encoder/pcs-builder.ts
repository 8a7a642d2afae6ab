import { MedcoderError } from '../errors.js';
import { Icd10pcsRelease } from '../icd10pcs/release.js';
import { normalizePcs, PCS_CHAR, PCS_LENGTH } from '../icd10pcs/code.js';
import type { PcsNextValues } from '../icd10pcs/table-index.js';
import type { CodeDetail, ReleaseRef } from '../lookup.js';
import type { CodeSets, DateOptions } from '../releases/registry.js';

/**
 * Building an ICD-10-PCS code axis by axis, as coders use the tables: the
 * characters chosen so far with their meaning, then only the values the
 * tables allow next (with definitions), until seven characters make a code.
 */

export interface PcsChosen {
  pos: number;
  title: string;
  value: string;
  label: string;
}

export interface PcsChoices {
  prefix: string;
  release: ReleaseRef;
  /** The characters chosen, with their axis and meaning. */
  chosen: PcsChosen[];
  /** What may come next (absent when the prefix is a complete code). */
  next?: PcsNextValues;
  /** The code, when seven characters are given and valid. */
  code?: CodeDetail;
  warnings: string[];
}

export async function pcsChoices(cs: CodeSets, input: string, opts: DateOptions = {}): Promise<PcsChoices> {
  const { release, warnings } = await cs.release('icd10pcs', opts);
  if (!(release instanceof Icd10pcsRelease)) throw new MedcoderError('INVALID_ARGUMENT', 'the ICD-10-PCS release did not load as one');
  return pcsChoicesIn(release, input, warnings);
}

export function pcsChoicesIn(release: Icd10pcsRelease, input: string, warnings: string[] = []): PcsChoices {
  const prefix = normalizePcs(String(input ?? ''));
  if (prefix.length > PCS_LENGTH) {
    throw new MedcoderError('INVALID_ARGUMENT', `an ICD-10-PCS code has ${PCS_LENGTH} characters; "${input}" has ${prefix.length}`, { field: 'prefix', value: input });
  }
  const bad = [...prefix].findIndex((ch) => !PCS_CHAR.test(ch));
  if (bad >= 0) {
    throw new MedcoderError('INVALID_ARGUMENT', `character ${bad + 1} of "${input}" (${JSON.stringify(prefix[bad])}) is not an ICD-10-PCS character (digits and letters other than I and O)`, { field: 'prefix', position: bad + 1 });
  }
  const chosen: PcsChosen[] = [];
  for (let len = 0; len < prefix.length; len++) {
    const here = release.nextValues(prefix.slice(0, len));
    const v = here?.values.find((x) => x.value === prefix[len]);
    if (!here || !v) {
      const allowed = here ? here.values.map((x) => `${x.value} ${x.label}`).join(', ') : '';
      throw new MedcoderError(
        'CODE_NOT_FOUND',
        `${prefix.slice(0, len + 1)}: ${prefix[len]} is not a value of ${here?.title ?? `character ${len + 1}`} after ${prefix.slice(0, len) || 'the start'}${allowed ? ` (allowed: ${allowed})` : ''}`,
        { prefix: prefix.slice(0, len + 1), position: len + 1 },
      );
    }
    chosen.push({ pos: len + 1, title: here.title, value: v.value, label: v.label });
  }
  const out: PcsChoices = { prefix, release: release.ref, chosen, warnings };
  if (prefix.length === PCS_LENGTH) {
    const detail = release.lookup(prefix);
    if (!detail) throw new MedcoderError('CODE_NOT_FOUND', `${prefix} is made by the tables but is not a valid code of ${release.ref.label}`, { code: prefix });
    out.code = detail;
  } else {
    const next = release.nextValues(prefix);
    if (next) out.next = next;
  }
  return out;
}
