// Files on disk: walks directories with fast-glob (honouring .gitignore and
// .hfleaksignore), never follows symbolic links, never opens FIFOs or devices, and
// streams each regular file into a content stream.
import { constants, promises as fsp, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import fg from 'fast-glob';
import pLimit from 'p-limit';
import type { ContentSink, ContentOptions } from '../detect/content.ts';
import { openContent } from '../detect/content.ts';
import type { Detector } from '../detect/detector.ts';
import { IgnoreMatcher, pruneGlobs, readHfleaksIgnore } from './ignore.ts';

export interface FileScanOptions {
  /** Paths the user named (files or directories). */
  paths: string[];
  cwd: string;
  /** Honour .gitignore and .hfleaksignore path globs (default true). */
  useIgnoreFiles: boolean;
  /** Files larger than this many bytes are skipped and listed. */
  maxFileSize: number;
  /** Files read at once. */
  concurrency: number;
  content: ContentOptions;
  /** Called after each file, for progress. */
  onFile?: (bytes: number) => void;
}

export interface FileScanTotals {
  files: number;
  bytes: number;
  /** The root that reported paths are relative to. */
  root: string;
}

export class PathError extends Error {}

const READ_WHOLE = 8 << 20;
const READ_CHUNK = 1 << 20;

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/**
 * The root that reported paths are relative to: the one directory named, or else
 * the working directory.
 */
export function scanRoot(paths: string[], cwd: string): string {
  if (paths.length === 1) {
    const abs = resolve(cwd, paths[0]!);
    try {
      if (statSync(abs).isDirectory()) return abs;
    } catch {
      /* checked by the caller */
    }
  }
  return cwd;
}

function displayPath(root: string, abs: string): string {
  const rel = relative(root, abs);
  if (!rel) return '.';
  return toPosix(rel.startsWith('..') || isAbsolute(rel) ? abs : rel);
}

/** Lists the files under `dir` that the ignore rules keep. */
async function* walk(dir: string, useIgnoreFiles: boolean, sink: ContentSink, root: string): AsyncGenerator<string> {
  const matcher = new IgnoreMatcher();
  const prune = ['**/.git/**'];
  if (useIgnoreFiles) {
    const rootIgnore = (() => {
      try {
        return readFileSync(join(dir, '.gitignore'), 'utf8');
      } catch {
        return '';
      }
    })();
    prune.push(...pruneGlobs('', rootIgnore));
    const hf = readHfleaksIgnore(dir);
    if (hf.paths.length) {
      matcher.add('', hf.paths.join('\n'));
      prune.push(...pruneGlobs('', hf.paths.join('\n')));
    }
    try {
      matcher.add('', readFileSync(join(dir, '.git', 'info', 'exclude'), 'utf8'));
    } catch {
      /* not a repository, or no excludes */
    }
    const nested = await fg('**/.gitignore', { cwd: dir, dot: true, ignore: prune, suppressErrors: true, followSymbolicLinks: false });
    for (const g of nested.sort((a, b) => a.length - b.length)) {
      const d = g === '.gitignore' ? '' : g.slice(0, -'/.gitignore'.length);
      try {
        const text = readFileSync(join(dir, g), 'utf8');
        matcher.add(d, text);
        prune.push(...pruneGlobs(d, text));
      } catch (e) {
        sink.warn(`${displayPath(root, join(dir, g))}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
  }
  const stream = fg.stream('**', {
    cwd: dir,
    dot: true,
    onlyFiles: false,
    objectMode: true,
    followSymbolicLinks: false,
    suppressErrors: true,
    ignore: prune,
  }) as AsyncIterable<fg.Entry>;
  for await (const e of stream) {
    const d = e.dirent;
    if (d.isDirectory()) continue;
    if (useIgnoreFiles && matcher.ignores(e.path)) continue;
    if (d.isSymbolicLink()) continue; // never followed: no loops, no escaping the tree
    if (!d.isFile()) {
      sink.skip(displayPath(root, join(dir, e.path)), 'not a regular file');
      continue;
    }
    yield join(dir, e.path);
  }
}

/** Reads one file into a content stream; problems become warnings, never throws. */
async function scanFile(abs: string, display: string, detector: Detector, sink: ContentSink, opts: FileScanOptions): Promise<number> {
  let fh: fsp.FileHandle | undefined;
  try {
    // O_NONBLOCK: a FIFO that appeared since the walk must not block the scan.
    fh = await fsp.open(abs, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await fh.stat();
    if (!st.isFile()) {
      sink.skip(display, 'not a regular file');
      return 0;
    }
    if (st.size > opts.maxFileSize) {
      sink.skip(display, `larger than the size cap (${st.size} > ${opts.maxFileSize} bytes)`);
      return 0;
    }
    const content = openContent(detector, display, sink, opts.content);
    let total = 0;
    if (st.size <= READ_WHOLE) {
      const buf = Buffer.allocUnsafe(st.size);
      while (total < st.size) {
        const { bytesRead } = await fh.read(buf, total, st.size - total, total);
        if (bytesRead === 0) break;
        total += bytesRead;
      }
      if (total < st.size) sink.warn(`${display}: file shrank while being read (${total} of ${st.size} bytes scanned)`);
      content.push(total === st.size ? buf : buf.subarray(0, total));
    } else {
      for (;;) {
        const buf = Buffer.allocUnsafe(READ_CHUNK);
        const { bytesRead } = await fh.read(buf, 0, READ_CHUNK, total);
        if (bytesRead === 0) break;
        total += bytesRead;
        content.push(bytesRead === READ_CHUNK ? buf : buf.subarray(0, bytesRead));
        if (total > opts.maxFileSize) {
          sink.skip(display, `grew past the size cap while being read; first ${total} bytes scanned`);
          break;
        }
      }
    }
    content.end();
    return total;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT' ? 'vanished before it could be read'
      : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied'
      : err.code ?? err.message;
    sink.warn(`${display}: cannot read (${why}); skipped`);
    sink.skip(display, why);
    return 0;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** Scans the named paths; a named path that does not exist is a PathError. */
export async function scanPaths(detector: Detector, opts: FileScanOptions, sink: ContentSink): Promise<FileScanTotals> {
  const root = scanRoot(opts.paths, opts.cwd);
  const targets: { abs: string; dir: boolean }[] = [];
  for (const p of opts.paths) {
    const abs = resolve(opts.cwd, p);
    let st;
    try {
      st = await fsp.lstat(abs);
    } catch {
      throw new PathError(`${p}: no such file or directory`);
    }
    targets.push({ abs, dir: st.isDirectory() });
  }
  const limit = pLimit(opts.concurrency);
  const totals: FileScanTotals = { files: 0, bytes: 0, root };
  const pending = new Set<Promise<void>>();
  const one = (abs: string) => {
    const p = limit(async () => {
      const n = await scanFile(abs, displayPath(root, abs), detector, sink, opts);
      totals.files++;
      totals.bytes += n;
      opts.onFile?.(n);
    }).finally(() => pending.delete(p));
    pending.add(p);
    return p;
  };
  for (const t of targets) {
    if (!t.dir) {
      void one(t.abs);
      continue;
    }
    for await (const abs of walk(t.abs, opts.useIgnoreFiles, sink, root)) {
      void one(abs);
      // Back-pressure: don't queue the whole tree ahead of the readers.
      if (pending.size >= opts.concurrency * 4) await Promise.race(pending);
    }
  }
  await Promise.all(pending);
  return totals;
}
