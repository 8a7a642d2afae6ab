/**
 * Layer 7, medical necessity: coverage determinations (Medicare NCDs and
 * LCDs, payer policies) that pay a procedure only with listed diagnoses.
 *
 * No coverage data ships with medcoder yet. A coverage file is JSON in this
 * format (see fixtures/coverage/ for an example):
 *
 *   {
 *     "format": "medcoder-coverage/1",
 *     "title": "…",
 *     "year": 2026,                     // release year; else the earliest effectiveFrom
 *     "policies": [{
 *       "id": "L12345",                 // the policy's own id
 *       "title": "…",
 *       "kind": "LCD",                  // NCD, LCD, payer
 *       "effectiveFrom": "2026-01-01", "effectiveTo": "",   // "" = open
 *       "settings": ["professional"],   // optional: the claim settings it applies to
 *       "procedures": ["83036"],        // CPT/HCPCS codes (code references allowed: "8303-")
 *       "coveredDiagnoses": ["E11.-", "R73.01-R73.09"],    // tabular-style references
 *       "note": "…"                     // shown with the finding
 *     }]
 *   }
 *
 * A line is covered when one of the diagnoses it points to (all the claim's
 * diagnoses for a line without pointers) is in the policy's list. Modifiers
 * GA, GX and GZ say the provider expects a denial (with or without an ABN),
 * so the finding becomes a warning.
 */
import { MedcoderError } from '../errors.js';
import type { ReleaseManifest } from '../releases/manifest.js';
import { CLAIM_SETTINGS, type ClaimSetting } from '../claims/model.js';
import { anyRefMatches, parseRefItem, type NoteRef } from './code-refs.js';
import { listCodes, type ClaimContext } from './context.js';
import type { FindingSink } from './finding.js';

export const COVERAGE_FORMAT = 'medcoder-coverage/1';

export interface CoveragePolicy {
  id: string;
  title: string;
  kind?: string;
  effectiveFrom: string;
  effectiveTo: string;
  settings?: ClaimSetting[];
  procedures: string[];
  coveredDiagnoses: string[];
  note?: string;
}

export interface CoverageCompiled {
  title?: string;
  policies: CoveragePolicy[];
}

export const COVERAGE_FILE = 'coverage.json';

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** Parse and check a coverage file; errors name the policy and field. */
export function parseCoverage(text: string, path: string): { data: CoverageCompiled; year: number } {
  let raw: { format?: string; title?: string; year?: number; policies?: unknown[] };
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MedcoderError('SOURCE_MALFORMED', `${path}: not JSON: ${(e as Error).message}`, { path });
  }
  if (raw.format !== COVERAGE_FORMAT) throw new MedcoderError('SOURCE_MALFORMED', `${path}: "format" must be "${COVERAGE_FORMAT}"`, { path });
  if (!Array.isArray(raw.policies) || !raw.policies.length) throw new MedcoderError('SOURCE_MALFORMED', `${path}: no "policies"`, { path });
  const policies = raw.policies.map((p, i) => {
    const o = p as Partial<CoveragePolicy>;
    const where = `${path} policies[${i}]${o.id ? ` (${o.id})` : ''}`;
    const bad = (field: string, why: string) => new MedcoderError('SOURCE_MALFORMED', `${where}.${field}: ${why}`, { path, field });
    if (!o.id || typeof o.id !== 'string') throw bad('id', 'required');
    if (!o.effectiveFrom || !ISO.test(o.effectiveFrom)) throw bad('effectiveFrom', 'a date YYYY-MM-DD is required');
    if (o.effectiveTo && !ISO.test(o.effectiveTo)) throw bad('effectiveTo', 'a date YYYY-MM-DD, or ""');
    if (!Array.isArray(o.procedures) || !o.procedures.length) throw bad('procedures', 'a list of CPT/HCPCS codes is required');
    if (!Array.isArray(o.coveredDiagnoses) || !o.coveredDiagnoses.length) throw bad('coveredDiagnoses', 'a list of ICD-10-CM codes or ranges is required');
    for (const d of o.coveredDiagnoses) if (!parseRefItem(String(d))) throw bad('coveredDiagnoses', `"${d}" is not a code, a code with "-", or a range`);
    for (const s of o.settings ?? []) if (!(CLAIM_SETTINGS as readonly string[]).includes(s)) throw bad('settings', `"${s}" is not one of ${CLAIM_SETTINGS.join(', ')}`);
    const policy: CoveragePolicy = {
      id: o.id,
      title: o.title ?? o.id,
      effectiveFrom: o.effectiveFrom,
      effectiveTo: o.effectiveTo ?? '',
      procedures: o.procedures.map((c) => String(c).trim().toUpperCase()),
      coveredDiagnoses: o.coveredDiagnoses.map(String),
      ...(o.kind ? { kind: o.kind } : {}),
      ...(o.settings ? { settings: o.settings } : {}),
      ...(o.note ? { note: o.note } : {}),
    };
    return policy;
  });
  const year = typeof raw.year === 'number' ? raw.year : Math.min(...policies.map((p) => Number(p.effectiveFrom.slice(0, 4))));
  return { data: { ...(raw.title ? { title: raw.title } : {}), policies }, year };
}

