// Turns detector hits into matches with lines and columns, for whole buffers and for
// streams of any size (chunks with an overlap, so a token across a chunk boundary is
// found once and memory stays bounded).
import { isAscii } from 'node:buffer';
import type { Match } from '../core/types.ts';
import type { Detector, Hit } from './detector.ts';

const ALLOW = Buffer.from('hfleaks:allow', 'latin1');
const ALLOW16 = Buffer.from('hfleaks:allow', 'utf16le');
const LINE_WINDOW = 4096;
const CONTEXT = 600;
const NL = 0x0a;
const LOOK_BEHIND = 16;

/** Characters (UTF-16 code units, as editors and SARIF count them) in buf[a, b) read as UTF-8. */
function charCount(buf: Buffer, a: number, b: number): number {
  if (b <= a) return 0;
  const part = buf.subarray(a, b);
  if (isAscii(part)) return b - a;
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = buf[i]!;
    if ((c & 0xc0) !== 0x80) n += c >= 0xf0 ? 2 : 1; // astral characters are two code units
  }
  return n;
}

function countNewlines(buf: Buffer, a: number, b: number): number {
  let n = 0;
  for (let i = buf.indexOf(NL, a); i !== -1 && i < b; i = buf.indexOf(NL, i + 1)) n++;
  return n;
}

/** Line and column state at the start of a window. */
export interface LineState {
  /** Newlines before the window. */
  lines: number;
  /** Characters since the last newline before the window. */
  col: number;
}

function isUtf16(h: Hit): 'le' | 'be' | undefined {
  const d = h.decoding;
  if (!d) return undefined;
  if (d.includes('utf16le')) return 'le';
  if (d.includes('utf16be')) return 'be';
  return undefined;
}

/**
 * Matches for `hits` (offsets into `buf`), with 1-based lines and columns.
 * `state` describes buf[0]; `base` is buf[0]'s offset in the whole stream.
 */
export function hitsToMatches(buf: Buffer, hits: Hit[], state: LineState, base: number): Match[] {
  const out: Match[] = [];
  let counted = 0;
  let lines = state.lines;
  for (const h of hits.sort((x, y) => x.start - y.start)) {
    lines += countNewlines(buf, counted, h.start);
    counted = h.start;
    // lastIndexOf with -1 would search from the end of the buffer.
    const nl = h.start > 0 ? buf.lastIndexOf(NL, h.start - 1) : -1;
    const utf16 = isUtf16(h);
    let column: number;
    if (utf16) {
      const lineStart = nl === -1 ? 0 : nl + (utf16 === 'le' ? 2 : 1);
      const bom = nl === -1 && base === 0 && (buf[0] === 0xff || buf[0] === 0xfe) ? 2 : 0;
      column = Math.max(0, Math.floor((h.start - lineStart - bom) / 2)) + (nl === -1 ? state.col : 0) + 1;
    } else {
      const bom = nl === -1 && base === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
      column = charCount(buf, nl === -1 ? bom : nl + 1, h.start) + (nl === -1 ? state.col : 0) + 1;
    }
    const lineFrom = Math.max(nl + 1, h.start - LINE_WINDOW);
    let lineTo = buf.indexOf(NL, h.start);
    if (lineTo === -1 || lineTo > h.start + LINE_WINDOW) lineTo = Math.min(buf.length, h.start + LINE_WINDOW);
    const line = buf.subarray(lineFrom, lineTo);
    const allowed = line.includes(ALLOW) || line.includes(ALLOW16);
    out.push({
      ruleId: h.ruleId,
      secret: h.secret,
      offset: base + h.start,
      line: lines + 1,
      column,
      ...(h.decoding ? { decoding: h.decoding } : {}),
      ...(h.jwt ? { jwt: h.jwt } : {}),
      ...(allowed ? { allowed } : {}),
      context: buf.toString('latin1', Math.max(0, h.start - CONTEXT), Math.min(buf.length, h.start + CONTEXT)),
    });
  }
  return out;
}

/** Scans a whole buffer at once. */
export function scanWhole(detector: Detector, buf: Buffer): Match[] {
  const hits = detector.scan(buf);
  return hits.length ? hitsToMatches(buf, hits, { lines: 0, col: 0 }, 0) : [];
}

