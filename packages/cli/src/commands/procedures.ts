import { Command } from 'commander';
import { CodeSets, codeProcedures, MedcoderError, parseDocument, PROCEDURE_SETTINGS, type EmPayer, type ProcedureCodingOptions, type ProcedureSetting } from '@medcoder/engine';
import { printJson } from '../output.js';
import { readNote } from './em.js';
import { printProcedureCoding } from './procedures-output.js';

/** Options shared by `medcoder procedures` and the procedures part of `medcoder code`. */
export interface ProcedureCliOptions {
  setting?: string;
  date?: string;
  payer?: string;
  patient?: string;
  age?: string;
}

/** Check the CLI options and turn them into engine options. */
export function procedureOptions(opts: ProcedureCliOptions, fallbackDate: string): ProcedureCodingOptions {
  const setting = (opts.setting ?? 'professional') as ProcedureSetting;
  if (!PROCEDURE_SETTINGS.includes(setting)) throw new MedcoderError('INVALID_ARGUMENT', `--setting must be one of ${PROCEDURE_SETTINGS.join(', ')}, not "${opts.setting}"`);
  const payer = opts.payer ?? 'commercial';
  if (payer !== 'commercial' && payer !== 'medicare') throw new MedcoderError('INVALID_ARGUMENT', `--payer must be commercial or medicare, not "${payer}"`);
  const patient = opts.patient ?? 'established';
  if (patient !== 'new' && patient !== 'established') throw new MedcoderError('INVALID_ARGUMENT', `--patient must be new or established, not "${patient}"`);
  const out: ProcedureCodingOptions = { setting, date: opts.date ?? fallbackDate, payer: payer as EmPayer, patient };
  if (opts.age !== undefined) {
    const age = Number(opts.age);
    if (!Number.isInteger(age) || age < 0 || age > 130) throw new MedcoderError('INVALID_ARGUMENT', `--age must be a whole number of years, not "${opts.age}"`);
    out.age = age;
  }
  return out;
}

export function proceduresCommand(): Command {
  return new Command('procedures')
    .description('procedures and services of a note: ICD-10-PCS (--setting inpatient) or CPT/HCPCS with E/M, units and modifiers (professional, outpatient)')
    .argument('<file>', 'the note (a text file, or - for standard input)')
    .option('--setting <setting>', 'professional | outpatient | inpatient', 'professional')
    .option('--date <YYYY-MM-DD>', 'date of service (default: today)')
    .option('--payer <payer>', 'commercial | medicare', 'commercial')
    .option('--patient <status>', 'new | established', 'established')
    .option('--age <years>', "patient's age (preventive visits), when the note does not state it")
    .option('--json', 'JSON output')
    .action(async (file: string, opts: ProcedureCliOptions & { json?: boolean }) => {
      const o = procedureOptions(opts, new Date().toISOString().slice(0, 10));
      const cs = await CodeSets.open();
      const result = await codeProcedures(cs, parseDocument(readNote(file)), o);
      if (opts.json) printJson(result);
      else printProcedureCoding(result);
    });
}
