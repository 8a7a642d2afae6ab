import { readFileSync } from 'node:fs';
import { MedcoderError } from '../errors.js';
import type { ConfidenceCalibration } from './calibration.js';
import type { CodedDiagnosis } from './types.js';

/**
 * The suggestion ranker: a logistic regression over what the coder knows of a
 * suggested code (where its words came from, how many mentions, which
 * sections, the context, the code's observed precision and that of its
 * wording, its chapter, the other codes of the note), giving
 * the probability that a certified coder would assign it. Its weights and the
 * suggestion threshold are data (data/coding/ranker.json), fitted by
 * scripts/train-ranker.mjs on cross-fitted candidates of the CodiEsp training
 * split. Scoring is one dot product per code: fast and deterministic.
 */

export interface RankerData {
  description?: string;
  /** Feature name → weight; "bias" is the intercept. */
  weights: Record<string, number>;
  /** Suggestions whose probability is below this are left out (chosen on the training split). */
  threshold: number;
}

/** What the ranker reads of one suggested code, before ranking. */
export interface RankerInput {
  code: string;
  /** Confidence from the match and the guideline rules, before any learned adjustment. */
  confidence: number;
  title: string;
  evidence: CodedDiagnosis['evidence'];
  rationale: CodedDiagnosis['rationale'];
  context?: CodedDiagnosis['context'];
}

/** The features, in a fixed order; the training script writes a weight for each. */
export const RANKER_FEATURES = [
  'bias',
  'ruleLogit',
  'codePrior',
  'codeSeen',
  'codeUnseen',
  'categoryPrior',
  'categorySeen',
  'noteCodes',
  'shared',
  'priorStrength',
  'titleOverlap',
  'cue',
  'src.lexicon',
  'src.index',
  'src.neoplasm',
  'src.tabular',
  'src.inclusion',
  'src.eindex',
  'src.mined',
  'src.rule',
  'sources',
  'mentions',
  'words',
  'sec.diagnosis',
  'sec.complaint',
  'sec.history',
  'sec.exam',
  'sec.results',
  'sec.hpi',
  'ctx.uncertain',
  'ctx.historical',
  'ctx.family',
  'position',
  'ch.symptom',
  'ch.status',
  'ch.external',
  'ch.neoplasm',
  'ch.injury',
  'unspecified',
  'evidencePrior',
  'sameCategory',
  'nested',
  'firstSentence',
] as const;

export type RankerFeature = (typeof RANKER_FEATURES)[number];

const SOURCE_FEATURE: Record<string, number> = Object.fromEntries(
  ['lexicon', 'index', 'neoplasm', 'tabular', 'inclusion', 'eindex', 'mined', 'rule'].map((s) => [s, RANKER_FEATURES.indexOf(`src.${s}` as RankerFeature)]),
);

const SECTION_FEATURE: Partial<Record<string, RankerFeature>> = {
  diagnoses: 'sec.diagnosis',
  assessment: 'sec.diagnosis',
  chief_complaint: 'sec.complaint',
  pmh: 'sec.history',
  psh: 'sec.history',
  fh: 'sec.history',
  exam: 'sec.exam',
  ros: 'sec.exam',
  results: 'sec.results',
  hpi: 'sec.hpi',
};

const INDEX = new Map<string, number>(RANKER_FEATURES.map((f, i) => [f, i]));
const at = (f: RankerFeature) => INDEX.get(f)!;

const logit = (p: number) => {
  const q = Math.min(0.99, Math.max(0.01, p));
  return Math.log(q / (1 - q));
};

/**
 * Does the ranker score this code? It scores the codes some words of the note
 * support (a rationale from the index, a title, a lexicon); a code only a
 * guideline rule assigns (a combination, history or family-history code, the
 * weeks of gestation) keeps its calibrated confidence.
 */
export function rankedByRanker(rationale: ReadonlyArray<{ kind: string }>): boolean {
  return rationale.some((r) => r.kind !== 'rule');
}

/** What the ranker reads of the whole note. */
export interface RankerNote {
  /** The note's text. */
  text: string;
  /** Length of the note's text. */
  length: number;
  /** Number of codes suggested for the note. */
  codes: number;
  /** How many suggested codes each evidence span (by its start offset) supports. */
  spanCodes: ReadonlyMap<number, number>;
  /** Every evidence span of the suggested codes, by start offset. */
  spans: ReadonlyArray<{ start: number; end: number; code: string }>;
  /** How many suggested codes each 3-character category has. */
  categories: ReadonlyMap<string, number>;
  /** End offset of the note's first sentence. */
  firstSentenceEnd: number;
}

