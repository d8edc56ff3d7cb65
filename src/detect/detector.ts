// The detection engine. It sees bytes and nothing else: no paths, no commits.
//
// Fast path first: every rule keyword (and its UTF-16, percent-encoded and base64
// forms) is searched with Buffer.indexOf on the raw bytes; the rule's pattern and
// filters run only on a small window around each candidate.
import type { Decoding, JwtInfo, Rule } from '../core/types.ts';
import { entropy, isMixedCase, placeholderReason, signaturePlaceholder } from './filters.ts';
import { decodeJwt } from './jwt.ts';
import { compileLinear } from './linear.ts';
import { charBefore, isEscapedUnderscore, unescape, unescapeBytes, unescapeText, type Unescaped } from './escapes.ts';
import { MAX_PAIRS, PAIR_INDEX_MAX, PAIR_INDEX_MIN, type Pair, type PairIndex, pairSearcher, PAST_LIST } from './pair-index.ts';
import { occursAt, type Searcher, searcher, shareAnchors } from './search.ts';

/** A token found in a buffer, before line numbers and aggregation. */
export interface Hit {
  ruleId: string;
  secret: string;
  /** Offset in the scanned buffer where the token (or its encoded form) starts. */
  start: number;
  decoding?: Decoding[];
  jwt?: JwtInfo;
}

interface CompiledRule {
  rule: Rule;
  keyword: string;
  keywordBytes: Buffer;
  /** The token at the start of `text`, if the pattern matches there. */
  match: (text: string) => string | undefined;
  /** Bytes allowed in the body's first run, and how many must follow the keyword (0: no check). */
  bodyClass: Uint8Array | undefined;
  bodyMin: number;
}

/** One search key: the bytes looked for, and the rules to try where they occur. */
interface Needle {
  bytes: Buffer;
  search: Searcher;
  /** The keyword's text this needle stands for. */
  keyword: string;
  rules: CompiledRule[];
}

export interface Detector {
  rules: readonly Rule[];
  /** Whether encodings are looked inside (base64, percent, hex, escapes): `--no-decode` says no. */
  decodes: boolean;
  /** The longest token any rule can match, in bytes (sets chunk overlap). */
  maxTokenBytes: number;
  /** Finds tokens whose start lies in [from, to) of `buf` (bytes outside give context). */
  scan(buf: Buffer, from?: number, to?: number, cells?: Cells): Hit[];
}

/**
 * Strings stored edge to edge in cells their format declares: a numpy array of `<U` or
 * `S` strings (cells of one width its header gives), the values of a SQLite record (each
 * as long as its record's header says), their characters `unit` bytes each (4: UTF-32, 1:
 * bytes). Where the bytes as they are hold no token, a cell is read on its own too: one
 * that starts it has nothing before it, and the cell's end ends it, whatever the next
 * cell holds.
 */
export interface Cells {
  /**
   * The cell holding buf[at]: where it ends, and whether `at` starts it; undefined outside
   * the cells. `more`: the cell goes on past `end` where these bytes don't show (a SQLite
   * value on overflow pages), so its `end` ends no token.
   */
  at(at: number): { end: number; first: boolean; more?: boolean } | undefined;
  unit: 1 | 4;
}

/** Cells of `width` bytes each from `start` to `end`. */
export function fixedCells(start: number, end: number, width: number, unit: 1 | 4): Cells {
  return {
    unit,
    at(at) {
      if (at < start || at >= end) return undefined;
      const k = Math.floor((at - start) / width);
      return { end: start + (k + 1) * width, first: at === start + k * width };
    },
  };
}

/** `cells` (offsets in a whole stream) as seen from a window of it that starts at `base`. */
export function cellsFrom(cells: Cells, base: number): Cells {
  return {
    unit: cells.unit,
    at(at) {
      const c = cells.at(at + base);
      return c && { ...c, end: c.end - base };
    },
  };
}

export interface DetectorOptions {
  /** Look inside base64, percent-encoded, hex and escaped text (default true). */
  decode?: boolean;
  /** How deep base64 may nest (2: base64 inside base64); default 1. */
  maxDecodeDepth?: number;
  now?: number;
  /** Search large buffers for the common needles in one pass (pair-index.ts); default true. Tests turn it off to compare. */
  pairIndex?: boolean;
}

const BASE64_MIN_RUN = 20;

function isWordByte(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f);
}
function isHex(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}
/** Long-window characters a scan may decode: this many per byte scanned, and this many windows besides. */
const LONG_BUDGET_PER_BYTE = 16;
const LONG_BUDGET_WINDOWS = 64;

/** Shortest line taken for wrapped base64 (PEM wraps at 64, GNU base64 at 76). */
const WRAP_MIN_LINE = 60;

/** The width of a plain line break at `i`: LF 1, CRLF 2; else 0. */
function plainBreak(buf: Buffer, i: number): number {
  return buf[i] === 0x0a ? 1 : buf[i] === 0x0d && buf[i + 1] === 0x0a ? 2 : 0;
}

/**
 * The width of the line break at `i` when it wraps a run of `inRun` bytes (an encoding
 * written a line at a time): at least `minLine` of them before it, and the run goes on
 * after it, past up to `maxIndent` blanks that indent the next line (counted in the
 * width); else 0. `width` tells a break (plainBreak, or breakWidth with its escapes).
 */
function lineWrap(buf: Buffer, i: number, minLine: number, inRun: (b: number) => boolean, width = plainBreak, maxIndent = 0): number {
  const nl = width(buf, i);
  if (!nl || i < minLine) return 0;
  let e = i + nl;
  while (e - i - nl < maxIndent && isBlank(buf[e])) e++;
  if (e >= buf.length || !inRun(buf[e]!)) return 0;
  for (let k = i - minLine; k < i; k++) if (!inRun(buf[k]!)) return 0;
  return e - i;
}

/** Spaces or tabs that may indent the lines of wrapped base64 (a YAML block, XML, a plist). */
const WRAP_MAX_INDENT = 16;
const isBlank = (b: number | undefined) => b === 0x20 || b === 0x09;

/**
 * A line break that wraps a base64 run: lines of WRAP_MIN_LINE characters or more, the
 * break LF, CRLF or their JSON escapes. Its width includes the blanks that indent the next line.
 */
function wrappedBreak(buf: Buffer, i: number): number {
  return lineWrap(buf, i, WRAP_MIN_LINE, isBase64Byte, breakWidth, WRAP_MAX_INDENT);
}

/**
 * The width of a line break at `i`: LF, CRLF, or their escapes inside a JSON string
 * (`\n`, `\r\n`: base64 wrapped in a Terraform state, an API dump); else 0.
 */
function breakWidth(buf: Buffer, i: number): number {
  const c = buf[i];
  if (c === 0x0a) return 1;
  if (c === 0x0d) return buf[i + 1] === 0x0a ? 2 : 0;
  if (c === 0x5c) {
    if (buf[i + 1] === 0x6e) return 2;
    if (buf[i + 1] === 0x72 && buf[i + 2] === 0x5c && buf[i + 3] === 0x6e) return 4;
  }
  return 0;
}

/** Whether the `n` (or `r`) at `i` ends an escaped line break (`\n`, `\r`). */
const escapedBreakAt = (buf: Buffer, i: number) => (buf[i] === 0x6e || buf[i] === 0x72) && i > 0 && buf[i - 1] === 0x5c;

/** Escaped line breaks in base64 text joined from a wrapped run inside a JSON string. */
const ESCAPED_BREAKS = /\\(?:r\\)?n/g;

/** Where the wrapped break that ends with the byte at `i` starts, or -1. */
function breakEndingAt(buf: Buffer, i: number): number {
  let j = i;
  while (j > 0 && i - j < WRAP_MAX_INDENT && isBlank(buf[j])) j--;
  let brk: number;
  if (buf[j] === 0x0a) brk = j > 0 && buf[j - 1] === 0x0d ? j - 1 : j;
  else if (buf[j] === 0x6e && escapedBreakAt(buf, j)) brk = buf[j - 2] === 0x72 && escapedBreakAt(buf, j - 2) ? j - 3 : j - 1;
  else return -1;
  return wrappedBreak(buf, brk) === i + 1 - brk ? brk : -1;
}

/**
 * Where the 4-character group holding a base64 needle starts: `offset` characters
 * before it, stepping over a line break that wraps the run.
 */
function groupStart(buf: Buffer, at: number, offset: number): number {
  let i = at;
  for (let n = 0; n < offset; n++) {
    i--;
    if (i > 0 && (buf[i] === 0x0a || isBlank(buf[i]) || escapedBreakAt(buf, i))) {
      const brk = breakEndingAt(buf, i);
      if (brk !== -1) i = brk - 1;
    }
  }
  return i;
}

/**
 * Whether the bytes next to the anchor `needle[k]` at `a` are the needle's own or a line
 * break: a needle that a wrapped run splits passes, almost nothing else does.
 */
function splitNext(buf: Buffer, a: number, needle: Buffer, k: number): boolean {
  const before = buf[a - 1];
  const after = buf[a + 1];
  return (
    (k === 0 || before === needle[k - 1] || before === 0x0a || isBlank(before) || escapedBreakAt(buf, a - 1)) &&
    (k === needle.length - 1 || after === needle[k + 1] || after === 0x0d || after === 0x0a || after === 0x5c)
  );
}

/**
 * A base64 needle split by the line break of a wrapped run: where it starts and how
 * wide the break inside it is, or undefined. Its byte `needle[k]` lies at `a`.
 */
function straddled(buf: Buffer, a: number, needle: Buffer, k: number): { start: number; width: number } | undefined {
  const n = needle.length;
  for (let s = 1; s < n; s++) {
    // The break goes between needle[s - 1] and needle[s]: before the anchor, it ends
    // where needle[s] lies; after it, it starts where needle[s - 1] ends.
    let brk: number;
    let width: number;
    if (s <= k) {
      const end = a - (k - s);
      brk = breakEndingAt(buf, end - 1);
      if (brk === -1) continue;
      width = end - brk;
    } else {
      brk = a - k + s;
      width = brk < buf.length ? wrappedBreak(buf, brk) : 0;
      if (!width) continue;
    }
    const start = brk - s;
    if (start < 0 || brk + width + n - s > buf.length) continue;
    let ok = true;
    for (let i = 0; i < s && ok; i++) ok = buf[start + i] === needle[i];
    for (let i = s; i < n && ok; i++) ok = buf[brk + width + i - s] === needle[i];
    if (ok) return { start, width };
  }
  return undefined;
}

/** A's, digits, `+` and `/`: the standard base64 alphabet, no padding, no line break. */
export function isStandardBase64(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2b || b === 0x2f;
}

/** Whether a token of rule `c` could start at dec[o], as far as dec goes. */
function couldStartIn(c: CompiledRule, dec: Buffer, o: number): boolean {
  const kb = c.keywordBytes;
  for (let i = 0; i < kb.length; i++) {
    if (o + i >= dec.length) return true;
    if (dec[o + i] !== kb[i]) return false;
  }
  const t = c.bodyClass;
  if (!t) return true;
  for (let j = o + kb.length, end = Math.min(dec.length, j + c.bodyMin); j < end; j++) if (t[dec[j]!] === 0) return false;
  return true;
}

