// Reads blobs from one `git cat-file` process and streams each into a content stream.
// Used on the main thread, or inside a worker thread with its own detector and its own
// cat-file process.
import type { Match } from '../../core/types.ts';
import type { ContentOptions, ContentSink } from '../../detect/content.ts';
import { openContent } from '../../detect/content.ts';
import type { Detector } from '../../detect/detector.ts';
import type { ObjectStream } from './cat-file.ts';
import { CatFile, CatFileDied } from './cat-file.ts';
import type { PackPlace, PackReader } from './pack.ts';
import { byPlace, openPackReader } from './pack.ts';
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
  git: GitContext & {
    /** The repository's object directory, where its packs lie. */
    objectsDir?: string;
    /** Hex digits in an object id (packs are read here for SHA-1's 40 only). */
    oidLength?: number;
  };
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
  /**
   * Read what the repository's packs hold in this process (see pack.ts), in pack order,
   * and ask git only for the rest, once this reader has been given this many blobs (0:
   * from the first; opening the packs reads their indexes). Undefined: git reads all.
   */
  packsAfter?: number;
}

export interface BlobScanner {
  /** Queues a blob; a returned promise asks the caller to wait (back-pressure). */
  add(job: BlobJob): void | Promise<void>;
  /** Waits for every queued blob, then stops the readers. */
  finish(): Promise<BlobTotals>;
  /** Stops at once. */
  abort(): void;
  /** At least `n` blobs are coming (a scanner may get ready for them). */
  expect?(n: number): void;
  /**
   * Reads the queued blobs the packs hold now; those the packs leave to git are asked for
   * (a returned promise asks the caller to wait).
   */
  flush?(): void | Promise<void>;
}

/** Hands `jobs` to `scanner` in turn, waiting where it asks to. */
export async function addAll(scanner: BlobScanner, jobs: Iterable<BlobJob>): Promise<void> {
  for (const job of jobs) {
    const wait = scanner.add(job);
    if (wait) await wait;
  }
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
/**
 * Blobs from the packs queued before they are read, in pack order (the caller hands
 * them out in that order already: see inPackOrder in scan-context.ts).
 */
const PACK_QUEUE = 1024;
/**
 * Objects larger than this are streamed by git, not read whole here. The bench's history
 * (13 KB a blob on average) reads all its blobs in the packs; a few large ones cost little
 * either way.
 */
const PACK_OBJECT_MAX = 16 << 20;

/** The name a blob is shown under when no tree named it (reachability bitmaps give none). */
export function blobName(job: BlobJob): string {
  return job.path || `blob ${job.oid.slice(0, 12)}`;
}

/** The packs of a reader asked to read them, opened once it has been given `packsAfter` blobs. */
function packOpener(opts: BlobReaderOptions) {
  const dir = opts.packsAfter === undefined ? undefined : opts.git.objectsDir;
  let reader: PackReader | undefined;
  let asked = 0;
  let decided = dir === undefined;
  return {
    reader(): PackReader | undefined {
      if (decided) return reader;
      if (++asked <= opts.packsAfter!) return undefined;
      decided = true;
      reader = openPackReader(dir!);
      return reader;
    },
    close(): void {
      reader?.close();
      reader = undefined;
      decided = true;
    },
  };
}

export function createBlobReader(detector: Detector, opts: BlobReaderOptions, events: BlobEvents): BlobScanner {
  const start = () => new CatFile({ cwd: opts.git.cwd, env: opts.git.env, batchCommand: opts.batchCommand, fifo: opts.fifo === true });
  // Started at the first object the packs don't answer: often never.
  let catFile = opts.cat;
  const catNow = () => (catFile ??= start());
  let restarts = 0;
  const packs = packOpener(opts);
  const packMax = Math.min(PACK_OBJECT_MAX, opts.maxBlobSize);
  let queued: { job: BlobJob; at: PackPlace }[] = [];
  /**
   * After git gave up on one object: says which, and asks a new process for the objects
   * still unanswered. False when the failure is another kind, or there were too many.
   */
  const recover = (e: unknown): boolean => {
    // A process the caller started stays the caller's: it sees the failure itself.
    if (!(e instanceof CatFileDied) || opts.cat || restarts >= MAX_RESTARTS) return false;
    restarts++;
    events.warn(e.message);
    catFile = start();
    for (const { oid, req } of e.rest) catFile.request(oid, req);
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

  /** Asks git for a blob; a returned promise asks the caller to wait. */
  const ask = (job: BlobJob): void | Promise<void> => {
    for (;;) {
      try {
        const cat = catNow();
        cat.request(job.oid, request(job));
        if (cat.pending >= HIGH) return cat.waitBelow(LOW);
        return;
      } catch (e) {
        if (!recover(e)) throw e;
      }
    }
  };

  /** Reads the queued blobs from the packs, in pack order; git gets those the packs leave to it. */
  const flush = (): void | Promise<void> => {
    if (!queued.length) return;
    const jobs = queued.sort(byPlace);
    queued = [];
    let wait: void | Promise<void> = undefined;
    for (const { job, at } of jobs) {
      const o = packs.reader()!.read(at, packMax);
      if (!o) {
        wait = ask(job) ?? wait;
        continue;
      }
      const r = request(job);
      const s = r.start(o.type, o.data.length);
      if (!s) continue;
      if (o.data.length) s.push(o.data);
      s.end();
    }
    return wait;
  };

  return {
    add(job) {
      const at = packs.reader()?.locate(job.oid);
      if (!at) return ask(job);
      queued.push({ job, at });
      if (queued.length >= PACK_QUEUE) return flush();
    },
    flush,
    async finish() {
      const wait = flush();
      if (wait) await wait;
      packs.close();
      for (;;) {
        try {
          if (!catFile) return totals;
          if (opts.keepOpen) await catFile.drain();
          else await catFile.close();
          return totals;
        } catch (e) {
          if (!recover(e)) throw e;
        }
      }
    },
    abort() {
      packs.close();
      catFile?.kill();
    },
  };
}
