// A worker thread that scans files for the main thread: it builds its own detector from
// the rules (plain data), reads each file it is sent and posts back what it found.
import { parentPort, workerData } from 'node:worker_threads';
import { keepYoungGenerationSmall } from '../core/heap.ts';
import type { Match, Rule, Skipped } from '../core/types.ts';
import type { ContentNote, ContentOptions } from '../detect/content.ts';
import { createDetector } from '../detect/detector.ts';
import { scanFile } from './files.ts';

export interface WorkerInit {
  rules: Rule[];
  decode: boolean;
  content: ContentOptions;
  maxFileSize: number;
}

export interface WorkerJob {
  id: number;
  abs: string;
  display: string;
}

export interface WorkerResult {
  id: number;
  bytes: number;
  matches: { path: string; m: Match }[];
  warnings: string[];
  skips: Skipped[];
  notes: { path: string; kind: ContentNote }[];
}

// (Starting this thread set V8's young generation growth back: see heap.ts.)
keepYoungGenerationSmall();
const init = workerData as WorkerInit;
const detector = createDetector(init.rules, { decode: init.decode });

parentPort!.on('message', (job: WorkerJob) => {
  const result: WorkerResult = { id: job.id, bytes: 0, matches: [], warnings: [], skips: [], notes: [] };
  const sink = {
    match: (path: string, m: Match) => void result.matches.push({ path, m }),
    warn: (w: string) => void result.warnings.push(w),
    skip: (path: string, reason: string) => void result.skips.push({ path, reason }),
    note: (path: string, kind: ContentNote) => void result.notes.push({ path, kind }),
  };
  try {
    result.bytes = scanFile(job.abs, job.display, detector, sink, { maxFileSize: init.maxFileSize, content: init.content });
  } catch (e) {
    result.warnings.push(`${job.display}: ${(e as Error).message}`);
  }
  parentPort!.postMessage(result);
});
