// argv → validated options → the command's run(); returns the exit code:
// 0 nothing found, 1 findings, 2 usage or runtime error.
import { COMMANDS } from './commands/index.ts';
import { failed } from './failure.ts';
import type { Io } from './io.ts';
import { colorWords, commandFirst, quickArgs } from './quick-args.ts';

export async function main(given: string[], io: Io): Promise<number> {
  let argv = commandFirst(given, COMMANDS);
  try {
    argv = colorWords(argv);
    // The plain command lines hooks and scripts use are parsed here; anything else
    // (help, version, errors, unusual spellings) goes to yargs, loaded only then.
    const quick = quickArgs(argv, COMMANDS);
    if (quick) return await quick.command.run(io, quick.args);
    return await (await import('./yargs-main.ts')).runWithYargs(argv, io);
  } catch (failure) {
    return failed(io, failure, argv.includes('--debug'));
  }
}
