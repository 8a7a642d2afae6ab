import type { ClinicalDocument } from '../document/document.js';
import { documentWords, type NoteWords } from '../nlp/keyed-patterns.js';
import { emRules, type EmRules, type KindRule } from './rules.js';

/**
 * Medical decision making read from a note: the problems addressed, the data
 * reviewed and analysed, and the risk of management, each with its level
 * and the words that show it.
 */

export interface EmEvidence {
  start: number;
  end: number;
  text: string;
}

export interface MdmFinding {
  /** Kind of finding (threat, stable-chronic, test, historian, prescription …). */
  kind: string;
  /** What a coder calls it ("stable chronic illness", "prescription drug management"). */
  label: string;
  level: number;
  evidence: EmEvidence;
  /** The problem or test as written. */
  item?: string;
}

export interface MdmElement {
  /** 1 minimal/straightforward … 4 high/extensive. */
  level: number;
  /** The element's own word for the level: minimal, low, moderate, high (problems, risk); minimal, limited, moderate, extensive (data). */
  name: string;
  findings: MdmFinding[];
  /** Why the element is at this level. */
  reason: string;
}

export interface Mdm {
  level: number;
  /** straightforward, low, moderate, high */
  name: string;
  problems: MdmElement;
  data: MdmElement;
  risk: MdmElement;
}

/** Kinds of sections whose text is history, not this encounter's decision making. */
const HISTORY_SECTIONS = new Set(['pmh', 'psh', 'fh', 'sh', 'medications', 'allergies']);

function firstMatch(re: RegExp, text: string): RegExpExecArray | null {
  re.lastIndex = 0;
  return re.exec(text);
}

/** The first match in sentence `si` (text `t`), skipping sentences that hold none of the pattern's words. */
function matchIn(words: NoteWords, re: RegExp, si: number, t: string): RegExpExecArray | null {
  return words.mayHold(re, si) ? firstMatch(re, t) : null;
}

function ev(text: string, start: number, end: number): EmEvidence {
  return { start, end, text: text.slice(start, end) };
}

/** Lines of the assessment and plan, each an item (list markers removed). */
export function problemItems(doc: ClinicalDocument): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  const sections = doc.sections.filter((s) => s.kind === 'assessment' || s.kind === 'diagnoses');
  const from = sections.length ? sections : doc.sections.filter((s) => s.kind === 'plan');
  for (const s of from) {
    const bodyStart = s.header ? s.header.end + 1 : s.start;
    let pos = bodyStart;
    const text = doc.text.slice(0, s.end);
    while (pos < s.end) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0 || nl > s.end) nl = s.end;
      let a = pos;
      while (a < nl && /[\s\-*•#\d.):]/.test(text[a]!) && !/[a-z]/i.test(text[a]!)) a++;
      let b = nl;
      while (b > a && /\s/.test(text[b - 1]!)) b--;
      if (b - a >= 3) {
        // A long paragraph holds several problems: one item per sentence.
        const sentences = doc.sentences.filter((x) => x.start >= a && x.end <= b + 1);
        if (b - a > 160 && sentences.length > 1) for (const x of sentences) out.push({ start: x.start, end: x.end });
        else out.push({ start: a, end: b });
      }
      pos = nl + 1;
    }
  }
  return out;
}

const PROBLEM_LEVEL_NAMES = ['', 'minimal', 'low', 'moderate', 'high'];
const DATA_LEVEL_NAMES = ['', 'minimal', 'limited', 'moderate', 'extensive'];
const MDM_NAMES = ['', 'straightforward', 'low', 'moderate', 'high'];

