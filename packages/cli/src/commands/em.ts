import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { analyzeEm, emCategory, MedcoderError, parseDocument, type EmCategory, type EmPayer, EM_CATEGORIES } from '@medcoder/engine';
import { printJson } from '../output.js';
import { printEm } from './procedures-output.js';

const SETTINGS = ['office', 'emergency', 'inpatient-initial', 'inpatient-subsequent', 'discharge'] as const;
type EmSetting = (typeof SETTINGS)[number];

/** Read a note from a file or standard input ("-"). */
export function readNote(file: string): Buffer {
  try {
    return file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (e) {
    throw new MedcoderError('INVALID_ARGUMENT', `cannot read ${file === '-' ? 'standard input' : file}: ${(e as Error).message}`, { path: file });
  }
}

export function emCommand(): Command {
  return new Command('em')
    .description('E/M level of a visit note: each element of medical decision making with its evidence, total time, and why the level is not one higher')
    .argument('<file>', 'the note (a text file, or - for standard input)')
    .option('--setting <setting>', `${SETTINGS.join(' | ')}`, 'office')
    .option('--patient <status>', 'new | established (office visits)', 'established')
    .option('--category <category>', `E/M category instead of --setting/--patient: ${EM_CATEGORIES.join(' | ')}`)
    .option('--payer <payer>', 'commercial | medicare (prolonged-service code and counting)', 'commercial')
    .option('--json', 'JSON output')
    .action((file: string, opts: { setting: string; patient: string; category?: string; payer: string; json?: boolean }) => {
      if (!SETTINGS.includes(opts.setting as EmSetting)) throw new MedcoderError('INVALID_ARGUMENT', `--setting must be one of ${SETTINGS.join(', ')}, not "${opts.setting}"`);
      if (opts.patient !== 'new' && opts.patient !== 'established') throw new MedcoderError('INVALID_ARGUMENT', `--patient must be new or established, not "${opts.patient}"`);
      if (opts.payer !== 'commercial' && opts.payer !== 'medicare') throw new MedcoderError('INVALID_ARGUMENT', `--payer must be commercial or medicare, not "${opts.payer}"`);
      const category = (opts.category ?? emCategory(opts.setting as EmSetting, opts.patient)) as EmCategory;
      const doc = parseDocument(readNote(file));
      const em = analyzeEm(doc, { category, payer: opts.payer as EmPayer });
      if (opts.json) printJson(em);
      else printEm(em);
    });
}
