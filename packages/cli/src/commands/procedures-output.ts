import type { EmAnalysis, PcsSuggestion, ProcedureCoding, ProcedureRationale, ServiceLine } from '@medcoder/engine';
import { println } from '../output.js';

/**
 * Text output of procedure and service coding, shared by `medcoder em`,
 * `medcoder procedures` and the procedures part of `medcoder code`.
 */

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** A rationale entry as the diagnosis output shows one: "why: [rule] sentence". */
export const rationaleLine = (r: ProcedureRationale) => `why: ${r.rule ? `[${r.rule}] ` : ''}${r.text}`;

export function printEm(em: EmAnalysis, opts: { heading?: boolean } = {}): void {
  if (opts.heading !== false) println(`E/M ${em.code}  ${em.categoryLabel}  (by ${em.basis === 'mdm' ? 'medical decision making' : em.basis === 'time' ? 'total time' : 'nurse visit'}, confidence ${pct(em.confidence)})`);
  for (const line of em.explanation) println(`  • ${line}`);
  const evidence = [...em.mdm.problems.findings, ...em.mdm.data.findings, ...em.mdm.risk.findings];
  if (evidence.length) {
    println('  Evidence:');
    for (const f of evidence.slice(0, 12)) println(`    [${f.evidence.start}-${f.evidence.end}] "${f.evidence.text.replace(/\s+/g, ' ')}" — ${f.label}${f.item && !f.kind.startsWith('test-') ? ` (${f.item.replace(/\s+/g, ' ')})` : ''}`);
  }
  for (const n of em.notHigher) println(`  Not higher: ${n}`);
  if (em.prolonged) println(`  + ${em.prolonged.code} × ${em.prolonged.units}: ${em.prolonged.reason}`);
  for (const w of em.warnings) println(`  ! ${w}`);
}

export function printPcs(codes: readonly PcsSuggestion[]): void {
  if (!codes.length) {
    println('  (no procedure found)');
    return;
  }
  for (const s of codes) {
    const ev = s.evidence.map((e) => `"${e.text}" [${e.start}-${e.end}]`).join(', ');
    println(`  ${s.code.padEnd(7)}  ${s.title}  (${pct(s.confidence)}${s.complete ? '' : ', incomplete'}${s.status !== 'performed' ? `, ${s.status}` : ''})`);
    println(`           evidence: ${ev}`);
    for (const r of s.rationale) println(`           ${rationaleLine(r)}`);
    if (s.query) println(`           query: ${s.query}`);
  }
}

export function serviceLineText(l: ServiceLine): string {
  const mods = l.modifiers.length ? `-${l.modifiers.map((m) => m.code).join('-')}` : '';
  return `${(l.code + mods).padEnd(12)} ×${l.units}  ${l.title ?? (l.system === 'cpt' ? '(CPT: descriptor from your CPT file)' : '')}`;
}

export function printServices(lines: readonly ServiceLine[]): void {
  if (!lines.length) {
    println('  (no service found)');
    return;
  }
  for (const l of lines) {
    println(`  ${serviceLineText(l)}  (${l.kind}, ${pct(l.confidence)})`);
    if (l.evidence.length) println(`           evidence: ${l.evidence.map((e) => `"${e.text}" [${e.start}-${e.end}]`).join(', ')}`);
    if (l.kind !== 'em') for (const r of l.rationale) println(`           ${rationaleLine(r)}`);
    for (const m of l.modifiers) println(`           modifier ${m.code}: ${m.reason}`);
    if (l.query) println(`           query: ${l.query}`);
    if (l.valid === false) println(`           not valid: ${l.validation}`);
  }
}

/** The procedures part of a coding answer. */
export function printProcedureCoding(p: ProcedureCoding): void {
  if (p.pcs) {
    println(`Procedures (ICD-10-PCS, ${p.pcs.release.label}):`);
    printPcs(p.pcs.codes);
    for (const w of p.pcs.warnings) println(`  ! ${w}`);
  }
  if (p.services) {
    const s = p.services;
    println(`Services (CPT/HCPCS, place of service ${s.placeOfService}, ${s.payer} payer):`);
    printServices(s.lines);
    if (s.emNotBilled) println(`  E/M: ${s.emNotBilled}`);
    if (s.em && !s.emNotBilled) {
      println(`  E/M ${s.em.code}:`);
      printEm(s.em, { heading: false });
    }
    for (const w of s.warnings) println(`  ! ${w}`);
  }
}

/** Rows for batch output (--kind procedures): one per code. */
export function procedureRows(id: string, p: ProcedureCoding): Array<Record<string, string | number>> {
  const rows: Array<Record<string, string | number>> = [];
  for (const s of p.pcs?.codes ?? []) rows.push({ id, kind: 'procedure', system: 'icd10pcs', code: s.code, modifiers: '', units: 1, confidence: s.confidence, title: s.title, evidence: s.evidence.map((e) => e.text).join(' | ') });
  for (const l of p.services?.lines ?? []) rows.push({ id, kind: l.kind === 'em' ? 'em' : 'service', system: l.system, code: l.code, modifiers: l.modifiers.map((m) => m.code).join(','), units: l.units, confidence: l.confidence, title: l.title ?? '', evidence: l.evidence.map((e) => e.text).join(' | ') });
  return rows;
}
