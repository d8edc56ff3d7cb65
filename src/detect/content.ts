// Content streams: bytes pushed in pieces of any size, from a file, stdin or a git
// blob. The first bytes decide what they are: gzip, zip and tar archives are opened (with
// a bounded depth and a bounded number of decompressed bytes) and each member is
// scanned as its own stream, named `archive!member`; anything else goes straight to
// the detector, text or binary alike.
import { isUtf8 } from 'node:buffer';
import type { Gunzip, UnzipDecoder, UnzipDecoderConstructor, UnzipFile } from 'fflate';
import { fflateLib, lazyBuiltin } from '../core/lazy.ts';
import type { Match } from '../core/types.ts';
import { type Cells, type Detector, fixedCells } from './detector.ts';
import { isStandardBase64 } from './detector.ts';
import { ChunkScanner, positionAfter, STREAM_START, type StreamStart, textForm } from './scanner.ts';
import { sqliteValues } from './sqlite.ts';
import { isTar, tarReader } from './tar.ts';

const zlib = lazyBuiltin<typeof import('node:zlib')>('node:zlib');

export type ContentNote = 'binary' | 'invalid-utf8' | 'long-line';

export interface ContentSink {
  match(path: string, m: Match): void;
  warn(message: string): void;
  skip(path: string, reason: string): void;
  /** Counts what kind of content a path held (binary, invalid UTF-8, a huge line). */
  note?(path: string, kind: ContentNote): void;
  /**
   * Counts bytes as the decompressors produce them, before the budget cuts them: what a
   * bomb costs in memory and time (for tests and debugging).
   */
  inflated?(bytes: number): void;
}

export interface ContentOptions {
  /** How many archives deep to open (0: never open archives). */
  archiveDepth: number;
  /** Decompressed bytes allowed per top-level stream, all members together. */
  archiveBytes: number;
}

export const DEFAULT_CONTENT_OPTIONS: ContentOptions = { archiveDepth: 3, archiveBytes: 256 << 20 };

/** An archive depth the flag and the config file accept: a whole number from 0 to 10. */
export function isArchiveDepth(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 10;
}

/**
 * A stream of one content's bytes. `push` takes ownership of the bytes it is given:
 * the caller must not reuse that memory afterwards.
 */
export interface ContentStream {
  push(data: Uint8Array): void;
  end(): void;
}

interface Budget {
  left: number;
  /** The archives already listed as cut short. */
  cut: Set<string>;
}

const MB = 1 << 20;
const LONG_LINE = 8 * MB;

/**
 * A gzip header (RFC 1952): magic, deflate, no reserved flag bits, and when the first
 * piece is long enough to tell, a file name or comment that ends within it. fflate waits
 * for ever (and ever more slowly) on a header that never ends, then yields nothing:
 * such content is plain bytes, scanned as they are.
 */
function isGzip(b: Uint8Array): boolean {
  return gzipMagic(b) && (gzipHeaderEnd(b) !== -1 || b.length < 64 << 10); // (a short first piece can't tell yet)
}

/** gzip's magic bytes, deflate, and no reserved flag bit. */
function gzipMagic(b: Uint8Array): boolean {
  return b[0] === 0x1f && b[1] === 0x8b && b[2] === 8 && (b[3]! & 0xe0) === 0;
}

/** Where a gzip header ends in `b` (after FEXTRA, FNAME, FCOMMENT and FHCRC), or -1 when it goes on past `b`. */
function gzipHeaderEnd(b: Uint8Array): number {
  const flags = b[3]!;
  let at = 10;
  if (flags & 4) at += 2 + (b[10]! | (b[11]! << 8)); // FEXTRA
  for (const bit of [8, 16]) {
    // FNAME, FCOMMENT: NUL-terminated
    if (!(flags & bit)) continue;
    const nul = b.indexOf(0, at);
    if (nul === -1) return -1;
    at = nul + 1;
  }
  if (flags & 2) at += 2; // FHCRC
  return at <= b.length ? at : -1;
}
function isZip(b: Uint8Array): boolean {
  return b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** Magic bytes of compressed formats and archives hfleaks cannot open. */
const UNOPENED: readonly { name: string; magic: readonly number[]; also?: (b: Uint8Array) => boolean }[] = [
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  // `BZh`, the block size, then a block's or the stream end's own magic.
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68], also: (b) => b[3]! >= 0x31 && b[3]! <= 0x39 && (startsWith(b, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 4) || startsWith(b, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90], 4)) },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: 'LZ4', magic: [0x04, 0x22, 0x4d, 0x18] },
  { name: '7-Zip', magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: 'RAR', magic: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
];

function startsWith(b: Uint8Array, magic: readonly number[], at = 0): boolean {
  return b.length >= at + magic.length && magic.every((m, i) => b[at + i] === m);
}

/** The name of a compressed format hfleaks cannot open that `first` starts, if any. */
function unopenedFormat(first: Uint8Array): string | undefined {
  return UNOPENED.find((f) => startsWith(first, f.magic) && (!f.also || f.also(first)))?.name;
}

function memberName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/^.*!/, '');
  return base.replace(/\.(gz|tgz)$/i, (m) => (m.toLowerCase() === '.tgz' ? '.tar' : '')) || 'content';
}

/** Why `what` (an archive, a base64 gzip) was left closed: --archive-depth stopped it. */
function notOpened(what: string, opts: ContentOptions): string {
  return opts.archiveDepth === 0 ? `${what} not opened (--archive-depth 0)` : `${what} nested deeper than --archive-depth ${opts.archiveDepth}`;
}

/** Opens a content stream for `path`; matches and problems go to `sink`. */
export function openContent(detector: Detector, path: string, sink: ContentSink, opts: ContentOptions = DEFAULT_CONTENT_OPTIONS): ContentStream {
  return open(detector, path, sink, opts, 0, { left: opts.archiveBytes, cut: new Set() });
}