interface LoadedPolicy extends CoveragePolicy {
  covered: NoteRef[];
  procedureRefs: NoteRef[];
}

export class CoverageTable {
  private readonly policies: LoadedPolicy[];
  private readonly byCode = new Map<string, LoadedPolicy[]>();
  private readonly ranged: LoadedPolicy[] = [];

  constructor(readonly data: CoverageCompiled, readonly label: string) {
    this.policies = data.policies.map((p) => ({
      ...p,
      covered: p.coveredDiagnoses.map((d) => parseRefItem(d)!),
      procedureRefs: p.procedures.map((c) => parseRefItem(c) ?? { text: c, from: c }),
    }));
    for (const p of this.policies) {
      for (const c of p.procedures) {
        if (/^[0-9A-Z]{5}$/.test(c)) (this.byCode.get(c) ?? this.byCode.set(c, []).get(c)!).push(p);
        else if (!this.ranged.includes(p)) this.ranged.push(p);
      }
    }
  }

  static fromCompiled(data: unknown, manifest: ReleaseManifest): CoverageTable {
    return new CoverageTable(data as CoverageCompiled, manifest.label);
  }

  /** Policies that govern a procedure code on a date in a setting. */
  policiesFor(code: string, date: string, setting: ClaimSetting): LoadedPolicy[] {
    const out: LoadedPolicy[] = [];
    const consider = (p: LoadedPolicy) => {
      if (p.effectiveFrom > date || (p.effectiveTo && date > p.effectiveTo)) return;
      if (p.settings && !p.settings.includes(setting)) return;
      if (!out.includes(p)) out.push(p);
    };
    for (const p of this.byCode.get(code) ?? []) consider(p);
    for (const p of this.ranged) if (anyRefMatches(p.procedureRefs, code)) consider(p);
    return out;
  }
}

const EXPECTED_DENIAL = new Set(['GA', 'GX', 'GZ']);

export function checkMedicalNecessity(ctx: ClaimContext, sink: FindingSink, table: CoverageTable): void {
  for (const l of ctx.lines) {
    const policies = table.policiesFor(l.code, l.date, ctx.setting);
    if (!policies.length) continue;
    const dx = l.pointers.length ? l.pointers.map((p) => ctx.dx[p - 1]).filter((d) => d !== undefined) : ctx.dx;
    for (const p of policies) {
      if (dx.some((d) => anyRefMatches(p.covered, d.bare))) continue;
      const shown = p.coveredDiagnoses.slice(0, 8);
      sink.emit('medical-necessity.not-covered', {
        codes: [l.code, ...dx.map((d) => d.code)],
        lines: [l.n],
        diagnoses: dx.map((d) => d.pos),
        vars: {
          code: l.code,
          line: l.n,
          policy: p.id,
          title: p.title,
          dx: listCodes(dx.map((d) => d.code)) || 'no diagnosis',
          covered: `${shown.join(', ')}${p.coveredDiagnoses.length > shown.length ? ', …' : ''}`,
          note: p.note ? ` ${p.note}` : '',
        },
        ...(l.modifiers.some((m) => EXPECTED_DENIAL.has(m)) ? { severity: 'warning' as const } : {}),
        source: `${table.label}: ${p.id}`,
      });
    }
  }
}
