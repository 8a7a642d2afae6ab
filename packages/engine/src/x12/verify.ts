/**
 * A second opinion on an interchange from node-x12, an independent X12
 * library: its strict parser checks the envelope (ISA/IEA, GS/GE, ST/SE
 * control numbers and counts) and splits segments on its own. medcoder reads
 * and writes 837 files with its own tokenizer for speed (segments.ts); this
 * check runs on every file the CLI writes and in the tests.
 */
import { createRequire } from 'node:module';
import type * as NodeX12 from 'node-x12';

let lib: typeof NodeX12 | undefined;
/** node-x12, loaded on first use (the engine's other users never pay for it). */
function nodeX12(): typeof NodeX12 {
  lib ??= createRequire(import.meta.url)('node-x12') as typeof NodeX12;
  return lib;
}

export interface CrossCheck {
  ok: boolean;
  /** node-x12's reason when it refuses the file. */
  message?: string;
  groups: number;
  transactions: number;
  /** Segments between ST and SE (both included), summed over transactions. */
  segments: number;
}

export function crossCheck(text: string): CrossCheck {
  const start = text.indexOf('ISA');
  try {
    const parsed = new (nodeX12().X12Parser)(true).parse(start > 0 ? text.slice(start) : text);
    const interchanges = Array.isArray(parsed) ? parsed : [parsed];
    let groups = 0;
    let transactions = 0;
    let segments = 0;
    for (const ic of interchanges as NodeX12.X12Interchange[]) {
      for (const g of ic.functionalGroups) {
        groups++;
        for (const t of g.transactions) {
          transactions++;
          segments += t.segments.length + 2;
        }
      }
    }
    return { ok: true, groups, transactions, segments };
  } catch (e) {
    return { ok: false, message: (e as Error).message, groups: 0, transactions: 0, segments: 0 };
  }
}
