// The detector and the scanner: boundaries, encodings, positions, chunking.
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Match } from '../../src/core/types.ts';
import { openContent } from '../../src/detect/content.ts';
import { base64Needles, createDetector } from '../../src/detect/detector.ts';
import { ChunkScanner, scanWhole } from '../../src/detect/scanner.ts';
import { builtinRules } from '../../src/rules/builtin.ts';
import { seededRandom, tokenGenerator } from '../../src/rules/template.ts';
import { streamed, utf16 } from '../helpers/detect.ts';

const detector = createDetector(builtinRules());
const gen = tokenGenerator(42);

function find(text: string | Buffer): Match[] {
  return scanWhole(detector, Buffer.isBuffer(text) ? text : Buffer.from(text));
}

function collect(buf: Buffer, path = 'f'): { path: string; m: Match }[] {
  const out: { path: string; m: Match }[] = [];
  const warnings: string[] = [];
  const s = openContent(detector, path, { match: (p, m) => out.push({ path: p, m }), warn: (w) => warnings.push(w), skip: () => undefined });
  s.push(buf);
  s.end();
  return out;
}

describe('boundaries', () => {
  const t = gen.userToken();
  const surroundings: [string, string][] = [
    ['double quotes', `x = "${t}"`],
    ['single quotes', `x = '${t}'`],
    ['backticks', `x = \`${t}\``],
    ['equals', `HF_TOKEN=${t}`],
    ['colon', `token:${t}`],
    ['comma', `[a,${t},b]`],
    ['semicolon', `t=${t};`],
    ['brackets', `[${t}]`],
    ['braces', `{${t}}`],
    ['parentheses', `f(${t})`],
    ['url credentials', `https://user:${t}@huggingface.co/acme/m`],
    ['bearer', `Authorization: Bearer ${t}`],
    ['escaped newline before', `"a\\n${t}\\n"`],
    ['escaped tab before', `"a\\t${t}"`],
    ['escaped quote both sides', `"{\\"token\\": \\"${t}\\"}"`],
    ['unicode escape before', `"\\u0022${t}\\u0022"`],
    ['CRLF', `a\r\n${t}\r\nb`],
    ['start and end of file', t],
    ['angle brackets', `<${t}>`],
    ['pipe', `|${t}|`],
    ['a colour code in a CI log', `INFO token: \x1b[32m${t}\x1b[0m`],
    ['an escaped colour code in notebook output', `"text": ["\\u001b[1;31m${t}\\u001b[0m"]`],
    ['an escaped colour code in source', `print("\\x1b[1m${t}")`],
    ['a line redrawn in a log (carriage return, erase line)', `progress 99%\r\x1b[K${t}\n`],
    ['a GitLab section marker', `\x1b[0K${t}\n`],
    ['a cursor move and a cursor shown', `\x1b[1G\x1b[?25h${t}`],
    ['quoted-printable mail', `HF_TOKEN=3D${t}=\r\n`],
    ['quoted-printable HTML mail, after a no-break space', `token:=C2=A0${t}<br>`],
    ['quoted-printable HTML mail, after a curly quote', `token =E2=80=9C${t}=E2=80=9D`],
    ["a zip record's signature after it (a name or comment in a zip's headers)", `\x00comment ${t}PK\x01\x02\x14\x00`],
    ['a PowerShell escape (a backtick and n)', `$msg = "token:\`n${t}"`],
    ['quoted-printable in lower case (decoders accept it)', `HF_TOKEN=3d${t}`],
    ['a protocol-0 pickle string', `(dp0\nVhub_token\np1\nV${t}\np2\ns.`],
    ['a protocol-0 pickle tuple', `(V${t}\np0\ntp1\n.`],
    ['a protocol-0 pickle list, not its first item', `(lp0\nVtrain.py\np1\naV--token\np2\naV${t}\np3\na.`],
    ['a key glued to its value, as a SQLite row packs them', `\x03\x17\x4bHF_TOKEN${t}\x0d\x00`],
    ['a lower-case key glued to its value', `hub_token${t}`],
  ];
  it.each(surroundings)('finds a token surrounded by %s', (_name, text) => {
    const ms = find(text);
    expect(ms.map((m) => m.secret)).toEqual([t]);
  });

  it('rejects a token glued to letters, digits or an underscore before it', () => {
    for (const pre of ['a', 'Z', '7', '_']) expect(find(`x ${pre}${t} y`)).toEqual([]);
    // Look-alikes of the escapes above stay glued: no ESC before `[1m`; `=41` (`A`) and
    // `=5F` (`_`) are quoted-printable of word bytes, `=12` of none that precedes a token,
    // and lower-case hex (`=de`, `=Fc`) is a value's own letters; `V` mid-line is a word.
    for (const pre of ['[1m', 'x[32m', '[2K', 'x[?25h', '=41', '=5F', '=7a', '=G0', '=12', 'id=de', 'state=Fc', 'aV', '\naaV', ' V', 'tokn', 'oken', '`x', '`N']) expect(find(`x ${pre}${t} y`), pre).toEqual([]);
  });

  it('decodes a short window where no long token can start: crafted input costs what ordinary text does', () => {
    // 100 KB of nothing but percent-encoded or base64 keywords: each used to cost a 4 KB
    // decode (seconds per megabyte); now a few dozen bytes. Counted, not timed: the
    // detector decodes at most about SHORT bytes per candidate.
    const pct = Buffer.from('hf%5F'.repeat(20_000));
    const b64 = Buffer.from('aGZf'.repeat(25_000));
    const calls = { n: 0, bytes: 0 };
    const real = Buffer.prototype.toString;
    Buffer.prototype.toString = function (this: Buffer, ...args: any[]) {
      calls.n++;
      if (typeof args[1] === 'number' && typeof args[2] === 'number') calls.bytes += args[2] - args[1];
      return real.apply(this, args as []);
    } as typeof real;
    try {
      expect(find(pct)).toEqual([]);
      expect(find(b64)).toEqual([]);
    } finally {
      Buffer.prototype.toString = real;
    }
    // About 45,000 candidates; 4 KB windows would make this over 150 MB.
    expect(calls.bytes / calls.n).toBeLessThan(300);
  });
  it('rejects a 35-character body and one glued to a word after it', () => {
    expect(find(`x ${t}a y`)).toEqual([]);
    expect(find(`x ${t}_test y`)).toEqual([]);
    expect(find(`x ${t}PK y`)).toEqual([]);
    expect(find(`x ${t}PK\x01\x03 y`)).toEqual([]);
    expect(find(`x ${t.slice(0, -1)} y`)).toEqual([]);
  });
  it('accepts digits in user tokens (the letters-only patterns of other tools miss these)', () => {
    const d = gen.userToken(true);
    expect(/\d/.test(d)).toBe(true);
    expect(find(`t = "${d}"`).map((m) => m.secret)).toEqual([d]);
  });
  it('ignores identifiers and placeholders', () => {
    const text = [
      'from huggingface_hub import hf_hub_download, hf_hub_url',
      `hf_${'x'.repeat(34)}`,
      `hf_${'X'.repeat(34)}`,
      `hf_${'abcdefghijklmnopqrstuvwxyzabcdefgh'}`,
      'hf_your_token_here hf_... hf_*** hf_<your token>',
      `hf_${'deadbeef'.repeat(4)}ab`,
    ].join('\n');
    expect(find(text)).toEqual([]);
  });
});

