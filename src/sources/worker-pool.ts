// A small pool of scan workers, started lazily. Each worker holds a few files in flight;
// if a worker dies, its files are reported as warnings and the pool stops using it.
import type { Worker } from 'node:worker_threads';
import { keepYoungGenerationSmall } from '../core/heap.ts';
import { lazyBuiltin } from '../core/lazy.ts';
import type { ContentSink } from '../detect/content.ts';
import type { WorkerInit, WorkerJob, WorkerResult } from './scan-worker.ts';

/** Files a worker holds at once: enough for a tree of small files, where each takes tens of microseconds. */
const IN_FLIGHT = 64;
const threads = lazyBuiltin<typeof import('node:worker_threads')>('node:worker_threads');

interface Slot {
  worker: Worker | undefined;
  jobs: Map<number, { job: WorkerJob; resolve: (bytes: number) => void }>;
  dead: boolean;
}

export interface WorkerPool {
  hasRoom(): boolean;
  /** No file in flight. */
  idle(): boolean;
  run(abs: string, display: string): Promise<number>;
  close(): Promise<void>;
}

export function createWorkerPool(size: number, script: string, init: WorkerInit, sink: ContentSink): WorkerPool {
  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: undefined, jobs: new Map(), dead: false }));
  let nextId = 0;

  const start = (slot: Slot): Worker => {
    const w = new (threads().Worker)(script, { workerData: init });
    // (Its start set V8's young generation growth back, for this thread too: see heap.ts.)
    w.once('online', () => keepYoungGenerationSmall());
    w.on('message', (r: WorkerResult) => {
      const entry = slot.jobs.get(r.id);
      if (!entry) return;
      slot.jobs.delete(r.id);
      for (const { path, m } of r.matches) sink.match(path, m);
      for (const warning of r.warnings) sink.warn(warning);
      for (const s of r.skips) sink.skip(s.path, s.reason);
      for (const n of r.notes) sink.note?.(n.path, n.kind);
      entry.resolve(r.bytes);
    });
    const fail = (why: string) => {
      if (slot.dead) return;
      slot.dead = true;
      for (const { job, resolve } of slot.jobs.values()) {
        sink.warn(`${job.display}: scan worker failed (${why}); not scanned`);
        sink.skip(job.display, 'scan worker failed');
        resolve(0);
      }
      slot.jobs.clear();
    };
    w.on('error', (e) => fail(e.message));
    w.on('exit', (code) => {
      if (code !== 0) fail(`exit code ${code}`);
    });
    slot.worker = w;
    return w;
  };

  const free = () => slots.find((s) => !s.dead && s.jobs.size < IN_FLIGHT);

  return {
    hasRoom: () => free() !== undefined,
    idle: () => slots.every((s) => s.jobs.size === 0),
    run(abs, display) {
      const slot = free()!;
      const w = slot.worker ?? start(slot);
      const job: WorkerJob = { id: nextId++, abs, display };
      return new Promise((resolve) => {
        slot.jobs.set(job.id, { job, resolve });
        w.postMessage(job);
      });
    },
    async close() {
      await Promise.all(slots.map((s) => (s.worker && !s.dead ? s.worker.terminate() : undefined)));
    },
  };
}
