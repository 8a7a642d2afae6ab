import { parseDocument, type ClinicalDocument } from '../document/document.js';
import { MedcoderError } from '../errors.js';
import type { Icd10pcsRelease } from '../icd10pcs/release.js';
import type { ReleaseRef } from '../lookup.js';
import type { CodeSets } from '../releases/registry.js';
import { ProfessionalCoder, type ProfessionalCoding, type ProfessionalOptions } from '../services/professional.js';
import { PcsCoder, type PcsCodingOptions, type PcsSuggestion } from './pcs-coder.js';

/**
 * Procedure and service coding of a note, by setting: inpatient facility
 * coding builds ICD-10-PCS codes; professional and hospital outpatient
 * coding choose CPT and HCPCS services (with the E/M level for
 * professional claims). The output lists are separate from diagnoses.
 */

export type ProcedureSetting = 'professional' | 'outpatient' | 'inpatient';
export const PROCEDURE_SETTINGS: readonly ProcedureSetting[] = ['professional', 'outpatient', 'inpatient'];

export interface ProcedureCodingOptions extends Omit<ProfessionalOptions, 'date'>, PcsCodingOptions {
  setting: ProcedureSetting;
  /** Date of service, YYYY-MM-DD. */
  date: string;
}

export interface ProcedureCoding {
  setting: ProcedureSetting;
  date: string;
  /** ICD-10-PCS (inpatient). */
  pcs?: { release: ReleaseRef; codes: PcsSuggestion[]; warnings: string[] };
  /** CPT/HCPCS lines (professional and outpatient). */
  services?: ProfessionalCoding;
}

const pcsCoders = new WeakMap<Icd10pcsRelease, PcsCoder>();

/** The PCS coder of a release (built once per release). */
export function pcsCoderFor(release: Icd10pcsRelease): PcsCoder {
  let c = pcsCoders.get(release);
  if (!c) pcsCoders.set(release, (c = new PcsCoder(release)));
  return c;
}

/** The ICD-10-PCS release in force on a date, with its coder. */
export async function openPcsCoder(codeSets: CodeSets, date: string): Promise<{ coder: PcsCoder; warnings: string[] }> {
  const { release, warnings } = await codeSets.release('icd10pcs', { date });
  return { coder: pcsCoderFor(release as Icd10pcsRelease), warnings };
}

export async function codeProcedures(codeSets: CodeSets, note: string | ClinicalDocument, opts: ProcedureCodingOptions): Promise<ProcedureCoding> {
  if (!PROCEDURE_SETTINGS.includes(opts.setting)) {
    throw new MedcoderError('INVALID_ARGUMENT', `unknown setting "${opts.setting}"; one of ${PROCEDURE_SETTINGS.join(', ')}`, { field: 'setting', value: opts.setting });
  }
  const doc = typeof note === 'string' ? parseDocument(note) : note;
  const out: ProcedureCoding = { setting: opts.setting, date: opts.date };
  if (opts.setting === 'inpatient') {
    const { coder, warnings } = await openPcsCoder(codeSets, opts.date);
    const spans = { text: doc.text, sentences: doc.sentences.map((s) => ({ start: s.start, end: s.end, section: doc.sections[s.section]?.kind ?? 'body' })) };
    const pcsOpts: PcsCodingOptions = {};
    if (opts.includeHistory !== undefined) pcsOpts.includeHistory = opts.includeHistory;
    if (opts.includePlanned !== undefined) pcsOpts.includePlanned = opts.includePlanned;
    if (opts.includeCourses !== undefined) pcsOpts.includeCourses = opts.includeCourses;
    if (opts.minPrefix !== undefined) pcsOpts.minPrefix = opts.minPrefix;
    out.pcs = { release: coder.release.ref, codes: coder.code(spans, pcsOpts), warnings };
  } else {
    const coder = await ProfessionalCoder.open(codeSets, opts.date);
    const p: ProfessionalOptions = { date: opts.date };
    if (opts.payer) p.payer = opts.payer;
    if (opts.patient) p.patient = opts.patient;
    if (opts.category) p.category = opts.category;
    if (opts.age !== undefined) p.age = opts.age;
    out.services = coder.code(doc, p);
    if (opts.setting === 'outpatient' && out.services.em) {
      // Facility outpatient claims carry the services; the professional E/M level is the physician's claim.
      out.services.warnings.push('outpatient (facility) setting: the E/M level shown is the professional level; facility E/M levels follow the hospital\'s own criteria');
    }
  }
  return out;
}