describe('positions', () => {
  const t = gen.userToken();
  it('gives 1-based line and column, counting characters after CRLF and multibyte text', () => {
    const text = `first\r\nsecond line\r\n  é€ token=${t}\r\n`;
    const [m] = find(text);
    expect(m).toMatchObject({ line: 3, column: 12 });
  });
  it('counts columns in UTF-16 code units, as SARIF utf16CodeUnits says: an emoji is two', () => {
    expect(find(`\u{1F917} ${t}`)[0]).toMatchObject({ column: 4 });
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`\u{1F917} ${t}`, 'utf16le')]);
    expect(find(le)[0]).toMatchObject({ column: 4, decoding: ['utf16le'] });
  });
  it('counts each byte of invalid UTF-8 as one character, as editors show U+FFFD', () => {
    // Stray continuation bytes, and a lead byte whose character is cut short.
    expect(find(Buffer.concat([Buffer.from([0x80, 0x81, 0x82, 0x20]), Buffer.from(t)]))[0]).toMatchObject({ column: 5 });
    expect(find(Buffer.concat([Buffer.from([0xe2, 0x82, 0x20, 0xbf, 0x20]), Buffer.from(t)]))[0]).toMatchObject({ column: 5 });
    // Valid UTF-8 keeps its count: é is one, the euro sign one.
    expect(find(Buffer.from(`\u00e9\u20ac ${t}`))[0]).toMatchObject({ column: 4 });
    // Latin-1 text (contraseña): ñ is one byte, no lead of a four-byte character; a
    // surrogate (ED A0 80) and an overlong slash (C0 AF) are one U+FFFD a byte.
    expect(find(Buffer.concat([Buffer.from('contrase\xf1a=', 'latin1'), Buffer.from(t)]))[0]).toMatchObject({ column: 12 });
    expect(find(Buffer.concat([Buffer.from([0xed, 0xa0, 0x80, 0x20]), Buffer.from(t)]))[0]).toMatchObject({ column: 5 });
    expect(find(Buffer.concat([Buffer.from([0xc0, 0xaf, 0x20]), Buffer.from(t)]))[0]).toMatchObject({ column: 4 });
  });
  it('gives each of thousands of tokens on one line its column, in UTF-8, UTF-16 and UTF-32 with a BOM', () => {
    // Counted from the hit before on the same line: the line is not counted again for each.
    const many = Array.from({ length: 1500 }, () => gen.userToken());
    const line = many.map((x) => `${x} \u00e9`).join(' ');
    const want = many.map((x, i) => line.indexOf(x, i ? line.indexOf(many[i - 1]!) + 1 : 0) + 1);
    const u32 = (x: string) => Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from([...x].map((c) => `${c}\0\0\0`).join(''), 'latin1')]);
    for (const [name, buf] of [
      ['utf8', Buffer.from(`${line}\n`)],
      ['utf16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${line}\n`, 'utf16le')])],
      ['utf32', u32(`${line}\n`)],
    ] as const) {
      expect(streamed(detector, buf, 1 << 16, 1 << 16).map((m) => m.column), name).toEqual(want);
    }
  });
  it('counts a character that a window boundary cuts once, on a line that spans windows', () => {
    // Multi-byte characters at every offset around the slide: the column stays right.
    const line = `${'\u{1F917}\u00e9\u20ac'.repeat(2000)} key=`;
    const text = Buffer.from(`${line}${t}\n`);
    const column = [...line].reduce((n, ch) => n + ch.length, 0) + 1;
    for (const chunk of [4096, 4097, 4098, 4099]) expect(streamed(detector, text, 1000, chunk).map((m) => m.column), `chunk ${chunk}`).toEqual([column]);
    // Bytes that are no UTF-8 at the boundary (Latin-1 text, a broken sequence) count one
    // each, whichever window they fall in.
    // (Five bytes a repeat, so that windows, which slide by a multiple of 4, cut it everywhere.)
    for (const junk of [Buffer.alloc(3, 0x80), Buffer.from([0xe2, 0x82, 0x61]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\xa9\xb0\x61', 'latin1'), Buffer.from([0xf0, 0x9f, 0x98])]) {
      const line = Buffer.concat(Array.from({ length: 20000 }, () => Buffer.concat([junk, Buffer.from('ab')])));
      const bytes = Buffer.concat([line, Buffer.from(` key=${t}\n`)]);
      const want = line.toString('utf8').length + ' key='.length + 1;
      for (const chunk of [4096, 4097, 4098, 4099]) expect(streamed(detector, bytes, 1000, chunk).map((m) => m.column), `${junk.toString('hex')} chunk ${chunk}`).toEqual([want]);
    }
  });
  it('counts a UTF-8 BOM as no column', () => {
    const [m] = find(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)]));
    expect(m).toMatchObject({ line: 1, column: 1 });
  });
  it.each([
    ['utf16le with BOM', 'utf16le', true],
    ['utf16le without BOM', 'utf16le', false],
    ['utf16be with BOM', 'utf16be', true],
    ['utf16be without BOM', 'utf16be', false],
  ] as const)('finds tokens in %s with the right line and column', (_n, enc, bom) => {
    const ms = find(utf16(`line one\r\nkey = "${t}"\r\n`, enc, bom));
    expect(ms).toHaveLength(1);
    expect(ms[0]).toMatchObject({ secret: t, line: 2, column: 8, decoding: [enc] });
  });
});

describe('UTF-16 lines', () => {
  const t = gen.userToken();
  // 上 U+4E0A, 《 U+300A, 》 U+300B, Њ U+040A, ਊ U+0A0A: code units holding a 0x0A byte.
  it.each(['utf16le', 'utf16be'] as const)('counts newlines as code units in %s, not 0x0A bytes', (enc) => {
    const text = `# 上传 《模型》 Њ ਊ\n配置\nHF_TOKEN=${t}\n`;
    expect(find(utf16(text, enc)).map((m) => [m.line, m.column, m.decoding])).toEqual([[3, 10, [enc]]]);
    const found = streamed(detector, utf16(`${'上\n'.repeat(20000)}${text}`, enc), 5000, 4096);
    expect(found.map((m) => [m.line, m.column])).toEqual([[20003, 10]]);
  });
  it('turns away a token glued to a letter at the very start of UTF-16 text (the other byte order read one byte on used to take it)', () => {
    expect(find(Buffer.from(`x${t}`, 'utf16le'))).toEqual([]);
    expect(find(Buffer.from(`x${t}`, 'utf16le').swap16())).toEqual([]);
    expect(find(Buffer.from(t, 'utf16le')).map((m) => m.decoding)).toEqual([['utf16le']]);
  });
  it('keeps an allow marker on a UTF-16 line after a code unit holding 0x0A', () => {
    const body = Buffer.from(`x = "${t}" # 上 hfleaks:allow\n`, 'utf16le');
    expect(find(Buffer.concat([Buffer.from([0xff, 0xfe]), body])).map((m) => m.allowed)).toEqual([true]);
  });
});

/** `text` in UTF-32 of this byte order, after its byte-order mark when `bom`. */
function utf32(text: string, le: boolean, bom: boolean): Buffer {
  const cps = [...(bom ? '\ufeff' : ''), ...text].map((c) => c.codePointAt(0)!);
  const out = Buffer.alloc(4 * cps.length);
  cps.forEach((c, i) => (le ? out.writeUInt32LE(c, 4 * i) : out.writeUInt32BE(c, 4 * i)));
  return out;
}

describe('UTF-32', () => {
  const t = gen.userToken();
  it('finds a token in a numpy string array saved with np.save (`<U` is UTF-32LE, NUL-padded)', () => {
    const header = "{'descr': '<U40', 'fortran_order': False, 'shape': (2,), }";
    const head = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY\x01\x00', 'latin1'), Buffer.from([header.length + 1, 0]), Buffer.from(`${header}\n`)]);
    const cell = (s: string) => utf32(s.padEnd(40, '\0'), true, false);
    const ms = find(Buffer.concat([head, cell('meta-llama/Llama-3.1-8B'), cell(t)]));
    // The header's newline is one byte: the second cell starts at character 41 of line 2,
    // the third at 81 (an empty first cell, all NULs, is no newline's).
    expect(ms.map((m) => [m.secret, m.decoding, m.line, m.column])).toEqual([[t, ['utf32le'], 2, 41]]);
    const empty = find(Buffer.concat([head, cell(''), cell('x'), cell(t)]));
    expect(empty.map((m) => [m.line, m.column])).toEqual([[2, 81]]);
  });
  it.each([
    // With a BOM the file is known to be UTF-32 and the emoji counts two, as editors count
    // it; without one, columns are a guess from the bytes (a unit a character).
    ['little-endian with BOM', true, true, 11],
    ['little-endian without BOM', true, false, 10],
    ['big-endian with BOM', false, true, 11],
    ['big-endian without BOM', false, false, 10],
  ])('finds tokens in UTF-32 %s, once, with the right line and column', (_n, le, bom, column) => {
    const ms = find(utf32(`line one\r\n\u{1F917} key = "${t}"\r\n`, le, bom));
    // Big-endian text reads as little-endian three bytes on: one finding either way.
    expect(ms.map((m) => [m.secret, m.line, m.column])).toEqual([[t, 2, column]]);
    expect(ms[0]!.decoding![0]).toMatch(/^utf32(le|be)$/);
  });
  it('counts the column of a token in a UTF-32 file with a BOM whose line started windows before', () => {
    for (const le of [true, false]) {
      const prefix = `${'ab\n'.repeat(10)}${'\u{1F917}x'.repeat(3000)} key=`;
      const buf = utf32(`${prefix}${t} tail\n${'cd\n'.repeat(5000)}`, le, true);
      for (const piece of [4096, 5033, buf.length]) {
        const found = streamed(detector, buf, piece, 4096);
        expect(found.map((m) => [m.secret, m.line, m.column]), `${le ? 'le' : 'be'} piece ${piece}`).toEqual([[t, 11, 9000 + 6]]);
      }
    }
  });
  it('reports a big-endian token that ends its file (no little-endian reading fits there)', () => {
    expect(find(utf32(`k=${t}`, false, false)).map((m) => [m.secret, m.column, m.decoding])).toEqual([[t, 3, ['utf32be']]]);
  });
  it('reports a big-endian JWT that ends its file once, whole: not also as the other byte order a character short', () => {
    // A JWT's pattern is open-ended: the little-endian reading, which runs out of bytes
    // before the last character, matches all but that character.
    for (const jwt of [gen.oauthToken(), gen.publisherToken()]) {
      for (const bom of [true, false]) {
        expect(find(utf32(`k=${jwt}`, false, bom)).map((m) => [m.secret, m.decoding]), `utf32be ${bom}`).toEqual([[jwt, ['utf32be']]]);
        expect(find(utf16(`k=${jwt}`, 'utf16be', bom)).map((m) => [m.secret, m.decoding]), `utf16be ${bom}`).toEqual([[jwt, ['utf16be']]]);
        // Where the file goes on, as before: one reading, the same secret.
        expect(find(utf16(`k=${jwt}\n`, 'utf16be', bom)).map((m) => m.secret), `utf16be ${bom}, more`).toEqual([jwt]);
      }
    }
  });
  it('turns away UTF-32 look-alikes: glued to letters, placeholders, a 35-character body', () => {
    expect(find(utf32(`x${t}`, true, false))).toEqual([]);
    expect(find(utf32(`k="hf_${'x'.repeat(34)}"`, true, false))).toEqual([]);
    expect(find(utf32(`k="${t}A"`, true, false))).toEqual([]);
  });
  it('finds a UTF-32 token across every chunk boundary near it exactly once', () => {
    for (const le of [true, false]) {
      const prefix = `${'ab\n'.repeat(1500)}key=`;
      const buf = utf32(`${prefix}${t} tail\n`, le, false);
      for (const piece of [1, 7, 1000, 4096, 5033]) {
        const found = streamed(detector, buf, piece, 4096);
        expect(found.map((m) => [m.secret, m.line, m.column]), `${le ? 'le' : 'be'} piece ${piece}`).toEqual([[t, 1501, 5]]);
      }
    }
  });
});

