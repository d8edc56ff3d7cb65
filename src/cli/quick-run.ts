// A command started from its own CommonJS bundle (dist/staged.cjs, dist/verify.cjs: see
// src/launcher.ts): its command line parsed by the quick parser, or handed back.
import type { CommandSpec } from './commands/index.ts';
import { failed } from './failure.ts';
import { exitOnClosedPipe, processIo } from './io.ts';
import { quickArgs } from './quick-args.ts';

/**
 * Runs the command and resolves to the exit code; undefined when the quick parser
 * doesn't take the command line (help, unusual spellings, mistakes): the full CLI parses
 * it again with yargs.
 */
export function quickRun(argv: string[], command: CommandSpec): Promise<number> | undefined {
  const quick = quickArgs(argv, [command]);
  if (!quick) return undefined;
  exitOnClosedPipe();
  const io = processIo();
  return quick.command.run(io, quick.args).catch((e: unknown) => failed(io, e, argv.includes('--debug')));
}
