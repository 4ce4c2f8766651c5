/**
 * The headless diffprobe CLI: `diffprobe <command> [args]`. Run by bin/diffprobe.mjs through tsx.
 * Each command lives in ./commands, what they share in ./shared. A failure prints one line to
 * stderr: status 1 for bad input, 2 for an internal error (whose stack trace --debug adds).
 */
import { ckaCommand } from './commands/cka';
import { ckaMatrixCommand } from './commands/ckaMatrix';
import { extractCommand } from './commands/extract';
import { inspectCommand } from './commands/inspect';
import { sweepCommand } from './commands/sweep';
import { workerCommand } from './commands/worker';
import { CliError } from './shared/errors';
import { reportError } from './shared/exit';
import { processIo, type Io } from './shared/io';
import { USAGE } from './usage';

export type { Io } from './shared/io';
export { USAGE } from './usage';

type Command = (args: readonly string[], io: Io) => void | Promise<void>;

const COMMANDS: Record<string, Command> = {
  inspect: inspectCommand,
  extract: extractCommand,
  cka: ckaCommand,
  'cka-matrix': ckaMatrixCommand,
  sweep: sweepCommand,
  worker: workerCommand,
  help: (_args, io) => io.out(USAGE),
  '--help': (_args, io) => io.out(USAGE),
  '-h': (_args, io) => io.out(USAGE),
};

/** Runs the CLI on `argv` (without node and script); resolves to the exit status. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const debug = argv.includes('--debug');
  const [command, ...rest] = argv.filter((a) => a !== '--debug');
  try {
    if (command === undefined) throw new CliError('give a command (try: diffprobe help)');
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) throw new CliError(`unknown command "${command}" (try: diffprobe help)`);
    await run(rest, io);
    return 0;
  } catch (e) {
    const { status, text } = reportError(e, debug);
    io.err(text);
    return status;
  }
}
