// Reads blobs from one `git cat-file` process and streams each into a content stream.
// Used on the main thread, or inside a worker thread with its own detector and its own
// cat-file process.
import type { Match } from '../../core/types.ts';
import type { ContentOptions, ContentSink } from '../../detect/content.ts';
import { openContent } from '../../detect/content.ts';
import type { Detector } from '../../detect/detector.ts';
import type { ObjectStream } from './cat-file.ts';
import { CatFile, CatFileDied } from './cat-file.ts';
import type { GitContext } from './run.ts';

/** A blob to scan, and the name it is scanned under (its path in some tree, if known). */
export interface BlobJob {
  oid: string;
  path: string;
}

export interface BlobMatch {
  /** The scan name, or `name!member` inside archives. */
  path: string;
  m: Match;
}

/** A blob with at least one match. */
export interface BlobHit {
  oid: string;
  /** The name it was scanned under. */
  path: string;
  matches: BlobMatch[];
  /**
   * The scan names (the blob's, or `name!member`) whose content is binary: its "lines"
   * mean nothing, so what a new version adds is told by secret, not by line.
   */
  binary?: string[];
}

export interface BlobEvents {
  hit(h: BlobHit): void;
  missing(job: BlobJob): void;
  /** A blob git could read only part of (counted with the missing ones; a warning names it). */
  damaged?(): void;
  warn(message: string): void;
  skip(path: string, reason: string): void;
  /** Objects answered (scanned, skipped or missing), with the bytes scanned. */
  done(items: number, bytes: number): void;
}

export interface BlobReaderOptions {
  git: GitContext;
  batchCommand: boolean;
  content: ContentOptions;
  /** Larger blobs are skipped (their bytes read past, not scanned) and listed. */
  maxBlobSize: number;
  /** Read answers through a FIFO (long reads: see CatFileOptions.fifo). */
  fifo?: boolean;
  /** A cat-file process started beforehand (else one is started here). */
  cat?: CatFile;
  /** finish() leaves the cat-file process running for the caller's next reader. */
  keepOpen?: boolean;
}

export interface BlobScanner {
  /** Queues a blob; a returned promise asks the caller to wait (back-pressure). */
  add(job: BlobJob): void | Promise<void>;
  /** Waits for every queued blob, then stops the readers. */
  finish(): Promise<BlobTotals>;
  /** Stops at once. */
  abort(): void;
}

export interface BlobTotals {
  blobs: number;
  bytes: number;
}

/** Requests allowed in flight before `add` asks the caller to wait. */
const HIGH = 2048;
const LOW = 1024;
/**
 * Objects git may give up on (each costs a new cat-file process) before the reader gives
 * up too: a few corrupt objects are skipped, a repository where every read fails is an
 * error.
 */
const MAX_RESTARTS = 100;

/** The name a blob is shown under when no tree named it (reachability bitmaps give none). */
export function blobName(job: BlobJob): string {
  return job.path || `blob ${job.oid.slice(0, 12)}`;
}

export function createBlobReader(detector: Detector, opts: BlobReaderOptions, events: BlobEvents): BlobScanner {
  const start = () => new CatFile({ cwd: opts.git.cwd, env: opts.git.env, batchCommand: opts.batchCommand, fifo: opts.fifo === true });
  let cat = opts.cat ?? start();
  let restarts = 0;
  /**
   * After git gave up on one object: says which, and asks a new process for the objects
   * still unanswered. False when the failure is another kind, or there were too many.
   */
  const recover = (e: unknown): boolean => {
    // A process the caller started stays the caller's: it sees the failure itself.
    if (!(e instanceof CatFileDied) || opts.cat || restarts >= MAX_RESTARTS) return false;
    restarts++;
    events.warn(e.message);
    cat = start();
    for (const { oid, req } of e.rest) cat.request(oid, req);
    return true;
  };
  const totals: BlobTotals = { blobs: 0, bytes: 0 };
  let current: BlobHit | undefined;
  const sink: ContentSink = {
    match: (path, m) => current?.matches.push({ path, m }),
    warn: events.warn,
    skip: events.skip,
    note: (path, kind) => {
      if (kind === 'binary' && current) (current.binary ??= []).push(path);
    },
  };

  const request = (job: BlobJob) => ({
    start(type: string, size: number): ObjectStream | undefined {
      if (type !== 'blob') {
        events.done(1, 0);
        return undefined; // a commit or tag named by a ref: not content
      }
      const name = blobName(job);
      if (size > opts.maxBlobSize) {
        // Named by blob: audit lists the working-tree file too, and a path may hold many blobs.
        events.skip(name, `git blob ${job.oid.slice(0, 12)}: larger than the size cap (${size} > ${opts.maxBlobSize} bytes)`);
        events.done(1, 0);
        return undefined;
      }
      const hit: BlobHit = { oid: job.oid, path: name, matches: [] };
      let failed = false;
      const guard = (f: () => void) => {
        if (failed) return;
        current = hit;
        try {
          f();
        } catch (e) {
          failed = true;
          events.warn(`${name}: scan failed (${(e as Error).message}); skipped`);
        } finally {
          current = undefined;
        }
      };
      let stream: ReturnType<typeof openContent> | undefined;
      guard(() => {
        stream = openContent(detector, name, sink, opts.content);
      });
      return {
        push: (piece) => guard(() => stream!.push(piece)),
        end: () => {
          guard(() => stream!.end());
          totals.blobs++;
          totals.bytes += size;
          if (hit.matches.length) events.hit(hit);
          events.done(1, size);
        },
      };
    },
    missing() {
      events.missing(job);
      events.done(1, 0);
    },
    damaged() {
      events.damaged?.();
    },
  });

  return {
    add(job) {
      for (;;) {
        try {
          cat.request(job.oid, request(job));
          if (cat.pending >= HIGH) return cat.waitBelow(LOW);
          return;
        } catch (e) {
          if (!recover(e)) throw e;
        }
      }
    },
    async finish() {
      for (;;) {
        try {
          if (opts.keepOpen) await cat.drain();
          else await cat.close();
          return totals;
        } catch (e) {
          if (!recover(e)) throw e;
        }
      }
    },
    abort() {
      cat.kill();
    },
  };
}