export function analyzeProblems(doc: ClinicalDocument, rules: EmRules = emRules(), exclude?: (item: string) => boolean): MdmElement {
  const lower = doc.text.toLowerCase();
  const findings: MdmFinding[] = [];
  for (const item of problemItems(doc)) {
    const t = lower.slice(item.start, item.end);
    if (exclude?.(t)) continue;
    const chronic = firstMatch(rules.chronic, t);
    let kind: KindRule | undefined;
    let m: RegExpExecArray | null = null;
    for (const k of rules.problemKinds) {
      if (k.chronic && !chronic) continue;
      m = firstMatch(k.pattern, t);
      if (m) {
        kind = k;
        break;
      }
    }
    const itemText = doc.text.slice(item.start, item.end).replace(/[.;,\s]+$/, '');
    if (!kind) {
      if (firstMatch(rules.notProblems, t) && !chronic) continue;
      if (chronic) {
        findings.push({ kind: 'stable-chronic', label: 'chronic illness, status not documented (counted as stable)', level: 2, evidence: ev(doc.text, item.start + chronic.index, item.start + chronic.index + chronic[0].length), item: itemText });
      } else {
        findings.push({ kind: 'unclassified', label: 'problem addressed, complexity not documented (counted as minor)', level: 1, evidence: ev(doc.text, item.start, item.end), item: itemText });
      }
      continue;
    }
    findings.push({ kind: kind.id, label: kind.label, level: kind.level, evidence: ev(doc.text, item.start + m!.index, item.start + m!.index + m![0].length), item: itemText });
  }
  const count = (id: string) => findings.filter((f) => f.kind === id).length;
  const max = Math.max(0, ...findings.map((f) => f.level));
  let level = 1;
  let reason = findings.length ? 'one self-limited or minor problem' : 'no problem addressed is documented in the assessment or plan';
  if (max >= 4) {
    level = 4;
    const f = findings.find((x) => x.level === 4)!;
    reason = `${f.label}: ${f.item ?? f.evidence.text}`;
  } else if (max === 3 || count('stable-chronic') >= 2) {
    level = 3;
    const f = findings.find((x) => x.level === 3);
    reason = f ? `${f.label}: ${f.item ?? f.evidence.text}` : `${count('stable-chronic')} stable chronic illnesses`;
  } else if (max === 2 || findings.filter((f) => f.level === 1).length >= 2) {
    level = 2;
    const f = findings.find((x) => x.level === 2);
    reason = f ? `${f.label}: ${f.item ?? f.evidence.text}` : `${findings.length} self-limited or minor problems`;
  }
  return { level, name: PROBLEM_LEVEL_NAMES[level]!, findings, reason };
}

export function analyzeData(doc: ClinicalDocument, rules: EmRules = emRules(), billedTests: readonly string[] = []): MdmElement {
  const text = doc.text;
  const words = documentWords(doc);
  const lower = words.lower;
  const findings: MdmFinding[] = [];
  const tests = new Map<string, MdmFinding>();
  const billed = new Set(billedTests.map(testKey));
  for (const s of doc.sentences) {
    const section = doc.sections[s.section]?.kind ?? 'body';
    if (HISTORY_SECTIONS.has(section)) continue;
    const si = s.index;
    const t = lower.slice(s.start, s.end);
    const ordered = section === 'plan' || !!matchIn(words, rules.ordered, si, t);
    const reviewed = section === 'results' || !!matchIn(words, rules.reviewed, si, t);
    if ((ordered || reviewed) && words.mayHold(rules.tests, si)) {
      rules.tests.lastIndex = 0;
      for (const m of t.matchAll(rules.tests)) {
        const key = testKey(m[0]);
        if (tests.has(key) || billed.has(key)) continue;
        const how = ordered && !reviewed ? 'ordered' : reviewed && !ordered ? 'reviewed' : section === 'plan' ? 'ordered' : 'reviewed';
        const f: MdmFinding = { kind: `test-${how}`, label: `${how === 'ordered' ? 'ordering' : 'review of the result'} of a unique test`, level: 0, evidence: ev(text, s.start + m.index!, s.start + m.index! + m[0].length), item: m[0] };
        tests.set(key, f);
        findings.push(f);
      }
    }
    for (const [kind, re, label] of [
      ['external-notes', rules.externalNotes, 'review of prior external notes'],
      ['historian', rules.historian, 'assessment requiring an independent historian'],
      ['interpretation', rules.interpretation, 'independent interpretation of a test performed by another physician'],
      ['discussion', rules.discussion, 'discussion of management or test interpretation with an external physician'],
    ] as const) {
      const m = matchIn(words, re, si, t);
      if (m && !findings.some((f) => f.kind === kind)) findings.push({ kind, label, level: 0, evidence: ev(text, s.start + m.index, s.start + m.index + m[0].length) });
    }
  }
  const unique = tests.size;
  const notes = findings.filter((f) => f.kind === 'external-notes').length;
  const historian = findings.some((f) => f.kind === 'historian');
  const interpretation = findings.some((f) => f.kind === 'interpretation');
  const discussion = findings.some((f) => f.kind === 'discussion');
  const cat1 = unique + notes + (historian ? 1 : 0);
  const categories = (cat1 >= 3 ? 1 : 0) + (interpretation ? 1 : 0) + (discussion ? 1 : 0);
  const parts: string[] = [];
  if (unique) parts.push(`${unique} unique ${unique === 1 ? 'test' : 'tests'} (${[...tests.values()].map((f) => f.item).join(', ')})`);
  if (notes) parts.push('external notes reviewed');
  if (historian) parts.push('an independent historian');
  if (interpretation) parts.push('independent interpretation of a test');
  if (discussion) parts.push('discussion with an external physician');
  let level = 1;
  if (categories >= 2) level = 4;
  else if (categories >= 1) level = 3;
  else if (unique + notes >= 2 || historian) level = 2;
  const reason = parts.length ? `${parts.join('; ')}` : 'no data reviewed or ordered is documented';
  return { level, name: DATA_LEVEL_NAMES[level]!, findings, reason: `${reason} (category 1 items: ${cat1}; categories met for moderate or extensive: ${categories})` };
}

