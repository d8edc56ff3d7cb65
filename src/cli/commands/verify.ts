// `hfleaks verify`: tokens on standard input, one a line (or in the variable named by
// --env), never in argv. Each line goes through the detector, so a finding carries the
// right rule; then the usual report, with verification on.
import { nextTurn } from '../../core/turn.ts';
import { scanLines } from '../../detect/scanner.ts';
import { readTokenLines, releaseLineReader } from '../../verify/input.ts';
import { isDead } from '../../verify/severity.ts';
import type { Report } from '../../report/types.ts';
import type { Io } from '../io.ts';
import { UsageError, withIo } from '../io.ts';
import type { CommonArgs } from '../options.ts';
import type { Session } from '../session.ts';
import { closeSession, createSession, finish } from '../session.ts';

/** Lines detected between two turns of the event loop, at most (the first slice is one line, then twice as many each time). */
const SLICE = 64;

export interface VerifyCommandArgs extends CommonArgs {
  env?: string;
}

export async function runVerify(io: Io, args: VerifyCommandArgs): Promise<number> {
  // Verification is the point; .hfleaksignore fingerprints don't hide a token you asked about.
  const vargs: VerifyCommandArgs = { ...args, verify: true, ignore: false };
  const session = createSession(io, vargs, io.cwd);
  try {
    return await closeSession(session, () => verifyLines(io, vargs, session));
  } finally {
    releaseLineReader(io.stdin);
  }
}

async function verifyLines(io: Io, args: VerifyCommandArgs, session: Session): Promise<number> {
  const src = await readTokenLines(io, args.env, args.quiet);
  // The Hub is asked about each token as soon as it is found (the session's early
  // verification), in slices that let the answers in between: the first request goes
  // out after one line, not a thousand.
  for (let i = 0, n = 1; i < src.lines.length; i += n, n = Math.min(2 * n, SLICE)) {
    if (i > 0) await nextTurn();
    const lines = src.lines.slice(i, i + n);
    const found = scanLines(session.detector, lines.map((l) => l.text));
    lines.forEach((l, k) => {
      if (!found[k]!.length) return session.warn(`${src.path} line ${l.line}: not a Hugging Face token; skipped`);
      // Columns count from the start of the line as given, leading blanks included.
      for (const m of found[k]!) session.addMatch(src.path, { ...m, line: l.line, column: m.column + l.column - 1, allowed: false });
    });
  }
  session.stats.files = 1;
  session.stats.bytes = src.bytes;
  if (!session.aggregator.findings().length) {
    throw new UsageError(src.lines.length ? 'no Hugging Face token among the lines given' : 'no tokens given: pass them on standard input, one a line, or name a variable with --env');
  }
  // The exit code follows the report's findings: what --baseline left out counts for nothing.
  let report: Report | undefined;
  const seen = withIo(io, { onReport: (r) => {
    report = r;
    io.onReport?.(r);
  } });
  const code = await finish(seen, args, session, 'verify');
  if (code !== 1) return code;
  // 0 when every token is dead (invalid, an expired JWT, or revoked by this run); 1 when any
  // is live or could not be checked.
  return (report?.findings ?? session.aggregator.findings()).some((f) => !isDead(f.verification, f.jwt?.expired) && f.verification?.revoked !== true) ? 1 : 0;
}
