// One pass for several searches. Buffer.indexOf finds a short needle by looking for its
// first byte and comparing the rest, so each needle whose first byte is common in source
// code or hex ('f' of `f_`, '6' of `68`) costs a pass over every byte at 2 to 3 GB/s. A
// window of 1 MB was searched that way once per needle. Here a small WebAssembly loop
// compares 16 bytes at a time against the first two bytes of every such needle at once
// (SIMD) and lists where each pair occurs; the searches then walk their lists.
//
// The callers compare the rest of their needle, as they did after indexOf. A list that
// fills up (a pair every 64 bytes or more often: `_o` in snake_case code) is cut, and
// past its last entry the caller goes back to its own search, which may look for more
// than the pair (`_org`) and then beats a look in JavaScript at every `_o`.

/** The first two bytes of the needles searched together. */
export type Pair = readonly [number, number];

/** Where each pair occurs in one buffer. */
export interface PairIndex {
  readonly buf: Buffer;
  /**
   * The first offset >= from where pair k occurs in buf; -1 if none; PAST_LIST if its
   * list was cut before an offset >= from (see listedBelow).
   */
  next(k: number, from: number): number;
  /** Every offset of pair k below this one is listed. */
  listedBelow(k: number): number;
  /** Lets go of the buffer (its copy stays in the searcher's memory until the next). */
  release(): void;
}

/** Buffers shorter than this are searched with indexOf: copying them in costs more than it saves. */
export const PAIR_INDEX_MIN = 4096;
/**
 * Nor longer ones: the scanner's windows are 1 MB and its overlap (16 KB for the built-in
 * rules, 256 KB for a rule of 64 KB tokens), and memory stays small.
 */
export const PAIR_INDEX_MAX = 2 << 20;
/** What next() says past the end of a list that was cut. */
export const PAST_LIST = -2;
/** A list keeps one entry for every 64 bytes of the buffer, and at least this many. */
const LIST_MIN = 1024;
/** Most pairs one module searches. */
export const MAX_PAIRS = 8;

const COUNTS = 0;
const INPUT = 64;
const PAGE = 65536;

// ---- A tiny WebAssembly assembler: just what the loop below needs. ----

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'latin1')];

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (d: number) => [0x0c, ...uleb(d)],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  get: (l: number) => [0x20, ...uleb(l)],
  set: (l: number) => [0x21, ...uleb(l)],
  tee: (l: number) => [0x22, ...uleb(l)],
  i32: (n: number) => [0x41, ...sleb(n)],
  load: (offset: number) => [0x28, 2, ...uleb(offset)],
  store: (offset: number) => [0x36, 2, ...uleb(offset)],
  eqz: [0x45],
  mul: [0x6c],
  ltU: [0x49],
  geU: [0x4f],
  ctz: [0x68],
  add: [0x6a],
  sub: [0x6b],
  and: [0x71],
  shl: [0x74],
  v128load: (offset: number) => [0xfd, 0x00, 0, ...uleb(offset)],
  splat8: [0xfd, 0x0f],
  eq8: [0xfd, 0x23],
  vand: [0xfd, 0x4e],
  vor: [0xfd, 0x50],
  anyTrue: [0xfd, 0x53],
  bitmask8: [0xfd, 0x64],
};

/**
 * The module for `pairs`: `scan(len, lists, cap)` reads memory[INPUT, INPUT + len + 16)
 * and appends each offset p < len - 1 where pair k occurs to the list at
 * lists + 4 * k * cap, at most cap of them, its count at COUNTS + 4k.
 */
