// Files on disk: walks directories with fast-glob (honouring .gitignore and
// .hfleaksignore), never follows symbolic links, never opens the FIFOs or devices it
// meets (one the user names is read as a stream), and streams each regular file into a
// content stream.
import { displayPath, fsReason, outside, readText, toPosix } from '../core/files.ts';
import { GIT_CONFIG } from '../core/places.ts';
import { nextTurn } from '../core/turn.ts';
import { type Dirent, accessSync, closeSync, constants, createReadStream, fstatSync, lstatSync, openSync, promises as fsp, readdir as fsReaddir, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import fg from 'fast-glob';
import type { ContentSink, ContentOptions } from '../detect/content.ts';
import { openContent } from '../detect/content.ts';
import type { Detector } from '../detect/detector.ts';
import { gitEnv, gitOutput } from './git/run.ts';
import { type HfleaksIgnore, IgnoreMatcher, pruneGlobs, readHfleaksIgnore } from './ignore.ts';
import type { WorkerInit } from './scan-worker.ts';
import { createWorkerPool, type WorkerPool } from './worker-pool.ts';

export interface FileScanOptions {
  /** Paths the user named (files or directories). */
  paths: string[];
  /** The root reported paths are relative to (default: scanRoot of the paths). */
  root?: string;
  cwd: string;
  /** Honour .gitignore and .hfleaksignore path globs (default true). */
  useIgnoreFiles: boolean;
  /**
   * The project's .hfleaksignore as the session read it, and the directory it applies from
   * (default: the scan root's, read here).
   */
  hfleaksIgnore?: { dir: string; parsed: HfleaksIgnore };
  /** Files larger than this many bytes are skipped and listed. */
  maxFileSize: number;
  content: ContentOptions;
  /** Called after each file, for progress. */
  onFile?: (bytes: number) => void;
  /** Scan in this many threads (the main one included); needs workerScript beyond 1. */
  threads?: number;
  /** The built scan-worker.js, and what a worker needs to build its own detector. */
  worker?: { script: string; init: Omit<WorkerInit, 'maxFileSize' | 'content'> };
}

export interface FileScanTotals {
  files: number;
  bytes: number;
  /** The root that reported paths are relative to. */
  root: string;
}

import { PathError } from '../core/errors.ts';

export { PathError };

const READ_WHOLE = 8 << 20;
let readBuffer = Buffer.allocUnsafeSlow(1 << 16);
const READ_CHUNK = 1 << 20;

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

/** The top of the git work tree holding `dir` (the nearest directory with a .git), if any. */
function repoTop(dir: string): string | undefined {
  for (let d = resolve(dir); ; ) {
    try {
      statSync(join(d, '.git'));
      return d;
    } catch {
      /* keep looking */
    }
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** Lists the files under `dir` that the ignore rules keep. */
/**
 * A file to scan: its path, or for a name that is not valid UTF-8 (which no string can
 * hold) the raw bytes of its path and a readable form for reports.
 */
export type FilePath = string | { raw: Buffer; shown: string };

/**
 * The files under `dir` that git tracks although an ignore file matches them (`git add
 * -f`): git never ignores a tracked file, so neither does the walk. Paths are relative
 * to `dir`; empty when git can't say (no git, not a work tree).
 */
async function trackedIgnored(dir: string): Promise<Set<string>> {
  try {
    // Paths come relative to the directory git runs in; -z leaves them unquoted.
    // The tree being scanned may be anyone's: its config must not make git run a program
    // (core.fsmonitor is a command git starts for ls-files).
    const r = await gitOutput({ cwd: dir, env: gitEnv(process.env, true) }, ['-c', 'core.fsmonitor=false', 'ls-files', '-z', '--cached', '--ignored', '--exclude-standard', '--', '.']);
    return new Set(r.code === 0 ? r.stdout.toString('utf8').split('\0').filter(Boolean) : []);
  } catch {
    return new Set();
  }
}

async function* walk(dir: string, useIgnoreFiles: boolean, sink: ContentSink, root: string, ignoreDir = root, read?: HfleaksIgnore): AsyncGenerator<FilePath> {
  const matcher = new IgnoreMatcher();
  const prune = ['**/.git/**'];
  let tracked = new Set<string>();
  // Asked of git beside the walk, awaited only when an ignored file needs the answer.
  let trackedP: Promise<Set<string>> | undefined;
  if (useIgnoreFiles) {
    // The project's .hfleaksignore (the root's, or the nearest above it), whichever
    // directory under it was named (a directory named outside it goes by its own).
    const fromHome = relative(ignoreDir, dir);
    const under = fromHome !== '' && !outside(fromHome);
    // (The project's own was read once, by the session.)
    const hf = read && (under || fromHome === '') ? read : readHfleaksIgnore(under ? ignoreDir : dir);
    if (hf.paths.length && under) {
      matcher.addAlways(hf.paths.join('\n'), toPosix(fromHome));
    } else if (hf.paths.length) {
      matcher.addAlways(hf.paths.join('\n'));
      prune.push(...pruneGlobs('', hf.paths.join('\n')));
    }
    // Like git (and ripgrep): inside a repository, the ignore files of the directories
    // above the one named apply too, and so does the repository's info/exclude.
    const top = repoTop(dir);
    if (top !== undefined) {
      trackedP = trackedIgnored(dir); // awaited at the first ignored file
      const relDir = relative(top, dir).split(sep).join('/');
      const parts = relDir ? relDir.split('/') : [];
      // info/exclude first: any .gitignore outranks it, as in git.
      const exclude = readText(join(top, '.git', 'info', 'exclude'));
      if (exclude) relDir ? matcher.addAbove(relDir, exclude) : matcher.add('', exclude);
      for (let i = 0; i < parts.length; i++) {
        const ancestor = join(top, ...parts.slice(0, i));
        const text = readText(join(ancestor, '.gitignore'));
        if (text) matcher.addAbove(parts.slice(i).join('/'), text);
      }
    }
    // Looking for deeper ignore files, the root one's plain patterns already prune (a
    // directory it excludes is out, whatever a file inside says).
    const rootPrune = pruneGlobs('', readText(join(dir, '.gitignore')));
    const nested = await fg('**/.gitignore', { cwd: dir, dot: true, ignore: [...prune, ...rootPrune], suppressErrors: true, followSymbolicLinks: false });
    const globs: string[] = [];
    let reincludes = false;
    // Shallower first: a deeper file overrides a higher one.
    for (const g of nested.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b))) {
      const d = g === '.gitignore' ? '' : g.slice(0, -'/.gitignore'.length);
      try {
        const text = readFileSync(join(dir, g), 'utf8');
        matcher.add(d, text);
        globs.push(...(d ? pruneGlobs(d, text) : rootPrune));
        if (d && /^\s*!/m.test(text)) reincludes = true;
      } catch (e) {
        sink.warn(`${displayPath(root, join(dir, g))}: cannot read (${fsReason(e)})`);
      }
    }
    // A deeper file that re-includes (`!logs` under keep/) can bring back what a higher
    // one's pattern would prune: then the walk enters everything and the matcher decides.
    if (!reincludes) prune.push(...globs);
  }
  // fast-glob's patterns never match a name holding a line break, and with
  // suppressErrors it skips a directory it can't read without a word: both would be
  // silent holes in the scan. The readdir it calls is wrapped to catch them.
  const oddNames: { parent: string; dirent: Dirent }[] = [];
  const lossyDirs = new Set<string>();
  const readdirSeen = ((path: string, options: { withFileTypes: true }, cb: (err: NodeJS.ErrnoException | null, entries: Dirent[]) => void) => {
    fsReaddir(path, options, (err, entries) => {
      if (err && path.includes('\uFFFD')) {
        // A directory name that is not UTF-8: walked by its raw bytes below.
      } else if (err) {
        const shown = displayPath(root, path);
        const why = fsReason(err);
        sink.warn(`${shown}/: cannot read directory (${why}); skipped`);
        sink.skip(`${shown}/`, why);
      } else {
        for (const d of entries) {
          if (/[\r\n]/.test(d.name)) oddNames.push({ parent: path, dirent: d });
          else if (d.name.includes('\uFFFD')) lossyDirs.add(path);
        }
      }
      cb(err, entries);
    });
  }) as unknown as typeof fsReaddir;
  const rootMangled = sep === '/' && dir.includes('\\');
  const stream = fg.stream(rootMangled ? [] : '**', {
    cwd: dir,
    dot: true,
    onlyFiles: false,
    objectMode: true,
    followSymbolicLinks: false,
    suppressErrors: true,
    // Inside .git only the files at its top are listed (its config is scanned, below).
    ignore: prune.map((g) => (g === '**/.git/**' ? '**/.git/*/**' : g)),
    fs: { readdir: readdirSeen },
  }) as AsyncIterable<fg.Entry>;
  /** An ignored file that git tracks is scanned (once), unless .hfleaksignore excludes it. */
  const trackedAnyway = (rel: string): boolean => tracked.delete(rel) && !matcher.excludedAlways(rel);
  /** `ignored`: what the ignore rules say of the file, judged once by the caller. */
  const keep = function* (rel: string, d: Dirent, ignored: boolean): Generator<string> {
    if (d.isDirectory()) return;
    // Of a repository's own files, only its config holds what a user wrote: a remote URL
    // with a token in it (`git clone https://user:TOKEN@huggingface.co/...` keeps it there).
    if (gitInternal(rel)) return;
    if (rel.includes('\uFFFD')) return; // reached through its raw bytes below
    if (ignored && !trackedAnyway(rel)) return;
    if (d.isSymbolicLink()) return; // never followed: no loops, no escaping the tree
    if (!d.isFile()) {
      sink.skip(displayPath(root, join(dir, rel)), 'not a regular file');
      return;
    }
    yield join(dir, rel);
  };
  for await (const e of stream) {
    const d = e.dirent as unknown as Dirent;
    const ignored = useIgnoreFiles && !d.isDirectory() && matcher.ignores(e.path);
    // An ignored file may be tracked: the first one waits for git's answer.
    if (ignored && trackedP) [tracked, trackedP] = [await trackedP, undefined];
    yield* keep(e.path, d, ignored);
  }
  if (trackedP) [tracked, trackedP] = [await trackedP, undefined];
  // Tracked files below a directory the ignore rules pruned were never seen by the walk.
  for (const rel of [...tracked]) {
    if (!matcher.ignores(rel) || !trackedAnyway(rel)) continue;
    const abs = join(dir, rel);
    try {
      if ((await fsp.lstat(abs)).isFile()) yield abs;
    } catch {
      /* tracked but deleted from the working tree: nothing to scan */
    }
  }
  for (const { parent, dirent } of oddNames) {
    const abs = join(parent, dirent.name);
    const rel = relative(dir, abs).split(sep).join('/');
    if (useIgnoreFiles && matcher.ignores(rel, dirent.isDirectory())) continue;
    if (dirent.isDirectory()) yield* walk(abs, useIgnoreFiles, sink, root, ignoreDir);
    else yield* keep(rel, dirent, false); // (judged just above)
  }
  // Names that are not valid UTF-8 decode to U+FFFD and can't be opened by that string:
  // read the directory again as bytes and open those files by their raw path.
  // Below a directory so named, everything is walked by raw path too.
  const rawWalk = function* (rawDir: Buffer, shownDir: string, everything: boolean): Generator<FilePath> {
    let entries: Dirent<Buffer>[];
    try {
      entries = readdirSync(rawDir, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      sink.warn(`${displayPath(root, shownDir)}/: cannot read directory (${fsReason(e)}); skipped`);
      return;
    }
    for (const d of entries) {
      const shown = join(shownDir, d.name.toString('utf8'));
      if (!everything && !shown.slice(shownDir.length).includes('\uFFFD')) continue;
      const rel = relative(dir, shown).split(sep).join('/');
      if (useIgnoreFiles && matcher.ignores(rel, d.isDirectory())) continue;
      if (d.isSymbolicLink()) continue;
      const raw = Buffer.concat([rawDir, Buffer.from(sep), d.name]);
      if (gitInternal(rel)) continue; // of .git, its config only
      if (d.isDirectory()) yield* rawWalk(raw, shown, true);
      else if (!d.isFile()) sink.skip(displayPath(root, shown), 'not a regular file');
      else yield { raw, shown };
    }
  };
  for (const parent of lossyDirs) yield* rawWalk(Buffer.from(parent), parent, false);
  // fast-glob reads a backslash in its cwd as a separator and would walk a directory that
  // isn't there: such a root is walked here instead.
  if (rootMangled) yield* rawWalk(Buffer.from(dir), dir, true);
}

/** A file inside a `.git` directory (of which only GIT_CONFIG is scanned). */
const GIT_DIR_FILE = /(^|\/)\.git\//;

/** A file or directory inside a repository's .git, but its config (and the way to it). */
function gitInternal(rel: string): boolean {
  return GIT_DIR_FILE.test(rel) && !GIT_CONFIG.test(rel);
}

/** scanFile's answer for a file it skipped (listed in `skipped`, not counted as scanned). */
export const SKIPPED = -1;

/**
 * Reads one file into a content stream and returns the bytes read (SKIPPED when it was
 * not scanned); problems become warnings, it never throws. Synchronous: from the page cache a read is a memcpy, and
 * the promise-based FileHandle API costs more than the scan of a small file. Scanning
 * is CPU-bound anyway; parallelism comes from worker threads.
 */
export function scanFile(
  abs: string | Buffer,
  display: string,
  detector: Detector,
  sink: ContentSink,
  opts: Pick<FileScanOptions, 'maxFileSize' | 'content'>,
): number {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: a FIFO that appeared since the walk must not block the scan.
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) {
      sink.skip(display, 'not a regular file');
      return SKIPPED;
    }
    if (st.size > opts.maxFileSize) {
      sink.skip(display, `larger than the size cap (${st.size} > ${opts.maxFileSize} bytes)`);
      return SKIPPED;
    }
    const content = openContent(detector, display, sink, opts.content);
    let total = 0;
    // A file that says it is empty may not be: /proc and /sys files report size 0 and
    // hold data (/proc/PID/environ, with HF_TOKEN in it). One read tells.
    const probed = st.size === 0 ? readSync(fd, readBuffer, 0, readBuffer.length, 0) : 0;
    if (st.size <= READ_WHOLE && !probed) {
      // One read buffer per thread, reused: the content stream is done with it when
      // end() returns (scanning is synchronous), so nothing is allocated per file.
      if (readBuffer.length < st.size) readBuffer = Buffer.allocUnsafeSlow(Math.min(READ_WHOLE, Math.max(st.size, 2 * readBuffer.length)));
      const buf = readBuffer.subarray(0, st.size);
      while (total < st.size) {
        const n = readSync(fd, buf, total, st.size - total, total);
        if (n === 0) break;
        total += n;
      }
      content.push(total === st.size ? buf : buf.subarray(0, total));
    } else {
      // (What the probe read is the stream's start: a copy, the read buffer being reused.)
      if (probed) {
        content.push(Buffer.from(readBuffer.subarray(0, probed)));
        total = probed;
      }
      for (;;) {
        const buf = Buffer.allocUnsafe(READ_CHUNK);
        const n = readSync(fd, buf, 0, READ_CHUNK, total);
        if (n === 0) break;
        total += n;
        content.push(n === READ_CHUNK ? buf : buf.subarray(0, n));
        if (total > opts.maxFileSize) {
          sink.skip(display, `grew past the size cap while being read; first ${total} bytes scanned`);
          break;
        }
      }
    }
    content.end();
    // Fewer bytes than the file held when opened: it was truncated while being read (a
    // log rotated, a file rewritten), and the rest went unscanned.
    if (total < st.size) {
      const why = `shrank while being read (${total} of ${st.size} bytes scanned)`;
      sink.warn(`${display}: ${why}`);
      sink.skip(display, why);
    }
    return total;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'vanished before it could be read' : fsReason(err);
    sink.warn(`${display}: cannot read (${why}); skipped`);
    sink.skip(display, why);
    return SKIPPED;
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already gone */
      }
    }
  }
}