describe('decoders', () => {
  const t = gen.userToken();
  it('finds a token inside a base64 value (a Kubernetes Secret) and says so', () => {
    const yaml = `apiVersion: v1\nkind: Secret\ndata:\n  HF_TOKEN: ${Buffer.from(t).toString('base64')}\n`;
    const ms = find(yaml);
    expect(ms).toHaveLength(1);
    expect(ms[0]).toMatchObject({ secret: t, line: 4, column: 13, decoding: ['base64'] });
  });
  it('finds a token in a base64-encoded env file at any alignment', () => {
    for (const pre of ['', 'A=1\n', 'AB=12\n', 'ABC=123\n']) {
      const blob = Buffer.from(`${pre}HF_TOKEN=${t}\nOTHER=1\n`).toString('base64');
      expect(find(`env: ${blob}`).map((m) => m.secret), pre).toEqual([t]);
    }
  });
  it('does not cut a longer look-alike down to a token at the end of a short decoding window', () => {
    // A first needle decodes a window of about 70 bytes; a 40-character body that runs
    // past its end must not pass for a 34-character token (its own needle sees it whole).
    const long = `hf${'_'}${gen.body(40, true)}`;
    for (let pad = 0; pad < 48; pad++) {
      const text = Buffer.from(`hf${'_'}ab ${'x'.repeat(pad)} ${long}\n`).toString('base64');
      expect(find(`data: ${text}\n`), `pad ${pad}`).toEqual([]);
    }
  });

  describe('UTF-16 text in base64 (PowerShell -EncodedCommand, .NET Encoding.Unicode)', () => {
    const ps = (script: string) => Buffer.from(script, 'utf16le').toString('base64');
    it('finds a token in an encoded PowerShell command, at the group its keyword starts in', () => {
      for (const pre of ['', '$', "$env:HF_TOKEN='", "$x = 1; $env:HF_TOKEN='"]) {
        const line = `  run: powershell -NoProfile -EncodedCommand ${ps(`${pre}${t}'; python train.py`)}`;
        const ms = find(`steps:\n${line}\n`);
        expect(ms.map((m) => [m.secret, m.decoding]), pre).toEqual([[t, ['base64', 'utf16le']]]);
        const group = line.indexOf('EncodedCommand ') + 15 + Math.floor((2 * pre.length) / 3) * 4;
        expect(ms[0]).toMatchObject({ line: 2, column: group + 1 });
      }
    });
    it('at every alignment, wrapped at 76 columns too, and an org token and an OAuth token', () => {
      const oauth = gen.oauthToken();
      for (const tok of [t, gen.orgToken(), oauth]) {
        for (let pad = 0; pad < 6; pad++) {
          const b64 = ps(`${'#'.repeat(pad)}\r\n$t = "${tok}"\r\n`);
          expect(find(`x: ${b64}\n`).map((m) => m.secret), `${tok.slice(0, 4)} ${pad}`).toEqual([tok]);
          const wrapped = b64.replace(/.{76}/g, '$&\n');
          expect(find(`x: |\n${wrapped}\n`).map((m) => m.secret), `wrapped ${pad}`).toEqual([tok]);
        }
      }
      // Every place a line break can fall, at 76 and 64 columns: where the keyword's group
      // starts a line, the decoded window starts there too and may cut a code unit in two.
      for (const width of [76, 64]) {
        for (let pad = 0; pad < 2 * width; pad++) {
          const wrapped = ps(`${'#'.repeat(pad)}$t="${t}"`).replace(new RegExp(`.{${width}}`, 'g'), '$&\n');
          expect(find(`${wrapped}\n`).map((m) => m.secret), `${width} ${pad}`).toEqual([t]);
        }
      }
    });
    it('does not cut a longer look-alike down to a token, nor report placeholders', () => {
      const long = `hf${'_'}${gen.body(40, true)}`;
      expect(find(`x: ${ps(`$t = "${long}"`)}\n`)).toEqual([]);
      expect(find(`x: ${ps(`$t = "hf${'_'}${'x'.repeat(34)}"`)}\n`)).toEqual([]);
    });
    it('--no-decode leaves it unread', () => {
      const plain = createDetector(builtinRules(), { decode: false });
      expect(scanWhole(plain, Buffer.from(`x: ${ps(`$t = "${t}"`)}\n`))).toEqual([]);
    });
  });

  it('finds base64 nested in base64', () => {
    const inner = Buffer.from(`{"auths":{"hf":{"auth":"${t}"}}}`).toString('base64');
    const outer = Buffer.from(`config: ${inner}\n`).toString('base64');
    const deep = createDetector(builtinRules(), { maxDecodeDepth: 2 });
    const ms = scanWhole(deep, Buffer.from(`data: ${outer}`));
    expect(ms.map((m) => [m.secret, m.decoding])).toEqual([[t, ['base64', 'base64']]]);
  });
  it('finds percent-encoded tokens in logged URLs', () => {
    const a = find(`GET /login?token%3D${t}&next=/`);
    expect(a.map((m) => [m.secret, m.decoding])).toEqual([[t, ['percent']]]);
    const b = find(`GET /x?q=${t.replace('_', '%5F')}&y=1`);
    expect(b.map((m) => [m.secret, m.decoding])).toEqual([[t, ['percent']]]);
  });
  describe('hex (gitleaks decodes it)', () => {
    const hex = (x: string) => Buffer.from(x).toString('hex');
    const oauth = gen.oauthToken();
    const org = gen.orgToken();
    it.each([
      ['lowercase, in quotes', `blob = '${hex(`HF_TOKEN=${t}`)}'`, t, 8 + 2 * 'HF_TOKEN='.length],
      ['uppercase', `BLOB=${hex(t).toUpperCase()}`, t, 5],
      ['after 0x', `x = 0x${hex(t)};`, t, 6],
      ['a bytea value, after \\x', `INSERT INTO s VALUES ('\\x${hex(t)}');`, t, 25],
      ['an OAuth token', `"${hex(oauth)}"`, oauth, 1],
      ['an organization token', `${hex(`k: ${org}`)}\n`, org, 6],
    ])('%s', (_name, text, secret, start) => {
      const hits = detector.scan(Buffer.from(text));
      expect(hits.map((h) => [h.secret, h.start, h.decoding])).toEqual([[secret, start, ['hex']]]);
    });
    it('reads the claims of a hex-encoded JWT token', () => {
      const [hit] = detector.scan(Buffer.from(hex(oauth)));
      expect(hit?.jwt?.scope).toBeDefined();
    });
    it('finds a token in hex split over chunk windows, once', () => {
      const text = Buffer.from(`${'0123456789abcdef'.repeat(700)}${hex(`=${t}`)}${'fedcba9876543210'.repeat(700)}`);
      for (const chunk of [4096, 5000, 8192]) expect(streamed(detector, text, 1000, chunk).map((m) => [m.secret, m.decoding]), `chunk ${chunk}`).toEqual([[t, ['hex']]]);
    });
    it('leaves alone a hex token glued to a letter or digit, a truncated one, and hex of what is no token', () => {
      for (const text of [hex(`x${t}`), hex(`9${t}`), hex(t).slice(0, -2), hex(`hf_${'a'.repeat(34)}`), hex(`${t}Z`), `${hex(t.slice(0, 20))}zz${hex(t.slice(20))}`]) {
        expect(detector.scan(Buffer.from(text)), text).toEqual([]);
      }
    });
    describe('wrapped over lines, as xxd -p (60 digits a line) and base16 -w 76 write it', () => {
      const wrap = (h: string, width: number, eol: string) => `${h.match(new RegExp(`.{1,${width}}`, 'g'))!.join(eol)}${eol}`;
      const layouts: [number, string, boolean][] = [
        [60, '\n', false],
        [60, '\r\n', false],
        [32, '\n', true], // xxd -p -u -c 16
        [76, '\n', false],
      ];
      it('finds the token wherever a break falls, inside its keyword too, at its keyword\'s first digit', () => {
        for (const token of [t, org, oauth]) {
          for (const [width, eol, upper] of layouts) {
            for (let pre = 0; pre < width / 2; pre++) {
              const digits = hex(`${'x'.repeat(pre)}=${token}\n`);
              const text = wrap(upper ? digits.toUpperCase() : digits, width, eol);
              const at = 2 * (pre + 1);
              const hits = detector.scan(Buffer.from(text));
              expect(hits.map((h) => [h.secret, h.start, h.decoding]), `${token.slice(0, 4)} ${width} ${JSON.stringify(eol)} ${pre}`).toEqual([[token, at + Math.floor(at / width) * eol.length, ['hex']]]);
            }
          }
        }
      });
      it('reads hex values written one a line each on its own, where joining them would glue them', () => {
        // bytes.hex() in a loop: a token's hex fills its line, and the next line starts with
        // a letter's or a digit's hex.
        const tokens = [t, gen.userToken(true), t.slice(0, 3) + gen.body(34)];
        const lines = [...tokens.map((x) => hex(x)), hex('A'.repeat(40))].join('\n');
        expect(detector.scan(Buffer.from(`${lines}\n`)).map((h) => h.secret)).toEqual(tokens);
        // A JWT token's line followed by another value: the token's own, not glued to the next.
        for (const next of [t, 'A'.repeat(30)]) {
          expect(detector.scan(Buffer.from(`${hex(oauth)}\n${hex(next)}\n`)).map((h) => h.secret), next.slice(0, 3)).toEqual(next === t ? [oauth, t] : [oauth]);
        }
      });
      it('reads lines of a dump width (basenc --base16 -w76) as wrapped even where a line alone would hold a token', () => {
        // hf_ and a 40-character body is no token; its dump breaks a line after 34 of them.
        const long = `${t.slice(0, 3)}${gen.body(40)}`;
        const digits = hex(`${'.'.repeat(38 - 3 - 34)}${long}\n`);
        expect(digits.indexOf(hex(long.slice(0, 37))) + 2 * 37).toBe(76);
        expect(detector.scan(Buffer.from(wrap(digits, 76, '\n')))).toEqual([]);
      });
      it('finds a wrapped token over chunk windows, once', () => {
        const filler = Buffer.from('0123456789abcdef'.repeat(500), 'hex').toString('latin1');
        const text = Buffer.from(wrap(Buffer.from(`${filler}=${t}${filler}`, 'latin1').toString('hex'), 60, '\n'));
        for (const chunk of [4096, 5000, 8192]) expect(streamed(detector, text, 1000, chunk).map((m) => [m.secret, m.decoding]), `chunk ${chunk}`).toEqual([[t, ['hex']]]);
      });
      it('joins no line shorter than 32 digits, and a token glued across a break is none', () => {
        const h = hex(`=${t}`);
        // A short line, a token glued to the 9 that ends the line before it, an indented line.
        for (const text of [`${h.slice(0, 30)}\n${h.slice(30)}`, wrap(hex(`${'x'.repeat(29)}9${t}`), 60, '\n'), `${h.slice(0, 60)}\n  ${h.slice(60)}`]) {
          expect(detector.scan(Buffer.from(text)), text).toEqual([]);
        }
      });
    });
    it('decodes nothing with decoding off', () => {
      expect(createDetector(builtinRules(), { decode: false }).scan(Buffer.from(hex(t)))).toEqual([]);
    });
    it('sees a colour code before a hex token as what it is glued to, not as letters', () => {
      const esc = String.fromCharCode(27);
      for (const code of [`${esc}[1m`, `${esc}[38;2;255;99;0m`]) {
        expect(detector.scan(Buffer.from(hex(`${code}${t}`))).map((h) => h.secret), JSON.stringify(code)).toEqual([t]);
      }
    });
    it("finds a custom rule's token whose keyword's hex mixes letters and digits, in any case", () => {
      // A keyword of letters: its hex holds letters (6e for n), in whatever case the encoder chose.
      const kw = ['n', 'p', 'm', '_'].join('');
      const rule = { ...builtinRules()[0]!, id: 'custom-npm', keywords: [kw], pattern: `${kw}[A-Za-z0-9]{36}`, maxLength: 40, filters: { placeholder: false }, trusted: false };
      const custom = createDetector([rule]);
      const token = kw + gen.body(36, true);
      const lower = hex(token);
      for (const text of [lower, lower.toUpperCase(), lower.slice(0, 2).toUpperCase() + lower.slice(2), `x=${lower.slice(0, 20).toUpperCase()}${lower.slice(20)};`]) {
        expect(custom.scan(Buffer.from(text)).map((h) => [h.secret, h.decoding]), text.slice(0, 12)).toEqual([[token, ['hex']]]);
      }
    });
  });
  describe('escaped characters (TruffleHog decodes escaped unicode; gitleaks percent)', () => {
    const u = (x: string) => [...x].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const hx = (x: string) => [...x].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    const pc = (x: string) => [...x].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const org = gen.orgToken();
    const oauth = gen.oauthToken();
    const publisher = gen.publisherToken();
    it.each([
      ['every character \\u-escaped', `k = "${u(t)}"`, t, 6, 'escape'],
      ['the underscore \\u-escaped', `k = "${t.replace('_', '\\u005f')}"`, t, 6, 'escape'],
      ['the underscore \\U-escaped (Python)', `k = "${t.replace('_', '\\U0000005F')}"`, t, 6, 'escape'],
      ['the underscore \\u{}-escaped (JavaScript)', `k = "${t.replace('_', '\\u{5f}')}"`, t, 6, 'escape'],
      ['every character \\x-escaped', `k = b"${hx(t)}"`, t, 7, 'escape'],
      ['escapes of several kinds mixed', `k = "hf\\x5f${u(t.slice(3, 10))}${t.slice(10)}"`, t, 6, 'escape'],
      ['an organization token, both underscores escaped', `k = '${org.replace(/_/g, '\\u005F')}'`, org, 6, 'escape'],
      ['an organization token, only its second underscore escaped', `k = '${org.replace('org_', 'org\\x5f')}'`, org, 6, 'escape'],
      ['an OAuth token, only its second underscore escaped', `k = "${oauth.replace('oauth_', 'oauth\\u005f')}"`, oauth, 6, 'escape'],
      ['a Trusted Publisher token, only its second underscore percent-encoded', `t=${publisher.replace('jwt_', 'jwt%5F')}&`, publisher, 3, 'percent'],
      ['every character percent-encoded', `GET /x?token=${pc(t)}&next=/`, t, 14, 'percent'],
      ['the letters before the underscore percent-encoded', `GET /x?token=${pc('hf_')}${t.slice(3)}&next=/`, t, 14, 'percent'],
    ])('finds a token with %s', (_n, text, secret, column, decoding) => {
      expect(find(text).map((m) => [m.secret, m.line, m.column, m.decoding])).toEqual([[secret, 1, column, [decoding]]]);
    });
    it('keeps the boundary rules: glued (raw or escaped), a 35-character body, a placeholder', () => {
      expect(find(`k = "x${u(t)}"`)).toEqual([]);
      expect(find(`k = "\\u0078${u(t)}"`)).toEqual([]);
      expect(find(`k = "${u(t)}\\u0041"`)).toEqual([]);
      expect(find(`k = "${u(`hf_${'x'.repeat(34)}`)}"`)).toEqual([]);
      // An escaped quote or newline around it is no glue.
      expect(find(`"\\u0022${u(t)}\\u0022\\n"`).map((m) => m.secret)).toEqual([t]);
    });
    it('finds an escaped token across every window edge near it exactly once', () => {
      const text = `${'a b\n'.repeat(4100)}k="${u(t)}"\n`;
      for (const piece of [1, 997, 4096, 5000]) {
        const found = streamed(detector, Buffer.from(text), piece, 4096);
        expect(found.map((m) => [m.secret, m.line, m.column, m.decoding]), `piece ${piece}`).toEqual([[t, 4101, 4, ['escape']]]);
      }
    });
  });
  it('scans content that ends inside a percent-encoded keyword (it used to throw and skip the file)', () => {
    const tail = t.replace('_', '%5F');
    for (let cut = 1; cut < tail.indexOf('%5F') + 6; cut++) {
      expect(find(`HF_TOKEN=${t}\nnext=${tail.slice(0, cut)}`).map((m) => m.secret), `cut ${cut}`).toEqual([t]);
    }
  });
  it('finds a token after a double-encoded = (%253D), not one glued to a word', () => {
    const a = find(`GET /r?next=%2Fcb%3Ftoken%253D${t}&x=1`);
    expect(a.map((m) => [m.secret, m.decoding])).toEqual([[t, ['percent']]]);
    expect(find(`GET /r?next=%2Fcb%3Ftoken%25253D${t}&x=1`).map((m) => m.secret)).toEqual([t]);
    for (const pre of ['x%253', '%253Dab', '%25ZZ', 'a3D', '%2G3D']) expect(find(`q=${pre}${t} y`), pre).toEqual([]);
  });
  it('has stable base64 needles for each alignment', () => {
    expect(base64Needles('hf_')).toEqual(['aGZf', 'hmX', 'oZl']);
  });
});

