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
        .option('threads', { type: 'number', describe: 'Threads scanning files (default: the CPU count, at most 4)', requiresArg: true }) as unknown as Argv,
    run: async (io, args) => (await import('./scan.ts')).runScan(io, args as never),
  },
  {
    command: 'baseline [path]',
    describe: 'Record the current findings (fingerprints only) so scans with --baseline FILE report only new ones',
    builder: (y) =>
      y
        .positional('path', { type: 'string', describe: 'Directory or file to scan (default .)' })
        .option('output', { alias: 'o', type: 'string', describe: 'Write the baseline to FILE (default: stdout)', requiresArg: true })
        .option('from', { type: 'string', describe: 'Take the findings from a JSON report (any command, --format json; - for stdin) instead of scanning', requiresArg: true })
        .option('config', { alias: 'c', type: 'string', describe: 'Config file with extra rules (default: .hfleaks.json at the root)', requiresArg: true })
        .option('ignore', { type: 'boolean', default: true, describe: 'Honour .gitignore and .hfleaksignore (--no-ignore scans everything)' })
        .option('decode', { type: 'boolean', default: true, describe: 'Look inside base64 and percent-encoded text (--no-decode to skip)' })
        .option('archive-depth', { type: 'number', describe: 'How many nested gzip/zip archives to open (default 3)', requiresArg: true })
        .option('max-file-size', { type: 'string', describe: 'Skip (and list) files larger than this (default 512MB)', requiresArg: true })
        .option('threads', { type: 'number', describe: 'Threads scanning files (default: the CPU count, at most 4)', requiresArg: true })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No warnings or progress on stderr' })
        .option('progress', { type: 'boolean', default: true, describe: 'Progress on stderr when it is a terminal (--no-progress to hide)' })
        .option('debug', { type: 'boolean', default: false, describe: 'Stack traces on errors' }) as unknown as Argv,
    run: async (io, args) => (await import('./baseline.ts')).runBaseline(io, args as never),
  },
];