/** The note-level part of the features, from every suggested code of the note. */
export function rankerNote(text: string, codes: ReadonlyArray<Pick<RankerInput, 'code' | 'evidence'>>): RankerNote {
  const spanCodes = new Map<number, number>();
  const spans: { start: number; end: number; code: string }[] = [];
  const categories = new Map<string, number>();
  for (const c of codes) {
    for (const e of c.evidence) {
      spanCodes.set(e.start, (spanCodes.get(e.start) ?? 0) + 1);
      spans.push({ start: e.start, end: e.end, code: c.code });
    }
    const k = c.code.slice(0, 3);
    categories.set(k, (categories.get(k) ?? 0) + 1);
  }
  spans.sort((a, b) => a.start - b.start);
  const stop = text.search(/[.!?](\s|$)/);
  return { text, length: text.length, codes: codes.length, spanCodes, spans, categories, firstSentenceEnd: stop < 0 ? text.length : stop };
}

const smoothedLogOdds = ([n, right]: readonly [number, number]) => Math.log((right + 0.5) / (n - right + 0.5));

/** Does another code's longer mention hold this span ("pain" inside "chest pain")? */
function nestedSpan(e: { start: number; end: number }, code: string, spans: RankerNote['spans']): boolean {
  for (const s of spans) {
    if (s.start > e.start) break;
    if (s.code !== code && s.end >= e.end && s.end - s.start > e.end - e.start) return true;
  }
  return false;
}

/** Smoothed log-odds of the best-counted wording among a code's mentions; 0 when no wording was counted. */
function evidencePrior(c: RankerInput, calibration: ConfidenceCalibration): number {
  let best: readonly [number, number] | undefined;
  for (const e of c.evidence) {
    const counts = calibration.evidenceCounts(c.code, e.text);
    if (counts && (!best || counts[0] > best[0])) best = counts;
  }
  return best ? smoothedLogOdds(best) : 0;
}

/** "Diagnosis of …", "diagnosed with …", "impression": the words before a mention name it as the diagnosis. */
const DIAGNOSIS_CUE = /\b(diagnos[a-z]*|impression|compatible with|consistent with|suggestive of)\b[^.;]*$/i;

const wordStems = (text: string) => new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2).map((w) => w.slice(0, 5)));

const TITLE_NOISE = new Set(['unspe', 'other', 'speci', 'witho', 'with', 'and', 'the', 'not', 'elsew', 'class', 'encou', 'initi', 'nos']);

const titleStemsMemo = new Map<string, string[]>();

/** Share of the title's words (5-letter stems) found in the evidence. */
function titleOverlap(title: string, evidence: RankerInput['evidence']): number {
  let t = titleStemsMemo.get(title);
  if (!t) {
    t = [...wordStems(title)].filter((w) => !TITLE_NOISE.has(w));
    if (titleStemsMemo.size < 50_000) titleStemsMemo.set(title, t);
  }
  if (!t.length) return 0;
  const e = new Set<string>();
  for (const x of evidence) for (const w of wordStems(x.text)) e.add(w);
  let n = 0;
  for (const w of t) if (e.has(w)) n++;
  return n / t.length;
}

/**
 * The feature vector of one suggested code, with the note it is in;
 * `calibration` gives the code's counts on the training split.
 */
