// Makes sure a range can be scanned in the runner's checkout: actions/checkout clones
// one commit deep by default, so the base (and even the head) may be missing. Fetches
// what is needed from `origin`, deepening until the merge base is known; when that
// fails the step fails: it never reports clean without having scanned.
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
  // The range needs the merge base; deepen a shallow clone until it shows.
  for (let depth = 32; !(await mergeBase(git, base, head)); depth *= 4) {
    if (!(await isShallow(git))) throw new ActionError(`${base.slice(0, 12)} and ${head.slice(0, 12)} have no common history`);
    if (depth > 8192) {
      await fetch(['--unshallow', 'origin']);
      continue;
    }
    await fetch([`--deepen=${depth}`, 'origin', refspec(base), refspec(head)]);
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
