// Scanning blobs on several threads: each worker builds its own detector from the rules
// (plain data) and reads its share of the blobs from its own `git cat-file` process, so
// no blob bytes cross threads; only hits (rare) come back.
//
// This module is its own chunk in the bundle (it is only ever imported dynamically), and
// a worker runs this very chunk: `WORKER_URL` is where it lies.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { keepYoungGenerationSmall } from '../../core/heap.ts';
import type { Rule, Skipped } from '../../core/types.ts';
import { createDetector } from '../../detect/detector.ts';
import type { BlobEvents, BlobHit, BlobJob, BlobReaderOptions, BlobScanner, BlobTotals } from './blob-reader.ts';
import { createBlobReader } from './blob-reader.ts';

export const WORKER_URL = import.meta.url;

const MARK = 'hfleaks-blob-worker';
/** Blobs sent to a worker at once, and batches a worker may hold. */
const BATCH = 1024;
const IN_FLIGHT = 2;
/**
 * A blob worker's young generation. Its garbage is small and short-lived (headers, jobs,
 * hits: blob bytes live in the pack reader's ring or in slabs outside the heap), yet V8's
 * default lets each worker's young generation grow far larger. On the bench's 1 GB
 * history, reading through cat-file, a 16 MB cap took peak RSS from 255–258 to 229–234 MB
 * without a bitmap at the same CPU time (8 and 12 MB then cost 3 to 5%). Reading the
 * packs here, 8 MB against 16 MB in interleaved rounds: 233–250 against 240–257 MB
 * without a bitmap, 171–176 against 177–181 MB with one; the CPU time is within this
 * machine's noise (up to 8% either way from run to run).
 */
const YOUNG_GENERATION_MB = 8;

interface WorkerInit {
  kind: typeof MARK;
  rules: Rule[];
  decode: boolean;
  reader: BlobReaderOptions;
}

interface BatchResult {
  id: number;
  hits: BlobHit[];
  missing: BlobJob[];
  /** Blobs git could read only part of. */
  damaged: number;
  warnings: string[];
  skips: Skipped[];
  bytes: number;
  /** Objects answered (blobs scanned, skipped or missing, and non-blobs). */
  answered: number;
}

type ToWorker = { id: number; jobs: BlobJob[] } | { end: true };
type FromWorker = ({ kind: 'batch' } & BatchResult) | { kind: 'end'; totals: BlobTotals } | { kind: 'error'; message: string };

/** FNV-1a of a path: which worker reads its blobs. */
function pathHash(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Runs inside the worker. */
function serve(init: WorkerInit): void {
  // (Starting this thread set V8's young generation growth back: see heap.ts.)
  keepYoungGenerationSmall();
  const port = parentPort!;
  const detector = createDetector(init.rules, { decode: init.decode });
  // Each event lands on the oldest batch not yet fully answered. git answers in request
  // order, so its answers land on their own batch; blobs from the packs are answered when
  // their batch has been given, so theirs may land on an older batch that still waits
  // for git. Either way every event travels in some batch's message, and the counts add
  // up: a batch is sent back once as many answers as it had jobs have landed on it.
  const open: (BatchResult & { size: number })[] = [];
  const head = () => open.find((b) => b.answered < b.size) ?? open[open.length - 1];
  const events: BlobEvents = {
    hit: (h) => head()?.hits.push(h),
    missing: (j) => head()?.missing.push(j),
    damaged: () => {
      const b = head();
      if (b) b.damaged++;
    },
    warn: (w) => head()?.warnings.push(w),
    skip: (path, reason) => head()?.skips.push({ path, reason }),
    done: (items, bytes) => {
      const b = head();
      if (!b) return;
      b.answered += items;
      b.bytes += bytes;
      while (open.length && open[0]!.answered >= open[0]!.size) {
        const { size: _size, ...result } = open.shift()!;
        port.postMessage({ kind: 'batch', ...result } satisfies FromWorker);
      }
    },
  };
  const reader = createBlobReader(detector, init.reader, events);
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (msg: ToWorker) => {
    chain = chain
      .then(async () => {
        if ('end' in msg) {
          const totals = await reader.finish();
          port.postMessage({ kind: 'end', totals } satisfies FromWorker);
          return;
        }
        const batch = { id: msg.id, hits: [], missing: [], damaged: 0, warnings: [], skips: [], bytes: 0, answered: 0, size: msg.jobs.length };
        open.push(batch);
        for (const job of msg.jobs) {
          const p = reader.add(job);
          if (p) await p;
        }
        // The batch's blobs from the packs are read now (in pack order, as they came).
        const p = reader.flush?.();
        if (p) await p;
      })
      .catch((e: unknown) => {
        port.postMessage({ kind: 'error', message: (e as Error).message } satisfies FromWorker);
      });
  });
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.kind === MARK) serve(workerData as WorkerInit);

