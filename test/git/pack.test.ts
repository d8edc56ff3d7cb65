// Reading objects straight from pack files (src/sources/git/pack.ts): every object as git
// itself gives it, deltas on offsets and on names, 64-bit offsets, and damage left to git
// rather than read wrong. Then end to end: history on packed, loose and damaged objects,
// and the worker threads that read packs.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT_OPTIONS } from '../../src/detect/content.ts';
import { builtinRules } from '../../src/rules/builtin.ts';
import type { BlobHit } from '../../src/sources/git/blob-reader.ts';
import type * as BlobWorker from '../../src/sources/git/blob-worker.ts';
import { adler32, applyDelta, inflate, NATIVE_INFLATE_MIN, openPackReader } from '../../src/sources/git/pack.ts';
import type { PackReader } from '../../src/sources/git/pack.ts';
import { seededRandom as mulberry32 } from '../../src/rules/template.ts';
import { ROOT, runJson, tempDir } from '../helpers/cli.ts';
import { makeRepo, tokens } from './repo.ts';
import type { TestRepo } from './repo.ts';

const gen = tokens(9077);
const BIG = 1 << 30;

/** Seeded lines of text: files whose versions git stores as deltas on each other. */
function lines(rnd: () => number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `line ${i} ${Math.floor(rnd() * 1e9).toString(36)} ${'x'.repeat(Math.floor(rnd() * 40))}`);
}

/** A repository whose history git packs mostly as deltas: a file edited many times, a binary, an empty file. */
function deltaRepo(): { r: TestRepo; planted: string[] } {
  const rnd = mulberry32(77);
  const r = makeRepo();
  const text = lines(rnd, 400);
  const planted: string[] = [];
  r.write('empty.txt', '');
  // Bytes that do not compress: zlib stores them as they are, so only its checksum tells damage.
  r.write('noise.bin', Buffer.from(Array.from({ length: 3000 }, () => Math.floor(rnd() * 256))));
  for (let v = 0; v < 60; v++) {
    // Each version changes a few lines; some versions add a token, which a later one removes.
    for (let k = 0; k < 3; k++) text[Math.floor(rnd() * text.length)] = `edit ${v}.${k} ${Math.floor(rnd() * 1e9)}`;
    if (v % 20 === 5) {
      const t = gen.userToken();
      planted.push(t);
      text[10] = `HF_TOKEN=${t}`;
    }
    r.write('notes.txt', `${text.join('\n')}\n`);
    const bin = Buffer.alloc(20_000);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 31 + (i % 7 === 0 ? v : 0)) & 0xff;
    r.write('model.bin', bin);
    r.commit(`version ${v}`);
  }
  return { r, planted };
}

function packDir(r: TestRepo): string {
  return join(r.dir, '.git/objects/pack');
}

function allObjects(r: TestRepo): { oid: string; type: string }[] {
  return r
    .git('cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)')
    .trim()
    .split('\n')
    .map((l) => {
      const [oid, type] = l.split(' ');
      return { oid: oid!, type: type! };
    });
}

/** Git's object id of what the reader gave: equal only if every byte and the type are right. */
function objectId(type: string, data: Buffer): string {
  return createHash('sha1').update(`${type} ${data.length}\0`).update(data).digest('hex');
}

/** Entry kinds (1..4 whole, 6 offset delta, 7 name delta) in the repository's one pack, by `git verify-pack`. */
function entryKinds(r: TestRepo): Map<string, number> {
  const pack = readdirSync(packDir(r)).find((f) => f.endsWith('.pack'))!;
  const bytes = readFileSync(join(packDir(r), pack));
  const out = r.git('verify-pack', '-v', join(packDir(r), pack.replace(/\.pack$/, '.idx')));
  const kinds = new Map<string, number>();
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]{40}) \w+ +\d+ \d+ (\d+)/.exec(line);
    if (m) kinds.set(m[1]!, (bytes[Number(m[2])]! >> 4) & 7);
  }
  return kinds;
}

function readAll(reader: PackReader, objects: { oid: string; type: string }[]) {
  const wrong: string[] = [];
  let read = 0;
  for (const { oid, type } of objects) {
    const at = reader.locate(oid);
    if (!at) {
      wrong.push(`${oid} not located`);
      continue;
    }
    const o = reader.read(at, BIG);
    if (!o) {
      wrong.push(`${oid} not read`);
      continue;
    }
    read++;
    if (o.type !== type || objectId(o.type, o.data) !== oid) wrong.push(`${oid} read wrong`);
  }
  return { wrong, read };
}

