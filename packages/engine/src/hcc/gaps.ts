/**
 * Documentation-gap hints for coders and CDI specialists: a diagnosis coded
 * as unspecified (or mapping to no HCC) whose more specific siblings in the
 * ICD-10-CM tabular would map to an HCC that raises the score. The gain is
 * measured by rescoring the patient with the specific code in place of the
 * coded one, so hierarchies, interactions and counts are all accounted for.
 *
 * A hint is a question for the record, never a code to add: the specific
 * code may be reported only when the documentation supports it.
 */
import { normalizeCm } from '../icd10cm/code.js';
import type { Segment } from './model.js';
import { scoreModel, type HccPatient, type HccScorer } from './score.js';
import type { HccModelId } from './sources.js';

export interface GapSuggestion {
  hcc: number;
  label: string;
  /** Change of the model's raw score if the code were replaced. */
  gain: number;
  /** Specific codes that map to the HCC (first few). */
  codes: Array<{ code: string; title: string }>;
}

export interface GapHint {
  code: string;
  title: string;
  /** The HCCs the coded diagnosis maps to now. */
  hccs: number[];
  why: 'unspecified' | 'no HCC';
  suggestions: GapSuggestion[];
}

const MAX_CANDIDATES = 300;

export function gapHints(scorer: HccScorer, patient: HccPatient, seg: Segment, modelId: HccModelId): GapHint[] {
  const cm = scorer.cm;
  if (!cm || seg === 'NE' || seg === 'SNPNE') return [];
  const model = scorer.model(modelId);
  const base = scoreModel(model, patient, seg).raw;
  const out: GapHint[] = [];
  patient.diagnoses.forEach((input, i) => {
    const code = normalizeCm(input.trim());
    const node = cm.node(code);
    if (!node?.b || !node.p) return;
    const bare = code.replace('.', '');
    const hccs = [...(model.dx.get(bare) ?? [])];
    const unspecified = /\bunspecified\b/i.test(node.t);
    if (!unspecified && hccs.length) return;
    // Billable codes below the same parent: the coded diagnosis's specific siblings.
    const candidates: string[] = [];
    const walk = (c: string) => {
      for (const k of cm.childrenOf(c)) {
        if (candidates.length >= MAX_CANDIDATES) return;
        const n = cm.node(k);
        if (n?.b && k !== code && model.dx.has(k.replace('.', ''))) candidates.push(k);
        walk(k);
      }
    };
    walk(node.p);
    if (!candidates.length) return;
    const byHcc = new Map<string, { hccs: number[]; gain: number; codes: string[] }>();
    for (const c of candidates) {
      const mapped = [...model.dx.get(c.replace('.', ''))!].sort((a, b) => a - b);
      const key = mapped.join('+');
      let g = byHcc.get(key);
      if (!g) {
        const diagnoses = patient.diagnoses.slice();
        diagnoses[i] = c;
        const gain = Math.round((scoreModel(model, { ...patient, diagnoses }, seg).raw - base) * 1000) / 1000;
        byHcc.set(key, (g = { hccs: mapped, gain, codes: [] }));
      }
      g.codes.push(c);
    }
    const suggestions = [...byHcc.values()]
      .filter((g) => g.gain > 0)
      .sort((a, b) => b.gain - a.gain)
      .slice(0, 3)
      .map((g) => ({
        hcc: g.hccs[0]!,
        label: g.hccs.map((h) => model.label_(h)).join('; '),
        gain: g.gain,
        codes: g.codes.slice(0, 4).map((c) => ({ code: c, title: cm.node(c)!.t })),
      }));
    if (suggestions.length) out.push({ code, title: node.t, hccs, why: unspecified ? 'unspecified' : 'no HCC', suggestions });
  });
  return out;
}