function open(detector: Detector, path: string, sink: ContentSink, opts: ContentOptions, depth: number, budget: Budget): ContentStream {
  let inner: ContentStream | undefined;
  let head: Buffer | undefined;

  const decide = (first: Uint8Array): ContentStream => {
    const kind = isGzip(first) ? 'gzip data' : isZip(first) ? 'zip archive' : isTar(first) ? 'tar archive' : undefined;
    // (Tar levels don't count against the depth, but a tar of a tar of a tar... is bounded all the same.)
    if (kind === 'tar archive' && depth < opts.archiveDepth && path.split('!').length <= MAX_NESTING) return tarStream(detector, path, sink, opts, depth, budget, plain);
    if (kind && kind !== 'tar archive' && depth < opts.archiveDepth) {
      const archive = kind === 'gzip data' ? gzipStream : zipStream;
      // The secrets its members hold: its raw bytes, scanned after damage, don't report
      // them again (a stored member holds them as they are).
      const inMembers = new Set<string>();
      const members: ContentSink = {
        ...sink,
        match: (p, m) => {
          inMembers.add(m.secret);
          sink.match(p, m);
        },
      };
      const raw = (as: 'classify' | 'counted', start: StreamStart) => plain(first, inMembers, as, start);
      return tentative(kind, path, sink, raw, (t) => archive(detector, path, members, opts, depth, budget, t));
    }
    // Still scanned as bytes below, but listed: its members were not looked at.
    if (kind) sink.skip(path, notOpened('archive', opts));
    // Nor are what xz, bzip2, zstd, LZ4, 7-Zip and RAR compress: only their raw bytes
    // (where a token shows through when stored uncompressed).
    const format = kind ? undefined : unopenedFormat(first);
    if (format) {
      const why = `${format} data, which hfleaks cannot decompress; only its raw bytes were scanned`;
      sink.skip(path, why);
      sink.warn(`${path}: ${why}`);
    }
    return plain(first, undefined, format ? 'binary' : 'classify');
  };

  /**
   * The bytes as they are. `as`: 'classify' looks at the first bytes to count (and warn of)
   * binary or invalid UTF-8 content; 'binary' counts compressed data as binary, whatever
   * its first bytes; 'counted' says nothing (an archive's bytes, its members counted already).
   */
  const plain = (first: Uint8Array, reported?: ReadonlySet<string>, as: 'classify' | 'binary' | 'counted' = 'classify', start: StreamStart = STREAM_START): ContentStream => {
    // A SQLite database's values are listed as its pages come, each before the scanner sees it.
    const db = start === STREAM_START ? sqliteValues(first) : undefined;
    const scanner = new ChunkScanner(detector, (m) => reported?.has(m.secret) || sink.match(path, m), undefined, npyCells(first) ?? db?.cells, start);
    if (as === 'binary') sink.note?.(path, 'binary');
    else if (as === 'classify') classify(first, path, sink);
    const embedded = detector.decodes ? embeddedGzip(detector, path, sink, opts, depth, budget) : undefined;
    return {
      push: (d) => {
        const b = Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength);
        embedded?.push(b); // (first: the scanner owns the bytes once given them)
        db?.push(b);
        scanner.push(b);
      },
      end: () => {
        embedded?.end();
        scanner.end();
        if (scanner.longestLine >= LONG_LINE) {
          sink.note?.(path, 'long-line');
          sink.warn(`${path}: a single line of ${Math.round(scanner.longestLine / MB)} MB; scanned in chunks`);
        }
      },
    };
  };

  return {
    push(data) {
      if (inner) return inner.push(data);
      if (!head && data.length >= SNIFF_BYTES) {
        inner = decide(data);
        return inner.push(data);
      }
      // Sniff the first bytes (they may arrive in several pieces): four tell gzip and zip,
      // a tar header takes a block.
      head = head ? Buffer.concat([head, data]) : Buffer.from(data);
      if (head.length < SNIFF_BYTES) return;
      inner = decide(head);
      const h = head;
      head = undefined;
      inner.push(h);
    },
    end() {
      if (!inner) {
        inner = decide(head ?? Buffer.alloc(0));
        if (head?.length) inner.push(head);
      }
      inner.end();
    },
  };
}

/**
 * The cells of a numpy array of strings saved with np.save (an .npy file, or an .npz
 * member): `<U37` is UTF-32 text of 37 characters a cell, `S37` 37 bytes, each string
 * NUL-padded to the width and the next one right after it.
 */
