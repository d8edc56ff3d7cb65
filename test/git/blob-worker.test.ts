// Blob-scanning worker threads, from the built bundle (a worker cannot load TypeScript
// sources). Each worker reads its cat-file answers through a FIFO whose read end is opened
// with fs.openSync and then closed by a socket: a worker tracking fds would close that
// fd number once more as it exits, by then perhaps one of the main thread's (libuv then
// aborts the process, or a git pipe is lost). The threads must leave the main thread's
// descriptors alone.
import { closeSync, fstatSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT_OPTIONS } from '../../src/detect/content.ts';
import { builtinRules } from '../../src/rules/builtin.ts';
import type { BlobHit } from '../../src/sources/git/blob-reader.ts';
import type * as BlobWorker from '../../src/sources/git/blob-worker.ts';
import { ROOT } from '../helpers/cli.ts';
import { makeRepo, tokens } from './repo.ts';

const CHUNKS = join(ROOT, 'dist', 'chunks');
const threadCount = () => readdirSync('/proc/self/task').length;

describe.skipIf(process.platform !== 'linux')('blob worker threads', () => {
  it('find what the blobs hold, and leave the main thread\'s files open as they exit', async () => {
    const r = makeRepo();
    const token = tokens(41).userToken();
    for (let i = 0; i < 40; i++) r.write(`f${i}.txt`, `file ${i}\n${i === 7 ? `HF_TOKEN=${token}\n` : ''}`);
    r.commit('files');
    const oids = r.git('ls-tree', '-r', '--format=%(objectname)', 'HEAD').trim().split('\n');
    const file = readdirSync(CHUNKS).find((f) => /^blob-worker-.*\.js$/.test(f));
    expect(file).toBeDefined();
    const mod = (await import(pathToFileURL(join(CHUNKS, file!)).href)) as typeof BlobWorker;

    const before = threadCount();
    const hits: BlobHit[] = [];
    const warnings: string[] = [];
    const scanner = mod.createWorkerScanner(
      2,
      builtinRules(),
      true,
      { git: { cwd: r.dir, env: { ...process.env, ...r.env } }, batchCommand: false, content: DEFAULT_CONTENT_OPTIONS, maxBlobSize: 1 << 30, fifo: true },
      { hit: (h) => hits.push(h), missing: () => undefined, warn: (w) => warnings.push(w), skip: () => undefined, done: () => undefined },
    );
    // While the threads work and exit, this thread keeps opening files: as soon as a thread
    // frees a descriptor, the next open here takes its number (the lowest free one).
    const fds: number[] = [];
    const opener = setInterval(() => {
      if (fds.length < 400) fds.push(openSync(join(r.dir, 'f0.txt'), 'r'));
    }, 1);
    try {
      for (const oid of oids) await scanner.add({ oid, path: `blob ${oid}` });
      await scanner.finish();
      const deadline = Date.now() + 10_000;
      while (threadCount() > before && Date.now() < deadline) await new Promise((res) => setTimeout(res, 5));
      clearInterval(opener);
      expect(threadCount()).toBeLessThanOrEqual(before);
      const closed = fds.filter((fd) => {
        try {
          fstatSync(fd);
          return false;
        } catch {
          return true;
        }
      });
      expect(closed).toEqual([]);
    } finally {
      clearInterval(opener);
      for (const fd of fds) {
        try {
          closeSync(fd);
        } catch {
          /* reported above */
        }
      }
    }
    expect(warnings).toEqual([]);
    expect(hits.map((h) => h.matches.map((m) => m.m.secret))).toEqual([[token]]);
  });
});
