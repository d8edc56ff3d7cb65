// dist/staged.cjs: `hfleaks staged` for the pre-commit hook, as one CommonJS file that
// dist/hfleaks.cjs (src/launcher.ts) compiles with a code cache: Node neither starts its
// ES module loader nor resolves a dozen chunks (about 40 ms of a 200 ms run).
import { runStaged } from './cli/commands/staged.ts';
import { STAGED_COMMAND } from './cli/options.ts';
import { quickRun } from './cli/quick-run.ts';

/** `hfleaks staged …`, or undefined for the full CLI to parse (see quickRun). */
export function run(argv: string[]): Promise<number> | undefined {
  return quickRun(argv, { ...STAGED_COMMAND, run: (io, args) => runStaged(io, args as never) });
}
