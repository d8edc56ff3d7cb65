// dist/verify.cjs: `hfleaks verify` as one CommonJS file with a code cache, as
// src/staged-bin.ts is for the hook: the first request to the Hub goes out about 40 ms
// sooner than through the full CLI's ES modules.
import { runVerify } from './cli/commands/verify.ts';
import { VERIFY_COMMAND } from './cli/options.ts';
import { quickRun } from './cli/quick-run.ts';

/** `hfleaks verify …`, or undefined for the full CLI to parse (see quickRun). */
export function run(argv: string[]): Promise<number> | undefined {
  return quickRun(argv, { ...VERIFY_COMMAND, run: (io, args) => runVerify(io, args as never) });
}
