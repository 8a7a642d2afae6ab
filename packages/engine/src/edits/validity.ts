/**
 * Layer 1, validity: every code exists and may be reported in the release in
 * force on its date (ICD-10-CM on the diagnosis date, ICD-10-PCS on the
 * procedure date, HCPCS and CPT on the line date), with the 7th-character and
 * placeholder rules the releases apply, and every modifier is a known one.
 */
import { readFileSync } from 'node:fs';
import type { HcpcsRelease } from '../hcpcs/release.js';
import type { Icd10cmRelease } from '../icd10cm/release.js';
import type { CodeRef, Validation } from '../lookup.js';
import type { CodeHistory } from '../releases/import.js';
import type { CodeSetRelease } from '../releases/release.js';
import type { CodeSystem } from '../systems.js';
import { SYSTEM_LABELS } from '../systems.js';
import { CPT_SHAPE } from '../hcpcs/code.js';
import { listCodes, type ClaimContext } from './context.js';
import type { FindingSink } from './finding.js';

export interface CodeSetAnswer {
  release: CodeSetRelease;
  /** Set when the release is not in force on the date and the newest older one answers. */
  warnings: string[];
}

/** The code-set release in force for a system on a date, preloaded by the scrubber. */
export type CodeSetLookup = (system: CodeSystem, date: string) => CodeSetAnswer | { missing: string };

export interface ValidityOptions {
  /** Which releases each ICD-10-CM code is valid in, to say when a deleted code ended. */
  cmHistory?: CodeHistory;
}

const CPT_MODIFIERS_URL = new URL('../../data/edits/cpt-modifiers.json', import.meta.url);
let cptModifiers: ReadonlySet<string> | undefined;

/** CPT (Level I) modifiers, which the HCPCS Level II file does not hold. */
export function cptModifierSet(): ReadonlySet<string> {
  cptModifiers ??= new Set(Object.keys((JSON.parse(readFileSync(CPT_MODIFIERS_URL, 'utf8')) as { modifiers: Record<string, string> }).modifiers));
  return cptModifiers;
}

const refs = (list: CodeRef[] | undefined, n = 6) =>
  (list ?? [])
    .slice(0, n)
    .map((r) => r.code)
    .join(', ');

/** A coder's next step for an invalid code, from the release's own suggestions. */
export function fixFor(v: Validation): string | undefined {
  const reason = v.reasons[0]?.code;
  if (v.billableChildren?.length) {
    const more = v.billableChildren.length > 6 ? ', …' : '';
    return `Report a billable code below ${v.code} that the record supports: ${refs(v.billableChildren)}${more}`;
  }
  if (reason === 'PLACEHOLDER_REQUIRED' && v.suggestions?.length === 1) return `Write ${v.suggestions[0]!.code}`;
  if (reason === 'SEVENTH_CHARACTER_REQUIRED' || v.reasons.some((r) => r.code === 'SEVENTH_CHARACTER_REQUIRED')) {
    return v.suggestions?.length ? `Add the 7th character for the encounter, e.g. ${refs(v.suggestions, 4)}` : 'Add the 7th character for the encounter';
  }
  if (v.suggestions?.length) return `Check the code against the record; the nearest valid codes are ${refs(v.suggestions, 4)}`;
  return undefined;
}

function reasonText(v: Validation): string {
  return v.reasons.map((r) => r.message).join('; ') || 'not valid';
}

/** "it was valid through ICD-10-CM FY2024 (2024-09-30)" for a code deleted before the release. */
function historyNote(history: CodeHistory | undefined, code: string, release: CodeSetRelease): string {
  const idx = history?.codes[code];
  if (!history || !idx?.length) return '';
  const earlier = idx.map((i) => history.releases[i]!).filter((r) => r.effectiveFrom < release.ref.effectiveFrom);
  const last = earlier[earlier.length - 1];
  return last ? `; it was valid through ${last.label}` : '';
}