/**
 * A quick look at the 12 bytes the 16 base64 characters from a needle's group decode to:
 * false when no rule's keyword and body can start there (a run of encoded keywords,
 * `aGZfaGZf…`, would otherwise cost each a decoded window and its search). Where those
 * characters are not plain base64 (a line break, the url-safe alphabet, the run's end),
 * it can't tell, and says true.
 */
function base64Plausible(buf: Buffer, group: number, rules: readonly CompiledRule[]): boolean {
  const dec = decodedAhead(buf, group, 16);
  if (!dec) return true;
  for (let o = 0; o < 3; o++) for (const c of rules) if (couldStartIn(c, dec, o)) return true;
  return false;
}

/** The bytes `chars` plain base64 characters from `group` decode to; undefined where they are not all there, or not all plain base64. */
function decodedAhead(buf: Buffer, group: number, chars: number): Buffer | undefined {
  const end = group + chars;
  if (end > buf.length) return undefined;
  for (let i = group; i < end; i++) if (!isStandardBase64(buf[i]!)) return undefined;
  return Buffer.from(buf.toString('latin1', group, end), 'base64');
}

/** widePlausible's code units as bytes: one buffer, filled and read within each call. */
const NARROW = Buffer.alloc(8);

/**
 * base64Plausible for UTF-16LE text in base64: the 18 bytes 24 characters decode to, read
 * as code units from each of the three offsets where the keyword can start (a unit
 * beyond ASCII stands for a byte no token holds).
 */
function widePlausible(buf: Buffer, group: number, rules: readonly CompiledRule[]): boolean {
  const dec = decodedAhead(buf, group, 24);
  if (!dec) return true;
  const narrow = NARROW;
  for (let o = 0; o < 3; o++) {
    for (let k = 0; k < 8; k++) narrow[k] = dec[o + 2 * k + 1] === 0 ? dec[o + 2 * k]! : 0xff;
    for (const c of rules) if (couldStartIn(c, narrow, 0)) return true;
  }
  return false;
}

/** A base64 character of either alphabet (standard, or url-safe `-` and `_`). */
function isBase64Byte(b: number): boolean {
  return isStandardBase64(b) || b === 0x2d || b === 0x5f;
}

/** Whether the characters just before `at` spell `s` (lower case), ASCII letters in any case. */
function spellsBefore(get: (i: number) => number | undefined, at: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = get(at - s.length + k);
    const want = s.charCodeAt(k);
    if (c === undefined || (c !== want && !(isAsciiLetter(c) && (c | 0x20) === want))) return false;
  }
  return true;
}

/**
 * What the bytes just before a token say about it: 'ok' when it starts a token,
 * 'percent' when a percent escape (`%3D`) precedes it, 'glued' when it is the tail
 * of a longer word. An escape such as `\n` or `\"` counts as a boundary, so tokens
 * inside JSON and notebook strings are found.
 */
function leftBoundary(get: (i: number) => number | undefined, at: number): 'ok' | 'percent' | 'glued' {
  const b = get(at - 1);
  if (!isWordByte(b)) return 'ok';
  if (get(at - 2) === 0x5c) return 'ok'; // \n \t \r \" \0 ...
  if (get(at - 2) === 0x60 && POWERSHELL_ESCAPES.has(b!)) return 'ok'; // PowerShell's `n `t `r `0 ...
  if (isHex(get(at - 2)) && isHex(b)) {
    // `%3D`, or the escape itself percent-encoded once or more (`%253D`, `%25253D`): a
    // URL in a query parameter of another URL. Each `25` is one more level.
    let p = at - 3;
    for (let n = 0; n < 4 && get(p) === 0x35 && get(p - 1) === 0x32; n++) p -= 2;
    if (get(p) === 0x25) return 'percent';
  }
  // \u0022 or \x22 before the token
  if (isHex(b) && isHex(get(at - 2)) && get(at - 3) === 0x78 && get(at - 4) === 0x5c) return 'ok';
  if (isHex(b) && isHex(get(at - 2)) && isHex(get(at - 3)) && isHex(get(at - 4)) && get(at - 5) === 0x75 && get(at - 6) === 0x5c) return 'ok';
  // A terminal code before it: a colour (`ESC[32m` in a CI log, `\u001b[1m` in a
  // notebook's output), or a line being redrawn (`\r ESC[K`, `ESC[2K`, `ESC[1G`, `ESC[?25h`).
  if (b !== undefined && isAsciiLetter(b) && afterTerminalCode(get, at - 1)) return 'ok';
  // Quoted-printable mail: `HF_TOKEN=3D<token>`, the escape of what else precedes a
  // token, or (in upper-case hex, as it is written) of a byte of a character beyond ASCII
  // (`=C2=A0`, a no-break space; `=E2=80=9C`, a curly quote: HTML mail writes them).
  const b2 = get(at - 2);
  if (get(at - 3) === 0x3d && isHex(b2) && isHex(b)) {
    const byte = parseInt(String.fromCharCode(b2!, b!), 16);
    // (Lower case, which decoders are to accept, only for the ASCII ones: `=de` is a value's own letters.)
    if (QP_BEFORE.has(byte) || (byte >= 0x80 && isUpperHex(b2) && isUpperHex(b))) return 'ok';
  }
  // A protocol-0 pickle's string opcode: `V<token>` on its own line, first in a tuple
  // (`(V`), or appended to a list (`\naV`, after the memo line of the item before).
  if (b === 0x56 && (get(at - 2) === 0x0a || get(at - 2) === 0x28 || (get(at - 2) === 0x61 && get(at - 3) === 0x0a))) return 'ok';
  // A key named for the token, glued to its value: a SQLite row (`HF_TOKENhf_…`), a
  // string table, anything that packs strings edge to edge.
  if (spellsBefore(get, at, 'token')) return 'ok';
  return 'glued';
}

/** How far before a token a string with a declared length may begin (`Bearer TOKEN`, `HF_TOKEN=TOKEN`); a multiple of 4 (the scanner keeps this much before each window). */
export const DECLARED_LOOKBACK = 512;
const isAsciiText = (b: number) => (b >= 0x20 && b < 0x7f) || b === 0x09;
/**
 * A byte no text holds: a control character but those text does use (tab, line breaks,
 * form feed; backspace, bell and escape in a log's colours and progress bars).
 */
const isControl = (b: number) => b < 0x07 || (b > 0x0d && b < 0x20 && b !== 0x1b) || b === 0x7f;

/**
 * Whether bytes that no text holds come within 8 bytes from `end`: a control character, or
 * bytes that are not UTF-8 (pickle's MEMOIZE, 0x94, after an ASCII string). The string
 * that ends there sits among binary data, not in text of any language.
 */
function binaryAfter(buf: Buffer, end: number, span = 8): boolean {
  const stop = Math.min(buf.length, end + span);
  for (let i = Math.max(0, end); i < stop; ) {
    const b = buf[i]!;
    if (b < 0x80) {
      if (isControl(b)) return true;
      i++;
      continue;
    }
    const n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0) return true; // a continuation byte with no lead, or no lead UTF-8 has
    for (let k = 1; k < n && i + k < stop; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return true;
    i += n;
  }
  return false;
}

/**
 * Where the strings that the bytes before `at` declare end, as offsets from `at`: strings
 * of a binary format that writes a string's length before it (pickle, Python's marshal in
 * .pyc files, msgpack, CBOR, Apple's binary property lists), after a string type's opcode, with a one-byte length or a
 * four-byte little-endian one under 64 KB (pickle's BINUNICODE, marshal's long strings).
 * A string that begins at `at` counts as the byte before it says. One that begins before
 * it (a pickled `Bearer TOKEN`), with only ASCII text between, is looked for only where
 * `binary` says binary data follows the candidate: a four-byte length (its top two bytes
 * zero) counts then, and a one-byte one where binary data follows the string too. (In
 * UTF-8 text, `ь` ends in 0x8c, pickle's SHORT_BINUNICODE, and the byte after it reads as a
 * length: text must never cut a JWT or let a look-alike through.)
 */
function declaredEnds(buf: Buffer, at: number, binary: boolean): number[] {
  // The surer readings first: a JWT is cut at the first end that fits.
  const sure: number[] = [];
  const likely: number[] = [];
  const add = (to: number[], s: number, n: number) => {
    if (n >= 16 && s + n > at + 3) to.push(s + n - at);
  };
  for (let s = at; s >= 2 && at - s <= DECLARED_LOOKBACK; s--) {
    if (s < at && (!binary || !isAsciiText(buf[s]!))) break;
    const one = buf[s - 1]!;
    const op = buf[s - 2]!;
    // (Four bytes, of which the top two are zero: an OAuth token's JWT runs past 255 bytes.)
    if (s >= 5 && one === 0 && op === 0 && LONG_STRING.has(buf[s - 5]!)) add(sure, s, buf[s - 4]! | (buf[s - 3]! << 8));
    else if (s === at) {
      // (A binary property list's ASCII string of 15 bytes or more: 0x5F, then its length as an int object, 0x10 and one byte.)
      if (SHORT_STRING.has(op) || (op === 0x10 && buf[s - 3] === 0x5f)) add(sure, s, one);
    } else if (SHORT_STRING.has(op) && binaryAfter(buf, s + one)) add(likely, s, one);
  }
  return [...sure, ...likely];
}

/**
 * declaredEnds for a candidate at `at`, once per reading: strings begun before it are
 * looked for where binary data comes within 8 bytes of a match's end (before it too: an
 * open-ended JWT runs on into the next opcode's letters), and never in text.
 */
function declaredAt(buf: Buffer, at: number): (secretLength: number) => readonly number[] {
  let plain: number[] | undefined;
  let binary: number[] | undefined;
  return (secretLength) => (binaryAfter(buf, at + secretLength - 8, 16) ? (binary ??= declaredEnds(buf, at, true)) : (plain ??= declaredEnds(buf, at, false)));
}
/** Types of strings with a one-byte length: pickle SHORT_BINUNICODE, SHORT_BINSTRING, SHORT_BINBYTES; marshal short ASCII (interned, referenced); msgpack str8; CBOR text. */
const SHORT_STRING = new Set([0x8c, 0x55, 0x43, 0x7a, 0x5a, 0xfa, 0xda, 0xd9, 0x78]);
/** Types of strings with a four-byte little-endian length: pickle BINUNICODE, BINSTRING, BINBYTES; marshal unicode, ASCII, interned, bytes (and referenced). */
const LONG_STRING = new Set([0x58, 0x54, 0x42, 0x75, 0x61, 0x41, 0x74, 0x73, 0xf5, 0xe1, 0xc1, 0xf4, 0xf3]);

/**
 * Whether a zip record's signature starts at text[i] (`PK` and 1 2, 3 4, 5 6, 6 6, 6 7 or
 * 7 8): what follows a name or a comment in a zip's headers, with nothing between.
 */
function zipSignatureAt(text: string, i: number): boolean {
  if (text.charCodeAt(i) !== 0x50 || text.charCodeAt(i + 1) !== 0x4b) return false;
  const a = text.charCodeAt(i + 2);
  const b = text.charCodeAt(i + 3);
  return (a === 1 && b === 2) || (a === 3 && b === 4) || (a === 5 && b === 6) || (a === 6 && (b === 6 || b === 7)) || (a === 7 && b === 8);
}

