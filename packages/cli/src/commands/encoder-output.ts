import type { CodeCheck, IndexAnswer, IndexPath } from '@medcoder/engine';
import { println } from '../output.js';

/** Printing of encoder answers shared by the index, neoplasm and drug commands. */

const NOTE_LABELS: Array<[keyof CodeCheck, string]> = [
  ['codeFirst', 'Code first'],
  ['useAdditionalCode', 'Use additional code'],
  ['codeAlso', 'Code also'],
  ['excludes1', 'Excludes1'],
];

export function printCheck(c: CodeCheck, indent: string): void {
  const role = c.role === 'manifestation' ? ' [manifestation, in brackets in the index]' : '';
  println(`${indent}${(c.code ?? c.indexCode).padEnd(9)} ${c.title ?? ''}${role}`);
  println(`${indent}  ${c.message}`);
  for (const s of c.seventh ?? []) println(`${indent}    ${s.code.padEnd(9)} 7th character ${s.char}: ${s.meaning}`);
  for (const ch of c.choices ?? []) println(`${indent}    ${ch.code.padEnd(9)} ${ch.title}`);
  for (const [key, label] of NOTE_LABELS) {
    const notes = c[key] as Array<{ text: string; from: string }> | undefined;
    if (!notes?.length) continue;
    println(`${indent}  ${label}:`);
    for (const n of notes) println(`${indent}    ${n.text}${n.from !== c.code ? `  [${n.from}]` : ''}`);
  }
  if (c.additional?.length) {
    println(`${indent}  Additional code matching the rest of the phrase:`);
    for (const a of c.additional) println(`${indent}    ${a.code.padEnd(9)} ${a.title}`);
  }
}

export function printPath(p: IndexPath, n: number): void {
  const target = p.code ? ` → ${p.code}${p.manifestation ? ` [${p.manifestation}]` : ''}` : '';
  println(`${n}. ${p.text}${target}`);
  if (p.table) println(`   ${p.table.table === 'drug' ? 'Table of Drugs and Chemicals' : 'Table of Neoplasms'}: ${p.table.row.join(', ')} · column "${p.table.column}"`);
  if (p.unresolved) println(`   ${p.unresolved}: nothing in the phrase to look up there`);
  if (p.subterms?.length) println(`   no code at this entry; its subterms: ${p.subterms.join('; ')}`);
  for (const c of p.checks) printCheck(c, '   ');
  if (p.unmatchedWords.length) println(`   words not used by this path: ${p.unmatchedWords.join(' ')}`);
}

export function printAnswerHead(a: IndexAnswer, what: string): void {
  for (const w of a.warnings) process.stderr.write(`warning: ${w}\n`);
  const from = Object.entries(a.indexFrom)
    .filter(([, id]) => id && id !== a.release.id)
    .map(([k, id]) => `${k} from ${id}`);
  println(`${what} · codes checked against ${a.release.label}${from.length ? ` (${from.join(', ')})` : ''}`);
  for (const e of a.expansions) println(`  read "${e.from}" as "${e.to}"`);
  for (const c of a.corrections) println(`  read "${c.from}" as "${c.to}"`);
}
