/**
 * The synchronous coding route's answer (api/schemas.ts CodingOut) from the
 * bridge's coding answer, field by field. The coding threads write its JSON
 * themselves (coding/pool.ts), so the server's event loop only sends it.
 */
import type { CodingOut } from '../api/schemas.js';
import type { CodingAnswer } from './engine-bridge.js';

export function codingOut(a: CodingAnswer): CodingOut {
  return {
    engine: a.engine,
    codes: a.codes.map((c) => ({
      system: c.system, code: c.code, title: c.title, kind: c.kind, sequence: c.sequence, confidence: c.confidence, rationale: c.rationale,
      evidence: c.evidence.map((e) => ({ start: e.start, end: e.end, text: e.text })), suppressReason: c.suppressReason,
    })),
  };
}
