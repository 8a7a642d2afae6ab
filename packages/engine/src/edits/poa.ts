/**
 * Layer 3b, present on admission: every diagnosis of an inpatient claim
 * carries a POA indicator (Y, N, U, W) unless its code is on the CDC/CMS
 * exempt list, where the indicator is left blank (or 1 on electronic claims).
 *
 * The exempt list comes from a compiled `poa` release
 * (POAexemptCodesFY26.txt: tab-separated order number, code, description).
 */
import { MedcoderError } from '../errors.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import type { ClaimContext } from './context.js';
import type { FindingSink } from './finding.js';

export interface PoaCompiled {
  /** Exempt codes, bare, sorted. */
  exempt: string[];
}

export const POA_FILE = 'poa.json';

/** The header line of the exempt list: "Order26<TAB>POAexemptCode<TAB>Description". */
export const POA_HEADER = /^Order(\d{2})\tPOAexemptCode\tDescription\s*$/;

/** Parse the tab-separated exempt list. */
export function parsePoaExempt(text: string, path: string): string[] {
  const lines = text.split(/\r?\n/);
  if (!POA_HEADER.test(lines[0] ?? '')) throw new MedcoderError('SOURCE_MALFORMED', `${path}: not a POA exempt list (header "Order..\\tPOAexemptCode\\tDescription")`, { path });
  const out: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const code = line.split('\t')[1]?.trim().toUpperCase().replace('.', '');
    if (!code || !/^[A-Z](?:[0-9][0-9A-Z]|A[0-9])[0-9A-Z]{0,4}$/.test(code)) throw new MedcoderError('SOURCE_MALFORMED', `${path} line ${i + 1}: "${line.slice(0, 40)}" has no ICD-10-CM code in the second column`, { path, line: i + 1 });
    out.push(code);
  }
  return [...new Set(out)].sort();
}

export class PoaTable {
  private readonly exempt: ReadonlySet<string>;
  constructor(data: PoaCompiled, readonly label: string) {
    this.exempt = new Set(data.exempt);
  }
  static fromCompiled(data: unknown, manifest: ReleaseManifest): PoaTable {
    return new PoaTable(data as PoaCompiled, manifest.label);
  }
  isExempt(bare: string): boolean {
    return this.exempt.has(bare);
  }
  get size(): number {
    return this.exempt.size;
  }
}

export function checkPoa(ctx: ClaimContext, sink: FindingSink, table: PoaTable): void {
  if (ctx.setting !== 'inpatient') return;
  const source = table.label;
  for (const d of ctx.dx) {
    const exempt = table.isExempt(d.bare);
    if (!d.poa) {
      if (!exempt) sink.emit('poa.missing', { codes: [d.code], diagnoses: [d.pos], vars: { code: d.code, pos: d.pos }, source });
    } else if (d.poa === '1') {
      if (!exempt) sink.emit('poa.exempt-mark-on-required', { codes: [d.code], diagnoses: [d.pos], vars: { code: d.code, pos: d.pos }, source });
    } else if (exempt) {
      sink.emit('poa.reported-on-exempt', { codes: [d.code], diagnoses: [d.pos], vars: { code: d.code, pos: d.pos, poa: d.poa }, source });
    }
  }
}
