// Reads objects straight from a repository's pack files, in this process: the index
// (`.idx`, version 2) says where each object lies, zlib (fflate) inflates it, and deltas
// are applied here against bases kept in a small cache. On history made mostly of deltas
// this does git's own work with no process between, no pipe and no copy of every byte
// through it.
//
// It answers only what it reads with certainty: a SHA-1 repository, packs whose index and
// pack agree, whole objects that fit the size cap, checksums that match. Everything else
// (loose objects, alternates, packs written after it opened them, damage, big objects)
// is for `git cat-file` to answer, as before.
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fflateLib, lazyBuiltin } from '../../core/lazy.ts';

const zlib = lazyBuiltin<typeof import('node:zlib')>('node:zlib');

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';
const TYPES: readonly (ObjectType | undefined)[] = [undefined, 'commit', 'tree', 'blob', 'tag'];
const OFS_DELTA = 6;
const REF_DELTA = 7;

export interface PackObject {
  type: ObjectType;
  data: Buffer;
}

/** Where an object lies: a pack (its number here) and the entry's offset in it. */
export interface PackPlace {
  pack: number;
  offset: number;
}

/** Orders things by where they lie in the packs. */
export function byPlace(a: { at: PackPlace }, b: { at: PackPlace }): number {
  return a.at.pack - b.at.pack || a.at.offset - b.at.offset;
}

export interface PackReader {
  /** Where an object lies in the packs, or undefined when they don't hold it. */
  locate(oid: string): PackPlace | undefined;
  /**
   * The whole object at `at`, or undefined when this reader leaves it to git: larger
   * than `maxSize`, a delta on a base elsewhere, or anything that does not check out.
   * Its bytes may be the reader's own space: they are the caller's until the next read.
   */
  read(at: PackPlace, maxSize: number): PackObject | undefined;
  close(): void;
}

interface Pack {
  /** The pack file's path; it is opened at its first read (see OPEN_PACKS). */
  path: string;
  /** Open while it is read (undefined: closed, or not opened yet). */
  fd: number | undefined;
  /** The pack failed its checks when opened: nothing in it is read here. */
  bad: boolean;
  /** When this reader last read it (its open files are closed least recent first). */
  used: number;
  /** Bytes of the pack, its 20-byte trailer included. */
  size: number;
  /** The index file: its object names (20 bytes each, sorted) and offsets are read where they lie. */
  idx: Buffer;
  /** fanout[b]: objects whose name's first byte is at most b. */
  fanout: Uint32Array;
  offsetsAt: number;
  largeAt: number;
  /** All offsets, ascending: an entry ends where the next begins. */
  sorted: Uint32Array | Float64Array;
}

/**
 * Indexes larger than this in all (about 2.4 million objects) are left to git, every
 * object in their packs: each reader holds them in memory.
 */
export const INDEX_BUDGET = 64 << 20;
/** A version 2 index's header: magic, version and the fanout table; the object names follow. */
const IDX_HEAD = 8 + 1024;
const WINDOW = 1 << 20;
/**
 * Resolved objects lie in a ring of this many bytes, each until the ring comes round to
 * it again, and are found there as delta bases: read in pack order, a delta's base was
 * read just before. One ring per reader, reused: no buffer per object for the garbage
 * collector to find (a worker thread left 60 MB of them waiting).
 */
const RING = 2 << 20;
/** Objects larger than this get a buffer of their own. */
const RING_ITEM = 1 << 20;
/** A delta's base may be larger than what it makes (a file that shrank), up to this. */
const BASE_MAX = 64 << 20;
/** Packs read here (their number is part of a cache key); objects in the rest are git's. */
const MAX_PACKS = 1024;
/** Objects larger than this are not kept for later deltas (a larger one outlives at least the next read). */
const CACHE_ITEM = 16 << 20;
/**
 * Objects kept for later deltas, per generation (two are kept). Most lie in the ring and
 * are kept while it still holds them, at most CACHE_ENTRIES a generation. The rest have
 * buffers of their own: those of ring size (placed outside the ring so as not to
 * overwrite their own base) up to RING bytes a generation, larger ones up to CACHE_BYTES.
 * A file of megabytes then has its versions kept, each the base of the next (counting
 * them against 2 MB lost them after one read: a 3 MB file's 400 versions took 3 times
 * git's time).
 */
