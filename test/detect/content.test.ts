// Content streams and archives: the decompression budget holds while inflating, and
// content that only looks like an archive is still scanned. Inputs are built at run
// time; tokens come from tokenGenerator, never literals.
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { Unzip, UnzipPassThrough, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Match } from '../../src/core/types.ts';
import { type ContentOptions, DEFAULT_CONTENT_OPTIONS, openContent } from '../../src/detect/content.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { builtinRules } from '../../src/rules/builtin.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import { seededBytes } from '../helpers/detect.ts';

const detector = createDetector(builtinRules());
const gen = tokenGenerator(7);
const MB = 1 << 20;

interface Run {
  found: { path: string; m: Match }[];
  warnings: string[];
  skipped: { path: string; reason: string }[];
  inflated: number;
  largestBurst: number;
}

/** Streams `buf` through openContent in `piece`-sized pushes (as a file read would), after a first push of `first` bytes if given. */
function run(buf: Uint8Array, path: string, opts: Partial<ContentOptions> = {}, piece = buf.length || 1, first = 0): Run {
  const r: Run = { found: [], warnings: [], skipped: [], inflated: 0, largestBurst: 0 };
  const s = openContent(
    detector,
    path,
    {
      match: (p, m) => r.found.push({ path: p, m }),
      warn: (w) => r.warnings.push(w),
      skip: (p, reason) => r.skipped.push({ path: p, reason }),
      inflated: (n) => {
        r.inflated += n;
        r.largestBurst = Math.max(r.largestBurst, n);
      },
    },
    { ...DEFAULT_CONTENT_OPTIONS, ...opts },
  );
  if (first) s.push(Buffer.from(buf.subarray(0, first)));
  for (let i = first; i < buf.length; i += piece) s.push(Buffer.from(buf.subarray(i, i + piece)));
  s.end();
  return r;
}

describe('text in pieces', () => {
  it('warns of invalid UTF-8 only for what is invalid, not for a character a short first piece cuts', () => {
    const text = Buffer.from(`# données, naïve café\nHF_TOKEN="${gen.userToken()}"\n${'é'.repeat(300)}\n`);
    for (let first = 1; first < 40; first++) {
      const r = run(text, 'a.txt', {}, 4096, first);
      expect(r.warnings, `first piece ${first}`).toEqual([]);
      expect(r.found, `first piece ${first}`).toHaveLength(1);
    }
    const bad = Buffer.concat([Buffer.from('abc '), Buffer.from([0xff, 0xfe]), Buffer.from(' def\n')]);
    expect(run(bad, 'b.txt', {}, 4096, 3).warnings).toEqual(['b.txt: not valid UTF-8; scanned as bytes']);
  });
});

describe('the decompression budget holds while inflating', () => {
  it('stops a gzip bomb within one input piece of the budget', () => {
    // 1 GiB of zeros: 16 gzip members of 64 MB each (about 1 MB on disk).
    const member = gzipSync(Buffer.alloc(64 * MB));
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => member));
    const r = run(bomb, 'bomb.gz', { archiveBytes: 8 * MB });
    expect(r.skipped).toEqual([{ path: 'bomb.gz', reason: 'archive holds more than 8 MB decompressed; the rest was not scanned' }]);
    expect(r.inflated).toBeGreaterThanOrEqual(8 * MB);
    expect(r.inflated).toBeLessThanOrEqual(8 * MB + 17 * MB);
    expect(r.largestBurst).toBeLessThanOrEqual(17 * MB);
  });

  it('stops a zip bomb within one input piece of the budget', () => {
    const zip = zipSync({ 'zeros.bin': new Uint8Array(32 * MB), 'more.bin': new Uint8Array(16 * MB) });
    const r = run(zip, 'bomb.zip', { archiveBytes: 4 * MB });
    expect(r.skipped).toEqual([{ path: 'bomb.zip', reason: 'archive holds more than 4 MB decompressed; the rest was not scanned' }]);
    expect(r.inflated).toBeGreaterThanOrEqual(4 * MB);
    expect(r.inflated).toBeLessThanOrEqual(4 * MB + 17 * MB);
  });

  it('scans the part of an over-budget gzip that fits: a token on line 1 is found', () => {
    const t = gen.userToken();
    // 40 MB of text in one gzip member: it inflates in bursts far larger than the budget.
    const log = gzipSync(Buffer.concat([Buffer.from(`HF_TOKEN=${t}\n`), Buffer.alloc(40 * MB, 'log line\n')]));
    expect(log.length).toBeLessThan(8 * MB); // the one-call path's size
    const r = run(log, 'train.log.gz', { archiveBytes: 16 * MB });
    expect(r.found.map((x) => [x.path, x.m.line, x.m.secret])).toEqual([['train.log.gz!train.log', 1, t]]);
    expect(r.skipped.map((s) => s.path)).toEqual(['train.log.gz']);
  });

  it('scans up to the last byte the budget allows, inside a burst', () => {
    const t = gen.userToken();
    const text = Buffer.concat([Buffer.alloc(MB / 2, 'a\n'), Buffer.from(`HF_TOKEN=${t}\n`), Buffer.alloc(40 * MB, 'b\n')]);
    const r = run(gzipSync(text), 'x.gz', { archiveBytes: MB });
    expect(r.found.map((x) => x.m.secret)).toEqual([t]);
  });

});