describe('a long user rule over a file of nothing but its keyword', () => {
  it('tries the long rule a bounded number of times, not once per candidate, and still finds the built-in tokens', () => {
    const rule = { ...builtinRules()[0]!, id: 'acme-long', keywords: ['acme_'], pattern: 'acme_[A-Za-z0-9_ ]*', maxLength: 65536, filters: { placeholder: false }, trusted: false };
    const both = createDetector([...builtinRules(), rule as never]);
    const t = gen.userToken();
    // 11,000 candidates, each matching to the end of a 64 KB window: about 700 million
    // characters of matching before the budget, some 5 million now.
    const flood = Buffer.from(`${'acme_ '.repeat(11_000)}\nHF_TOKEN="${t}"\n`);
    const hits = both.scan(flood);
    const long = hits.filter((h) => h.ruleId === 'acme-long');
    expect(long.length).toBeGreaterThan(0);
    expect(long.length).toBeLessThan(200);
    expect(hits.filter((h) => h.ruleId === 'hf-user-access-token').map((h) => h.secret)).toEqual([t]);
    // In ordinary text the budget is never reached: every candidate is tried.
    const few = Buffer.from(Array.from({ length: 50 }, (_, i) => `line ${i}: acme_${gen.body(20)}\n`).join(''));
    expect(both.scan(few).filter((h) => h.ruleId === 'acme-long')).toHaveLength(50);
    // Whatever decoder finds the keyword: escaped in a JSON string, or in hex.
    for (const [label, text] of [
      ['escaped', `{"x": "${'acme\\u005f '.repeat(11_000)}"}\nHF_TOKEN="${t}"\n`],
      ['hex', `${Buffer.from('acme_ '.repeat(11_000)).toString('hex')}\nHF_TOKEN="${t}"\n`],
    ]) {
      const flooded = both.scan(Buffer.from(text!));
      const tried = flooded.filter((h) => h.ruleId === 'acme-long').length;
      expect(tried, label).toBeGreaterThan(0);
      expect(tried, label).toBeLessThan(200);
      expect(flooded.filter((h) => h.ruleId === 'hf-user-access-token').map((h) => h.secret), label).toEqual([t]);
    }
  });
});