/** Scans the named paths; a named path that does not exist is a PathError. */
export async function scanPaths(detector: Detector, opts: FileScanOptions, sink: ContentSink): Promise<FileScanTotals> {
  const root = opts.root ?? scanRoot(opts.paths, opts.cwd);
  // Checked one by one, synchronously: a pre-commit framework batch names thousands of
  // files, and each check is one system call.
  const targets: { abs: string; dir: boolean }[] = [];
  // FIFOs and devices named on the command line, read as streams.
  const streams: { abs: string; shown: string }[] = [];
  const named = new Set<string>();
  for (const p of opts.paths) {
    const abs = resolve(opts.cwd, p);
    let st;
    try {
      st = lstatSync(abs);
    } catch (e) {
      const why = fsReason(e);
      throw new PathError(why === 'permission denied' ? `${p}: cannot read (permission denied)` : `${p}: no such file or directory`);
    }
    // A link named on the command line is followed, as ripgrep does (links met while
    // walking never are); one that leads nowhere is a missing path.
    if (st.isSymbolicLink()) {
      try {
        st = statSync(abs);
      } catch {
        throw new PathError(`${p}: a symbolic link to nothing (no such file or directory)`);
      }
    }
    // A path the user named that can't be read is an error, like one that doesn't exist:
    // a run that read nothing of it must not read as clean.
    try {
      accessSync(abs, st.isDirectory() ? constants.R_OK | constants.X_OK : constants.R_OK);
    } catch (e) {
      throw new PathError(`${p}: cannot read ${st.isDirectory() ? 'directory' : 'file'} (${fsReason(e)})`);
    }
    // The same path named twice is scanned once (a file inside a directory named is a finding's own place either way).
    if (named.has(abs)) continue;
    named.add(abs);
    // A socket has nothing to open: the user named something that can't be read.
    if (st.isSocket()) throw new PathError(`${p}: cannot read (a socket)`);
    // A FIFO or device named (`scan <(cmd)`, `cmd | scan /dev/stdin`) is what the user
    // wants read, as `-` is: the walk only skips the ones it meets.
    if (!st.isDirectory() && !st.isFile()) streams.push({ abs, shown: p });
    else targets.push({ abs, dir: st.isDirectory() });
  }
  const totals: FileScanTotals = { files: 0, bytes: 0, root };
  const done = (n: number) => {
    if (n !== SKIPPED) {
      totals.files++;
      totals.bytes += n;
    }
    opts.onFile?.(Math.max(0, n));
  };
  for (const f of streams) done(await scanStream(f.abs, f.shown, displayPath(root, f.abs), detector, sink, opts));
  // Worker threads join once the tree proves big enough to pay for their start-up.
  const threads = opts.worker ? Math.max(1, opts.threads ?? 1) : 1;
  let pool: WorkerPool | undefined;
  const queue: FilePath[] = [];
  let walking = true;
  // Two sleepers: the main loop waits for files, the walk waits for room.
  let wakeMain: (() => void) | undefined;
  let wakeWalk: (() => void) | undefined;
  const signal = () => {
    const a = wakeMain;
    const b = wakeWalk;
    wakeMain = wakeWalk = undefined;
    a?.();
    b?.();
  };
  const display = (f: FilePath) => displayPath(root, typeof f === 'string' ? f : f.shown);
  // Keep each worker fed from the queue; called whenever a worker has room. Raw paths
  // (names that are not UTF-8) stay on this thread.
  const feed = () => {
    while (pool && queue.length && pool.hasRoom() && typeof queue[0] === 'string') {
      const abs = queue.shift() as string;
      void pool.run(abs, display(abs)).then((n) => {
        done(n);
        feed();
        signal();
      });
    }
    signal();
  };
  const producer = (async () => {
    let seen = 0;
    for (const t of targets) {
      const files = t.dir ? walk(t.abs, opts.useIgnoreFiles, sink, root, opts.hfleaksIgnore?.dir ?? root, opts.hfleaksIgnore?.parsed) : single(t.abs);
      for await (const abs of files) {
        queue.push(abs);
        if (++seen === WORKERS_AFTER && threads > 1 && opts.worker) {
          pool = createWorkerPool(threads - 1, opts.worker.script, { ...opts.worker.init, maxFileSize: opts.maxFileSize, content: opts.content }, sink);
        }
        feed();
        // Back-pressure: don't hold the whole tree in memory.
        while (queue.length > QUEUE_HIGH) await new Promise<void>((r) => (wakeWalk = r));
      }
    }
    walking = false;
    signal();
  })();
  try {
    // The main thread scans too, one file at a time, yielding between files so the
    // walk and the workers' results keep flowing. While it walks with workers beside it,
    // it takes a file only from a long queue (or one a worker can't take): in a tree of
    // small files the walk is what the workers wait for.
    for (;;) {
      const mine = !pool || !walking || queue.length > MAIN_TAKES_PAST || (queue.length > 0 && typeof queue[0] !== 'string');
      const abs = mine ? queue.shift() : undefined;
      if (abs !== undefined) {
        signal();
        done(scanFile(typeof abs === 'string' ? abs : abs.raw, display(abs), detector, sink, opts));
        await nextTurn();
        feed();
        continue;
      }
      if (!walking && (!pool || pool.idle())) break;
      await new Promise<void>((r) => (wakeMain = r));
    }
    await producer;
  } finally {
    await pool?.close();
  }
  return totals;
}

