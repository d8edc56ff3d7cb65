// `hfleaks scan [paths..]`: files and directories on disk, or `-` for stdin.
import { maxFileSizeOf } from '../../config.ts';
import { openContent } from '../../detect/content.ts';
import { scanPaths, scanRoot } from '../../sources/files.ts';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';
import type { CommonArgs } from '../options.ts';
import { createProgress } from '../progress.ts';
import { checkThreads, closeSession, createSession, finish } from '../session.ts';
import { keepYoungGenerationSmall } from '../../core/heap.ts';

export interface ScanArgs extends CommonArgs {
  paths: string[];
  maxFileSize?: string;
  threads?: number;
}

export async function readStdinInto(io: Io, push: (b: Buffer) => void): Promise<number> {
  // Node reads a directory (`scan - < dir`) as empty input: a scan of nothing must not read as clean.
  const problem = io.stdinProblem?.();
  if (problem) throw new UsageError(`-: cannot read standard input (${problem})`);
  let n = 0;
  for await (const chunk of io.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    n += b.length;
    push(b);
  }
  return n;
}

export async function runScan(io: Io, args: ScanArgs): Promise<number> {
  keepYoungGenerationSmall();
  const paths = args.paths.length ? args.paths : ['.'];
  const threads = checkThreads(args.threads);
  const fileArgs = paths.filter((p) => p !== '-');
  // `-` counts as a path named: `scan - src` reports `src/app.py`, as `scan src other` does.
  const root = paths.length === 1 && paths[0] === '-' ? io.cwd : scanRoot(paths, io.cwd);
  const session = createSession(io, args, root);
  return closeSession(session, async () => {
    const maxFileSize = maxFileSizeOf(args.maxFileSize, session.config);
    if (paths.includes('-')) {
      const content = openContent(session.detector, '<stdin>', session.sink, session.content);
      session.stats.bytes += await readStdinInto(io, (b) => content.push(b));
      content.end();
      session.stats.files++;
    }
    if (fileArgs.length) {
      const progress = createProgress(io, args, 'files');
      try {
        const totals = await scanPaths(
          session.detector,
          {
            paths: fileArgs, root, cwd: io.cwd, useIgnoreFiles: args.ignore !== false, hfleaksIgnore: { dir: session.hfleaksIgnoreDir, parsed: session.hfleaksIgnore }, maxFileSize, content: session.content,
            onFile: (bytes) => progress.tick(1, bytes),
            threads,
            ...(io.workerScript
              ? { worker: { script: io.workerScript, init: { rules: session.config.rules, decode: args.decode !== false } } }
              : {}),
          },
          session.sink,
        );
        session.stats.files += totals.files;
        session.stats.bytes += totals.bytes;
      } finally {
        progress.done();
      }
    }
    return finish(io, args, session, 'scan');
  });
}
