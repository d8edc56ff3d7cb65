// Options shared by the scanning commands, parsed once by yargs and validated here;
// nothing downstream reads argv.
import type { Argv } from 'yargs';
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

/** Per-command defaults: `audit` passes `{ verifyDefault: true }` (--no-verify turns it off). */
export interface CommonDefaults {
  verifyDefault?: boolean;
}

/** Options that talk to the Hub; with `hubOnly` (endpoint, pacing, --yes) they serve `hfleaks revoke`. */
export function verifyOptions<T>(y: Argv<T>, verifyDefault = false, hubOnly = false): Argv<T> {
  let p = y
    .option('endpoint', { type: 'string', describe: 'Hub endpoint for verification (default: HF_ENDPOINT, else https://huggingface.co); https only, http only to this machine', requiresArg: true })
    .option('verify-concurrency', { type: 'number', describe: 'Requests to the Hub at once (default 4)', requiresArg: true })
    .option('verify-timeout', { type: 'number', describe: 'Seconds per request to the Hub (default 10)', requiresArg: true })
    .option('verify-budget', { type: 'number', describe: 'Seconds for all requests to the Hub together, retries included (default 60)', requiresArg: true })
    .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Revoke without asking (needed when stdin is not a terminal)' });
  if (!hubOnly) {
    p = p
      .option('verify', { type: 'boolean', default: verifyDefault, describe: `Ask the Hub who owns each token and what it can do (default ${verifyDefault ? 'on; --no-verify to skip' : 'off'})` })
      .option('reach', { type: 'boolean', default: false, describe: 'With verification: list the repositories each valid token can see (implies --verify)' })
      .option('revoke', { type: 'boolean', default: false, describe: 'Revoke the valid tokens found, for good (implies --verify; asks first, or --yes)' });
  }
  const names = ['endpoint', 'verify-concurrency', 'verify-timeout', 'verify-budget', 'yes', ...(hubOnly ? [] : ['verify', 'reach', 'revoke'])];
  return p.group(names, 'Verification and revocation:') as unknown as Argv<T>;
}

export function commonOptions<T>(y: Argv<T>, defaults: CommonDefaults = {}): Argv<T & CommonArgs> {
  return verifyOptions(y, defaults.verifyDefault ?? false)
    .option('format', { alias: 'f', type: 'string', default: 'text', describe: 'Report format: text, json, sarif (code scanning), markdown (pull requests, job summaries)', requiresArg: true })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report to FILE (created with mode 0600)', requiresArg: true })
    .option('sarif', { type: 'string', describe: 'Also write a SARIF report to FILE (mode 0600), beside --format', requiresArg: true })
    .option('baseline', { type: 'string', describe: 'Report only findings this baseline lacks (from hfleaks baseline); the exit code follows them', requiresArg: true })
    .option('show-secrets', { type: 'boolean', default: false, describe: 'Print raw tokens instead of redacted ones' })
    .option('config', { alias: 'c', type: 'string', describe: 'Config file with extra rules (default: .hfleaks.json at the root)', requiresArg: true })
    .option('ignore', { type: 'boolean', default: true, describe: 'Honour .gitignore and .hfleaksignore (--no-ignore scans everything)' })
    .option('decode', { type: 'boolean', default: true, describe: 'Look inside base64 and percent-encoded text (--no-decode to skip)' })
    .option('archive-depth', { type: 'number', describe: 'How many nested gzip/zip archives to open (default 3; 0 never opens them)', requiresArg: true })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No warnings or progress on stderr' })
    .option('progress', { type: 'boolean', default: true, describe: 'Progress on stderr when it is a terminal (--no-progress to hide)' })
    .option('color', { type: 'boolean', describe: 'Colour in the text report (default: when stdout is a terminal and NO_COLOR is unset)' })
    .option('debug', { type: 'boolean', default: false, describe: 'Stack traces on errors' }) as unknown as Argv<T & CommonArgs>;
}
