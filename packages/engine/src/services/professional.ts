import { ageOf } from '../document/age.js';
import { parseDocument, type ClinicalDocument } from '../document/document.js';
import { analyzeEm, type EmAnalysis, type EmPayer } from '../em/em.js';
import type { EmCategory } from '../em/rules.js';
import type { HcpcsRelease } from '../hcpcs/release.js';
import type { CodeSets } from '../releases/registry.js';
import { distinctModifier, modifierRules, sideModifiers, sideOf, type ModifierSuggestion } from '../modifiers/modifiers.js';
import { serviceRules, type LengthRow, type ServiceRule, type ServiceRules } from './rules.js';
import { doseUnits, type DoseUnits } from './units.js';
import { documentWords, type NoteWords } from '../nlp/keyed-patterns.js';
import type { ProcedureRationale } from '../procedures/rationale.js';

/**
 * Professional (CPT/HCPCS) coding of an outpatient note: the E/M level, the
 * services performed in the visit (vaccines and their administration,
 * injections and the drugs injected, office tests and procedures,
 * preventive visits), units, modifiers with their reasons, and the place of
 * service for telehealth.
 */

export interface ServiceEvidence {
  start: number;
  end: number;
  text: string;
}

export type ServiceKind = 'em' | 'preventive' | 'prolonged' | 'vaccine' | 'vaccine-admin' | 'drug' | 'injection-admin' | 'procedure' | 'test';

export interface ServiceLine {
  system: 'cpt' | 'hcpcs';
  code: string;
  /** From the HCPCS release in force, or the user's CPT file; absent for CPT without one. */
  title?: string;
  kind: ServiceKind;
  units: number;
  modifiers: ModifierSuggestion[];
  confidence: number;
  evidence: ServiceEvidence[];
  /** Why the line: the services.json rule (or E/M step) that chose it, with a sentence; the units when counted. */
  rationale: ProcedureRationale[];
  /** A question for the provider when the note leaves the code or units open. */
  query?: string;
  /** False when the code is not valid in the release in force (with the reason). */
  valid?: boolean;
  validation?: string;
}

export interface ProfessionalOptions {
  /** Date of service (release in force for HCPCS and CPT). */
  date: string;
  payer?: EmPayer;
  patient?: 'new' | 'established';
  /** E/M category; default office by patient status. */
  category?: EmCategory;
  /** Patient age in years (preventive visit codes); read from the note when absent ("58-year-old"). */
  age?: number;
}

export interface ProfessionalCoding {
  date: string;
  payer: EmPayer;
  /** CMS place of service: 11 office, 02 telehealth outside the home, 10 telehealth in the patient's home, 23 emergency department. */
  placeOfService: string;
  em?: EmAnalysis;
  /** Why the E/M is not billed (only the injection, no separate problem), when it is not. */
  emNotBilled?: string;
  lines: ServiceLine[];
  warnings: string[];
}

const NEGATED = /\b(?:no|not|declined|refused|deferred|denies|without|hold(?:ing)?|postpone[ds]?|will (?:get|receive|return for)|next (?:visit|time)|due (?:for|in)|recommend(?:ed)?|scheduled)\b[^.;\n]{0,30}$/;
const NEGATED_AFTER = /^[^.;\n]{0,25}\b(?:declined|deferred|refused|not given|not administered|postponed|next visit|at next visit)\b/;

interface Found {
  rule: ServiceRule;
  start: number;
  end: number;
  sentence: { start: number; end: number };
  /** Later mentions of the same service. */
  also?: Found[];
}

function sentenceOf(doc: ClinicalDocument, at: number): { start: number; end: number } {
  for (const s of doc.sentences) if (s.start <= at && at < s.end + 1) return { start: s.start, end: s.end };
  return { start: at, end: Math.min(doc.text.length, at + 120) };
}

const HISTORY_SECTIONS = new Set(['pmh', 'psh', 'fh', 'sh', 'medications', 'allergies']);

