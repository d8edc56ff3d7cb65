#!/usr/bin/env node
// A simple Node baseline for `npm run bench`: walk the tree, read every file, and look for
// one keyword with one Buffer.indexOf pass, in worker threads (one per CPU, at most 4, as
// hfleaks). No patterns, no encodings, no archives, no lines, no report. What it takes
// beyond ripgrep is what Node itself costs here (start-up, walking and reading through
// the runtime, a memchr for "hf_" in place of a SIMD multi-literal search).
//
// The workers start first, so they boot while this thread walks; they then take files a
// few at a time as they finish, so one that drew the big files holds no one up.
//
//   node bench/files-floor.mjs DIR      prints: files, bytes, keyword hits
import fs from 'node:fs';
import os from 'node:os';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

const KEYWORD = Buffer.from('hf_');
/** Files handed to a worker at once. */
const BATCH = 64;

if (isMainThread) {
  const threads = Math.min(4, os.cpus().length);
  const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url)));
  const files = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk(process.argv[2] ?? '.');
  let next = 0;
  let bytes = 0;
  let hits = 0;
  let done = 0;
  for (const w of workers) {
    // Each message is a request for more: the first one says the worker is up.
    w.on('message', (r) => {
      bytes += r.bytes;
      hits += r.hits;
      if (next < files.length) {
        w.postMessage(files.slice(next, next + BATCH));
        next += BATCH;
        return;
      }
      w.postMessage(null);
      if (++done === threads) console.log(`${files.length} files, ${bytes} bytes, ${hits} hits`);
    });
  }
} else {
  const buf = Buffer.allocUnsafeSlow(1 << 20);
  parentPort.on('message', (batch) => {
    if (batch === null) return parentPort.close();
    let bytes = 0;
    let hits = 0;
    for (const file of batch) {
      const fd = fs.openSync(file, 'r');
      // Chunks overlap by the keyword's length less one, so none is missed at an edge.
      for (let pos = 0; ; ) {
        const n = fs.readSync(fd, buf, 0, buf.length, pos);
        if (n <= 0) break;
        const view = n === buf.length ? buf : buf.subarray(0, n);
        for (let i = view.indexOf(KEYWORD); i !== -1; i = view.indexOf(KEYWORD, i + 1)) hits++;
        bytes += n;
        if (n < buf.length) break;
        pos += n - (KEYWORD.length - 1);
        bytes -= KEYWORD.length - 1;
      }
      fs.closeSync(fd);
    }
    parentPort.postMessage({ bytes, hits });
  });
  parentPort.postMessage({ bytes: 0, hits: 0 });
}