const CACHE_ENTRIES = 256;
const CACHE_BYTES = 8 << 20;
/** Pack files a reader keeps open at once (a repository of hundreds of packs must not use up the file descriptors). */
const OPEN_PACKS = 32;
/**
 * Delta chains longer than this are left to git: git writes none longer (its default
 * depth is 50, and it caps `--depth` at 4095), and a loop in a damaged pack ends here.
 */
const MAX_DEPTH = 4096;

/** This reader will not answer for the object: git will. */
class LeftToGit extends Error {}

function leave(): never {
  throw new LeftToGit();
}

/** The 20-byte checksum a pack ends with, and its index repeats. */
function sameTrailer(fd: number, size: number, idx: Buffer): boolean {
  const tail = Buffer.alloc(20);
  return readSync(fd, tail, 0, 20, size - 20) === 20 && tail.equals(idx.subarray(idx.length - 40, idx.length - 20));
}

/** The offset of the index's object number `i` (-1 past the large-offset table). */
function offsetIn(idx: Buffer, offsetsAt: number, largeAt: number, i: number): number {
  const o = idx.readUInt32BE(offsetsAt + i * 4);
  if (!(o & 0x80000000)) return o;
  const at = largeAt + (o & 0x7fffffff) * 8;
  return at + 8 <= idx.length - 40 ? Number(idx.readBigUInt64BE(at)) : -1;
}

/**
 * One pack's index, checked against the pack's size, or undefined when it is not what
 * this reader understands. The pack file itself is opened (and its header and checksum
 * checked) at its first read.
 */
function loadPack(idxPath: string, packPath: string, packSize: number): Pack | undefined {
  try {
    const idx = readFileSync(idxPath);
    // Version 2: "\xfftOc", 2, fanout[256], names, CRC32s, 4-byte offsets, 8-byte offsets, two checksums.
    if (idx.length < IDX_HEAD + 40 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) return undefined;
    const fanout = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      fanout[i] = idx.readUInt32BE(8 + i * 4);
      if (i && fanout[i]! < fanout[i - 1]!) return undefined;
    }
    const count = fanout[255]!;
    const offsetsAt = IDX_HEAD + count * 24;
    const largeAt = offsetsAt + count * 4;
    const large = (idx.length - 40 - largeAt) / 8;
    if (!Number.isInteger(large) || large < 0) return undefined; // not SHA-1 names, or truncated
    const sorted = packSize < 2 ** 32 ? new Uint32Array(count) : new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const o = offsetIn(idx, offsetsAt, largeAt, i);
      if (o < 12 || o >= packSize - 20) return undefined;
      sorted[i] = o;
    }
    sorted.sort();
    return { path: packPath, fd: undefined, bad: false, used: 0, size: packSize, idx, fanout, offsetsAt, largeAt, sorted };
  } catch {
    return undefined;
  }
}