/** Mentions of services, each inside one sentence (a pattern runs only in the sentences holding its words). */
function findAll(doc: ClinicalDocument, words: NoteWords, rules: readonly ServiceRule[]): Found[] {
  const lower = words.lower;
  const out: Found[] = [];
  for (const r of rules) {
    if (!words.has(r.pattern)) continue;
    for (const m of words.matches(r.pattern)) {
      const s = doc.sentences[m.sentence]!;
      if (HISTORY_SECTIONS.has(doc.sections[s.section]?.kind ?? 'body')) continue;
      const at = m.start;
      if (NEGATED.test(lower.slice(Math.max(s.start, at - 50), at)) || NEGATED_AFTER.test(lower.slice(m.end, s.end))) continue;
      out.push({ rule: r, start: at, end: m.end, sentence: { start: s.start, end: s.end } });
    }
  }
  // Overlapping findings of different rules keep the longer; a service named again later in the note is the same
  // service (its words join the first finding's), except wound repairs, whose lengths add up.
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Found[] = [];
  for (const f of out) {
    if (kept.some((k) => f.start < k.end && k.start < f.end)) continue;
    const same = f.rule.unit === 'length' ? undefined : kept.find((k) => k.rule.id === f.rule.id);
    if (same) {
      (same.also ??= []).push(f);
      continue;
    }
    kept.push(f);
  }
  return kept;
}

/** Every mention of a found service, and the text of their sentences. */
const mentionsOf = (f: Found): Found[] => [f, ...(f.also ?? [])];
const contextOf = (lower: string, f: Found): string => mentionsOf(f).map((m) => lower.slice(m.sentence.start, m.sentence.end)).join(' \n ');

function evidence(doc: ClinicalDocument, f: { start: number; end: number }): ServiceEvidence {
  return { start: f.start, end: f.end, text: doc.text.slice(f.start, f.end) };
}

function variantCode(rule: ServiceRule, lower: string): string {
  for (const v of rule.variants) {
    v.pattern.lastIndex = 0;
    if (v.pattern.test(lower)) return v.code;
  }
  return rule.code;
}

export class ProfessionalCoder {
  private hcpcs?: HcpcsRelease;
  private cptTitles?: (code: string) => string | undefined;
  private hcpcsWarnings: string[] = [];

  private constructor(private readonly rules: ServiceRules) {}

  /** A coder bound to the HCPCS release (and the user's CPT file, if imported) in force on the date. */
  static async open(codeSets: CodeSets, date: string): Promise<ProfessionalCoder> {
    const c = new ProfessionalCoder(serviceRules());
    try {
      const { release, warnings } = await codeSets.release('hcpcs', { date });
      c.hcpcs = release as HcpcsRelease;
      c.hcpcsWarnings = warnings;
    } catch (e) {
      c.hcpcsWarnings = [`HCPCS Level II: ${(e as Error).message}`];
    }
    try {
      const { release } = await codeSets.release('cpt', { date });
      c.cptTitles = (code) => release.lookup(code)?.title;
    } catch {
      // No licensed CPT file: CPT lines carry code numbers only.
    }
    return c;
  }

  /** A coder without releases (titles and validation left out), for tests of the rules alone. */
  static offline(): ProfessionalCoder {
    return new ProfessionalCoder(serviceRules());
  }

