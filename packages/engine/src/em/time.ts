import { emRules } from './rules.js';
import type { EmEvidence } from './mdm.js';

/**
 * Total time on the date of the encounter, as the note states it ("Total
 * time spent on the date of the encounter: 42 minutes", "I spent 35
 * minutes"). The largest statement wins; statements about time billed
 * separately are ignored.
 */
export interface EmTime {
  minutes: number;
  evidence: EmEvidence;
}

export function totalTime(text: string): EmTime | undefined {
  const rules = emRules();
  const lower = text.toLowerCase();
  if (!rules.timeMinutes.test(lower)) return undefined;
  let best: EmTime | undefined;
  for (const re of rules.time) {
    re.lastIndex = 0;
    for (const m of lower.matchAll(re)) {
      const minutes = Number(m[1]);
      if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 600) continue;
      const lineStart = lower.lastIndexOf('\n', m.index!) + 1;
      let lineEnd = lower.indexOf('\n', m.index!);
      if (lineEnd < 0) lineEnd = lower.length;
      rules.timeExclude.lastIndex = 0;
      if (rules.timeExclude.test(lower.slice(lineStart, lineEnd))) continue;
      if (!best || minutes > best.minutes) best = { minutes, evidence: { start: m.index!, end: m.index! + m[0].length, text: text.slice(m.index!, m.index! + m[0].length) } };
    }
  }
  return best;
}
