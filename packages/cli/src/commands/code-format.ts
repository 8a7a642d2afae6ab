import type { CodedDiagnosis, DiagnosisCoding } from '@medcoder/engine';
import { println } from '../output.js';

/** Human output of a coded note: codes with evidence, rationale and confidence, then suppressed mentions. */
export function printCoding(r: DiagnosisCoding, text: string): void {
  println(`${r.release.label} · ${r.setting} · ${r.codes.length} code${r.codes.length === 1 ? '' : 's'} suggested, ${r.suppressed.length} suppressed`);
  r.codes.forEach((c, i) => {
    const seq = c.sequence && c.sequence !== 'secondary' ? `  [${c.sequence}]` : '';
    println(`${String(i + 1).padStart(3)}. ${c.code.padEnd(9)} ${c.confidence.toFixed(2)}  ${c.title}${seq}`);
    printEvidence(c, text);
    for (const why of c.rationale) println(`        why: ${why.rule ? `[${why.rule}] ` : ''}${why.text}`);
    if (c.context?.length) println(`        context: ${c.context.join(', ')}`);
  });
  if (r.suppressed.length) {
    println('Suppressed:');
    for (const c of r.suppressed) {
      println(`     ${c.code.padEnd(9)} ${c.title}`);
      println(`        ${c.suppression?.reason}: ${c.suppression?.text}`);
      printEvidence(c, text);
    }
  }
  for (const w of r.warnings) println(`warning: ${w}`);
}

function printEvidence(c: CodedDiagnosis, text: string): void {
  for (const e of c.evidence.slice(0, 4)) {
    const from = Math.max(0, e.start - 30);
    const to = Math.min(text.length, e.end + 30);
    const snippet = `${from > 0 ? '…' : ''}${text.slice(from, e.start)}[${text.slice(e.start, e.end)}]${text.slice(e.end, to)}${to < text.length ? '…' : ''}`.replace(/\s+/g, ' ');
    println(`        "${snippet}"  (${e.section}, ${e.start}-${e.end})`);
  }
  if (c.evidence.length > 4) println(`        … ${c.evidence.length - 4} more`);
}