/** Opens a pack file for reading: its header and checksum must be the ones its index describes. */
function openPackFile(pack: Pack): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(pack.path, 'r');
    if (fstatSync(fd).size !== pack.size) return undefined;
    const head = Buffer.alloc(12);
    if (readSync(fd, head, 0, 12, 0) !== 12 || head.toString('latin1', 0, 4) !== 'PACK') return undefined;
    const version = head.readUInt32BE(4);
    if ((version !== 2 && version !== 3) || head.readUInt32BE(8) !== pack.fanout[255] || !sameTrailer(fd, pack.size, pack.idx)) return undefined;
    const open = fd;
    fd = undefined;
    return open;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Adler-32, the checksum that ends each zlib stream. */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  const n = data.length;
  for (let i = 0; i < n; ) {
    // 5552 bytes is the most that can be summed before the sums must be reduced.
    const end = Math.min(n, i + 5552);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Objects this large or larger are inflated by Node's zlib, smaller ones by fflate. Over
 * the bench repository's blobs and deltas, zlib took 2 to 4 times less time from 256
 * bytes up (46 against 180 ms for those of 4 to 16 KB), and fflate 5 times less below
 * (306 against 1,490 ms for 224,000 deltas): each zlib call costs about 6 us to set up.
 */
export const NATIVE_INFLATE_MIN = 256;

/**
 * Inflates one zlib stream that must hold exactly `size` bytes and end on its checksum,
 * into `into` if given (at least `size` bytes), else into a buffer of its own.
 */
export function inflate(z: Buffer, size: number, into?: Buffer): Buffer {
  if (z.length < 6) leave();
  if (size >= NATIVE_INFLATE_MIN) {
    // zlib checks the checksum; the stream must also end where the entry does, and make
    // no more than `size` bytes (maxOutputLength stops it one byte past).
    let r: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      // (One output chunk of the object's size, not 16 KB ones joined at the end.)
      r = zlib().inflateSync(z, { info: true, maxOutputLength: size + 1, chunkSize: Math.max(64, size + 1) }) as unknown as typeof r;
    } catch {
      leave();
    }
    if (r.buffer.length !== size || r.engine.bytesWritten !== z.length) leave();
    if (!into || into.length < size) return r.buffer;
    r.buffer.copy(into);
    return into.subarray(0, size);
  }
  // One byte more than the object holds: fflate stops writing at the buffer's end and
  // returns it whole when there is nothing to inflate, so a stream that makes more (or
  // makes nothing) than its size shows up as the wrong length.
  const room = into && into.length > size ? into.subarray(0, size + 1) : Buffer.allocUnsafe(size + 1);
  const out = fflateLib().unzlibSync(z, { out: room });
  if (out.length !== size || adler32(out) !== z.readUInt32BE(z.length - 4)) leave();
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}

/** A little-endian base-128 number in a delta's header. */
function deltaSize(d: Buffer, at: { p: number }): number {
  let v = 0;
  let shift = 0;
  let b: number;
  do {
    if (at.p >= d.length || shift > 49) leave();
    b = d[at.p++]!;
    v += (b & 127) * 2 ** shift;
    shift += 7;
  } while (b & 128);
  return v;
}

/** The size a delta produces, read from its header (without applying it). */
function deltaResultSize(d: Buffer): number {
  const at = { p: 0 };
  deltaSize(d, at);
  return deltaSize(d, at);
}

/** Applies a git delta (copy and insert instructions) to its base, into `into` if given (its size exactly). */
export function applyDelta(base: Buffer, d: Buffer, into?: Buffer): Buffer {
  const at = { p: 0 };
  if (deltaSize(d, at) !== base.length) leave();
  const size = deltaSize(d, at);
  if (into && into.length !== size) leave();
  const out = into ?? Buffer.allocUnsafe(size);
  let p = at.p;
  let w = 0;
  while (p < d.length) {
    const op = d[p++]!;
    if (op & 0x80) {
      let off = 0;
      let n = 0;
      if (op & 0x01) off = d[p++]!;
      if (op & 0x02) off |= d[p++]! << 8;
      if (op & 0x04) off |= d[p++]! << 16;
      if (op & 0x08) off += d[p++]! * 0x1000000;
      if (op & 0x10) n = d[p++]!;
      if (op & 0x20) n |= d[p++]! << 8;
      if (op & 0x40) n |= d[p++]! << 16;
      if (n === 0) n = 0x10000;
      if (p > d.length || off + n > base.length || w + n > size) leave();
      base.copy(out, w, off, off + n);
      w += n;
    } else if (op) {
      if (p + op > d.length || w + op > size) leave();
      d.copy(out, w, p, p + op);
      p += op;
      w += op;
    } else {
      leave(); // reserved
    }
  }
  if (w !== size) leave();
  return out;
}