describe('content that only looks like an archive', () => {
  it('scans a file with zip magic bytes that is not a zip as raw bytes', () => {
    const t = gen.userToken();
    const buf = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), seededBytes(100, 1), Buffer.from(`HF_TOKEN=${t}`)]);
    for (const piece of [buf.length, 7]) {
      const r = run(buf, 'weights.bin', {}, piece);
      expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['weights.bin', t]]);
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatch(/^weights\.bin: corrupt zip archive \(.*\); scanned as raw bytes$/);
    }
  });

  it('scans a binary with gzip magic bytes that is not gzip as raw bytes', () => {
    const t = gen.userToken();
    const buf = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x00]), seededBytes(200, 2), Buffer.from(`\x00hub_token ${t}\x00`, 'latin1'), seededBytes(50, 3)]);
    const r = run(buf, 'state.bin');
    expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['state.bin', t]]);
    // Not deflate (method 0): plain bytes from the start, nothing to warn about.
    expect(r.warnings).toEqual([]);
  });

  it('scans as raw bytes a gzip header whose file name never ends (fflate would wait for ever)', () => {
    const t = gen.userToken();
    const buf = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x08, 0, 0, 0, 0, 0, 3]), Buffer.alloc(70 << 10, 'a'), Buffer.from(` hub_token ${t} `, 'latin1')]);
    const r = run(buf, 'odd.bin');
    expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['odd.bin', t]]);
  });

  it('scans what a truncated gzip inflated before the error', () => {
    const t = gen.userToken();
    const lines = Array.from({ length: 4000 }, (_, i) => `step ${i} loss ${(1 / (i + 1)).toFixed(6)}`).join('\n');
    const gz = gzipSync(Buffer.from(`HF_TOKEN=${t}\n${lines}\n`));
    const truncated = gz.subarray(0, gz.length >> 1);
    const r = run(truncated, 'run.log.gz');
    expect(r.found.map((x) => [x.path, x.m.line, x.m.secret])).toEqual([['run.log.gz!run.log', 1, t]]);
    expect(r.warnings).toEqual([expect.stringMatching(/^run\.log\.gz: corrupt gzip data \(.*\); scanned as raw bytes$/)]);
  });

  it('scans text appended after a gzip member as raw bytes, small or streamed', () => {
    const [a, b] = [gen.userToken(), gen.userToken()];
    for (const [member, piece] of [[gzipSync(Buffer.from(`log line\nHF_TOKEN=${a}\n`)), 0], [gzipSync(Buffer.concat([Buffer.from(`HF_TOKEN=${a}\n`), seededBytes(10 * MB, 5)]), { level: 0 }), MB]] as const) {
      const file = Buffer.concat([member, Buffer.from(`\nexport HF_TOKEN=${b}\n`)]);
      const r = run(file, 'app.log.gz', {}, piece || file.length);
      expect(r.found.map((x) => x.m.secret), `piece ${piece}`).toContain(a);
      expect(r.found.filter((x) => x.path === 'app.log.gz').map((x) => x.m.secret), `piece ${piece}`).toEqual([b]);
      expect(r.warnings, `piece ${piece}`).toEqual([expect.stringMatching(/^app\.log\.gz: corrupt gzip data \(.*\); (scanned as raw bytes|the \d+ KB before the damage and all after it scanned as raw bytes)$/)]);
    }
  });

  it('reads past NUL padding after a gzip member: nothing, another member, or text scanned as raw bytes', () => {
    const [a, b] = [gen.userToken(), gen.userToken()];
    const member = gzipSync(Buffer.from(`HF_TOKEN=${a}\n`));
    const pad = Buffer.alloc(3);
    const padded = run(Buffer.concat([member, pad, Buffer.alloc(500)]), 'x.gz');
    expect([padded.found.map((x) => x.m.secret), padded.warnings]).toEqual([[a], []]);
    const second = run(Buffer.concat([member, pad, gzipSync(Buffer.from(`B=${b}\n`))]), 'x.gz');
    expect([second.found.map((x) => x.m.secret), second.warnings]).toEqual([[a, b], []]);
    // The start of a member cut short after the padding is damage too.
    for (const stub of [[0x1f, 0x8b], [0x1f, 0x8b, 0x08]]) {
      expect(run(Buffer.concat([member, Buffer.alloc(4), Buffer.from(stub)]), 'x.gz').warnings, stub.join()).toEqual([expect.stringMatching(/^x\.gz: corrupt gzip data/)]);
    }
    const text = run(Buffer.concat([member, pad, Buffer.from(`\nB=${b}\n`)]), 'x.gz');
    expect(text.found.map((x) => x.m.secret)).toEqual([a, b]);
    expect(text.warnings).toEqual(['x.gz: corrupt gzip data (data after its last member); scanned as raw bytes']);
  });

  it('reads an empty last member (the end bgzip writes) and a large member after NUL padding as sound', () => {
    const [a, b] = [gen.userToken(), gen.userToken()];
    const big = gzipSync(Buffer.concat([Buffer.from(`HF_TOKEN=${a}\n`), seededBytes(9 * MB, 12)]), { level: 0 });
    const bgzf = run(Buffer.concat([big, gzipSync(Buffer.alloc(0))]), 'calls.vcf.gz', {}, MB);
    expect([bgzf.found.map((x) => x.m.secret), bgzf.warnings]).toEqual([[a], []]);
    // A small file whose member after the padding inflates too large for one call: read as a stream instead.
    const large = gzipSync(Buffer.concat([Buffer.from(`B=${b}\n`), Buffer.alloc(20 * MB, 'log line\n')]));
    const padded = run(Buffer.concat([gzipSync(Buffer.from(`A=${a}\n`)), Buffer.alloc(3), large]), 'x.gz');
    expect([padded.found.map((x) => x.m.secret), padded.warnings]).toEqual([[a, b], []]);
  });

  it('reports a token of a stored member once when the archive is damaged after it', () => {
    const t = gen.userToken();
    // The token near the member's end: in the raw megabyte kept before the damage too.
    const zip = zipSync({ 'b.txt': Buffer.concat([seededBytes(12 * MB, 14), Buffer.from(`\nT=${t}\n`), Buffer.alloc(5000, 'x')]) }, { level: 0 });
    const r = run(zip.subarray(0, zip.length - 200), 'x.zip', {}, MB);
    expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['x.zip!b.txt', t]]);
  });

  it('scans what a large truncated gzip inflated before the error (streaming path)', () => {
    const t = gen.userToken();
    const gz = gzipSync(Buffer.concat([Buffer.from(`HF_TOKEN=${t}\n`), seededBytes(12 * MB, 4)]), { level: 0 });
    const r = run(gz.subarray(0, gz.length - 1000), 'dump.gz', {}, 1 * MB);
    expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['dump.gz!dump', t]]);
  });
});

