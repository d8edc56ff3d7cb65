// `hfleaks staged`: what the next commit would add (the pre-commit hook runs this on
// every commit). Start-up is kept lean: no simple-git, no version probe, one rev-parse.
import { CatFile } from '../../sources/git/cat-file.ts';
import { gitEnv, gitMessage, gitOutput } from '../../sources/git/run.ts';
import { scanStaged, stagedChanges } from '../../sources/git/staged.ts';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';
import type { CommonArgs } from '../options.ts';
import { createSession, finish } from '../session.ts';
import { gitContext, gitErrors } from './history.ts';

export interface StagedArgs extends CommonArgs {
  maxFileSize?: string;
}

export async function runStaged(io: Io, args: StagedArgs): Promise<number> {
  // GIT_DIR and GIT_INDEX_FILE are kept: inside a hook they name the index being committed.
  const env = gitEnv(io.env, false);
  const git = { cwd: io.cwd, env, batchCommand: false };
  // Three git processes at once: where the repository is, what is staged, and the blob
  // reader (cat-file --batch: a handful of blobs, and no version probe needed).
  const top = gitOutput(git, ['rev-parse', '--show-toplevel']);
  const changes = stagedChanges(git);
  changes.catch(() => undefined); // rev-parse explains a failure better
  const cat = new CatFile({ cwd: io.cwd, env, batchCommand: false });
  const t = await top;
  if (t.code !== 0) {
    cat.kill();
    const msg = gitMessage(t.stderr);
    if (/not a git repository/i.test(msg)) throw new UsageError('not in a git repository (hfleaks staged runs inside one)');
    if (/work tree/i.test(msg)) throw new UsageError('hfleaks staged needs a working tree (this is a bare repository)');
    throw new UsageError(msg);
  }
  const root = t.stdout.toString('utf8').replace(/\n$/, '');
  let session;
  try {
    session = createSession(io, args, root);
  } catch (e) {
    cat.kill();
    throw e;
  }
  const { ctx, progress } = gitContext(io, { ...args, threads: 1 }, session, git, root, 'files');
  try {
    const r = await gitErrors(() => scanStaged(ctx, changes, cat)).catch((e: unknown) => {
      cat.kill();
      throw e;
    });
    session.stats.files += r.files;
    session.stats.blobs = r.blobs;
    session.stats.bytes += r.bytes;
    if (r.missingObjects) session.stats.missingObjects = r.missingObjects;
  } finally {
    progress.done();
  }
  return finish(io, args, session, 'staged');
}
