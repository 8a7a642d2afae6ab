import { readFileSync } from 'node:fs';

/**
 * Confidence calibration: how often each code the coder suggests is right,
 * counted on coded notes (data/coding/calibration.json, written by
 * scripts/train-ranker.mjs from the CodiEsp training split with
 * cross-fitted lexicons). The counts are features of the suggestion ranker
 * (ranker.ts). For the codes the ranker does not score (those only a
 * guideline rule assigns, and suppressed mentions) a code's confidence is
 * pulled toward its observed precision, the more so the more often it was
 * seen: a code that is usually wrong (a vague history code) sinks below the
 * threshold, one that is usually right rises in the ranking. The counts of
 * a code with the words of one mention (`evidence`) tell the ranker which
 * wordings of a code coders accept.
 */

export interface CalibrationData {
  description?: string;
  /** Pseudo-count of the coder's own confidence against the observed counts. */
  prior: number;
  /** Code → [times suggested, times right]. */
  codes: Record<string, [number, number]>;
  /** evidenceKey(code, words of a mention) → [times suggested with those words, times right]. */
  evidence?: Record<string, [number, number]>;
}

/** The key of a code with the words of one of its mentions: case and spacing do not count. */
export function evidenceKey(code: string, text: string): string {
  return `${code}|${text.toLowerCase().replace(/\s+/g, ' ').trim()}`;
}

const CALIBRATION_URL = new URL('../../data/coding/calibration.json', import.meta.url);

export class ConfidenceCalibration {
  private readonly codes: Map<string, [number, number]>;
  private readonly categories = new Map<string, [number, number]>();
  private readonly evidence: Map<string, [number, number]>;
  private readonly prior: number;

  constructor(data: CalibrationData | undefined) {
    this.codes = new Map(Object.entries(data?.codes ?? {}));
    this.prior = data?.prior ?? 4;
    this.evidence = new Map(Object.entries(data?.evidence ?? {}));
    for (const [code, [n, right]] of this.codes) {
      const c = this.categories.get(code.slice(0, 3)) ?? [0, 0];
      c[0] += n;
      c[1] += right;
      this.categories.set(code.slice(0, 3), c);
    }
  }

  /** Number of codes with counts. */
  get size(): number {
    return this.codes.size;
  }

  /** [times suggested, times right] of a code, when counted. */
  counts(code: string): readonly [number, number] | undefined {
    return this.codes.get(code);
  }

  /** The counts of every code of a 3-character category, summed. */
  categoryCounts(code: string): readonly [number, number] | undefined {
    return this.categories.get(code.slice(0, 3));
  }

  /** [times suggested, times right] of a code supported by a mention with these words, when counted. */
  evidenceCounts(code: string, text: string): readonly [number, number] | undefined {
    return this.evidence.get(evidenceKey(code, text));
  }

  /** The calibrated confidence of a code the coder gives with `confidence`. */
  adjust(code: string, confidence: number): number {
    const c = this.codes.get(code);
    if (!c) return confidence;
    const [n, right] = c;
    return (right + this.prior * confidence) / (n + this.prior);
  }
}

let loaded: ConfidenceCalibration | undefined;

/** The calibration shipped with the engine (identity when the data file is absent). */
export function confidenceCalibration(): ConfidenceCalibration {
  if (!loaded) {
    let data: CalibrationData | undefined;
    try {
      data = JSON.parse(readFileSync(CALIBRATION_URL, 'utf8')) as CalibrationData;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    loaded = new ConfidenceCalibration(data);
  }
  return loaded;
}
