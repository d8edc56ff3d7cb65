// The command table. Each command's code is imported only when it runs, so start-up
// stays lean (`hfleaks staged` runs on every commit).
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { commonOptions } from '../options.ts';

export interface CommandSpec {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
  run: (io: Io, args: Record<string, unknown>) => Promise<number>;
}

export const COMMANDS: CommandSpec[] = [
  {
    command: 'scan [paths..]',
    describe: 'Scan files and directories (default .); - reads stdin',
    builder: (y) =>
      commonOptions(y)
        .positional('paths', { type: 'string', array: true, default: ['.'], describe: 'Files or directories; - for stdin' })
        .option('max-file-size', { type: 'string', describe: 'Skip (and list) files larger than this (default 512MB)', requiresArg: true })
        .option('concurrency', { type: 'number', describe: 'Files read at once (default 8)', requiresArg: true }) as unknown as Argv,
    run: async (io, args) => (await import('./scan.ts')).runScan(io, args as never),
  },
];
