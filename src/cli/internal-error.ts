// An error no command caught: one line, exit 2 (1 would tell a hook a token was found).
// No imports: the launcher loads this before knowing which command runs.
export function internalError(e: unknown): void {
  process.stderr.write(`hfleaks: internal error: ${(e as Error | undefined)?.message ?? String(e)}\n`);
  process.exitCode = 2;
}

/** Sets the exit code a command resolves to; anything it throws is an internal error. */
export function exitWith(run: Promise<number>): void {
  run.then((code) => {
    process.exitCode = code;
  }, internalError);
}
