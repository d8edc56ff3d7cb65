// The full command line, through yargs: help, version, every error message and every
// odd spelling of an option. Loaded only when the quick parser hands over.
import yargs from 'yargs';
import type { CommandSpec } from './commands/index.ts';
import { COMMANDS } from './commands/index.ts';
import type { Io } from './io.ts';
import { DASH, UsageError } from './io.ts';
import { VERIFY_GROUP, verifyOptions } from './options.ts';
import { VERSION } from '../core/version.ts';

const HUB_OPTIONS = Object.keys(verifyOptions());

/** Parses argv and runs the command it names; resolves to its exit code (0 after --help or --version). */
export async function runWithYargs(argv: string[], io: Io, commands: readonly CommandSpec[] = COMMANDS): Promise<number> {
  let code: number | undefined;
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
  // it (~30 ms); our errors are one line, so skip that.
  const usage = (parser as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } })
    .getInternalMethods?.()
    .getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
  for (const c of commands) {
    parser = parser.command(
      c.command,
      c.describe,
      (y) => {
        for (const [name, p] of Object.entries(c.positionals ?? {})) y = y.positional(name, p);
        y = y.options(c.options);
        const hub = HUB_OPTIONS.filter((o) => o in c.options);
        return hub.length > 0 ? y.group(hub, VERIFY_GROUP) : y;
      },
      async (args) => {
        code = await c.run(io, args as Record<string, unknown>);
      },
    );
  }
  await parser.parseAsync();
  return code ?? 0;
}
