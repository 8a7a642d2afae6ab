import { Command } from 'commander';
import { CodeSets, lookupIndex } from '@medcoder/engine';
import { EXIT_INVALID, printJson, println } from '../output.js';
import { setExit } from '../program.js';
import { printAnswerHead, printPath } from './encoder-output.js';

export function indexCommand(): Command {
  return new Command('index')
    .description('look a condition up in the ICD-10-CM Alphabetic Index: the path of main term and subterms, the code, and what to verify in the Tabular List')
    .argument('<phrase...>', 'e.g. "diabetes type 2 with chronic kidney disease stage 3a"')
    .option('--external', 'walk the External Cause Index instead')
    .option('--limit <n>', 'most paths', '3')
    .option('--date <YYYY-MM-DD>', 'date of service (default: today)')
    .option('--json', 'JSON output')
    .action(async (words: string[], opts: { external?: boolean; limit: string; date?: string; json?: boolean }, cmd: Command) => {
      const phrase = words.join(' ');
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive whole number, got "${opts.limit}"`);
      const cs = await CodeSets.open();
      const a = await lookupIndex(cs, phrase, { limit, ...(opts.external ? { external: true } : {}), ...(opts.date ? { date: opts.date } : {}) });
      if (opts.json) printJson(a);
      else {
        printAnswerHead(a, opts.external ? 'External Cause Index' : 'Alphabetic Index');
        if (a.paths.length === 0) println('  no index entry matches');
        a.paths.forEach((p, i) => printPath(p, i + 1));
      }
      if (a.paths.length === 0) setExit(cmd, EXIT_INVALID);
    });
}
