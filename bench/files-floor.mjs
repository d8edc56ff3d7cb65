#!/usr/bin/env node
// The least a Node program does to search a tree as `npm run bench` asks: walk it, read
// every file, and look for one keyword with one Buffer.indexOf pass, in worker threads
// (one per CPU, at most 4, as hfleaks). No patterns, no encodings, no archives, no report.
// What it takes beyond ripgrep is Node's share (start-up, walking and reading through
// the runtime, a memchr for "hf_" in place of a SIMD multi-literal search), not hfleaks'.
//
//   node bench/files-floor.mjs DIR      prints: files, bytes, keyword hits
import fs from 'node:fs';
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const KEYWORD = Buffer.from('hf_');

if (isMainThread) {
  const files = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk(process.argv[2] ?? '.');
  const threads = Math.min(4, os.cpus().length);
  let bytes = 0;
  let hits = 0;
  let done = 0;
  for (let t = 0; t < threads; t++) {
    new Worker(new URL(import.meta.url), { workerData: files.filter((_, i) => i % threads === t) }).on('message', (r) => {
      bytes += r.bytes;
      hits += r.hits;
      if (++done === threads) console.log(`${files.length} files, ${bytes} bytes, ${hits} hits`);
    });
  }
} else {
  const buf = Buffer.allocUnsafeSlow(1 << 20);
  let bytes = 0;
  let hits = 0;
  for (const file of workerData) {
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
}
