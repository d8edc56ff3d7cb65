// Makes sure a range can be scanned in the runner's checkout: actions/checkout clones
// one commit deep by default, so the base (and even the head) may be missing, and a
// range that only shows a merge base can still be wrong. Fetches what is needed from
// `origin`, deepening until the range, as the clone holds it, is exactly what the pull
// request or push adds; when that fails the step fails: it never reports clean without
// having scanned, nor blames a pull request for what its base already held.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { ActionError } from './inputs.ts';

async function hasCommit(git: SimpleGit, rev: string): Promise<boolean> {
  // Not --quiet: simple-git only rejects when git also writes to stderr.
  try {
    return (await git.raw(['rev-parse', '--verify', `${rev}^{commit}`])).trim().length > 0;
  } catch {
    return false;
  }
}

async function isShallow(git: SimpleGit): Promise<boolean> {
  return (await git.raw(['rev-parse', '--is-shallow-repository'])).trim() === 'true';
}

/** A refspec that fetches `rev`: a SHA as itself, `origin/x` into refs/remotes/origin/x. */
function refspec(rev: string): string {
  const m = /^origin\/(.+)$/.exec(rev);
  return m ? `+refs/heads/${m[1]}:refs/remotes/origin/${m[1]}` : rev;
}

async function mergeBase(git: SimpleGit, base: string, head: string): Promise<string | undefined> {
  try {
    return (await git.raw(['merge-base', base, head])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The commits a shallow clone holds without their parents (.git/shallow). */
async function shallowCommits(git: SimpleGit, cwd: string): Promise<Set<string>> {
  const rel = (await git.raw(['rev-parse', '--git-path', 'shallow'])).trim();
  try {
    return new Set(readFileSync(isAbsolute(rel) ? rel : resolve(cwd, rel), 'latin1').split('\n').map((l) => l.trim()).filter(Boolean));
  } catch {
    return new Set();
  }
}

/** `git rev-list --timestamp`: each commit with its committer time (seconds). */
async function datedCommits(git: SimpleGit, revs: string[]): Promise<{ oid: string; time: number }[]> {
  const out = await git.raw(['rev-list', '--timestamp', ...revs, '--']);
  return out.split('\n').filter(Boolean).map((l) => {
    const [time = '0', oid = ''] = l.split(' ');
    return { oid, time: Number(time) };
  });
}

/**
 * Committer clocks drift: a base-side boundary commit counts as older than the range
 * only when it is older by this much (seconds).
 */
const CLOCK_SLOP = 24 * 3600;

/**
 * Why base..head, as this clone holds it, may differ from what the push or pull request
 * adds; undefined when it can't.
 *
 * A commit of the range at the shallow boundary hides its parents: what the range adds
 * below it is missing, and `history --range` refuses it. A shallow boundary on the base
 * side hides the base's older history: a commit the head reaches, and the base reaches
 * only through that boundary (an old commit of the default branch that a side branch
 * brings along), counts as new. A commit's ancestors are older than it (committer
 * time), so a base side that reaches back before the range's oldest commit hides none.
 */
async function rangeGap(git: SimpleGit, cwd: string, base: string, head: string): Promise<string | undefined> {
  if (!(await mergeBase(git, base, head))) return 'no merge base';
  const shallow = await shallowCommits(git, cwd);
  if (!shallow.size) return undefined;
  const range = await datedCommits(git, [`${base}..${head}`]);
  const cut = range.find((c) => shallow.has(c.oid));
  if (cut) return `commit ${cut.oid.slice(0, 12)} of the range has no parents here`;
  if (!range.length) return undefined;
  const oldest = Math.min(...range.map((c) => c.time));
  const early = (await datedCommits(git, [base])).find((c) => shallow.has(c.oid) && c.time >= oldest - CLOCK_SLOP);
  if (early) return `the base's history stops at ${early.oid.slice(0, 12)}, not older than the range`;
  return undefined;
}

export interface Fetched {
  base: string;
  head: string;
  /** What was fetched, for the log. */
  notes: string[];
}

export async function ensureRange(cwd: string, base: string, head: string, fallbackBase?: string): Promise<Fetched> {
  const git = simpleGit({ baseDir: cwd });
  const notes: string[] = [];
  const fetch = async (args: string[]) => {
    notes.push(`git fetch ${args.join(' ')}`);
    await git.raw(['fetch', '--no-tags', '--quiet', ...args]);
  };
  // One fetch per missing end: a base that is gone must not stop the head from coming.
  for (const rev of [base, head]) {
    if (await hasCommit(git, rev)) continue;
    try {
      await fetch(['origin', refspec(rev)]);
    } catch (e) {
      notes.push(`fetch of ${rev} failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (!(await hasCommit(git, head))) throw new ActionError(`head commit ${head} is not in the checkout and could not be fetched from origin`);
  if (!(await hasCommit(git, base))) {
    if (fallbackBase && (await hasCommit(git, fallbackBase).then((ok) => ok || fetch(['origin', refspec(fallbackBase)]).then(() => hasCommit(git, fallbackBase), () => false)))) {
      notes.push(`base ${base} is gone (force-push?); scanning what ${head.slice(0, 7)} adds over ${fallbackBase}`);
      base = fallbackBase;
    } else {
      throw new ActionError(`base commit ${base} is not in the checkout and could not be fetched from origin; fetch more history (actions/checkout with fetch-depth: 0)`);
    }
  }
  // Deepen a shallow clone in growing steps until the range is exactly what was added;
  // the whole history as a last resort.
  const steps = [32, 128, 512, 2048, 8192];
  for (let i = 0; ; i++) {
    const gap = await rangeGap(git, cwd, base, head);
    if (!gap) break;
    if (!(await isShallow(git))) throw new ActionError(`${base.slice(0, 12)} and ${head.slice(0, 12)} have no common history`);
    if (i > steps.length) throw new ActionError(`the checkout is still shallow after git fetch --unshallow, and ${base.slice(0, 12)}..${head.slice(0, 12)} incomplete (${gap}); use actions/checkout with fetch-depth: 0`);
    try {
      await fetch([i < steps.length ? `--deepen=${steps[i]}` : '--unshallow', 'origin', refspec(base), refspec(head)]);
    } catch (e) {
      throw new ActionError(`the checkout is shallow, ${base.slice(0, 12)}..${head.slice(0, 12)} needs more history (${gap}), and it could not be fetched from origin (${(e as Error).message.split('\n')[0]}); use actions/checkout with fetch-depth: 0`);
    }
  }
  return { base, head, notes };
}

/**
 * The full audit needs every commit of every branch: a shallow checkout (the
 * actions/checkout default) gets its history and branches from origin, or the step
 * fails; a scan of one commit must not pass for an audit of the history.
 */
export async function ensureFullHistory(cwd: string): Promise<string[]> {
  const git = simpleGit({ baseDir: cwd });
  if (!(await isShallow(git))) return [];
  const args = ['fetch', '--unshallow', '--tags', '--quiet', 'origin', '+refs/heads/*:refs/remotes/origin/*'];
  try {
    await git.raw(args);
  } catch (e) {
    throw new ActionError(`the checkout is shallow and its history could not be fetched from origin (${(e as Error).message.split('\n')[0]}); use actions/checkout with fetch-depth: 0`);
  }
  return [`git ${args.filter((a) => a !== '--quiet').join(' ')}`];
}

/** The top of the work tree `dir` lies in (`dir` itself when git can't say: a bare repository). */
export async function repoTop(dir: string): Promise<string> {
  try {
    // Relative, unlike --show-toplevel, which resolves symbolic links the workspace path may hold.
    return resolve(dir, (await simpleGit({ baseDir: dir }).raw(['rev-parse', '--show-cdup'])).trim());
  } catch {
    return dir;
  }
}

/** The object filter of a partial clone (`blob:none`), if the checkout is one. */
export async function partialCloneFilter(dir: string): Promise<string | undefined> {
  try {
    const out = await simpleGit({ baseDir: dir }).raw(['config', '--get-regexp', '^remote\\..*\\.partialclonefilter$']);
    return out.trim().split('\n')[0]?.split(' ')[1] || undefined;
  } catch {
    return undefined;
  }
}