export function testKey(s: string): string {
  const k = s.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/s$/, '');
  const alias: Record<string, string> = { ekg: 'ecg', electrocardiogram: 'ecg', completebloodcount: 'cbc', hba1c: 'a1c', hemoglobina1c: 'a1c', cxr: 'chestxray', ua: 'urinalysi', urinalysi: 'urinalysi' };
  return alias[k] ?? k;
}

export function analyzeRisk(doc: ClinicalDocument, rules: EmRules = emRules()): MdmElement {
  const words = documentWords(doc);
  const lower = words.lower;
  const findings: MdmFinding[] = [];
  for (const s of doc.sentences) {
    const section = doc.sections[s.section]?.kind ?? 'body';
    if (HISTORY_SECTIONS.has(section)) continue;
    const t = lower.slice(s.start, s.end);
    for (const k of rules.risk) {
      if (findings.some((f) => f.kind === k.id)) continue;
      const m = matchIn(words, k.pattern, s.index, t);
      if (m) findings.push({ kind: k.id, label: k.label, level: k.level, evidence: ev(doc.text, s.start + m.index, s.start + m.index + m[0].length) });
    }
  }
  findings.sort((a, b) => b.level - a.level || a.evidence.start - b.evidence.start);
  const top = findings[0];
  const level = top ? top.level : 1;
  return { level, name: PROBLEM_LEVEL_NAMES[level]!, findings, reason: top ? `${top.label}: "${top.evidence.text}"` : 'no management with more than minimal risk is documented' };
}

/** MDM from its three elements: the level that two of the three meet or exceed. */
export function combineMdm(problems: MdmElement, data: MdmElement, risk: MdmElement): Mdm {
  const levels = [problems.level, data.level, risk.level].sort((a, b) => b - a);
  const level = Math.max(1, levels[1]!);
  return { level, name: MDM_NAMES[level]!, problems, data, risk };
}

export function analyzeMdm(doc: ClinicalDocument, opts: { billedTests?: readonly string[]; excludeProblem?: (item: string) => boolean } = {}): Mdm {
  const rules = emRules();
  return combineMdm(analyzeProblems(doc, rules, opts.excludeProblem), analyzeData(doc, rules, opts.billedTests ?? []), analyzeRisk(doc, rules));
}

export const MDM_LEVEL_NAMES = MDM_NAMES;
export const ELEMENT_LEVEL_NAMES = { problems: PROBLEM_LEVEL_NAMES, data: DATA_LEVEL_NAMES, risk: PROBLEM_LEVEL_NAMES };
