// Running git: short queries through simple-git, long outputs streamed record by record
// from a child process (simple-git would buffer them whole).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';

/** A problem with the repository or a revision the user named: exit 2, one line. */
export class GitError extends Error {}

/** How git is run for one repository. */
export interface GitContext {
  /** Directory git runs in. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The environment for git: a repository named on the command line wins over GIT_DIR & co. */
export function gitEnv(env: NodeJS.ProcessEnv, named: boolean): NodeJS.ProcessEnv {
  // GIT_NO_LAZY_FETCH (git 2.44+): a partial clone's missing objects are reported
  // missing, never fetched from its remote behind the user's back.
  // LC_ALL=C: git's messages in English, whatever the user's language (fsck's listing and
  // the errors that name a missing object are read here; in German they would read as nothing).
  // The objects as they are, which is what a push or a clone sends: a replace ref
  // (`git replace`) or a graft (.git/info/grafts) could otherwise hide a commit that holds
  // a token. GIT_NO_REPLACE_OBJECTS leaves grafts in force: the graft file is moved to a
  // path below a file (node's own executable), where none can exist. The replacements
  // are still scanned: refs/replace/* are refs like any other.
  const out: NodeJS.ProcessEnv = {
    ...env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', GIT_NO_LAZY_FETCH: '1', LC_ALL: 'C',
    GIT_NO_REPLACE_OBJECTS: '1', GIT_GRAFT_FILE: join(process.execPath, 'no-grafts'),
  };
  delete out.LANGUAGE;
  if (named) for (const k of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX']) delete out[k];
  return out;
}

let simple: typeof import('simple-git') | undefined;

const UNSAFE_OK = [
  'allowUnsafeAlias', 'allowUnsafeAskPass', 'allowUnsafeCommandBinaries', 'allowUnsafeConfigEnvCount', 'allowUnsafeConfigPaths',
  'allowUnsafeCredentialHelper', 'allowUnsafeDiffExternal', 'allowUnsafeDiffTextConv', 'allowUnsafeEditor', 'allowUnsafeExec',
  'allowUnsafeFilter', 'allowUnsafeFsMonitor', 'allowUnsafeGitProxy', 'allowUnsafeGpgProgram', 'allowUnsafeHooksPath',
  'allowUnsafeInclude', 'allowUnsafeMergeDriver', 'allowUnsafePack', 'allowUnsafePager', 'allowUnsafeProtocolOverride',
  'allowUnsafeSshCommand', 'allowUnsafeSubmodule', 'allowUnsafeTemplateDir', 'allowUnsafeUrlRewrite',
];

/** A simple-git instance for short queries (loaded on first use). */
export async function simpleGitFor(ctx: GitContext): Promise<SimpleGit> {
  simple ??= await import('simple-git');
  // simple-git guards against hostile environments (EDITOR, GIT_SSH_COMMAND, GIT_DIR…)
  // by refusing or dropping them. Here the environment is the user's own and every git
  // process must see the same repository, so it is passed through as it is; no option
  // comes from outside (revisions are checked, and follow --end-of-options).
  const allowEnvironment = Object.keys(ctx.env);
  const unsafe = Object.fromEntries(UNSAFE_OK.map((k) => [k, true]));
  return simple.simpleGit({ baseDir: ctx.cwd, maxConcurrentProcesses: 4, trimmed: false, allowEnvironment, unsafe }).env(ctx.env);
}

/** First line of a git error, without the `fatal: ` noise. */
export function gitMessage(e: unknown): string {
  const text = (e as Error)?.message ?? String(e);
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? text;
  return line.replace(/^(fatal|error): /, '');
}

export interface StreamResult {
  code: number;
  stderr: string;
}

/**
 * git, for every command hfleaks runs through these helpers. `log` and `diff` must cover
 * the whole repository: with `diff.relative` set, git would show only what lies under
 * the current directory (the setting means nothing to other commands).
 */
function spawnGit(ctx: GitContext, args: string[], stdin: boolean) {
  return spawn('git', ['-c', 'diff.relative=false', ...args], { cwd: ctx.cwd, env: ctx.env, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
}

/**
 * Runs git and hands each record of its output (split at `sep`) to `onRecord`, as raw
 * bytes. When `onRecord` returns a promise, reading pauses until it settles (git blocks
 * on a full pipe: memory stays bounded). `onChunk` sees the output as it comes, unsplit.
 */
export function streamRecords(
  ctx: GitContext,
  args: string[],
  onRecord: (rec: Buffer) => void | Promise<void>,
  opts: { sep?: number; input?: string; onChunk?: (chunk: Buffer) => void } = {},
): { done: Promise<StreamResult>; kill: () => void } {
  const sep = opts.sep ?? 10;
  const proc = spawnGit(ctx, args, opts.input !== undefined);
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 16384) stderr += d.toString('utf8');
  });
  if (opts.input !== undefined) {
    proc.stdin!.on('error', () => undefined);
    proc.stdin!.end(opts.input);
  }
  const exit = new Promise<number>((resolve, reject) => {
    proc.on('error', (e) => reject(new GitError(`cannot run git (${e.message}); is git installed?`)));
    proc.on('close', (code) => resolve(code ?? -1));
  });
  exit.catch(() => undefined); // awaited below; a failed spawn must not be an unhandled rejection
  // 'data' events rather than `for await`: the async iterator loads Node's whole stream
  // toolkit, a few milliseconds of every pre-commit hook run. Chunks are queued in order:
  // pausing the stream is only back-pressure, since Node resumes a child's stdout when
  // the child exits, and its last chunks then arrive while a record is still pending.
  const pump = () =>
    new Promise<void>((resolve, reject) => {
      const out = proc.stdout!;
      const chunks: Buffer[] = [];
      let buf: Buffer | undefined; // the chunk being handed over, from `start`
      let start = 0;
      // An unfinished record from the chunks before, in pieces: joined once it ends (a
      // 64 MB commit message joined chunk by chunk would cost quadratic time).
      let rest: Buffer[] | undefined;
      let waiting = false; // a record asked to wait
      let ended = false;
      let settled = false;
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        reject(e);
      };
      const finish = () => {
        settled = true;
        try {
          const p = rest?.length ? onRecord(Buffer.concat(rest)) : undefined;
          rest = undefined;
          if (p) p.then(() => resolve(), reject);
          else resolve();
        } catch (e) {
          reject(e);
        }
      };
      // A record asked to wait: stop reading until it is done, then go on where it stopped.
      const wait = (p: Promise<void>): void => {
        waiting = true;
        out.pause();
        p.then(() => {
          waiting = false;
          if (!settled) run();
        }, fail);
      };
      const run = (): void => {
        try {
          for (;;) {
            if (!buf) {
              const chunk = chunks.shift();
              if (!chunk) break;
              buf = chunk;
              start = 0;
              if (rest) {
                const done = finishRecord(rest, chunk, sep);
                if (!done) {
                  buf = undefined;
                  continue;
                }
                rest = undefined;
                start = done.next;
                const p = onRecord(done.record);
                if (p) return wait(p);
              }
            }
            for (let i = buf.indexOf(sep, start); i !== -1; i = buf.indexOf(sep, start)) {
              const p = onRecord(buf.subarray(start, i));
              start = i + 1;
              if (p) return wait(p);
            }
            rest = start < buf.length ? [buf.subarray(start)] : undefined;
            buf = undefined;
          }
        } catch (e) {
          fail(e);
          return;
        }
        if (ended) finish();
        else out.resume();
      };
      out.on('data', (chunk: Buffer) => {
        if (settled) return;
        try {
          opts.onChunk?.(chunk);
        } catch (e) {
          fail(e);
          return;
        }
        chunks.push(chunk);
        if (!waiting) run();
      });
      out.on('error', fail);
      proc.on('error', fail);
      out.on('end', () => {
        if (settled) return;
        ended = true;
        if (!waiting) run();
      });
    });
  const done = (async () => {
    try {
      await pump();
    } catch (e) {
      proc.kill();
      // git could not start at all: say so, rather than the stream's own error.
      throw (await exit.then(() => undefined, (spawnError: unknown) => spawnError)) ?? e;
    }
    return { code: await exit, stderr };
  })();
  return { done, kill: () => proc.kill() };
}