describe('a gzip member whose data fails its trailer check', () => {
  /** A copy of a gzip member with its trailer's CRC-32 (or, with `at` 4, its length) changed by one. */
  const spoil = (gz: Buffer, at = 0) => {
    const out = Buffer.from(gz);
    const i = out.length - 8 + at;
    out.writeUInt32LE((out.readUInt32LE(i) + 1) >>> 0, i);
    return out;
  };
  const logWith = (t: string, bytes = 0) => Buffer.concat([Buffer.from(`HF_TOKEN=${t}\n`), Buffer.alloc(bytes, 'log line ok\n')]);
  const WARNING = /^run\.log\.gz: corrupt gzip data \(its CRC-32 or length check failed\); what was decompressed was scanned$/;

  it('is scanned with one warning, in one call (small) or streamed (large), for a bad CRC-32 or length', () => {
    const t = gen.userToken();
    const small = gzipSync(logWith(t, 100_000));
    const large = gzipSync(Buffer.concat([logWith(t), seededBytes(12 * MB, 9)]), { level: 0 });
    for (const [gz, piece] of [[spoil(small), small.length], [spoil(small, 4), 4096], [spoil(large), MB], [spoil(large, 4), 100_000]] as const) {
      const r = run(gz, 'run.log.gz', {}, piece);
      expect(r.found.map((x) => [x.path, x.m.line, x.m.secret])).toEqual([['run.log.gz!run.log', 1, t]]);
      expect(r.warnings).toEqual([expect.stringMatching(WARNING)]);
    }
    // Sound data: not a word, a few NULs of padding after it included (gzip ignores them;
    // from four on, fflate reads them as a broken member: a warning, noted as a known gap).
    for (const gz of [small, large]) {
      for (const pad of [0, 1, 2, 3]) expect(run(Buffer.concat([gz, Buffer.alloc(pad)]), 'run.log.gz', {}, MB).warnings, `pad ${pad}`).toEqual([]);
    }
  });

  it('checks each member of a multi-member gzip against its own trailer, warning once', () => {
    const t = gen.userToken();
    // Over 8 MB in all: streamed through fflate, which reads across the members.
    const members = [gzipSync(logWith(t, 50_000)), gzipSync(seededBytes(9 * MB, 10), { level: 0 }), gzipSync(logWith(gen.userToken(), 2_000_000))];
    expect(run(Buffer.concat(members), 'run.log.gz', {}, 64 << 10).warnings).toEqual([]);
    for (const bad of [0, 1, 2]) {
      const spoiled = members.map((m, i) => (i === bad || (bad === 0 && i === 2) ? spoil(m) : m));
      const r = run(Buffer.concat(spoiled), 'run.log.gz', {}, 64 << 10);
      expect(r.warnings).toEqual([expect.stringMatching(WARNING)]);
      expect(r.found.map((x) => x.m.secret)).toContain(t);
    }
  });
});

describe('zip members and nesting that are not opened', () => {
  it('gives one warning and a skip entry for a member compressed with bzip2', () => {
    const t = gen.userToken();
    const zip = Buffer.from(zipSync({ 'model.bin': seededBytes(4000, 5), 'conf.env': Buffer.from(`HF_TOKEN=${t}\n`) }, { level: 0 }));
    // Mark model.bin as bzip2 (method 12) in its local header and central directory entry.
    zip.writeUInt16LE(12, 8);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt16LE(12, central + 10);
    const r = run(zip, 'm.zip');
    expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['m.zip!conf.env', t]]);
    expect(r.warnings).toEqual(['m.zip!model.bin: compressed with bzip2 (method 12); not scanned']);
    expect(r.skipped).toEqual([{ path: 'm.zip!model.bin', reason: 'zip member compressed with bzip2 (method 12), which hfleaks cannot decompress' }]);
  });

  it('lists an archive nested deeper than the depth limit as skipped, and still scans its bytes', () => {
    const t = gen.userToken();
    const inner = zipSync({ 'secret.txt': Buffer.from(`HF_TOKEN=${t}\n`) }, { level: 0 });
    const outer = zipSync({ 'inner.zip': inner }, { level: 0 });
    const r = run(outer, 'o.zip', { archiveDepth: 1 });
    expect(r.skipped).toEqual([{ path: 'o.zip!inner.zip', reason: 'archive nested deeper than --archive-depth 1' }]);
    expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['o.zip!inner.zip', t]]);
    // With --archive-depth 0 no archive is opened, and each says so.
    expect(run(outer, 'o.zip', { archiveDepth: 0 }).skipped).toEqual([{ path: 'o.zip', reason: 'archive not opened (--archive-depth 0)' }]);
  });
});

/**
 * A streamed zip as some writers make it: each member's sizes in a data descriptor after
 * its data, without the optional PK\x07\x08 signature, and no central directory needed
 * to read it front to back.
 */
function zipWithBareDescriptors(members: [string, string][]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, text] of members) {
    const data = Buffer.from(text);
    const packed = deflateRawSync(data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(0x0008, 6); // sizes and CRC follow the data
    head.writeUInt16LE(8, 8); // deflate
    head.writeUInt16LE(Buffer.byteLength(name), 26);
    const tail = Buffer.alloc(12);
    tail.writeUInt32LE(crc32(data), 0);
    tail.writeUInt32LE(packed.length, 4);
    tail.writeUInt32LE(data.length, 8);
    parts.push(head, Buffer.from(name), packed, tail);
  }
  return Buffer.concat(parts);
}

