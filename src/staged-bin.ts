// dist/staged.cjs: `hfleaks staged` for the pre-commit hook, as one CommonJS file that
// dist/hfleaks.cjs (src/launcher.ts) compiles with a code cache: Node neither starts its
// ES module loader nor resolves a dozen chunks (about 40 ms of a 200 ms run).
import { runStaged } from './cli/commands/staged.ts';
import { failed } from './cli/failure.ts';
import { exitOnClosedPipe, processIo } from './cli/io.ts';
import { STAGED_COMMAND } from './cli/options.ts';
import { quickArgs } from './cli/quick-args.ts';

/**
 * Runs `hfleaks staged …` and resolves to the exit code; undefined when the quick parser
 * doesn't take the command line (help, unusual spellings, mistakes): the full CLI parses
 * it again with yargs.
 */
export function staged(argv: string[]): Promise<number> | undefined {
  const quick = quickArgs(argv, [{ ...STAGED_COMMAND, run: (io, args) => runStaged(io, args as never) }]);
  if (!quick) return undefined;
  exitOnClosedPipe();
  const io = processIo();
  return quick.command.run(io, quick.args).catch((e: unknown) => failed(io, e, argv.includes('--debug')));
}
