// Turns detector hits into matches with lines and columns, for whole buffers and for
// streams of any size (chunks with an overlap, so a token across a chunk boundary is
// found once and memory stays bounded).
import { isAscii } from 'node:buffer';
import type { Match } from '../core/types.ts';
import { type Cells, cellsFrom, type Detector, type Hit } from './detector.ts';
import { DECLARED_LOOKBACK, wideForm } from './detector.ts';

const ALLOW = Buffer.from('hfleaks:allow', 'latin1');
const ALLOW16 = Buffer.from('hfleaks:allow', 'utf16le');
// (Big-endian text holds the little-endian needle one byte or three on.)
const ALLOW32 = Buffer.from([...'hfleaks:allow'].map((c) => `${c}\0\0\0`).join(''), 'latin1');
const LINE_WINDOW = 4096;
const CONTEXT = 600;
const NL = 0x0a;
/**
 * Bytes kept before each window's start for checks that look back: a token's left
 * boundary (up to 11 bytes for %25-encoded escapes), a wrapped base64 line (60
 * characters of the line before a break) and a string whose declared length begins
 * before the token (DECLARED_LOOKBACK and its opcode). A multiple of 4, so UTF-16 and
 * UTF-32 code units stay aligned.
 */
const LOOK_BEHIND = 64 + DECLARED_LOOKBACK;

/**
 * What a decoder reads as one, beginning before b and ending after it: a character, or
 * the start of one cut short (one U+FFFD for all its bytes). Where it begins, how many code
 * units it is, and how many of its bytes lie past b; undefined if nothing crosses b.
 */
function splitAt(buf: Buffer, a: number, b: number): { at: number; units: number; over: number } | undefined {
  for (let i = b - 1; i >= Math.max(a, b - 3); i--) {
    const c = buf[i]!;
    if ((c & 0xc0) === 0x80) continue;
    const need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 1;
    if (need <= b - i) return undefined;
    // Past the buffer's end: taken to be one character.
    if (i + need > buf.length) return { at: i, units: need === 4 ? 2 : 1, over: need - (b - i) };
    const whole = buf.toString('utf8', i, i + need);
    if (!whole.includes('\ufffd')) return { at: i, units: whole.length, over: need - (b - i) };
    // Not UTF-8: the decoder's one U+FFFD takes the longest start of a character there.
    let m = 1;
    while (m < need && buf.toString('utf8', i, i + m + 1) === '\ufffd') m++;
    return i + m > b ? { at: i, units: 1, over: i + m - b } : undefined;
  }
  return undefined;
}

/**
 * Characters (UTF-16 code units, as editors and SARIF count them) in buf[a, b) read as
 * UTF-8, each byte that is not UTF-8 as the U+FFFD a decoder shows for it. The first
 * `skip` bytes belong to a character the window before counted; one that begins before b
 * and ends after it counts here, where it begins.
 */
function charCount(buf: Buffer, a: number, b: number, skip = 0): number {
  if (b <= a) return 0;
  if (isAscii(buf.subarray(a, b))) return b - a;
  const s = Math.min(b, a + skip);
  const cut = splitAt(buf, s, b);
  return buf.toString('utf8', s, cut ? cut.at : b).length + (cut?.units ?? 0);
}

/**
 * How a stream's text is stored, for counting lines and columns. UTF-16 and UTF-32 are
 * known by their BOM; their code units then sit at offsets of every window that are a
 * multiple of their width (windows slide by a multiple of 4 bytes).
 */
type TextForm = 'utf8' | 'utf16le' | 'utf16be' | 'utf32le' | 'utf32be';

export function textForm(head: Uint8Array): TextForm {
  // UTF-32's little-endian BOM starts like UTF-16's.
  if (head[0] === 0xff && head[1] === 0xfe && head[2] === 0 && head[3] === 0) return 'utf32le';
  if (head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff) return 'utf32be';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf16be';
  return 'utf8';
}

// In UTF-16 a newline is the code unit 0x000A. Many others hold a 0x0A byte (上 is
// U+4E0A, 《 U+300A), so bytes are not counted: the whole unit is, at aligned offsets.
const NL_UNIT = {
  utf16le: Buffer.from([0x0a, 0x00]),
  utf16be: Buffer.from([0x00, 0x0a]),
  utf32le: Buffer.from([0x0a, 0x00, 0x00, 0x00]),
  utf32be: Buffer.from([0x00, 0x00, 0x00, 0x0a]),
};