/** What a reader opened on `r` makes of every object git lists, read in each of `orders` in turn. */
function readEvery(r: TestRepo, ...orders: ((objects: { oid: string; type: string }[]) => { oid: string; type: string }[])[]) {
  const objects = allObjects(r);
  const reader = openPackReader(join(r.dir, '.git/objects'))!;
  try {
    return { objects: objects.length, runs: orders.map((order) => readAll(reader, order(objects))) };
  } finally {
    reader.close();
  }
}
const asListed = (o: { oid: string; type: string }[]) => o;
const reversed = (o: { oid: string; type: string }[]) => [...o].reverse();

describe('pack reader', () => {
  it('reads every object of a packed history as git gives it, deltas on deltas included', () => {
    const { r } = deltaRepo();
    r.git('repack', '-a', '-d', '-f', '-q', '--depth=50', '--window=50');
    const kinds = entryKinds(r);
    expect([...kinds.values()].filter((k) => k === 6).length).toBeGreaterThan(50); // offset deltas
    // Any order: bases out of the cache are read again.
    const { objects, runs } = readEvery(r, reversed);
    expect(runs).toEqual([{ wrong: [], read: objects }]);
  });

  it('reads deltas that name their base (packs written without offset deltas)', () => {
    const { r } = deltaRepo();
    r.git('-c', 'repack.useDeltaBaseOffset=false', 'repack', '-a', '-d', '-f', '-q');
    const kinds = entryKinds(r);
    expect([...kinds.values()].filter((k) => k === 7).length).toBeGreaterThan(50);
    expect([...kinds.values()].filter((k) => k === 6)).toEqual([]);
    const { objects, runs } = readEvery(r, asListed);
    expect(runs).toEqual([{ wrong: [], read: objects }]);
  });

  it('reads offsets from the index\'s 64-bit table', () => {
    const { r } = deltaRepo();
    r.git('repack', '-a', '-d', '-q');
    const pack = join(packDir(r), readdirSync(packDir(r)).find((f) => f.endsWith('.pack'))!);
    const idx = pack.replace(/\.pack$/, '.idx');
    // Every object past offset 0x100 goes to the large-offset table (a git test option).
    rmSync(idx, { force: true });
    r.git('index-pack', '--index-version=2,0x100', '-o', idx, pack);
    const count = readFileSync(idx).readUInt32BE(8 + 255 * 4);
    expect(readFileSync(idx).length).toBeGreaterThan(8 + 1024 + count * 28 + 40 + 8 * (count - 5));
    const { objects, runs } = readEvery(r, asListed);
    expect(runs).toEqual([{ wrong: [], read: objects }]);
  });

  it('leaves to git what is damaged, larger than asked, or not in its packs', () => {
    const { r } = deltaRepo();
    r.git('repack', '-a', '-d', '-f', '-q', '--depth=50');
    const pack = join(packDir(r), readdirSync(packDir(r)).find((f) => f.endsWith('.pack'))!);
    const kinds = entryKinds(r);
    const objects = allObjects(r);
    // A whole blob (not a delta) some deltas rest on: damage one byte in its deflated data.
    const verify = r.git('verify-pack', '-v', pack.replace(/\.pack$/, '.idx'));
    const rows = verify
      .split('\n')
      .map((l) => /^([0-9a-f]{40}) (\w+) +(\d+) (\d+) (\d+)(?: (\d+) ([0-9a-f]{40}))?/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    const bases = new Set(rows.filter((m) => m[7]).map((m) => m[7]));
    const victim = rows.find((m) => m[2] === 'blob' && kinds.get(m[1]!) === 3 && bases.has(m[1]) && Number(m[4]) > 200)!;
    expect(victim).toBeDefined();
    const dependents = rows.filter((m) => m[7] === victim[1]).map((m) => m[1]!);
    expect(dependents.length).toBeGreaterThan(0);
    const noise = rows.find((m) => m[2] === 'blob' && m[3] === '3000')!;
    expect(noise).toBeDefined();
    const bytes = readFileSync(pack);
    const at = Number(victim[5]) + Math.floor(Number(victim[4]) / 2);
    bytes[at] = bytes[at]! ^ 0x5a;
    const stored = Number(noise[5]) + Math.floor(Number(noise[4]) / 2);
    bytes[stored] = bytes[stored]! ^ 0x5a;
    writeFileSync(pack, bytes);

    const reader = openPackReader(join(r.dir, '.git/objects'))!;
    try {
      expect(reader.read(reader.locate(victim[1]!)!, BIG)).toBeUndefined();
      expect(reader.read(reader.locate(noise[1]!)!, BIG)).toBeUndefined();
      for (const d of dependents) expect(reader.read(reader.locate(d)!, BIG)).toBeUndefined();
      // Everything else still reads, and reads right.
      const rest = objects.filter((o) => o.oid !== victim[1] && o.oid !== noise[1] && !dependents.includes(o.oid) && !chainHas(rows, o.oid, victim[1]!));
      expect(readAll(reader, rest).wrong).toEqual([]);
      // Larger than the caller's cap: left to git, which streams it.
      const bin = rows.find((m) => m[2] === 'blob' && m[3] === '20000' && rest.some((o) => o.oid === m[1]))!;
      expect(bin).toBeDefined();
      expect(reader.read(reader.locate(bin[1]!)!, 20_000)).toBeDefined();
      expect(reader.read(reader.locate(bin[1]!)!, 19_999)).toBeUndefined();
      // Not in any pack.
      expect(reader.locate('0'.repeat(40))).toBeUndefined();
      expect(reader.locate('not an object id')).toBeUndefined();
    } finally {
      reader.close();
    }
  });

  it('reads nothing from a pack whose index does not match it, or that it does not understand', () => {
    const { r } = deltaRepo();
    r.git('repack', '-a', '-d', '-q');
    const pack = join(packDir(r), readdirSync(packDir(r)).find((f) => f.endsWith('.pack'))!);
    const idx = pack.replace(/\.pack$/, '.idx');
    const good = readFileSync(idx);
    const oid = r.git('rev-parse', 'HEAD:notes.txt').trim();
    // A pack rewritten under its index (the trailer no longer matches): its index still
    // finds the object, and the pack is refused at its first read.
    const packBytes = readFileSync(pack);
    const changed = Buffer.from(packBytes);
    changed[changed.length - 1] = changed[changed.length - 1]! ^ 1;
    writeFileSync(pack, changed);
    const refused = openPackReader(join(r.dir, '.git/objects'))!;
    expect(refused.read(refused.locate(oid)!, BIG)).toBeUndefined();
    refused.close();
    writeFileSync(pack, packBytes);
    const reader = openPackReader(join(r.dir, '.git/objects'))!;
    const at = reader.locate(oid)!;
    expect(objectId('blob', reader.read(at, BIG)!.data)).toBe(oid);
    // A place that is not where an entry starts.
    expect(reader.read({ ...at, offset: at.offset + 1 }, BIG)).toBeUndefined();
    reader.close();
    // Index version 1, and a truncated index.
    rmSync(idx);
    r.git('index-pack', '--index-version=1', '-o', idx, pack);
    expect(openPackReader(join(r.dir, '.git/objects'))).toBeUndefined();
    writeFileSync(idx, good.subarray(0, good.length - 100));
    expect(openPackReader(join(r.dir, '.git/objects'))).toBeUndefined();
    writeFileSync(idx, good);
    expect(openPackReader(join(r.dir, '.git/objects'))).toBeDefined();
    // No pack directory at all.
    expect(openPackReader(join(r.dir, 'nowhere'))).toBeUndefined();
  });

  it('applies deltas only when every instruction fits its base and its result', () => {
    const base = Buffer.from('0123456789abcdef');
    // base size 16, result size 6: copy 4 bytes from offset 2, insert "xy".
    const ok = Buffer.from([16, 6, 0x80 | 0x01 | 0x10, 2, 4, 2, 0x78, 0x79]);
    expect(applyDelta(base, ok).toString()).toBe('2345xy');
    const bad = [
      Buffer.from([15, 6, 0x80 | 0x01 | 0x10, 2, 4, 2, 0x78, 0x79]), // base size differs
      Buffer.from([16, 6, 0x80 | 0x01 | 0x10, 14, 4, 2, 0x78, 0x79]), // copy past the base
      Buffer.from([16, 5, 0x80 | 0x01 | 0x10, 2, 4, 2, 0x78, 0x79]), // more than the result
      Buffer.from([16, 7, 0x80 | 0x01 | 0x10, 2, 4, 2, 0x78, 0x79]), // less than the result
      Buffer.from([16, 6, 0, 0x80 | 0x01 | 0x10, 2, 4, 2, 0x78, 0x79]), // the reserved instruction
      Buffer.from([16, 6, 0x80 | 0x01 | 0x10, 2, 4, 5, 0x78, 0x79]), // an insert past the delta's end
    ];
    for (const d of bad) expect(() => applyDelta(base, d)).toThrow();
  });

  // (Small objects are inflated by fflate, the others by Node's zlib: both ways.)
  it.each([NATIVE_INFLATE_MIN - 1, 5000])('never gives bytes a stream did not make, or made beyond its object\'s size (%i bytes)', (n) => {
    const object = Buffer.from(Array.from({ length: n }, (_, i) => (i * 7) & 0xff));
    const adlerOf = (b: Buffer) => {
      const x = Buffer.alloc(4);
      x.writeUInt32BE(adler32(b));
      return x;
    };
    expect(inflate(deflateSync(object), object.length)).toEqual(object);
    // Space that holds the object already (what a ring holds from an earlier read), and
    // streams whose checksum is the object's: one that makes nothing, one that makes more.
    const stale = Buffer.concat([object, Buffer.alloc(10)]);
    const empty = Buffer.concat([Buffer.from([0x78, 0x9c]), adlerOf(object)]);
    expect(() => inflate(empty, object.length, stale)).toThrow();
    const longer = deflateSync(Buffer.concat([object, Buffer.from('and more')]));
    longer.set(adlerOf(object), longer.length - 4);
    expect(() => inflate(longer, object.length, stale)).toThrow();
    expect(() => inflate(longer, object.length)).toThrow();
    const shorter = deflateSync(object.subarray(0, n - 100));
    expect(() => inflate(shorter, object.length, stale)).toThrow();
    // Bytes after the stream's end, and a checksum that is not the object's.
    expect(() => inflate(Buffer.concat([deflateSync(object), Buffer.from([1, 2, 3])]), object.length, stale)).toThrow();
    const wrong = deflateSync(object);
    wrong[wrong.length - 1]! ^= 1;
    expect(() => inflate(wrong, object.length, stale)).toThrow();
    expect(() => inflate(wrong, object.length)).toThrow();
    // Into space of its own, or into the space given.
    const into = Buffer.alloc(n + 5);
    const got = inflate(deflateSync(object), object.length, into);
    expect(got).toEqual(object);
    expect(got.buffer).toBe(into.buffer);
  });

  it('reads an object two packs hold from the one git reads it from, the newest', () => {
    const r = makeRepo();
    const token = gen.userToken();
    r.write('secret.env', `HF_TOKEN=${token}\n`);
    r.commit('secret');
    r.git('repack', '-a', '-d', '-q');
    const oid = r.git('rev-parse', 'HEAD:secret.env').trim();
    // An older pack whose index claims that blob for other bytes (a pack of one harmless
    // blob, its index's one name replaced).
    const other = makeRepo();
    other.write('x.txt', 'nothing to see here\n');
    const harmless = other.git('hash-object', '-w', 'x.txt').trim();
    const made = execFileSync('git', ['pack-objects', '-q', join(other.dir, 'p')], { cwd: other.dir, env: { ...process.env, ...other.env }, input: `${harmless}\n` }).toString().trim();
    const idx = readFileSync(join(other.dir, `p-${made}.idx`));
    Buffer.from(oid, 'hex').copy(idx, 8 + 1024);
    const first = Buffer.from(oid, 'hex')[0]!;
    for (let i = 0; i < 256; i++) idx.writeUInt32BE(i >= first ? 1 : 0, 8 + i * 4);
    const stem = join(packDir(r), `pack-${'0'.repeat(40)}`);
    copyFileSync(join(other.dir, `p-${made}.pack`), `${stem}.pack`);
    writeFileSync(`${stem}.idx`, idx);
    const old = new Date('2001-01-01T00:00:00Z');
    utimesSync(`${stem}.pack`, old, old);
    utimesSync(`${stem}.idx`, old, old);
    expect(r.git('cat-file', 'blob', oid)).toContain(token);
    const reader = openPackReader(join(r.dir, '.git/objects'))!;
    try {
      const o = reader.read(reader.locate(oid)!, BIG)!;
      expect(objectId(o.type, o.data)).toBe(oid);
    } finally {
      reader.close();
    }
  });

  it('reads from more packs than it keeps open at once', () => {
    const { r } = deltaRepo();
    // One pack per commit's objects: about 60 packs, past the 32 a reader keeps open.
    const commits = r.git('rev-list', '--reverse', 'HEAD').trim().split('\n');
    for (const c of commits) {
      const objects = `${r.git('ls-tree', '-r', '-t', '--format=%(objectname)', c).trim()}\n${r.git('rev-parse', `${c}^{tree}`).trim()}\n${c}\n`;
      execFileSync('git', ['pack-objects', '-q', join(packDir(r), 'pack')], { cwd: r.dir, env: { ...process.env, ...r.env }, input: objects });
    }
    r.git('prune-packed');
    expect(readdirSync(packDir(r)).filter((f) => f.endsWith('.pack')).length).toBeGreaterThan(40);
    // Twice over, in orders that go from pack to pack.
    const { objects, runs } = readEvery(r, asListed, reversed);
    expect(runs).toEqual([
      { wrong: [], read: objects },
      { wrong: [], read: objects },
    ]);
  });

  it('checks inflated data with Adler-32', () => {
    expect(adler32(Buffer.alloc(0))).toBe(1);
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    const big = Buffer.alloc(100_000, 0xff); // past the 5,552-byte reduction step
    let a = 1;
    let b = 0;
    for (const x of big) {
      a = (a + x) % 65521;
      b = (b + a) % 65521;
    }
    expect(adler32(big)).toBe(((b << 16) | a) >>> 0);
  });
});

/** Whether `oid`'s delta chain (per verify-pack's rows) passes through `base`. */
function chainHas(rows: RegExpExecArray[], oid: string, base: string): boolean {
  const parent = new Map(rows.filter((m) => m[7]).map((m) => [m[1]!, m[7]!]));
  for (let o: string | undefined = parent.get(oid); o; o = parent.get(o)) if (o === base) return true;
  return false;
}

describe('history from packs', () => {
  it('finds what packed, loose and damaged objects hold: damage is git\'s to report, the rest is found', async () => {
    const { r, planted } = deltaRepo();
    r.git('repack', '-a', '-d', '-f', '-q', '--depth=50');
    // Loose objects after the pack: a new file with a token.
    const loose = gen.userToken();
    r.write('later.env', `HF_TOKEN=${loose}\n`);
    r.commit('after the pack');
    const clean = await runJson(['history', '--no-progress', '--show-secrets'], { cwd: r.dir, env: r.env });
    expect(clean.code).toBe(1);
    expect(clean.report.findings.map((f: any) => f.secret.raw).sort()).toEqual([...planted, loose].sort());
    expect(clean.report.stats.missingObjects).toBe(0);
    expect(clean.stderr).toBe('');

    // Damage the deflated data of one whole blob that holds no token: git says so, the tokens are still found.
    const pack = join(packDir(r), readdirSync(packDir(r)).find((f) => f.endsWith('.pack'))!);
    const kinds = entryKinds(r);
    const rows = r
      .git('verify-pack', '-v', pack.replace(/\.pack$/, '.idx'))
      .split('\n')
      .map((l) => /^([0-9a-f]{40}) blob +(\d+) (\d+) (\d+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    const victim = rows.find((m) => kinds.get(m[1]!) === 3 && !r.git('cat-file', 'blob', m[1]!).includes('HF_TOKEN') && Number(m[3]) > 200)!;
    expect(victim).toBeDefined();
    const bytes = readFileSync(pack);
    const at = Number(victim[4]) + Math.floor(Number(victim[3]) / 2);
    bytes[at] = bytes[at]! ^ 0x5a;
    writeFileSync(pack, bytes);
    const damaged = await runJson(['history', '--no-progress', '--show-secrets'], { cwd: r.dir, env: r.env });
    expect(damaged.code).toBe(1);
    expect(damaged.report.findings.map((f: any) => f.secret.raw).sort()).toEqual([...planted, loose].sort());
    expect(damaged.report.stats.missingObjects).toBeGreaterThanOrEqual(1);
    expect(damaged.stderr).toMatch(new RegExp(victim[1]!.slice(0, 12)));
  });

  it('finds the same whether the history is packed or loose', async () => {
    const { r } = deltaRepo();
    const key = (rep: any) => JSON.stringify(rep.findings.map((f: any) => [f.fingerprint, f.locations]));
    const looseRun = await runJson(['history', '--no-progress'], { cwd: r.dir, env: r.env });
    r.git('repack', '-a', '-d', '-f', '-q', '--depth=50');
    r.git('prune-packed');
    expect(readdirSync(join(r.dir, '.git/objects')).filter((d) => /^[0-9a-f]{2}$/.test(d))).toEqual([]);
    const packedRun = await runJson(['history', '--no-progress'], { cwd: r.dir, env: r.env });
    expect(packedRun.code).toBe(1);
    expect(key(packedRun.report)).toBe(key(looseRun.report));
    expect(packedRun.report.stats.blobs).toBe(looseRun.report.stats.blobs);
    expect(packedRun.report.stats.bytes).toBe(looseRun.report.stats.bytes);
  });
});

describe.skipIf(process.platform !== 'linux')('blob worker threads reading packs', () => {
  it('answer every blob, packed or loose, across many batches, with each hit once', async () => {
    const r = makeRepo();
    const rnd = mulberry32(5);
    // 3,000 blobs through fast-import (one process), packed; then 200 loose ones.
    const planted = new Map<string, string>();
    let stream = 'commit refs/heads/main\ncommitter A <a@example.invalid> 1700000000 +0000\ndata 4\nbulk\n';
    for (let i = 0; i < 3000; i++) {
      let body = `file ${i} ${Math.floor(rnd() * 1e12)}\n`;
      if (i % 500 === 7) {
        const t = gen.userToken();
        planted.set(`p/${i}.txt`, t);
        body += `HF_TOKEN=${t}\n`;
      }
      stream += `M 100644 inline p/${i}.txt\ndata ${Buffer.byteLength(body)}\n${body}`;
    }
    execFileSync('git', ['fast-import', '--quiet'], { cwd: r.dir, env: { ...process.env, ...r.env }, input: stream });
    r.git('repack', '-a', '-d', '-q');
    r.git('checkout', '-q', '-f', 'main');
    for (let i = 0; i < 200; i++) {
      const t = i === 100 ? gen.userToken() : undefined;
      if (t) planted.set(`loose/${i}.txt`, t);
      r.write(`loose/${i}.txt`, `loose ${i}\n${t ? `HF_TOKEN=${t}\n` : ''}`);
    }
    r.commit('loose');
    const jobs = r
      .git('ls-tree', '-r', '--format=%(objectname) %(path)', 'HEAD')
      .trim()
      .split('\n')
      .map((l) => ({ oid: l.slice(0, 40), path: l.slice(41) }));
    expect(jobs).toHaveLength(3200);

    const file = readdirSync(join(ROOT, 'dist', 'chunks')).find((f) => /^blob-worker-.*\.js$/.test(f))!;
    const mod = (await import(pathToFileURL(join(ROOT, 'dist', 'chunks', file)).href)) as typeof BlobWorker;
    const hits: BlobHit[] = [];
    const warnings: string[] = [];
    let answered = 0;
    const scanner = mod.createWorkerScanner(
      2,
      builtinRules(),
      true,
      {
        git: { cwd: r.dir, env: { ...process.env, ...r.env }, objectsDir: join(r.dir, '.git/objects'), oidLength: 40 },
        batchCommand: false,
        content: DEFAULT_CONTENT_OPTIONS,
        maxBlobSize: BIG,
        fifo: true,
        packsAfter: 0,
      },
      { hit: (h) => hits.push(h), missing: () => undefined, warn: (w) => warnings.push(w), skip: () => undefined, done: (n) => void (answered += n) },
    );
    for (const j of jobs) await scanner.add(j);
    const totals = await scanner.finish();
    expect(warnings).toEqual([]);
    expect(answered).toBe(3200);
    expect(totals.blobs).toBe(3200);
    expect(Object.fromEntries(hits.map((h) => [h.path, h.matches.map((m) => m.m.secret).join()]))).toEqual(Object.fromEntries(planted));
  });
});

describe('history of a long history', () => {
  it('lists through parallel walks and places every token as one walk does', async () => {
    const r = makeRepo();
    const rnd = mulberry32(11);
    const t: Record<string, string> = { early: gen.userToken(), moved: gen.userToken(), message: gen.userToken(), late: gen.userToken() };
    const big = 'w'.repeat(4096);
    t.archived = gen.userToken();
    const gz = gzipSync(`HF_TOKEN=${t.archived}\n`);
    // 4,500 commits (past the 4,000 from which the listing walk is split), one fast-import.
    let stream = Buffer.alloc(0);
    for (let i = 1; i <= 4500; i++) {
      const msg = i === 3000 ? `oops ${t.message}` : `commit ${i}`;
      stream = Buffer.concat([stream, Buffer.from(`commit refs/heads/main\ncommitter A <a@example.invalid> ${1_700_000_000 + i * 60} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}\n`)]);
      const files: [string, string | Buffer][] = [[`dir${i % 7}/f${i % 50}.txt`, `v ${i} ${Math.floor(rnd() * 1e9)}\n`]];
      if (i === 10) files.push(['old/config.env', `HF_TOKEN=${t.early}\n`]);
      if (i === 20) files.push(['old/config.env', 'HF_TOKEN=\n']);
      // The same bytes in an old file and, 4,000 commits later, in a new one: one blob, two introductions.
      if (i === 100) files.push(['a/moved.env', `HF_TOKEN=${t.moved}\n`]);
      if (i === 4400) files.push(['b/moved.env', `HF_TOKEN=${t.moved}\n`]);
      if (i === 4490) files.push(['late.py', `TOKEN = "${t.late}"\n`]);
      // One large blob at two paths, brought near where the walk is split: the older walk
      // part meets it first, yet it keeps the name the newest introduction gives it.
      if (i === 2240) files.push(['a/weights.bin', big]);
      if (i === 2260) files.push(['b/weights.bin', big]);
      // And an archive: its member is named after the file it was scanned as, the newest.
      if (i === 2241) files.push(['a/first.env.gz', gz]);
      if (i === 2261) files.push(['b/second.env.gz', gz]);
      for (const [path, body] of files) {
        const bytes = Buffer.from(body);
        stream = Buffer.concat([stream, Buffer.from(`M 100644 inline ${path}\ndata ${bytes.length}\n`), bytes, Buffer.from('\n')]);
      }
    }
    execFileSync('git', ['fast-import', '--quiet'], { cwd: r.dir, env: { ...process.env, ...r.env }, input: stream });
    r.git('repack', '-a', '-d', '-q');
    const run = (threads: string) => runJson(['history', '--no-progress', '--threads', threads, '--show-secrets', '--max-file-size', '2KB'], { cwd: r.dir, env: r.env });
    const [one, two] = await Promise.all([run('1'), run('2')]);
    expect(two.code).toBe(1);
    expect(two.stderr).toBe('');
    expect(two.report.stats.commits).toBe(4500);
    expect(two.report.findings.map((f: any) => f.secret.raw).sort()).toEqual(Object.values(t).sort());
    const moved = two.report.findings.find((f: any) => f.secret.raw === t.moved);
    expect(moved.locations.map((l: any) => l.path).sort()).toEqual(['a/moved.env', 'b/moved.env']);
    const message = two.report.findings.find((f: any) => f.secret.raw === t.message);
    expect(message.locations).toHaveLength(1);
    // Everything (commits, paths, lines, dates, inHead) as the single walk has it.
    expect(two.report.findings).toEqual(one.report.findings);
    expect(two.report.stats.blobs).toBe(one.report.stats.blobs);
    expect(two.report.stats.skipped).toEqual([{ path: 'b/weights.bin', reason: expect.stringMatching(/larger than the size cap/) }]);
    expect(two.report.stats.skipped).toEqual(one.report.stats.skipped);
    const archived = two.report.findings.find((f: any) => f.secret.raw === t.archived);
    expect(archived.locations.map((l: any) => l.path).sort()).toEqual(['a/first.env.gz!second.env', 'b/second.env.gz!second.env']);
    // The same with no pack of its own to read (objects through alternates): git reads
    // every blob, handed over as the walk parts list them.
    const shared = join(tempDir(), 'shared');
    execFileSync('git', ['clone', '-q', '--shared', '--no-checkout', r.dir, shared], { env: { ...process.env, ...r.env } });
    const alt = await runJson(['history', '--no-progress', '--threads', '2', '--show-secrets', '--max-file-size', '2KB'], { cwd: shared, env: r.env });
    expect(alt.report.findings.map((f: any) => [f.secret.raw, f.locations.map((l: any) => l.path)])).toEqual(two.report.findings.map((f: any) => [f.secret.raw, f.locations.map((l: any) => l.path)]));
    expect(alt.report.stats.skipped).toEqual(two.report.stats.skipped);
  });
});
