// Content streams: bytes pushed in pieces of any size, from a file, stdin or a git
// blob. The first bytes decide what they are: gzip and zip archives are opened (with a
// bounded depth and a bounded number of decompressed bytes) and each member is
// scanned as its own stream, named `archive!member`; anything else goes straight to
// the detector, text or binary alike.
import { isUtf8 } from 'node:buffer';
import type { Gunzip } from 'fflate';
import { fflateLib, lazyBuiltin } from '../core/lazy.ts';
import type { Match } from '../core/types.ts';
import type { Detector } from './detector.ts';
import { ChunkScanner } from './scanner.ts';

const zlib = lazyBuiltin<typeof import('node:zlib')>('node:zlib');

export type ContentNote = 'binary' | 'invalid-utf8' | 'long-line';

export interface ContentSink {
  match(path: string, m: Match): void;
  warn(message: string): void;
  skip(path: string, reason: string): void;
  /** Counts what kind of content a path held (binary, invalid UTF-8, a huge line). */
  note?(path: string, kind: ContentNote): void;
}

export interface ContentOptions {
  /** How many archives deep to open (0: never open archives). */
  archiveDepth: number;
  /** Decompressed bytes allowed per top-level stream, all members together. */
  archiveBytes: number;
}

export const DEFAULT_CONTENT_OPTIONS: ContentOptions = { archiveDepth: 3, archiveBytes: 256 << 20 };

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
  exceeded: boolean;
}

const MB = 1 << 20;
const LONG_LINE = 8 * MB;

function isGzip(b: Uint8Array): boolean {
  return b[0] === 0x1f && b[1] === 0x8b;
}
function isZip(b: Uint8Array): boolean {
  return b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

function memberName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/^.*!/, '');
  return base.replace(/\.(gz|tgz)$/i, (m) => (m.toLowerCase() === '.tgz' ? '.tar' : '')) || 'content';
}

/** Opens a content stream for `path`; matches and problems go to `sink`. */
export function openContent(detector: Detector, path: string, sink: ContentSink, opts: ContentOptions = DEFAULT_CONTENT_OPTIONS): ContentStream {
  return open(detector, path, sink, opts, 0, { left: opts.archiveBytes, exceeded: false });
}

