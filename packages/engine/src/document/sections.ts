import { readFileSync } from 'node:fs';

/**
 * Section headers of clinical notes (data/nlp/sections.json): which header
 * words open which kind of section.
 */

export type SectionKind =
  | 'body'
  | 'chief_complaint'
  | 'hpi'
  | 'pmh'
  | 'psh'
  | 'fh'
  | 'sh'
  | 'medications'
  | 'allergies'
  | 'ros'
  | 'exam'
  | 'results'
  | 'assessment'
  | 'plan'
  | 'diagnoses'
  | 'procedures';

export interface SectionDefinition {
  kind: SectionKind;
  label: string;
  headers: string[];
}

const SECTIONS_URL = new URL('../../data/nlp/sections.json', import.meta.url);

let defs: SectionDefinition[] | undefined;
let byHeader: Map<string, SectionDefinition> | undefined;
let longest = 0;

/** The section definitions of the data file. */
export function sectionDefinitions(): readonly SectionDefinition[] {
  if (!defs) {
    const data = JSON.parse(readFileSync(SECTIONS_URL, 'utf8')) as { sections: SectionDefinition[] };
    defs = data.sections;
    byHeader = new Map();
    for (const d of defs) {
      for (const h of d.headers) {
        const key = headerKey(h);
        if (byHeader.has(key)) throw new Error(`sections.json: header "${h}" is listed twice`);
        byHeader.set(key, d);
        longest = Math.max(longest, key.length);
      }
    }
  }
  return defs;
}

/** Header text as matched: lower case, runs of white space made one space. */
export function headerKey(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}

export const SECTION_LABELS: Record<SectionKind, string> = {
  body: 'Note',
  chief_complaint: 'Chief complaint',
  hpi: 'History of present illness',
  pmh: 'Past medical history',
  psh: 'Past surgical history',
  fh: 'Family history',
  sh: 'Social history',
  medications: 'Medications',
  allergies: 'Allergies',
  ros: 'Review of systems',
  exam: 'Physical examination',
  results: 'Results',
  assessment: 'Assessment',
  plan: 'Plan',
  diagnoses: 'Diagnoses',
  procedures: 'Procedures',
};

export interface HeaderMatch {
  def: SectionDefinition;
  /** Offsets of the header words (without the colon). */
  start: number;
  end: number;
  /** Where the section's text starts (after the colon and spaces). */
  bodyStart: number;
}

/**
 * A header at the start of the line [lineStart, lineEnd): its words then a
 * colon (text may follow on the same line), or its words alone on the line
 * (optionally upper case or followed by a colon).
 */
export function headerAt(text: string, lineStart: number, lineEnd: number): HeaderMatch | undefined {
  sectionDefinitions();
  let s = lineStart;
  while (s < lineEnd && /[\s*#•\-–>]/.test(text[s]!)) s++;
  if (s >= lineEnd) return undefined;
  const limit = Math.min(lineEnd, s + longest + 2);
  // Header candidates end at a colon, or at the end of a short line.
  let colon = -1;
  for (let i = s; i < limit; i++) {
    if (text.charCodeAt(i) === 58) {
      colon = i;
      break;
    }
  }
  if (colon !== -1) {
    const key = headerKey(text.slice(s, colon));
    const def = byHeader!.get(key);
    if (def) {
      let b = colon + 1;
      while (b < lineEnd && /[ \t]/.test(text[b]!)) b++;
      return { def, start: s, end: s + text.slice(s, colon).trimEnd().length, bodyStart: b };
    }
  }
  if (lineEnd - s <= longest + 1) {
    const raw = text.slice(s, lineEnd).trim().replace(/[.:]$/, '');
    const def = byHeader!.get(headerKey(raw));
    // A lone word is a header only when it looks like one (upper case or title case of a known header).
    if (def && raw.length > 0 && (raw === raw.toUpperCase() || headerKey(raw).includes(' ') || /^[A-Z]/.test(raw))) {
      return { def, start: s, end: s + raw.length, bodyStart: lineEnd };
    }
  }
  return undefined;
}
