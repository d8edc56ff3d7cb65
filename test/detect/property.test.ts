// Property-based tests of the detector (fast-check): a token planted anywhere in random
// text or bytes, across chunk boundaries, under every supported encoding, is found once
// at the right place; random input never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openContent } from '../../src/detect/content.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { scanWhole } from '../../src/detect/scanner.ts';
import { builtinRules } from '../../src/rules/builtin.ts';
import { tokens } from '../git/repo.ts';
import { streamed, utf16 } from '../helpers/detect.ts';

const detector = createDetector(builtinRules());
const runs = { numRuns: 150 };

/** Text that can't glue to a token: random printable words separated by spaces and newlines. */
const filler = fc.array(fc.oneof(fc.constantFrom(' ', '\n', '\r\n', '"', "'", '=', ': ', '(', ')', ',', ';', '\t', '{"a": 1}', 'é', '€', '日本'), fc.stringMatching(/^[a-z]{1,8}$/)), { maxLength: 60 }).map((parts) => parts.join(''));
const seed = fc.integer({ min: 1, max: 1_000_000 });

function lineCol(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}


describe('detector properties', () => {
  it('finds a token planted in random text exactly once, at the right line and column', () => {
    fc.assert(
      fc.property(filler, filler, seed, fc.boolean(), (before, after, s, digits) => {
        const t = tokens(s).userToken(digits);
        const sep = before && /[a-zA-Z0-9_\\]$/.test(before) ? ' ' : '';
        const sep2 = after && /^[a-zA-Z0-9_]/.test(after) ? ' ' : '';
        const text = `${before}${sep}${t}${sep2}${after}`;
        const ms = scanWhole(detector, Buffer.from(text));
        const idx = text.indexOf(t);
        expect(ms.map((m) => m.secret)).toEqual([t]);
        expect({ line: ms[0]!.line, column: ms[0]!.column }).toEqual(lineCol(text, idx));
      }),
      runs,
    );
  });

  it('finds it once whatever the chunk size and however the stream is cut', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), seed, fc.integer({ min: 1, max: 9000 }), (offset, s, piece) => {
        const t = tokens(s).userToken();
        const text = Buffer.from(`${'x '.repeat(offset >> 1)}\n${t}\n`);
        const ms = streamed(detector, text, piece, 4096);
        expect(ms.map((m) => [m.secret, m.line, m.offset])).toEqual([[t, 2, (offset >> 1) * 2 + 1]]);
      }),
      { numRuns: 60 },
    );
  });

  // Window edges of a ChunkScanner with 4 KB chunks (see the window-edge tests).
  const nearEdge = fc.tuple(fc.constantFrom(16448, 32880), fc.integer({ min: -12, max: 12 })).map(([e, d]) => e + d);
  const pieceSize = fc.constantFrom(1 << 20, 4096, 4093, 7001);

  it('finds base64 planted around a window edge once, at its group', () => {
    fc.assert(
      fc.property(nearEdge, seed, fc.constantFrom('', 'X=', 'XY=', 'K: ', 'HF_TOKEN='), pieceSize, (at, s, pre, piece) => {
        const t = tokens(s).userToken();
        const buf = Buffer.from(`${' '.repeat(at)}${Buffer.from(pre + t).toString('base64')} ${'b '.repeat(10000)}`);
        const ms = streamed(detector, buf, piece, 4096);
        expect(ms.map((m) => [m.secret, m.offset, m.decoding])).toEqual([[t, at + Math.floor(pre.length / 3) * 4, ['base64']]]);
      }),
      { numRuns: 60 },
    );
  });

  it('gives lines and columns in UTF-16 text holding code units with a 0x0A byte, across window edges', () => {
    // 上 U+4E0A, 《 U+300A, Њ U+040A, ਊ U+0A0A, 𐨊 (a surrogate pair holding 0x0A)
    const part = fc.constantFrom('上', '《', 'Њ', 'ਊ', '\u{10A0A}', 'a', ' ', '\n', '\r\n', '配置');
    fc.assert(
      fc.property(nearEdge, fc.array(part, { maxLength: 40 }), seed, fc.boolean(), pieceSize, (at, parts, s, little, piece) => {
        const t = tokens(s).userToken();
        const tail = `${parts.join('')} k=`;
        // Pad so the token's first code unit lands near the edge (2 bytes of BOM first).
        const text = `${'上'.repeat(Math.max(0, (at - 2) / 2 - tail.length))}${tail}${t}\n${'b '.repeat(10000)}`;
        const buf = utf16(text, little ? 'utf16le' : 'utf16be');
        const idx = text.indexOf(t);
        const want = [[t, 2 + 2 * idx, lineCol(text, idx).line, lineCol(text, idx).column]];
        expect(streamed(detector, buf, piece, 4096).map((m) => [m.secret, m.offset, m.line, m.column])).toEqual(want);
        expect(scanWhole(detector, buf).map((m) => [m.secret, m.offset, m.line, m.column])).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });

  it('finds a token in random binary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ maxLength: 3000 }), seed, (a, b, s) => {
        const t = tokens(s).userToken();
        const buf = Buffer.concat([Buffer.from(a), Buffer.from([0]), Buffer.from(t), Buffer.from([0]), Buffer.from(b)]);
        const ms = scanWhole(detector, buf).filter((m) => m.secret === t);
        expect(ms.length).toBeGreaterThanOrEqual(1);
        expect(ms.some((m) => m.offset === a.length + 1 && !m.decoding)).toBe(true);
      }),
      runs,
    );
  });

  it('finds a token under every encoding: UTF-16 LE/BE, base64, percent, gzip', () => {
    const encodings: [string, (s: string) => Buffer, string | undefined][] = [
      ['utf16le', (s) => utf16(s, 'utf16le', false), 'utf16le'],
      ['utf16be', (s) => utf16(s, 'utf16be', false), 'utf16be'],
      ['base64', (s) => Buffer.from(`blob: ${Buffer.from(s).toString('base64')}\n`), 'base64'],
      ['percent', (s) => Buffer.from(encodeURIComponent(s).replace(/_/g, '%5F')), 'percent'],
    ];
    fc.assert(
      fc.property(filler, filler, seed, fc.constantFrom(...encodings), (before, after, s, [, enc, name]) => {
        const t = tokens(s).userToken();
        const text = `${before} ${t} ${after}`;
        const ms = scanWhole(detector, enc(text)).filter((m) => m.secret === t);
        expect(ms).toHaveLength(1);
        expect(ms[0]!.decoding).toEqual([name]);
      }),
      runs,
    );
  });

  it('never throws on random input, through every content path', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.constantFrom(Buffer.from([0x1f, 0x8b]), Buffer.from('PK\x03\x04'), Buffer.alloc(0), Buffer.from([0xff, 0xfe])), (bytes, magic) => {
        const warnings: string[] = [];
        const s = openContent(detector, 'random.bin', { match: () => undefined, warn: (w) => warnings.push(w), skip: () => undefined });
        s.push(Buffer.concat([magic, Buffer.from(bytes)]));
        s.end();
      }),
      runs,
    );
  });
});