  code(note: string | ClinicalDocument, opts: ProfessionalOptions): ProfessionalCoding {
    const doc = typeof note === 'string' ? parseDocument(note) : note;
    const words = documentWords(doc);
    const lower = words.lower;
    const payer = opts.payer ?? 'commercial';
    const warnings = [...this.hcpcsWarnings];
    const lines: ServiceLine[] = [];
    const r = this.rules;

    // Vaccines and their administration.
    const vaccines = findAll(doc, words, r.vaccines);
    const vaccineLines: ServiceLine[] = [];
    for (const v of vaccines) {
      const code = variantCode(v.rule, contextOf(lower, v));
      vaccineLines.push(this.line('cpt', code, 'vaccine', 1, mentionsOf(v).map((m) => evidence(doc, m)), [why(`vaccine:${v.rule.id}`, `${v.rule.id} vaccine product documented as given`)], 0.85));
    }
    lines.push(...vaccineLines);
    let adminCount = 0;
    const cptAdmins = vaccines.filter((v) => !(payer === 'medicare' && v.rule.admin && r.vaccineAdmin.medicare[v.rule.admin]));
    for (const v of vaccines) {
      const g = payer === 'medicare' && v.rule.admin ? r.vaccineAdmin.medicare[v.rule.admin] : undefined;
      if (g) lines.push(this.line('hcpcs', g, 'vaccine-admin', 1, [evidence(doc, v)], [why('vaccine-admin:medicare', `Medicare pays the administration of the ${v.rule.id} vaccine with ${g}, not 90471`)], 0.85));
    }
    if (cptAdmins.length) {
      adminCount = cptAdmins.length;
      lines.push(this.line('cpt', r.vaccineAdmin.first, 'vaccine-admin', 1, [evidence(doc, cptAdmins[0]!)], [why('vaccine-admin:first', 'administration of the first vaccine (injection)')], 0.85));
      if (adminCount > 1) {
        lines.push(this.line('cpt', r.vaccineAdmin.additional, 'vaccine-admin', adminCount - 1, cptAdmins.slice(1).map((v) => evidence(doc, v)), [why('vaccine-admin:additional', `each additional vaccine: ${adminCount - 1} ${adminCount - 1 === 1 ? 'unit' : 'units'}`, 'units')], 0.85));
      }
    }

    // Injected drugs, with units from the dose and the code's dosage descriptor, and their administration.
    const drugs = findAll(doc, words, r.drugs).filter((d) => !vaccines.some((v) => d.start < v.end && v.start < d.end));
    const routes = new Map<'im' | 'iv', ServiceEvidence[]>();
    // One administration per drug: several mentions of one drug are one line, dosed from the mention that states a dose.
    for (const found of drugs) {
      const group = mentionsOf(found).map((d) => ({ d, units: doseUnits(lower, d, this.hcpcs?.item(d.rule.code)?.t) as DoseUnits }));
      const { d, units } = group.find((g) => g.units.dose) ?? group[0]!;
      const others = group.filter((g) => g.d !== d).map((g) => evidence(doc, g.d));
      const ln = this.line('hcpcs', d.rule.code, 'drug', units.units, [evidence(doc, d), ...(units.evidence ? [units.evidence(doc.text)] : []), ...others].sort((a, b) => a.start - b.start), [why(`drug:${d.rule.id}`, units.reason, 'units')], units.dose ? 0.85 : 0.6);
      if (!units.dose) ln.query = `Please document the dose of ${d.rule.id} given (the code is billed per ${units.per ?? 'dosage unit'}).`;
      lines.push(ln);
      const ctx = contextOf(lower, found);
      r.injectionAdmin.iv.pattern.lastIndex = 0;
      r.injectionAdmin.im.pattern.lastIndex = 0;
      const route: 'im' | 'iv' = r.injectionAdmin.im.pattern.test(ctx) ? 'im' : r.injectionAdmin.iv.pattern.test(ctx) ? 'iv' : d.rule.defaultRoute === 'iv' ? 'iv' : 'im';
      routes.set(route, [...(routes.get(route) ?? []), evidence(doc, d)]);
    }
    for (const [route, evs] of routes) {
      const admin = r.injectionAdmin[route];
      lines.push(this.line('cpt', admin.code, 'injection-admin', route === 'im' ? evs.length : 1, evs, [route === 'im' ? why('injection-admin:im', `subcutaneous or intramuscular injection of a drug: one unit per injection (${evs.length})`, 'units') : why('injection-admin:iv', 'intravenous push of a drug')], 0.8));
    }

    // Office procedures and tests.
    const procs = findAll(doc, words, r.procedures);
    const lacerations = procs.filter((p) => p.rule.unit === 'length');
    lines.push(...this.woundRepairs(doc, lower, lacerations));
    for (const p of procs) {
      if (p.rule.unit === 'length') continue;
      const ctx = contextOf(lower, p);
      const code = variantCode(p.rule, ctx);
      const mods: ModifierSuggestion[] = [];
      if (p.rule.sided) mods.push(...sideModifiers(sideOf(ctx), `the ${p.rule.id.replace(/-/g, ' ')}`));
      if (p.rule.clia === 'waived' && payer === 'medicare') mods.push({ code: 'QW', reason: 'a CLIA-waived test billed to Medicare' });
      const ln = this.line('cpt', code, p.rule.test ? 'test' : 'procedure', 1, mentionsOf(p).map((m) => evidence(doc, m)), [why(p.rule.id, `${p.rule.id.replace(/-/g, ' ')} documented as performed`)], 0.8, mods);
      if (p.rule.sided && !mods.length) ln.query = `Please document the side (right, left or both) of the ${p.rule.id.replace(/-/g, ' ')}.`;
      lines.push(ln);
    }
    this.repeats(doc, lower, lines);

    // Preventive visit.
    const preventive = this.preventive(doc, words, opts, payer);
    if (preventive) lines.unshift(preventive);

    // Telehealth: place of service and modifier.
    let pos = opts.category === 'emergency' ? '23' : '11';
    let teleMod: ModifierSuggestion | undefined;
    const t = r.telehealth;
    t.audioOnly.lastIndex = 0;
    t.video.lastIndex = 0;
    t.patientHome.lastIndex = 0;
    const audio = words.has(t.audioOnly) ? t.audioOnly.exec(lower) : null;
    const video = words.has(t.video) ? t.video.exec(lower) : null;
    if (audio || video) {
      const home = t.patientHome.exec(lower);
      pos = home ? '10' : '02';
      const m = (audio ?? video)!;
      teleMod = audio
        ? { code: '93', reason: 'the visit was by audio only (telephone)', evidence: { start: m.index, end: m.index + m[0].length, text: doc.text.slice(m.index, m.index + m[0].length) } }
        : { code: '95', reason: 'the visit was real-time audio and video telehealth', evidence: { start: m.index, end: m.index + m[0].length, text: doc.text.slice(m.index, m.index + m[0].length) } };
      warnings.push(`telehealth: place of service ${pos} (${home ? "the patient's home" : 'not the patient\'s home'}); check the payer's telehealth rules for the date of service`);
    }

    // E/M: the level, and whether it is separately identifiable from the services.
    const category = opts.category ?? (opts.patient === 'new' ? 'office-new' : 'office-established');
    const serviceWords = [...vaccines, ...drugs, ...procs].flatMap((f) => (f.rule.treats ? [f.rule.pattern, f.rule.treats] : [f.rule.pattern]));
    const billedTests = procs.filter((p) => p.rule.test).map((p) => p.rule.test!);
    const linked = (item: string) => {
      const l = item.toLowerCase();
      return serviceWords.some((re) => {
        re.lastIndex = 0;
        return re.test(l);
      }) || /\b(?:vaccin|immuniz|injection|shot)\b/.test(l);
    };
    const em = analyzeEm(doc, { category, payer, billedTests, excludeProblem: linked });
    const needs25 = lines.some((l) => this.needs25(l));
    const separate = em.mdm.problems.findings.length;
    let emNotBilled: string | undefined;
    const emMods: ModifierSuggestion[] = [];
    if (needs25 || preventive) {
      if (separate > 0 && em.basis !== 'nurse-visit') {
        const items = em.mdm.problems.findings.map((f) => f.item ?? f.evidence.text).slice(0, 3).join('; ');
        emMods.push({ code: '25', reason: `the E/M is significant and separately identifiable from ${preventive ? 'the preventive visit' : 'the procedures and injections'}: it addresses ${separate} other ${separate === 1 ? 'problem' : 'problems'} (${items})` });
      } else {
        emNotBilled = `no E/M is billed: the note documents no problem beyond the ${preventive ? 'preventive visit' : 'services performed'}, so an E/M is not separately identifiable (modifier 25 is not supported)`;
      }
    }
    if (!emNotBilled) {
      const emLine = this.line('cpt', em.code, 'em', 1, [], em.rationale.map((x) => (x.kind === 'em-not-higher' ? { ...x, text: `not higher: ${x.text}` } : x)), em.confidence, emMods);
      lines.unshift(emLine);
      if (em.prolonged) lines.splice(1, 0, this.line(em.prolonged.code.startsWith('G') ? 'hcpcs' : 'cpt', em.prolonged.code, 'prolonged', em.prolonged.units, em.time ? [em.time.evidence] : [], [why(`prolonged:${em.prolonged.code}`, em.prolonged.reason, 'units')], 0.8));
    }
    if (teleMod) for (const l of lines) if (l.kind === 'em' || l.kind === 'preventive' || l.kind === 'prolonged') l.modifiers.push(teleMod);

    // Bundled pairs: the second code takes a distinct-service modifier when the note shows separate sites or encounters.
    const mr = modifierRules();
    for (const pair of mr.pairs) {
      const a = lines.find((l) => l.code === pair.first);
      const b = lines.find((l) => l.code === pair.second);
      if (!a || !b) continue;
      const mod = distinctModifier(payer, lower, `${pair.first} and ${pair.second} (${pair.why})`);
      if (mod) b.modifiers.push(mod);
      else b.query = `${pair.first} and ${pair.second} are bundled unless given at separate sites: please document the injection sites.`;
    }
    for (const l of lines) this.validate(l, warnings);
    return { date: opts.date, payer, placeOfService: pos, ...(emNotBilled ? {} : { em }), ...(emNotBilled ? { em, emNotBilled } : {}), lines, warnings };
  }

