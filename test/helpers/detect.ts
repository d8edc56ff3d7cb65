// Shared by the tests of content: a ChunkScanner fed in pieces, UTF-16 text of either
// byte order, and reproducible random bytes.
import type { Match } from '../../src/core/types.ts';
import type { Detector } from '../../src/detect/detector.ts';
import { ChunkScanner } from '../../src/detect/scanner.ts';
import { seededRandom } from '../../src/rules/template.ts';

/** The matches of `buf` pushed in pieces of `piece` bytes (each a copy: the scanner owns what it gets). */
export function streamed(detector: Detector, buf: Buffer, piece = buf.length, chunk?: number): Match[] {
  const out: Match[] = [];
  const sc = new ChunkScanner(detector, (m) => out.push(m), chunk);
  for (let i = 0; i < buf.length; i += piece) sc.push(Buffer.from(buf.subarray(i, i + piece)));
  sc.end();
  return out;
}

/** `text` in UTF-16 of this byte order, after its byte-order mark unless `bom` is false. */
export function utf16(text: string, enc: 'utf16le' | 'utf16be', bom = true): Buffer {
  const body = Buffer.from(text, 'utf16le');
  if (enc === 'utf16be') body.swap16();
  return bom ? Buffer.concat([Buffer.from(enc === 'utf16le' ? [0xff, 0xfe] : [0xfe, 0xff]), body]) : body;
}

/** `n` random bytes from a seed: the same every run, so a failure reproduces. */
export function seededBytes(n: number, seed: number): Buffer {
  const rnd = seededRandom(seed);
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rnd() * 256);
  return out;
}
