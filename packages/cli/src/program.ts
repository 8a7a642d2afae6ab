import { Command, CommanderError } from 'commander';
import { isMedcoderError } from '@medcoder/engine';
import { codesetsCommand } from './commands/codesets.js';
import { lookupCommand } from './commands/lookup.js';
import { validateCommand } from './commands/validate.js';
import { crosswalkCommand } from './commands/crosswalk.js';
import { editsCommand } from './commands/edits.js';
import { hccCommand } from './commands/hcc.js';
import { claimCommand } from './commands/claim.js';
import { startCommand } from './commands/start.js';
import { searchCommand } from './commands/search.js';
import { indexCommand } from './commands/index-term.js';
import { neoplasmCommand } from './commands/neoplasm.js';
import { drugCommand } from './commands/drug.js';
import { pcsCommand } from './commands/pcs.js';
import { codeCommand } from './commands/code.js';
import { evalCommand } from './commands/eval.js';
import { emCommand } from './commands/em.js';
import { proceduresCommand } from './commands/procedures.js';
import { serveCommand, ingestCommand, auditTrailCommand } from './commands/server.js';
import { EXIT_ERROR, fullReason, reason } from './output.js';

export function buildProgram(): Command {
  const program = new Command('medcoder')
    .description('medcoder: official code sets, lookup and validation by date of service')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(startCommand());
  program.addCommand(codesetsCommand());
  program.addCommand(lookupCommand());
  program.addCommand(validateCommand());
  program.addCommand(crosswalkCommand());
  program.addCommand(editsCommand());
  program.addCommand(hccCommand());
  program.addCommand(claimCommand());
  program.addCommand(searchCommand());
  program.addCommand(indexCommand());
  program.addCommand(neoplasmCommand());
  program.addCommand(drugCommand());
  program.addCommand(pcsCommand());
  program.addCommand(codeCommand());
  program.addCommand(evalCommand());
  program.addCommand(emCommand());
  program.addCommand(proceduresCommand());
  program.addCommand(serveCommand());
  program.addCommand(ingestCommand());
  program.addCommand(auditTrailCommand());
  return program;
}

/** Run the CLI; resolves to the process exit code. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  // Usage errors of any subcommand exit 2 with commander's one-line message, like every other failure.
  const overrideAll = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(overrideAll);
  };
  overrideAll(program);
  let exitCode = 0;
  program.hook('postAction', (_this, action) => {
    const c = (action as Command & { exitCodeValue?: number }).exitCodeValue;
    if (typeof c === 'number') exitCode = c;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : EXIT_ERROR;
    }
    const msg = isMedcoderError(e) && (e.code === 'NO_RELEASES_FOUND') ? fullReason(e) : reason(e);
    process.stderr.write(`medcoder: ${msg}\n`);
    return EXIT_ERROR;
  }
}

/** Set the exit code a command wants (commands never call process.exit). */
export function setExit(cmd: Command, code: number): void {
  (cmd as Command & { exitCodeValue?: number }).exitCodeValue = code;
}