  private needs25(l: ServiceLine): boolean {
    const r = this.rules;
    if (l.kind === 'injection-admin') return r.injectionAdmin.needs25;
    if (l.kind === 'vaccine-admin') return r.vaccineAdmin.needs25;
    if (l.kind === 'procedure') return r.procedures.some((p) => (p.code === l.code || p.variants.some((v) => v.code === l.code) || l.code.startsWith(p.code)) && p.needs25);
    return false;
  }

  private line(system: 'cpt' | 'hcpcs', code: string, kind: ServiceKind, units: number, evidence: ServiceEvidence[], rationale: ProcedureRationale[], confidence: number, modifiers: ModifierSuggestion[] = []): ServiceLine {
    const l: ServiceLine = { system, code, kind, units, modifiers, confidence, evidence, rationale };
    const title = system === 'hcpcs' ? this.hcpcs?.item(code)?.t : this.cptTitles?.(code);
    if (title) l.title = title;
    return l;
  }

  private validate(l: ServiceLine, warnings: string[]): void {
    if (l.system !== 'hcpcs' || !this.hcpcs) return;
    const v = this.hcpcs.validate(l.code);
    l.valid = v.valid;
    if (!v.valid) {
      l.validation = v.reasons.map((x) => x.message).join('; ');
      warnings.push(`${l.code}: ${l.validation}`);
    }
  }