function npyCells(b: Uint8Array): Cells | undefined {
  if (b.length < 12 || b[0] !== 0x93 || Buffer.from(b.buffer, b.byteOffset + 1, 5).toString('latin1') !== 'NUMPY') return undefined;
  const v1 = b[6] === 1;
  const size = v1 ? b[8]! | (b[9]! << 8) : (b[8]! | (b[9]! << 8) | (b[10]! << 16)) + b[11]! * 2 ** 24;
  const start = (v1 ? 10 : 12) + size;
  if (start > b.length) return undefined;
  const header = Buffer.from(b.buffer, b.byteOffset, start).toString('latin1');
  const m = /['"]descr['"]\s*:\s*['"][<>|=]?([US])(\d+)['"]/.exec(header);
  const shape = /['"]shape['"]\s*:\s*\(([\d\s,]*)\)/.exec(header);
  if (!m || !shape || !/['"]fortran_order['"]/.test(header)) return undefined;
  const unit = m[1] === 'U' ? 4 : 1;
  const width = Number(m[2]) * unit;
  // (What follows the array, another np.save to the same file, is read as it is.)
  const count = shape[1]!.split(',').filter((d) => d.trim()).reduce((n, d) => n * Number(d), 1);
  return width > 0 && Number.isSafeInteger(count * width) ? fixedCells(start, start + count * width, width, unit) : undefined;
}

const SNIFF = 64 << 10;
/** Archives inside archives, tar levels included, beyond which a tar is scanned as bytes. */
const MAX_NESTING = 16;
/** Bytes that decide what content is: a tar header is a 512-byte block. */
const SNIFF_BYTES = 512;

/**
 * A tar archive: each regular member is opened as its own content (so it may be an
 * archive in turn), named `archive!member`; every other byte (headers, links, what
 * follows the end, all of it after a damaged header) goes to `plain`, scanned as bytes:
 * nothing is left unread.
 */
function tarStream(detector: Detector, path: string, sink: ContentSink, opts: ContentOptions, depth: number, budget: Budget, plain: (first: Uint8Array) => ContentStream): ContentStream {
  return tarReader({
    // A tar level inflates nothing (each member is bytes of the input): it does not count
    // against --archive-depth, so an OCI image's gzip layers open from a .tar.gz too.
    member: (name) => open(detector, `${path}!${name}`, sink, opts, depth, budget),
    rest: () => plain(new Uint8Array(0)),
    warn: (reason) => sink.warn(`${path}: ${reason}; the rest is scanned as raw bytes`),
  });
}

/**
 * Binary content (NUL bytes, no UTF-16 or UTF-32 BOM) is counted; text that is not valid UTF-8
 * gets a warning. Either way every byte is scanned.
 */
function classify(first: Uint8Array, path: string, sink: ContentSink): void {
  const head = first.subarray(0, SNIFF);
  if (head.length === 0) return;
  const wideText = textForm(head) !== 'utf8';
  if (head.indexOf(0) !== -1) {
    if (!wideText) sink.note?.(path, 'binary');
    return;
  }
  // A multi-byte character may be cut at the end of the sniffed part, or of a first
  // piece that more follow (an archive member's first inflated piece): trim it. (At the
  // true end of a file, a cut character goes unmentioned; the bytes are scanned all the same.)
  let end = head.length;
  while (end > head.length - 4 && end > 0 && (head[end - 1]! & 0xc0) === 0x80) end--;
  if (end > 0 && head[end - 1]! >= 0xc0) end--;
  if (!isUtf8(head.subarray(0, end))) {
    sink.note?.(path, 'invalid-utf8');
    sink.warn(`${path}: not valid UTF-8; scanned as bytes`);
  }
}

/**
 * Hands decompressed bytes to an archive member as far as the budget allows; false once
 * the budget is spent (the part that still fitted went through, the rest is cut).
 */
function charge(budget: Budget, chunk: Uint8Array, member: ContentStream, path: string, sink: ContentSink, opts: ContentOptions): boolean {
  sink.inflated?.(chunk.length);
  const fits = Math.min(chunk.length, budget.left); // nothing once the budget is spent
  budget.left -= fits;
  // Each archive the spent budget cuts says so, the outer ones too (a layer inside a
  // .tar.gz can spend what the rest of the outer archive needed).
  if (fits < chunk.length && !budget.cut.has(path)) {
    budget.cut.add(path);
    sink.skip(path, `archive holds more than ${Math.round(opts.archiveBytes / MB)} MB decompressed; the rest was not scanned`);
  }
  if (fits) member.push(fits === chunk.length ? chunk : chunk.subarray(0, fits));
  return fits === chunk.length;
}

/** Gzip content, and a zip member's deflate data, up to this size is inflated at once by zlib (native, about 3x fflate). */
const AT_ONCE_IN = 8 << 20;
const AT_ONCE_OUT = 16 << 20;
/** What one call may inflate: AT_ONCE_OUT, or what the budget has left (at least a byte: zlib's least). */
const atOnceOut = (budget: Budget) => Math.max(1, Math.min(AT_ONCE_OUT, budget.left));
/**
 * Decompressors are fed this much input at a time: deflate expands at most about
 * 1032:1, so one piece yields at most ~17 MB, and a bomb stops within one piece of the
 * budget instead of inflating whole before the budget sees it.
 */
const PIECE = 16 << 10;
/** Raw bytes held back until an archive proves to be one (as much as the one-call path holds). */
const HOLD = AT_ONCE_IN;
const EMPTY = Buffer.alloc(0);

/**
 * What an archive tells the stream that opened it: `proved` once it yielded a member or
 * output (it really is an archive), `failed` when it cannot be decompressed.
 */
interface Trial {
  proved(): void;
  failed(message: string): void;
  /** Says the archive's data is damaged though it was read (a gzip's CRC-32 or length check); else a warning does. */
  damaged?(message: string): void;
}

/** Raw bytes kept once an archive has proved itself, for what may follow its damage. */
const TAIL = 256 << 10;

/**
 * Content that starts like an archive. Its first bytes (up to HOLD) are held until the
 * archive proves itself; if it fails before that (a binary that merely starts with the
 * magic bytes, a truncated header), the held bytes and the rest are scanned as a plain
 * binary stream, so a token in it is still found. Once it has proved itself, its last
 * TAIL bytes are kept: an archive damaged later (text appended to a .gz) has them and the
 * rest scanned as raw bytes, lines counted from where they start.
 */
function tentative(kind: 'gzip data' | 'zip archive', path: string, sink: ContentSink, raw: (as: 'classify' | 'counted', start: StreamStart) => ContentStream, archive: (t: Trial) => ContentStream): ContentStream {
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let proved = false;
  // Where the held bytes start in the content (past STREAM_START once bytes before them
  // went unkept): their findings' lines and columns count from there.
  let heldAt = STREAM_START;
  let fallback: ContentStream | undefined;
  const trial: Trial = {
    proved: () => {
      proved = true;
    },
    failed: (message) => {
      if (fallback) return;
      sink.warn(`${path}: corrupt ${kind} (${message}); ${heldAt.offset > 0 ? `the ${Math.ceil(heldBytes / 1024)} KB before the damage and all after it scanned as raw bytes` : 'scanned as raw bytes'}`);
      const pieces = held;
      held = [];
      fallback = raw('classify', heldAt);
      for (const p of pieces) fallback.push(p);
    },
  };
  const inner = archive(trial);
  return {
    push(d) {
      if (fallback) return fallback.push(d);
      held.push(d);
      heldBytes += d.length;
      // The archive sees the piece first: if it fails on it, the held bytes (this piece
      // included) go to the raw scan.
      inner.push(d);
      // Memory stays bounded: HOLD bytes while the archive may yet prove no archive, TAIL after.
      const keep = proved ? TAIL : HOLD;
      // (A failure on this piece emptied `held` already.)
      while (held.length > 1 && heldBytes - held[0]!.length >= keep) {
        const gone = held.shift()!;
        heldBytes -= gone.length;
        heldAt = positionAfter(heldAt, Buffer.from(gone.buffer, gone.byteOffset, gone.byteLength));
      }
    },
    end() {
      if (!fallback) inner.end();
      // (A gzip stream always proves itself or fails in its own end.)
      if (!fallback && !proved) trial.failed('no member found');
      fallback?.end();
      // A zip that read well: its last bytes, as they are, for what no member holds (its
      // central directory's names and comments, the archive's comment, text appended after
      // its end). A whole small zip is kept so; of a larger one, the last TAIL bytes or more.
      if (!fallback && proved && kind === 'zip archive') {
        const tail = raw('counted', heldAt);
        for (const p of held) tail.push(p);
        tail.end();
      }
    },
  };
}

/** CRC-32 as gzip uses it: node's own (20.15 and later; before, gzip trailers go unchecked). */
function crc32Of(): ((data: Uint8Array, value: number) => number) | undefined {
  return (zlib() as { crc32?: (d: Uint8Array, v: number) => number }).crc32;
}

/** Input kept for finding a member's trailer: well over a piece, so the 8 bytes are in it. */
const TRAILER_WINDOW = 4 * PIECE;

/**
 * Each gzip member's trailer (the CRC-32 and length of its data), which fflate skips
 * unchecked: the member's output is checked against it here. The last input pieces are
 * kept (pushed bytes are ours) to read a trailer once a member's end is known.
 */
function trailerCheck(failed: () => void) {
  const crc32 = crc32Of();
  let crc = 0;
  let size = 0;
  let fed = 0;
  const recent: { at: number; d: Uint8Array }[] = [];
  /** The input bytes from..to, if still kept. */
  const bytes = (from: number, to: number): Buffer | undefined => {
    if (from < 0 || !recent.length || from < recent[0]!.at) return undefined;
    const out = Buffer.alloc(to - from);
    for (const { at, d } of recent) {
      const [a, b] = [Math.max(from, at), Math.min(to, at + d.length)];
      if (a < b) out.set(d.subarray(a - at, b - at), a - from);
    }
    return out;
  };
  return {
    input(d: Uint8Array) {
      recent.push({ at: fed, d });
      fed += d.length;
      while (recent.length > 1 && fed - recent[1]!.at >= TRAILER_WINDOW) recent.shift();
    },
    output(d: Uint8Array) {
      if (!crc32) return;
      crc = crc32(d, crc);
      size = (size + d.length) >>> 0;
    },
    /** A member ended where the input reached `end` (the start of the next, or the end). */
    member(end?: number) {
      if (!crc32) return;
      const matches = (at: number) => {
        // (No member ends before its header and trailer, 18 bytes; bytes no longer kept can't tell.)
        if (at < 18) return false;
        const t = bytes(at - 8, at);
        return !t || (t.readUInt32LE(0) === crc >>> 0 && t.readUInt32LE(4) === size);
      };
      let ok = false;
      if (end !== undefined) ok = matches(end);
      else {
        // The last member may be followed by NUL padding (tape blocks; gzip ignores it):
        // its trailer ends somewhere after the last byte that isn't NUL.
        const tail = bytes(Math.max(recent[0]?.at ?? 0, fed - TRAILER_WINDOW), fed);
        let last = fed;
        if (tail) for (let i = tail.length - 1; i >= 0 && tail[i] === 0; i--) last--;
        // (An empty last member, as bgzip ends its files, has a trailer of NULs.)
        for (let at = last; at <= fed && !ok; at++) ok = matches(at);
      }
      if (!ok) failed();
      crc = size = 0;
    },
  };
}

function gzipStream(detector: Detector, path: string, sink: ContentSink, opts: ContentOptions, depth: number, budget: Budget, trial: Trial, memberPath = `${path}!${memberName(path)}`): ContentStream {
  const member = open(detector, memberPath, sink, opts, depth + 1, budget);
  let done = false; // finished, failed or out of budget: the rest is ignored
  const finish = () => {
    if (!done) member.end();
    done = true;
  };
  // Output goes to the member as far as the budget allows.
  let emitted = false;
  // What fflate inflates is checked against each member's trailer (zlib checks its own):
  // data that fails is still scanned, with the one warning a corrupt archive gets.
  let corrupt = false;
  const trailer = trailerCheck(() => {
    const message = `${path}: corrupt gzip data (its CRC-32 or length check failed); what was decompressed was scanned`;
    if (!corrupt && trial.damaged) trial.damaged(message);
    else if (!corrupt) sink.warn(message);
    corrupt = true;
  });
  const emit = (chunk: Uint8Array) => {
    if (done) return;
    if (chunk.length) {
      emitted = true;
      trial.proved();
    }
    if (!charge(budget, chunk, member, path, sink, opts)) finish();
  };
  let gz: Gunzip | undefined;
  const gunzip = () => {
    if (gz) return gz;
    // (Only what fflate inflates is checked against the trailers: zlib checks its own.)
    gz = new (fflateLib().Gunzip)((chunk) => {
      if (!done) trailer.output(chunk);
      emit(chunk);
    });
    // Called at the start of each member after the first: the one before ended there.
    gz.onmember = (offset) => trailer.member(offset);
    return gz;
  };
  const feed = (d: Uint8Array) => {
    for (let i = 0; i < d.length && !done; i += PIECE) {
      const piece = d.subarray(i, i + PIECE);
      trailer.input(piece);
      gunzip().push(piece, false);
    }
  };
  const guard = (f: () => void) => {
    if (done) return;
    try {
      f();
    } catch (e) {
      // What was inflated before the error has been scanned; end the member first so a
      // fallback to raw bytes (nothing inflated) comes after it.
      finish();
      trial.failed((e as Error).message);
    }
  };
  // Small content is held until the end and inflated in one call; larger content, and
  // content that inflates past the one-call limit or fails in it (zlib yields nothing
  // then, fflate yields what came before the error), streams through fflate.
  let held: Uint8Array[] | undefined = [];
  let heldBytes = 0;
  const release = () => {
    const pieces = held ?? [];
    held = undefined;
    for (const p of pieces) feed(p);
  };
  return {
    push: (d) =>
      guard(() => {
        if (!held) return feed(d);
        held.push(d);
        heldBytes += d.length;
        if (heldBytes > AT_ONCE_IN) release();
      }),
    end: () =>
      guard(() => {
        if (held) {
          let input: Uint8Array = held.length === 1 ? held[0]! : Buffer.concat(held);
          type Once = { buffer: Buffer; engine: { bytesWritten: number } };
          /** One member or more inflated in one call, and how much input it took; undefined if it couldn't. */
          const once = (d: Uint8Array): Once | undefined => {
            try {
              return zlib().gunzipSync(d, { maxOutputLength: atOnceOut(budget), info: true }) as unknown as Once;
            } catch {
              return undefined; // too large for one call, or corrupt: fflate below says which, and how far
            }
          };
          let out: Once | undefined = once(input);
          if (out) {
            held = undefined;
            // zlib stops where NULs follow a member, and says nothing of what comes after
            // them: NUL padding is nothing, another member after it is read in turn (by
            // fflate when too large for one call), anything else is damage (its bytes
            // scanned raw, as the trial's fallback does).
            for (;;) {
              emit(out.buffer);
              trial.proved();
              let at: number = out.engine.bytesWritten;
              while (at < input.length && input[at] === 0) at++;
              if (at >= input.length || done) return finish();
              input = input.subarray(at);
              const gzip: boolean = input[0] === 0x1f && input[1] === 0x8b;
              const next: Once | undefined = gzip ? once(input) : undefined;
              if (next) {
                out = next;
                continue;
              }
              if (!gzip) {
                finish();
                return trial.failed('data after its last member');
              }
              held = [input];
              break;
            }
          }
          release();
        }
        if (done) return;
        gunzip().push(EMPTY, true);
        // Streamed (over 8 MB in) and nothing came out: not a gzip, whatever its header.
        if (!emitted) throw new Error('no data');
        if (!done) trailer.member(); // (not when the budget cut the output short)
        finish();
      }),
  };
}

/** The base64 of a gzip member's first three bytes (1f 8b 08): how such a run starts. */
const B64_GZIP = Buffer.from('H4sI', 'latin1');
/**
 * The base64 of `H4sI`, as a run of gzip in base64 starts when it is base64-encoded again
 * (Helm keeps its releases so, and a Kubernetes Secret holds them in base64).
 */
const B64_B64_GZIP = Buffer.from('SDRzS', 'latin1');
/** Bytes of the content kept from one piece to the next: a straddling anchor's part, and the byte before it. */
const ANCHOR_TAIL = B64_B64_GZIP.length;
/** A gzip member is at least 20 bytes: a header of 10, data, a trailer of 8. */
const GZIP_MIN = 20;
/** Base64 text taken for one embedded gzip at most (36 MB of gzip); a longer run is listed. */
const B64_GZIP_MAX = 48 * MB;
/** Embedded gzips opened per content at most (each costs a decoder); the rest are listed. */
const B64_GZIP_RUNS = 256;
/** Damaged ones (each says so) before the rest of a content's are left closed and listed. */
const B64_GZIP_DAMAGED = 8;
/** Widths base64 is wrapped at (PEM, openssl: 64; GNU base64, MIME, Python: 76): a line of one, then a break, goes on. */
const B64_WRAP_WIDTHS = new Set([64, 76]);
/** What may end the last line of a wrapped run: a line break, a quote, the content's end (-1). */
const B64_RUN_ENDS = new Set([-1, 0x0a, 0x0d, 0x22, 0x27]);

/** isGzip, and a first deflate block of a type that exists (11 is reserved): a look before any decoder is built. */
function gzipHeaderPlausible(b: Buffer): boolean {
  if (b.length < GZIP_MIN || !gzipMagic(b)) return false;
  const at = gzipHeaderEnd(b);
  return at !== -1 && at < b.length && ((b[at]! >> 1) & 3) !== 3;
}

/** What one content's finders (its own, and those made for doubly encoded runs) have opened, found damaged and listed. */
interface B64Limits {
  opened: number;
  damaged: number;
  /** Its limits reached: runs are no longer looked for. */
  exhausted: boolean;
  /** The reasons listed in stats.skipped (each once). */
  listed?: Set<string>;
}

/** A base64 run being read. */
interface B64Run {
  /** gzip in base64, or (Helm) that base64 in base64. */
  kind: 'gzip' | 'base64';
  /** Where its `H4sI` (or `SDRzS`) starts in the content. */
  start: number;
  data: Buffer;
  size: number;
  /** Characters since the last line break, and the run's wrap width once a break showed it. */
  line: number;
  width: number;
  padded: boolean;
  /** Just after an accepted CR (its LF may come in the next piece), or a break (indentation follows). */
  cr: boolean;
  indent: boolean;
  /** `size` where the line after the last break began (-1: no break yet). */
  lineStart: number;
  /** The byte that ended the run (-1: the content's end). */
  end: number;
}

/**
 * gzip written as base64 inside other content, as Terraform's `base64gzip()`, cloud-init's
 * `gz+b64` and Kubernetes' binaryData keep it: a base64 run that starts with `H4sI` (the
 * encoding of gzip's magic bytes), wrapped or not. Each is decoded, inflated as a gzip of
 * its own (one archive level, within the same decompression budget) and scanned as a
 * member named `PATH!base64-gzip@OFFSET`, OFFSET the byte where the run starts. Past
 * `--archive-depth`, or past B64_GZIP_RUNS or B64_GZIP_DAMAGED in one content, runs are
 * listed (once) instead, their text scanned as text. With `twice`, a run of that base64
 * in base64 (`SDRzS…`) too: decoded, its text is read by a finder of its own, its gzip
 * named `PATH!base64@OFFSET!base64-gzip@0`.
 */
function embeddedGzip(detector: Detector, path: string, sink: ContentSink, opts: ContentOptions, depth: number, budget: Budget, twice = true, limits: B64Limits = { opened: 0, damaged: 0, exhausted: false }): { push(b: Buffer): void; end(): void } {
  const openable = depth < opts.archiveDepth;
  let offset = 0; // bytes before the current piece
  let tail = EMPTY; // the content's last ANCHOR_TAIL bytes before the current piece
  let run: B64Run | undefined;
  const runName = (r: B64Run) => `${path}!${r.kind === 'gzip' ? 'base64-gzip' : 'base64'}@${r.start}`;
  const list = (name: string, reason: string) => {
    if (limits.listed?.has(reason)) return;
    (limits.listed ??= new Set()).add(reason);
    sink.skip(name, reason);
  };
  // Past its limits a content's runs are no longer looked for: the rest is text.
  const full = (name: string) => {
    limits.exhausted = true;
    list(name, `more base64 gzip than hfleaks opens in one file (${B64_GZIP_RUNS}, or ${B64_GZIP_DAMAGED} damaged); the rest read as text only`);
  };

  const finish = () => {
    const r = run;
    run = undefined;
    if (!r) return;
    if (r.size > B64_GZIP_MAX) return list(runName(r), `base64 gzip larger than ${B64_GZIP_MAX / MB} MB of text; read as text only`);
    // Too short to hold a gzip member (20 bytes: 28 characters, 40 twice encoded): not decoded.
    if (r.size < (r.kind === 'gzip' ? 28 : 40)) return;
    // A line after a wrap break that ends mid-line is other text (the next key of a YAML
    // block, when the run's last line happened to be a full one): cut back to the break.
    const len = r.lineStart >= 0 && !B64_RUN_ENDS.has(r.end) ? r.lineStart : r.size;
    const decoded = Buffer.from(r.data.toString('latin1', 0, len), 'base64');
    r.data = EMPTY;
    if (r.kind === 'base64') return twiceEncoded(runName(r), decoded);
    if (!gzipHeaderPlausible(decoded)) return;
    const name = runName(r);
    if (!openable) return list(name, `${notOpened('base64 gzip', opts)}; read as text only`);
    if (limits.opened >= B64_GZIP_RUNS || limits.damaged >= B64_GZIP_DAMAGED) return full(name);
    limits.opened++;
    // A run whose gzip is damaged (its decoder failed, or its CRC-32 or length check)
    // counts once against B64_GZIP_DAMAGED, and only so many say so: a file of damaged
    // runs costs a few decoders, not one each.
    let damaged = false;
    const damage = (message: string) => {
      if (!damaged) limits.damaged++;
      damaged = true;
      if (limits.damaged <= B64_GZIP_DAMAGED) sink.warn(message);
    };
    const trial: Trial = { proved: () => undefined, failed: (message) => damage(`${name}: corrupt gzip data (${message}); what was decompressed was scanned`), damaged: damage };
    const gz = gzipStream(detector, name, sink, opts, depth, budget, trial, name);
    gz.push(decoded);
    gz.end();
  };

  /**
   * Base64 decoded to what may be gzip's base64: read by a finder of its own (which looks
   * for `H4sI` only), sharing this content's limits (what it opens, is damaged, lists).
   */
  const twiceEncoded = (name: string, text: Buffer) => {
    if (!text.subarray(0, B64_GZIP.length).equals(B64_GZIP)) return;
    const inner = embeddedGzip(detector, name, sink, opts, depth, budget, false, limits);
    inner.push(text);
    inner.end();
  };

  /** Appends b[from, to) to the run (kept only up to B64_GZIP_MAX). */
  const append = (r: B64Run, b: Buffer, from: number, to: number) => {
    const n = to - from;
    if (!n) return;
    if (r.size + n <= B64_GZIP_MAX) {
      if (r.size + n > r.data.length) {
        const grown = Buffer.allocUnsafe(Math.max(r.size + n, 2 * r.data.length, 256));
        r.data.copy(grown, 0, 0, r.size);
        r.data = grown;
      }
      b.copy(r.data, r.size, from, to);
    } else r.data = EMPTY;
    r.size += n;
  };

  /** Takes the run's bytes from b[i]; returns where it stopped (b.length: it may go on). */
  const collect = (b: Buffer, i: number): number => {
    const r = run!;
    const from = i;
    let lineStart = -1;
    for (; i < b.length; i++) {
      const c = b[i]!;
      if (r.padded ? c === 0x3d : isStandardBase64(c) || c === 0x3d) {
        if (c === 0x3d) r.padded = true;
        r.line++;
        r.indent = r.cr = false;
        continue;
      }
      // The indentation of a wrapped line (a YAML block scalar's), left to the decoder.
      if (r.indent && (c === 0x20 || c === 0x09)) continue;
      // A line break inside a wrapped run: after a line of a wrap width (the run's own, once
      // known). (After a single long line, what follows is other text.)
      const wrapped = !r.padded && (r.width ? r.line === r.width : B64_WRAP_WIDTHS.has(r.line));
      if (c === 0x0d && wrapped && !r.cr) {
        r.cr = true;
        continue;
      }
      if (c === 0x0a && (wrapped || r.cr)) {
        r.width ||= r.line;
        r.line = 0;
        r.cr = false;
        r.indent = true;
        lineStart = i + 1;
        continue;
      }
      r.end = c;
      break;
    }
    if (lineStart >= 0) r.lineStart = r.size + (lineStart - from);
    append(r, b, from, i);
    return i;
  };

  /**
   * The anchors of `b` in order: each call gives the first at or after `from`, `H4sI` or
   * with `twice` `SDRzS`. Each kind's next place is kept and searched for again only once
   * `from` passes it (a file holding many of one kind and none of the other would
   * otherwise search the rest of the piece for the other at each).
   */
  const anchors = (b: Buffer) => {
    let g = -2;
    let t = twice ? -2 : -1;
    return (from: number): { at: number; kind: B64Run['kind'] } | undefined => {
      if (g !== -1 && g < from) g = b.indexOf(B64_GZIP, from);
      if (t !== -1 && t < from) t = b.indexOf(B64_B64_GZIP, from);
      if (g === -1 && t === -1) return undefined;
      return t !== -1 && (g === -1 || t < g) ? { at: t, kind: 'base64' } : { at: g, kind: 'gzip' };
    };
  };

  const begin = (kind: B64Run['kind'], start: number): B64Run => ({ kind, start, data: EMPTY, size: 0, line: 0, width: 0, padded: false, cr: false, indent: false, lineStart: -1, end: -1 });

  return {
    push(b) {
      if (!b.length || limits.exhausted) return;
      let i = 0;
      const continuing = run !== undefined;
      if (run) {
        i = collect(b, 0);
        if (i < b.length) finish();
      }
      // Runs start at an anchor with no base64 character before it. One that straddles
      // pieces is found in the seam: the content's last bytes and the start of this piece.
      if (!continuing && tail.length) {
        const seam = Buffer.concat([tail, b.subarray(0, ANCHOR_TAIL - 1)]);
        const found = anchors(seam)(Math.max(0, tail.length - (ANCHOR_TAIL - 1)));
        const at = found?.at ?? -1;
        const before = at > 0 ? seam[at - 1]! : undefined;
        // (One that ends within the tail was found in a piece before.)
        const straddles = found !== undefined && at < tail.length && at + (found.kind === 'gzip' ? B64_GZIP : B64_B64_GZIP).length > tail.length;
        if (found && straddles && (before === undefined ? offset === tail.length : !isStandardBase64(before))) {
          run = begin(found.kind, offset - tail.length + at);
          append(run, seam, at, tail.length);
          run.line = tail.length - at;
          i = collect(b, 0);
          if (i < b.length) finish();
        }
      }
      const next = anchors(b);
      for (let found = next(i); found && !run && !limits.exhausted; found = next(found.at + 1)) {
        const { at, kind } = found;
        const before = at > 0 ? b[at - 1] : tail[tail.length - 1];
        if (before !== undefined && isStandardBase64(before)) continue;
        run = begin(kind, offset + at);
        const end = collect(b, at);
        if (end < b.length) {
          finish();
          found.at = end - 1;
        }
      }
      offset += b.length;
      tail = b.length >= ANCHOR_TAIL ? Buffer.from(b.subarray(b.length - ANCHOR_TAIL)) : Buffer.concat([tail, b]).subarray(-ANCHOR_TAIL);
    },
    end() {
      finish();
    },
  };
}

/** Zip compression methods fflate cannot decompress, by name for the skip reason. */
const ZIP_METHODS: Record<number, string> = { 9: 'deflate64', 12: 'bzip2', 14: 'LZMA', 93: 'zstd', 95: 'xz', 98: 'PPMd', 99: 'AES encryption' };

/**
 * A zip decoder that drops a member's bytes. fflate keeps the bytes of a member never
 * started, and throws when one with an unknown method is started, so unsupported
 * members are started with this instead.
 */
function dropper(compression: number): UnzipDecoderConstructor {
  return class {
    static compression = compression;
    ondata: UnzipDecoder['ondata'] = () => undefined;
    push(_d: Uint8Array, final: boolean) {
      if (final) this.ondata(null, EMPTY, true);
    }
  };
}

/**
 * fflate's inflater for zip members, made to ignore a member's input after its first
 * error: fflate goes on pushing the rest of a failed member into it, and each push then
 * copies everything pushed so far (quadratic on a large corrupt member).
 */
function stopsOnError(Base: UnzipDecoderConstructor): UnzipDecoderConstructor {
  return class {
    static compression = Base.compression;
    ondata: UnzipDecoder['ondata'] = () => undefined;
    private readonly inner: UnzipDecoder;
    private failed = false;
    constructor(name: string, size?: number, originalSize?: number) {
      this.inner = new Base(name, size, originalSize);
      this.inner.ondata = (err, data, final) => {
        if (err) this.failed = true;
        this.ondata(err, data, final);
      };
    }
    push(d: Uint8Array, final: boolean) {
      if (!this.failed) this.inner.push(d, final);
    }
  };
}

/** A zip member's decoder that holds its input until the member ends; `flush` streams what it holds. */
interface HeldMember {
  flush(): void;
}

/**
 * The decoder of deflated zip members. A member's input is held until its last byte is
 * in, then inflated by zlib in one call: native, where fflate's inflater spent three
 * quarters of a scan of Python wheels growing its output piece by piece. Where that
 * can't be (more than AT_ONCE_IN of input, output past AT_ONCE_OUT, damage, or
 * an archive that ends inside the member: `flush`), fflate's inflater takes the same input
 * piece by piece, as it took every member before: a bomb stops at the budget, and a
 * damaged or cut member gives what can be inflated of it (and one call never inflates
 * more than the budget has left). `stopped` tells it the archive is done with (out of
 * budget or failed), so it feeds no more; `dropping`, that the member being made is
 * encrypted.
 */
function deflateMembers(stopped: () => boolean, held: Set<HeldMember>, budget: Budget, dropping: () => boolean): UnzipDecoderConstructor {
  const Streaming = stopsOnError(fflateLib().UnzipInflate);
  return class implements HeldMember {
    static compression = 8;
    ondata: UnzipDecoder['ondata'] = () => undefined;
    private pieces: Uint8Array[] | undefined = [];
    private bytes = 0;
    private inner: UnzipDecoder | undefined;
    /** An encrypted member's: its bytes are dropped, as dropper() drops an unknown method's. */
    private readonly drop = dropping();
    constructor(_name: string, size?: number) {
      // (A member whose size is unknown, written with a data descriptor, is held too, up to the limit.)
      if (this.drop || (size !== undefined && size > AT_ONCE_IN)) this.pieces = undefined;
      else held.add(this);
    }
    push(d: Uint8Array, final: boolean) {
      if (this.drop) return final ? this.ondata(null, EMPTY, true) : undefined;
      if (!this.pieces) return this.stream(d, final);
      if (d.length) {
        this.pieces.push(d);
        this.bytes += d.length;
      }
      if (!final && this.bytes <= AT_ONCE_IN) return;
      const input = this.take();
      if (final) {
        let out: Uint8Array<ArrayBuffer> | undefined;
        try {
          // (zlib's output is a buffer of its own, never shared memory.)
          out = zlib().inflateRawSync(input, { maxOutputLength: atOnceOut(budget) }) as Uint8Array<ArrayBuffer>;
        } catch {
          /* too large for one call, or damaged: fflate below says which, and how far */
        }
        if (out) return this.ondata(null, out, true);
      }
      this.stream(input, final);
    }
    flush() {
      if (this.pieces) this.stream(this.take(), false);
    }
    /** What is held, as one buffer; nothing is held after. */
    private take(): Uint8Array {
      const pieces = this.pieces!;
      this.pieces = undefined;
      held.delete(this);
      return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    }
    /** Feeds fflate's inflater, a piece at a time, while the archive wants more. */
    private stream(d: Uint8Array, final: boolean) {
      if (!this.inner) {
        this.inner = new Streaming('');
        this.inner.ondata = (err, data, last) => this.ondata(err, data, last);
      }
      for (let i = 0; i < d.length && !stopped(); i += PIECE) this.inner.push(d.subarray(i, i + PIECE), false);
      if (final && !stopped()) this.inner.push(EMPTY, true);
    }
  };
}

/**
 * fflate's Unzip keeps a list of each member's pending chunks and puts each new member's
 * first (`k.unshift`), though it only ever reads the newest two: a zip of 200,000 small
 * members took 18 s, four times as many members sixteen times as long, and every list
 * stayed in memory. Called as each member is announced, this lets the older ones go.
 * (A private field: fflate is pinned by the lockfile, and a test of a zip of many
 * members fails if it moves.)
 */
function forgetOldMembers(uz: object): void {
  const k = (uz as { k?: unknown }).k;
  if (Array.isArray(k) && k.length > 2) k.length = 2;
}

/**
 * The flags of the local headers ahead of fflate, by name: fflate reads no flags, and an
 * encrypted member (`zip -P`, ZipCrypto: bit 0) can't be read, only listed. Each piece is
 * looked at before fflate gets it, so a member's header is here when fflate announces it;
 * the last bytes of a piece are kept, for a header the next one completes.
 */
function headerFlags(): { look(piece: Uint8Array): void; take(name: string): number | undefined } {
  const flags = new Map<string, number>();
  let carry: Buffer = EMPTY;
  /** Records the headers that begin in b before `before` and end in b past `after` (those ending before were recorded already). */
  const find = (b: Buffer, before: number, after: number) => {
    for (let i = b.indexOf(LOCAL_HEADER); i !== -1 && i < before && i + 30 <= b.length; i = b.indexOf(LOCAL_HEADER, i + 4)) {
      const n = b.readUInt16LE(i + 26);
      if (i + 30 + n > b.length) break; // its name ends in the next piece
      if (i + 30 + n <= after) continue;
      // (Keyed by the name's bytes, read one character a byte: fflate's name is made from them.)
      flags.set(b.toString('latin1', i + 30, i + 30 + n), b.readUInt16LE(i + 6));
      if (flags.size > 256) flags.delete(flags.keys().next().value!);
    }
  };
  return {
    look(piece) {
      const p = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      // Headers that begin in the bytes before this piece and end in it, then this piece's own.
      if (carry.length) find(Buffer.concat([carry, p.subarray(0, CARRY)]), carry.length, carry.length);
      find(p, p.length, 0);
      carry = p.length >= CARRY ? Buffer.from(p.subarray(p.length - CARRY)) : Buffer.concat([carry, p]).subarray(-CARRY);
    },
    take(name) {
      for (const key of [name, Buffer.from(name, 'utf8').toString('latin1')]) {
        const f = flags.get(key);
        if (f !== undefined) {
          flags.delete(key);
          return f;
        }
      }
      return undefined;
    },
  };
}
const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** A local header's fixed part and a name of up to 1,024 bytes. */
const CARRY = 30 + 1024;

/**
 * A zip archive, read front to back by fflate. An encrypted member is listed as such, not
 * decompressed; one that fails to decompress in an archive with encrypted members is said
 * to be in one.
 */
function zipStream(detector: Detector, path: string, sink: ContentSink, opts: ContentOptions, depth: number, budget: Budget, trial: Trial): ContentStream {
  let done = false; // failed or out of budget: the rest is ignored
  let proven = false;
  // Members being decompressed: with a data descriptor that has no signature, fflate
  // announces the next member before the last chunk of this one, so several can be open.
  const members = new Set<ContentStream>();
  const prove = () => {
    proven = true;
    trial.proved();
  };
  const endAll = () => {
    for (const m of members) m.end();
    members.clear();
  };
  const stop = () => {
    done = true;
    endAll();
  };
  // Deflated members held whole until they end (deflateMembers); flushed if the archive ends first.
  const held = new Set<HeldMember>();
  const { Unzip, UnzipPassThrough } = fflateLib();
  const headers = headerFlags();
  let locked = false; // an encrypted member was met
  let dropping = false; // the member starting now is encrypted: its decoder drops its bytes
  /**
   * A member that is not scanned, read to its end: listed and warned about once, when its
   * data ends (a garbage header in a non-zip says nothing) or its decoder gives up.
   */
  const unread = (file: UnzipFile, memberPath: string, reason: string, warning: string) => {
    let said = false;
    file.ondata = (err, _chunk, final) => {
      if (said || done || (!err && !final)) return;
      said = true;
      prove();
      sink.skip(memberPath, reason);
      sink.warn(`${memberPath}: ${warning}`);
    };
    file.start();
  };
  const uz = new Unzip((file) => {
    if (done) return;
    forgetOldMembers(uz);
    const encrypted = ((headers.take(file.name) ?? 0) & 1) === 1;
    if (file.name.endsWith('/')) return prove(); // a directory entry
    const memberPath = `${path}!${file.name}`;
    if (file.compression !== 0 && file.compression !== 8) {
      const method = `${ZIP_METHODS[file.compression] ?? 'unknown'} (method ${file.compression})`;
      uz.register(dropper(file.compression));
      return unread(file, memberPath, `zip member compressed with ${method}, which hfleaks cannot decompress`, `compressed with ${method}; not scanned`);
    }
    // (After the methods above: an AES member, method 99, is named by its method.)
    if (encrypted) {
      locked = true;
      // Its decoder (made as it starts) drops the ciphertext rather than inflate it.
      dropping = true;
      try {
        return unread(file, memberPath, 'encrypted zip member; its contents cannot be read', 'encrypted; not scanned');
      } finally {
        dropping = false;
      }
    }
    const member = open(detector, memberPath, sink, opts, depth + 1, budget);
    members.add(member);
    file.ondata = (err, chunk, final) => {
      if (done || !members.has(member)) return;
      if (err) {
        members.delete(member);
        member.end();
        if (!proven) throw err; // the first member fails: probably not a zip at all
        const why = `cannot decompress (${err.message}${locked ? '; the archive is encrypted' : ''})`;
        sink.warn(`${memberPath}: ${why}; skipped`);
        sink.skip(memberPath, why);
        return;
      }
      if (chunk.length) prove();
      if (!charge(budget, chunk, member, path, sink, opts)) return stop();
      if (final) {
        prove();
        members.delete(member);
        member.end();
      }
    };
    file.start();
  });
  uz.register(deflateMembers(() => done, held, budget, () => dropping));
  uz.register(UnzipPassThrough);
  const guard = (f: () => void) => {
    if (done) return;
    try {
      f();
    } catch (e) {
      stop();
      trial.failed((e as Error).message);
    }
  };
  return {
    push: (d) =>
      guard(() => {
        for (let i = 0; i < d.length && !done; i += PIECE) {
          const piece = d.subarray(i, i + PIECE);
          headers.look(piece);
          uz.push(piece, false);
        }
      }),
    end: () =>
      guard(() => {
        try {
          uz.push(EMPTY, true);
        } finally {
          // Members the archive ended inside (fflate throws for the last of them), inflated as far as they go.
          for (const m of [...held]) if (!done) m.flush();
        }
        endAll();
      }),
  };
}
