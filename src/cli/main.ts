// argv → validated options → the command's run(); returns the exit code:
// 0 nothing found, 1 findings, 2 usage or runtime error.
import { scrubTokenShapes } from '../findings/redact.ts';
import { COMMANDS } from './commands/index.ts';
import type { Io } from './io.ts';
import { UsageError } from './io.ts';
import { PathError, RuleError } from '../core/errors.ts';
import { commandFirst, quickArgs } from './quick-args.ts';

export async function main(given: string[], io: Io): Promise<number> {
  const argv = commandFirst(given, COMMANDS);
  const debug = argv.includes('--debug');
  try {
    // The plain command lines hooks and scripts use are parsed here; anything else
    // (help, version, errors, unusual spellings) goes to yargs, loaded only then.
    const quick = quickArgs(argv, COMMANDS);
    if (quick) return await quick.command.run(io, quick.args);
    return await (await import('./yargs-main.ts')).runWithYargs(argv, io);
  } catch (failure) {
    const e = failure as Error;
    const known = e instanceof UsageError || e instanceof RuleError || e instanceof PathError;
    // One line: yargs spreads some messages over several ("Invalid values:\n  Argument: …").
    const msg = scrubTokenShapes(
      (e?.message ?? String(e))
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' '),
    );
    io.stderr(`hfleaks: ${known ? '' : 'error: '}${msg}\n`);
    if (debug && e?.stack) io.stderr(`${scrubTokenShapes(e.stack)}\n`);
    return 2;
  }
}
