// The command table, as data. Each command's code is imported only when it runs, and
// yargs only when the quick parser (quick-args.ts) hands over, so start-up stays lean
// (`hfleaks staged` runs on every commit).
import type { Io } from '../io.ts';
import type { OptionTable, PositionalSpec } from '../options.ts';
import { commonOptions, DEBUG, ENV_OPTION as env, maxFileSize, QUIET, SCAN_OPTIONS, STAGED_COMMAND, threads, VERIFY_COMMAND, verifyOptions } from '../options.ts';

export interface CommandSpec {
  /** The yargs command string: name, then positionals (`scan [paths..]`). */
  command: string;
  describe: string;
  positionals?: Record<string, PositionalSpec>;
  options: OptionTable;
  run: (io: Io, args: Record<string, unknown>) => Promise<number>;
}

const submodules: OptionTable = {
  submodules: { type: 'boolean', default: false, describe: 'Also scan the history of submodules whose repository is here (default: list them)' },
};
const unreachable: OptionTable = {
  unreachable: { type: 'boolean', default: false, describe: 'Also scan objects no ref reaches: commits only a reflog keeps (amended, reset, rebased away), dropped stashes, files staged and never committed' },
};

export const COMMANDS: CommandSpec[] = [
  {
    command: 'scan [paths..]',
    describe: 'Scan files and directories (default .); - reads stdin',
    positionals: { paths: { type: 'string', array: true, default: ['.'], describe: 'Files or directories; - for stdin' } },
    options: { ...commonOptions(), ...maxFileSize('files'), ...threads('files') },
    run: async (io, args) => (await import('./scan.ts')).runScan(io, args as never),
  },
  {
    command: 'history [repo]',
    describe: 'Scan git history: every blob reachable from every ref, or what a --range / --since adds',
    positionals: { repo: { type: 'string', describe: 'Repository (a working tree, .git directory or bare repository; default: the current one)' } },
    options: {
      ...commonOptions(),
      range: { type: 'string', describe: 'Only what the commits in BASE..HEAD add (pull requests)', requiresArg: true },
      since: { type: 'string', describe: 'Only what commits since DATE add (2024-01-31, "2 weeks ago")', requiresArg: true },
      ...maxFileSize('blobs'),
      ...threads('blobs, each with its own git reader'),
      ...submodules,
      ...unreachable,
    },
    run: async (io, args) => (await import('./history.ts')).runHistory(io, args as never),
  },
  {
    ...STAGED_COMMAND,
    run: async (io, args) => (await import('./staged.ts')).runStaged(io, args as never),
  },
  {
    command: 'audit [repo]',
    describe: 'Audit a repository: working tree and full history in one report, one finding per secret (verifies by default)',
    positionals: { repo: { type: 'string', describe: 'Repository (default: the current one)' } },
    options: { ...commonOptions({ verifyDefault: true }), ...maxFileSize('files and blobs'), ...threads(''), ...submodules, ...unreachable },
    run: async (io, args) => (await import('./audit.ts')).runAudit(io, args as never),
  },
  {
    command: 'baseline [path]',
    describe: 'Record the current findings (fingerprints only) so scans with --baseline FILE report only new ones',
    positionals: { path: { type: 'string', describe: 'Directory or file to scan (default .)' } },
    options: {
      output: { alias: 'o', type: 'string', describe: 'Write the baseline to FILE (default: stdout)', requiresArg: true },
      from: { type: 'string', describe: 'Take the findings from a JSON report (any command, --format json; - for stdin) instead of scanning', requiresArg: true },
      ...SCAN_OPTIONS,
      ...maxFileSize('files'),
      ...threads('files'),
      ...QUIET,
      progress: { type: 'boolean', default: true, describe: 'Progress on stderr when it is a terminal (--no-progress to hide)' },
      ...DEBUG,
    },
    run: async (io, args) => (await import('./baseline.ts')).runBaseline(io, args as never),
  },
  {
    ...VERIFY_COMMAND,
    run: async (io, args) => (await import('./verify.ts')).runVerify(io, args as never),
  },
  {
    command: 'revoke',
    describe: 'Revoke the tokens on stdin (one a line, or --env NAME) for good, through the Hub; asks first, or --yes',
    options: {
      ...verifyOptions(false, true),
      ...env,
      format: { alias: 'f', type: 'string', default: 'text', describe: 'Output format: text, json', requiresArg: true },
      quiet: { alias: 'q', type: 'boolean', default: false, describe: 'No warnings on stderr' },
      ...DEBUG,
    },
    run: async (io, args) => (await import('./revoke.ts')).runRevoke(io, args as never),
  },
  {
    command: 'hook <action>',
    describe: 'Install or uninstall the git pre-commit hook (runs `hfleaks staged`)',
    positionals: { action: { type: 'string', choices: ['install', 'uninstall'], describe: 'install or uninstall' } },
    options: {
      force: { type: 'boolean', default: false, describe: 'Keep an existing pre-commit hook and chain it (it runs first)' },
      quiet: { alias: 'q', type: 'boolean', default: false, describe: 'Say nothing on success' },
    },
    run: async (io, args) => (await import('./hook.ts')).runHook(io, args as never, io.cliPath ?? process.argv[1]!),
  },
];