/** Bytes a code unit (and a newline) takes in this form. */
function nlWidth(form: TextForm): 1 | 2 | 4 {
  return form === 'utf8' ? 1 : form === 'utf16le' || form === 'utf16be' ? 2 : 4;
}

/**
 * Characters (UTF-16 code units, as editors count them) in buf[a, b) of a UTF-16 or
 * UTF-32 form: UTF-32 units beyond U+FFFF are two.
 */
function unitCount(buf: Buffer, a: number, b: number, form: Exclude<TextForm, 'utf8'>): number {
  const width = nlWidth(form);
  if (b <= a) return 0;
  if (width === 2) return (b - a) >> 1;
  let n = 0;
  for (let i = a; i + 4 <= b; i += 4) n += (form === 'utf32le' ? buf.readUInt32LE(i) : buf.readUInt32BE(i)) > 0xffff ? 2 : 1;
  return n;
}

/** Newlines starting in buf[a, b). */
function countNewlines(buf: Buffer, a: number, b: number, form: TextForm): number {
  // (Searched up to b only: past the last newline, no search runs on to the buffer's end.)
  const hay = buf.subarray(0, b);
  let n = 0;
  for (let i = nextNewline(hay, a, form); i !== -1; i = nextNewline(hay, i + 1, form)) n++;
  return n;
}

/** Offset of the last newline that ends at or before `before`, or -1. */
function lastNewline(buf: Buffer, before: number, form: TextForm): number {
  // lastIndexOf with a negative offset would search from the end of the buffer.
  if (form === 'utf8') return before > 0 ? buf.lastIndexOf(NL, before - 1) : -1;
  const nl = NL_UNIT[form];
  const w = nl.length;
  for (let i = before >= w ? buf.lastIndexOf(nl, before - w) : -1; i !== -1; i = i > 0 ? buf.lastIndexOf(nl, i - 1) : -1) {
    if (i % w === 0) return i;
  }
  return -1;
}

/** Offset of the first newline at or after `from` (and before `limit`), or -1. */
function nextNewline(buf: Buffer, from: number, form: TextForm, limit = buf.length): number {
  // (Searched in a subarray: on a line of megabytes, each search stops at `limit`.)
  const hay = limit < buf.length ? buf.subarray(0, limit) : buf;
  if (form === 'utf8') return hay.indexOf(NL, from);
  const nl = NL_UNIT[form];
  for (let i = hay.indexOf(nl, from); i !== -1; i = hay.indexOf(nl, i + 1)) if (i % nl.length === 0) return i;
  return -1;
}

/** Bytes of a UTF-16 or UTF-32 BOM at buf[0]. */
function wideBom(buf: Buffer, width: 2 | 4): number {
  if (width === 2) return buf[0] === 0xff || buf[0] === 0xfe ? 2 : 0;
  const le = buf[0] === 0xff && buf[1] === 0xfe && buf[2] === 0 && buf[3] === 0;
  const be = buf[0] === 0 && buf[1] === 0 && buf[2] === 0xfe && buf[3] === 0xff;
  return le || be ? 4 : 0;
}

/** Bytes of BOM at buf[0] when buf starts the stream. */
function bomBytes(buf: Buffer, base: number, form: TextForm): number {
  if (base !== 0) return 0;
  if (form !== 'utf8') return nlWidth(form);
  return buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
}

/** Line and column state at the start of a window. */
export interface LineState {
  /** Newlines before the window. */
  lines: number;
  /** Characters (UTF-16 code units) since the last newline before the window. */
  col: number;
  /** Bytes at the window's start that end a character the window before counted. */
  carried?: number;
}

/**
 * Matches for `hits` (offsets into `buf`), with 1-based lines and columns.
 * `state` describes buf[0]; `base` is buf[0]'s offset in the whole stream; `form` is
 * the stream's text form (see textForm).
 */