export function pairModule(pairs: readonly Pair[]): Uint8Array {
  const [LEN, LISTS, CAP, I, M, P, C, LAST, V0, V1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const A = (k: number) => 10 + 2 * k;
  const B = (k: number) => 11 + 2 * k;
  const match = (k: number) => [...op.get(V0), ...op.get(A(k)), ...op.eq8, ...op.get(V1), ...op.get(B(k)), ...op.eq8, ...op.vand];
  const code: number[] = [];
  for (let k = 0; k < pairs.length; k++) {
    code.push(...op.i32(pairs[k]![0]), ...op.splat8, ...op.set(A(k)), ...op.i32(pairs[k]![1]), ...op.splat8, ...op.set(B(k)));
  }
  // (A pair starts at most at len - 2.)
  code.push(...op.get(LEN), ...op.i32(1), ...op.sub, ...op.set(LAST));
  code.push(...op.block, ...op.loop);
  code.push(...op.get(I), ...op.get(LEN), ...op.geU, ...op.brIf(1));
  code.push(...op.get(I), ...op.v128load(INPUT), ...op.set(V0));
  code.push(...op.get(I), ...op.v128load(INPUT + 1), ...op.set(V1));
  code.push(...match(0));
  for (let k = 1; k < pairs.length; k++) code.push(...match(k), ...op.vor);
  code.push(...op.anyTrue, ...op.if);
  for (let k = 0; k < pairs.length; k++) {
    code.push(...match(k), ...op.bitmask8, ...op.set(M));
    code.push(...op.block, ...op.loop);
    code.push(...op.get(M), ...op.eqz, ...op.brIf(1));
    // p = i + ctz(m); if p < len - 1 and count < cap: lists[k * cap + count] = p, count++
    code.push(...op.get(I), ...op.get(M), ...op.ctz, ...op.add, ...op.tee(P), ...op.get(LAST), ...op.ltU, ...op.if);
    code.push(...op.i32(0), ...op.load(COUNTS + 4 * k), ...op.tee(C), ...op.get(CAP), ...op.ltU, ...op.if);
    code.push(...op.get(LISTS), ...op.get(CAP), ...op.i32(k), ...op.mul, ...op.get(C), ...op.add, ...op.i32(2), ...op.shl, ...op.add);
    code.push(...op.get(P), ...op.store(0));
    code.push(...op.i32(0), ...op.get(C), ...op.i32(1), ...op.add, ...op.store(COUNTS + 4 * k));
    code.push(...op.end, ...op.end);
    code.push(...op.get(M), ...op.get(M), ...op.i32(1), ...op.sub, ...op.and, ...op.set(M), ...op.br(0));
    code.push(...op.end, ...op.end);
  }
  code.push(...op.end);
  code.push(...op.get(I), ...op.i32(16), ...op.add, ...op.set(I), ...op.br(0));
  code.push(...op.end, ...op.end, ...op.end);
  const locals = vec([
    [...uleb(5), I32],
    [...uleb(2 + 2 * pairs.length), V128],
  ]);
  const body = [...locals, ...code];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32]]), ...vec([])]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...uleb(1)]])),
    ...section(7, vec([
      [...name('mem'), 0x02, 0],
      [...name('scan'), 0x00, 0],
    ])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

// ---- The index ----

// (The TypeScript settings here have no DOM types: what is used of WebAssembly.)
interface Memory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/**
 * A pair searcher for `pairs` (at most MAX_PAIRS), or undefined where WebAssembly SIMD is
 * missing: the callers then use indexOf. Each call of the result indexes one buffer;
 * the index it returns (the same object each time) is good until the next call.
 */
export function pairSearcher(pairs: readonly Pair[]): ((buf: Buffer) => PairIndex | undefined) | undefined {
  if (pairs.length === 0 || pairs.length > MAX_PAIRS) return undefined;
  const wasm = (globalThis as { WebAssembly?: Wasm }).WebAssembly;
  let exports: Record<string, unknown>;
  try {
    exports = new wasm!.Instance(new wasm!.Module(pairModule(pairs))).exports;
  } catch {
    return undefined;
  }
  const memory = exports.mem as Memory;
  const scan = exports.scan as (len: number, lists: number, cap: number) => void;
  const K = pairs.length;
  // Views of the memory, made again only when it grows (making them costs more than a
  // small buffer's search).
  let bytes = new Uint8Array(memory.buffer);
  let words = new Uint32Array(memory.buffer);
  // The current buffer's lists: each at words[base + k * cap], `counts[k]` long; where a
  // walk stands in each.
  const counts = new Uint32Array(K);
  const cursors = new Uint32Array(K);
  let base = 0;
  let cap = 0;
  const EMPTY: Buffer = Buffer.alloc(0);
  const index = {
    buf: EMPTY,
    next(k: number, from: number): number {
      const n = counts[k]!;
      const at = base + k * cap;
      let c = cursors[k]!;
      if (c > 0 && words[at + c - 1]! >= from) c = 0;
      // A long jump is a binary search; the usual small step walks on.
      if (c + 8 < n && words[at + c + 8]! < from) {
        let hi = n;
        while (c < hi) {
          const mid = (c + hi) >>> 1;
          if (words[at + mid]! < from) c = mid + 1;
          else hi = mid;
        }
      } else while (c < n && words[at + c]! < from) c++;
      cursors[k] = c;
      if (c < n) return words[at + c]!;
      return n < cap ? -1 : PAST_LIST;
    },
    listedBelow(k: number): number {
      const n = counts[k]!;
      return n < cap ? this.buf.length : words[base + k * cap + n - 1]! + 1;
    },
    release() {
      this.buf = EMPTY;
    },
  };
  return (buf) => {
    const len = buf.length;
    if (len < PAIR_INDEX_MIN || len > PAIR_INDEX_MAX) return undefined;
    cap = Math.min(len, Math.max(LIST_MIN, len >> 6));
    const lists = (INPUT + len + 16 + 15) & ~15;
    const need = lists + 4 * K * cap;
    if (memory.buffer.byteLength < need) {
      try {
        memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
      } catch {
        return undefined; // no memory to spare: indexOf it is
      }
      bytes = new Uint8Array(memory.buffer);
      words = new Uint32Array(memory.buffer);
    }
    bytes.set(buf, INPUT);
    bytes.fill(0, INPUT + len, INPUT + len + 16);
    words.fill(0, COUNTS / 4, COUNTS / 4 + K);
    scan(len, lists, cap);
    for (let k = 0; k < K; k++) counts[k] = words[COUNTS / 4 + k]!;
    cursors.fill(0);
    base = lists / 4;
    index.buf = buf;
    return index;
  };
}
