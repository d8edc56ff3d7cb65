// `hfleaks scan [paths..]`: files and directories on disk, or `-` for stdin.
import { availableParallelism } from 'node:os';
import { parseSize } from '../../config.ts';
import { openContent } from '../../detect/content.ts';
import { scanPaths, scanRoot } from '../../sources/files.ts';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';
import type { CommonArgs } from '../options.ts';
import { createProgress } from '../progress.ts';
import { createSession, finish } from '../session.ts';

export interface ScanArgs extends CommonArgs {
  paths: string[];
  maxFileSize?: string;
  threads?: number;
}

export const DEFAULT_MAX_FILE_SIZE = 512 << 20;

export async function readStdinInto(io: Io, push: (b: Buffer) => void): Promise<number> {
  let n = 0;
  for await (const chunk of io.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    n += b.length;
    push(b);
  }
  return n;
}

export async function runScan(io: Io, args: ScanArgs): Promise<number> {
  const paths = args.paths.length ? args.paths : ['.'];
  if (args.threads !== undefined && (!Number.isInteger(args.threads) || args.threads < 1 || args.threads > 64)) {
    throw new UsageError('--threads must be a whole number from 1 to 64');
  }
  const fileArgs = paths.filter((p) => p !== '-');
  const root = scanRoot(fileArgs.length ? fileArgs : ['.'], io.cwd);
  const session = createSession(io, args, root);
  const maxFileSize = args.maxFileSize !== undefined ? parseSize(args.maxFileSize, '--max-file-size') : session.config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
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
          paths: fileArgs, cwd: io.cwd, useIgnoreFiles: args.ignore !== false, maxFileSize, content: session.content,
          onFile: (bytes) => progress.tick(1, bytes),
          threads: args.threads ?? Math.min(4, availableParallelism()),
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
}
