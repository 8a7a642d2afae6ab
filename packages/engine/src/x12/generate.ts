/**
 * From claims to an 837 file with every check on the way: the claims are
 * validated by the claim schema and pre-flight (throwing CLAIM_NOT_READY with
 * the claim paths of what is missing), written, and the written file is read
 * back by node-x12 as a second opinion on the envelope.
 */
import type { Claim, ClaimInput } from '../claims/model.js';
import { MedcoderError } from '../errors.js';
import type { Guide } from './loops.js';
import { assertReady, preflight, type PreflightResult } from './preflight.js';
import { crossCheck } from './verify.js';
import { build837, type Build837Options } from './write-837.js';

export interface Generated837 {
  text: string;
  guide: Guide;
  claims: Claim[];
  preflight: PreflightResult[];
}

export function generate837(inputs: readonly (ClaimInput | Claim)[], guide: Guide, options: Build837Options): Generated837 {
  const results = inputs.map((c) => preflight(c, { guide, ...(options.payerOptions ? { payerOptions: options.payerOptions } : {}) }));
  results.forEach((r, i) => assertReady(r, (inputs[i] as { id?: string }).id));
  const claims = results.map((r) => r.claim!);
  const text = build837(claims, guide, options);
  const check = crossCheck(text);
  if (!check.ok) throw new MedcoderError('X12_MALFORMED', `the written ${guide} fails node-x12's envelope check: ${check.message}`);
  return { text, guide, claims, preflight: results };
}
