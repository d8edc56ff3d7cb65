// Tar archives: each member scanned as its own content, named `archive!member`, with its
// own lines; compressed members (an OCI image's gzip layers, a wheel in an sdist) opened.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Match } from '../../src/core/types.ts';
import { openContent } from '../../src/detect/content.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { builtinRules } from '../../src/rules/builtin.ts';
import { tokenGenerator } from '../../src/rules/template.ts';

const gen = tokenGenerator(4242);
const detector = createDetector(builtinRules());

interface Entry {
  name: string;
  data?: Buffer;
  type?: string;
  /** Break the header's checksum. */
  damage?: boolean;
}

/** A ustar header, checksum included; names longer than 100 bytes need a GNU or pax entry before. */
function header(name: string, size: number, type: string, damage = false): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write(type, 156, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${(sum + (damage ? 1 : 0)).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

function tar(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    parts.push(header(e.name, data.length, e.type ?? '0', e.damage), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function scan(buf: Buffer, path = 'image.tar', pieces = 1) {
  const found: { path: string; m: Match }[] = [];
  const warnings: string[] = [];
  const s = openContent(detector, path, { match: (p, m) => found.push({ path: p, m }), warn: (w) => warnings.push(w), skip: () => undefined });
  const step = Math.ceil(buf.length / pieces);
  for (let i = 0; i < buf.length; i += step) s.push(Buffer.from(buf.subarray(i, i + step)));
  s.end();
  return { where: found.map((f) => [f.path, f.m.line, f.m.column, f.m.secret]), warnings };
}

describe('tar archives', () => {
  const [a, b, c, d] = [gen.userToken(), gen.userToken(), gen.userToken(), gen.userToken()];
  const layer = gzipSync(tar([{ name: 'root/.cache/huggingface/token', data: Buffer.from(a) }]));
  const wheel = Buffer.from(zipSync({ 'pkg/config.py': Buffer.from(`# cfg\nTOKEN = "${b}"\n`) }));
  const long = `very/${'deep/'.repeat(30)}settings.env`;
  const image = tar([
    { name: 'blobs/sha256/', type: '5' },
    { name: 'blobs/sha256/0a1b2c', data: layer },
    { name: 'dist/pkg-1.0-py3-none-any.whl', data: wheel },
    { name: '././@LongLink', type: 'L', data: Buffer.from(`${long}\0`) },
    { name: long.slice(0, 100), data: Buffer.from(`x=1\nHF_TOKEN=${c}\n`) },
    { name: 'PaxHeaders/p', type: 'x', data: Buffer.from(`${`path=pax/named.txt\n`.length + 3} path=pax/named.txt\n`) },
    { name: 'truncated-name', data: Buffer.from(`\n\n  ${d}`) },
  ]);
  const expected = [
    ['image.tar!blobs/sha256/0a1b2c!0a1b2c!root/.cache/huggingface/token', 1, 1, a],
    ['image.tar!dist/pkg-1.0-py3-none-any.whl!pkg/config.py', 2, 10, b],
    [`image.tar!${long}`, 2, 10, c],
    ['image.tar!pax/named.txt', 3, 3, d],
  ];

  it('scans each member as its own file: gzip layers and wheels opened, GNU and pax long names', () => {
    const r = scan(image);
    expect(r.where).toEqual(expected);
    expect(r.warnings).toEqual([]);
  });

  it('reads the archive the same in pieces of any size', () => {
    for (const pieces of [3, 97, 1500]) expect(scan(image, 'image.tar', pieces).where, String(pieces)).toEqual(expected);
  });

  it('a .tar.gz is a tar inside gzip', () => {
    expect(scan(gzipSync(image), 'image.tar.gz').where.map((w) => w[0])).toEqual(expected.map((w) => `image.tar.gz!image.tar!${String(w[0]).slice('image.tar!'.length)}`));
  });

  it('a damaged header: a warning, and everything after it scanned as raw bytes', () => {
    const broken = tar([
      { name: 'ok.txt', data: Buffer.from(`T=${a}\n`) },
      { name: 'bad.txt', data: Buffer.from(`T=${b}\n`), damage: true },
      { name: 'after.txt', data: Buffer.from(`T=${c}\n`) },
    ]);
    const r = scan(broken);
    expect(r.where.map((w) => [w[0], w[3]])).toEqual([
      ['image.tar!ok.txt', a],
      ['image.tar', b],
      ['image.tar', c],
    ]);
    expect(r.warnings).toEqual(['image.tar: a tar header with a bad checksum; the rest is scanned as raw bytes']);
  });

  it('a file that only looks like a tar (no valid checksum) is plain bytes', () => {
    const fake = header('x.txt', 40, '0', true);
    const r = scan(Buffer.concat([fake, Buffer.from(`T=${a}\n`)]), 'fake.bin');
    expect(r.where.map((w) => [w[0], w[3]])).toEqual([['fake.bin', a]]);
  });
});

describe('tar: no byte goes unread', () => {
  const [a, b, c, d, e] = [gen.userToken(), gen.userToken(), gen.userToken(), gen.userToken(), gen.userToken()];
  it('scans as raw bytes what is no regular member: link targets, other entry types, what follows the end', () => {
    const link = header('ln', 0, '2');
    link.write(`/tmp/${a}`, 157, 'latin1'); // the symlink's target
    let sum = 0;
    link.fill(0x20, 148, 156);
    for (const x of link) sum += x;
    link.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const archive = Buffer.concat([
      link,
      tar([{ name: 'sparse', type: 'S', data: Buffer.from(`T=${b}\n`) }, { name: 'hard', type: '1', data: Buffer.from(`T=${c}\n`) }]),
      Buffer.from(`\ntrailing T=${d}\n`),
    ]);
    expect(scan(archive).where.map((w) => [w[0], w[3]])).toEqual([['image.tar', a], ['image.tar', b], ['image.tar', c], ['image.tar', d]]);
  });
  it('a long-name or pax entry of size 0 hides nothing; one whose size lies is read as bytes', () => {
    for (const type of ['L', 'x']) {
      const r = scan(tar([{ name: 'meta', type }, { name: 'f.txt', data: Buffer.from(`T=${e}\n`) }]));
      expect(r.where, type).toEqual([['image.tar!f.txt', 1, 3, e]]);
    }
    const lying = Buffer.concat([header('././@LongLink', 50 << 20, 'L'), header('f.txt', 10, '0'), Buffer.from(`T=${e}\n`)]);
    expect(scan(lying).where.map((w) => [w[0], w[3]])).toEqual([['image.tar', e]]);
  });
});

describe('tar nesting', () => {
  it('a tar of a tar of a tar... is opened a bounded number of times, then scanned as bytes', () => {
    const t = gen.userToken();
    let nested = tar([{ name: 'token.txt', data: Buffer.from(`T=${t}\n`) }]);
    for (let i = 0; i < 40; i++) nested = tar([{ name: `l${i}.tar`, data: nested }]);
    const r = scan(nested, 'deep.tar');
    expect(r.where.map((w) => w[3])).toEqual([t]);
    expect(String(r.where[0]![0]).split('!')).toHaveLength(17);
  });
});

describe('tar and the decompression budget', () => {
  it('a layer that spends the budget of a .tar.gz: both the layer and the outer archive are listed as cut', () => {
    const t = gen.userToken();
    // Incompressible bytes first, so the outer archive is inflated piece by piece (not at
    // once), then a layer that inflates past what is left, then a file the cut leaves out.
    const noise = randomBytes(9 << 20);
    const layer = gzipSync(Buffer.alloc(16 << 20));
    const image = gzipSync(tar([{ name: 'noise.bin', data: noise }, { name: 'blobs/layer', data: layer }, { name: 'more.bin', data: randomBytes(2 << 20) }, { name: 'after.env', data: Buffer.from(`T=${t}\n`) }]));
    const skipped: string[] = [];
    const s = openContent(detector, 'image.tar.gz', { match: () => undefined, warn: () => undefined, skip: (p) => skipped.push(p) }, { archiveDepth: 3, archiveBytes: 12 << 20 });
    s.push(image);
    s.end();
    expect(skipped.sort()).toEqual(['image.tar.gz', 'image.tar.gz!image.tar!blobs/layer']);
  });
});