describe('zip members whose descriptors have no signature', () => {
  it('scans every member (fflate announces the next one before this one ends)', () => {
    const [a, b] = [gen.userToken(), gen.userToken()];
    const zip = zipWithBareDescriptors([
      ['a.env', `HF_TOKEN=${a}\n`],
      ['b.txt', `other = "${b}"\n`],
    ]);
    for (const piece of [zip.length, 7, 64]) {
      const r = run(zip, 'stream.zip', {}, piece);
      expect(r.found.map((x) => [x.path, x.m.secret]).sort(), `piece ${piece}`).toEqual([
        ['stream.zip!a.env', a],
        ['stream.zip!b.txt', b],
      ]);
    }
  });
});


/** A zip of members already deflated (method 8), their sizes in the local headers, no central directory. */
function zipOfDeflated(members: [string, Buffer, number][]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, packed, size] of members) {
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(8, 8); // deflate
    head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(size, 22);
    head.writeUInt16LE(Buffer.byteLength(name), 26);
    parts.push(head, Buffer.from(name), packed);
  }
  return Buffer.concat(parts);
}

describe('deflated zip members, inflated in one call or streamed', () => {
  it('finds tokens in members too large for one call, by their input or their output', () => {
    const [a, b, c] = [gen.userToken(), gen.userToken(true), gen.userToken()];
    const zip = zipSync({
      'small.env': Buffer.from(`HF_TOKEN=${a}\n`),
      // 20 MB of log from a small input: past what one call gives out, streamed.
      'big.log': Buffer.concat([Buffer.alloc(20 * MB, 'log line\n'), Buffer.from(`token: ${b}\n`)]),
      // 9 MB of random bytes deflate to more than one call takes in: streamed from the start.
      'weights.bin': Buffer.concat([seededBytes(9 * MB, 21), Buffer.from(`\0hub_token ${c}\0`, 'latin1')]),
    });
    for (const piece of [zip.length, MB]) {
      const r = run(zip, 'm.zip', {}, piece);
      expect(r.found.map((x) => [x.path, x.m.secret]).sort(), `piece ${piece}`).toEqual(
        [['m.zip!small.env', a], ['m.zip!big.log', b], ['m.zip!weights.bin', c]].sort(),
      );
      expect(r.warnings).toEqual([]);
    }
  });

  it('scans what a member the archive ends inside inflated', () => {
    const [a, b] = [gen.userToken(), gen.userToken()];
    const first = Buffer.from(`A=${a}\n`);
    // Deflated for real: the token can be read only by inflating the part that is there.
    const text = Buffer.concat([Buffer.from(`HF_TOKEN=${b}\n`), Buffer.alloc(MB, 'log line\n')]);
    const packed = deflateRawSync(text);
    const zip = zipOfDeflated([['a.env', deflateRawSync(first), first.length], ['run.log', packed, text.length]]);
    const cut = zip.subarray(0, zip.length - (packed.length >> 1));
    for (const piece of [cut.length, 7, 4096]) {
      const r = run(cut, 'm.zip', {}, piece);
      expect(r.found.map((x) => [x.path, x.m.secret]), `piece ${piece}`).toEqual([['m.zip!a.env', a], ['m.zip!run.log', b]]);
    }
  });

  it('scans what a damaged member inflated before its damage, warns, and reads the next member', () => {
    const [a, b] = [gen.userToken(), gen.userToken()];
    const text = Buffer.concat([Buffer.from(`HF_TOKEN=${a}\n`), Buffer.alloc(100_000, 'log line\n')]);
    // Stored blocks: the second block's header says type 3, which does not exist.
    const damaged = deflateRawSync(text, { level: 0 });
    damaged[5 + damaged.readUInt16LE(1)] = 0b110;
    const next = Buffer.from(`B=${b}\n`);
    const zip = zipOfDeflated([['run.log', damaged, text.length], ['b.env', deflateRawSync(next), next.length]]);
    const r = run(zip, 'm.zip');
    expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['m.zip!run.log', a], ['m.zip!b.env', b]]);
    expect(r.warnings).toEqual([expect.stringMatching(/^m\.zip!run\.log: cannot decompress \(.+\); skipped$/)]);
  });
});

describe('lines of raw bytes an archive kept after dropping those before', () => {
  it('counts from the start of the file: text appended after a large zip', () => {
    const t = gen.userToken();
    const zip = Buffer.from(zipSync({ 'weights.bin': [seededBytes(12 * MB, 30), { level: 0 }] }));
    const file = Buffer.concat([zip, Buffer.from(`\nHF_TOKEN=${t}\n`)]);
    let lines = 0;
    for (let i = file.indexOf(10); i !== -1 && i < zip.length + 1; i = file.indexOf(10, i + 1)) lines++;
    for (const piece of [MB, 100_000]) {
      const r = run(file, 'model.zip', {}, piece);
      expect(r.found.map((x) => [x.path, x.m.secret, x.m.line, x.m.column, x.m.offset]), `piece ${piece}`).toEqual([['model.zip', t, lines + 1, 10, zip.length + 10]]);
    }
  });
});

describe('a zip of many members', () => {
  it("relies on fflate's Unzip keeping its members' chunk lists in `k`, newest first (content.ts trims it)", () => {
    const zip = zipSync({ 'a.txt': [Buffer.from('a'), { level: 0 }], 'b.txt': [Buffer.from('b'), { level: 0 }], 'c.txt': [Buffer.from('c'), { level: 0 }] });
    const lengths: number[] = [];
    const uz: Unzip = new Unzip((file) => {
      lengths.push((uz as unknown as { k: unknown[] }).k.length);
      file.ondata = () => undefined;
      file.start();
    });
    uz.register(UnzipPassThrough);
    uz.push(zip, true);
    expect(lengths).toEqual([1, 2, 3]);
  });

  it('reads every member of a zip of 30,000, the last one too', () => {
    const t = gen.userToken();
    const files: Record<string, [Uint8Array, { level: 0 }]> = {};
    for (let i = 0; i < 30_000; i++) files[`d/f${i}.txt`] = [Buffer.from(`x=${i}\n`), { level: 0 }];
    files['d/last.env'] = [Buffer.from(`HF_TOKEN=${t}\n`), { level: 0 }];
    const r = run(Buffer.from(zipSync(files)), 'many.zip', {}, MB);
    expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['many.zip!d/last.env', t]]);
  });
});

