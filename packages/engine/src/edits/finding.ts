import { readFileSync } from 'node:fs';

/** The edit layers, in the order the scrubber runs them. */
export const LAYERS = ['validity', 'icd10cm-instructions', 'mce', 'poa', 'ncci-ptp', 'mue', 'add-on', 'medical-necessity'] as const;
export type LayerId = (typeof LAYERS)[number];

export const LAYER_LABELS: Record<LayerId, string> = {
  validity: 'Code validity',
  'icd10cm-instructions': 'ICD-10-CM instructions',
  mce: 'Medicare Code Editor',
  poa: 'Present on admission',
  'ncci-ptp': 'NCCI procedure-to-procedure',
  mue: 'Medically unlikely edits',
  'add-on': 'Add-on codes',
  'medical-necessity': 'Medical necessity',
};

/** error: a hard stop, the claim should not go out; warning: look before sending. */
export type Severity = 'error' | 'warning';

/** One failed edit. */
export interface Finding {
  /** Stable for the same problem on the same claim: rule, codes and lines. */
  id: string;
  /** Stable rule id, e.g. `ncci-ptp.modifier-needed`; messages.json is keyed by it. */
  rule: string;
  layer: LayerId;
  severity: Severity;
  /** What is wrong, in a coder's words. */
  message: string;
  /** What to do about it. */
  fix?: string;
  /** Codes involved, in claim form (dotted ICD-10-CM). */
  codes: string[];
  /** 1-based claim line numbers involved. */
  lines: number[];
  /** 1-based diagnosis positions involved. */
  diagnoses: number[];
  /** The table or release the edit comes from, e.g. "NCCI medically unlikely edits 2026 July update". */
  source?: string;
}

/** A rule's wording and default severity, as kept in data/edits/messages.json. */
export interface RuleText {
  layer: LayerId;
  severity: Severity;
  /** A short name for lists and reports. */
  title: string;
  /** Template with {placeholders}. */
  message: string;
  fix?: string;
}

const MESSAGES_URL = new URL('../../data/edits/messages.json', import.meta.url);
let messages: Record<string, RuleText> | undefined;

/** The rule texts (loaded once from data/edits/messages.json). */
export function ruleTexts(): Record<string, RuleText> {
  if (!messages) {
    const raw = JSON.parse(readFileSync(MESSAGES_URL, 'utf8')) as { rules: Record<string, RuleText> };
    messages = raw.rules;
  }
  return messages;
}

/** A template split once into literal text (even indexes) and placeholder names (odd indexes). */
const compiled = new Map<string, string[]>();

function partsOf(template: string): string[] {
  let parts = compiled.get(template);
  if (!parts) {
    parts = template.split(/\{(\w+)\}/);
    compiled.set(template, parts);
  }
  return parts;
}

/** Fill {name} placeholders; unknown names are left as written so a missing value shows. */
export function fillTemplate(template: string, vars: Readonly<Record<string, string | number | undefined>>): string {
  const parts = partsOf(template);
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const v = vars[parts[i]!];
    out += (v === undefined ? `{${parts[i]}}` : String(v)) + parts[i + 1]!;
  }
  return out;
}

export interface EmitOptions {
  codes: string[];
  lines?: number[];
  diagnoses?: number[];
  vars?: Record<string, string | number | undefined>;
  /** Overrides the rule's default severity (e.g. a stale release downgrades an error). */
  severity?: Severity;
  source?: string;
  /** Replaces the rule's fix template when the fix is computed. */
  fix?: string;
}

/** Collects findings of one claim, wording them from the rule texts. */
export class FindingSink {
  readonly findings: Finding[] = [];
  private readonly texts = ruleTexts();

  constructor(private readonly disabled: ReadonlySet<string> = new Set()) {}

  emit(rule: string, o: EmitOptions): void {
    if (this.disabled.has(rule)) return;
    const t = this.texts[rule];
    if (!t) throw new Error(`no text for edit rule ${rule} in data/edits/messages.json`);
    const vars = o.vars ?? {};
    const lines = o.lines ?? [];
    const diagnoses = o.diagnoses ?? [];
    const id = `${rule}:${o.codes.join('+')}${lines.length ? `@${lines.join(',')}` : ''}`;
    if (this.findings.some((f) => f.id === id)) return;
    const fix = o.fix ?? (t.fix ? fillTemplate(t.fix, vars) : undefined);
    this.findings.push({
      id,
      rule,
      layer: t.layer,
      severity: o.severity ?? t.severity,
      message: fillTemplate(t.message, vars),
      ...(fix ? { fix } : {}),
      codes: o.codes,
      lines,
      diagnoses,
      ...(o.source ? { source: o.source } : {}),
    });
  }
}
