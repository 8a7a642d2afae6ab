import { ageOf } from '../document/age.js';
import { parseDocument, sectionAt, type ClinicalDocument, type ParseOptions } from '../document/document.js';
import type { SectionKind } from '../document/sections.js';
import type { MceTable } from '../edits/mce.js';
import { words as titleWordsOf } from '../encoder/tokenize.js';
import type { Icd10cmRelease } from '../icd10cm/release.js';
import { contextRules, type ContextCategory, type ContextRules, type ContextTrigger } from '../nlp/context.js';
import type { ConceptDictionary, ConceptMatch } from '../nlp/matcher.js';
import { canonicalWord, isStopWord, termOf } from '../nlp/normalize.js';
import { codeRefs, firstMatch, guidelineRules, hasPrefix, inRange, type GuidelineRules, type Side } from './rules.js';
import { confidenceCalibration, type ConfidenceCalibration } from './calibration.js';
import { rankedByRanker, rankerFeatures, rankerNote, suggestionRanker, type SuggestionRanker } from './ranker.js';
import { bothSidesCodes, refine, sideCode, type SpecificityContext } from './specificity.js';
import type { CodedDiagnosis, CodingSetting, DiagnosisCoding, Evidence, Rationale, Suppression } from './types.js';

/** The Medicare Code Editor's age lists the coder checks (maternity codes follow the pregnancy rules). */
const AGE_LISTS = ['newborn', 'pediatric', 'adult'] as const;

/**
 * The diagnosis coder: a note in, ICD-10-CM codes out, each with the words
 * that support it, the index path or rule that chose it and a confidence.
 * One coder serves one release; it is synchronous and keeps no state between
 * notes, so the same note always gives the same answer.
 */

export interface CodeOptions extends ParseOptions {
  setting?: CodingSetting;
  /** Suggested codes below this confidence are left out (default: the ranker's threshold, data/coding/ranker.json, for the codes it scores; 0.3 for the others). */
  minConfidence?: number;
  /**
   * Learned confidences (default true): the suggestion ranker (data/coding/ranker.json) scores each
   * suggested code the note's words support; the codes only a guideline rule assigns (combination,
   * history and family-history codes, …) and the suppressed mentions are pulled toward each code's
   * observed precision (data/coding/calibration.json). False keeps the confidences of the match and the rules.
   */
  calibrate?: boolean;
  /** The note already parsed (parseDocument), so a caller that also codes procedures parses it once; the text argument is then ignored. */
  document?: ClinicalDocument;
}

/** Threshold of the codes the ranker does not score (and of every code with `calibrate: false`). */
const RULE_THRESHOLD = 0.3;

/** Base confidence of a match by where its key came from. */
const SOURCE_CONFIDENCE: Record<string, number> = {
  lexicon: 0.8,
  index: 0.72,
  neoplasm: 0.7,
  tabular: 0.64,
  inclusion: 0.64,
  eindex: 0.6,
};

const SOURCE_TEXT: Record<string, string> = {
  index: 'Alphabetic Index',
  neoplasm: 'Table of Neoplasms',
  tabular: 'Tabular List title',
  inclusion: 'Tabular List inclusion term',
  eindex: 'External Cause Index',
  lexicon: 'medcoder phrase lexicon',
  mined: 'phrase learned from coded notes',
};

const CONTEXT_TEXT: Record<ContextCategory, string> = {
  negated: 'negated',
  uncertain: 'uncertain',
  historical: 'history of',
  family: 'family history',
  hypothetical: 'hypothetical',
  other: 'about someone other than the patient',
};

const DIAGNOSIS_CUE = /\b(diagnosis of|diagnosed (with|as)|diagnosis was|final diagnosis|impression)\b[^.;]*$/i;

