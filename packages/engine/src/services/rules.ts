import { readFileSync } from 'node:fs';
import { MedcoderError } from '../errors.js';
import { anyOf } from '../em/rules.js';

/**
 * Service rules of data/services/services.json, compiled once: vaccines and
 * their administration, injected drugs (HCPCS J-codes) and the injection
 * codes, office procedures and tests, wound-repair length tables,
 * preventive visits and telehealth words.
 */

export interface Variant {
  code: string;
  pattern: RegExp;
}

export interface ServiceRule {
  id: string;
  code: string;
  system: 'cpt' | 'hcpcs';
  pattern: RegExp;
  variants: Variant[];
  unit: 'one' | 'dose' | 'length' | 'count';
  needs25: boolean;
  clia?: 'waived';
  sided: boolean;
  /** For vaccines: which administration code family. */
  admin?: string;
  /** For drugs: route when the note does not say. */
  defaultRoute?: 'im' | 'iv' | 'sc';
  /** The test this service is (so it is not also counted as data for the E/M). */
  test?: string;
  /** Problems this service treats: an E/M for them alone is not separately identifiable. */
  treats?: RegExp;
}

export interface LengthRow {
  code: string;
  max: number;
}

export interface ServiceRules {
  vaccines: ServiceRule[];
  vaccineAdmin: { first: string; additional: string; medicare: Record<string, string>; needs25: boolean };
  drugs: ServiceRule[];
  injectionAdmin: Record<'im' | 'iv', { code: string; pattern: RegExp }> & { needs25: boolean };
  procedures: ServiceRule[];
  lengthTables: Record<'simple' | 'intermediate', Record<string, LengthRow[]>>;
  lengthGroups: Array<{ group: string; pattern: RegExp }>;
  intermediate: RegExp;
  preventive: {
    pattern: RegExp;
    new: Array<{ code: string; maxAge: number }>;
    established: Array<{ code: string; maxAge: number }>;
    medicare: { awvInitial: string; awvSubsequent: string; ippe: string; awv: RegExp; initial: RegExp; ippePattern: RegExp };
  };
  telehealth: { video: RegExp; audioOnly: RegExp; patientHome: RegExp };
}

interface RuleJson {
  id: string;
  code: string;
  system?: 'cpt' | 'hcpcs';
  patterns: string[];
  variants?: Array<{ code: string; patterns: string[] }>;
  unit?: ServiceRule['unit'];
  needs25?: boolean;
  clia?: 'waived';
  sided?: boolean;
  admin?: string;
  defaultRoute?: 'im' | 'iv' | 'sc';
  test?: string;
  treats?: string[];
}

interface ServicesFile {
  vaccines: RuleJson[];
  vaccineAdministration: { first: string; additional: string; medicare: Record<string, string>; needs25: boolean };
  drugs: RuleJson[];
  injectionAdministration: { im: { code: string; patterns: string[] }; iv: { code: string; patterns: string[] }; needs25: boolean };
  procedures: RuleJson[];
  lengthTables: { simple: Record<string, LengthRow[]>; intermediate: Record<string, LengthRow[]>; groups: Record<string, string[]>; intermediateWords: string[] };
  preventive: {
    patterns: string[];
    new: Array<{ code: string; maxAge: number }>;
    established: Array<{ code: string; maxAge: number }>;
    medicare: { awvInitial: string; awvSubsequent: string; ippe: string; awvPatterns: string[]; initialPatterns: string[]; ippePatterns: string[] };
  };
  telehealth: { video: string[]; audioOnly: string[]; patientHome: string[] };
}

let cached: ServiceRules | undefined;

function rule(r: RuleJson, kind: 'vaccine' | 'drug' | 'procedure'): ServiceRule {
  return {
    id: r.id,
    code: r.code,
    system: r.system ?? (kind === 'drug' ? 'hcpcs' : 'cpt'),
    pattern: anyOf(r.patterns, 'services.json', r.id),
    variants: (r.variants ?? []).map((v) => ({ code: v.code, pattern: anyOf(v.patterns, 'services.json', `${r.id} variant ${v.code}`) })),
    unit: r.unit ?? (kind === 'drug' ? 'dose' : 'one'),
    needs25: r.needs25 ?? false,
    ...(r.clia ? { clia: r.clia } : {}),
    sided: r.sided ?? false,
    ...(r.admin ? { admin: r.admin } : {}),
    ...(r.defaultRoute ? { defaultRoute: r.defaultRoute } : {}),
    ...(r.test ? { test: r.test } : {}),
    ...(r.treats ? { treats: anyOf(r.treats, 'services.json', `${r.id} treats`) } : {}),
  };
}

export function serviceRules(): ServiceRules {
  if (cached) return cached;
  let f: ServicesFile;
  const url = new URL('../../data/services/services.json', import.meta.url);
  try {
    f = JSON.parse(readFileSync(url, 'utf8')) as ServicesFile;
  } catch (e) {
    throw new MedcoderError('SOURCE_MALFORMED', `cannot read service rules: ${(e as Error).message}`, { file: 'services.json' }, { cause: e });
  }
  const lt = f.lengthTables;
  cached = {
    vaccines: f.vaccines.map((r) => rule(r, 'vaccine')),
    vaccineAdmin: f.vaccineAdministration,
    drugs: f.drugs.map((r) => rule(r, 'drug')),
    injectionAdmin: {
      im: { code: f.injectionAdministration.im.code, pattern: anyOf(f.injectionAdministration.im.patterns, 'services.json', 'injectionAdministration.im') },
      iv: { code: f.injectionAdministration.iv.code, pattern: anyOf(f.injectionAdministration.iv.patterns, 'services.json', 'injectionAdministration.iv') },
      needs25: f.injectionAdministration.needs25,
    },
    procedures: f.procedures.map((r) => rule(r, 'procedure')),
    lengthTables: { simple: lt.simple, intermediate: lt.intermediate },
    lengthGroups: Object.entries(lt.groups).map(([group, words]) => ({ group, pattern: anyOf(words.map((w) => `${w}s?`), 'services.json', `lengthTables.groups.${group}`) })),
    intermediate: anyOf(lt.intermediateWords, 'services.json', 'lengthTables.intermediateWords'),
    preventive: {
      pattern: anyOf(f.preventive.patterns, 'services.json', 'preventive.patterns'),
      new: f.preventive.new,
      established: f.preventive.established,
      medicare: {
        awvInitial: f.preventive.medicare.awvInitial,
        awvSubsequent: f.preventive.medicare.awvSubsequent,
        ippe: f.preventive.medicare.ippe,
        awv: anyOf(f.preventive.medicare.awvPatterns, 'services.json', 'preventive.medicare.awvPatterns'),
        initial: anyOf(f.preventive.medicare.initialPatterns, 'services.json', 'preventive.medicare.initialPatterns'),
        ippePattern: anyOf(f.preventive.medicare.ippePatterns, 'services.json', 'preventive.medicare.ippePatterns'),
      },
    },
    telehealth: { video: anyOf(f.telehealth.video, 'services.json', 'telehealth.video'), audioOnly: anyOf(f.telehealth.audioOnly, 'services.json', 'telehealth.audioOnly'), patientHome: anyOf(f.telehealth.patientHome, 'services.json', 'telehealth.patientHome') },
  };
  return cached;
}