/** Bytes of the pack indexes in `objectsDir/pack` (0 when there are none). */
export function packIndexBytes(objectsDir: string): number {
  let total = 0;
  try {
    for (const f of readdirSync(join(objectsDir, 'pack'))) {
      if (!f.endsWith('.idx')) continue;
      try {
        total += statSync(join(objectsDir, 'pack', f)).size;
      } catch {
        // gone since the listing
      }
    }
  } catch {
    // no pack directory
  }
  return total;
}

/**
 * Opens the packs in `objectsDir/pack` that this reader understands. Undefined when there
 * are none, or their indexes would take more than INDEX_BUDGET.
 */
export function openPackReader(objectsDir: string): PackReader | undefined {
  const dir = join(objectsDir, 'pack');
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return undefined;
  }
  // Looked through in git's order, the newest pack first: an object two packs hold is
  // read from the one git reads it from.
  const found: { stem: string; mtime: number; size: number; idxBytes: number }[] = [];
  for (const f of files) {
    if (!f.endsWith('.idx')) continue;
    const stem = join(dir, f.slice(0, -4));
    try {
      const pack = statSync(`${stem}.pack`);
      found.push({ stem, mtime: pack.mtimeMs, size: pack.size, idxBytes: statSync(`${stem}.idx`).size });
    } catch {
      // an index without its pack (being written or removed)
    }
  }
  found.sort((a, b) => b.mtime - a.mtime || (a.stem < b.stem ? -1 : a.stem > b.stem ? 1 : 0));
  if (found.reduce((n, f) => n + f.idxBytes, 0) > INDEX_BUDGET) return undefined;
  const packs: Pack[] = [];
  for (const f of found) {
    if (packs.length >= MAX_PACKS) break;
    const p = loadPack(`${f.stem}.idx`, `${f.stem}.pack`, f.size);
    if (p) packs.push(p);
  }
  if (!packs.length) return undefined;
  return createReader(packs);
}