/** Runs git to completion and returns its standard output (for small outputs). */
export function gitOutput(ctx: GitContext, args: string[], input?: string): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawnGit(ctx, args, input !== undefined);
    const out: Buffer[] = [];
    let stderr = '';
    proc.stdout!.on('data', (d: Buffer) => out.push(d));
    proc.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 16384) stderr += d.toString('utf8');
    });
    if (input !== undefined) {
      proc.stdin!.on('error', () => undefined);
      proc.stdin!.end(input);
    }
    proc.on('error', (e) => reject(new GitError(`cannot run git (${e.message}); is git installed?`)));
    proc.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr }));
  });
}

/**
 * The record that an unfinished one (`rest`, in pieces) ends with in `chunk`, joined once,
 * and where the chunk's next record starts; undefined, with the chunk added to `rest`,
 * when the record goes on past it.
 */
function finishRecord(rest: Buffer[], chunk: Buffer, sep: number): { record: Buffer; next: number } | undefined {
  const end = chunk.indexOf(sep);
  if (end === -1) {
    rest.push(chunk);
    return undefined;
  }
  return { record: Buffer.concat([...rest, chunk.subarray(0, end)]), next: end + 1 };
}

/** Hands each record (split at `sep`) of output kept in pieces to `onRecord`. */
export function eachRecord(chunks: readonly Buffer[], sep: number, onRecord: (rec: Buffer) => void): void {
  let rest: Buffer[] | undefined; // an unfinished record, in pieces: joined once, when it ends
  for (const chunk of chunks) {
    let start = 0;
    if (rest) {
      const done = finishRecord(rest, chunk, sep);
      if (!done) continue;
      onRecord(done.record);
      rest = undefined;
      start = done.next;
    }
    for (let i = chunk.indexOf(sep, start); i !== -1; i = chunk.indexOf(sep, start)) {
      onRecord(chunk.subarray(start, i));
      start = i + 1;
    }
    if (start < chunk.length) rest = [chunk.subarray(start)];
  }
  if (rest) onRecord(Buffer.concat(rest));
}
