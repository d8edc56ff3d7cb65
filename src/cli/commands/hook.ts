// `hfleaks hook install|uninstall`: the git pre-commit hook.
import { HookError, installHook, uninstallHook } from '../../hook/install.ts';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';

export interface HookArgs {
  action: string;
  force?: boolean;
  quiet?: boolean;
}

export async function runHook(io: Io, args: HookArgs, cli: string): Promise<number> {
  try {
    let what: string;
    if (args.action === 'install') what = await installHook({ cwd: io.cwd, env: io.env, force: Boolean(args.force), node: process.execPath, cli });
    else if (args.action === 'uninstall') what = await uninstallHook(io.cwd, io.env);
    else throw new UsageError(`hook: unknown action "${args.action}" (install or uninstall)`);
    if (!args.quiet) io.stderr(`hfleaks: ${what}\n`);
    return 0;
  } catch (e) {
    if (e instanceof HookError) throw new UsageError(e.message);
    throw e;
  }
}
