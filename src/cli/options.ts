// Options as data: one table per command, read by yargs (help, validation, every odd
// case) and by the quick parser of the hook path (src/cli/quick-args.ts). Nothing
// downstream reads argv.
import type { VerifyArgs } from '../verify/settings.ts';

/** Verification with the Hub (see verifyOptions) comes from VerifyArgs. */
export interface CommonArgs extends VerifyArgs {
  format: string;
  output?: string;
  showSecrets?: boolean;
  quiet?: boolean;
  progress?: boolean;
  debug?: boolean;
  color?: boolean;
  config?: string;
  ignore?: boolean;
  decode?: boolean;
  archiveDepth?: number;
  /** Also write SARIF to this file (mode 0600), whatever --format is. */
  sarif?: string;
  /** Report only findings whose fingerprint this baseline file lacks. */
  baseline?: string;
}

/** One option, in the shape yargs' .option() takes (the subset we use). */
export interface OptionSpec {
  type: 'string' | 'boolean' | 'number';
  describe: string;
  alias?: string;
  default?: string | boolean | number;
  requiresArg?: boolean;
}
export type OptionTable = Record<string, OptionSpec>;

/** The keys yargs sets for an option: its name, the camelCase form, and its alias. */
export function optionKeys(name: string, spec: OptionSpec): string[] {
  const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return [...new Set([name, camel])].concat(spec.alias ? [spec.alias] : []);
}

/** A positional argument, in the shape yargs' .positional() takes. */
export interface PositionalSpec {
  type: 'string';
  describe: string;
  array?: boolean;
  default?: string[];
  choices?: string[];
}

/** Per-command defaults: `audit` passes `{ verifyDefault: true }` (--no-verify turns it off). */
export interface CommonDefaults {
  verifyDefault?: boolean;
}

export const VERIFY_GROUP = 'Verification and revocation:';

/** Options that talk to the Hub; with `hubOnly` (endpoint, pacing, --yes) they serve `hfleaks revoke`. */
export function verifyOptions(verifyDefault = false, hubOnly = false): OptionTable {
  const hub: OptionTable = {
    endpoint: { type: 'string', describe: 'Hub endpoint for verification (default: HF_ENDPOINT, else https://huggingface.co); https only, http only to this machine', requiresArg: true },
    'verify-concurrency': { type: 'number', describe: 'Requests to the Hub at once (default 4)', requiresArg: true },
    'verify-timeout': { type: 'number', describe: 'Seconds per request to the Hub (default 10)', requiresArg: true },
    'verify-budget': { type: 'number', describe: "Seconds spent on the Hub, all requests and retries together; not the scan's own time (default 60)", requiresArg: true },
    yes: { alias: 'y', type: 'boolean', default: false, describe: 'Revoke without asking (needed when stdin is not a terminal)' },
  };
  if (hubOnly) return hub;
  return {
    ...hub,
    // Off by default for most commands, but left unset: an explicit --no-verify must be told apart (it contradicts --reach and --revoke).
    verify: { type: 'boolean', ...(verifyDefault ? { default: true } : {}), describe: `Ask the Hub who owns each token and what it can do (default ${verifyDefault ? 'on; --no-verify to skip' : 'off'})` },
    reach: { type: 'boolean', default: false, describe: 'With verification: list the repositories each valid token can see (implies --verify)' },
    revoke: { type: 'boolean', default: false, describe: 'Revoke the valid tokens found, for good (implies --verify; asks first, or --yes)' },
  };
}

/** What to scan and how deep: shared by the scanning commands and `baseline`. */
export const SCAN_OPTIONS: OptionTable = {
  config: { alias: 'c', type: 'string', describe: 'Config file with extra rules (default: .hfleaks.json at the root)', requiresArg: true },
  ignore: { type: 'boolean', default: true, describe: 'Honour .gitignore and .hfleaksignore (--no-ignore scans everything)' },
  decode: { type: 'boolean', default: true, describe: 'Look inside base64, percent-encoded, hex and escaped text (--no-decode to skip)' },
  'archive-depth': { type: 'number', describe: 'How many nested gzip/zip levels to open (tar levels are free; default 3; 0 opens no archive)', requiresArg: true },
};

export const QUIET: OptionTable = { quiet: { alias: 'q', type: 'boolean', default: false, describe: 'No warnings or progress on stderr' } };
export const DEBUG: OptionTable = { debug: { type: 'boolean', default: false, describe: 'Stack traces on errors' } };

export function commonOptions(defaults: CommonDefaults = {}): OptionTable {
  return {
    ...verifyOptions(defaults.verifyDefault ?? false),
    format: { alias: 'f', type: 'string', default: 'text', describe: 'Report format: text, json, sarif (code scanning), markdown (pull requests, job summaries)', requiresArg: true },
    output: { alias: 'o', type: 'string', describe: 'Write the report to FILE (created with mode 0600)', requiresArg: true },
    sarif: { type: 'string', describe: 'Also write a SARIF report to FILE (mode 0600), beside --format', requiresArg: true },
    baseline: { type: 'string', describe: 'Report only findings this baseline lacks (from hfleaks baseline); the exit code follows them', requiresArg: true },
    'show-secrets': { type: 'boolean', default: false, describe: 'Print raw tokens instead of redacted ones' },
    ...SCAN_OPTIONS,
    ...QUIET,
    progress: { type: 'boolean', default: true, describe: 'Progress on stderr when it is a terminal (--no-progress to hide)' },
    color: { type: 'boolean', describe: 'Colour in the text report (default: when stdout is a terminal and NO_COLOR is unset)' },
    ...DEBUG,
  };
}

export const threads = (what: string): OptionTable => ({
  threads: { type: 'number', describe: `Threads scanning${what ? ` ${what}` : ''} (default: the CPU count, at most 4)`, requiresArg: true },
});
export const maxFileSize = (what: string): OptionTable => ({
  'max-file-size': { type: 'string', describe: `Skip (and list) ${what} larger than this (default 512MB)`, requiresArg: true },
});

export const ENV_OPTION: OptionTable = {
  env: { type: 'string', describe: 'Read the token(s) from this environment variable instead of stdin', requiresArg: true },
};

function without(table: OptionTable, ...names: string[]): OptionTable {
  return Object.fromEntries(Object.entries(table).filter(([name]) => !names.includes(name)));
}

/**
 * `hfleaks verify`, here for the same reason as `staged` below: its own bundle
 * (src/verify-bin.ts) starts it without the command table.
 */
export const VERIFY_COMMAND = {
  command: 'verify',
  describe: 'Ask the Hub who owns each token on stdin (one a line, or --env NAME) and what it can reach',
  // Verifying is what this command does: no --verify/--no-verify. Nothing is walked: no --ignore.
  options: { ...without(commonOptions({ verifyDefault: true }), 'verify', 'ignore'), ...ENV_OPTION },
};

/** `hfleaks staged`: here rather than in the command table so the hook's bundle (src/staged-bin.ts) needs no other command. */
export const STAGED_COMMAND = {
  command: 'staged',
  describe: 'Scan what the next commit would add (the index against HEAD); for pre-commit hooks',
  options: { ...commonOptions(), ...maxFileSize('blobs') } as OptionTable,
};
