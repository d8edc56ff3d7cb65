// How a command that failed ends: one line on stderr (a stack trace with --debug), exit 2.
import { PathError, RuleError, UsageError } from '../core/errors.ts';
import { scrubTokenShapes, shownText } from '../findings/redact.ts';
import type { Io } from './io.ts';

export function failed(io: Io, failure: unknown, debug: boolean): number {
  const e = failure as Error;
  const known = e instanceof UsageError || e instanceof RuleError || e instanceof PathError;
  // One line: yargs spreads some messages over several ("Invalid values:\n  Argument: …").
  // Names in it come from outside (a file named with terminal escapes must not clear the screen).
  const msg = shownText(
    (e?.message ?? String(e))
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' '),
  );
  io.stderr(`hfleaks: ${known ? '' : 'error: '}${msg}\n`);
  if (debug && e?.stack) io.stderr(`${scrubTokenShapes(e.stack)}\n`);
  return 2;
}