function open(detector: Detector, path: string, sink: ContentSink, opts: ContentOptions, depth: number, budget: Budget): ContentStream {
  let inner: ContentStream | undefined;
  let head: Buffer | undefined;

  const decide = (first: Uint8Array): ContentStream => {
    if (depth < opts.archiveDepth && isGzip(first)) return gzipStream(detector, path, sink, opts, depth, budget);
    if (depth < opts.archiveDepth && isZip(first)) return zipStream(detector, path, sink, opts, depth, budget);
    const scanner = new ChunkScanner(detector, (m) => sink.match(path, m));
    classify(first, path, sink);
    return {
      push: (d) => scanner.push(Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength)),
      end: () => {
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
      if (!head && data.length >= 4) {
        inner = decide(data);
        return inner.push(data);
      }
      // Sniff the first four bytes (they may arrive in several pieces).
      head = head ? Buffer.concat([head, data]) : Buffer.from(data);
      if (head.length < 4) return;
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

const SNIFF = 64 << 10;

/**
 * Binary content (NUL bytes, no UTF-16 BOM) is counted; text that is not valid UTF-8
 * gets a warning. Either way every byte is scanned.
 */
function classify(first: Uint8Array, path: string, sink: ContentSink): void {
  const head = first.subarray(0, SNIFF);
  if (head.length === 0) return;
  const bom16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (head.indexOf(0) !== -1) {
    if (!bom16) sink.note?.(path, 'binary');
    return;
  }
  // A multi-byte character may be cut at the end of the sniffed part: trim it.
  let end = head.length;
  if (first.length > SNIFF) while (end > head.length - 4 && end > 0 && (head[end - 1]! & 0xc0) === 0x80) end--;
  if (first.length > SNIFF && end > 0 && head[end - 1]! >= 0xc0) end--;
  if (!isUtf8(head.subarray(0, end))) {
    sink.note?.(path, 'invalid-utf8');
    sink.warn(`${path}: not valid UTF-8; scanned as bytes`);
  }
}

/** Counts decompressed bytes against the budget; false once it is spent. */
function spend(budget: Budget, n: number, path: string, sink: ContentSink, opts: ContentOptions): boolean {
  if (budget.exceeded) return false;
  budget.left -= n;
  if (budget.left < 0) {
    budget.exceeded = true;
    sink.skip(path, `archive holds more than ${Math.round(opts.archiveBytes / MB)} MB decompressed; the rest was not scanned`);
    return false;
  }
  return true;
}

/** Gzip content up to this size is inflated at once by zlib (native, about 3x fflate). */
const GZIP_AT_ONCE_IN = 8 << 20;
const GZIP_AT_ONCE_OUT = 16 << 20;

function gzipStream(detector: Detector, path: string, sink: ContentSink, opts: ContentOptions, depth: number, budget: Budget): ContentStream {
  const memberPath = `${path}!${memberName(path)}`;
  const member = open(detector, memberPath, sink, opts, depth + 1, budget);
  let failed = false;
  let ended = false;
  const finish = () => {
    if (!ended) member.end();
    ended = true;
  };
  const corrupt = (e: unknown) => {
    failed = true;
    sink.warn(`${path}: corrupt gzip data (${(e as Error).message}); the rest of it was not scanned`);
    finish();
  };
  // Small content is held until the end and inflated in one call; larger content (or
  // content that inflates past the one-call limit) streams through fflate.
  let held: Uint8Array[] | undefined = [];
  let heldBytes = 0;
  let gz: Gunzip | undefined;
  const stream = (): Gunzip => {
    gz ??= new (fflateLib().Gunzip)((chunk, final) => {
      if (!failed && spend(budget, chunk.length, path, sink, opts)) member.push(chunk);
      if (final) finish();
    });
    return gz;
  };
  const guard = (f: () => void) => {
    if (failed) return;
    try {
      f();
    } catch (e) {
      corrupt(e);
    }
  };
  const release = () => {
    const pieces = held ?? [];
    held = undefined;
    for (const p of pieces) stream().push(p, false);
  };
  return {
    push: (d) =>
      guard(() => {
        if (!held) return stream().push(d, false);
        held.push(d);
        heldBytes += d.length;
        if (heldBytes > GZIP_AT_ONCE_IN) release();
      }),
    end: () =>
      guard(() => {
        if (held) {
          const input = held.length === 1 ? held[0]! : Buffer.concat(held);
          let out: Buffer | undefined;
          try {
            out = zlib().gunzipSync(input, { maxOutputLength: Math.max(1, Math.min(GZIP_AT_ONCE_OUT, budget.left)) });
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') return corrupt(e);
          }
          if (out) {
            held = undefined;
            if (spend(budget, out.length, path, sink, opts)) member.push(out);
            return finish();
          }
          release();
        }
        stream().push(new Uint8Array(0), true);
        finish();
      }),
  };
}

function zipStream(detector: Detector, path: string, sink: ContentSink, opts: ContentOptions, depth: number, budget: Budget): ContentStream {
  let failed = false;
  const { Unzip, UnzipInflate, UnzipPassThrough } = fflateLib();
  const uz = new Unzip((file) => {
    if (file.name.endsWith('/')) return; // a directory entry
    const memberPath = `${path}!${file.name}`;
    const member = open(detector, memberPath, sink, opts, depth + 1, budget);
    let stopped = false;
    file.ondata = (err, chunk, final) => {
      if (stopped) return;
      if (err) {
        stopped = true;
        sink.warn(`${memberPath}: cannot decompress (${err.message}); skipped`);
        member.end();
        return;
      }
      if (!spend(budget, chunk.length, path, sink, opts)) {
        stopped = true;
        member.end();
        file.terminate();
        return;
      }
      member.push(chunk);
      if (final) member.end();
    };
    try {
      file.start();
    } catch (e) {
      sink.warn(`${memberPath}: cannot decompress (${(e as Error).message}); skipped`);
    }
  });
  uz.register(UnzipInflate);
  uz.register(UnzipPassThrough);
  const guard = (f: () => void) => {
    if (failed) return;
    try {
      f();
    } catch (e) {
      failed = true;
      sink.warn(`${path}: corrupt zip archive (${(e as Error).message}); the rest of it was not scanned`);
    }
  };
  return {
    push: (d) => guard(() => uz.push(d, false)),
    end: () => guard(() => uz.push(new Uint8Array(0), true)),
  };
}