describe("a user rule whose keyword starts a built-in one's", () => {
  it.each(['hf', 'h', 'a', 'ap'])('keyed %s, leaves every form of the built-in tokens found', (kw) => {
    const rule = { ...builtinRules()[0]!, id: 'acme-code', keywords: [kw], pattern: `${kw}[0-9]{6}`, maxLength: kw.length + 6, filters: { placeholder: false }, trusted: false };
    const both = createDetector([...builtinRules(), rule as never]);
    const t = gen.userToken();
    const org = gen.orgToken();
    const forms = [
      `k: ${Buffer.from(`HF_TOKEN=${t}`).toString('base64')}`,
      `k: ${Buffer.from(`x HF_TOKEN=${t}`).toString('base64')}`,
      `k: ${Buffer.from(`xy HF_TOKEN=${t}`).toString('base64')}`,
      `k: ${Buffer.from(`A=${org}`).toString('base64')}`,
      `k: ${Buffer.from(`$t="${t}"`, 'utf16le').toString('base64')}`,
      `GET /cb?token%3D${t.replace('_', '%5F')}`,
      `{"t": "hf\\u005f${t.slice(3)}"}`,
    ];
    for (const f of forms) {
      const want = f.includes(Buffer.from(`A=${org}`).toString('base64')) ? org : t;
      expect(scanWhole(both, Buffer.from(f)).map((m) => m.secret), f).toEqual(scanWhole(detector, Buffer.from(f)).map((m) => m.secret));
      expect(scanWhole(both, Buffer.from(f)).map((m) => m.secret), f).toContain(want);
    }
    expect(scanWhole(both, Buffer.from(`code ${kw}123456 here`)).map((m) => m.ruleId)).toEqual(['acme-code']);
  });
});

