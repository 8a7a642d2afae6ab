import { parseDocument, type ClinicalDocument } from '../document/document.js';
import { MedcoderError } from '../errors.js';
import { analyzeMdm, ELEMENT_LEVEL_NAMES, MDM_LEVEL_NAMES, type EmEvidence, type Mdm, type MdmElement } from './mdm.js';
import { emRules, EM_CATEGORIES, type EmCategory, type EmCategoryRules, type EmLevelCode } from './rules.js';
import { totalTime, type EmTime } from './time.js';
import { documentWords } from '../nlp/keyed-patterns.js';
import type { ProcedureRationale } from '../procedures/rationale.js';

/**
 * The E/M level of a visit from its note: the level medical decision making
 * supports, the level total time supports where the category allows time,
 * the higher of the two, and why the level is not one higher.
 */

export type EmPayer = 'medicare' | 'commercial';

export interface EmOptions {
  category: EmCategory;
  payer?: EmPayer;
  /** Tests billed separately by this provider today (e.g. an ECG with its interpretation); they do not count as data. */
  billedTests?: readonly string[];
  /** Assessment items that belong to a separately billed service (the B12 deficiency of a B12 injection); left out of the problems. */
  excludeProblem?: (item: string) => boolean;
}

export interface EmAnalysis {
  category: EmCategory;
  categoryLabel: string;
  /** The E/M code (CPT). */
  code: string;
  /** What chose the level: MDM, time, or neither documented (lowest level). */
  basis: 'mdm' | 'time' | 'nurse-visit';
  mdm: Mdm;
  /** Code MDM supports. */
  mdmCode?: string;
  time?: EmTime & { code?: string };
  /** Prolonged service add-on when time passes the highest level by a full unit. */
  prolonged?: { code: string; units: number; reason: string };
  confidence: number;
  /** The case for the level, one sentence per point, in a coder's terms. */
  explanation: string[];
  /** Why the next level up is not supported. */
  notHigher: string[];
  /** The explanation and notHigher as rationale entries (the step of each: mdm-problems, mdm-data, mdm-risk, mdm, time, level, not-higher-mdm …). */
  rationale: ProcedureRationale[];
  warnings: string[];
}

function levelCode(rules: EmCategoryRules, mdm: number): EmLevelCode {
  let best = rules.codes[0]!;
  for (const c of rules.codes) if (c.mdm !== undefined && c.mdm <= mdm && c.mdm >= (best.mdm ?? 0)) best = c;
  return best;
}

function timeCode(rules: EmCategoryRules, minutes: number): EmLevelCode | undefined {
  let best: EmLevelCode | undefined;
  for (const c of rules.codes) {
    if (c.maxTime !== undefined && minutes <= c.maxTime) best ??= c;
    if (c.time !== undefined && minutes >= c.time) best = c;
  }
  return best;
}

const rank = (rules: EmCategoryRules, code: string) => rules.codes.findIndex((c) => c.code === code);

function quote(e: EmEvidence): string {
  return `"${e.text.replace(/\s+/g, ' ').trim()}"`;
}

function elementLine(name: string, el: MdmElement, names: readonly string[]): string {
  const shown = el.findings.slice(0, 6).map((f) => (f.kind.startsWith('test-') ? `${f.item} (${f.kind.slice(5)})` : `${f.label} ${quote(f.evidence)}`));
  return `${name}: ${names[el.level]} — ${el.reason}${shown.length && !el.reason.includes('"') ? `. Found: ${shown.join('; ')}` : ''}`;
}