function createReader(packs: Pack[]): PackReader {
  const key = new Uint8Array(20);
  /** The object's position in a pack's index, or -1. */
  const find = (pack: Pack, name: Uint8Array): number => {
    const first = name[0]!;
    let lo = first ? pack.fanout[first - 1]! : 0;
    let hi = pack.fanout[first]!;
    const names = pack.idx;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = IDX_HEAD + mid * 20;
      let c = 0;
      for (let i = 1; i < 20 && c === 0; i++) c = names[at + i]! - name[i]!;
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  };
  const locateName = (name: Uint8Array): PackPlace | undefined => {
    for (let i = 0; i < packs.length; i++) {
      const j = find(packs[i]!, name);
      if (j >= 0) {
        const p = packs[i]!;
        return { pack: i, offset: offsetIn(p.idx, p.offsetsAt, p.largeAt, j) };
      }
    }
    return undefined;
  };

  /** Where the entry at `offset` ends: the next entry, or the pack's trailer. */
  const entryEnd = (pack: Pack, offset: number): number => {
    const s = pack.sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0 || s[lo - 1] !== offset) leave(); // not where an entry starts
    return lo < s.length ? s[lo]! : pack.size - 20;
  };

  // Open pack files, and one read-ahead window over the pack last read (entries in pack
  // order are read one after another).
  const open: Pack[] = [];
  let clock = 0;
  const fdOf = (pack: Pack): number => {
    pack.used = ++clock;
    if (pack.fd !== undefined) return pack.fd;
    if (pack.bad) leave();
    if (open.length >= OPEN_PACKS) {
      const lru = open.reduce((a, b) => (b.used < a.used ? b : a));
      closeSync(lru.fd!);
      lru.fd = undefined;
      open.splice(open.indexOf(lru), 1);
      if (windowPack === lru) windowPack = undefined;
    }
    const fd = openPackFile(pack);
    if (fd === undefined) {
      pack.bad = true;
      leave();
    }
    pack.fd = fd;
    open.push(pack);
    return fd;
  };
  const window = Buffer.allocUnsafe(WINDOW);
  let windowPack: Pack | undefined;
  let windowAt = 0;
  let windowLength = 0;

  /** The entry's bytes: a view of the window, valid until the next read. */
  const entry = (pack: Pack, offset: number): Buffer => {
    const end = entryEnd(pack, offset);
    const length = end - offset;
    if (length <= 1) leave();
    const fd = fdOf(pack);
    if (windowPack === pack && offset >= windowAt && end <= windowAt + windowLength) return window.subarray(offset - windowAt, end - windowAt);
    if (length > WINDOW) {
      const b = Buffer.allocUnsafe(length);
      if (readSync(fd, b, 0, length, offset) !== length) leave();
      return b;
    }
    windowPack = pack;
    windowAt = offset;
    windowLength = readSync(fd, window, 0, WINDOW, offset);
    if (windowLength < length) {
      windowPack = undefined;
      leave();
    }
    return window.subarray(0, length);
  };

  // Delta instructions, inflated and used at once: the asked-for object's, and its bases'.
  let top: Buffer = Buffer.allocUnsafeSlow(64 << 10);
  let scratch: Buffer = Buffer.allocUnsafeSlow(64 << 10);
  /** `buf`, or a larger one when it can't hold `n` bytes. */
  const atLeast = (buf: Buffer, n: number): Buffer => (n <= buf.length ? buf : Buffer.allocUnsafeSlow(Math.max(n, buf.length * 2)));
  let ring: Buffer | undefined;
  /** Bytes handed out of the ring so far (its end, as if the ring went on forever). */
  let ringEnd = 0;
  interface Held extends PackObject {
    /** Where it starts in the ring (as ringEnd counts), or -1 for a buffer of its own. */
    start: number;
  }
  const intact = (h: Held) => h.start < 0 || ringEnd <= h.start + RING;
  /** Space for an object of `n` bytes that leaves `keep` (a delta's base) intact. */
  const place = (n: number, keep?: Held): { data: Buffer; start: number } => {
    if (n <= RING_ITEM) {
      ring ??= Buffer.allocUnsafeSlow(RING);
      let start = ringEnd;
      if ((start % RING) + n > RING) start += RING - (start % RING); // wrap: the tail goes unused
      if (!keep || keep.start < 0 || start + n <= keep.start + RING) {
        ringEnd = start + n;
        return { data: ring.subarray(start % RING, (start % RING) + n), start };
      }
    }
    // (Not from Node's shared pool, where a kept object would keep its neighbours' 8 KB.)
    return { data: Buffer.allocUnsafeSlow(n), start: -1 };
  };
  // Objects read, by place, for the deltas that follow: the newer generation, then the older.
  let young = new Map<number, Held>();
  let old = new Map<number, Held>();
  /** Bytes of the young generation's objects in buffers of their own: ring-sized, and larger. */
  let youngSmall = 0;
  let youngLarge = 0;
  const cacheKey = (pack: number, offset: number) => offset * MAX_PACKS + pack;
  const remember = (k: number, o: Held) => {
    if (o.data.length > CACHE_ITEM) return;
    young.set(k, o);
    if (o.start < 0) {
      if (o.data.length <= RING_ITEM) youngSmall += o.data.length;
      else youngLarge += o.data.length;
    }
    if (youngSmall > RING || youngLarge > CACHE_BYTES || young.size > CACHE_ENTRIES) {
      old = young;
      young = new Map();
      youngSmall = 0;
      youngLarge = 0;
    }
  };
  const recall = (k: number): Held | undefined => {
    const y = young.get(k);
    if (y && intact(y)) return y;
    const o = old.get(k);
    if (o && intact(o)) {
      remember(k, o);
      return o;
    }
    return undefined;
  };

  const resolve = (at: PackPlace, maxSize: number, depth: number): Held => {
    if (depth > MAX_DEPTH) leave();
    const k = cacheKey(at.pack, at.offset);
    const known = recall(k);
    if (known) return known;
    const pack = packs[at.pack]!;
    const e = entry(pack, at.offset);
    let p = 0;
    let b = e[p++]!;
    const kind = (b >> 4) & 7;
    let size = b & 15;
    let shift = 4;
    while (b & 128) {
      if (p >= e.length || shift > 53) leave();
      b = e[p++]!;
      size += (b & 127) * 2 ** shift;
      shift += 7;
    }
    let result: Held;
    if (kind >= 1 && kind <= 4) {
      if (size > maxSize) leave();
      const space = place(size + 1); // the byte more that inflate asks for
      result = { type: TYPES[kind]!, data: inflate(e.subarray(p), size, space.data), start: space.start };
    } else if (kind === OFS_DELTA || kind === REF_DELTA) {
      let base: PackPlace | undefined;
      if (kind === OFS_DELTA) {
        b = e[p++]!;
        let back = b & 127;
        while (b & 128) {
          if (p >= e.length || back > 2 ** 45) leave();
          b = e[p++]!;
          back = (back + 1) * 128 + (b & 127);
        }
        const offset = at.offset - back;
        if (back <= 0 || offset < 12) leave();
        base = { pack: at.pack, offset };
      } else {
        if (p + 20 > e.length) leave();
        key.set(e.subarray(p, p + 20));
        p += 20;
        base = locateName(key); // its base in these packs, else git's
        if (!base) leave();
      }
      if (size > 2 * maxSize + 1024) leave(); // more instructions than any delta within the cap needs
      let delta: Buffer;
      let from: Held;
      if (depth === 0) {
        // The object asked for: its instructions first, which say its size, so one over the
        // caller's cap costs no base chain. (Bases, one level down and deeper, never use
        // `top`: they read their instructions into `scratch` once their own base is read.)
        top = atLeast(top, size + 1);
        delta = inflate(e.subarray(p), size, top);
        if (deltaResultSize(delta) > maxSize) leave();
        from = resolve(base, Math.max(maxSize, BASE_MAX), 1);
      } else {
        from = resolve(base, maxSize, depth + 1);
        // Read again after the base: the entry was a view of the window its read may move.
        scratch = atLeast(scratch, size + 1);
        delta = inflate(entry(pack, at.offset).subarray(p), size, scratch);
      }
      const made = deltaResultSize(delta);
      if (made > maxSize) leave(); // (checked above for the object asked for)
      const space = place(made, from);
      result = { type: from.type, data: applyDelta(from.data, delta, space.data), start: space.start };
    } else {
      leave();
    }
    remember(k, result);
    return result;
  };

  return {
    locate(oid) {
      if (oid.length !== 40) return undefined;
      const name = Buffer.from(oid, 'hex');
      if (name.length !== 20) return undefined;
      return locateName(name);
    },
    read(at, maxSize) {
      try {
        const o = resolve(at, maxSize, 0);
        return o.data.length <= maxSize ? { type: o.type, data: o.data } : undefined;
      } catch {
        // Anything that does not check out (LeftToGit, a short read, fflate's own errors):
        // git answers for this object, and says what is wrong with it if anything is.
        return undefined;
      }
    },
    close() {
      for (const p of open) {
        try {
          closeSync(p.fd!);
        } catch {
          // already closed
        }
        p.fd = undefined;
      }
      open.length = 0;
      windowPack = undefined;
      packs.length = 0;
      young = new Map();
      old = new Map();
      ring = undefined;
    },
  };
}
