// argv → validated options → the command's run(); returns the exit code:
// 0 nothing found, 1 findings, 2 usage or runtime error.
import yargs from 'yargs';
import { scrubTokenShapes } from '../findings/redact.ts';
import { COMMANDS } from './commands/index.ts';
import type { Io } from './io.ts';
import { DASH, UsageError } from './io.ts';
import { PathError, RuleError } from '../core/errors.ts';
import { VERSION } from '../core/version.ts';

export async function main(argv: string[], io: Io): Promise<number> {
  let code: number | undefined;
  let failure: unknown;
  const debug = argv.includes('--debug');
  let parser = yargs(argv.map((a) => (a === '-' ? DASH : a)))
    .scriptName('hfleaks')
    .usage('$0 <command> [options]\n\nFind, verify and revoke leaked Hugging Face tokens.')
    .strict()
    .exitProcess(false)
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .demandCommand(1, 'Name a command (hfleaks --help lists them).')
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  // yargs renders the whole help text after every command just in case an error needs
  // it (~30 ms); our errors are one line, so skip that on the hot path (hooks).
  const usage = (parser as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } })
    .getInternalMethods?.()
    .getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
  for (const c of COMMANDS) {
    parser = parser.command(c.command, c.describe, c.builder, async (args) => {
      code = await c.run(io, args as Record<string, unknown>);
    });
  }
  try {
    await parser.parseAsync();
  } catch (e) {
    failure = e;
  }
  if (failure !== undefined) {
    const e = failure as Error;
    const known = e instanceof UsageError || e instanceof RuleError || e instanceof PathError;
    const msg = scrubTokenShapes((e?.message ?? String(e)).split('\n')[0]!);
    io.stderr(`hfleaks: ${known ? '' : 'error: '}${msg}\n`);
    if (debug && e?.stack) io.stderr(`${scrubTokenShapes(e.stack)}\n`);
    return 2;
  }
  // --help and --version print and return without running a command.
  return code ?? 0;
}
