// What the git commands share: the scan context bound to a session, and git's errors as
// usage errors. Apart from history.ts so that `hfleaks staged` (every commit) loads none
// of the full-history code.
import { maxFileSizeOf } from '../../config.ts';
import { IgnoreMatcher } from '../../sources/ignore.ts';
import { GitError } from '../../sources/git/run.ts';
import type { BlobSource, GitScanContext } from '../../sources/git/scan-context.ts';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';
import type { CommonArgs } from '../options.ts';
import { createProgress } from '../progress.ts';
import type { Session } from '../session.ts';
import { checkThreads } from '../session.ts';

export interface GitArgs extends CommonArgs {
  threads?: number;
  maxFileSize?: string;
}

/** Turns git's user-facing errors into usage errors (one line, exit 2). */
export async function gitErrors<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof GitError) throw new UsageError(e.message);
    throw e;
  }
}

/** A note on stderr (not with --quiet). */
export function note(io: Io, args: CommonArgs, text: string): void {
  if (!args.quiet) io.stderr(`hfleaks: note: ${text}\n`);
}

/** The context the git sources run in, bound to a session. */
export function gitContext(io: Io, args: GitArgs, session: Session, git: BlobSource, unit: string, prefix = '') {
  const maxBlobSize = maxFileSizeOf(args.maxFileSize, session.config);
  // .hfleaksignore path globs apply to history paths too (.gitignore does not: what was
  // committed was committed).
  const globs = session.hfleaksIgnore.paths;
  const matcher = globs.length ? new IgnoreMatcher() : undefined;
  matcher?.addAlways(globs.join('\n'));
  const progress = createProgress(io, args, unit);
  const ctx: GitScanContext = {
    git,
    detector: session.detector,
    rules: session.config.rules,
    decode: args.decode !== false,
    content: session.content,
    maxBlobSize,
    threads: checkThreads(args.threads),
    warn: session.warn,
    skip: (path, reason) => session.sink.skip(path, reason),
    progress,
    location: (file, member, m, extra) => {
      // Globs name files: an archive member goes by its archive's path (a `!` in a
      // file's own name is just a character).
      if (matcher?.ignores(prefix + file)) return;
      session.addMatch(prefix + file + member, m, extra);
    },
  };
  return { ctx, progress };
}

