import { Command } from 'commander';
import { CodeSets, lookupDrug, MedcoderError, type DrugUse } from '@medcoder/engine';
import { EXIT_INVALID, printJson, println } from '../output.js';
import { setExit } from '../program.js';
import { printAnswerHead, printPath } from './encoder-output.js';

const INTENTS: DrugUse[] = ['accidental', 'intentional', 'assault', 'undetermined', 'adverse', 'underdosing'];

export function drugCommand(): Command {
  return new Command('drug')
    .description('look a substance up in the Table of Drugs and Chemicals')
    .argument('<substance...>', 'e.g. acetaminophen')
    .option('--intent <i>', `${INTENTS.join(' | ')} (poisoning intents, adverse effect, underdosing; default: from the words, else accidental)`)
    .option('--date <YYYY-MM-DD>', 'date of service (default: today)')
    .option('--json', 'JSON output')
    .action(async (words: string[], opts: { intent?: string; date?: string; json?: boolean }, cmd: Command) => {
      if (opts.intent && !INTENTS.includes(opts.intent as DrugUse)) {
        throw new MedcoderError('INVALID_ARGUMENT', `--intent must be one of ${INTENTS.join(', ')}, got "${opts.intent}"`, { field: 'intent' });
      }
      const cs = await CodeSets.open();
      const a = await lookupDrug(cs, words.join(' '), { ...(opts.intent ? { use: opts.intent as DrugUse } : {}), ...(opts.date ? { date: opts.date } : {}) });
      if (opts.json) printJson(a);
      else {
        printAnswerHead(a, 'Table of Drugs and Chemicals');
        const p = a.paths[0];
        if (!p) println('  no substance matches');
        else {
          printPath(p, 1);
          if (p.table) for (const [col, code] of Object.entries(p.table.cells)) println(`     ${col.padEnd(38)} ${code ?? '—'}`);
        }
      }
      if (a.paths.length === 0) setExit(cmd, EXIT_INVALID);
    });
}
