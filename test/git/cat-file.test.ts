// CatFile: every object's bytes, exactly, in order, whichever way the answers come
// (a FIFO read into slabs, or the socket Node gives a child), with --batch-command or
// --batch; objects spanning many reads and slabs, empty ones, missing ones, non-blobs.
// Pieces are kept until the end: a slab must never be written over while a piece of it
// is still owned by its consumer.
import { describe, expect, it } from 'vitest';
import { CatFile } from '../../src/sources/git/cat-file.ts';
import { seededBytes } from '../helpers/detect.ts';
import { makeRepo } from './repo.ts';

interface Answer {
  type?: string;
  size?: number;
  pieces: Buffer[];
  missing?: boolean;
  ended?: boolean;
}

describe('CatFile', () => {
  const r = makeRepo();
  // Sizes around the pipe's 64 KiB reads and the 1 MiB slabs, many small ones between.
  const sizes = [0, 1, 4095, 65_535, 65_536, 65_537, 300_000, 1_048_575, 1_048_576, 3_500_000];
  for (let i = 0; i < 400; i++) sizes.push((i * 7919) % 20_000);
  const contents = sizes.map((n, i) => seededBytes(n, i + 1));
  contents.forEach((c, i) => r.write(`blob-${i}`, c));
  const oids = r.git('hash-object', '-w', ...contents.map((_, i) => `blob-${i}`)).trim().split('\n');
  const commit = r.commit('one commit');
  const missingOid = '0123456789abcdef0123456789abcdef01234567';
  // Missing objects and a commit among the blobs, twice each.
  const order = [...oids.slice(0, 200), missingOid, commit, ...oids.slice(200), missingOid, commit];

  async function readAll(opts: { fifo: boolean; batchCommand: boolean }): Promise<{ answers: Answer[]; viaFifo: boolean }> {
    const cat = new CatFile({ cwd: r.dir, env: { ...process.env, ...r.env }, ...opts });
    const answers: Answer[] = [];
    for (const oid of order) {
      const a: Answer = { pieces: [] };
      answers.push(a);
      cat.request(oid, {
        start(type, size) {
          a.type = type;
          a.size = size;
          return { push: (p) => a.pieces.push(p), end: () => void (a.ended = true) };
        },
        missing() {
          a.missing = true;
        },
      });
    }
    await cat.close();
    return { answers, viaFifo: cat.viaFifo };
  }

  for (const fifo of [true, false]) {
    for (const batchCommand of [true, false]) {
      it(`answers every object exactly (${fifo ? 'FIFO' : 'socket'}, ${batchCommand ? '--batch-command' : '--batch'})`, async () => {
        const { answers, viaFifo } = await readAll({ fifo, batchCommand });
        expect(viaFifo).toBe(fifo && process.platform !== 'win32');
        expect(answers).toHaveLength(order.length);
        for (let i = 0; i < order.length; i++) {
          const a = answers[i]!;
          const oid = order[i]!;
          if (oid === missingOid) {
            expect(a).toEqual({ pieces: [], missing: true });
            continue;
          }
          expect(a.ended).toBe(true);
          if (oid === commit) {
            expect(a.type).toBe('commit');
            expect(Buffer.concat(a.pieces).toString()).toContain('one commit');
            continue;
          }
          const want = contents[oids.indexOf(oid)]!;
          expect(a.type).toBe('blob');
          expect(a.size).toBe(want.length);
          // Compared only now, after every read: no piece was overwritten since it was handed over.
          expect(Buffer.concat(a.pieces).equals(want)).toBe(true);
          expect(a.pieces.every((p) => p.length > 0)).toBe(true);
        }
      });
    }
  }

  it.skipIf(process.platform === 'win32')('hands an object that spans several reads of one slab over in one piece', async () => {
    const { answers } = await readAll({ fifo: true, batchCommand: true });
    // Every object under half a slab spans at most two slabs: at most two pieces, where a
    // piece per read would give five or more for the 300 kB one.
    for (let i = 0; i < order.length; i++) {
      const a = answers[i]!;
      if (a.size !== undefined && a.size < 512 * 1024) expect(a.pieces.length).toBeLessThanOrEqual(2);
    }
    const big = answers[order.indexOf(oids[sizes.indexOf(300_000)]!)]!;
    expect(big.size).toBe(300_000);
  });
});