describe('what a zip holds outside its members', () => {
  it("finds a token in the archive's comment, a member's comment or name, and text appended after its end", () => {
    const [a, b, c, d, e] = [gen.userToken(), gen.userToken(), gen.userToken(), gen.userToken(true), gen.userToken()];
    const zip = Buffer.from(
      zipSync({
        // A comment that ends with the token: the next record's signature (`PK\x01\x02`) follows it.
        [`keys/${c}.txt`]: [Buffer.from('nothing here\n'), { comment: `uploaded with ${b}` }],
        'run.log': [Buffer.from(`HF_TOKEN=${e}\n`), { level: 0 }],
      }),
    );
    // The archive's comment: the last field of the end of central directory record.
    const comment = Buffer.from(`token: ${a}`);
    zip.writeUInt16LE(comment.length, zip.length - 2);
    const file = Buffer.concat([zip, comment, Buffer.from(`\nappended ${d}\n`)]);
    for (const piece of [file.length, 100]) {
      const r = run(file, 'm.zip', {}, piece);
      const found = r.found.map((x) => [x.path, x.m.secret]);
      for (const [i, t] of [a, b, c, d].entries()) expect(found.map(([p, x]) => [p, x === t]), `piece ${piece}, token ${i}`).toContainEqual(['m.zip', true]);
      // A token a stored member holds is reported at the member, not again at the archive.
      expect(found.filter(([, s]) => s === e)).toEqual([['m.zip!run.log', e]]);
      // (The member's name stands twice: in its local header and in the central directory.)
      expect(found.filter(([, s]) => s === c)).toHaveLength(2);
      expect(new Set(found.map(([, s]) => s)).size).toBe(5);
      expect(r.warnings).toEqual([]);
    }
  });
});

describe('compressed data hfleaks cannot open', () => {
  const formats: [string, number[]][] = [
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
    ['bzip2', [...Buffer.from('BZh9'), 0x31, 0x41, 0x59, 0x26, 0x53, 0x59]],
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
    ['LZ4', [0x04, 0x22, 0x4d, 0x18]],
    ['7-Zip', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
    ['RAR', [...Buffer.from('Rar!'), 0x1a, 0x07, 0x00]],
  ];
  it.each(formats)('lists %s data as not decompressed, warns, and still scans its raw bytes', (name, magic) => {
    const t = gen.userToken();
    // (A literal run the compressor left as it was: what raw bytes can show.)
    const file = Buffer.concat([Buffer.from(magic), seededBytes(300, 23), Buffer.from(`\0HF_TOKEN=${t}\0`, 'latin1'), seededBytes(100, 24)]);
    for (const piece of [file.length, 3]) {
      const r = run(file, 'logs.tar.x', {}, piece);
      const why = `${name} data, which hfleaks cannot decompress; only its raw bytes were scanned`;
      expect(r.skipped, `${name}, piece ${piece}`).toEqual([{ path: 'logs.tar.x', reason: why }]);
      expect(r.warnings).toEqual([`logs.tar.x: ${why}`]);
      expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['logs.tar.x', t]]);
    }
  });

  it('says a zip member is encrypted, not corrupt (zip -P), and reads the members that are not', () => {
    const t = gen.userToken();
    const plainText = Buffer.from(`HF_TOKEN=${t}\n`);
    // ZipCrypto: bit 0 of the flags, then a 12-byte header and the data, both enciphered.
    const zip = zipOfDeflated([
      ['secrets.env', seededBytes(200, 26), 180],
      ['notes.env', deflateRawSync(plainText), plainText.length],
    ]);
    zip.writeUInt16LE(1, 6);
    const r = run(zip, 'backup.zip');
    expect(r.skipped).toEqual([{ path: 'backup.zip!secrets.env', reason: 'encrypted zip member; its contents cannot be read' }]);
    expect(r.warnings).toEqual(['backup.zip!secrets.env: encrypted; not scanned']);
    expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['backup.zip!notes.env', t]]);
  });

  it('lists an AES-encrypted first member by its method and reads the others', () => {
    const t = gen.userToken();
    const plainText = Buffer.from(`HF_TOKEN=${t}\n`);
    const zip = zipOfDeflated([
      ['secret.bin', seededBytes(200, 29), 180],
      ['notes.env', deflateRawSync(plainText), plainText.length],
    ]);
    zip.writeUInt16LE(1, 6); // encrypted
    zip.writeUInt16LE(99, 8); // AES (WinZip AE-x)
    const r = run(zip, 'backup.zip');
    expect(r.skipped).toEqual([{ path: 'backup.zip!secret.bin', reason: 'zip member compressed with AES encryption (method 99), which hfleaks cannot decompress' }]);
    expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['backup.zip!notes.env', t]]);
  });

  it('lists every encrypted member, after a directory entry or a plain member too, each piece size', () => {
    const t = gen.userToken();
    const plainText = Buffer.from(`HF_TOKEN=${t}\n`);
    const name = `logs/${'x'.repeat(200)}.log`;
    const zip = zipOfDeflated([
      ['keys/', Buffer.alloc(0), 0],
      ['notes.env', deflateRawSync(plainText), plainText.length],
      ['a.env', seededBytes(300, 31), 280],
      [name, seededBytes(300, 32), 280],
    ]);
    // Bit 0 of the flags of the third and fourth members' local headers.
    let at = 0;
    for (const [n, data] of [['keys/', 0], ['notes.env', deflateRawSync(plainText).length], ['a.env', 300], [name, 300]] as const) {
      if (n === 'a.env' || n === name) zip.writeUInt16LE(1, at + 6);
      at += 30 + Buffer.byteLength(n) + data;
    }
    for (const piece of [zip.length, 7, 100]) {
      const r = run(zip, 'backup.zip', {}, piece);
      expect(r.skipped, `piece ${piece}: ${JSON.stringify(r.skipped)} ${JSON.stringify(r.warnings)}`).toEqual([
        { path: 'backup.zip!a.env', reason: 'encrypted zip member; its contents cannot be read' },
        { path: `backup.zip!${name}`, reason: 'encrypted zip member; its contents cannot be read' },
      ]);
      expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([['backup.zip!notes.env', t]]);
    }
  });

  it('lists a member that cannot be decompressed, and says so in an encrypted archive', () => {
    const zip = zipOfDeflated([
      ['a.env', seededBytes(200, 27), 180],
      ['b.env', seededBytes(200, 28), 180],
    ]);
    zip.writeUInt16LE(1, 6);
    // (The second member's flags don't say so: a member that fails in an archive with encrypted ones.)
    zip.writeUInt16LE(0, 30 + 'a.env'.length + 200 + 6);
    const r = run(zip, 'backup.zip');
    expect(r.skipped.map((x) => x.path)).toEqual(['backup.zip!a.env', 'backup.zip!b.env']);
    expect(r.skipped[1]!.reason).toMatch(/^cannot decompress \(.+; the archive is encrypted\)$/);
  });

  it('names the member when such data is inside an archive, and leaves text that merely starts alike alone', () => {
    const zip = zipSync({ 'data.jsonl.zst': new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, ...seededBytes(64, 25)]), 'notes.txt': Buffer.from('BZh9 is how bzip2 files start\n') });
    const r = run(zip, 'm.zip');
    expect(r.skipped).toEqual([{ path: 'm.zip!data.jsonl.zst', reason: 'zstd data, which hfleaks cannot decompress; only its raw bytes were scanned' }]);
    expect(r.warnings, r.warnings.join('\n')).toHaveLength(1);
  });
});

