// The repository a history command works on, found and described through simple-git:
// where it is, bare or not, shallow or not, its HEAD, what git can do.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { GitContext } from './run.ts';
import { GitError, gitEnv, gitMessage, gitOutput, simpleGitFor } from './run.ts';

export interface Repo extends GitContext {
  gitDir: string;
  objectsDir: string;
  /** The file listing shallow boundary commits (may not exist). */
  shallowFile: string;
  /** The stash's reflog with the files backend (may not exist): every stash entry's commit. */
  stashLog: string;
  /** Refs (and reflogs) are kept in a reftable, not in files. */
  reftable: boolean;
  bare: boolean;
  shallow: boolean;
  /** Top of the working tree (undefined in a bare repository). */
  workTree?: string;
  /** HEAD's commit (undefined on an unborn branch). */
  head?: string;
  /** Hex digits in an object id (40 for SHA-1, 64 for SHA-256). */
  oidLength: number;
  /** git understands `cat-file --batch-command` (2.36+). */
  batchCommand: boolean;
  /** git understands `rev-list --filter=object:type=blob` (2.32+). */
  typeFilter: boolean;
  /** git understands `--since-as-filter` (2.37+): every commit since a date, not only those before the first older one. */
  sinceFilter: boolean;
  /** A reachability bitmap exists (rev-list lists objects without walking trees). */
  bitmap: boolean;
  /** A partial clone: objects may be missing on purpose (packs from a promisor remote). */
  partial: boolean;
}

/** Parses `git version 2.39.5` (and vendor suffixes) into [major, minor]. */
export function parseGitVersion(text: string): [number, number] {
  const m = /(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

function atLeast(v: [number, number], major: number, minor: number): boolean {
  return v[0] > major || (v[0] === major && v[1] >= minor);
}

/** The names in the object database's pack directory (none if it can't be read). */
export function packFiles(objectsDir: string): string[] {
  try {
    return readdirSync(join(objectsDir, 'pack'));
  } catch {
    return [];
  }
}

/**
 * Opens the repository at `target` (a directory inside a working tree, a working tree,
 * a `.git` directory or a bare repository), or the one around `cwd`. `alone`: `target` is
 * a git directory, opened without its working tree (see openSubmodule).
 */
export async function openRepo(target: string | undefined, cwd: string, env: NodeJS.ProcessEnv, alone = false): Promise<Repo> {
  const dir = target === undefined ? cwd : resolve(cwd, target);
  const shown = target ?? '.';
  if (target !== undefined) {
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      throw new GitError(`${shown}: no such directory`);
    }
    if (!isDir) throw new GitError(`${shown}: not a directory (name a git repository)`);
  }
  const ctx: GitContext = { cwd: dir, env: gitEnv(env, target !== undefined) };
  // core.worktree is overridden by GIT_WORK_TREE alone (git refuses to start when the
  // directory it names is gone); the git directory itself stands in, and is no work tree.
  if (alone) Object.assign(ctx.env, { GIT_DIR: dir, GIT_WORK_TREE: dir });
  const git = await simpleGitFor(ctx);
  // Four questions at once: what the repository is, which git this is, where the working
  // tree is (fails in a bare repository) and what HEAD is (nothing on an unborn branch).
  const infoP = git.raw(['rev-parse', '--absolute-git-dir', '--git-path', 'objects', '--git-path', 'shallow', '--git-path', 'logs/refs/stash', '--git-path', 'reftable', '--is-bare-repository', '--is-shallow-repository', '--is-inside-work-tree', '--show-object-format']);
  const versionP = git.raw(['version']).catch(() => '');
  const topP = git.raw(['rev-parse', '--show-toplevel']).catch(() => '');
  const headP = resolveCommit(ctx, 'HEAD');
  headP.catch(() => undefined); // awaited below; not unhandled when git can't run (infoP fails then too)
  let info: string[];
  try {
    info = (await infoP).split('\n');
  } catch (e) {
    const [, , head] = await Promise.allSettled([versionP, topP, headP]);
    // git could not start at all (not installed, not on PATH): that one line, rather than
    // simple-git's message, which is a stack trace.
    if (head.status === 'rejected') throw head.reason;
    const msg = gitMessage(e);
    if (/not a git repository/i.test(msg)) throw new GitError(`${shown}: not a git repository`);
    throw new GitError(`${shown}: ${msg}`);
  }
  const [gitDir = '', objects = '', shallowPath = '', stashLog = '', reftable = '', bare, shallow, inside, format] = info;
  const version = parseGitVersion(await versionP);
  const top = (await topP).trim();
  // Outside the working tree that GIT_WORK_TREE names, git still names it: it is the one to scan.
  const workTree = (inside === 'true' || ctx.env.GIT_WORK_TREE) && top && !alone ? top : undefined;
  const head = await headP;
  const objectsDir = isAbsolute(objects) ? objects : resolve(dir, objects);
  const packs = packFiles(objectsDir);
  return {
    ...ctx,
    gitDir,
    objectsDir,
    shallowFile: isAbsolute(shallowPath) ? shallowPath : resolve(dir, shallowPath),
    stashLog: isAbsolute(stashLog) ? stashLog : resolve(dir, stashLog),
    reftable: existsSync(isAbsolute(reftable) ? reftable : resolve(dir, reftable)),
    bare: bare === 'true',
    shallow: shallow === 'true',
    workTree,
    head,
    oidLength: format === 'sha256' ? 64 : 40,
    batchCommand: atLeast(version, 2, 36),
    typeFilter: atLeast(version, 2, 32),
    sinceFilter: atLeast(version, 2, 37),
    bitmap: packs.some((f) => f.endsWith('.bitmap')),
    partial: packs.some((f) => f.endsWith('.promisor')),
  };
}

/** The commit a revision names, or undefined when it names none here. */
export async function resolveCommit(ctx: GitContext, rev: string): Promise<string | undefined> {
  if (rev.startsWith('-')) return undefined;
  const r = await gitOutput(ctx, ['rev-parse', '-q', '--verify', '--end-of-options', `${rev}^{commit}`]);
  const oid = r.stdout.toString('latin1').trim();
  return r.code === 0 && /^[0-9a-f]{40,64}$/.test(oid) ? oid : undefined;
}

/** Commits that shallow boundaries cut off from their parents. */
export function shallowCommits(repo: Repo): Set<string> {
  try {
    return new Set(readFileSync(repo.shallowFile, 'latin1').split('\n').map((l) => l.trim()).filter(Boolean));
  } catch {
    return new Set();
  }
}

/**
 * The commits of every stash entry. refs/stash names only the newest (`--all` has it);
 * the older ones are kept alive by the stash's reflog alone. Read from the file where
 * there is one (no process), else asked of git (a reftable).
 */
export async function stashCommits(repo: Repo): Promise<string[]> {
  let text: string;
  try {
    text = readFileSync(repo.stashLog, 'latin1');
  } catch {
    if (!repo.reftable) return [];
    const r = await gitOutput(repo, ['log', '-g', '--format=%H', 'refs/stash', '--']);
    return r.code === 0 ? r.stdout.toString('latin1').split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l)) : [];
  }
  // <old> SP <new> SP <committer> TAB <message>
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const oid = line.slice(line.indexOf(' ') + 1).split(' ', 1)[0]!;
    if (/^[0-9a-f]{40,64}$/.test(oid) && !/^0+$/.test(oid)) out.push(oid);
  }
  return out;
}