  /** Wound repairs: lengths summed by classification (simple, intermediate) and anatomic group. */
  private woundRepairs(doc: ClinicalDocument, lower: string, found: Found[]): ServiceLine[] {
    const r = this.rules;
    const groups = new Map<string, { cm: number; evidence: ServiceEvidence[]; unknown: boolean; sides: Set<string> }>();
    for (const f of found) {
      const ctx = lower.slice(f.sentence.start, f.sentence.end);
      r.intermediate.lastIndex = 0;
      const cls = r.intermediate.test(ctx) ? 'intermediate' : 'simple';
      let group = 'trunk-extremities';
      for (const g of r.lengthGroups) {
        g.pattern.lastIndex = 0;
        if (g.pattern.test(ctx)) {
          group = g.group;
          break;
        }
      }
      if (cls === 'simple' && group === 'neck-hands-feet') group = 'trunk-extremities';
      const len = /(\d+(?:\.\d+)?) ?(cm|centimeters?|mm)\b/.exec(ctx);
      const key = `${cls}|${group}`;
      const entry = groups.get(key) ?? { cm: 0, evidence: [], unknown: false, sides: new Set<string>() };
      entry.evidence.push(evidence(doc, f));
      if (len) {
        entry.cm += Number(len[1]) / (len[2] === 'mm' ? 10 : 1);
        entry.evidence.push({ start: f.sentence.start + len.index, end: f.sentence.start + len.index + len[0].length, text: doc.text.slice(f.sentence.start + len.index, f.sentence.start + len.index + len[0].length) });
      } else entry.unknown ||= entry.cm === 0;
      if (len) entry.unknown = false;
      groups.set(key, entry);
    }
    const out: ServiceLine[] = [];
    for (const [key, g] of groups) {
      const [cls, group] = key.split('|') as ['simple' | 'intermediate', string];
      const table: LengthRow[] = r.lengthTables[cls][group] ?? r.lengthTables[cls]['trunk-extremities']!;
      const cm = Math.round(g.cm * 10) / 10;
      const row = table.find((x) => cm <= x.max + 1e-9) ?? table[table.length - 1]!;
      const ln = this.line('cpt', row.code, 'procedure', 1, g.evidence, [why(`repair:${cls}:${group}`, `${cls} repair, ${group.replace(/-/g, ', ')} group: ${g.unknown ? 'length not documented' : `${cm} cm in total`} → ${row.code} (up to ${row.max >= 9999 ? 'any length' : `${row.max} cm`})`)], g.unknown ? 0.4 : 0.85);
      if (g.unknown) ln.query = 'Please document the length of each wound repaired (cm) and whether the closure was layered.';
      out.push(ln);
    }
    return out;
  }