export function checkValidity(ctx: ClaimContext, sink: FindingSink, codeSet: CodeSetLookup, opts: ValidityOptions = {}): void {
  const { claim } = ctx;

  // Diagnoses: one ICD-10-CM release for the claim.
  const cm = codeSet('icd10cm', ctx.dxDate);
  if (!('missing' in cm)) {
    const seen = new Map<string, number>();
    for (const d of ctx.dx) {
      const first = seen.get(d.code);
      if (first !== undefined) {
        sink.emit('validity.dx-duplicate', { codes: [d.code], diagnoses: [first, d.pos], vars: { code: d.code, first, pos: d.pos } });
        continue;
      }
      seen.set(d.code, d.pos);
      // The common case first: a billable code of the release.
      if ((cm.release as Icd10cmRelease).node?.(d.code)?.b === 1) continue;
      const v = cm.release.validate(d.code);
      if (v.valid) continue;
      sink.emit('validity.dx-invalid', {
        codes: [d.code],
        diagnoses: [d.pos],
        vars: { code: d.code, pos: d.pos, release: cm.release.ref.label, reason: reasonText(v) + historyNote(opts.cmHistory, v.code, cm.release) },
        ...(fixFor(v) ? { fix: fixFor(v)! } : {}),
        ...(cm.warnings.length ? { severity: 'warning' as const } : {}),
        source: cm.release.ref.label,
      });
    }
    for (const code of [claim.admittingDiagnosis, ...(claim.reasonForVisit ?? [])]) {
      if (!code) continue;
      const v = cm.release.validate(code);
      if (!v.valid) sink.emit('validity.dx-invalid', { codes: [v.code], vars: { code: v.code, pos: 'admitting/reason for visit', release: cm.release.ref.label, reason: reasonText(v) }, source: cm.release.ref.label });
    }
    // A claim whose lines fall in two ICD-10-CM releases must be split at the release boundary.
    if (claim.setting !== 'inpatient' && ctx.lines.length && !cm.warnings.length) {
      const last = ctx.lines.reduce((m, l) => (l.date > m ? l.date : m), ctx.lines[0]!.date);
      if (last > cm.release.ref.effectiveTo) {
        const later = ctx.lines.filter((l) => l.date > cm.release.ref.effectiveTo).map((l) => l.n);
        sink.emit('validity.claim-spans-releases', { codes: [], lines: later, vars: { release: cm.release.ref.label, end: cm.release.ref.effectiveTo } });
      }
    }
  }

  // ICD-10-PCS procedures, each on its own date.
  claim.procedures.forEach((p, i) => {
    const pcs = codeSet('icd10pcs', p.date);
    if ('missing' in pcs) return;
    const v = pcs.release.validate(p.code);
    if (!v.valid) {
      sink.emit('validity.pcs-invalid', {
        codes: [v.code],
        vars: { code: v.code, pos: i + 1, release: pcs.release.ref.label, reason: reasonText(v) },
        ...(fixFor(v) ? { fix: fixFor(v)! } : {}),
        source: pcs.release.ref.label,
      });
    }
    if (claim.admission && (p.date < claim.admission.date || (claim.discharge && p.date > claim.discharge.date))) {
      sink.emit('validity.procedure-outside-stay', { codes: [p.code], vars: { code: p.code, date: p.date } });
    }
  });

  // Service lines: CPT and HCPCS codes and their modifiers, on the line's date.
  const cptMods = cptModifierSet();
  for (const l of ctx.lines) {
    if (!l.system) {
      sink.emit('validity.line-code-form', { codes: [l.code], lines: [l.n], vars: { code: l.code, line: l.n } });
      continue;
    }
    const answer = codeSet(l.system, l.date);
    const stale = !('missing' in answer) && answer.warnings.length > 0;
    if ('missing' in answer) {
      // No CPT release (licensed, the user brings it): only the form can be checked.
      if (l.system === 'cpt' && !CPT_SHAPE.test(l.code)) sink.emit('validity.line-code-form', { codes: [l.code], lines: [l.n], vars: { code: l.code, line: l.n } });
    } else {
      const release = answer.release;
      const label = release.ref.label;
      // The common case first: a HCPCS code of the release (its dates are checked below).
      const known = l.system === 'hcpcs' ? (release as HcpcsRelease).item(l.code) : undefined;
      const v = known?.k === 'code' ? { exists: true, valid: true, code: l.code } as Validation : release.validate(l.code);
      if (!v.exists || (!v.valid && l.system !== 'hcpcs')) {
        sink.emit('validity.line-code-invalid', {
          codes: [v.code],
          lines: [l.n],
          vars: { code: v.code, line: l.n, system: SYSTEM_LABELS[l.system], release: label, reason: reasonText(v) },
          ...(stale ? { severity: 'warning' as const } : {}),
          ...(fixFor(v) ? { fix: fixFor(v)! } : {}),
          source: label,
        });
      } else if (l.system === 'hcpcs') {
        // HCPCS codes carry their own dates: judge them on the line's date, not the release's first day.
        const item = (release as HcpcsRelease).item(l.code);
        const term = item?.a.terminationDate;
        const added = item?.a.addDate;
        if (term && l.date > term) {
          sink.emit('validity.line-code-terminated', {
            codes: [l.code],
            lines: [l.n],
            vars: { code: l.code, line: l.n, end: term, date: l.date },
            ...(item?.a.crossReference?.length ? { fix: `Report ${listCodes(item.a.crossReference)} instead, if it describes the service` } : {}),
            source: label,
          });
        } else if (added && l.date < added) {
          sink.emit('validity.line-code-not-yet', { codes: [l.code], lines: [l.n], vars: { code: l.code, line: l.n, start: added, date: l.date }, source: label });
        }
      }
    }

    // Modifiers: CPT's own, or HCPCS Level II modifiers of the release in force.
    if (l.modifiers.length) checkModifiers(l, sink, codeSet, cptMods);

    // Inpatient and facility lines belong to the stay.
    if (claim.admission && claim.setting === 'inpatient' && (l.date < claim.admission.date || (claim.discharge && l.date > claim.discharge.date))) {
      sink.emit('validity.line-outside-stay', { codes: [l.code], lines: [l.n], vars: { code: l.code, line: l.n, date: l.date } });
    }
  }
}

