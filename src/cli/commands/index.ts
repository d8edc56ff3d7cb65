// The command table. Each command's code is imported only when it runs, so start-up
// stays lean (`hfleaks staged` runs on every commit).
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { commonOptions, verifyOptions } from '../options.ts';

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
    command: 'history [repo]',
    describe: 'Scan git history: every blob reachable from every ref, or what a --range / --since adds',
    builder: (y) =>
      commonOptions(y)
        .positional('repo', { type: 'string', describe: 'Repository (a working tree, .git directory or bare repository; default: the current one)' })
        .option('range', { type: 'string', describe: 'Only what the commits in BASE..HEAD add (pull requests)', requiresArg: true })
        .option('since', { type: 'string', describe: 'Only what commits since DATE add (2024-01-31, "2 weeks ago")', requiresArg: true })
        .option('max-file-size', { type: 'string', describe: 'Skip (and list) blobs larger than this (default 512MB)', requiresArg: true })
        .option('threads', { type: 'number', describe: 'Threads scanning blobs, each with its own git reader (default: the CPU count, at most 4)', requiresArg: true })
        .option('submodules', { type: 'boolean', default: false, describe: 'Also scan the history of submodules whose repository is here (default: list them)' }) as unknown as Argv,
    run: async (io, args) => (await import('./history.ts')).runHistory(io, args as never),
  },
  {
    command: 'staged',
    describe: 'Scan what the next commit would add (the index against HEAD); for pre-commit hooks',
    builder: (y) =>
      commonOptions(y).option('max-file-size', { type: 'string', describe: 'Skip (and list) blobs larger than this (default 512MB)', requiresArg: true }) as unknown as Argv,
    run: async (io, args) => (await import('./staged.ts')).runStaged(io, args as never),
  },
  {
    command: 'audit [repo]',
    describe: 'Audit a repository: working tree and full history in one report, one finding per secret (verifies by default)',
    builder: (y) =>
      commonOptions(y, { verifyDefault: true })
        .positional('repo', { type: 'string', describe: 'Repository (default: the current one)' })
        .option('max-file-size', { type: 'string', describe: 'Skip (and list) files and blobs larger than this (default 512MB)', requiresArg: true })
        .option('threads', { type: 'number', describe: 'Threads scanning (default: the CPU count, at most 4)', requiresArg: true })
        .option('submodules', { type: 'boolean', default: false, describe: 'Also scan the history of submodules whose repository is here (default: list them)' }) as unknown as Argv,
    run: async (io, args) => (await import('./audit.ts')).runAudit(io, args as never),
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
  {
    command: 'verify',
    describe: 'Ask the Hub who owns each token on stdin (one a line, or --env NAME) and what it can reach',
    builder: (y) =>
      commonOptions(y, { verifyDefault: true })
        .option('env', { type: 'string', describe: 'Read the token(s) from this environment variable instead of stdin', requiresArg: true }) as unknown as Argv,
    run: async (io, args) => (await import('./verify.ts')).runVerify(io, args as never),
  },
  {
    command: 'revoke',
    describe: 'Revoke the tokens on stdin (one a line, or --env NAME) for good, through the Hub; asks first, or --yes',
    builder: (y) =>
      verifyOptions(y, false, true)
        .option('env', { type: 'string', describe: 'Read the token(s) from this environment variable instead of stdin', requiresArg: true })
        .option('format', { alias: 'f', type: 'string', default: 'text', describe: 'Output format: text, json', requiresArg: true })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No warnings on stderr' })
        .option('debug', { type: 'boolean', default: false, describe: 'Stack traces on errors' }) as unknown as Argv,
    run: async (io, args) => (await import('./revoke.ts')).runRevoke(io, args as never),
  },
  {
    command: 'hook <action>',
    describe: 'Install or uninstall the git pre-commit hook (runs `hfleaks staged`)',
    builder: (y) =>
      y
        .positional('action', { type: 'string', choices: ['install', 'uninstall'], describe: 'install or uninstall' })
        .option('force', { type: 'boolean', default: false, describe: 'Keep an existing pre-commit hook and chain it (it runs first)' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Say nothing on success' }) as unknown as Argv,
    run: async (io, args) => (await import('./hook.ts')).runHook(io, args as never, io.cliPath ?? process.argv[1]!),
  },
];