  /** A test or ECG done twice: the second line takes 91 (lab), 76 (same physician) or 77 (another physician). */
  private repeats(doc: ClinicalDocument, lower: string, lines: ServiceLine[]): void {
    const mr = modifierRules();
    for (const l of [...lines]) {
      if (l.kind !== 'test' && l.code !== '93000') continue;
      const ev = l.evidence[0];
      if (!ev) continue;
      const rule = this.rules.procedures.find((p) => p.code === l.code);
      if (!rule) continue;
      rule.pattern.lastIndex = 0;
      const all = [...lower.matchAll(rule.pattern)].filter((m) => {
        const s = sentenceOf(doc, m.index!);
        mr.repeat.lastIndex = 0;
        return mr.repeat.test(lower.slice(s.start, s.end)) && m.index! !== ev.start;
      });
      if (!all.length) continue;
      const m = all[0]!;
      const s = sentenceOf(doc, m.index!);
      const ctx = lower.slice(s.start, s.end);
      mr.anotherPhysician.lastIndex = 0;
      const mod: ModifierSuggestion =
        l.kind === 'test' && l.code !== '93000'
          ? { code: '91', reason: `the ${rule.id.replace(/-/g, ' ')} was repeated the same day to obtain a new result` }
          : mr.anotherPhysician.test(ctx)
            ? { code: '77', reason: 'the same service was repeated the same day by another physician' }
            : { code: '76', reason: 'the same service was repeated the same day by the same physician' };
      lines.push(this.line(l.system, l.code, l.kind, 1, [{ start: m.index!, end: m.index! + m[0].length, text: doc.text.slice(m.index!, m.index! + m[0].length) }], [why(`repeat:${rule.id}`, `repeat ${rule.id.replace(/-/g, ' ')} on the same day`)], 0.75, [mod]));
    }
  }

  private preventive(doc: ClinicalDocument, words: NoteWords, opts: ProfessionalOptions, payer: EmPayer): ServiceLine | undefined {
    const p = this.rules.preventive;
    const lower = words.lower;
    if (!words.has(p.pattern) && !words.has(p.medicare.awv) && !words.has(p.medicare.ippePattern)) return undefined;
    p.pattern.lastIndex = 0;
    p.medicare.awv.lastIndex = 0;
    p.medicare.ippePattern.lastIndex = 0;
    const m = p.pattern.exec(lower) ?? p.medicare.awv.exec(lower) ?? p.medicare.ippePattern.exec(lower);
    if (!m) return undefined;
    const ev = { start: m.index, end: m.index + m[0].length, text: doc.text.slice(m.index, m.index + m[0].length) };
    if (payer === 'medicare') {
      p.medicare.ippePattern.lastIndex = 0;
      p.medicare.initial.lastIndex = 0;
      p.medicare.awv.lastIndex = 0;
      if (p.medicare.ippePattern.test(lower)) return this.line('hcpcs', p.medicare.ippe, 'preventive', 1, [ev], [why('preventive:ippe', 'initial preventive physical examination (Medicare)')], 0.8);
      if (p.medicare.awv.test(lower) || opts.age === undefined || (opts.age ?? ageOf(doc.text) ?? 0) >= 65) {
        const initial = p.medicare.initial.test(lower);
        return this.line('hcpcs', initial ? p.medicare.awvInitial : p.medicare.awvSubsequent, 'preventive', 1, [ev], [why(`preventive:awv-${initial ? 'initial' : 'subsequent'}`, `Medicare annual wellness visit, ${initial ? 'initial' : 'subsequent'}`)], 0.75);
      }
    }
    const age = opts.age ?? ageOf(doc.text);
    const table = opts.patient === 'new' ? p.new : p.established;
    if (age === undefined) {
      const ln = this.line('cpt', table[table.length - 3]!.code.slice(0, 4), 'preventive', 1, [ev], [why('preventive:age-unknown', 'preventive visit; the age band is not known')], 0.4);
      ln.code = `${table[0]!.code.slice(0, 4)}?`;
      ln.query = "Please document the patient's age (preventive visit codes go by age band).";
      return ln;
    }
    const row = table.find((x) => age <= x.maxAge) ?? table[table.length - 1]!;
    return this.line('cpt', row.code, 'preventive', 1, [ev], [why(`preventive:${opts.patient === 'new' ? 'new' : 'established'}`, `preventive visit, ${opts.patient === 'new' ? 'new' : 'established'} patient, age ${age}`)], 0.8);
  }
}

/** A rationale entry of a service line: the rule (services.json id, or what counted the units) and its sentence. */
function why(rule: string, text: string, kind: ProcedureRationale['kind'] = 'service'): ProcedureRationale {
  return { kind, rule, text };
}