describe('numpy arrays of strings, packed edge to edge in cells their header declares', () => {
  /** An .npy file (format 1.0) of `dtype` holding `cells`, each already padded to the width. */
  const npy = (dtype: string, cells: Buffer[]): Buffer => {
    let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${cells.length},), }`;
    header = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, ' ') + '\n';
    const head = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY\x01\x00', 'latin1'), Buffer.from([header.length & 0xff, header.length >> 8]), Buffer.from(header)]);
    return Buffer.concat([head, ...cells]);
  };
  const u32 = (s: string, le: boolean, width: number) => {
    const b = Buffer.alloc(4 * width);
    for (let i = 0; i < s.length; i++) le ? b.writeUInt32LE(s.charCodeAt(i), 4 * i) : b.writeUInt32BE(s.charCodeAt(i), 4 * i);
    return b;
  };
  const [a, b] = [gen.userToken(), gen.userToken(true)];
  const W = a.length; // the tokens are the longest strings: no NUL pads them

  it.each([
    ['<U (UTF-32LE)', '<U', (s: string) => u32(s, true, W), 'utf32le'],
    ['>U (UTF-32BE)', '>U', (s: string) => u32(s, false, W), 'utf32be'],
    ['S (bytes)', '|S', (s: string) => Buffer.from(s.padEnd(W, '\0'), 'latin1'), undefined],
  ] as const)('finds tokens that fill their cells next to others, %s', (_n, kind, cell, decoding) => {
    const file = npy(`${kind}${W}`, [cell(a), cell(b), cell('meta-llama/x'), cell(a)]);
    for (const piece of [file.length, 64, 1000]) {
      const r = run(file, 'keys.npy', {}, piece);
      const got = r.found.map((x) => [x.m.secret, x.m.decoding?.[0]]);
      expect(got, `piece ${piece}`).toEqual([
        [a, decoding],
        [b, decoding],
        [a, decoding],
      ]);
    }
  });
  it('finds them in an .npz member too, and not in the same bytes with no header declaring the cells', () => {
    const cells = [u32(a, true, W), u32(b, true, W)];
    const r = run(zipSync({ 'keys.npy': npy(`<U${W}`, cells) }), 'arrays.npz');
    expect(r.found.map((x) => [x.path, x.m.secret])).toEqual([
      ['arrays.npz!keys.npy', a],
      ['arrays.npz!keys.npy', b],
    ]);
    // Glued to its neighbour, with nothing to say where one string ends: no finding.
    expect(run(Buffer.concat(cells), 'raw.bin').found.map((x) => x.m.secret)).toEqual([]);
  });
  it('reads what follows the declared cells as it is: a second array saved to the same file, text after a small one', () => {
    const second = npy(`<U${W + 3}`, [u32(`${b}`, true, W + 3)]);
    const file = Buffer.concat([npy('<U5', [u32('abc', true, 5), u32('de', true, 5)]), second]);
    expect(run(file, 'two.npy').found.map((x) => x.m.secret)).toEqual([b]);
    const text = Buffer.concat([npy('|S4', [Buffer.from('abcd')]), Buffer.from(`\ntoken = ${a}\n`)]);
    expect(run(text, 'odd.npy').found.map((x) => x.m.secret)).toEqual([a]);
  });
  it('ends a JWT token that fills its cell at the cell, not in the string after it', () => {
    const jwt = gen.oauthToken();
    const Wj = jwt.length;
    for (const [dtype, cell] of [['<U', (x: string) => u32(x, true, Wj)], ['|S', (x: string) => Buffer.from(x.padEnd(Wj, '\0'), 'latin1')]] as const) {
      const r = run(npy(`${dtype}${Wj}`, [cell(jwt), cell('abc'), cell('def')]), 'jwt.npy');
      expect(r.found.map((x) => x.m.secret), dtype).toEqual([jwt]);
    }
  });
  it('still finds a NUL-padded token where the header lies about the width', () => {
    const file = npy('<U5', [u32(a, true, W + 3)]);
    expect(run(file, 'lies.npy').found.map((x) => x.m.secret)).toEqual([a]);
  });
});

describe('gzip written as base64 inside other content (H4sI…)', () => {
  const t = gen.userToken();
  const b64gz = (text: string) => gzipSync(Buffer.from(text)).toString('base64');

  it("opens Terraform's base64gzip user data in a state file, named by where the run starts", () => {
    const script = `#!/bin/bash\nexport HF_TOKEN=${t}\ndocker run -e HF_TOKEN tgi\n`;
    const encoded = b64gz(script);
    // (Past the first 512 bytes, which are sniffed as one piece.)
    const state = JSON.stringify({ version: 4, lineage: gen.body(600), resources: [{ instances: [{ attributes: { user_data_base64: encoded } }] }] }, null, 2);
    const at = state.indexOf(encoded);
    expect(at).toBeGreaterThan(600);
    // In any piece size, 1 to 3 bytes too: a run that straddles pushes, its `H4sI` too.
    for (const piece of [state.length, 4096, 97, 7, 5, 3, 2, 1]) {
      for (const shift of piece < 8 ? [0, 1, 2, 3] : [0]) {
        // (A first piece of another size moves every boundary.)
        const r = run(Buffer.from(state), 'infra/terraform.tfstate', {}, piece, 600 + shift);
        expect(r.found.map((f) => [f.path, f.m.secret, f.m.line, f.m.column]), `piece ${piece} shift ${shift}`).toEqual([[`infra/terraform.tfstate!base64-gzip@${at}`, t, 2, 17]]);
        expect(r.warnings).toEqual([]);
      }
    }
  });

  it("reads a run wrapped at 76 columns and indented (cloud-init's gz+b64 in a YAML block), and stops where the block ends", () => {
    const lines = Array.from({ length: 40 }, () => `# ${gen.body(40)}\n`).join('');
    const encoded = gzipSync(Buffer.from(`${lines}HF_TOKEN=${t}\n`)).toString('base64');
    expect(encoded.length).toBeGreaterThan(2 * 76);
    const block = encoded.replace(/.{76}/g, '$&\n').split('\n').map((l) => `      ${l}`).join('\n');
    for (const eol of ['\n', '\r\n']) {
      const yaml = `#cloud-config\nwrite_files:\n  - path: /etc/tgi.env\n    encoding: gz+b64\n    content: |\n${block}\n  - path: /etc/other\n    content: hello\n`.replace(/\n/g, eol);
      const r = run(Buffer.from(yaml), 'cloud-init.yaml', {}, 50);
      expect(r.found.map((f) => [f.m.secret, f.m.line]), eol).toEqual([[t, 41]]);
      expect(r.found[0]!.path).toBe(`cloud-init.yaml!base64-gzip@${yaml.indexOf('H4sI')}`);
      expect(r.warnings, eol).toEqual([]);
    }
  });

  it('ends a wrapped run whose last line is a full one where the next YAML key starts, without a warning', () => {
    // Content whose base64 fills its last line exactly, at 76 and at 64 columns.
    for (const width of [76, 64]) {
      let text = `HF_TOKEN=${t}\n`;
      let encoded = '';
      for (let pad = 0; ; pad++) {
        encoded = b64gz(`${'#'.repeat(pad)}\n${text}`);
        // (No padding: `=` would end the run by itself.)
        if (encoded.length % width === 0 && encoded.length > width && !encoded.endsWith('=')) break;
      }
      const block = encoded.replace(new RegExp(`.{${width}}`, 'g'), '    $&\n');
      const yaml = `data:\n  env.gz: |\n${block}  other: value\nkind: ConfigMap\n`;
      const r = run(Buffer.from(yaml), 'cm.yaml');
      expect(r.found.map((f) => f.m.secret), `${width}`).toEqual([t]);
      expect(r.warnings, `${width}`).toEqual([]);
    }
  });

  it("opens Helm's release secrets: gzip in base64, in a Kubernetes Secret's base64, in pieces of any size", () => {
    const release = JSON.stringify({ name: 'tgi', chart: { metadata: { name: 'text-generation-inference' } }, config: { env: { HF_TOKEN: t } }, manifest: gen.body(700) });
    const helm = Buffer.from(b64gz(release)).toString('base64');
    const secret = `apiVersion: v1\ndata:\n  release: ${helm}\nkind: Secret\nmetadata:\n  name: sh.helm.release.v1.tgi.v1\ntype: helm.sh/release.v1\n`;
    const at = secret.indexOf(helm);
    for (const piece of [secret.length, 4096, 97, 5, 3, 1]) {
      const r = run(Buffer.from(secret), 'helm.yaml', {}, piece, piece < 8 ? at - 2 : 0);
      expect(r.found.map((f) => [f.path, f.m.secret, f.m.line]), `piece ${piece}`).toEqual([[`helm.yaml!base64@${at}!base64-gzip@0`, t, 1]]);
      expect(r.warnings).toEqual([]);
    }
    // One archive level, as a .gz is; --no-decode leaves it closed.
    expect(run(Buffer.from(secret), 'helm.yaml', { archiveDepth: 0 }).skipped).toEqual([{ path: `helm.yaml!base64@${at}!base64-gzip@0`, reason: 'base64 gzip not opened (--archive-depth 0); read as text only' }]);
  });

  it("counts Helm runs' gzips against the file's limits, and never text that merely starts like one", () => {
    // Three Helm runs of 100 gzips each: 256 opened in all, then one listing.
    const small = (i: number) => b64gz(`HF_TOKEN=${i === 0 ? t : gen.body(10)}\n`);
    const helm = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `${small(i)}\n`).join('')).toString('base64');
    const three = `a: ${helm(100)}\nb: ${helm(100)}\nc: ${helm(100)}\n`;
    const r = run(Buffer.from(three), 'helm.yaml');
    expect(r.skipped).toEqual([{ path: expect.stringMatching(/^helm\.yaml!base64@\d+!base64-gzip@\d+$/), reason: 'more base64 gzip than hfleaks opens in one file (256, or 8 damaged); the rest read as text only' }]);
    expect(run(Buffer.from(three), 'helm.yaml', { archiveDepth: 0 }).skipped).toHaveLength(1);
    // 300 values whose base64 decodes to text starting H4sI, then a real run: still opened.
    const bait = Array.from({ length: 300 }, () => `k: ${Buffer.from(`H4sI and some words ${gen.body(20)}`).toString('base64')}\n`).join('');
    const real = run(Buffer.from(`${bait}v: ${b64gz(`HF_TOKEN=${t}\n`)}\n`), 'bait.yaml');
    expect(real.found.map((f) => f.m.secret)).toEqual([t]);
    expect(real.skipped).toEqual([]);
  });

  it('says at most 8 times that runs are damaged, then leaves the rest closed and lists them once', () => {
    const broken = b64gz(`HF_TOKEN=${t}\n${'x'.repeat(2000)}`).slice(0, 60);
    const text = Array.from({ length: 50 }, (_, i) => `k${i}: ${broken}\n`).join('');
    const r = run(Buffer.from(text), 'many.yaml');
    expect(r.warnings).toHaveLength(8);
    expect(r.skipped).toEqual([{ path: expect.stringMatching(/^many\.yaml!base64-gzip@\d+$/), reason: 'more base64 gzip than hfleaks opens in one file (256, or 8 damaged); the rest read as text only' }]);
    // What a sound gzip's content warns of (bytes that are not UTF-8) is no damage.
    const latin1 = gzipSync(Buffer.concat([Buffer.from('caf\xe9 ', 'latin1'), Buffer.from(`HF_TOKEN=${t}\n`)])).toString('base64');
    const ok = run(Buffer.from(Array.from({ length: 12 }, (_, i) => `k${i}: ${latin1}\n`).join('')), 'latin.yaml');
    expect(ok.found).toHaveLength(12);
    expect(ok.skipped).toEqual([]);
  });

  it('lists a run nested deeper than --archive-depth instead of opening it', () => {
    const inner = b64gz(`HF_TOKEN=${t}\n`);
    const outer = b64gz(`env: ${inner}\n`);
    const r = run(Buffer.from(`v: ${outer}\n`), 'n.yaml', { archiveDepth: 1 });
    expect(r.found).toEqual([]);
    expect(r.skipped).toEqual([{ path: 'n.yaml!base64-gzip@3!base64-gzip@5', reason: 'base64 gzip nested deeper than --archive-depth 1; read as text only' }]);
    expect(run(Buffer.from(`v: ${outer}\n`), 'n.yaml', { archiveDepth: 2 }).found.map((f) => f.path)).toEqual(['n.yaml!base64-gzip@3!base64-gzip@5']);
  });

  it('leaves alone H4sI inside a longer base64 run, and text that is no gzip', () => {
    const inner = b64gz(`HF_TOKEN=${t}\n`);
    expect(run(Buffer.from(`png: iVBORw0KGgo${inner}\n`), 'a.json').found).toEqual([]);
    // (`H4sIZZZZ`: gzip's magic, then a flags byte with reserved bits set.)
    expect(run(Buffer.from(`x: H4sIZZZZ${'Q'.repeat(40)}\n`), 'b.yaml')).toMatchObject({ found: [], warnings: [] });
    // Nor the magic alone, as prose names it: too short for any gzip.
    expect(run(Buffer.from('a base64 run that starts with `H4sI` (gzip, encoded); or H4sIAAAAAAAA\n'), 'README.md')).toMatchObject({ found: [], warnings: [] });
  });

  it('warns of a run cut short and scans what it inflated; a bomb stops at the budget', () => {
    const long = b64gz(`HF_TOKEN=${t}\n${'x'.repeat(200_000)}\n`);
    const r = run(Buffer.from(`data: ${long.slice(0, long.length - 40)}\n`), 'cut.yaml');
    expect(r.found.map((f) => f.m.secret)).toEqual([t]);
    expect(r.warnings).toEqual([expect.stringMatching(/^cut\.yaml!base64-gzip@6: corrupt gzip data \(.*\); what was decompressed was scanned$/)]);
    const bomb = gzipSync(Buffer.alloc(64 * MB)).toString('base64');
    const b = run(Buffer.from(`v: ${bomb}\n`), 'bomb.yaml', { archiveBytes: 8 * MB });
    expect(b.skipped).toEqual([{ path: 'bomb.yaml!base64-gzip@3', reason: 'archive holds more than 8 MB decompressed; the rest was not scanned' }]);
    expect(b.inflated).toBeLessThanOrEqual(8 * MB + 17 * MB);
  });

  it('counts as an archive level (not opened with --archive-depth 0) and as a decoding (not with --no-decode)', () => {
    const text = Buffer.from(`user_data: ${b64gz(`HF_TOKEN=${t}\n`)}\n`);
    expect(run(text, 'a.yaml', { archiveDepth: 0 })).toMatchObject({ found: [], skipped: [{ path: 'a.yaml!base64-gzip@11', reason: 'base64 gzip not opened (--archive-depth 0); read as text only' }] });
    const plain = createDetector(builtinRules(), { decode: false });
    const found: string[] = [];
    const s = openContent(plain, 'a.yaml', { match: (_p, m) => found.push(m.secret), warn: () => undefined, skip: () => undefined });
    s.push(text);
    s.end();
    expect(found).toEqual([]);
    // Inside a zip member, one level down, it is opened too.
    const zip = zipSync({ 'cloud/user-data.yaml': text });
    expect(run(zip, 'bundle.zip').found.map((f) => f.path)).toEqual([`bundle.zip!cloud/user-data.yaml!base64-gzip@11`]);
  });
});