/** ASCII bytes a quoted-printable escape before a token may stand for: white space, quotes, `=`, `:`, `,`, `;`, brackets. */
const QP_BEFORE = new Set([0x09, 0x0a, 0x0d, 0x20, 0x22, 0x27, 0x60, 0x3d, 0x3a, 0x2c, 0x3b, 0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d]);
const isUpperHex = (b: number | undefined) => b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46));

/** The letters of PowerShell's escapes after a backtick (`0 `a `b `e `f `n `r `t `v). */
const POWERSHELL_ESCAPES = new Set([...'0abefnrtv'].map((c) => c.charCodeAt(0)));

const isAsciiLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * Whether the letter at `m` ends a terminal control sequence (CSI): `[`, parameters
 * (digits, `;`, a leading `?`), a final letter (`m` for colours, `K` to clear a line,
 * `G` or `H` to move), after an ESC byte or an escaped one (`\u001b`, `\x1b`, `\033`, `\e`).
 */
function afterTerminalCode(get: (i: number) => number | undefined, m: number): boolean {
  let i = m - 1;
  for (let n = 0; n < 16; n++, i--) {
    const c = get(i);
    if (c === undefined) return false;
    if (c === 0x5b) break; // [
    if (!((c >= 0x30 && c <= 0x39) || c === 0x3b || c === 0x3f)) return false;
  }
  if (get(i) !== 0x5b) return false;
  return get(i - 1) === 0x1b || ['\\u001b', '\\x1b', '\\033', '\\e'].some((esc) => spellsBefore(get, i, esc));
}

/** Characters of the base64 encoding of `kw` that don't depend on the bytes around it, per alignment. */
export function base64Needles(kw: string): string[] {
  return [...new Set(base64NeedleInfo(kw).map((n) => n.text))];
}

export interface Base64Needle {
  text: string;
  /** Where the needle starts in the encoding, counted from the start of the 4-character
   * group in which the keyword's first byte is encoded. */
  offset: number;
}

/** base64Needles with where each needle sits relative to the encoding's group boundary. */
export function base64NeedleInfo(kw: string): Base64Needle[] {
  const out: Base64Needle[] = [];
  const bytes = Buffer.from(kw, 'latin1');
  for (let align = 0; align < 3; align++) {
    // A character that takes any bit from the surrounding bytes differs between all-zero
    // and all-one surroundings; one that is the same in both depends on the keyword alone.
    const encs = [0x00, 0xff].map((fill) =>
      Buffer.concat([Buffer.alloc(align, fill), bytes, Buffer.alloc(3, fill)]).toString('base64'),
    );
    // Longest run of positions where every fill gives the same character.
    let best = '';
    let bestAt = 0;
    let cur = '';
    for (let i = 0; i < encs[0]!.length; i++) {
      const ch = encs[0]![i]!;
      if (ch !== '=' && encs.every((e) => e[i] === ch)) {
        cur += ch;
        if (cur.length > best.length) {
          best = cur;
          bestAt = i - cur.length + 1;
        }
      } else cur = '';
    }
    if (best.length >= 3) out.push({ text: best, offset: bestAt });
  }
  return out;
}

/** What a pattern says after its keyword (written escaped or as it is), or undefined when it doesn't start with it. */
function afterKeyword(pattern: string, keyword: string): string | undefined {
  const escaped = keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return pattern.startsWith(escaped) ? pattern.slice(escaped.length) : pattern.startsWith(keyword) ? pattern.slice(keyword.length) : undefined;
}

/** A character class of a pattern (`[A-Za-z0-9]`, `[^\]]`), as the scans of patterns find them. */
const CLASS = /\[(?:\\.|[^\]\\])+\]/g;

/**
 * The bytes a character class of a pattern (or `\d`, `\w`) holds, 256 flags; undefined
 * where JavaScript can't tell. Config rules run on RE2JS: RE2's POSIX classes
 * (`[[:alnum:]]`), Unicode classes (`\pL`, `\p{Greek}`) and `\x{…}` escapes are other
 * characters to a JavaScript RegExp without the u flag (`[[:alnum:]` is seven of them),
 * and a table made from that reading would turn away what RE2 matches.
 */
function classTable(cls: string, flags = ''): Uint8Array | undefined {
  if (/\[:|\\[pP]|\\x\{/.test(cls)) return undefined;
  let re: RegExp;
  try {
    re = new RegExp(`^${cls}$`, flags.includes('i') ? 'i' : '');
  } catch {
    return undefined;
  }
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) table[c] = re.test(String.fromCharCode(c)) ? 1 : 0;
  return table;
}

/**
 * When the pattern continues after its keyword with a character class and a
 * quantifier (`hf_[A-Za-z0-9]{34}`), the bytes after a candidate can be checked
 * without building a string or running the regex: most `hf_` in ML code is
 * `hf_hub_download`, rejected at its fourth byte.
 */
export function bodyPrecheck(pattern: string, keyword: string, flags = ''): { table: Uint8Array; min: number } | undefined {
  const rest = afterKeyword(pattern, keyword);
  if (rest === undefined) return undefined;
  const m = /^(\[(?:\\.|[^\]\\])+\]|\\[dw])(\{(\d+)(?:,\d*)?\}|\+)?/.exec(rest);
  const table = m && classTable(m[1]!, flags);
  if (!table) return undefined; // (none, or RE2 syntax JavaScript can't read: no precheck)
  const min = m[3] !== undefined ? Number(m[3]) : 1;
  return { table, min: Math.min(min, 256) };
}

/**
 * The alternatives of the group body that starts at pattern[from] (the whole pattern
 * when 0): split at each `|` of that depth, up to the `)` that closes it (`end`, or the
 * pattern's length). Classes and escapes are stepped over.
 */