/** The text of a line before a mention: the line is the first item of a numbered list. */
const FIRST_ITEM = /^\s*(?:#\s*)?1\s*[.)-]\s+[^.;:]*$/;

/** Punctuation that ends the clause a side word is read in. */
const CLAUSE_MARKS = new Set([',', ';', ':', '.', '(', ')']);

const BLOOD_RELATIVES = new Set(['mother', 'father', 'brother', 'sister', 'sibling', 'siblings', 'aunt', 'uncle', 'grandmother', 'grandfather', 'cousin', 'son', 'daughter', 'parents', 'parent', 'maternal', 'paternal', 'twin', 'children', 'grandparents']);

interface Mention {
  code: string;
  confidence: number;
  evidence: Evidence;
  rationale: Rationale;
  contexts: ContextTrigger[];
  sectionContext?: ContextCategory;
}

interface Candidate {
  code: string;
  confidence: number;
  evidence: Evidence[];
  rationale: Rationale[];
  context: Set<ContextCategory>;
  suppression?: Suppression;
}

/**
 * A one-word match counts only when the note's word is the title's word (or
 * its plural): stems alone join words that name different things ("teeth" and
 * "teething", "faced" and "face").
 */
const surfaceMemo = new Map<string, boolean>();

function surfaceAgrees(norm: string, m: ConceptMatch): boolean {
  if (m.source === 'lexicon' || m.source === 'mined') return true;
  const key = `${m.label}\u0000${norm}`;
  let v = surfaceMemo.get(key);
  if (v === undefined) {
    v = surfaceAgreesUncached(norm, m);
    if (surfaceMemo.size < 100_000) surfaceMemo.set(key, v);
  }
  return v;
}

function surfaceAgreesUncached(norm: string, m: ConceptMatch): boolean {
  const head = m.label.split(' > ')[0]!.replace(/\([^)]*\)/g, ' ');
  const words = head.toLowerCase().split(/[^a-z0-9']+/).filter(Boolean);
  const last = m.label.split(' > ').pop()!.toLowerCase().split(/[^a-z0-9']+/).filter(Boolean);
  const variants = (w: string) => [w, `${w}s`, `${w}es`, w.replace(/y$/, 'ies'), w.replace(/um$/, 'a'), w.replace(/is$/, 'es'), w.replace(/a$/, 'ae')];
  const canon = termOf(norm);
  for (const w of [...words, ...last]) {
    if (variants(w).includes(norm) || variants(norm).includes(w)) return true;
    // Synonyms of the data file ("kidney" for "renal") agree through their canonical word, not through a shared stem.
    if (canonicalWord(w) === canonicalWord(norm) && canonicalWord(w) !== undefined) return true;
  }
  void canon;
  return false;
}

/**
 * The matching terms of one note, as marks over the dictionary's vocabulary
 * (a typed array reused from note to note): cheaper than a set of strings.
 */
class TermMarks {
  constructor(
    private readonly dictionary: ConceptDictionary,
    private readonly marks: Int32Array,
    private readonly stamp: number,
  ) {}
  mark(id: number): void {
    this.marks[id] = this.stamp;
  }
  has(term: string): boolean {
    const id = this.dictionary.idOf(term);
    return id !== undefined && this.marks[id] === this.stamp;
  }
  add(term: string): void {
    const id = this.dictionary.idOf(term);
    if (id !== undefined) this.marks[id] = this.stamp;
  }
}

export class DiagnosisCoder {
  private marks: Int32Array | undefined;
  private stamp = 0;
  readonly rules: GuidelineRules;
  readonly context: ContextRules;
  readonly calibration: ConfidenceCalibration;
  private rankerLoaded: SuggestionRanker | null | undefined;
  private readonly excludesMemo = new Map<string, ReturnType<typeof codeRefs>>();
  private readonly useAdditionalMemo = new Map<string, ReturnType<typeof codeRefs>>();
  private readonly manifestationMemo = new Map<string, { refs: ReturnType<typeof codeRefs> } | null>();
  private readonly bothSidesMemo = new Map<string, [string, string] | null>();
  private readonly sideMemo = new Map<string, string | null>();

  /**
   * `manifestations`: bare codes that are manifestation codes (the MCE list,
   * coding/manifestations.ts); titles with "in diseases classified elsewhere"
   * count as well.
   */
  constructor(
    readonly release: Icd10cmRelease,
    readonly dictionary: ConceptDictionary,
    readonly manifestations: ReadonlySet<string> = new Set(),
    /** The Medicare Code Editor in force: its age lists (newborn, pediatric, adult) against the patient's stated age. */
    readonly mce?: MceTable,
  ) {
    this.rules = guidelineRules();
    this.context = contextRules();
    this.calibration = confidenceCalibration();
  }

  /** The suggestion ranker (data/coding/ranker.json), read when first needed: coding with `calibrate: false` does not read it. */
  get ranker(): SuggestionRanker | undefined {
    if (this.rankerLoaded === undefined) this.rankerLoaded = suggestionRanker() ?? null;
    return this.rankerLoaded ?? undefined;
  }

  code(text: string | Uint8Array, opts: CodeOptions = {}): DiagnosisCoding {
    const setting = opts.setting ?? 'outpatient';
    const doc = opts.document ?? parseDocument(text, opts);
    const termIds = this.dictionary.termsOf(doc);
    const found = this.dictionary.match(doc, termIds);
    const matches = found.filter((m) => m.subsumedBy === undefined);
    // The matching term of each token, once per note (undefined for punctuation and stop words).
    // (Words outside the dictionary's vocabulary cannot tell codes apart, so the dictionary's term ids serve.)
    const vocab = this.dictionary.vocab;
    const tokenTerms: Array<string | string[] | undefined> = new Array(doc.tokens.length);
    const docTerms = this.newTermMarks();
    for (let i = 0; i < termIds.length; i++) {
      const x = termIds[i]!;
      if (typeof x === 'number') {
        if (x >= 0) {
          tokenTerms[i] = vocab[x]!;
          docTerms.mark(x);
        }
      } else {
        tokenTerms[i] = x.map((id) => vocab[id]!);
        for (const id of x) docTerms.mark(id);
      }
    }
    const pregnant = this.pregnancy(doc, docTerms);
    const sentenceTerms = new Map<number, Set<string>>();
    const triggersOf = new Map<number, ContextTrigger[]>();
    const mentions: Mention[] = [];
    for (const m of matches) {
      if (m.size === 1 && !surfaceAgrees(doc.tokens[m.tokens[0]!]!.norm, m)) continue;
      const sentence = doc.sentences[m.sentence]!;
      let near = sentenceTerms.get(m.sentence);
      if (!near) {
        near = new Set();
        for (let i = sentence.firstToken; i < sentence.endToken; i++) {
          const x = tokenTerms[i];
          if (typeof x === 'string') near.add(x);
          else if (x) for (const w of x) near.add(w);
        }
        sentenceTerms.set(m.sentence, near);
      }
      let triggers = triggersOf.get(m.sentence);
      if (!triggers) {
        triggers = this.context.triggersIn(doc, sentence.firstToken, sentence.endToken);
        triggersOf.set(m.sentence, triggers);
      }
      const governing = this.context.governing(doc, triggers, sentence.endToken, m.tokens);
      const section = doc.sections[sentence.section]!.kind;
      const ctx: SpecificityContext = { near, doc: docTerms };
      const sectionContext: ContextCategory | undefined = section === 'fh' ? 'family' : section === 'pmh' ? 'historical' : undefined;
      const evidence: Evidence = { start: m.start, end: m.end, text: doc.text.slice(m.start, m.end), section };
      const bothSides = this.saysBothSides(doc, m.tokens, sentence.firstToken);
      const side = this.sideBeside(doc, m.tokens, sentence.firstToken, sentence.endToken);
      for (const [code, manifest] of [[m.code, false], ...(m.manif ? [[m.manif, true] as const] : [])] as Array<[string, boolean]>) {
        const r = refine(this.release, code, ctx);
        if (!r) continue;
        const sided = side ? this.sideCodeOf(r.code, side.side, side.dominance) : undefined;
        if (sided && sided !== r.code) {
          r.code = sided;
          r.steps.push(`${sided}: ${this.title(sided)} ("${side!.word}" beside the mention; laterality, guideline I.B.13)`);
        }
        const rationale: Rationale = {
          kind: m.source,
          path: m.label,
          text: `${SOURCE_TEXT[m.source]}: ${m.label}${manifest ? ' (manifestation code printed in brackets)' : ''}${r.steps.length ? `; ${r.steps.join('; ')}` : ''}`,
        };
        const pair = bothSides || side?.side === 'bilateral' ? this.bothSides(r.code) : undefined;
        if (pair) {
          for (const c of pair) {
            const why: Rationale = { ...rationale, text: `${rationale.text}; both sides, and ${this.release.ref.label} has no bilateral code: ${pair.join(' and ')} (guideline I.B.13)` };
            mentions.push({ code: c, confidence: this.confidence(m, section), evidence, rationale: why, contexts: governing, ...(sectionContext ? { sectionContext } : {}) });
          }
          continue;
        }
        mentions.push({ code: r.code, confidence: this.confidence(m, section), evidence, rationale, contexts: governing, ...(sectionContext ? { sectionContext } : {}) });
      }
    }

    const suggested = new Map<string, Candidate>();
    const suppressed = new Map<string, Candidate>();
    const suggest = (code: string, confidence: number, evidence: Evidence[], rationale: Rationale[], context: ContextCategory[] = []) => {
      let c = suggested.get(code);
      if (!c) suggested.set(code, (c = { code, confidence: 0, evidence: [], rationale: [], context: new Set() }));
      c.confidence = 1 - (1 - c.confidence) * (1 - confidence);
      for (const e of evidence) if (!c.evidence.some((x) => x.start === e.start && x.end === e.end)) c.evidence.push(e);
      for (const r of rationale) if (!c.rationale.some((x) => x.text === r.text)) c.rationale.push(r);
      for (const x of context) c.context.add(x);
    };
    const suppress = (code: string, confidence: number, evidence: Evidence[], rationale: Rationale[], suppression: Suppression) => {
      const key = `${code} ${suppression.reason}`;
      let c = suppressed.get(key);
      if (!c) suppressed.set(key, (c = { code, confidence, evidence: [], rationale: [], context: new Set(), suppression }));
      c.confidence = Math.max(c.confidence, confidence);
      for (const e of evidence) if (!c.evidence.some((x) => x.start === e.start)) c.evidence.push(e);
      for (const r of rationale) if (!c.rationale.some((x) => x.text === r.text)) c.rationale.push(r);
    };

    // Words that name a chronic condition stay current even as history: they give no personal-history code
    // through another, non-chronic reading of the same words ("COPD" as a lung disorder too).
    const chronicAt = new Set<number>();
    for (const m of mentions) if (hasPrefix(m.code, this.rules.chronic)) chronicAt.add(m.evidence.start);

    for (const m of mentions) {
      const cats = m.contexts.map((t) => t.category);
      const first = (c: ContextCategory) => m.contexts.find((t) => t.category === c);
      const fromTrigger = (t: ContextTrigger, why: string): Suppression => ({ reason: t.category, trigger: t.text, start: t.start, end: t.end, text: why });
      // A blood relative's condition is family history, not someone else's diagnosis.
      const relative = first('other');
      const familyByRelative = relative !== undefined && BLOOD_RELATIVES.has(relative.text.toLowerCase());
      const blocking = (['negated', 'hypothetical', 'other'] as const).find((c) => cats.includes(c) && !(c === 'other' && familyByRelative));
      if (blocking) {
        const t = first(blocking)!;
        suppress(m.code, m.confidence, [m.evidence], [m.rationale], fromTrigger(t, `${CONTEXT_TEXT[blocking]} ("${t.text}")`));
        continue;
      }
      const family = cats.includes('family') || familyByRelative || (m.sectionContext === 'family' && !cats.length);
      const historical = cats.includes('historical') || (m.sectionContext === 'historical' && !cats.length);
      // "Family history of …", "history of tobacco dependence": a history code says what the words mean.
      if ((family || historical) && hasPrefix(m.code, this.rules.historyCodes)) {
        suggest(m.code, m.confidence, [m.evidence], [m.rationale, { kind: 'rule', rule: 'history-code', text: `${m.code} is itself a history code: written as history, it is coded (guideline I.C.21.c.4)` }], [family ? 'family' : 'historical']);
        continue;
      }
      if (family) {
        const t = first('family') ?? relative;
        const why = t ? `family history ("${t.text}")` : 'listed under family history';
        const z = firstMatch(m.code, this.rules.familyHistory);
        const zr = z ? refine(this.release, z, { near: new Set(), doc: docTerms }) : undefined;
        if (zr) suggest(zr.code, m.confidence * 0.9, [m.evidence], [{ kind: 'rule', rule: 'family-history', text: `Family history of ${this.title(m.code)} (${m.code}): family history code ${zr.code} (guideline I.C.21.c.4)` }], ['family']);
        suppress(m.code, m.confidence, [m.evidence], [m.rationale], t ? { ...fromTrigger(t, why), reason: 'family' } : { reason: 'family', text: why });
        continue;
      }
      if (historical) {
        const t = first('historical');
        if (hasPrefix(m.code, this.rules.chronic)) {
          suggest(m.code, m.confidence * 0.95, [m.evidence], [m.rationale, { kind: 'rule', rule: 'chronic-condition', text: 'A chronic condition written as history is still current and is coded' }], ['historical']);
          continue;
        }
        const why = t ? `history of ("${t.text}")` : 'listed under past medical history';
        const z = m.code.startsWith('Z') || chronicAt.has(m.evidence.start) ? undefined : firstMatch(m.code, this.rules.personalHistory);
        const zr = z ? refine(this.release, z, { near: new Set(), doc: docTerms }) : undefined;
        if (zr) suggest(zr.code, m.confidence * 0.85, [m.evidence], [{ kind: 'rule', rule: 'personal-history', text: `History of ${this.title(m.code)} (${m.code}), no longer present: personal history code ${zr.code} (guideline I.C.21.c.4)` }], ['historical']);
        suppress(m.code, m.confidence, [m.evidence], [m.rationale], t ? fromTrigger(t, why) : { reason: 'historical', text: why });
        continue;
      }
      if (cats.includes('uncertain')) {
        const t = first('uncertain')!;
        if (setting === 'outpatient') {
          suppress(m.code, m.confidence, [m.evidence], [m.rationale], fromTrigger(t, `uncertain ("${t.text}"): in an outpatient setting an uncertain diagnosis is not coded; code the signs and symptoms (guideline IV.H)`));
          continue;
        }
        suggest(m.code, m.confidence * 0.9, [m.evidence], [m.rationale, { kind: 'rule', rule: 'uncertain-inpatient', text: `Uncertain ("${t.text}"): coded as if established in an inpatient setting (guideline II.H)` }], ['uncertain']);
        continue;
      }
      suggest(m.code, m.confidence, [m.evidence], [m.rationale]);
    }

    const drop = (code: string, s: Suppression) => {
      const c = suggested.get(code);
      if (!c) return;
      suggested.delete(code);
      suppress(code, c.confidence, c.evidence, c.rationale, s);
    };

    // Pregnancy chapter precedence.
    if (pregnant) this.applyPregnancy(suggested, suggest, drop, docTerms, pregnant);
    else this.dropMaternalCodes(doc, suggested, drop);
    this.dropAgeConflicts(doc, suggested, drop);
    // Combination codes.
    this.applyCombinations(suggested, suggest, drop, docTerms);
    // Signs and symptoms integral to a confirmed diagnosis.
    for (const r of this.rules.integral) {
      const dx = [...suggested.keys()].find((c) => hasPrefix(c, r.with));
      if (!dx) continue;
      for (const c of [...suggested.keys()]) {
        if (hasPrefix(c, r.symptoms)) drop(c, { reason: 'integral-symptom', trigger: dx, text: `integral to ${dx} ${this.title(dx)}: signs and symptoms routinely part of a confirmed diagnosis are not coded (guideline I.B.5; rule ${r.id})` });
      }
    }
    // Unspecified codes beside the code that specifies them.
    for (const r of this.rules.redundant) {
      for (const c of [...suggested.keys()]) {
        if (!hasPrefix(c, r.drop)) continue;
        const by = [...suggested.keys()].find((o) => o !== c && !hasPrefix(o, r.drop) && hasPrefix(o, r.when));
        if (by) drop(c, { reason: 'redundant', trigger: by, text: `${by} ${this.title(by)} states what ${c} leaves unspecified (rule ${r.id})` });
      }
    }
    // A sibling that leaves the category unspecified ("without complications", "unspecified") beside one that states it.
    const beforeSiblings = [...suggested.keys()];
    for (const c of beforeSiblings) {
      const title = this.title(c);
      if (!this.rules.unspecifiedTitle.test(title)) continue;
      // split() cuts at every match of the (non-global) pattern.
      const rest = titleWordsOf(title.split(this.rules.unspecifiedTitle).join(' '));
      const by = beforeSiblings.find((o) => {
        if (o === c || !suggested.has(o) || o.slice(0, 3) !== c.slice(0, 3) || this.rules.unspecifiedTitle.test(this.title(o))) return false;
        const stated = new Set(titleWordsOf(this.title(o)));
        return rest.every((w) => stated.has(w));
      });
      if (by) drop(c, { reason: 'redundant', trigger: by, text: `${by} ${this.title(by)} states what ${c} ${this.title(c)} leaves unspecified (rule sibling-unspecified)` });
    }
    // Excludes1: the two conditions cannot be coded together; the more specific stays.
    const codes = [...suggested.keys()].sort();
    for (const a of codes) {
      if (!suggested.has(a)) continue;
      for (const b of codes) {
        if (a === b || !suggested.has(b) || !suggested.has(a)) continue;
        if (!this.excludes1(a).some((r) => inRange(b, r))) continue;
        // A sign or symptom yields to the definitive diagnosis it is excluded with (guideline I.B.5).
        const symptom = a.startsWith('R') !== b.startsWith('R') ? (a.startsWith('R') ? a : b) : undefined;
        if (symptom) {
          const dx = symptom === a ? b : a;
          drop(symptom, { reason: 'excludes1', trigger: dx, text: `Excludes1 at ${a}: the sign or symptom ${symptom} is not coded with the diagnosis ${dx} ${this.title(dx)}` });
          continue;
        }
        // The note at a says the condition b names is not coded to a: b stays. When the notes exclude each other, the more specific code stays.
        if (!this.excludes1(b).some((r) => inRange(a, r))) {
          drop(a, { reason: 'excludes1', trigger: b, text: `Excludes1 at ${a}: ${b} ${this.title(b)} is coded instead` });
          continue;
        }
        const ca = suggested.get(a)!;
        const cb = suggested.get(b)!;
        const la = a.replace('.', '').length;
        const lb = b.replace('.', '').length;
        const loser = la !== lb ? (la > lb ? b : a) : ca.confidence >= cb.confidence ? b : a;
        const winner = loser === a ? b : a;
        drop(loser, { reason: 'excludes1', trigger: winner, text: `Excludes1 at ${a} and at ${b}: not coded with ${winner} ${this.title(winner)}, the more specific condition` });
      }
    }
    // External causes go with an injury or poisoning.
    const ext = this.rules.externalCause;
    const injured = [...suggested.keys()].some((c) => hasPrefix(c, ext.injuryPrefixes));
    if (!injured) {
      for (const c of [...suggested.keys()]) if (hasPrefix(c, ext.externalPrefixes)) drop(c, { reason: 'no-injury', text: 'an external cause code accompanies an injury or poisoning; none is coded (guideline I.C.20)' });
    }
    // Manifestation codes need their underlying condition.
    for (const c of [...suggested.keys()]) {
      const refs = this.manifestation(c)?.refs;
      if (!refs?.length) continue;
      if ([...suggested.keys()].some((o) => o !== c && refs.some((r) => inRange(o, r)))) continue;
      // "Anemia in chronic kidney disease": the manifestation's own words can name its underlying condition.
      const named = this.etiologyWithin(suggested.get(c)!, refs, found, doc, sentenceTerms, docTerms);
      if (named) {
        suggest(named.code, named.confidence, named.evidence, named.rationale);
        continue;
      }
      drop(c, { reason: 'manifestation-without-etiology', text: `${c} is a manifestation code: it is coded only after its underlying condition, which the note does not give (guideline I.A.13)` });
    }

    // The guideline sequencing reads the confidences the rules gave; the threshold and the ranking, the learned ones:
    // the ranker scores the codes the note's words support, the calibration the codes the guideline rules assign.
    const ruleConfidence = new Map<string, number>();
    const learned = opts.calibrate !== false;
    const ranked = new Set<Candidate>();
    // A code left out beside a sibling that states more stands again when that sibling falls under the threshold:
    // it is scored with the suggested codes and kept apart until then.
    const standIns: Candidate[] = [];
    // The same for a code that gave way to another under Excludes1 (colic to a renal colic the note hardly supports).
    for (const c of suppressed.values()) if ((c.suppression?.reason === 'redundant' || c.suppression?.reason === 'excludes1') && c.suppression.trigger && !suggested.has(c.code)) standIns.push({ ...c, context: new Set(c.context) });
    if (learned) {
      const ranker = this.ranker;
      const note = ranker ? rankerNote(doc.text, [...suggested.values()]) : undefined;
      // A code the tabular asks for beside another suggested code ("use additional code … insulin (Z79.4)") is the
      // tabular's rule, not the ranker's call: it keeps the calibrated rule confidence.
      const asked = this.askedByOthers([...suggested.keys()]);
      for (const c of [...suggested.values(), ...standIns]) {
        ruleConfidence.set(c.code, c.confidence);
        if (ranker && note && rankedByRanker(c.rationale) && !asked.has(c.code)) {
          const x = rankerFeatures({ code: c.code, confidence: c.confidence, title: this.title(c.code), evidence: c.evidence, rationale: c.rationale, context: [...c.context] }, note, this.calibration);
          c.confidence = ranker.score(x);
          ranked.add(c);
        } else c.confidence = this.calibration.adjust(c.code, c.confidence);
      }
      for (const c of suppressed.values()) c.confidence = this.calibration.adjust(c.code, c.confidence);
    }
    const threshold = (c: Candidate) => opts.minConfidence ?? (ranked.has(c) ? this.ranker!.threshold : RULE_THRESHOLD);
    const out: CodedDiagnosis[] = [];
    const lowConfidence: CodedDiagnosis[] = [];
    for (const c of suggested.values()) {
      const min = threshold(c);
      if (c.confidence < min) {
        const o = this.toOutput(c, 'suppressed');
        o.suppression = { reason: 'low-confidence', text: `confidence ${c.confidence.toFixed(2)} is below the suggestion threshold ${min.toFixed(2)}` };
        lowConfidence.push(o);
        continue;
      }
      out.push(this.toOutput(c, 'suggested'));
    }
    const restored = this.restoreStandIns(standIns, out, lowConfidence, threshold);
    // The injury or poisoning an external cause went with may have fallen under the threshold: the cause goes with it.
    if (!out.some((o) => hasPrefix(o.code, ext.injuryPrefixes))) {
      for (let i = out.length - 1; i >= 0; i--) {
        if (!hasPrefix(out[i]!.code, ext.externalPrefixes)) continue;
        const [o] = out.splice(i, 1);
        lowConfidence.push({ ...o!, status: 'suppressed', suppression: { reason: 'no-injury', text: 'an external cause code accompanies an injury or poisoning; the one found is under the suggestion threshold (guideline I.C.20)' } });
      }
    }
    this.sequence(out, setting, pregnant !== undefined, doc.text, ruleConfidence);
    const sup: CodedDiagnosis[] = [];
    for (const c of suppressed.values()) if (!suggested.has(c.code) && !restored.has(c.code)) sup.push(this.toOutput(c, 'suppressed'));
    sup.push(...lowConfidence);
    sup.sort((a, b) => (a.evidence[0]?.start ?? 0) - (b.evidence[0]?.start ?? 0) || a.code.localeCompare(b.code));
    return { system: 'icd10cm', setting, release: this.release.ref, codes: out, suppressed: sup, warnings: [] };
  }

  /**
   * Codes dropped as redundant beside a code that states more, put back among
   * the suggestions when that code fell under the suggestion threshold: the
   * unspecified code is what the note then supports. A stand-in must clear the
   * threshold itself and have no Excludes1 conflict with a suggested code.
   * Returns the codes put back.
   */
  private restoreStandIns(standIns: readonly Candidate[], out: CodedDiagnosis[], lowConfidence: readonly CodedDiagnosis[], threshold: (c: Candidate) => number): Set<string> {
    const restored = new Set<string>();
    if (!standIns.length || !lowConfidence.length) return restored;
    const low = new Set(lowConfidence.map((o) => o.code));
    for (const c of standIns) {
      const by = c.suppression!.trigger!;
      if (!low.has(by) || restored.has(c.code) || c.confidence < threshold(c)) continue;
      if (out.some((o) => o.code === c.code || this.excludes1(c.code).some((r) => inRange(o.code, r)) || this.excludes1(o.code).some((r) => inRange(c.code, r)))) continue;
      const { suppression: _, ...kept } = c;
      const why = c.suppression!.reason === 'excludes1' ? `which ${c.code} gave way to under Excludes1` : 'which would state more';
      kept.rationale = [...c.rationale, { kind: 'rule', rule: 'stand-in', text: `${by} ${this.title(by)}, ${why}, is under the suggestion threshold: ${c.code} is coded instead` }];
      out.push(this.toOutput(kept, 'suggested'));
      restored.add(c.code);
    }
    return restored;
  }

  /**
   * The underlying condition a manifestation's own words name: a shorter
   * match inside its evidence (hidden by the longer one) whose code is one
   * its code-first note asks for.
   */
  private etiologyWithin(
    c: Candidate,
    refs: ReturnType<typeof codeRefs>,
    found: readonly ConceptMatch[],
    doc: ClinicalDocument,
    sentenceTerms: ReadonlyMap<number, Set<string>>,
    docTerms: TermMarks,
  ): { code: string; confidence: number; evidence: Evidence[]; rationale: Rationale[] } | undefined {
    for (const m of found) {
      if (m.subsumedBy === undefined) continue;
      const e = c.evidence.find((x) => x.start <= m.start && m.end <= x.end);
      if (!e) continue;
      const r = refine(this.release, m.code, { near: sentenceTerms.get(m.sentence) ?? new Set(), doc: docTerms });
      if (!r || !refs.some((x) => inRange(r.code, x))) continue;
      return {
        code: r.code,
        confidence: c.confidence * 0.95,
        evidence: [{ start: m.start, end: m.end, text: doc.text.slice(m.start, m.end), section: e.section }],
        rationale: [{ kind: 'rule', rule: 'manifestation-etiology', text: `${c.code} ${this.title(c.code)} names its underlying condition: ${r.code} ${this.title(r.code)}, sequenced before it (code-first note, guideline I.A.13)` }],
      };
    }
    return undefined;
  }

  /** "Both" or "bilateral" inside the mention or just before it. */
  private saysBothSides(doc: ClinicalDocument, tokens: readonly number[], sentenceStart: number): boolean {
    // A match's tokens are ascending (ConceptMatch.tokens).
    const first = tokens[0]!;
    const last = tokens[tokens.length - 1]!;
    for (let i = Math.max(sentenceStart, first - 2); i <= last; i++) {
      const w = doc.tokens[i]!.norm;
      if (w === 'both' || w === 'bilateral' || w === 'bilaterally') return true;
    }
    return false;
  }

  /**
   * The side a side word just beside a mention gives it (rules.json
   * "laterality"): read a few tokens before and after the mention and inside
   * it, not past a clause mark or a word that joins another item ("both
   * eyelids and right ptosis"; the side word just after the joining word is
   * read, so "right and left" gives both sides). Undefined when no side word
   * is there or the words disagree.
   */
  private sideBeside(doc: ClinicalDocument, tokens: readonly number[], sentenceStart: number, sentenceEnd: number): { side: Side; word: string; dominance?: string } | undefined {
    const lat = this.rules.laterality;
    const found = new Map<Side, string>();
    let dominance: string | undefined;
    const sideOf = (norm: string) => (['bilateral', 'right', 'left'] as const).find((side) => lat.words[side].includes(norm));
    // Whether to read on; a word counts towards the window, other punctuation ("left-sided") does not.
    let words = 0;
    const look = (i: number): boolean => {
      const t = doc.tokens[i]!;
      if (t.kind === 'punct') return !CLAUSE_MARKS.has(t.text);
      if (lat.stops.includes(t.norm)) {
        // "right and left": the side after the joining word is read too.
        const next = doc.tokens[i + 1];
        const other = next && i + 1 < sentenceEnd ? sideOf(next.norm) : undefined;
        if (other && !found.has(other)) found.set(other, next!.text);
        return false;
      }
      const side = sideOf(t.norm);
      if (side && !found.has(side)) found.set(side, t.text);
      // "nondominant", "non-dominant", "dominant".
      if (t.norm === 'nondominant' || (t.norm === 'dominant' && doc.tokens.slice(Math.max(0, i - 2), i).some((x) => x.norm === 'non'))) dominance = 'nondominant';
      else if (t.norm === 'dominant') dominance ??= 'dominant';
      return ++words < limit;
    };
    let limit = lat.window.before;
    // A match's tokens are ascending (ConceptMatch.tokens).
    for (let i = tokens[0]! - 1; i >= sentenceStart && limit > 0 && look(i); i--);
    limit = Infinity;
    for (let i = tokens[0]!; i <= tokens[tokens.length - 1]!; i++) look(i);
    words = 0;
    limit = lat.window.after;
    for (let i = tokens[tokens.length - 1]! + 1; i < sentenceEnd && limit > 0 && look(i); i++);
    if (found.size === 1) {
      const [side, word] = [...found][0]!;
      return { side, word, ...(dominance ? { dominance } : {}) };
    }
    // "Right and left" is both sides; a side beside "both" is another finding's.
    if (found.size === 2 && found.has('right') && found.has('left')) return { side: 'bilateral', word: `${found.get('right')} and ${found.get('left')}` };
    return undefined;
  }

  /** The code of the same family for a side and dominance (memoised; undefined when the family has none). */
  private sideCodeOf(code: string, side: Side, dominance?: string): string | undefined {
    const key = `${code} ${side} ${dominance ?? ''}`;
    let v = this.sideMemo.get(key);
    if (v === undefined) {
      v = sideCode(this.release, code, side, dominance) ?? null;
      this.sideMemo.set(key, v);
    }
    return v ?? undefined;
  }

  /** The right and left codes standing for the unspecified-side code on both sides (memoised). */
  private bothSides(code: string): [string, string] | undefined {
    let v = this.bothSidesMemo.get(code);
    if (v === undefined) {
      v = bothSidesCodes(this.release, code) ?? null;
      this.bothSidesMemo.set(code, v);
    }
    return v ?? undefined;
  }

  private newTermMarks(): TermMarks {
    this.marks ??= new Int32Array(this.dictionary.vocab.length);
    if (++this.stamp === 0x7fffffff) {
      this.marks.fill(0);
      this.stamp = 1;
    }
    return new TermMarks(this.dictionary, this.marks, this.stamp);
  }

  private title(code: string): string {
    return this.release.node(code)?.t ?? code;
  }

  private toOutput(c: Candidate, status: 'suggested' | 'suppressed'): CodedDiagnosis {
    // A span inside a longer span of the same code ("insulin" in "long term use of insulin") shows nothing more: the longer one is kept.
    const evidence = c.evidence
      .filter((e) => !c.evidence.some((x) => x !== e && x.start <= e.start && e.end <= x.end && x.end - x.start > e.end - e.start))
      .sort((a, b) => a.start - b.start || a.end - b.end);
    return {
      code: c.code,
      title: this.title(c.code),
      confidence: Math.round(Math.min(0.99, c.confidence) * 1000) / 1000,
      status,
      evidence,
      rationale: c.rationale,
      ...(c.suppression ? { suppression: c.suppression } : {}),
      ...(c.context.size ? { context: [...c.context].sort() } : {}),
    };
  }

  /** Confidence of one mention from its match. */
  private confidence(m: ConceptMatch, section: SectionKind): number {
    let c: number;
    if (m.source === 'mined') c = 0.2 + 0.75 * m.precision;
    else c = (SOURCE_CONFIDENCE[m.source] ?? 0.6) + (m.contiguous ? 0.08 : -0.08) + Math.min(0.12, 0.03 * (m.size - 1));
    if (section === 'diagnoses' || section === 'assessment') c += 0.05;
    return Math.max(0.05, Math.min(0.97, c));
  }

  /** Weeks of gestation, with the words that state them, when the note is about a pregnant patient. */
  private pregnancy(doc: ClinicalDocument, terms: TermMarks): { weeks?: number; stated?: Evidence } | undefined {
    const markers = this.rules.pregnancy.markers.map(termOf);
    if (!markers.some((m) => terms.has(m))) return undefined;
    // A note that only says "not pregnant" / "pregnancy test negative" is not about a pregnancy.
    if (/\b(not pregnant|no pregnancy|pregnancy test (was )?negative|negative pregnancy test)\b/i.test(doc.text) && !/\b(weeks? of (gestation|pregnancy)|trimester|gestational age)\b/i.test(doc.text)) return undefined;
    // A child's or an older patient's note speaks of a birth or of pregnancies past, not of the patient's own pregnancy.
    if (this.outsideMaternalAges(doc) !== undefined) return undefined;
    if (!this.assertedMarker(doc, new Set(markers))) return undefined;
    const m = /\b(\d{1,2})(?:\s*\+\s*\d)?\s*(?:weeks?|wks?)\b(?:[^.\n]{0,25}?\b(?:gestation|pregnan|amenorrh))/i.exec(doc.text) ?? /\bgestational age (?:of )?(\d{1,2})\s*(?:weeks?|wks?)/i.exec(doc.text);
    const weeks = m ? Number(m[1]) : undefined;
    const trimester = weeks === undefined ? /\b(first|second|third) trimester\b/i.exec(doc.text)?.[1]?.toLowerCase() : weeks < 14 ? 'first' : weeks < 28 ? 'second' : 'third';
    if (trimester) {
      terms.add(termOf(trimester));
      terms.add(termOf('trimester'));
    }
    if (!m || weeks === undefined || weeks <= 0 || weeks >= 45) return {};
    return { weeks, stated: { start: m.index, end: m.index + m[0].length, text: m[0], section: sectionAt(doc, m.index).kind } };
  }

  /**
   * A child's or an older patient's note is not a maternal record: chapter 15 codes are not the patient's
   * ("pregnancy and delivery were normal" is a child's birth history; guideline I.C.15.a.1).
   */
  private dropMaternalCodes(doc: ClinicalDocument, suggested: Map<string, Candidate>, drop: (code: string, s: Suppression) => void): void {
    const maternal = [...suggested.keys()].filter((code) => hasPrefix(code, this.rules.pregnancy.ages.codes));
    if (maternal.length === 0) return;
    const age = this.outsideMaternalAges(doc);
    if (age === undefined) return;
    for (const code of maternal) {
      drop(code, { reason: 'pregnancy', text: `the patient is ${age} years old: a chapter 15 code belongs to a maternal record only (guideline I.C.15.a.1)` });
    }
  }

  /**
   * A code the Medicare Code Editor gives to other ages than the patient's stated age is not the patient's:
   * a newborn code for a grown patient, an adult one for a child (the MCE age conflict edits). Maternity codes
   * are the pregnancy rules' (dropMaternalCodes), with the ages of rules.json.
   */
  private dropAgeConflicts(doc: ClinicalDocument, suggested: Map<string, Candidate>, drop: (code: string, s: Suppression) => void): void {
    const mce = this.mce;
    if (!mce || suggested.size === 0) return;
    let age: number | undefined | null = null;
    for (const code of [...suggested.keys()]) {
      const bare = code.replace('.', '');
      for (const list of AGE_LISTS) {
        if (!mce.has(list, bare)) continue;
        if (age === null) age = ageOf(doc.text);
        if (age === undefined) return;
        const { min, max } = mce.ages[list];
        if (age >= min && age <= max) continue;
        drop(code, { reason: 'age', text: `the patient is ${age === 0 ? 'under a year' : `${age} years`} old: ${code} is on the ${mce.label} ${list} list (ages ${min} to ${max})` });
        break;
      }
    }
  }

  /** The patient's stated age when it is outside the ages of a maternal record (rules.json pregnancy.ages). */
  private outsideMaternalAges(doc: ClinicalDocument): number | undefined {
    const age = ageOf(doc.text);
    const { min, max } = this.rules.pregnancy.ages;
    return age !== undefined && (age < min || age > max) ? age : undefined;
  }

  /** Some pregnancy marker of the note is stated as the patient's present condition: not negated, hypothetical, past, a relative's or someone else's. */
  private assertedMarker(doc: ClinicalDocument, markers: ReadonlySet<string>): boolean {
    for (const s of doc.sentences) {
      const section = doc.sections[s.section]!.kind;
      if (section === 'fh' || section === 'pmh') continue;
      let triggers: ContextTrigger[] | undefined;
      for (let i = s.firstToken; i < s.endToken; i++) {
        const t = doc.tokens[i]!;
        if (t.kind === 'punct' || !markers.has(termOf(t.norm))) continue;
        triggers ??= this.context.triggersIn(doc, s.firstToken, s.endToken);
        if (this.context.governing(doc, triggers, s.endToken, [i]).length === 0) return true;
      }
    }
    return false;
  }

  private applyPregnancy(
    suggested: Map<string, Candidate>,
    suggest: (code: string, confidence: number, evidence: Evidence[], rationale: Rationale[], context?: ContextCategory[]) => void,
    drop: (code: string, s: Suppression) => void,
    docTerms: TermMarks,
    pregnant: { weeks?: number; stated?: Evidence },
  ): void {
    for (const c of [...suggested.values()]) {
      if (c.code.startsWith('O') || c.code.startsWith('Z3')) continue;
      const rule = this.rules.pregnancy.map.find((r) => c.code.startsWith(r.prefix));
      if (!rule) continue;
      const r = refine(this.release, rule.code, { near: docTerms, doc: docTerms });
      if (!r) continue;
      suggest(r.code, c.confidence, c.evidence, [{ kind: 'rule', rule: 'pregnancy-precedence', text: `${this.title(c.code)} (${c.code}) in a pregnant patient: chapter 15 code ${r.code}, sequenced first (guideline I.C.15.a)${rule.keep ? `, with ${c.code} as an additional code` : ''}` }]);
      if (!rule.keep) drop(c.code, { reason: 'pregnancy', trigger: r.code, text: `replaced by the pregnancy code ${r.code} (guideline I.C.15.a)` });
    }
    if (pregnant.weeks !== undefined && pregnant.stated) {
      const w = pregnant.weeks;
      const z = w < 8 ? 'Z3A.01' : w > 42 ? 'Z3A.49' : `Z3A.${String(w).padStart(2, '0')}`;
      if (this.release.node(z)?.b && [...suggested.keys()].some((c) => c.startsWith('O'))) {
        suggest(z, 0.8, [pregnant.stated], [{ kind: 'rule', rule: 'weeks-of-gestation', text: `${w} weeks of gestation written in the note: ${z} accompanies the pregnancy codes (guideline I.C.21.c.11)` }]);
      }
    }
  }

  private applyCombinations(
    suggested: Map<string, Candidate>,
    suggest: (code: string, confidence: number, evidence: Evidence[], rationale: Rationale[], context?: ContextCategory[]) => void,
    drop: (code: string, s: Suppression) => void,
    docTerms: TermMarks,
  ): void {
    const consumed = new Set<string>();
    for (const rule of this.rules.combinations) {
      for (const base of [...suggested.values()]) {
        if (consumed.has(base.code) || !suggested.has(base.code)) continue;
        const prefix = rule.base.find((p) => base.code === p || base.code === `${p}.9` || (base.code.startsWith(p) && (base.code.endsWith('.9') || rule.anyBase === true)));
        if (!prefix) continue;
        const partners: Candidate[] = [];
        let ok = true;
        for (const group of rule.with) {
          const found = [...suggested.values()].find((c) => c.code !== base.code && hasPrefix(c.code, group));
          if (!found) {
            ok = false;
            break;
          }
          partners.push(found);
        }
        if (!ok) continue;
        const target = rule.result.replace('{base}', base.code.slice(0, 3));
        const r = refine(this.release, target, { near: docTerms, doc: docTerms });
        if (!r) continue;
        const conf = Math.min(base.confidence, ...partners.map((p) => p.confidence));
        const names = partners.map((p) => `${p.code} ${this.title(p.code)}`).join(' and ');
        suggest(r.code, conf, [...base.evidence, ...partners.flatMap((p) => p.evidence)], [{ kind: 'rule', rule: rule.id, text: `${base.code} ${this.title(base.code)} with ${names}: ${rule.text}` }]);
        consumed.add(r.code);
        if (r.code !== base.code) drop(base.code, { reason: 'combined', trigger: r.code, text: `combined into ${r.code} (rule ${rule.id})` });
        if (!rule.keepWith) for (const p of partners) drop(p.code, { reason: 'combined', trigger: r.code, text: `combined into ${r.code} (rule ${rule.id})` });
      }
    }
  }

  /**
   * The codes of a note's suggestions that another of its suggestions asks for
   * in a use-additional-code note: they keep the calibrated rule confidence
   * instead of the ranker's score (scripts/train-ranker.mjs reads this too).
   */
  askedByOthers(codes: readonly string[]): Set<string> {
    const asking = codes.map((o) => [o, this.useAdditional(o)] as const);
    return new Set(codes.filter((code) => asking.some(([o, refs]) => o !== code && refs.some((r) => inRange(code, r)))));
  }

  /** The codes a code's use-additional-code notes (own and inherited) ask for. */
  private useAdditional(code: string) {
    return this.noteRefs(code, 'useAdditionalCode', this.useAdditionalMemo);
  }

  /** The codes a code's Excludes1 notes (own and inherited) name. */
  private excludes1(code: string) {
    return this.noteRefs(code, 'excludes1', this.excludesMemo);
  }

  private noteRefs(code: string, kind: string, memo: Map<string, ReturnType<typeof codeRefs>>) {
    let refs = memo.get(code);
    if (!refs) {
      const notes = this.release.lookup(code)?.notes ?? [];
      refs = notes.filter((n) => n.kind === kind).flatMap((n) => codeRefs(n.text));
      memo.set(code, refs);
    }
    return refs;
  }

  /**
   * A manifestation code, with the code-first references of its tabular notes
   * (own and inherited); null for other codes. A manifestation is on the MCE
   * list or titled "in diseases classified elsewhere".
   */
  private manifestation(code: string): { refs: ReturnType<typeof codeRefs> } | null {
    let m = this.manifestationMemo.get(code);
    if (m === undefined) {
      m = null;
      const d = this.release.lookup(code);
      const elsewhere = /in diseases classified elsewhere/i;
      if (d && (this.manifestations.has(code.replace('.', '')) || elsewhere.test(d.title) || d.ancestors?.some((a) => elsewhere.test(a.title)))) {
        m = { refs: (d.notes ?? []).filter((n) => n.kind === 'codeFirst').flatMap((n) => codeRefs(n.text)) };
      }
      this.manifestationMemo.set(code, m);
    }
    return m;
  }

  /** First-listed (outpatient) or principal (inpatient) diagnosis first, then by confidence. */
  private sequence(out: CodedDiagnosis[], setting: CodingSetting, pregnant: boolean, text: string, ruleConfidence: ReadonlyMap<string, number>): void {
    const priority = (c: CodedDiagnosis): number => {
      if (hasPrefix(c.code, this.rules.notPrincipal)) return -1;
      // Above the bar of -0.5 below which nothing leads, below any other code.
      if (hasPrefix(c.code, this.rules.lastResort)) return -0.4;
      let p = rule(c);
      if (pregnant && c.code.startsWith('O')) p += 1;
      if (c.evidence.some((e) => e.section === 'diagnoses' || e.section === 'assessment' || e.section === 'chief_complaint')) p += 0.15;
      if (!c.code.startsWith('R')) p += 0.1;
      // "The diagnosis of …", "diagnosed with …": the note names its diagnosis.
      if (c.evidence.some((e) => DIAGNOSIS_CUE.test(text.slice(Math.max(0, e.start - 60), e.start)))) p += 0.3;
      // The first problem of a numbered assessment or diagnosis list ("1. Acute on chronic … heart failure") is the one the note puts first.
      if (c.evidence.some((e) => (e.section === 'assessment' || e.section === 'diagnoses') && FIRST_ITEM.test(text.slice(text.lastIndexOf('\n', e.start - 1) + 1, e.start)))) p += 0.3;
      return p;
    };
    const rule = (c: CodedDiagnosis) => ruleConfidence.get(c.code) ?? c.confidence;
    // Ties of priority go to the code the rules were surest of (the order before calibration).
    const byRule = [...out].sort((a, b) => rule(b) - rule(a) || a.code.localeCompare(b.code));
    out.sort((a, b) => b.confidence - a.confidence || a.code.localeCompare(b.code));
    const priorities = new Map(out.map((c) => [c.code, priority(c)]));
    // A manifestation code is never first-listed or principal; its underlying condition takes its place (guideline I.A.13).
    for (const c of out) {
      const m = this.manifestation(c.code);
      if (!m) continue;
      for (const o of out) if (o !== c && m.refs.some((r) => inRange(o.code, r))) priorities.set(o.code, Math.max(priorities.get(o.code)!, priorities.get(c.code)!));
    }
    for (const c of out) if (this.manifestation(c.code)) priorities.set(c.code, -2);
    let best: CodedDiagnosis | undefined;
    let bestP = -0.5;
    for (const c of byRule) {
      const p = priorities.get(c.code)!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    // With no code fit to be principal, none is named so; a manifestation code still does not lead the list.
    const lead = best ?? out.find((c) => !this.manifestation(c.code));
    if (lead) out.unshift(...out.splice(out.indexOf(lead), 1));
    // Below the lead, a manifestation code comes right after its underlying condition when the list holds it (guideline I.A.13).
    for (const c of [...out]) {
      const m = this.manifestation(c.code);
      if (!m) continue;
      const i = out.indexOf(c);
      const j = out.findIndex((o) => o !== c && m.refs.some((r) => inRange(o.code, r)));
      if (j > i) out.splice(j, 0, ...out.splice(i, 1));
    }
    if (best) best.sequence = setting === 'inpatient' ? 'principal' : 'first-listed';
    for (const c of out.slice(1)) c.sequence = 'secondary';
  }
}