describe('binary content and archives', () => {
  const t = gen.userToken();
  it('finds a token in pickled bytes (training_args.bin style)', () => {
    const pickle = Buffer.concat([Buffer.from([0x80, 0x04, 0x95, 0x10, 0, 0, 0]), Buffer.from('\x8c\x09hub_token\x94\x8c\x25', 'latin1'), Buffer.from(t), Buffer.from([0x94, 0x2e])]);
    expect(collect(pickle).map((x) => x.m.secret)).toEqual([t]);
  });
  // Strings with their length written before them run into the next opcode with no
  // separator: `q` (BINPUT) after a string in protocols 1 to 3, what torch.save writes.
  const bytes = (s: string) => Buffer.from(s, 'latin1');
  it.each([
    ['pickle protocol 2 (BINUNICODE, then BINPUT)', bytes(`\x80\x02}q\x00X\x09\x00\x00\x00hub_tokenq\x01X\x25\x00\x00\x00${t}q\x02s.`)],
    ['pickle protocol 1 (BINUNICODE, then LONG_BINPUT)', bytes(`}q\x00(X\x09\x00\x00\x00hub_tokenq\x01X\x25\x00\x00\x00${t}r\x00\x01\x00\x00u.`)],
    ['pickled bytes (SHORT_BINBYTES, then BINPUT)', bytes(`\x80\x03C\x25${t}q\x00.`)],
    ['a .pyc constant (marshal short string, then the next type code)', bytes(`\xe3\x00\x00\x00\xda\x25${t}N\xdaNz\x05login`)],
    ['a packed protocol-5 string (SHORT_BINUNICODE, then another)', bytes(`\x8c\x25${t}\x8c\x04next`)],
    ['a binary property list (an ASCII string object, then a one-letter one)', bytes(`bplist00\xd2\x01\x02\x03\x04WHFToken_\x10\x25${t}Qx\x08\x0d`)],
  ])('finds a token in %s', (_name, buf) => {
    expect(collect(buf).map((x) => x.m.secret)).toEqual([t]);
  });
  it.each([
    ['an OAuth token', gen.oauthToken()],
    ['a Trusted Publisher token', gen.publisherToken()],
  ])('ends %s (a JWT, whose pattern is open-ended) where its declared length says, not at the next opcode', (_kind, jwt) => {
    const le32 = (n: number) => String.fromCharCode(n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24);
    const cases = [
      bytes(`\x80\x02}q\x00X\x09\x00\x00\x00hub_tokenq\x01X${le32(jwt.length)}${jwt}q\x02s.`),
      bytes(`\xe3\x00\x00\x00\xe1${le32(jwt.length)}${jwt}N\xdaNz\x05login`),
      ...(jwt.length < 256 ? [bytes(`\x8c${String.fromCharCode(jwt.length)}${jwt}\x94\x8c\x04next`)] : []),
    ];
    for (const buf of cases) expect(collect(buf).map((x) => x.m.secret)).toEqual([jwt]);
    // In text, where nothing declares a length, the token ends at the first byte no JWT holds.
    expect(collect(bytes(`token: ${jwt}\n`)).map((x) => x.m.secret)).toEqual([jwt]);
  });
  it('finds a token that ends a longer declared string (`Bearer TOKEN`, `HF_TOKEN=TOKEN` pickled by torch.save, a .pyc constant)', () => {
    const le32 = (n: number) => String.fromCharCode(n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24);
    const jwt = gen.oauthToken();
    for (const token of [t, gen.orgToken(), jwt]) {
      for (const prefix of ['Bearer ', 'HF_TOKEN=', '--token ', `${'x'.repeat(300)} `]) {
        const str = `${prefix}${token}`;
        const cases: [string, Buffer][] = [
          ['protocol 2', bytes(`\x80\x02}q\x00X\x0d\x00\x00\x00Authorizationq\x01X${le32(str.length)}${str}q\x02s.`)],
          ['protocol 1', bytes(`}q\x00(X\x0d\x00\x00\x00Authorizationq\x01X${le32(str.length)}${str}r\x00\x01\x00\x00u.`)],
          ['marshal, long', bytes(`\xe3\x00\x00\x00\xe1${le32(str.length)}${str}N)\x02\xda\x01H`)],
        ];
        if (str.length < 256) {
          cases.push(['protocol 4', bytes(`\x8c${String.fromCharCode(str.length)}${str}\x94\x8c\x04next`)]);
          // marshal's TYPE_SHORT_ASCII is `z`, a letter text holds: binary data must follow.
          cases.push(['marshal short ASCII', bytes(`z\x0dAuthorizationz${String.fromCharCode(str.length)}${str}N)\x02\xda\x01H`)]);
        }
        for (const [name, buf] of cases) expect(collect(buf).map((x) => x.m.secret), `${name} ${prefix.slice(0, 12)}`).toEqual([token]);
      }
    }
  });
  it("doesn't read a length where text only looks like one: a look-alike glued to letters stays refused", () => {
    // `z` or `Z` and then the character whose code is exactly the distance to the look-alike's
    // 34th character: a string opcode and its length, were this binary.
    const lookAlike = `${t}Xtra`;
    // (k = 0 is a string that starts at the token, whose length the byte before it declares: read as one, as before.)
    for (let k = 1; k < 80; k++) {
      for (const op of ['z', 'Z', 'U', 'C', 'x']) {
        const pre = `${op}${String.fromCharCode(k + t.length)}${'a'.repeat(Math.max(0, k - 1))}${k ? ' ' : ''}`;
        // Plain, and in a coloured log line: escape sequences are text's controls.
        for (const after of ['\n', '\x1b[0m\n', '\x1b]0;title\x07\n', '\b\b\r\n']) {
          expect(collect(bytes(`${pre}${lookAlike}${after}`)).map((x) => x.m.secret), JSON.stringify(pre.slice(0, 3) + after)).toEqual([]);
        }
      }
    }
  });
  it('reads no length in text of any language: a JWT after Russian, Czech, Arabic or Chinese words is whole, and a look-alike stays refused', () => {
    // `ь` ends in 0x8c (pickle's SHORT_BINUNICODE), Arabic letters begin with 0xd9 or 0xda
    // (msgpack's and marshal's): in text the byte after reads as a length.
    const rnd = seededRandom(15);
    const words = ['мальчик ь подъезд объём', 'Čeština přeČíst Čas', 'مرحبا بالعالم كل يوم', '上传配置模型文件', 'plain ascii words'];
    const pick = (w: string) => Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => w.split(' ')[Math.floor(rnd() * w.split(' ').length)]).join(' ');
    let n = 0;
    for (let i = 0; i < 400; i++) {
      const lang = words[i % words.length]!;
      const jwt = gen.oauthToken();
      const look = `${gen.userToken()}Xtra`;
      const line = Buffer.from(`${pick(lang)} ${jwt} ${pick(lang)} ${look} ${pick(lang)}\n`);
      const got = find(line).map((m) => m.secret);
      expect(got, `${lang}: ${line.toString().slice(0, 60)}`).toEqual([jwt]);
      n++;
    }
    expect(n).toBe(400);
  });
  it('finds a token ending a declared string begun before it, however the stream is cut into windows', () => {
    const le32 = (k: number) => String.fromCharCode(k & 255, (k >> 8) & 255, (k >> 16) & 255, k >>> 24);
    const str = `${'Authorization: Bearer'.padStart(120)} ${t}`;
    const record = bytes(`X${le32(str.length)}${str}q\x01`);
    // The token at every other offset across a window edge (4 KB windows), in
    // binary data, the string's start up to 126 bytes before it.
    const missed: number[] = [];
    for (let tokenAt = 15_000; tokenAt < 18_000; tokenAt += 2) {
      const lead = tokenAt - (record.length - 2 - t.length);
      const buf = Buffer.concat([Buffer.alloc(lead), record, Buffer.alloc(40_000 - lead - record.length)]);
      if (streamed(detector, buf, 1000, 4096).map((m) => m.secret).join() !== t) missed.push(tokenAt);
    }
    expect(missed).toEqual([]);
    expect(find(Buffer.concat([Buffer.alloc(100), record])).map((m) => m.secret)).toEqual([t]);
  });
  it('still refuses a glued token whose declared length is another (or that has none)', () => {
    // (In text a `%` or `*` before a token is no length: no string opcode precedes it.)
    for (const before of ['X\x26\x00\x00\x00', '\x8c\x24', ' ', 'X\x25\x00\x01\x00', '%', 'a %', 'Q\x25\x00\x00\x00']) {
      expect(collect(bytes(`${before}${t}q\x02`)).map((x) => x.m.secret), JSON.stringify(before)).toEqual([]);
    }
  });
  it('opens gzip files and names the member', () => {
    const gz = gzipSync(Buffer.from(`log line\nHF_TOKEN=${t}\n`));
    const found = collect(gz, 'logs/run.log.gz');
    expect(found.map((x) => [x.path, x.m.line, x.m.secret])).toEqual([['logs/run.log.gz!run.log', 2, t]]);
  });
  it('opens zip archives (a torch checkpoint holds data.pkl) and nested archives', () => {
    const inner = zipSync({ 'deep/secret.env': Buffer.from(`HF_TOKEN=${t}\n`) });
    const zip = zipSync({ 'archive/data.pkl': Buffer.from(`\x8c\x25${t}`, 'latin1'), 'archive/inner.zip': inner }, { level: 6 });
    const found = collect(Buffer.from(zip), 'model.bin');
    expect(found.map((x) => x.path).sort()).toEqual(['model.bin!archive/data.pkl', 'model.bin!archive/inner.zip!deep/secret.env']);
  });
  it('streams gzip content too large to inflate at once, and stops at the decompression budget', () => {
    const t = gen.userToken();
    const big = gzipSync(Buffer.concat([Buffer.alloc(20 << 20, 0x61), Buffer.from(`\nHF=${t}\n`)]));
    expect(collect(big, 'big.gz').map((x) => [x.path, x.m.line, x.m.secret])).toEqual([['big.gz!big', 2, t]]);
    const skipped: string[] = [];
    const s = openContent(detector, 'bomb.gz', { match: () => undefined, warn: () => undefined, skip: (p, r) => skipped.push(`${p}: ${r}`) }, { archiveDepth: 3, archiveBytes: 1 << 20 });
    s.push(gzipSync(Buffer.alloc(8 << 20)));
    s.end();
    expect(skipped).toEqual(['bomb.gz: archive holds more than 1 MB decompressed; the rest was not scanned']);
  });

  it('warns about a corrupt archive and keeps going', () => {
    const gz = gzipSync(Buffer.from('x'.repeat(10000)));
    const broken = Buffer.concat([gz.subarray(0, 20), Buffer.alloc(50, 0xff)]);
    const warnings: string[] = [];
    const s = openContent(detector, 'bad.gz', { match: () => undefined, warn: (w) => warnings.push(w), skip: () => undefined });
    s.push(broken);
    s.end();
    expect(warnings.join('\n')).toMatch(/bad\.gz: corrupt gzip/);
  });
});

describe('chunked streams', () => {
  it('finds a token across every possible chunk boundary exactly once, with the right position', () => {
    const t = gen.userToken();
    const prefix = 'a'.repeat(5000) + '\n' + 'b'.repeat(3000) + ' ';
    const text = Buffer.from(`${prefix}${t} tail\n`);
    for (const piece of [1, 7, 1000, 4096, 5033, 8001]) {
      const found = streamed(detector, text, piece, 4096);
      expect(found.map((m) => [m.secret, m.line, m.column, m.offset]), `piece ${piece}`).toEqual([[t, 2, 3002, prefix.length]]);
    }
  });
  it('is exact on window edges: a token starting there, a glued look-alike, a percent escape', () => {
    const t = gen.userToken();
    const run = (text: string): Match[] => streamed(detector, Buffer.from(text), undefined, 4096);
    // Windows are at least as large as the overlap (16448 bytes for 4 KB tokens): the first
    // edge is there, later ones a little earlier (the look-behind). Try every offset near them.
    const edges = [];
    for (let e = 16440; e <= 16456; e += 2) edges.push(e);
    for (let e = 32860; e <= 32900; e += 2) edges.push(e);
    for (const edge of edges) {
      const starts = run(`${'a'.repeat(edge - 1)}\n${t}\n${'b'.repeat(30000)}`);
      expect(starts.map((m) => [m.offset, m.line, m.column]), `edge ${edge}`).toEqual([[edge, 2, 1]]);
      expect(run(`${'a '.repeat((edge - 2) / 2)}x${t} ${'b'.repeat(30000)}`), `glued at ${edge}`).toEqual([]);
      const pct = run(`${'a '.repeat((edge - 4) / 2)}%3D${t} ${'b'.repeat(30000)}`);
      expect(pct.map((m) => m.decoding), `percent at ${edge}`).toEqual([['percent']]);
    }
  });

  it('finds base64 whose 4-character group starts 1 to 3 bytes before a window edge', () => {
    // The needle lies past the edge but the finding starts at its group: the window
    // holding the group's start must report it, not the next one.
    const t = gen.userToken();
    const run = (buf: Buffer, piece: number): Match[] => streamed(detector, buf, piece, 4096);
    for (const pre of ['', 'X=', 'XY=', 'XYZ=']) {
      // A finding starts at the group that encodes the keyword's first byte.
      const b64 = Buffer.from(`${pre}${t}`).toString('base64');
      for (const edge of [16448, 32880]) {
        for (let at = edge - 5; at <= edge + 1; at++) {
          const buf = Buffer.from(`${' '.repeat(at)}${b64} ${'b '.repeat(20000)}`);
          for (const piece of [buf.length, 4096]) {
            const ms = run(buf, piece);
            expect(ms.map((m) => [m.secret, m.offset, m.decoding]), `${pre} at ${at}, piece ${piece}`).toEqual([[t, at + Math.floor(pre.length / 3) * 4, ['base64']]]);
          }
        }
      }
    }
  });
  it('finds base64 right before the 1 MiB window edges of a 12 MB file read in 1 MB pieces', () => {
    const t = gen.userToken();
    const b64 = Buffer.from(`X=${t}`).toString('base64');
    const buf = Buffer.alloc(12 << 20, 0x20);
    const at = [(1 << 20) - 3, (2 << 20) - 2, (5 << 20) - 1];
    for (const a of at) buf.write(b64, a - 16 * Math.floor(a / (1 << 20)), 'latin1');
    const found = streamed(detector, buf, 1 << 20);
    expect(found.map((m) => m.offset)).toEqual(at.map((a) => a - 16 * Math.floor(a / (1 << 20))));
  });
  it('counts columns in code units on a UTF-16 line longer than a window', () => {
    const t = gen.userToken();
    for (const enc of ['utf16le', 'utf16be'] as const) {
      const buf = utf16(`${'a '.repeat(350000)}k=${t}\n`, enc);
      for (const piece of [buf.length, 1 << 16]) {
        const found = streamed(detector, buf, piece);
        expect(found.map((m) => [m.line, m.column]), `${enc} piece ${piece}`).toEqual([[1, 700003]]);
      }
    }
  });
  it('finds a token at the end of one very long line', () => {
    const t = gen.userToken();
    const found: Match[] = [];
    const sc = new ChunkScanner(detector, (m) => found.push(m), 1 << 16);
    const block = Buffer.alloc(1 << 16, 0x61);
    for (let i = 0; i < 64; i++) sc.push(Buffer.from(block));
    sc.push(Buffer.from(` ${t}`));
    sc.end();
    expect(found.map((m) => [m.line, m.column])).toEqual([[1, 64 * 65536 + 2]]);
    expect(sc.longestLine).toBeGreaterThan(60 * 65536);
  });
});

