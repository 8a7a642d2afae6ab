import { Command } from 'commander';
import { CodeSets, type Validation } from '@medcoder/engine';
import { EXIT_INVALID, printJson } from '../output.js';
import { setExit } from '../program.js';
import { printValidation } from './lookup.js';
import { systemFor } from './system.js';

export function validateCommand(): Command {
  return new Command('validate')
    .description('check codes for the date of service; exit status 1 when any is not valid')
    .argument('<codes...>', 'codes, with or without dots')
    .option('--system <system>', 'icd10cm | icd10pcs | hcpcs | cpt | icd9cm | icd9pcs (default: guessed per code)')
    .option('--date <YYYY-MM-DD>', 'date of service (default: today)')
    .option('--json', 'JSON output')
    .action(async (codes: string[], opts: { system?: string; date?: string; json?: boolean }, cmd: Command) => {
      const cs = await CodeSets.open();
      const results: Validation[] = [];
      for (const code of codes) {
        const system = await systemFor(code, opts.system, cs, opts.date);
        results.push(await cs.validate(system, code, opts.date ? { date: opts.date } : {}));
      }
      if (opts.json) printJson(results);
      else results.forEach(printValidation);
      if (results.some((r) => !r.valid)) setExit(cmd, EXIT_INVALID);
    });
}