/**
 * A blob scanner spread over `threads` workers. Blobs are handed out in batches to the
 * least busy worker; events arrive per batch.
 */
export function createWorkerScanner(threads: number, rules: Rule[], decode: boolean, reader: BlobReaderOptions, events: BlobEvents): BlobScanner {
  const init: WorkerInit = { kind: MARK, rules, decode, reader };
  interface Slot {
    worker: Worker;
    inFlight: number;
    ended: Promise<BlobTotals>;
  }
  let nextId = 0;
  let failure: Error | undefined;
  let waiting: (() => void) | undefined;
  const wake = () => {
    const w = waiting;
    waiting = undefined;
    w?.();
  };
  const slots: Slot[] = Array.from({ length: threads }, () => {
    // Not tracking fds: a worker's cat-file answers come through a FIFO whose read end is
    // opened with fs.openSync, then owned and closed by a socket (libuv), which a tracking
    // worker never hears of: at its exit it would close that fd number again, by then
    // perhaps another thread's (seen as libuv aborting the process). Every fd a worker
    // opens is closed by its own code.
    const worker = new Worker(new URL(WORKER_URL), { workerData: init, trackUnmanagedFds: false, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    // (Its start set V8's young generation growth back, for this thread too: see heap.ts.)
    worker.once('online', () => keepYoungGenerationSmall());
    const slot = { worker, inFlight: 0 } as Slot;
    slot.ended = new Promise<BlobTotals>((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => {
        if (msg.kind === 'batch') {
          slot.inFlight--;
          for (const h of msg.hits) events.hit(h);
          for (const j of msg.missing) events.missing(j);
          for (let i = 0; i < msg.damaged; i++) events.damaged?.();
          for (const w of msg.warnings) events.warn(w);
          for (const s of msg.skips) events.skip(s.path, s.reason);
          events.done(msg.answered, msg.bytes);
          wake();
        } else if (msg.kind === 'end') {
          resolve(msg.totals);
          void worker.terminate();
        } else {
          failure ??= new Error(msg.message);
          reject(failure);
          wake();
        }
      });
      worker.on('error', (e) => {
        failure ??= e;
        reject(e);
        wake();
      });
      worker.on('exit', (code) => {
        if (code !== 0) {
          failure ??= new Error(`blob scanning thread stopped (exit ${code})`);
          reject(failure);
          wake();
        }
      });
    });
    slot.ended.catch(() => undefined);
    return slot;
  });
  // Each worker's next batch. Read through cat-file, blobs with a path go to the worker
  // that path hashes to: all versions of a file then pass through one cat-file process,
  // whose delta cache serves them (shared out at random, each process rebuilds the
  // other's delta chains: four times the work). Nameless blobs (bitmap listings, in pack
  // order), and all blobs when the workers read the packs (they come in pack order, see
  // inPackOrder), fill one worker's batch after another: a delta chain lies in one run.
  const pending: BlobJob[][] = slots.map(() => []);
  let next = 0;

  const send = async (i: number) => {
    const jobs = pending[i]!;
    pending[i] = [];
    const slot = slots[i]!;
    for (;;) {
      if (failure) throw failure;
      if (slot.inFlight < IN_FLIGHT) {
        slot.inFlight++;
        slot.worker.postMessage({ id: nextId++, jobs } satisfies ToWorker);
        return;
      }
      await new Promise<void>((r) => (waiting = r));
    }
  };

  return {
    add(job) {
      let i = next;
      // (Blobs read from packs come in pack order: a run of them to each worker.)
      if (job.path && reader.packsAfter === undefined) i = pathHash(job.path) % slots.length;
      pending[i]!.push(job);
      if (pending[i]!.length >= BATCH) {
        if (!job.path || reader.packsAfter !== undefined) next = (next + 1) % slots.length;
        return send(i);
      }
    },
    async finish() {
      for (let i = 0; i < slots.length; i++) if (pending[i]!.length) await send(i);
      for (const s of slots) s.worker.postMessage({ end: true } satisfies ToWorker);
      const all = await Promise.all(slots.map((s) => s.ended));
      return all.reduce((a, b) => ({ blobs: a.blobs + b.blobs, bytes: a.bytes + b.bytes }), { blobs: 0, bytes: 0 });
    },
    abort() {
      for (const s of slots) void s.worker.terminate();
    },
  };
}