describe('JWT tokens', () => {
  it('reports expiry and scope of OAuth tokens, offline', () => {
    const live = gen.oauthToken({ exp: 4102444800, scope: 'openid inference-api' });
    const [m] = find(`t=${live}`);
    expect(m!.jwt).toMatchObject({ expiresAt: '2100-01-01T00:00:00.000Z', expired: false, scope: 'openid inference-api' });
    const dead = gen.publisherToken({ exp: 1_600_000_000 });
    const [d] = find(`t=${dead}`);
    expect(d).toMatchObject({ ruleId: 'hf-trusted-publisher-token' });
    expect(d!.jwt?.expired).toBe(true);
  });
  it.each([
    ['as it is', (x: string) => Buffer.from(`t = "${x}"`), 'none'],
    ['in base64', (x: string) => Buffer.from(`data: ${Buffer.from(`TOKEN=${x}\n`).toString('base64')}\n`), 'base64'],
    ['with its underscores percent-encoded', (x: string) => Buffer.from(`GET /cb?t=${x.replace(/_/g, '%5F')}&s=1`), 'percent'],
    ['with its underscores \\u-escaped', (x: string) => Buffer.from(`{"t": "${x.replace(/_/g, '\\u005f')}"}`), 'escape'],
    ['in UTF-16LE', (x: string) => Buffer.from(`t = "${x}"`, 'utf16le'), 'utf16le'],
    ['in UTF-32LE', (x: string) => Buffer.from([...`t = "${x}"`].map((c) => `${c}\0\0\0`).join(''), 'latin1'), 'utf32le'],
  ])('finds a whole OAuth token (hundreds of characters, past the short window) %s, even with a header longer than that window', (_n, encode, decoding) => {
    const long = gen.oauthToken({ exp: 4102444800, scope: 'openid profile read-repos write-repos manage-repos inference-api', sub: '6'.repeat(24) });
    expect(long.length).toBeGreaterThan(200);
    expect(find(encode(long)).map((m) => [m.secret === long, m.decoding?.[0] ?? 'none'])).toEqual([[true, decoding]]);
    // Its first dot 150 characters in: the long window must not hang on a dot in the short one.
    const b64url = (x: string) => Buffer.from(x).toString('base64url');
    const header = b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: gen.pick('abcdefghijklmnop', 96) }));
    const [, payload, sig] = long.slice('hf_oauth_'.length).split('.');
    const kid = `hf_oauth_${header}.${payload}.${sig}`;
    expect(header.length).toBeGreaterThan(100);
    expect(find(encode(kid)).map((m) => [m.secret === kid, m.decoding?.[0] ?? 'none'])).toEqual([[true, decoding]]);
  });
  it('rejects an hf_oauth_ string whose body is not a JWT', () => {
    expect(find(`hf_oauth_eyJ${'a'.repeat(20)}.${'b'.repeat(20)}.${'c'.repeat(20)}`)).toEqual([]);
  });
});

describe('allow markers', () => {
  it('marks a location whose line says hfleaks:allow', () => {
    const t = gen.userToken();
    const ms = find(`a = "${t}"  # hfleaks:allow test fixture\nb = "${t}"\n`);
    expect(ms.map((m) => [m.line, Boolean(m.allowed)])).toEqual([[1, true], [2, false]]);
  });
});

describe('placeholder filter', () => {
  it('keeps real-looking random tokens (20,000 seeded bodies, letters and digits)', async () => {
    const { placeholderReason } = await import('../../src/detect/filters.ts');
    const g = tokenGenerator(77);
    const rejected: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const body = g.body(34, i % 2 === 0);
      if (placeholderReason(body)) rejected.push(body);
    }
    expect(rejected).toEqual([]);
  });
  it('keeps a random body that holds one placeholder word, whichever it is', async () => {
    const { placeholderReason } = await import('../../src/detect/filters.ts');
    // (Each word once: a word listed twice counted as two.)
    for (const w of ['dummy', 'your', 'mock', 'face']) expect(placeholderReason(`Qx7Kr${w}tPwB9nmDfgLkjhMnbQmErTzUvOkAnDf`.slice(0, 34)), w).toBeUndefined();
  });
  it('rejects placeholders people type: keyboard rows, interleaved runs, short patterns over and over', async () => {
    const { placeholderReason } = await import('../../src/detect/filters.ts');
    const seen = ['a1b2c3d4e5f6g7h8i9j0K1L2M3N4O5P6Q7', 'AaBbCcDdEeFfGgHhIiJjKkLlMmNnOoPpQq', 'abc123ABC456abc123ABC456abc123ABC4', 'qwertyuiopASDFGHJKLzxcvbnmQWERTYUI', 'XyZ1XyZ2XyZ3XyZ4XyZ5XyZ6XyZ7XyZ8Xy'];
    for (const p of seen) {
      expect(p, p).toHaveLength(34);
      expect(placeholderReason(p), p).toBeDefined();
    }
    // Random bodies keep passing: none of 200,000 is taken for one.
    const rnd = seededRandom(99);
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    let rejected = 0;
    for (let i = 0; i < 200_000; i++) {
      let b = '';
      for (let k = 0; k < 34; k++) b += alphabet[Math.floor(rnd() * alphabet.length)];
      const why = placeholderReason(b);
      if (why === 'keyboard run' || why === 'repeated pattern' || why === 'a name made of words' || (why === 'alphabet run' && !/(.)\1{5}/i.test(b))) rejected++;
    }
    expect(rejected).toBe(0);
    // jwt.io's sample token, copied into docs and tests, behind an OAuth or publisher prefix.
    const sample = gen.jwt({ sub: '1234567890', name: 'John Doe', iat: 1516239022 });
    expect(find(`token: hf_oauth_${sample}\nother: hf_jwt_${sample}\n`)).toEqual([]);
    expect(find(`token: hf_oauth_${gen.jwt({ sub: '1234567890', name: 'Jane Roe', iat: 1516239022 })}\n`)).toHaveLength(1);
    // A JWT in docs whose signature was written by hand: repeated, spelled out, an alphabet run.
    const real = gen.jwt({ sub: 'your-user-id', scope: 'openid profile', exp: 4102444800 });
    const unsigned = real.slice(0, real.lastIndexOf('.') + 1);
    for (const sig of ['x'.repeat(43), 'SIGNATURE_GOES_HERE', 'abcdefghijklmnopqrstuvwxyz', `your_signature_here`]) {
      expect(find(`Authorization: Bearer hf_oauth_${unsigned}${sig}\nHF_TOKEN=hf_jwt_${unsigned}${sig}\n`), sig).toEqual([]);
    }
    expect(find(`Authorization: Bearer hf_oauth_${real}\n`).map((m) => m.secret)).toEqual([`hf_oauth_${real}`]);
    // A long random signature (RS256: 342 characters) holds an alphabet run or two short
    // words now and then: still a signature. Only a run of one character says otherwise.
    const rs = real.slice(real.lastIndexOf('.') + 1);
    const lucky = `${unsigned}${(rs.repeat(8) + 'abcdefghTestTokenQ').slice(-342)}`;
    expect(find(`t: hf_oauth_${lucky}\n`).map((m) => m.secret)).toEqual([`hf_oauth_${lucky}`]);
    expect(find(`t: hf_oauth_${unsigned}${rs.slice(0, 30)}zzzzzzzz${rs.slice(0, 30)}\n`)).toEqual([]);
  });
  it('rejects camel-case placeholders built from words', async () => {
    const { placeholderReason } = await import('../../src/detect/filters.ts');
    for (const p of ['replaceWithYourOwnHuggingFaceToken', 'InsertYourTokenHereABCDEFGHIJKLMNO', 'FakeTokenForTestingPurposesOnly12x']) {
      expect(placeholderReason(p), p).toBeDefined();
    }
  });
  it('rejects names made of words (a function `hf_ListRepoRefs…ForSpaceRepo`), in camel or Pascal case', async () => {
    const { placeholderReason } = await import('../../src/detect/filters.ts');
    expect(placeholderReason('ListRepoRefsAndCommitsForSpaceRepo')).toBe('a name made of words');
    const names = ['ListRepoRefsAndCommitsForSpaceRepo', 'listRepoRefsAndCommitsForSpaceRepo', 'GetDatasetCardMetadataForUserRepo2', 'UploadLargeFolderToSpaceWithRetry1', 'createCommitOnBranchWithFileUpload'];
    for (const p of names) {
      expect(p).toHaveLength(34);
      expect(['a name made of words', 'class name'], p).toContain(placeholderReason(p));
    }
    expect(find(`def hf_${names[0]}(self):\n    return hf_${names[2]}()\n`)).toEqual([]);
    // Word-like pieces a random body has by chance are too few, too long or unpronounceable.
    expect(placeholderReason('ussHhvonOjeDetvlLkhiKoqjBYEygpfZby')).toBeUndefined();
  });
  it('rejects class names of 34 characters, and keeps a body that is title-case words only by chance', async () => {
    const { placeholderReason } = await import('../../src/detect/filters.ts');
    const names = ['AutoModelFor', 'LlamaTokenizer' + 'FastPretrainedModel1', 'DebertaV2For', 'Data2VecTextForToken' + 'Classification', 'TFRobertaFor', 'TFXLMRobertaForToken' + 'Classification'];
    names.push('MobileViTV2ForSemantic' + 'Segmentation', 'FlaxRoFormerForToken' + 'Classification', 'TFLayoutLMv3ForToken' + 'Classification', 'StableDiffusion3PAG' + 'Img2ImgPipeline');
    for (const p of names.map((n) => (n.endsWith('For') ? `${n}SequenceClassification` : n))) {
      expect(p).toHaveLength(34);
      expect(placeholderReason(p), p).toBe('class name');
    }
    // Words with no vowel are no English words: a random body of this shape is kept.
    expect(placeholderReason(['Qxz', 'Krt', 'Pwv', 'Bnm', 'Dfg', 'Lkjh', 'Mnb', 'Qwrt', 'Pxcv', 'Tzrk'].join(''))).toBeUndefined();
  });
});

