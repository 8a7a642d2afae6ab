import { Command } from 'commander';
import { CodeSets, importReleases } from '@medcoder/engine';
import { stderrProgress } from '../progress.js';
import { println } from '../output.js';

/**
 * First run on a machine: compile the official releases (skipped when they
 * are already compiled and unchanged), then show what is ready.
 */
export function startCommand(): Command {
  return new Command('start')
    .description('compile the code sets if needed and show what is ready (the quick start)')
    .action(async () => {
      const report = await importReleases({ progress: stderrProgress() });
      const cs = await CodeSets.open({ home: report.home });
      println(`medcoder is ready: ${report.releases.length} releases in ${report.home}`);
      for (const m of cs.releases()) {
        const r = cs.ref(m.id);
        println(`  ${m.label.padEnd(34)} ${r.effectiveFrom}..${r.effectiveTo}`);
      }
      println('');
      println('Try:  npx medcoder lookup E11.22    npx medcoder validate S72.001 S72.001A 0DTJ4ZZ');
    });
}
