// `hfleaks history [repo]`: every blob reachable from every ref, or with --range/--since
// what the selected commits added; each location says which commit brought it, who
// wrote it, when, and whether HEAD still has it.
import { scanChanges, scanHistory } from '../../sources/git/history.ts';
import type { Repo } from '../../sources/git/repo.ts';
import { listSubmodules, openRepo, openSubmodule } from '../../sources/git/repo.ts';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';
import type { Session } from '../session.ts';
import { checkThreads, closeSession, createSession, finish } from '../session.ts';
import { gitContext, gitErrors, note, type GitArgs } from './git-common.ts';
import { keepYoungGenerationSmall } from '../../core/heap.ts';

export interface HistoryArgs extends GitArgs {
  repo?: string;
  range?: string;
  since?: string;
  /** Also scan the history of submodules whose repository is here. */
  submodules?: boolean;
  /** Also scan the objects no ref reaches. */
  unreachable?: boolean;
}

/** Dates git reads reliably: ISO dates and times, or "N units ago". */
const SINCE_RE = /^(\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?)?|\d+\s+(seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago|yesterday|@\d+)$/i;

/**
 * --since as a point in time (seconds since 1970), or a usage error. It is computed here,
 * not left to git: git misreads dates before 1970 and from 2100 on, and large "N units
 * ago", as no commit or every commit. A bare date is the start of that day, local time as
 * git reads dates (a commit that morning would otherwise drop out in the afternoon).
 * Impossible dates and times (2025-13-45, 24:00) and dates in the future are refused.
 * Undefined when the date is before any commit could be (all of history).
 */
export function sinceEpoch(text: string, now = Date.now()): number | undefined {
  const since = text.trim();
  const bad = () => new UsageError(`--since "${text}": use a date (2024-01-31, 2024-01-31T12:00) or "N days ago"`);
  if (!SINCE_RE.test(since)) throw bad();
  let ms: number;
  const d = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(since);
  const ago = /^(\d+)\s+(second|minute|hour|day|week|month|year)s?\s+ago$/i.exec(since);
  if (d) {
    const [year, month, day, hour = 0, minute = 0, second = 0] = d.slice(1, 7).map((x) => (x === undefined ? undefined : Number(x)));
    const days = new Date(Date.UTC(year!, month!, 0)).getUTCDate(); // the month's last day
    if (month! < 1 || month! > 12 || day! < 1 || day! > days || hour > 23 || minute > 59 || second > 59) throw bad();
    const zone = d[7];
    if (zone === undefined) {
      const local = new Date(0);
      local.setFullYear(year!, month! - 1, day!); // (a two-digit year is a year, not 19xx)
      local.setHours(hour, minute, second, 0);
      ms = local.getTime();
    } else {
      const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
      const offset = z ? (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) : 0;
      const utc = new Date(0);
      utc.setUTCFullYear(year!, month! - 1, day!); // (Date.UTC reads a two-digit year as 19xx)
      utc.setUTCHours(hour, minute, second, 0);
      ms = utc.getTime() - offset * 60_000;
    }
  } else if (since.startsWith('@')) {
    ms = Number(since.slice(1)) * 1000;
  } else if (/^yesterday$/i.test(since)) {
    ms = now - 86_400_000;
  } else {
    const n = Number(ago![1]);
    const unit = ago![2]!.toLowerCase();
    const at = new Date(now);
    if (unit === 'month') at.setMonth(at.getMonth() - n);
    else if (unit === 'year') at.setFullYear(at.getFullYear() - n);
    else at.setTime(now - n * { second: 1, minute: 60, hour: 3600, day: 86_400, week: 604_800 }[unit as 'day'] * 1000);
    ms = at.getTime();
  }
  if (Number.isNaN(ms) || ms <= 0) return undefined; // before 1970 (or too far back to say): all of history
  if (ms > now) throw new UsageError(`--since "${text}" is in the future: no commit is newer`);
  return Math.floor(ms / 1000);
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
  const since = args.since === undefined ? undefined : sinceEpoch(args.since);
  const stats = session.stats;
  stats.shallow = Boolean(stats.shallow) || repo.shallow;
  const selection = args.range !== undefined || since !== undefined;
  if (args.unreachable && selection) throw new UsageError('--unreachable reads the whole object database: it does not go with --range or --since');
  const { ctx, progress } = gitContext(io, args, session, repo, 'blobs', prefix);
  // Asked beside the scan, not after it: one git process less on the way out.
  const submodules = listSubmodules(repo);
  submodules.catch(() => undefined); // awaited below; not unhandled if the scan fails first
  try {
    const r = await gitErrors(() => (selection ? scanChanges(ctx, repo, { range: args.range, since }) : scanHistory(ctx, repo, { unreachable: args.unreachable === true })));
    stats.blobs = (stats.blobs ?? 0) + r.blobs;
    if (r.unreachable) {
      const u = (stats.unreachable ??= { commits: 0, blobs: 0, tags: 0 });
      u.commits += r.unreachable.commits;
      u.blobs += r.unreachable.blobs;
      u.tags += r.unreachable.tags;
    }
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
  keepYoungGenerationSmall();
  checkThreads(args.threads);
  const repo = await openRepoFor(io, args.repo);
  const root = repo.workTree ?? repo.gitDir;
  const session = createSession(io, args, root);
  return closeSession(session, async () => {
    await scanRepoHistory(io, args, session, repo);
    return finish(io, args, session, 'history');
  });
}
