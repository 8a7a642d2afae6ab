/**
 * Progress for long steps. The engine reports; the CLI draws bars on stderr.
 * Nothing is printed by the engine itself.
 */
export interface Progress {
  /** A step starts; total is in the unit the step counts (bytes, rows). */
  step(label: string, total?: number): ProgressStep;
  /** A one-line remark (skipped file, rule applied). */
  note(message: string): void;
}

export interface ProgressStep {
  advance(by: number): void;
  done(summary?: string): void;
}

export const silentProgress: Progress = {
  step: () => ({ advance: () => undefined, done: () => undefined }),
  note: () => undefined,
};
