// `hfleaks staged`: what the next commit would add (the pre-commit hook runs this on
// every commit). Start-up is kept lean: no simple-git, no version probe, one rev-parse.
import { CatFile } from '../../sources/git/cat-file.ts';
import { gitEnv, gitMessage, gitOutput } from '../../sources/git/run.ts';
import { scanStaged, stagedChanges, workTreeTop } from '../../sources/git/staged.ts';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';
import type { CommonArgs } from '../options.ts';
import { closeSession, createSession, finish } from '../session.ts';
import { gitContext, gitErrors } from './git-common.ts';

export interface StagedArgs extends CommonArgs {
  maxFileSize?: string;
}

/** Turns git's complaint about where it runs into a usage error. */
function whereError(stderr: string): UsageError {
  const msg = gitMessage(stderr);
  if (/not a git repository/i.test(msg)) return new UsageError('not in a git repository (hfleaks staged runs inside one)');
  if (/work tree/i.test(msg)) return new UsageError('hfleaks staged needs a working tree: run it in one, not in a bare repository or inside .git');
  return new UsageError(msg);
}

export async function runStaged(io: Io, args: StagedArgs): Promise<number> {
  // GIT_DIR and GIT_INDEX_FILE are kept: inside a hook they name the index being committed.
  const env = gitEnv(io.env, false);
  const git = { cwd: io.cwd, env, batchCommand: false };
  // What is staged, and the blob reader (cat-file --batch: a handful of blobs, and no
  // version probe needed), started at once; the top of the working tree from the file
  // system when nothing in the environment moves it, else from git.
  const changes = stagedChanges(git);
  changes.catch(() => undefined); // reported below, or by rev-parse
  const cat = new CatFile({ cwd: io.cwd, env, batchCommand: false });
  // Whatever fails from here on, git must not be left waiting for input (a bad option,
  // --max-file-size x, fails only now).
  let session;
  try {
    let root = workTreeTop(io.cwd, env);
    if (root === undefined) {
      const t = await gitOutput(git, ['rev-parse', '--show-toplevel']);
      if (t.code !== 0) throw whereError(t.stderr);
      root = t.stdout.toString('utf8').replace(/\n$/, '');
    }
    session = createSession(io, args, root);
    const { ctx, progress } = gitContext(io, { ...args, threads: 1 }, session, git, 'files');
    try {
      const r = await gitErrors(() => scanStaged(ctx, changes, cat)).catch((e: unknown) => {
        if (e instanceof UsageError && /not a git repository|work tree/i.test(e.message)) throw whereError(e.message);
        throw e;
      });
      session.stats.files += r.files;
      session.stats.blobs = r.blobs;
      session.stats.bytes += r.bytes;
      if (r.missingObjects) session.stats.missingObjects = r.missingObjects;
    } finally {
      progress.done();
    }
  } catch (e) {
    cat.kill();
    session?.early?.close();
    throw e;
  }
  return closeSession(session, () => finish(io, args, session, 'staged'));
}