export interface Submodule {
  name: string;
  /** Where it sits in the superproject's tree. */
  path: string;
}

/** Submodules at HEAD (from .gitmodules). */
export async function listSubmodules(repo: Repo): Promise<Submodule[]> {
  if (!repo.head) return [];
  const r = await gitOutput(repo, ['config', '--blob', 'HEAD:.gitmodules', '-z', '--get-regexp', '^submodule\\..*\\.path$']);
  if (r.code !== 0) return [];
  const out: Submodule[] = [];
  for (const entry of r.stdout.toString('utf8').split('\0')) {
    // submodule.<name>.path NL <path>
    const nl = entry.indexOf('\n');
    if (nl === -1) continue;
    const key = entry.slice(0, nl);
    out.push({ name: key.slice('submodule.'.length, -'.path'.length), path: entry.slice(nl + 1) });
  }
  return out.sort((x, y) => (x.path < y.path ? -1 : 1));
}

/**
 * The repository of a submodule, where one is here (checked out, or under .git/modules).
 * One under .git/modules is opened alone: `git submodule deinit` leaves a nested
 * submodule's core.worktree naming a directory it removed.
 */
export async function openSubmodule(repo: Repo, sub: Submodule): Promise<Repo | undefined> {
  const modules = join(repo.gitDir, 'modules', sub.name);
  const candidates = [...(repo.workTree ? [join(repo.workTree, sub.path)] : []), modules];
  for (const dir of candidates) {
    try {
      if (!statSync(dir).isDirectory()) continue;
      const r = await openRepo(dir, dir, repo.env, dir === modules);
      // A directory that is not a repository of its own resolves to the superproject.
      if (r.gitDir !== repo.gitDir) return r;
    } catch {
      /* not there */
    }
  }
  return undefined;
}

export { GitError };