function hitsToMatches(buf: Buffer, hits: Hit[], state: LineState, base: number, form: TextForm): Match[] {
  const out: Match[] = [];
  let counted = 0;
  let lines = state.lines;
  // The hit before, while the hits stay on its line: its line's newline and its column are
  // reused, and only the characters between the two are counted (a line of thousands of
  // tokens is counted once, not once a token).
  let prev: { at: number; nl: number; column?: number } | undefined;
  for (const h of hits.sort((x, y) => x.start - y.start)) {
    const newlines = countNewlines(buf, counted, h.start, form);
    lines += newlines;
    counted = h.start;
    const same = newlines === 0 ? prev : undefined;
    const nl = same ? same.nl : lastNewline(buf, h.start, form);
    const wide = wideForm(h);
    let column: number;
    if (form !== 'utf8') {
      // A UTF-16 or UTF-32 file: columns are code units from the line start (the BOM is none).
      const lineStart = nl === -1 ? bomBytes(buf, base, form) : nl + nlWidth(form);
      column = same?.column !== undefined ? same.column + unitCount(buf, same.at, h.start, form) : unitCount(buf, lineStart, h.start, form) + (nl === -1 ? state.col : 0) + 1;
    } else if (wide) {
      // UTF-16 or UTF-32 text without a BOM (or inside binary content): the best guess
      // from bytes. A newline's 0x0A byte comes first in a little-endian unit, last in a
      // big-endian one.
      const { width, le } = wide;
      // A little-endian newline unit is 0x0A and NULs; a plain one-byte newline (a numpy
      // header's, before the array's UTF-32) is followed by the text itself.
      // (A wide newline also lies a whole number of units before the token.)
      let nlBytes = 1;
      if (le && nl !== -1 && (h.start - nl) % width === 0) while (nlBytes < width && buf[nl + nlBytes] === 0) nlBytes++;
      const lineStart = nl === -1 ? 0 : nl + (nlBytes === width ? width : 1);
      const bom = nl === -1 && base === 0 ? wideBom(buf, width) : 0;
      column = Math.max(0, Math.floor((h.start - lineStart - bom) / width)) + (nl === -1 ? state.col : 0) + 1;
    } else {
      const bom = nl === -1 ? bomBytes(buf, base, 'utf8') : 0;
      column = same?.column !== undefined ? same.column + charCount(buf, same.at, h.start) : charCount(buf, nl === -1 ? bom : nl + 1, h.start, nl === -1 ? (state.carried ?? 0) : 0) + (nl === -1 ? state.col : 0) + 1;
    }
    // (A best guess from bytes is no count to carry on from.)
    prev = { at: h.start, nl, ...(form === 'utf8' && wide ? {} : { column }) };
    const lineFrom = Math.max(nl === -1 ? 0 : nl + nlWidth(form), h.start - LINE_WINDOW);
    let lineTo = nextNewline(buf, h.start, form, Math.min(buf.length, h.start + LINE_WINDOW));
    if (lineTo === -1) lineTo = Math.min(buf.length, h.start + LINE_WINDOW);
    const line = buf.subarray(lineFrom, lineTo);
    const allowed = line.includes(ALLOW) || line.includes(ALLOW16) || line.includes(ALLOW32);
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

/** Scans a whole buffer; `form` says how to count its lines when its first bytes can't (text joined from many sources). */
export function scanWhole(detector: Detector, buf: Buffer, form?: TextForm): Match[] {
  const hits = detector.scan(buf);
  return hits.length ? hitsToMatches(buf, hits, { lines: 0, col: 0 }, 0, form ?? textForm(buf)) : [];
}

/**
 * The matches in each of `texts` (lines: none holds a line break), in one detector pass
 * over them joined: a thousand short texts scanned one by one cost a thousand passes.
 * Lines and columns are each text's own.
 */
export function scanLines(detector: Detector, texts: readonly string[]): Match[][] {
  const out: Match[][] = texts.map(() => []);
  if (!texts.length) return out;
  for (const m of scanWhole(detector, Buffer.from(texts.join('\n')), 'utf8')) out[m.line - 1]?.push({ ...m, line: 1 });
  return out;
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
  /** Known from the stream's first bytes, at the first window. */
  private form: TextForm | undefined;
  bytes = 0;
  /** Length in characters of the longest line seen across windows (0 if all were short). */
  longestLine = 0;

  constructor(
    private readonly detector: Detector,
    private readonly onMatch: (m: Match) => void,
    chunk = DEFAULT_CHUNK,
    /** Cells of the stream (offsets in the whole stream), where its format declares them. */
    private readonly cells?: Cells,
    /** Where the bytes pushed start, when not at the stream's start (the raw bytes an archive kept after dropping those before). */
    start: StreamStart = STREAM_START,
  ) {
    // The overlap covers the longest token, its base64 form and the look-behind.
    this.overlap = Math.max(4096, detector.maxTokenBytes * 4 + LOOK_BEHIND);
    this.capacity = this.overlap + Math.max(chunk, this.overlap);
    this.buf = Buffer.alloc(0);
    this.base = start.offset;
    this.state = start.state;
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
      const hits = this.detector.scan(p, 0, p.length, this.cells && cellsFrom(this.cells, this.base));
      if (hits.length) for (const m of hitsToMatches(p, hits, this.state, this.base, textForm(p))) this.onMatch(m);
      return;
    }
    this.flush(true);
  }

  private flush(final: boolean): void {
    const w = this.buf.subarray(0, this.len);
    const form = (this.form ??= textForm(w));
    // Tokens that start in the last `overlap` bytes wait for the next window, which
    // sees them whole.
    const to = final ? this.len : this.len - this.overlap;
    const chars = Math.floor(this.len / nlWidth(form));
    if (final && this.len > 0 && lastNewline(w, this.len, form) === -1 && this.state.col + chars > this.longestLine && this.state.col > 0) {
      this.longestLine = this.state.col + chars;
    }
    if (to > this.done) {
      const hits = this.detector.scan(w, this.done, to, this.cells && cellsFrom(this.cells, this.base));
      if (hits.length) for (const m of hitsToMatches(w, hits, this.state, this.base, form)) this.onMatch(m);
    }
    if (final) return;
    // Slide: keep the overlap, and a few bytes before it so the next window can see
    // what precedes its first token (a glued letter, a `%3D`, an escape). A shift by a
    // multiple of 4 keeps UTF-16 and UTF-32 code units aligned in every window.
    const shift = (this.len - this.overlap - LOOK_BEHIND) & ~3;
    this.advanceState(w, shift, form);
    this.buf.copy(this.buf, 0, shift, this.len);
    this.base += shift;
    this.len -= shift;
    this.done = Math.max(0, to - shift);
  }

  private advanceState(w: Buffer, shift: number, form: TextForm): void {
    const before = this.state.lines;
    this.state = stateAfter(w, shift, form, this.base, this.state);
    // (No newline in what slid out: the line goes on, as long as it has grown.)
    if (this.state.lines === before && this.state.col > this.longestLine) this.longestLine = this.state.col;
  }
}

/** The line state after w[0, shift), w starting at stream offset `base` in `state`. */
function stateAfter(w: Buffer, shift: number, form: TextForm, base: number, state: LineState): LineState {
  const nl = lastNewline(w, shift, form);
  // Characters between a and shift: UTF-8 as a decoder counts them, UTF-16 and UTF-32 by code units.
  const count = (a: number, skip: number) => (form === 'utf8' ? charCount(w, a, shift, skip) : unitCount(w, a, shift, form));
  // A character the slide cuts is counted in this window; its other bytes, in the next, are not.
  const carried = form === 'utf8' ? (splitAt(w, Math.max(0, shift - 3), shift)?.over ?? 0) : 0;
  if (nl === -1) return { lines: state.lines, col: state.col + count(bomBytes(w, base, form), state.carried ?? 0), carried };
  return { lines: state.lines + countNewlines(w, 0, shift, form), col: count(nl + nlWidth(form), 0), carried };
}

/** Where a stream's scan starts: its offset in the whole stream, and the line state there. */
export interface StreamStart {
  offset: number;
  state: LineState;
}

/** The stream's start. */
export const STREAM_START: StreamStart = { offset: 0, state: { lines: 0, col: 0 } };

/** Where bytes `b` (read as UTF-8, as binary content is) leave a stream that was at `at` before them. */
export function positionAfter(at: StreamStart, b: Buffer): StreamStart {
  return { offset: at.offset + b.length, state: stateAfter(b, b.length, 'utf8', at.offset, at.state) };
}
