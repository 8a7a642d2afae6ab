import { isMedcoderError } from '@medcoder/engine';

/** Exit codes: 0 done, 1 a checked code is not valid, 2 the command could not run. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_ERROR = 2;

export class CliError extends Error {}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function println(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** The one-line reason for a failure. */
export function reason(e: unknown): string {
  if (isMedcoderError(e)) return e.message.split('\n')[0]!;
  return (e as Error).message ?? String(e);
}

/** Full message for errors whose later lines help (download hints). */
export function fullReason(e: unknown): string {
  return (e as Error).message ?? String(e);
}