describe('wrapped base64', () => {
  // `base64 .env` (GNU coreutils) wraps at 76 columns, PEM at 64: a token's encoding
  // often straddles a line break.
  const wrap = (b64: string, width: number, eol: string) => b64.match(new RegExp(`.{1,${width}}`, 'g'))!.join(eol) + eol;

  it.each([
    [76, '\n'],
    [64, '\n'],
    [76, '\r\n'],
    // Indented lines: a YAML block scalar (cloud-init's b64 content), XML, a plist's <data>.
    [76, '\n    '],
    [64, '\n  '],
    [64, '\n\t'],
    [76, '\r\n      '],
    // Inside a JSON string, the breaks escaped (a Terraform state, an API dump).
    [76, '\\n'],
    [64, '\\r\\n'],
  ])('finds a token across the line breaks of base64 wrapped at %i columns (break %j)', (width, eol) => {
    // (Each needle of each keyword, at each of its bytes: the org token's share anchors with the user token's.)
    for (const t of [gen.userToken(), gen.orgToken()]) splitEverywhere(t, width, eol);
  });
  function splitEverywhere(t: string, width: number, eol: string): void {
    let found = 0;
    let straddled = 0;
    for (let shift = 0; shift < width; shift++) {
      const env = `${'#'.repeat(shift)}\nHF_TOKEN=${t}\nOTHER=1\n`;
      const b64 = Buffer.from(env).toString('base64');
      const indent = eol.startsWith('\\') ? '' : eol.replace(/^\r?\n/, '');
      const text = `data: |\n${indent}${wrap(b64, width, eol)}`;
      const at = env.indexOf(t);
      // Where the token's encoding lies, and whether a line break falls inside it.
      const from = Math.floor(at / 3) * 4;
      const to = Math.ceil((at + t.length) / 3) * 4;
      if (Math.floor(from / width) !== Math.floor((to - 1) / width)) straddled++;
      const ms = find(text).filter((m) => m.secret === t);
      expect(ms.length, `shift ${shift}`).toBeLessThanOrEqual(1);
      if (ms.length) {
        expect(ms[0]!.decoding).toEqual(['base64']);
        found++;
      }
    }
    expect(straddled).toBeGreaterThan(width / 2); // the case this is about
    // Even a break inside the few characters that encode the keyword itself.
    expect(found, t.slice(0, 4)).toBe(width);
  }

  it('reports each of two tokens in one wrapped run once, at its own line', () => {
    const [t1, t2] = [gen.userToken(), gen.userToken()];
    const env = `${'# a comment to push the second token a few lines down\n'.repeat(12)}A=${t1}\n${'x'.repeat(300)}\nB=${t2}\n`;
    const text = wrap(Buffer.from(env).toString('base64'), 76, '\n');
    const ms = find(text);
    for (const tok of [t1, t2]) expect(ms.filter((m) => m.secret === tok), tok).toHaveLength(1);
    const lineOf = (tok: string) => {
      const enc = Math.floor(env.indexOf(tok) / 3) * 4; // the group holding its keyword
      return Math.floor(enc / 76) + 1;
    };
    expect(ms.find((m) => m.secret === t2)!.line).toBe(lineOf(t2));
    expect(ms.find((m) => m.secret === t1)!.line).toBe(lineOf(t1));
  });

  it('joins a wrapped run across a window edge (the line before the break is in the look-behind)', () => {
    const t = gen.userToken();
    // The keyword's encoding starts late on the first 76-character line: the token's
    // encoding goes on past the break.
    const env = `${'#'.repeat(40)}\nHF_TOKEN=${t}\n`;
    const b64 = wrap(Buffer.from(env).toString('base64'), 76, '\n');
    expect(b64.indexOf('\n')).toBeLessThan(Math.ceil(((41 + 9 + t.length) * 4) / 3));
    let missed = 0;
    // The run, and its break, placed all around the first window edge (16448 bytes); the
    // filler after it makes the scanner slide its window.
    for (let pad = 16448 - 160; pad < 16448 + 40; pad += 3) {
      const buf = Buffer.from(`${'.'.repeat(pad)}\n${b64}\n${'.'.repeat(30000)}`);
      const found = streamed(detector, buf, 1000, 4096);
      const whole = find(buf).filter((m) => m.secret === t).length;
      expect(whole, `pad ${pad}`).toBe(1);
      if (found.filter((m) => m.secret === t).length !== whole) missed++;
    }
    expect(missed).toBe(0);
  });

  it('does not join base64-looking lines that are not a wrapped run', () => {
    const t = gen.userToken();
    const b64 = Buffer.from(`HF_TOKEN=${t}\n`).toString('base64');
    // Short lines: not wrapping, so nothing is joined (and the halves decode to nothing).
    const text = `${b64.slice(0, 20)}\n${b64.slice(20)}\n`;
    expect(find(text).filter((m) => m.secret === t)).toHaveLength(0);
    // Nor a line of base64 and, after the break, prose or a deeper indent than any wrap has.
    const env = `${'#'.repeat(60)}\nHF_TOKEN=${t}\n`;
    const long = Buffer.from(env).toString('base64');
    const cut = Math.floor(env.indexOf(t) / 3) * 4 + 20; // inside the token's encoding, past column 60
    expect(find(`${long.slice(0, cut)}\n${' '.repeat(4)}${long.slice(cut)}\n`).filter((m) => m.secret === t)).toHaveLength(1);
    expect(find(`${long.slice(0, cut)}\n${' '.repeat(20)}${long.slice(cut)}\n`).filter((m) => m.secret === t)).toHaveLength(0);
    expect(find(`${long.slice(0, cut)}\n  - ${long.slice(cut)}\n`).filter((m) => m.secret === t)).toHaveLength(0);
  });
});