function checkModifiers(l: ClaimContext['lines'][number], sink: FindingSink, codeSet: CodeSetLookup, cptMods: ReadonlySet<string>): void {
    const hcpcs = codeSet('hcpcs', l.date);
    const hcpcsRelease = 'missing' in hcpcs ? undefined : (hcpcs.release as HcpcsRelease);
    const seen = new Set<string>();
    for (const m of l.modifiers) {
      if (seen.has(m)) {
        sink.emit('validity.modifier-duplicate', { codes: [l.code, m], lines: [l.n], vars: { code: l.code, modifier: m, line: l.n } });
        continue;
      }
      seen.add(m);
      if (cptMods.has(m)) continue;
      const item = hcpcsRelease?.item(m);
      if (item?.k === 'modifier') {
        const term = item.a.terminationDate;
        if (term && l.date > term) sink.emit('validity.modifier-invalid', { codes: [l.code, m], lines: [l.n], vars: { code: l.code, modifier: m, line: l.n, reason: `it ended on ${term}` } });
        continue;
      }
      sink.emit('validity.modifier-invalid', {
        codes: [l.code, m],
        lines: [l.n],
        vars: {
          code: l.code,
          modifier: m,
          line: l.n,
          reason: hcpcsRelease ? `it is neither a CPT modifier nor a HCPCS Level II modifier in ${hcpcsRelease.ref.label}` : 'it is not a CPT modifier and no HCPCS release is imported to check Level II modifiers',
        },
        ...(!hcpcsRelease || ('warnings' in hcpcs && hcpcs.warnings.length) ? { severity: 'warning' as const } : {}),
      });
    }
}