export function analyzeEm(note: string | ClinicalDocument, opts: EmOptions): EmAnalysis {
  if (!EM_CATEGORIES.includes(opts.category)) {
    throw new MedcoderError('INVALID_ARGUMENT', `unknown E/M category "${opts.category}"; one of ${EM_CATEGORIES.join(', ')}`, { field: 'category', value: opts.category });
  }
  const doc = typeof note === 'string' ? parseDocument(note) : note;
  const rules = emRules();
  const cat = rules.categories[opts.category];
  const mdm = analyzeMdm(doc, { ...(opts.billedTests ? { billedTests: opts.billedTests } : {}), ...(opts.excludeProblem ? { excludeProblem: opts.excludeProblem } : {}) });
  const time = cat.mdmOnly ? undefined : totalTime(doc.text);
  const explanation: string[] = [];
  const notHigher: string[] = [];
  const rationale: ProcedureRationale[] = [];
  const explain = (rule: string, text: string) => {
    explanation.push(text);
    rationale.push({ kind: 'em', rule, text });
  };
  const notUp = (rule: string, text: string) => {
    notHigher.push(text);
    rationale.push({ kind: 'em-not-higher', rule, text });
  };
  const warnings: string[] = [];

  explain('mdm-problems', elementLine('Problems addressed', mdm.problems, ELEMENT_LEVEL_NAMES.problems));
  explain('mdm-data', elementLine('Data reviewed and analysed', mdm.data, ELEMENT_LEVEL_NAMES.data));
  explain('mdm-risk', elementLine('Risk of patient management', mdm.risk, ELEMENT_LEVEL_NAMES.risk));
  explain('mdm', `MDM is ${mdm.name}: two of the three elements (problems ${mdm.problems.name}, data ${mdm.data.name}, risk ${mdm.risk.name}) meet or exceed ${mdm.name}`);

  let code: string;
  let basis: EmAnalysis['basis'] = 'mdm';
  let mdmCode: string | undefined;
  let tCode: EmLevelCode | undefined;
  if (cat.timeOnly) {
    tCode = time ? timeCode(cat, time.minutes) : undefined;
    code = tCode?.code ?? cat.codes[0]!.code;
    basis = 'time';
    if (time) explain('time', `Discharge day management of ${time.minutes} minutes ${quote(time.evidence)}: ${code}`);
    else warnings.push('no discharge time is documented; 99238 (30 minutes or less) is the level without it');
  } else {
    const words = documentWords(doc);
    const nurse = opts.category === 'office-established' && words.has(rules.nurseVisit) && rules.nurseVisit.test(words.lower);
    rules.nurseVisit.lastIndex = 0;
    const byMdm = nurse ? cat.codes[0]! : levelCode(cat, mdm.level);
    mdmCode = byMdm.code;
    code = byMdm.code;
    if (nurse) {
      basis = 'nurse-visit';
      explain('nurse-visit', `${code}: a visit that may not require a physician or other qualified health care professional (nurse visit)`);
    }
    if (time && !nurse) {
      tCode = timeCode(cat, time.minutes);
      if (tCode && rank(cat, tCode.code) > rank(cat, code)) {
        code = tCode.code;
        basis = 'time';
      }
      explain('time', `Total time on the date of the encounter: ${time.minutes} minutes ${quote(time.evidence)}${tCode ? `, which supports ${tCode.code} (${tCode.time} minutes or more)` : ', below the time of the lowest level'}`);
    }
    explain('level', basis === 'time' ? `${code} is chosen by time: it is higher than the ${mdmCode} that MDM supports` : `${code} is chosen by MDM (${mdm.name})${time && tCode ? `; time supports ${tCode.code}, not higher` : ''}`);
  }

  // Why not one higher.
  const i = rank(cat, code);
  const up = cat.codes[i + 1];
  if (!up) notUp('highest-level', `${code} is the highest level of ${cat.label.toLowerCase()}`);
  else {
    if (up.mdm !== undefined && !cat.timeOnly) {
      const need = up.mdm;
      const short: string[] = [];
      const els: Array<[string, MdmElement, readonly string[]]> = [
        ['problems', mdm.problems, ELEMENT_LEVEL_NAMES.problems],
        ['data', mdm.data, ELEMENT_LEVEL_NAMES.data],
        ['risk', mdm.risk, ELEMENT_LEVEL_NAMES.risk],
      ];
      const met = els.filter(([, el]) => el.level >= need).map(([n]) => n);
      for (const [n, el, names] of els) if (el.level < need) short.push(`${n} ${names[el.level]} (needs ${names[need]})`);
      notUp('not-higher-mdm', `${up.code} needs ${MDM_LEVEL_NAMES[need]} MDM, two of three elements at ${MDM_LEVEL_NAMES[need]}: ${met.length ? `only ${met.join(' and ')} ${met.length === 1 ? 'meets' : 'meet'} it` : 'none meets it'}; short: ${short.join(', ')}`);
    }
    if (up.time !== undefined && !cat.mdmOnly) {
      notUp('not-higher-time', time ? `${up.code} by time needs ${up.time} minutes; ${time.minutes} are documented` : `${up.code} by time needs ${up.time} minutes; no total time is documented`);
    }
  }

  // Prolonged services beyond the highest office level.
  let prolonged: EmAnalysis['prolonged'];
  if (cat.prolonged && time && code === cat.codes[cat.codes.length - 1]!.code && basis === 'time') {
    const p = cat.prolonged;
    const medicare = opts.payer === 'medicare';
    const after = medicare ? p.medicareAfter : p.after;
    // Medicare counts G2212 from the end of the old time range plus 15 minutes (one unit at that minute); CPT counts 99417 per full 15 minutes beyond the level's time.
    const ucount = medicare ? (time.minutes >= after ? Math.floor((time.minutes - after) / p.per) + 1 : 0) : Math.max(0, Math.floor((time.minutes - after) / p.per));
    if (ucount > 0) prolonged = { code: medicare ? p.medicare : p.code, units: ucount, reason: medicare ? `${time.minutes} minutes reach ${after} minutes or more (Medicare: ${ucount} ${ucount === 1 ? 'unit' : 'units'} of ${p.per} minutes from there)` : `${time.minutes} minutes pass the ${after} minutes of ${code} by ${ucount} full ${p.per}-minute ${ucount === 1 ? 'unit' : 'units'}` };
  }
  if (cat.mdmOnly && totalTime(doc.text)) warnings.push('emergency department levels are chosen by MDM only; the documented time is not used');

  const confidence = basis === 'time' ? 0.9 : mdm.problems.findings.length === 0 ? 0.5 : 0.8;
  const out: EmAnalysis = { category: opts.category, categoryLabel: cat.label, code, basis, mdm, confidence, explanation, notHigher, rationale, warnings };
  if (mdmCode) out.mdmCode = mdmCode;
  if (time) out.time = tCode ? { ...time, code: tCode.code } : { ...time };
  if (prolonged) out.prolonged = prolonged;
  return out;
}

/** The E/M category from the setting and patient status. */
export function emCategory(setting: 'office' | 'emergency' | 'inpatient-initial' | 'inpatient-subsequent' | 'discharge', patient: 'new' | 'established' = 'established'): EmCategory {
  switch (setting) {
    case 'office':
      return patient === 'new' ? 'office-new' : 'office-established';
    case 'emergency':
      return 'emergency';
    case 'inpatient-initial':
      return 'hospital-initial';
    case 'inpatient-subsequent':
      return 'hospital-subsequent';
    case 'discharge':
      return 'hospital-discharge';
  }
}
