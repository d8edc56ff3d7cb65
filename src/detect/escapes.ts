// Escaped text: `\u005f`, `\U0000005f`, `\u{5f}`, `\x5f` (JSON, JavaScript, Python, C)
// and `%5F` (percent-encoding), decoded character by character, each decoded character
// remembering where its bytes start, so a token found in the decoded text is reported
// where its escaped form lies.

/** Decoded text (latin1; a character beyond U+00FF reads as U+FFFD) and, for each character, the offset of its bytes (one more: the end). */
export interface Unescaped {
  text: string;
  offsets: Int32Array;
}

function hexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const l = b | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** The value of `n` hex digits at buf[at], or -1. */
function hexRun(buf: Uint8Array, at: number, n: number): number {
  if (at < 0 || at + n > buf.length) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = hexValue(buf[at + i]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/**
 * The escape at buf[at], packed: its code point times 16 plus the bytes it takes (at
 * most 10), or -1. (No object per escape: runs of them are decoded in hot loops.)
 */
function escapeCode(buf: Uint8Array, at: number): number {
  const b = buf[at];
  if (b === 0x25 /* % */) {
    const v = hexRun(buf, at + 1, 2);
    return v < 0 ? -1 : v * 16 + 3;
  }
  if (b !== 0x5c /* \ */) return -1;
  const k = buf[at + 1];
  if (k === 0x78 /* x */) {
    const v = hexRun(buf, at + 2, 2);
    return v < 0 ? -1 : v * 16 + 4;
  }
  if (k === 0x55 /* U */) {
    const v = hexRun(buf, at + 2, 8);
    return v < 0 || v > 0x10ffff ? -1 : v * 16 + 10;
  }
  if (k !== 0x75 /* u */) return -1;
  if (buf[at + 2] === 0x7b /* { */) {
    let v = 0;
    let i = at + 3;
    for (; i < at + 9 && hexValue(buf[i]) >= 0; i++) v = v * 16 + hexValue(buf[i]);
    return i > at + 3 && buf[i] === 0x7d && v <= 0x10ffff ? v * 16 + (i + 1 - at) : -1;
  }
  const v = hexRun(buf, at + 2, 4);
  return v < 0 ? -1 : v * 16 + 6;
}

/** The escape at buf[at]: the code point and the bytes it takes, or undefined. */
export function escapeAt(buf: Uint8Array, at: number): { cp: number; len: number } | undefined {
  const e = escapeCode(buf, at);
  return e < 0 ? undefined : { cp: e >> 4, len: e & 15 };
}

/**
 * The character that ends just before buf[at]: an escape that ends there (the longest
 * kind first), else the byte itself. -1 at the start.
 */
export function charBefore(buf: Uint8Array, at: number): number {
  for (const len of [10, 6, 4, 3]) {
    const e = at - len >= 0 ? escapeCode(buf, at - len) : -1;
    if (e >= 0 && (e & 15) === len) return e >> 4;
  }
  if (buf[at - 1] === 0x7d /* } */) {
    for (let a = at - 5; a >= at - 10 && a >= 0; a--) {
      const e = escapeCode(buf, a);
      if (e >= 0 && a + (e & 15) === at) return e >> 4;
    }
  }
  return at > 0 ? buf[at - 1]! : -1;
}

/**
 * Decodes buf[from, to), at most `max` characters: escapes become their character, other bytes stand for
 * themselves. A start inside an escape only garbles the first few characters: every
 * escape begins with `\` or `%`.
 */
export function unescape(buf: Uint8Array, from: number, to: number, max = Infinity): Unescaped {
  const out = Buffer.allocUnsafe(to - from);
  const offsets = new Int32Array(to - from + 1);
  const n = decodeInto(buf, from, to, max, out, offsets);
  return { text: out.toString('latin1', 0, n), offsets: offsets.subarray(0, n + 1) };
}

/**
 * Decodes buf[from, to) into `out` (one byte a character: beyond U+00FF, 0xFF), at most
 * `max` characters; with `offsets`, where each character's bytes start, and the end after
 * the last. Returns the characters decoded.
 */
function decodeInto(buf: Uint8Array, from: number, to: number, max: number, out: Buffer, offsets?: Int32Array): number {
  let n = 0;
  let p = from;
  while (p < to && n < max) {
    const b = buf[p]!;
    const e = b === 0x5c || b === 0x25 ? escapeCode(buf, p) : -1;
    if (offsets) offsets[n] = p;
    if (e >= 0 && p + (e & 15) <= to) {
      out[n++] = e >> 4 > 0xff ? 0xff : e >> 4;
      p += e & 15;
    } else {
      out[n++] = b;
      p++;
    }
  }
  if (offsets) offsets[n] = p;
  return n;
}

/** Bytes of the escape at buf[at] when it stands for an underscore (else 0): every Hugging Face keyword holds one. */
export function isEscapedUnderscore(buf: Uint8Array, at: number): number {
  const e = escapeCode(buf, at);
  return e >= 0 && e >> 4 === 0x5f ? e & 15 : 0;
}

let scratch = Buffer.allocUnsafe(1024);

/** unescape's characters alone as bytes (latin1), in a buffer that the next call reuses. */
export function unescapeBytes(buf: Uint8Array, from: number, to: number, max = Infinity): Buffer {
  if (scratch.length < to - from) scratch = Buffer.allocUnsafe(2 * (to - from));
  return scratch.subarray(0, decodeInto(buf, from, to, max, scratch));
}

/** unescape's text alone: no offsets. */
export function unescapeText(buf: Uint8Array, from: number, to: number, max = Infinity): string {
  return unescapeBytes(buf, from, to, max).toString('latin1');
}