/**
 * Reads a FIFO or device the user named as a stream, up to the size cap (a device may
 * never end); returns the bytes read. Opening waits for a FIFO's writer, as `cat` does.
 * A read that fails is a PathError: the user named it, and a run that read nothing of it
 * must not read as clean.
 */
async function scanStream(
  abs: string,
  named: string,
  display: string,
  detector: Detector,
  sink: ContentSink,
  opts: Pick<FileScanOptions, 'maxFileSize' | 'content'>,
): Promise<number> {
  const content = openContent(detector, display, sink, opts.content);
  const stream = createReadStream(abs, { highWaterMark: READ_CHUNK });
  let total = 0;
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      const room = opts.maxFileSize - total;
      content.push(b.length > room ? b.subarray(0, room) : b);
      total += Math.min(b.length, room);
      if (b.length > room) {
        sink.skip(display, `larger than the size cap (more than ${opts.maxFileSize} bytes); first ${total} bytes scanned`);
        break;
      }
    }
  } catch (e) {
    throw new PathError(`${named}: cannot read (${fsReason(e)})`);
  } finally {
    stream.destroy();
  }
  content.end();
  return total;
}

async function* single(abs: string): AsyncGenerator<string> {
  yield abs;
}

const QUEUE_HIGH = 256;
/** Files queued past which the walking main thread scans one itself (see scanPaths). */
const MAIN_TAKES_PAST = 32;

/** Files the main thread scans alone before worker threads are started. */
const WORKERS_AFTER = 48;
