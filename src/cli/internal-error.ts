// An error no command caught: one line, exit 2 (1 would tell a hook a token was found).
// No imports: the launcher loads this before knowing which command runs.
export function internalError(e: unknown): void {
  process.stderr.write(`hfleaks: internal error: ${(e as Error | undefined)?.message ?? String(e)}\n`);
  process.exitCode = 2;
}

/** Sets the exit code a command resolves to; anything it throws is an internal error. */
export function exitWith(run: Promise<number>): void {
  // Node exits when nothing is left to wait for, with code 0 unless told otherwise: a
  // command stuck on something that can never happen (a read from a stream that already
  // ended) would pass for a clean run, with no report. A run that never settled is an error.
  let settled = false;
  run.then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (e: unknown) => {
      settled = true;
      internalError(e);
    },
  );
  process.once('beforeExit', () => {
    if (settled) return;
    process.stderr.write('hfleaks: internal error: the command stopped before it finished\n');
    process.exitCode = 2;
  });
}
