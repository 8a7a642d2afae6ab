import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { LAYER_LABELS, LAYERS, MedcoderError, Scrubber, type Finding, type LayerId, type ScrubResult } from '@medcoder/engine';
import { EXIT_INVALID, printJson, println } from '../output.js';
import { setExit } from '../program.js';

const parseLayers = (v: string, prev: string[] = []) => {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const l of list) if (!(LAYERS as readonly string[]).includes(l)) throw new MedcoderError('INVALID_ARGUMENT', `unknown layer "${l}" (${LAYERS.join(', ')})`, { field: 'layer' });
  return [...prev, ...list];
};

export function editsCommand(): Command {
  return new Command('edits')
    .description('run a claim through the claim edits (validity, ICD-10-CM instructions, MCE, POA, NCCI, MUE, add-on codes, medical necessity); exit status 1 when any hard stop')
    .argument('<claim.json>', 'a claim (or an array of claims) in the medcoder claim format')
    .option('--skip <layers>', `layers to switch off, comma-separated (${LAYERS.join(', ')})`, parseLayers)
    .option('--only <layers>', 'run only these layers, comma-separated', parseLayers)
    .option('--json', 'JSON output')
    .action(async (file: string, opts: { skip?: string[]; only?: string[]; json?: boolean }, cmd: Command) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new MedcoderError('INVALID_ARGUMENT', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path: file });
      }
      let input: unknown;
      try {
        input = JSON.parse(text);
      } catch (e) {
        throw new MedcoderError('INVALID_CLAIM', `${file} is not JSON: ${(e as Error).message}`, { path: file });
      }
      const layers: Partial<Record<LayerId, boolean>> = {};
      for (const l of LAYERS) {
        if (opts.only && !opts.only.includes(l)) layers[l] = false;
        if (opts.skip?.includes(l)) layers[l] = false;
      }
      const scrubber = await Scrubber.open({ layers });
      const claims = Array.isArray(input) ? input : [input];
      const results: ScrubResult[] = [];
      for (const c of claims) results.push(await scrubber.scrub(c));
      if (opts.json) printJson(Array.isArray(input) ? results : results[0]);
      else results.forEach((r, i) => printResult(r, i > 0));
      if (results.some((r) => r.hardStop)) setExit(cmd, EXIT_INVALID);
    });
}

function where(f: Finding): string {
  const parts: string[] = [];
  if (f.lines.length) parts.push(`${f.lines.length === 1 ? 'line' : 'lines'} ${f.lines.join(', ')}`);
  if (f.diagnoses.length) parts.push(`${f.diagnoses.length === 1 ? 'diagnosis' : 'diagnoses'} ${f.diagnoses.join(', ')}`);
  return parts.join(' · ');
}

export function printResult(r: ScrubResult, gap = false): void {
  if (gap) println();
  const verdict = r.hardStop ? 'HARD STOP' : r.warnings ? 'review the warnings' : 'clean';
  println(`Claim ${r.claimId}: ${r.errors} ${r.errors === 1 ? 'error' : 'errors'}, ${r.warnings} ${r.warnings === 1 ? 'warning' : 'warnings'} — ${verdict}`);
  const ordered = [...r.findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  for (const f of ordered) {
    println();
    const loc = where(f);
    println(`${f.severity === 'error' ? 'ERROR  ' : 'WARNING'} ${LAYER_LABELS[f.layer]}${loc ? ` · ${loc}` : ''}  [${f.rule}]`);
    println(`  ${f.message}`);
    if (f.fix) println(`  Fix: ${f.fix}`);
    if (f.source) println(`  Source: ${f.source}`);
  }
  println();
  println('Layers:');
  for (const l of r.layers) {
    const state = l.ran ? 'ran' : 'not run';
    println(`  ${LAYER_LABELS[l.layer].padEnd(30)} ${state.padEnd(8)}${l.sources.length ? ` ${l.sources.join('; ')}` : ''}`);
    for (const n of l.notes) println(`  ${''.padEnd(30)} note: ${n}`);
  }
}
