// `hfleaks history [repo]`: every blob reachable from every ref, or with --range/--since
// what the selected commits added; each location says which commit brought it, who
// wrote it, when, and whether HEAD still has it.
import { scanChanges, scanHistory } from '../../sources/git/history.ts';
import type { Repo } from '../../sources/git/repo.ts';
import { listSubmodules, openRepo, openSubmodule } from '../../sources/git/repo.ts';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';
import type { Session } from '../session.ts';
import { checkThreads, createSession, finish } from '../session.ts';
import { gitContext, gitErrors, note, type GitArgs } from './git-common.ts';

export interface HistoryArgs extends GitArgs {
  repo?: string;
  range?: string;
  since?: string;
  /** Also scan the history of submodules whose repository is here. */
  submodules?: boolean;
}

/** Dates git reads reliably: ISO dates and times, or "N units ago". */
const SINCE_RE = /^(\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?)?|\d+\s+(seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago|yesterday|@\d+)$/i;

/**
 * --since as git should read it, or a usage error. git takes a bare date at the current
 * time of day (a commit that morning would drop out in the afternoon): a bare date is
 * made the start of that day, local time as git reads dates. Impossible dates and times
 * (2025-13-45, 24:00) are refused rather than left to git's guessing.
 */
function sinceForGit(text: string): string {
  const since = text.trim();
  const bad = () => new UsageError(`--since "${text}": use a date (2024-01-31, 2024-01-31T12:00) or "N days ago"`);
  if (!SINCE_RE.test(since)) throw bad();
  const d = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(since);
  if (!d) return since;
  const [year, month, day, hour = 0, minute = 0, second = 0] = d.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
  const days = new Date(Date.UTC(year!, month!, 0)).getUTCDate(); // the month's last day
  if (month! < 1 || month! > 12 || day! < 1 || day! > days || hour > 23 || minute > 59 || second > 59) throw bad();
  return since.length === 10 ? `${since} 00:00:00` : since;
}

/** Opens the repository; a path that is not one is a usage error (exit 2). */
export function openRepoFor(io: Io, repo: string | undefined): Promise<Repo> {
  return gitErrors(() => openRepo(repo, io.cwd, io.env));
}

/**
 * Scans a repository's history into the session (shared with `audit`); with --submodules,
 * then the history of each submodule whose repository is here, its paths under the
 * submodule's path.
 */
export async function scanRepoHistory(io: Io, args: HistoryArgs, session: Session, repo: Repo, prefix = ''): Promise<void> {
  const since = args.since === undefined ? undefined : sinceForGit(args.since);
  const stats = session.stats;
  stats.shallow = Boolean(stats.shallow) || repo.shallow;
  const selection = args.range !== undefined || args.since !== undefined;
  const { ctx, progress } = gitContext(io, args, session, repo, 'blobs', prefix);
  // Asked beside the scan, not after it: one git process less on the way out.
  const submodules = listSubmodules(repo);
  submodules.catch(() => undefined); // awaited below; not unhandled if the scan fails first
  try {
    const r = await gitErrors(() => (selection ? scanChanges(ctx, repo, { range: args.range, since }) : scanHistory(ctx, repo)));
    stats.blobs = (stats.blobs ?? 0) + r.blobs;
    stats.commits = (stats.commits ?? 0) + r.commits;
    stats.bytes += r.bytes;
    stats.missingObjects = (stats.missingObjects ?? 0) + r.missingObjects;
  } finally {
    progress.done();
  }
  // Said once the scan went through (a range reaching past the clone fails instead).
  if (repo.shallow) {
    note(io, args, `${prefix ? `submodule ${prefix.slice(0, -1)}: ` : ''}shallow clone: only the history present here was scanned (git fetch --unshallow fetches the rest)`);
  }
  for (const sub of await submodules) {
    const where = prefix + sub.path;
    if (!args.submodules || selection) {
      session.sink.skip(where, `submodule: listed, not followed${selection ? ' (ranges name commits of this repository)' : ' (--submodules scans its history too)'}`);
      continue;
    }
    const inner = await openSubmodule(repo, sub);
    if (!inner) {
      session.sink.skip(where, 'submodule: its repository is not here (git submodule update --init), not scanned');
      continue;
    }
    await scanRepoHistory(io, args, session, inner, `${where}/`);
  }
}

export async function runHistory(io: Io, args: HistoryArgs): Promise<number> {
  checkThreads(args.threads);
  const repo = await openRepoFor(io, args.repo);
  const root = repo.workTree ?? repo.gitDir;
  const session = createSession(io, args, root);
  await scanRepoHistory(io, args, session, repo);
  return finish(io, args, session, 'history');
}
