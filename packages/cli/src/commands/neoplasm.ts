import { Command } from 'commander';
import { CodeSets, lookupNeoplasm, MedcoderError, type NeoplasmBehavior } from '@medcoder/engine';
import { EXIT_INVALID, printJson, println } from '../output.js';
import { setExit } from '../program.js';
import { printAnswerHead, printPath } from './encoder-output.js';

const BEHAVIORS: NeoplasmBehavior[] = ['malignant', 'secondary', 'in-situ', 'benign', 'uncertain', 'unspecified'];

export function neoplasmCommand(): Command {
  return new Command('neoplasm')
    .description('look a site up in the Table of Neoplasms')
    .argument('<site...>', 'e.g. "lung upper lobe"')
    .option('--behavior <b>', `${BEHAVIORS.join(' | ')} (malignant = primary; default: from the words, else malignant)`)
    .option('--date <YYYY-MM-DD>', 'date of service (default: today)')
    .option('--json', 'JSON output')
    .action(async (words: string[], opts: { behavior?: string; date?: string; json?: boolean }, cmd: Command) => {
      if (opts.behavior && !BEHAVIORS.includes(opts.behavior as NeoplasmBehavior)) {
        throw new MedcoderError('INVALID_ARGUMENT', `--behavior must be one of ${BEHAVIORS.join(', ')}, got "${opts.behavior}"`, { field: 'behavior' });
      }
      const cs = await CodeSets.open();
      const a = await lookupNeoplasm(cs, words.join(' '), { ...(opts.behavior ? { behavior: opts.behavior as NeoplasmBehavior } : {}), ...(opts.date ? { date: opts.date } : {}) });
      if (opts.json) printJson(a);
      else {
        printAnswerHead(a, 'Table of Neoplasms');
        const p = a.paths[0];
        if (!p) println('  no site matches');
        else {
          printPath(p, 1);
          if (p.table) for (const [col, code] of Object.entries(p.table.cells)) println(`     ${col.padEnd(24)} ${code ?? '—'}`);
        }
      }
      if (a.paths.length === 0) setExit(cmd, EXIT_INVALID);
    });
}