export function rankerFeatures(c: RankerInput, note: RankerNote, calibration: ConfidenceCalibration): Float64Array {
  const noteLength = note.length;
  const x = new Float64Array(RANKER_FEATURES.length);
  x[0] = 1;
  x[at('ruleLogit')] = logit(c.confidence);
  const counts = calibration.counts(c.code);
  if (counts) {
    x[at('codePrior')] = smoothedLogOdds(counts);
    x[at('codeSeen')] = Math.log1p(counts[0]);
    x[at('priorStrength')] = x[at('codePrior')]! * Math.min(1, counts[0] / 10);
  } else x[at('codeUnseen')] = 1;
  const category = calibration.categoryCounts(c.code);
  if (category) {
    x[at('categoryPrior')] = smoothedLogOdds(category);
    x[at('categorySeen')] = Math.log1p(category[0]);
  }
  x[at('noteCodes')] = Math.log1p(note.codes);
  const kinds = new Set<string>();
  for (const r of c.rationale) kinds.add(r.kind);
  for (const k of kinds) {
    const i = SOURCE_FEATURE[k];
    if (i !== undefined && i >= 0) x[i] = 1;
  }
  x[at('sources')] = Math.log1p(kinds.size);
  x[at('mentions')] = Math.log1p(c.evidence.length);
  let words = 0;
  let first = noteLength;
  let shared = 0;
  let nested = 0;
  for (const e of c.evidence) {
    if ((note.spanCodes.get(e.start) ?? 0) > 1) shared++;
    if (nestedSpan(e, c.code, note.spans)) nested++;
    const f = SECTION_FEATURE[e.section];
    if (f) x[at(f)] = 1;
    words = Math.max(words, e.text.split(/\s+/).filter(Boolean).length);
    first = Math.min(first, e.start);
    if (x[at('cue')] === 0 && DIAGNOSIS_CUE.test(note.text.slice(Math.max(0, e.start - 60), e.start))) x[at('cue')] = 1;
  }
  x[at('titleOverlap')] = titleOverlap(c.title, c.evidence);
  x[at('words')] = Math.min(6, words);
  x[at('shared')] = c.evidence.length ? shared / c.evidence.length : 0;
  x[at('nested')] = c.evidence.length ? nested / c.evidence.length : 0;
  if (first < note.firstSentenceEnd) x[at('firstSentence')] = 1;
  if ((note.categories.get(c.code.slice(0, 3)) ?? 0) > 1) x[at('sameCategory')] = 1;
  x[at('evidencePrior')] = evidencePrior(c, calibration);
  for (const ctx of c.context ?? []) {
    if (ctx === 'uncertain') x[at('ctx.uncertain')] = 1;
    else if (ctx === 'historical') x[at('ctx.historical')] = 1;
    else if (ctx === 'family') x[at('ctx.family')] = 1;
  }
  x[at('position')] = noteLength > 0 && c.evidence.length ? first / noteLength : 0.5;
  const ch = c.code.charAt(0);
  if (ch === 'R') x[at('ch.symptom')] = 1;
  else if (ch === 'Z') x[at('ch.status')] = 1;
  else if (ch >= 'V' && ch <= 'Y') x[at('ch.external')] = 1;
  else if (ch === 'C' || (ch === 'D' && c.code < 'D5')) x[at('ch.neoplasm')] = 1;
  else if (ch === 'S' || ch === 'T') x[at('ch.injury')] = 1;
  if (/\bunspecified\b|\bNOS\b/i.test(c.title)) x[at('unspecified')] = 1;
  return x;
}

export class SuggestionRanker {
  private readonly w: Float64Array;
  readonly threshold: number;

  constructor(data: RankerData) {
    this.w = new Float64Array(RANKER_FEATURES.length);
    for (const [name, v] of Object.entries(data.weights)) {
      const i = RANKER_FEATURES.indexOf(name as RankerFeature);
      if (i < 0) throw new MedcoderError('SOURCE_MALFORMED', `ranker.json: unknown feature "${name}"`, { feature: name });
      if (!Number.isFinite(v)) throw new MedcoderError('SOURCE_MALFORMED', `ranker.json: weight of "${name}" is not a number`, { feature: name });
      this.w[i] = v;
    }
    const missing = RANKER_FEATURES.filter((f) => !(f in data.weights));
    if (missing.length) throw new MedcoderError('SOURCE_MALFORMED', `ranker.json: no weight for ${missing.join(', ')} (re-run scripts/train-ranker.mjs)`, { missing });
    if (!(data.threshold >= 0 && data.threshold <= 1)) throw new MedcoderError('SOURCE_MALFORMED', 'ranker.json: threshold must be from 0 to 1', { threshold: data.threshold });
    this.threshold = data.threshold;
  }

  /** The probability of a feature vector. */
  score(x: Float64Array): number {
    let z = 0;
    for (let i = 0; i < x.length; i++) z += this.w[i]! * x[i]!;
    return 1 / (1 + Math.exp(-z));
  }
}

const RANKER_URL = new URL('../../data/coding/ranker.json', import.meta.url);

let loaded: SuggestionRanker | null | undefined;

/** The ranker shipped with the engine; undefined when the data file is absent (the calibration alone then ranks). */
export function suggestionRanker(): SuggestionRanker | undefined {
  if (loaded === undefined) {
    try {
      loaded = new SuggestionRanker(JSON.parse(readFileSync(RANKER_URL, 'utf8')) as RankerData);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
