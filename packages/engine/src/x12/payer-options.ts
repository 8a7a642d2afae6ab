/**
 * Payer options that change an 837's layout or what pre-flight insists on
 * (data/x12/payer-options.json): the defaults, overridden per payer id.
 */
import { readFileSync } from 'node:fs';

export interface PayerOptions {
  /** when-different: omit the service facility loop when it is the billing provider; always: send it. */
  serviceFacility: 'when-different' | 'always';
  /** when-different: omit the rendering provider loop when it has the billing provider's NPI; always: send it. */
  renderingProvider: 'when-different' | 'always';
  requireReferringProvider: boolean;
  requireRenderingTaxonomy: boolean;
  lineItemControlNumbers: boolean;
}

interface OptionsFile {
  default: PayerOptions;
  payers: Record<string, Partial<PayerOptions> & { name?: string }>;
}

let file: OptionsFile | undefined;

function load(): OptionsFile {
  file ??= JSON.parse(readFileSync(new URL('../../data/x12/payer-options.json', import.meta.url), 'utf8')) as OptionsFile;
  return file;
}

/** The options for a payer id (the defaults when the payer has no entry), with explicit overrides on top. */
export function payerOptions(payerId?: string, overrides: Partial<PayerOptions> = {}): PayerOptions {
  const f = load();
  const { name: _name, ...own } = (payerId && f.payers[payerId]) || {};
  return { ...f.default, ...own, ...overrides };
}
