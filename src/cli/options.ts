// Options shared by the scanning commands, parsed once by yargs and validated here;
// nothing downstream reads argv.
import type { Argv } from 'yargs';

export interface CommonArgs {
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
}

export function commonOptions<T>(y: Argv<T>): Argv<T & CommonArgs> {
  return y
    .option('format', { alias: 'f', type: 'string', default: 'text', describe: 'Report format: text, json', requiresArg: true })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report to FILE (created with mode 0600)', requiresArg: true })
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
