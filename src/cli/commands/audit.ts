// `hfleaks audit [repo]`: the one-off audit, working tree and full history in one report.
// A secret is one finding whatever its locations: files on disk (no commit) and every
// commit that introduced it.
import { availableParallelism } from 'node:os';
import { maxFileSizeOf } from '../../config.ts';
import { scanPaths } from '../../sources/files.ts';
import type { Io } from '../io.ts';
import { createProgress } from '../progress.ts';
import { checkThreads, closeSession, createSession, finish } from '../session.ts';
import type { HistoryArgs } from './history.ts';

import { note } from './git-common.ts';
import { openRepoFor, scanRepoHistory } from './history.ts';
import { keepYoungGenerationSmall } from '../../core/heap.ts';

export type AuditArgs = HistoryArgs;

export async function runAudit(io: Io, args: AuditArgs): Promise<number> {
  keepYoungGenerationSmall();
  const threads = checkThreads(args.threads);
  const repo = await openRepoFor(io, args.repo);
  const root = repo.workTree ?? repo.gitDir;
  const session = createSession(io, args, root);
  return closeSession(session, async () => {
    if (repo.workTree) {
      const maxFileSize = maxFileSizeOf(args.maxFileSize, session.config);
      const progress = createProgress(io, args, 'files');
      try {
        const totals = await scanPaths(
          session.detector,
          {
            paths: [repo.workTree], cwd: io.cwd, useIgnoreFiles: args.ignore !== false, hfleaksIgnore: { dir: session.hfleaksIgnoreDir, parsed: session.hfleaksIgnore }, maxFileSize, content: session.content,
            onFile: (bytes) => progress.tick(1, bytes),
            threads: Math.min(threads, availableParallelism()),
            ...(io.workerScript ? { worker: { script: io.workerScript, init: { rules: session.config.rules, decode: args.decode !== false } } } : {}),
          },
          session.sink,
        );
        session.stats.files += totals.files;
        session.stats.bytes += totals.bytes;
      } finally {
        progress.done();
      }
    } else if (repo.bare) note(io, args, 'bare repository: no working tree to scan, history only');
    else note(io, args, 'a .git directory: its working tree is not scanned, history only (name the working tree to scan its files too)');
    await scanRepoHistory(io, { ...args, range: undefined, since: undefined }, session, repo);
    return finish(io, args, session, 'audit');
  });
}
