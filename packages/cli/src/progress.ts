import cliProgress from 'cli-progress';
import type { Progress, ProgressStep } from '@medcoder/engine';

/** Progress on stderr: bars on a terminal, one line per finished step otherwise. */
export function stderrProgress(opts: { quiet?: boolean; verbose?: boolean } = {}): Progress {
  const tty = Boolean(process.stderr.isTTY);
  return {
    step(label: string, total?: number): ProgressStep {
      const started = Date.now();
      let bar: cliProgress.SingleBar | undefined;
      if (tty && !opts.quiet && total && total > 0) {
        bar = new cliProgress.SingleBar(
          { format: `  ${label} [{bar}] {percentage}%`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
      }
      let seen = 0;
      return {
        advance(by: number) {
          seen += by;
          bar?.update(Math.min(seen, total ?? seen));
        },
        done(summary?: string) {
          bar?.stop();
          if (!opts.quiet) {
            const secs = ((Date.now() - started) / 1000).toFixed(1);
            process.stderr.write(`  ${label}: ${summary ? `${summary} ` : ''}(${secs} s)\n`);
          }
        },
      };
    },
    note(message: string) {
      if (opts.verbose) process.stderr.write(`  note: ${message}\n`);
    },
  };
}
