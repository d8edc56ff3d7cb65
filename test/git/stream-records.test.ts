// streamRecords: git's output as records, in order, whether the consumer takes them at
// once or asks to wait (a promise pauses reading), up to the last one without separator.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eachRecord, streamRecords } from '../../src/sources/git/run.ts';
import { makeRepo } from './repo.ts';

describe('streamRecords', () => {
  const r = makeRepo();
  const ctx = { cwd: r.dir, env: { ...process.env, ...r.env } };
  // cat-file answers each input line with "<line> missing": many records, known in advance.
  const names = Array.from({ length: 20_000 }, (_, i) => `no-such-object-${i}`);
  const input = `${names.join('\n')}\n`;
  const expected = names.map((n) => `${n} missing`);

  it('hands over every record in order, pausing whenever the consumer asks', async () => {
    const got: string[] = [];
    let n = 0;
    const done = await streamRecords(ctx, ['cat-file', '--batch-check'], (rec) => {
      got.push(rec.toString());
      // Wait now and then, sometimes across a timer, sometimes a microtask.
      if (++n % 997 === 0) return new Promise((res) => setTimeout(res, 2));
      if (n % 89 === 0) return Promise.resolve();
    }, { input }).done;
    expect(done.code).toBe(0);
    expect(got).toEqual(expected);
  });

  it('keeps order when a record waits as git exits (Node then resumes the stream on its own)', async () => {
    // A third of the records wait, on a timer, a macrotask or a microtask: some wait at
    // the moment git exits, and the last chunks must still come after the pending one.
    for (const seed of [1, 2, 3]) {
      let x = seed;
      const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const got: string[] = [];
      let pending = 0;
      let most = 0;
      const done = await streamRecords(ctx, ['cat-file', '--batch-check'], (rec) => {
        got.push(rec.toString());
        const r = rnd();
        if (r >= 0.3) return;
        most = Math.max(most, ++pending);
        return new Promise<void>((res) => {
          const go = () => {
            pending--;
            res();
          };
          if (r < 0.02) setTimeout(go, Math.floor(rnd() * 3));
          else if (r < 0.15) setImmediate(go);
          else queueMicrotask(go);
        });
      }, { input }).done;
      expect(done.code).toBe(0);
      expect(got).toEqual(expected);
      expect(most).toBe(1);
    }
  });

  it('gives the last record even without a separator, and waits for it too', async () => {
    const got: string[] = [];
    const done = await streamRecords(ctx, ['cat-file', '--batch-check'], (rec) => {
      got.push(rec.toString());
      return new Promise((res) => setImmediate(res));
    }, { input: 'a\nb', sep: 0x20 }).done;
    expect(done.code).toBe(0);
    // Split at spaces: "a", "missing\nb", "missing\n".
    expect(got).toEqual(['a', 'missing\nb', 'missing\n']);
  });

  it('rejects when the consumer throws, and stops git', async () => {
    let n = 0;
    const run = streamRecords(ctx, ['cat-file', '--batch-check'], () => {
      if (++n === 5000) throw new Error('consumer failed');
    }, { input });
    await expect(run.done).rejects.toThrow('consumer failed');
    expect(n).toBe(5000); // no record after the failure
  });

  it('rejects when git cannot start, with a clear message', async () => {
    const run = streamRecords({ cwd: join(tmpdir(), 'no-such-directory-for-hfleaks'), env: process.env }, ['version'], () => undefined);
    await expect(run.done).rejects.toThrow(/cannot run git/);
  });

  it('rejects when a consumer promise rejects', async () => {
    let n = 0;
    const run = streamRecords(ctx, ['cat-file', '--batch-check'], () => {
      if (++n === 300) return Promise.reject(new Error('later failure'));
      if (n % 50 === 0) return Promise.resolve();
    }, { input });
    await expect(run.done).rejects.toThrow('later failure');
  });
});

describe('records longer than a chunk', () => {
  const r = makeRepo();
  const ctx = { cwd: r.dir, env: { ...process.env, ...r.env } };
  // A 3 MB record between short ones (a huge commit message), split by the pipe into many chunks.
  const big = 'x'.repeat(3 << 20);
  const input = `a\n${big}\nb\n${big}y\n`;

  it('streamRecords joins a record that spans many chunks, and pauses after it', async () => {
    const got: number[] = [];
    // cat-file answers each line with "<line> missing".
    const done = await streamRecords(ctx, ['cat-file', '--batch-check'], (rec) => {
      got.push(rec.length);
      if (got.length === 2) return new Promise((res) => setTimeout(res, 5));
    }, { input }).done;
    expect(done.code).toBe(0);
    const m = ' missing'.length;
    expect(got).toEqual([1 + m, big.length + m, 1 + m, big.length + 1 + m]);
  });

  it('eachRecord does the same over kept chunks', () => {
    const data = Buffer.from(input);
    const chunks: Buffer[] = [];
    for (let i = 0; i < data.length; i += 65_536) chunks.push(data.subarray(i, i + 65_536));
    const got: number[] = [];
    eachRecord(chunks, 10, (rec) => got.push(rec.length));
    expect(got).toEqual([1, big.length, 1, big.length + 1]);
  });
});