export const DEFAULT_CHUNK = 1 << 20;

/**
 * Scans a stream pushed in pieces of any size. Keeps one window of
 * overlap + chunk bytes; each token is reported once, by the window in which it starts.
 */
export class ChunkScanner {
  private buf: Buffer;
  private readonly overlap: number;
  private readonly capacity: number;
  /** A first piece held without copying: content pushed whole is scanned in place. */
  private pending: Buffer | undefined;
  private len = 0;
  /** Stream offset of buf[0]. */
  private base = 0;
  /** Hits starting before this (window-relative) offset were already reported. */
  private done = 0;
  private state: LineState = { lines: 0, col: 0 };
  bytes = 0;
  /** Length in characters of the longest line seen across windows (0 if all were short). */
  longestLine = 0;

  constructor(
    private readonly detector: Detector,
    private readonly onMatch: (m: Match) => void,
    chunk = DEFAULT_CHUNK,
  ) {
    // The overlap covers the longest token, its base64 form and the look-behind.
    this.overlap = Math.max(4096, detector.maxTokenBytes * 4 + 64);
    this.capacity = this.overlap + Math.max(chunk, this.overlap);
    this.buf = Buffer.alloc(0);
  }

  push(data: Buffer): void {
    if (data.length === 0) return;
    if (this.len === 0 && !this.pending && data.length <= this.capacity) {
      this.pending = data;
      this.bytes += data.length;
      return;
    }
    if (this.pending) {
      const p = this.pending;
      this.pending = undefined;
      this.bytes -= p.length;
      this.append(p);
    }
    this.append(data);
  }

  private append(data: Buffer): void {
    if (this.buf.length < this.capacity) {
      // Grow to the full window only for content that needs it.
      const next = Buffer.allocUnsafe(Math.min(this.capacity, Math.max(this.len + data.length, 2 * this.buf.length, 65536)));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    let off = 0;
    while (off < data.length) {
      const n = Math.min(data.length - off, this.buf.length - this.len);
      data.copy(this.buf, this.len, off, off + n);
      this.len += n;
      off += n;
      this.bytes += n;
      if (this.len === this.capacity) this.flush(false);
      else if (this.len === this.buf.length) {
        const next = Buffer.allocUnsafe(Math.min(this.capacity, 2 * this.buf.length));
        this.buf.copy(next, 0, 0, this.len);
        this.buf = next;
      }
    }
  }

  end(): void {
    if (this.pending) {
      // Whole content in one piece: scan it where it lies.
      const p = this.pending;
      this.pending = undefined;
      const hits = this.detector.scan(p);
      if (hits.length) for (const m of hitsToMatches(p, hits, this.state, 0)) this.onMatch(m);
      return;
    }
    this.flush(true);
  }

  private flush(final: boolean): void {
    const w = this.buf.subarray(0, this.len);
    // Tokens that start in the last `overlap` bytes wait for the next window, which
    // sees them whole.
    const to = final ? this.len : this.len - this.overlap;
    if (final && this.len > 0 && w.lastIndexOf(NL, this.len - 1) === -1 && this.state.col + this.len > this.longestLine && this.state.col > 0) {
      this.longestLine = this.state.col + this.len;
    }
    if (to > this.done) {
      const hits = this.detector.scan(w, this.done, to);
      if (hits.length) for (const m of hitsToMatches(w, hits, this.state, this.base)) this.onMatch(m);
    }
    if (final) return;
    // Slide: keep the overlap, and a few bytes before it so the next window can see
    // what precedes its first token (a glued letter, a `%3D`, an escape).
    const shift = this.len - this.overlap - LOOK_BEHIND;
    this.advanceState(w, shift);
    this.buf.copy(this.buf, 0, shift, this.len);
    this.base += shift;
    this.len -= shift;
    this.done = Math.max(0, to - shift);
  }

  private advanceState(w: Buffer, shift: number): void {
    const nl = w.lastIndexOf(NL, shift - 1);
    if (nl === -1) {
      this.state = { lines: this.state.lines, col: this.state.col + charCount(w, 0, shift) };
      if (this.state.col > this.longestLine) this.longestLine = this.state.col;
    } else {
      this.state = { lines: this.state.lines + countNewlines(w, 0, shift), col: charCount(w, nl + 1, shift) };
    }
  }
}