function alternatives(pattern: string, from: number): { alts: string[]; end: number } {
  const alts: string[] = [];
  let depth = 0;
  let start = from;
  let i = from;
  for (; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (ch === '[') {
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
    } else if (ch === '(') depth++;
    else if (ch === ')' && depth-- === 0) break;
    else if (ch === '|' && depth === 0) {
      alts.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  alts.push(pattern.slice(start, i));
  return { alts, end: i };
}

/**
 * The literal texts a rule's pattern goes on with after its keyword, one per alternative
 * (`hf_oauth_(?:eyJ…|_refresh_…)` gives `eyJ` and `_refresh_`), or undefined when the
 * pattern doesn't say (an alternative that starts with a class, an optional group, an
 * alternation at the top, where the keyword leads only the first branch).
 */
export function literalStarts(pattern: string, keyword: string): string[] | undefined {
  const rest = afterKeyword(pattern, keyword);
  if (rest === undefined || alternatives(rest, 0).alts.length > 1) return undefined;
  let alts = [rest];
  if (rest.startsWith('(?:')) {
    const group = alternatives(rest, 3);
    if (group.end >= rest.length || /^[?*{]/.test(rest.slice(group.end + 1))) return undefined;
    alts = group.alts;
  }
  const out: string[] = [];
  for (const a of alts) {
    let lit = /^(?:[A-Za-z0-9_-]|\\[.\-_/])*/.exec(a)![0];
    // A quantifier after the run makes its last character optional.
    if (/^[?*{]/.test(a.slice(lit.length))) lit = lit.slice(0, -1).replace(/\\$/, '');
    lit = lit.replace(/\\(.)/g, '$1');
    if (!lit) return undefined;
    out.push(lit);
  }
  return out;
}

/**
 * The characters a token of `pattern` may hold: those of its character classes and its
 * literal characters (a superset: quantifiers and anchors are not read). 256 flags.
 */
export function tokenAlphabet(pattern: string, flags = ''): Uint8Array {
  const out = new Uint8Array(256);
  // RE2's inline flags (`(?i)`, `(?i:…)`) change what the classes after them hold: can't tell.
  if (/\(\?[a-zA-Z-]+[:)]/.test(pattern)) return out.fill(1);
  const fold = flags.includes('i') ? 'i' : '';
  for (const [cls] of pattern.matchAll(CLASS)) {
    const table = classTable(cls, fold);
    if (!table) return out.fill(1); // (a class JavaScript can't read as RE2 does: can't tell)
    for (let c = 0; c < 256; c++) if (table[c]) out[c] = 1;
  }
  const rest = pattern.replace(CLASS, '').replace(/\{\d+(?:,\d*)?\}/g, '').replace(/\(\?:/g, '');
  for (let i = 0; i < rest.length; i++) {
    let ch = rest[i]!;
    if (ch === '\\') {
      ch = rest[++i] ?? '';
      // A shorthand class (\w, \d, \S, …) or another escape that is no plain character: can't tell.
      if (/[A-Za-z0-9]/.test(ch)) return out.fill(1);
    } else if ('()|?*+^$'.includes(ch)) continue;
    // An unescaped dot is any character: can't tell.
    else if (ch === '.') return out.fill(1);
    if (ch) {
      out[ch.charCodeAt(0) & 0xff] = 1;
      if (fold) {
        out[ch.toLowerCase().charCodeAt(0) & 0xff] = 1;
        out[ch.toUpperCase().charCodeAt(0) & 0xff] = 1;
      }
    }
  }
  return out;
}

function stickyMatcher(pattern: string, flags = ''): (text: string) => string | undefined {
  const re = new RegExp(pattern, `y${flags}`);
  return (text) => {
    re.lastIndex = 0;
    return re.exec(text)?.[0];
  };
}

export function compileRules(rules: readonly Rule[]): CompiledRule[] {
  const out: CompiledRule[] = [];
  for (const rule of rules) {
    // One matcher for the rule, whatever its keywords.
    const match = rule.trusted ? stickyMatcher(rule.pattern, rule.flags) : compileLinear(rule.pattern, rule.flags);
    for (const keyword of rule.keywords) {
      const pre = bodyPrecheck(rule.pattern, keyword, rule.flags);
      out.push({ rule, keyword, keywordBytes: Buffer.from(keyword, 'latin1'), match, bodyClass: pre?.table, bodyMin: pre?.min ?? 0 });
    }
  }
  return out;
}

/** Cheap byte-level test that a rule could match at `at` (raw bytes only). */
function couldMatch(c: CompiledRule, buf: Buffer, at: number): boolean {
  return at + c.keywordBytes.length + c.bodyMin <= buf.length && couldStartIn(c, buf, at);
}

/**
 * Search keys: a keyword that another keyword starts with is searched once (the
 * shorter one), and the rules of both are tried where it occurs.
 */
function buildNeedles(compiled: CompiledRule[], encode: (kw: string) => Buffer, minRoot = 1): Needle[] {
  const keywords = [...new Set(compiled.map((c) => c.keyword))].sort((a, b) => a.length - b.length);
  const roots: string[] = [];
  for (const k of keywords) if (!roots.some((r) => r.length >= minRoot && k.startsWith(r))) roots.push(k);
  return roots.map((root) => ({
    bytes: encode(root),
    search: searcher(encode(root)),
    keyword: root,
    rules: compiled.filter((c) => c.keyword.startsWith(root)),
  }));
}

const NUL3 = Buffer.alloc(3);

/**
 * What `search.next(hay, from)` gives (`hay` the indexed buffer or a start of it): through
 * `ix`, the pair index of that buffer, where the needle has a slot there (its anchor's
 * first two bytes); past a list that was cut, the needle's own search goes on.
 */
function seek(search: Searcher, slot: number, ix: PairIndex | undefined, hay: Buffer, from: number): number {
  if (ix === undefined || slot === -1) return search.next(hay, from);
  const { needle, anchorAt } = search;
  for (let a = ix.next(slot, from + anchorAt); a !== -1; a = ix.next(slot, a + 1)) {
    if (a === PAST_LIST) return search.next(hay, Math.max(from, ix.listedBelow(slot) - anchorAt));
    const at = a - anchorAt;
    if (at + needle.length > hay.length) return -1;
    if (occursAt(ix.buf, at, needle)) return at;
  }
  return -1;
}

/**
 * Decoded text of `buf` for the candidates of one pass, each asking for the text of
 * buf[from, to) (whole units of `unit` bytes; `decode` gives `perUnit` bytes a unit, and
 * may stop early where the encoding ends). A region is reused while it covers what is
 * asked, and a new one reaches twice as far: a run of candidates costs one decoding of
 * its bytes, not a window each. One region per alignment, so that candidates of
 * interleaved texts don't take turns throwing each other's away.
 */
function regionDecoder(buf: Buffer, unit: number, perUnit: number, decode: (from: number, to: number) => Buffer): (from: number, to: number) => Buffer {
  const regions: ({ from: number; to: number; bytes: Buffer } | undefined)[] = [];
  const size = (bytes: number) => Math.floor(bytes / unit) * perUnit;
  return (a, b) => {
    b = Math.min(buf.length, b);
    const r = regions[a % unit];
    if (r && a >= r.from) {
      const i = size(a - r.from);
      // (A region decoded short of its end, where the encoding stopped, holds that end.)
      if (i < r.bytes.length && (b <= r.to || r.bytes.length < size(r.to - r.from))) return r.bytes.subarray(i, Math.min(r.bytes.length, size(b - r.from)));
    }
    let end = Math.min(buf.length, Math.max(b, a + 2 * (b - a)));
    end -= (end - a) % unit;
    const fresh = { from: a, to: end, bytes: decode(a, end) };
    regions[a % unit] = fresh;
    return fresh.bytes.subarray(0, size(b - a));
  };
}

/** Whether buf holds, at `at`, the lowercase hex digits `hex` in either case. */
function hexAt(buf: Buffer, at: number, hex: Buffer): boolean {
  if (at + hex.length > buf.length) return false;
  for (let i = 0; i < hex.length; i++) {
    const c = buf[at + i]!;
    const h = hex[i]!;
    if (c !== h && !(h >= 0x61 && c === h - 0x20)) return false;
  }
  return true;
}

/**
 * A keyword in hex, and what to search for, `at` digits into it: the hex of one of its
 * bytes that is all decimal digits (the same in either case: `68` for the h of hf_), else
 * the whole of it in lower and in upper case (a keyword of letters whose hex mixes the
 * cases is then missed). One byte's digits stay together where hex wrapped over lines
 * (`xxd -p`, 60 digits a line) breaks the keyword between two of its bytes.
 */
function hexNeedle(n: Needle): { needle: Needle; hex: Buffer; anchors: Searcher[]; at: number } {
  const hex = n.bytes.toString('hex');
  const pair = [...n.bytes].findIndex((b) => (b >> 4) <= 9 && (b & 15) <= 9);
  const anchors = pair !== -1 ? [hex.slice(2 * pair, 2 * pair + 2)] : [...new Set([hex, hex.toUpperCase()])];
  return { needle: n, hex: Buffer.from(hex, 'latin1'), anchors: anchors.map((a) => searcher(Buffer.from(a, 'latin1'))), at: pair !== -1 ? 2 * pair : 0 };
}

/** Shortest line of hex digits taken for wrapped hex (`xxd -p -c 16` writes 32). */
const HEX_WRAP_MIN_LINE = 32;

/** A line break that wraps a hex run: lines of HEX_WRAP_MIN_LINE digits or more. */
function hexWrap(buf: Buffer, i: number): number {
  return lineWrap(buf, i, HEX_WRAP_MIN_LINE, isHex);
}

/** Where the line break that ends just before `i` starts, when it wraps a hex run; else -1. */
function hexWrapBefore(buf: Buffer, i: number): number {
  if (buf[i - 1] !== 0x0a) return -1;
  const brk = buf[i - 2] === 0x0d ? i - 2 : i - 1;
  return hexWrap(buf, brk) ? brk : -1;
}

/** The hex digit before the one at `i`, stepping back over a break that wraps the run; -1 at the run's start. */
function hexDigitBefore(buf: Buffer, i: number): number {
  if (isHex(buf[i - 1])) return i - 1;
  const brk = hexWrapBefore(buf, i);
  return brk === -1 ? -1 : brk - 1;
}

/** The hex digit after the one at `i`, stepping over a break that wraps the run. */
function hexDigitAfter(buf: Buffer, i: number): number {
  return isHex(buf[i + 1]) ? i + 1 : i + 1 + hexWrap(buf, i + 1);
}

/** Widths hex dumps write lines at: `xxd -p -c 16`, `xxd -p`, `-c 32`, `basenc --base16`. */
const DUMP_WIDTHS = new Set([32, 60, 64, 76]);

/** Whether the line that the break at `i` ends is as long as a hex dump writes its lines. */
function dumpWidth(buf: Buffer, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && i - j <= 80 && buf[j] !== 0x0a) j--;
  return (j < 0 || buf[j] === 0x0a) && DUMP_WIDTHS.has(i - j - 1);
}

/** Whether buf holds, from `at` on, the hex digits `hex` in either case, line breaks that wrap the run stepped over. */
function hexAtWrapped(buf: Buffer, at: number, hex: Buffer): boolean {
  for (let i = 0, j = at; i < hex.length; i++, j++) {
    if (!isHex(buf[j])) {
      const w = hexWrap(buf, j);
      if (!w) return false;
      j += w;
    }
    const c = buf[j]!;
    const h = hex[i]!;
    if (c !== h && !(h >= 0x61 && c === h - 0x20)) return false;
  }
  return true;
}

/**
 * Hex wrapped over lines, decoded from the digit at `a` on, the breaks that wrap the run
 * left out: `bytes` bytes, or fewer where the run ends. A region is reused while it covers
 * what is asked (its digits decoded once in each of the two alignments a candidate may
 * need), and a new one reaches twice as far: a run of candidates costs a pass or two
 * over its bytes, not a window each.
 */
function wrappedHexDecoder(buf: Buffer): (a: number, bytes: number) => Buffer {
  interface Region {
    pieces: number[];
    offs: number[];
    digits: string;
    ended: boolean;
    decoded: (Buffer | undefined)[];
  }
  let r: Region | undefined;
  const join = (a: number, n: number): Region => {
    const pieces: number[] = [];
    const offs: number[] = [];
    let digits = '';
    let ended = false;
    for (let i = a; ; ) {
      const lim = Math.min(buf.length, i + n - digits.length);
      let e = i;
      while (e < lim && isHex(buf[e])) e++;
      pieces.push(i);
      offs.push(digits.length);
      digits += buf.toString('latin1', i, e);
      if (digits.length >= n) break;
      const w = hexWrap(buf, e);
      if (!w) {
        ended = true;
        break;
      }
      i = e + w;
    }
    return { pieces, offs, digits, ended, decoded: [] };
  };
  const from = (x: Region, i: number, bytes: number): Buffer => {
    const parity = i % 2;
    const dec = (x.decoded[parity] ??= Buffer.from(parity ? x.digits.slice(1) : x.digits, 'hex'));
    const at = (i - parity) >> 1;
    return dec.subarray(at, at + bytes);
  };
  return (a, bytes) => {
    if (r && a >= r.pieces[0]!) {
      // The last piece that starts at or before `a`.
      let lo = 0;
      let hi = r.pieces.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (r.pieces[mid]! <= a) lo = mid;
        else hi = mid - 1;
      }
      const j = lo;
      const i = r.offs[j]! + a - r.pieces[j]!;
      const pieceEnd = j + 1 < r.offs.length ? r.offs[j + 1]! : r.digits.length;
      if (i < pieceEnd && (i + 2 * bytes <= r.digits.length || r.ended)) return from(r, i, bytes);
    }
    r = join(a, 4 * bytes);
    return from(r, 0, bytes);
  };
}

/**
 * Whether text[at…] may start a JWT as decodeJwt takes one: two dots ahead, and the part
 * before the first decoding to text that ends in `}` (JSON.parse wants an object).
 */
function mayBeJwt(text: string, at: number): boolean {
  const dot = text.indexOf('.', at);
  if (dot === -1 || text.indexOf('.', dot + 1) === -1) return false;
  return Buffer.from(text.slice(at, dot), 'base64url').toString('latin1').trimEnd().endsWith('}');
}

/** Bytes of a buffer seen to be base64 characters, all of buf[from, to). */
interface Base64Run {
  from: number;
  to: number;
  /**
   * Segments of wrapped runs already walked, by where each starts: where its base64
   * characters end, and the width of the line break there (0: the run ends). A window
   * reaching over a hundred lines walks them again for every candidate in it otherwise.
   */
  segments?: Map<number, { end: number; wrap: number }>;
}

/** Text decoded by escapedHit, kept for the anchors after it (buf[from, to)). */
interface EscapeCache {
  u?: Unescaped;
  from: number;
  to: number;
  /** Where a keyword was tried already (raw offsets): a token with two escaped underscores is two anchors. */
  tried: Set<number>;
}
const BACKSLASH = 0x5c;
/** Bytes one escaped character takes at most (`\U0000005f`). */
const ESCAPE_MAX = 10;

function utf32(s: string, little: boolean): Buffer {
  const out = Buffer.alloc(4 * s.length);
  for (let i = 0; i < s.length; i++) {
    if (little) out.writeUInt32LE(s.charCodeAt(i), 4 * i);
    else out.writeUInt32BE(s.charCodeAt(i), 4 * i);
  }
  return out;
}

function utf16be(s: string): Buffer {
  const b = Buffer.from(s, 'utf16le');
  b.swap16();
  return b;
}

export function createDetector(rules: readonly Rule[], options: DetectorOptions = {}): Detector {
  const decode = options.decode !== false;
  const maxDepth = options.maxDecodeDepth ?? 1;
  const now = options.now ?? Date.now();
  const compiled = compileRules(rules);
  const maxTokenBytes = Math.max(64, ...rules.map((r) => r.maxLength));
  // A shorter keyword stands for the longer ones it starts (one search finds both), but
  // only one of three bytes or more: the base64 of one or two bytes has too few
  // characters that stay the same whatever comes before them, and escapes and percent
  // are anchored at a keyword's underscore. A user rule keyed `hf` must not take the
  // place of `hf_` and lose its base64, escaped and percent-encoded forms.
  const ascii = buildNeedles(compiled, (k) => Buffer.from(k, 'latin1'), 3);
  const le = buildNeedles(compiled, (k) => Buffer.from(k, 'utf16le'));
  const be = buildNeedles(compiled, utf16be);
  const le32 = buildNeedles(compiled, (k) => utf32(k, true));
  const be32 = buildNeedles(compiled, (k) => utf32(k, false));
  const pct = decode
    ? ascii.flatMap((n) =>
        n.keyword.includes('_')
          ? [n.keyword.replace(/_/g, '%5F'), n.keyword.replace(/_/g, '%5f')].map((k) => ({ ...n, bytes: Buffer.from(k, 'latin1') }))
          : [],
      )
    : [];
  // Keywords in hex (`68665f` for hf_, in either case), found from the longest run of
  // decimal digits in their hex (see hexNeedle). A hex run is decoded from where a
  // keyword's starts.
  const hexNeedles = decode ? ascii.map(hexNeedle) : [];
  // The searches whose anchors start with common bytes (`f_` of hf_, `_org` of api_org_,
  // `68` of hf_'s hex) run together, in one pass over a large buffer (pair-index.ts), from
  // the first two bytes of each anchor: each needle's slot there.
  const pairs: Pair[] = [];
  const slotOf = ({ needle, anchorAt, anchorLength }: Searcher): number => {
    if (anchorLength < 2) return -1;
    const pair: Pair = [needle[anchorAt]!, needle[anchorAt + 1]!];
    const slot = pairs.findIndex(([a, b]) => a === pair[0] && b === pair[1]);
    if (slot !== -1 || pairs.length >= MAX_PAIRS) return slot;
    return pairs.push(pair) - 1;
  };
  const asciiSlots = ascii.map((n) => slotOf(n.search));
  const hexSlots = hexNeedles.map((h) => h.anchors.map(slotOf));
  const usePairs = options.pairIndex !== false && pairs.length > 0;
  let indexer: ((buf: Buffer) => PairIndex | undefined) | undefined | null = null;
  /** The pair index of the buffer scan() was called with, while it runs. */
  let top: PairIndex | undefined;
  // Needles for each level of nesting: the base64 of a keyword, the base64 of that, ...
  // Each knows where its 4-character group starts, so only a small window around a hit
  // is decoded, in the one alignment the hit implies.
  // Windows: the rules whose tokens run long (JWTs, up to 4 KB) get a long one, the others
  // SHORT bytes. A candidate gets the long window only where a long rule's keyword starts:
  // a file of nothing but `hf%5F`, or its base64, would otherwise cost kilobytes of
  // decoding every few bytes.
  const SHORT = Math.max(64, ...rules.filter((r) => r.maxLength <= 256).map((r) => r.maxLength));
  // The long window only where a long rule's keyword goes on as its pattern must (`eyJ`
  // after hf_oauth_): a run of `hf_oauth_` would otherwise cost 4 KB a keyword.
  // And only where the short window's text after the keyword is all the token's characters:
  // a token that ends inside it needs no more.
  const longRules = compiled
    .filter((c) => c.rule.maxLength > SHORT)
    // (A case-insensitive rule's literals are not compared: any case may follow.)
    .map((c) => ({ keyword: c.keyword, then: c.rule.flags?.includes('i') ? undefined : literalStarts(c.rule.pattern, c.keyword), alphabet: tokenAlphabet(c.rule.pattern, c.rule.flags) }));
  /** Whether a long rule's token may start at text[s] and run past SHORT characters. */
  const startsLong = (text: string, s = 0): boolean =>
    longRules.some((l) => {
      if (!text.startsWith(l.keyword, s) || (l.then && !l.then.some((t) => text.startsWith(t, s + l.keyword.length)))) return false;
      const end = Math.min(text.length, s + SHORT + 1);
      for (let i = s + l.keyword.length; i < end; i++) if (l.alphabet[text.charCodeAt(i) & 0xff] === 0) return false;
      return true;
    });
  /** Whether a long rule's token may start anywhere in `text` (not glued to what precedes it). */
  const holdsLong = (text: string): boolean => {
    const get = (i: number) => (i >= 0 ? text.charCodeAt(i) : undefined);
    return longRules.some((l) => {
      for (let i = text.indexOf(l.keyword); i !== -1; i = text.indexOf(l.keyword, i + 1)) if (leftBoundary(get, i) !== 'glued' && startsLong(text, i)) return true;
      return false;
    });
  };
  /**
   * Characters long windows may still take in this scan. A long rule (a JWT's, or a user
   * rule's of up to 64 KB) decodes and matches a long window per candidate: a file made
   * of nothing but its keyword (`acme_ acme_ …`, each match running to the window's end)
   * would cost candidates x window, hours for a megabyte. Past the budget, long rules
   * are not tried (short ones are); the budget is many times what real text needs.
   */
  let longBudget = Infinity;
  /**
   * The window a candidate whose token would start at text[s] (a short window's text) gets,
   * whatever decoder found it: 'long' where a long rule's token may start there and the
   * budget has room, 'refused' where one may but the budget is spent, else 'short'.
   */
  const windowFor = (text: string, s = 0): 'short' | 'long' | 'refused' => (!startsLong(text, s) ? 'short' : longBudget > 0 ? 'long' : 'refused');
  /** A candidate's text, `decode(n)` giving its first n characters: SHORT + 1, or the long window (charged to the budget). */
  const textWindow = (decode: (chars: number) => string): Window => {
    const text = decode(SHORT + 1);
    const kind = windowFor(text);
    if (kind !== 'long') return { text, refused: kind === 'refused' };
    const long = decode(maxTokenBytes + 1);
    longBudget -= long.length;
    return { text: long, refused: false };
  };
  /** A candidate's text from its keyword on; `refused`: a long window was due there and the budget refused it. */
  interface Window { text: string; refused: boolean }
  /** `rules`: for the needles of plain keywords (not nested base64), the rules a token there would be of. */
  /** `wide`: the keyword in UTF-16LE (the decoded window is read as UTF-16 text). */
  interface B64 { needle: Buffer; offset: number; span: number; shortSpan: number; before: number; rules?: CompiledRule[]; wide?: boolean }
  const b64: B64[] = [];
  const spanOf = (bytes: number) => Math.ceil((bytes + 3) / 3) * 4 + 8;
  let level: { text: string; span: number; shortSpan: number; rules?: CompiledRule[] }[] = ascii.map((n) => ({ text: n.keyword, span: maxTokenBytes + 8, shortSpan: SHORT + 8, rules: n.rules }));
  for (let d = 0; decode && d < maxDepth; d++) {
    const next: typeof level = [];
    for (const l of level) {
      for (const n of base64NeedleInfo(l.text)) {
        const same = b64.find((x) => x.needle.toString('latin1') === n.text && x.offset === n.offset);
        if (same) {
          if (same.rules && l.rules) same.rules = [...new Set([...same.rules, ...l.rules])];
          else same.rules = undefined;
          continue;
        }
        const span = spanOf(l.span);
        const shortSpan = spanOf(l.shortSpan);
        b64.push({ needle: Buffer.from(n.text, 'latin1'), offset: n.offset, span, shortSpan, before: 8 + 8 * d, ...(l.rules ? { rules: l.rules } : {}) });
        next.push({ text: n.text, span, shortSpan });
      }
    }
    level = next;
  }
  // UTF-16LE text in base64, as PowerShell's -EncodedCommand and .NET's
  // Convert.ToBase64String(Encoding.Unicode.GetBytes(…)) write it: the base64 of each
  // keyword in UTF-16LE, its window twice as long, read as UTF-16.
  if (decode && maxDepth > 0) {
    for (const n of ascii) {
      for (const x of base64NeedleInfo(Buffer.from(n.keyword, 'utf16le').toString('latin1'))) {
        if (b64.some((y) => y.needle.toString('latin1') === x.text && y.offset === x.offset)) continue;
        b64.push({ needle: Buffer.from(x.text, 'latin1'), offset: x.offset, span: spanOf(2 * (maxTokenBytes + 8)), shortSpan: spanOf(2 * (SHORT + 8)), before: 8, rules: n.rules, wide: true });
      }
    }
  }
  // An escaped token is anchored at one of its keyword's underscores: the keyword can
  // start this many bytes before it (every character before escaped, the longest way).
  // (Every rule's keyword, not just the needles': `hf_oauth\u005f` escapes its second.)
  const escapeReach = ESCAPE_MAX * Math.max(...compiled.map((c) => c.keyword.lastIndexOf('_')), 0);
  /** The characters (codes) just before an underscore in some keyword. */
  const beforeUnderscore = new Set(compiled.flatMap((c) => [...c.keyword].flatMap((ch, i) => (ch === '_' && i > 0 ? [c.keyword.charCodeAt(i - 1)] : []))));
  // The needles share their rare capitals: one pass per shared anchor byte, not per needle.
  // (The UTF-16 needles join the plain needles' groups where they hold an anchor: left
  // to choose, the sharing would anchor them all on a commoner capital.)
  const b64Groups = shareAnchors(b64.filter((n) => !n.wide).map((n) => ({ needle: n.needle, data: n })));
  const wideLeft: { needle: Buffer; data: B64 }[] = [];
  for (const n of b64.filter((x) => x.wide)) {
    const g = b64Groups.find((x) => n.needle.includes(x.anchor));
    if (g) g.members.push({ needle: n.needle, at: n.needle.indexOf(g.anchor), data: n });
    else wideLeft.push({ needle: n.needle, data: n });
  }
  b64Groups.push(...shareAnchors(wideLeft));
  const b64Reach = b64Groups.map((g) => Math.max(...g.members.map((m) => m.at + m.data.offset)));
  // The bytes that may lie next to each group's anchor (as splitNext allows, for any of
  // its needles): in random binary data an anchor byte comes every 256 bytes, and these
  // two looks turn away nearly all of them before any needle is compared.
  const b64Beside = b64Groups.map((g) => {
    const before = new Uint8Array(256);
    const after = new Uint8Array(256);
    for (const m of g.members) {
      if (m.at === 0) before.fill(1);
      else before[m.needle[m.at - 1]!] = 1;
      if (m.at === m.needle.length - 1) after.fill(1);
      else after[m.needle[m.at + 1]!] = 1;
    }
    before[0x0a] = before[0x20] = before[0x09] = before[0x6e] = 1; // (a wrapped line's indent, an escaped \n)
    after[0x0a] = after[0x0d] = after[0x5c] = 1;
    return { before, after };
  });

  /** Tries the rules of `needle` on `text` (a decoded window that starts at the keyword). */
  /**
   * `ends`: where the strings that the bytes before the candidate declare end
   * (declaredAt, asked only when needed), in a binary format that writes a length
   * before each string (pickle, Python's marshal in .pyc files, msgpack). There the next
   * opcode follows with no separator: a secret that ends where its string does ends there,
   * whatever byte comes next.
   */
  function tryRules(needle: Needle, { text, refused }: Window, ends?: (secretLength: number) => readonly number[]): { rule: Rule; secret: string; jwt?: JwtInfo } | undefined {
    for (const c of needle.rules) {
      if (!text.startsWith(c.keyword)) continue;
      // (The short window where a long one was refused: a long rule would match a piece.)
      if (refused && c.rule.maxLength > SHORT) continue;
      // A JWT body (the jwt filter) is three dot-separated parts whose first decodes to a
      // JSON object: without two dots in the window, or with a first part that can't end
      // in `}`, it can't be one, and the pattern need not run over 4 KB to find that out
      // (runs of `-hf_oauth_eyJ`, with or without a dot now and then, cost seconds per MB).
      if (c.rule.filters.jwt && text.startsWith('eyJ', c.keyword.length) && !mayBeJwt(text, c.keyword.length)) continue;
      let secret = c.match(text);
      // A string whose length is written before it (pickle, marshal, msgpack) ends where
      // that length says: an open-ended pattern (a JWT's) would run on into the next
      // opcode byte (`q` after a pickle string), and a wrong secret is worse than none:
      // the Hub calls it invalid. The string as declared, if it is a token, is the one.
      // (The first length, surest first, at which the string is a whole token.)
      if (secret !== undefined && ends) {
        for (const cut of ends(secret.length)) {
          if (cut <= c.keyword.length || cut >= secret.length) continue;
          const inner = c.match(text.slice(0, cut));
          if (inner !== undefined && inner.length === cut) {
            secret = inner;
            break;
          }
        }
      }
      // A match longer than the rule's longest token is not one (the window is at least 64).
      if (secret === undefined || secret.length > c.rule.maxLength) continue;
      const after = text.charCodeAt(secret.length);
      if (isWordByte(Number.isNaN(after) ? undefined : after) && !ends?.(secret.length).includes(secret.length) && !zipSignatureAt(text, secret.length)) continue; // part of a longer word
      const verdict = judge(c, secret);
      if (verdict === false) continue;
      return { rule: c.rule, secret, ...(verdict === true ? {} : { jwt: verdict }) };
    }
    return undefined;
  }

  /** Applies a rule's filters: false rejects, true accepts, JwtInfo accepts with claims. */
  function judge(c: CompiledRule, secret: string): boolean | JwtInfo {
    const body = secret.slice(c.keyword.length);
    const f = c.rule.filters;
    if (f.jwt && body.startsWith('eyJ')) {
      const info = decodeJwt(body, now);
      if (!info) return false;
      // A signature written by hand (`xxxx…`, `SIGNATURE_GOES_HERE`) is documentation's.
      if (f.placeholder && signaturePlaceholder(body.slice(body.lastIndexOf('.') + 1))) return false;
      return info;
    }
    if (f.placeholder && placeholderReason(body)) return false;
    if (f.mixedCase && !isMixedCase(body)) return false;
    if (f.minEntropy !== undefined && entropy(body) < f.minEntropy) return false;
    return true;
  }

  function scanAscii(buf: Buffer, from: number, to: number, hits: Hit[], chain: Decoding[], cells?: Cells): void {
    const get = (i: number) => (i >= 0 ? buf[i] : undefined);
    const ix = top?.buf === buf ? top : undefined;
    for (let n = 0; n < ascii.length; n++) {
      const needle = ascii[n]!;
      // Searched only as far as a needle starting before `to` reaches (the bytes past it
      // are context: a decoded base64 window holds 4 KB after a keyword at its start).
      const end = to + needle.bytes.length;
      const hay = end < buf.length ? buf.subarray(0, end) : buf;
      const slot = asciiSlots[n]!;
      for (let at = seek(needle.search, slot, ix, hay, from); at !== -1 && at < to; at = seek(needle.search, slot, ix, hay, at + 1)) {
        if (!needle.rules.some((c) => couldMatch(c, buf, at))) continue;
        let edge = leftBoundary(get, at);
        // In a numpy array's cells, where the text finds none or one that runs past its
        // cell (a JWT's last part into the next string), the cell on its own.
        const cell = cells?.at(at);
        // (One reading of the lengths before the candidate, for both tries; none where neither reads them.)
        const ends = edge === 'ok' || cell?.first ? declaredAt(buf, at) : undefined;
        let found = edge === 'glued' ? undefined : tryRules(needle, textWindow((n) => buf.toString('latin1', at, Math.min(buf.length, at + n))), edge === 'ok' ? ends : undefined);
        if (cell && (!found || at + found.secret.length > cell.end) && (cell.first || edge !== 'glued')) {
          const alone = tryRules(needle, textWindow((n) => buf.toString('latin1', at, Math.min(cell.end, at + n))), cell.first || edge === 'ok' ? ends : undefined);
          if (alone) {
            found = alone;
            if (cell.first) edge = 'ok';
          }
        }
        if (!found) continue;
        // A value that goes on unseen (a SQLite value on overflow pages): a token that reaches
        // its cut may go on too, whatever byte comes next here.
        if (cell?.more && at + found.secret.length >= cell.end) continue;
        const decoding: Decoding[] = edge === 'percent' ? [...chain, 'percent'] : chain;
        hits.push({ ruleId: found.rule.id, secret: found.secret, start: at, ...(decoding.length ? { decoding } : {}), ...(found.jwt ? { jwt: found.jwt } : {}) });
      }
    }
  }

  /**
   * Text in UTF-16 (`width` 2) or UTF-32 (`width` 4), of either byte order. `cut`: buf is a
   * window decoded from the middle of some text, where a code unit may start at any byte.
   */
  function scanWide(buf: Buffer, from: number, to: number, hits: Hit[], width: 2 | 4, little: boolean, cells?: Cells, cut = false): void {
    const needles = width === 2 ? (little ? le : be) : little ? le32 : be32;
    const unitAt = (p: number): number | undefined => {
      if (p < 0 || p + width > buf.length) return undefined;
      if (width === 2) return little ? buf[p]! | (buf[p + 1]! << 8) : (buf[p]! << 8) | buf[p + 1]!;
      return little ? buf.readUInt32LE(p) : buf.readUInt32BE(p);
    };
    const decoding: Decoding = width === 2 ? (little ? 'utf16le' : 'utf16be') : little ? 'utf32le' : 'utf32be';
    // UTF-32 has no native decoder: text is decoded here, one code unit a character (one
    // beyond U+FFFF reads as U+FFFD: no token holds one), to UTF-16, in regions shared by
    // the candidates in them.
    const utf32 = regionDecoder(buf, 4, 2, (at, end) => {
      const out = Buffer.allocUnsafe((end - at) >> 1);
      for (let p = at, o = 0; p < end; p += 4, o += 2) {
        const u = unitAt(p)!;
        out.writeUInt16LE(u > 0xffff || (u >= 0xd800 && u <= 0xdfff) ? 0xfffd : u, o);
      }
      return out;
    });
    for (const needle of needles) {
      // Searched only as far as a needle starting before `to` reaches (as in scanAscii: a
      // decoded base64 window holds kilobytes after the keyword at its start).
      const end = to + needle.bytes.length;
      const hay = end < buf.length ? buf.subarray(0, end) : buf;
      for (let at = needle.search.next(hay, from); at !== -1 && at < to; at = needle.search.next(hay, at + 1)) {
        // The code unit before the token, as a number (undefined at the start). Bytes
        // before the token too few for a unit: this reading is off by a byte or three
        // from text that starts the buffer (the other byte order's, glued or not).
        if (!cut && at > 0 && at < width) continue;
        const unit = (i: number): number | undefined => unitAt(at + width * (i - at));
        const alone = leftBoundary(unit, at) === 'ok';
        const cell = cells?.at(at);
        if (!alone && !cell?.first) continue;
        const read = (limit: number) => tryRules(needle, textWindow((units) => {
          let end = Math.min(limit, at + width * units);
          end -= (end - at) % width;
          if (width === 2) {
            const slice = buf.subarray(at, end);
            return little ? slice.toString('utf16le') : Buffer.from(slice).swap16().toString('utf16le');
          }
          return utf32(at, end).toString('utf16le');
        }));
        // As the bytes are, else (a token that fills its cell) as the cell alone; the cell's
        // reading also where the other runs past the cell's end.
        let found = alone ? read(buf.length) : undefined;
        if (cell && (!found || at + width * found.secret.length > cell.end)) found = read(cell.end) ?? found;
        if (!found) continue;
        hits.push({ ruleId: found.rule.id, secret: found.secret, start: at, decoding: [decoding], ...(found.jwt ? { jwt: found.jwt } : {}) });
      }
    }
  }

  const PCT5 = Buffer.from('%5', 'latin1');
  function scanPercent(buf: Buffer, from: number, to: number, hits: Hit[], cache: EscapeCache): void {
    // Every percent needle holds "%5F"/"%5f": one pass finds them all, then each
    // needle is compared where it would start.
    const starts = new Map<number, Needle>();
    for (let p = buf.indexOf(PCT5, Math.max(0, from)); p !== -1 && p < to + 64; p = buf.indexOf(PCT5, p + 1)) {
      let keyword = false;
      for (const needle of pct) {
        const first = needle.bytes.indexOf(PCT5);
        const at = p - first;
        if (!occursAt(buf, at, needle.bytes)) continue;
        keyword = true;
        if (at >= from && at < to && !starts.has(at)) starts.set(at, needle);
        cache.tried.add(at); // (the escape pass need not try it again)
      }
      // `%5F` with no keyword's letters before it as they are: perhaps they are
      // percent-encoded too (`%68%66%5F…`).
      if (!keyword && (buf[p + 2]! | 0x20) === 0x66) escapedHit(buf, p, from, to, hits, 'percent', cache);
    }
    for (const [at, needle] of starts) {
      {
        const get = (i: number) => (i >= 0 ? buf[i] : undefined);
        if (leftBoundary(get, at) === 'glued') continue;
        // The keyword and the start of the body first: a run of encoded keywords
        // (`hf%5Fhf%5F…`) is turned away before a window is decoded for each.
        const head = unescapeBytes(buf, at, Math.min(buf.length, at + 3 * 16), 16);
        if (!needle.rules.some((c) => couldStartIn(c, head, 0))) continue;
        // A long window comes from text decoded once for the candidates around it.
        const window = textWindow((chars) => {
          const d = chars > SHORT + 1 ? decodedAround(buf, at, chars, cache) : undefined;
          return d ? d.u.text.slice(d.at, d.at + chars) : unescapeText(buf, at, Math.min(buf.length, at + 3 * chars), chars);
        });
        const found = tryRules(needle, window);
        if (!found) continue;
        hits.push({ ruleId: found.rule.id, secret: found.secret, start: at, decoding: ['percent'], ...(found.jwt ? { jwt: found.jwt } : {}) });
      }
    }
  }

  /**
   * Hex text (`bytes.hex()`, `binascii.hexlify`, a `\x`-prefixed bytea, `xxd -p`): where a
   * keyword's hex starts, the pairs from a few bytes before it on are decoded and searched
   * like text. Decoding from the keyword itself needs no look for where the run starts: a
   * keyword read a digit out of step decodes to bytes no token is made of. A run wrapped
   * over lines is joined where a candidate's window meets a break.
   */
  function scanHex(buf: Buffer, from: number, to: number, hits: Hit[]): void {
    // Hex decoded once for the candidates in it (Node's decoder stops where the run does;
    // a pair's two parities are two alignments).
    const decoded = regionDecoder(buf, 2, 1, (a, b) => Buffer.from(buf.toString('latin1', a, b), 'hex'));
    const joined = wrappedHexDecoder(buf);
    /** Where the line break is that stops a run of hex at `stop` (a digit may be left over before it), if it may wrap the run; else -1. */
    const wrapBreakAt = (stop: number): number => (hexWrap(buf, stop) > 0 ? stop : isHex(buf[stop]) && hexWrap(buf, stop + 1) > 0 ? stop + 1 : -1);
    /** The tokens of decoded hex `text` whose keyword is at text[k], placed at `p`. */
    const read = (p: number, text: Buffer, k: number): Hit[] => {
      const inner: Hit[] = [];
      scanAscii(text, k, k + 1, inner, ['hex']);
      return inner.map((hit) => ({ ...hit, start: p }));
    };
    /**
     * The decoded window of a keyword at text[k], `decode(n)` giving the text to n bytes
     * after it: SHORT + 1, or the long window where a long rule's token may start there;
     * undefined where no rule's token can (a run of encoded keywords is turned away before
     * its window is searched).
     */
    const windowAt = (h: (typeof hexNeedles)[number], k: number, decode: (bytes: number) => Buffer): { text: Buffer; want: number } | undefined => {
      const short = decode(SHORT + 1);
      if (!h.needle.rules.some((c) => couldStartIn(c, short, k))) return undefined;
      // (The long window's matching is charged to the budget where the decoded text is read.)
      return windowFor(short.toString('latin1'), k) === 'long' ? { text: decode(maxTokenBytes + 1), want: k + maxTokenBytes + 1 } : { text: short, want: k + SHORT + 1 };
    };
    /** A keyword's hex at `p` in a run wrapped over lines: joined, then read as plain hex. */
    const wrapped = (h: (typeof hexNeedles)[number], p: number): Hit[] => {
      // Up to 20 bytes before the keyword, for what it may be glued to.
      let p0 = p;
      let n = 0;
      for (let b = hexDigitBefore(buf, p0); b !== -1 && n < 40; b = hexDigitBefore(buf, p0), n++) p0 = b;
      // (An odd count starts a digit on: the pairs are the keyword's.)
      if (n % 2) p0 = hexDigitAfter(buf, p0);
      const k = n >> 1;
      const w = windowAt(h, k, (bytes) => joined(p0, k + bytes));
      return w ? read(p, w.text, k) : [];
    };
    const ix = top?.buf === buf ? top : undefined;
    for (let hi = 0; hi < hexNeedles.length; hi++) {
      const h = hexNeedles[hi]!;
      for (let ai = 0; ai < h.anchors.length; ai++) {
        const anchor = h.anchors[ai]!;
        const slot = hexSlots[hi]![ai]!;
        // What follows the anchor is the keyword's next digit (either case) or a line
        // break: a look at one byte turns away nearly every other pair of digits.
        const len = anchor.needle.length;
        const next = h.hex[h.at + len] ?? -1;
        const nextUpper = next >= 0x61 ? next - 0x20 : next;
        // (The anchor lies `at` digits after the keyword's first, and perhaps a line break.)
        for (let q = seek(anchor, slot, ix, buf, from + h.at); q !== -1 && q - h.at - 2 < to; q = seek(anchor, slot, ix, buf, q + 1)) {
          if (next !== -1) {
            const c = buf[q + len];
            if (c !== next && c !== nextUpper && c !== 0x0a && c !== 0x0d) continue;
          }
          let p = q;
          for (let i = 0; i < h.at && p !== -1; i++) p = hexDigitBefore(buf, p);
          if (p < from || p >= to) continue;
          if (!hexAt(buf, p, h.hex)) {
            // A line break inside the keyword: only the joined reading has one.
            if (hexAtWrapped(buf, p, h.hex)) hits.push(...wrapped(h, p));
            continue;
          }
          // Up to 20 bytes before the keyword, for what it may be glued to (a colour code, `\x1b[38;2;255;99;0m`).
          let p0 = p;
          while (p0 > 0 && p - p0 < 40 && isHex(buf[p0 - 1]) && isHex(buf[p0 - 2])) p0 -= 2;
          const k = (p - p0) >> 1;
          const w = windowAt(h, k, (bytes) => decoded(p0, p0 + 2 * (k + bytes)));
          if (!w) continue;
          const { text } = w;
          // A line break between hex digits may end a value (hex strings one a line) or
          // wrap one (xxd -p): one before the keyword, or one where the window stopped short.
          // Lines of a width hex dumps write (32, 60, 64, 76 digits) are wrapped: the joined
          // reading is the one. Other lines are values: the line's own reading stands, and
          // the joined one is asked only when it finds nothing.
          const before = p - p0 < 40 ? hexWrapBefore(buf, isHex(buf[p0 - 1]) ? p0 - 1 : p0) : -1;
          const after = text.length < w.want ? wrapBreakAt(p0 + 2 * text.length) : -1;
          if ((after !== -1 && dumpWidth(buf, after)) || (before !== -1 && dumpWidth(buf, before))) {
            hits.push(...wrapped(h, p));
            continue;
          }
          const plain = read(p, text, k);
          hits.push(...(!plain.length && (before !== -1 || after !== -1) ? wrapped(h, p) : plain));
        }
      }
    }
  }

  /**
   * Backslash escapes (`\u005f`, `\U0000005f`, `\u{5f}`, `\x5f`): one pass over the
   * backslashes, and where one escapes an underscore, the text around it is decoded.
   */
  function scanEscapes(buf: Buffer, from: number, to: number, hits: Hit[], cache: EscapeCache): void {
    const stop = Math.min(buf.length, to + escapeReach);
    for (let p = buf.indexOf(BACKSLASH, Math.max(0, from)); p !== -1 && p < stop; p = buf.indexOf(BACKSLASH, p + 1)) {
      const k = buf[p + 1];
      if ((k !== 0x75 && k !== 0x55 && k !== 0x78) || !isEscapedUnderscore(buf, p)) continue;
      escapedHit(buf, p, from, to, hits, 'escape', cache);
    }
  }

  /**
   * The decoded text around `p`, from far enough before it for any keyword, to `chars`
   * characters after it at least. Decoded once for many anchors: a region is reused while
   * it covers them, and a new one reaches twice as far, so a buffer of nothing but
   * escaped underscores is decoded about twice, not once per anchor.
   */
  function decodedAround(buf: Buffer, p: number, chars: number, cache: EscapeCache): { u: Unescaped; at: number } | undefined {
    const from = Math.max(0, p - escapeReach - 2 * ESCAPE_MAX);
    const need = Math.min(buf.length, p + ESCAPE_MAX * (chars + 1));
    if (!cache.u || from < cache.from || need > cache.to) {
      const to = Math.min(buf.length, Math.max(need, from + 2 * (need - from), cache.to + (need - from)));
      cache.u = unescape(buf, from, to);
      cache.from = from;
      cache.to = to;
    }
    const offs = cache.u.offsets;
    let lo = 0;
    let hi = offs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (offs[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    return offs[lo] === p ? { u: cache.u, at: lo } : undefined;
  }

  /**
   * The token, if any, whose keyword holds the escaped underscore at `p`: the text around
   * it is decoded (every escape, whatever its kind) and each keyword tried where one of
   * its underscores would sit at `p`.
   */
  function escapedHit(buf: Buffer, p: number, from: number, to: number, hits: Hit[], label: Decoding, cache: EscapeCache): void {
    // Only an underscore after a keyword's letter (`f` of hf_, `i` and `g` of api_org_, ...)
    // is worth decoding around: a run of escaped underscores costs a check each.
    if (!beforeUnderscore.has(charBefore(buf, p))) return;
    let d = decodedAround(buf, p, SHORT + 1, cache);
    if (!d) return;
    const done = cache.tried;
    for (const needle of ascii) {
      // Each underscore of each keyword this needle leads to may be the escaped one.
      for (const { keyword } of needle.rules) for (let k = keyword.indexOf('_'); k !== -1; k = keyword.indexOf('_', k + 1)) {
        let s = d.at - k;
        if (s < 0 || !d.u.text.startsWith(keyword, s)) continue;
        const start = d.u.offsets[s]!;
        if (start < from || start >= to || done.has(start)) continue;
        done.add(start);
        // The window textWindow would take: SHORT + 1 characters, or the long one.
        const kind = windowFor(d.u.text, s);
        if (kind === 'long' && d.u.text.length - s < maxTokenBytes + 1) {
          d = decodedAround(buf, p, maxTokenBytes + 1, cache);
          if (!d) return;
          s = d.at - k;
        }
        const { u } = d;
        const get = (i: number) => (i >= 0 ? u.text.charCodeAt(i) : undefined);
        if (leftBoundary(get, s) === 'glued') continue;
        const text = u.text.slice(s, s + (kind === 'long' ? maxTokenBytes : SHORT) + 1);
        if (kind === 'long') longBudget -= text.length;
        const found = tryRules(needle, { text, refused: kind === 'refused' });
        if (!found) continue;
        // A token that runs to the end of text decoded short of the buffer's end may go on.
        if (u.offsets[u.offsets.length - 1]! < buf.length && s + found.secret.length >= u.text.length) continue;
        hits.push({ ruleId: found.rule.id, secret: found.secret, start, decoding: [label], ...(found.jwt ? { jwt: found.jwt } : {}) });
        return;
      }
    }
  }

  function scanBase64(buf: Buffer, from: number, to: number, hits: Hit[], chain: Decoding[], depth: number): void {
    const run: Base64Run = { from: 0, to: 0 };
    // A finding starts at its needle's group, up to `offset` bytes before the needle: a
    // needle just past `to` can still start a finding this window must report (the next
    // one treats everything before its `from` as done).
    for (let g = 0; g < b64Groups.length; g++) {
      const { anchor, members } = b64Groups[g]!;
      const { before, after } = b64Beside[g]!;
      const stop = to + b64Reach[g]! + 2 + WRAP_MAX_INDENT; // (a line break, and its indent, may lie between group and needle)
      for (let a = buf.indexOf(anchor, from); a !== -1 && a < stop; a = buf.indexOf(anchor, a + 1)) {
        if ((a > 0 && before[buf[a - 1]!] === 0) || (a + 1 < buf.length && after[buf[a + 1]!] === 0)) continue;
        for (const m of members) {
          let at = a - m.at;
          let inside = 0;
          if (!occursAt(buf, at, m.needle)) {
            // Wrapped base64 may split the needle itself: then each byte next to the anchor
            // is the needle's, or the line break (which turns away nearly every other hit).
            const s = splitNext(buf, a, m.needle, m.at) ? straddled(buf, a, m.needle, m.at) : undefined;
            if (!s) continue;
            at = s.start;
            inside = s.width;
          }
          const group = groupStart(buf, at, m.data.offset);
          if (at < from || group >= to) continue;
          if (m.data.rules && !(m.data.wide ? widePlausible : base64Plausible)(buf, group, m.data.rules)) continue;
          base64Hit(buf, m.data, at, inside, from, to, hits, chain, depth, run);
        }
      }
    }
  }

  /**
   * Decodes the base64 around a needle at `at` (`inside`: the width of a line break
   * within the needle) and scans it: a window of SHORT bytes, or the long one when a
   * long rule's keyword shows in it (always, when base64 may nest further).
   */
  function base64Hit(buf: Buffer, needle: B64, at: number, inside: number, from: number, to: number, hits: Hit[], chain: Decoding[], depth: number, run: Base64Run): void {
    const nested = !needle.wide && depth + 1 < maxDepth;
    let w = base64Window(buf, needle, at, inside, nested ? needle.span : needle.shortSpan, run);
    if (w && !nested && holdsLong(needle.wide ? wideText(w.decoded) : w.decoded.toString('latin1'))) w = base64Window(buf, needle, at, inside, needle.span, run);
    if (!w) return;
    const { a, group, decoded, firstBreak, cut } = w;
    const inner: Hit[] = [];
    // The keyword starts in its needle's group: a token elsewhere in the window has a
    // needle of its own. (Searching the whole window cost each of a run of encoded
    // keywords a few dozen searches.)
    const keywordEnd = Math.min(decoded.length, ((group - a) / 4) * 3 + 3);
    if (needle.wide) {
      // (The window starts at a base64 group, which may cut a code unit.)
      scanWide(decoded, 0, keywordEnd, inner, 2, true, undefined, true);
      for (const h of inner) h.decoding = [...chain, 'base64', ...(h.decoding ?? [])];
    } else scanAscii(decoded, 0, nested ? decoded.length : keywordEnd, inner, [...chain, 'base64']);
    if (nested) scanBase64(decoded, 0, decoded.length, inner, [...chain, 'base64'], depth + 1);
    const width = needle.wide ? 2 : 1;
    for (const h of inner) {
      // A token that reaches the end of a window the span cut short may go on past it:
      // what follows is unknown here (its own needle sees it whole).
      if (cut && h.start + width * h.secret.length >= decoded.length) continue;
      // Map the decoded offset back to where its encoding sits. A hit that starts past
      // a left-out line break is another token of the run: its own needle, on its own
      // line, reports it at the right place.
      const encoded = Math.floor(h.start / 3) * 4;
      if (encoded >= firstBreak) continue;
      const start = a + encoded;
      if (start >= from && start < to) hits.push({ ...h, start });
    }
  }

  /** Decoded UTF-16LE bytes as text, in both alignments (where the text's units start is not known here). */
  function wideText(decoded: Buffer): string {
    return `${decoded.toString('utf16le')}\n${decoded.subarray(1).toString('utf16le')}`;
  }

  /**
   * The base64 around a needle at `at`, decoded: the group boundary the needle implies,
   * and whole groups from there over `span` characters, clipped to the run of base64
   * characters. Undefined for a run too short to be base64.
   */
  function base64Window(buf: Buffer, needle: B64, at: number, inside: number, span: number, run: Base64Run): { a: number; group: number; decoded: Buffer; firstBreak: number; cut: boolean } | undefined {
    const group = groupStart(buf, at, needle.offset);
    if (group < 0) return undefined;
    let a = group;
    const floor = Math.max(0, group - needle.before);
    // (Not back over the `n` of an escaped line break: that run is the line before.)
    while (a > floor && isBase64Byte(buf[a - 1]!) && !escapedBreakAt(buf, a - 1)) a--;
    a = group - Math.floor((group - a) / 4) * 4; // the first whole group at or after a
    let b = at + needle.needle.length + inside;
    let ceil = Math.min(buf.length, group + span + inside);
    // Wrapped base64 (GNU base64 breaks lines at 76 columns, PEM at 64): a full line
    // that ends in a line break and goes on in base64 is one run, breaks left out.
    let joined = '';
    let piece = a;
    // Where, in the joined text, the first break was left out. A break between the group
    // boundary and the needle's end stays in the text (base64 decoding skips it).
    let firstBreak = Infinity;
    for (let p = group; p < at + needle.needle.length + inside; p++) {
      if (buf[p] === 0x0d || breakWidth(buf, p)) {
        firstBreak = p - a;
        break;
      }
    }
    for (;;) {
      const seen = b;
      const known = run.segments?.get(seen);
      let wrap: number;
      if (known && known.end < ceil) {
        b = known.end;
        wrap = known.wrap;
      } else {
        // Bytes already seen to be base64 (a run of candidates shares one run) are not
        // looked at again.
        if (b >= run.from && b < run.to) b = Math.min(run.to, ceil);
        while (b < ceil && isBase64Byte(buf[b]!)) b++;
        if (b > run.to || seen < run.from) {
          run.from = seen;
          run.to = b;
        }
        wrap = b < ceil ? wrappedBreak(buf, b) : 0;
        // (Only a segment whose end was seen: one cut at `ceil` may go on.)
        if (b < ceil) (run.segments ??= new Map()).set(seen, { end: b, wrap });
      }
      if (!wrap) break;
      joined += buf.toString('latin1', piece, b);
      if (firstBreak === Infinity) firstBreak = joined.length;
      piece = b = b + wrap;
      ceil = Math.min(buf.length, ceil + wrap);
    }
    let runStart = a;
    while (runStart > 0 && runStart > a - BASE64_MIN_RUN && isBase64Byte(buf[runStart - 1]!)) runStart--;
    if (joined.length + (b - piece) + (a - runStart) < BASE64_MIN_RUN) return undefined;
    let text = joined + buf.toString('latin1', piece, b);
    // Escaped breaks left in the text (between the group and the needle) are letters to
    // a base64 decoder, unlike a real line break: out with them.
    if (text.includes('\\')) text = text.replace(ESCAPED_BREAKS, '');
    return { a, group, decoded: Buffer.from(text, 'base64'), firstBreak, cut: b >= ceil && b < buf.length };
  }

  function scan(buf: Buffer, from = 0, to = buf.length, cells?: Cells): Hit[] {
    longBudget = LONG_BUDGET_PER_BYTE * (to - from) + LONG_BUDGET_WINDOWS * maxTokenBytes;
    // (One index at a time: the pair searcher reuses its memory.)
    // (A pass over the whole buffer, for a window of it that is large too.)
    const own = top === undefined && usePairs && to - from >= PAIR_INDEX_MIN && buf.length <= PAIR_INDEX_MAX;
    if (own) {
      if (indexer === null) indexer = pairSearcher(pairs);
      top = indexer?.(buf);
    }
    try {
      return scanAll(buf, from, to, cells);
    } finally {
      if (own) {
        top?.release();
        top = undefined;
      }
    }
  }

  function scanAll(buf: Buffer, from: number, to: number, cells?: Cells): Hit[] {
    const hits: Hit[] = [];
    scanAscii(buf, from, to, hits, [], cells?.unit === 1 ? cells : undefined);
    // UTF-16 text of ASCII tokens always has NUL bytes; most files have none.
    const nul = buf.indexOf(0, Math.max(0, from - 1));
    // Both byte orders match UTF-16 text one byte apart, and dedupe keeps one reading.
    // The pair may straddle `from` or `to`: search a byte wider so that both windows
    // see the whole pair and agree which one is reported, then keep [from, to).
    if (nul !== -1 && nul < to + 2 * maxTokenBytes) {
      const a = Math.max(0, from - 1);
      scanWide(buf, a, to + 1, hits, 2, true);
      scanWide(buf, a, to + 1, hits, 2, false);
      // UTF-32 (numpy's `<U` string arrays, Python's own wide strings): three NULs a
      // character. The two byte orders read the same text three bytes apart.
      const nul3 = buf.indexOf(NUL3, Math.max(0, from - 3));
      if (nul3 !== -1 && nul3 < to + 4 * maxTokenBytes) {
        const b = Math.max(0, from - 3);
        const wide = cells?.unit === 4 ? cells : undefined;
        scanWide(buf, b, to + 3, hits, 4, true, wide);
        scanWide(buf, b, to + 3, hits, 4, false, wide);
      }
    }
    if (decode) {
      // Both decode escapes of every kind around an escaped underscore: one cache.
      const cache: EscapeCache = { from: 0, to: 0, tried: new Set() };
      scanPercent(buf, from, to, hits, cache);
      scanHex(buf, from, to, hits);
      scanEscapes(buf, from, to, hits, cache);
      if (maxDepth > 0) scanBase64(buf, from, to, hits, [], 0);
    }
    return dedupe(hits).filter((h) => h.start >= from && h.start < to);
  }

  return { rules, decodes: decode, maxTokenBytes, scan };
}

/**
 * How wide the hit's code units are and their byte order, when the bytes it was found in
 * are UTF-16 or UTF-32 text (its first decoding; UTF-16 inside base64 sits in plain text).
 */
export function wideForm(h: Hit): { width: 2 | 4; le: boolean } | undefined {
  switch (h.decoding?.[0]) {
    case 'utf16le':
      return { width: 2, le: true };
    case 'utf16be':
      return { width: 2, le: false };
    case 'utf32le':
      return { width: 4, le: true };
    case 'utf32be':
      return { width: 4, le: false };
    default:
      return undefined;
  }
}

/**
 * Whether two readings of wide text one or three bytes apart found the same token: the
 * same secret, or one a character short, where the data ended before the last character
 * of the reading that starts later was whole (a JWT at the end of a UTF-16BE file).
 */
function sameReading(a: string, b: string): boolean {
  return a === b || (a.length === b.length + 1 && a.startsWith(b)) || (b.length === a.length + 1 && b.startsWith(a));
}

/**
 * The same secret at the same offset once (a percent needle and a raw hit can meet).
 * UTF-16 text matches both byte orders one byte apart; the reading whose code units
 * sit at even offsets is the real one.
 */
function dedupe(hits: Hit[]): Hit[] {
  if (hits.length < 2) return hits;
  const seen = new Set<string>();
  const out: Hit[] = [];
  hits.sort((x, y) => x.start - y.start);
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    const k = `${h.start}\0${h.secret}`;
    if (seen.has(k)) continue;
    if (h.decoding?.at(-1) === 'utf32be') {
      // UTF-32 reads the same text in both byte orders, the little-endian reading three
      // bytes on. Which one the file holds, its bytes can't tell (only where it starts):
      // the little-endian one, numpy's on every common machine, is kept, whatever the
      // window (so windows never disagree). Both give the same column.
      // (Where the data ends a character short of the later reading, the whole one is kept.)
      let le: Hit | undefined;
      for (let j = i + 1; j < hits.length && hits[j]!.start <= h.start + 3 && !le; j++) {
        const x = hits[j]!;
        if (x.start === h.start + 3 && sameReading(x.secret, h.secret) && x.decoding?.at(-1) === 'utf32le') le = x;
      }
      if (le && le.secret.length >= h.secret.length) {
        seen.add(k);
        continue;
      }
      if (le) seen.add(`${le.start}\0${le.secret}`);
    }
    const twin = hits[i + 1];
    if (twin && twin.start === h.start + 1 && sameReading(twin.secret, h.secret) && wideForm(h)?.width === 2 && wideForm(twin)?.width === 2) {
      const keep = twin.secret.length !== h.secret.length ? (twin.secret.length > h.secret.length ? twin : h) : h.start % 2 === 0 ? h : twin;
      seen.add(`${twin.start}\0${twin.secret}`);
      seen.add(k);
      out.push(keep);
      i++;
      continue;
    }
    seen.add(k);
    out.push(h);
  }
  return out;
}
