// The escape decoder, and what the detector asks of it on crafted input.
import { describe, expect, it, vi } from 'vitest';

const decoded = vi.hoisted(() => ({ bytes: 0 }));
vi.mock('../../src/detect/escapes.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/detect/escapes.ts')>();
  return {
    ...real,
    unescape: (buf: Uint8Array, from: number, to: number, max?: number) => {
      decoded.bytes += to - from;
      return real.unescape(buf, from, to, max);
    },
    unescapeText: (buf: Uint8Array, from: number, to: number, max?: number) => {
      decoded.bytes += to - from;
      return real.unescapeText(buf, from, to, max);
    },
  };
});

const { charBefore, escapeAt, unescape } = await import('../../src/detect/escapes.ts');
const { createDetector, literalStarts, tokenAlphabet } = await import('../../src/detect/detector.ts');
const { builtinRules } = await import('../../src/rules/builtin.ts');
const { tokenGenerator } = await import('../../src/rules/template.ts');

describe('escapeAt', () => {
  it.each([
    ['\\u005f', 0x5f, 6],
    ['\\u005F', 0x5f, 6],
    ['\\U0000005f', 0x5f, 10],
    ['\\u{5f}', 0x5f, 6],
    ['\\u{1F917}', 0x1f917, 9],
    ['\\x5f', 0x5f, 4],
    ['%5F', 0x5f, 3],
  ])('reads %s', (text, cp, len) => {
    expect(escapeAt(Buffer.from(`${text}rest`), 0)).toEqual({ cp, len });
  });
  it.each(['\\u005', '\\uXYZW', '\\x5', '%5', '%G0', '\\u{}', '\\u{5f', '\\U0011FFFF', '\\n', 'u005f'])('is no escape: %s', (text) => {
    expect(escapeAt(Buffer.from(text), 0)).toBeUndefined();
  });
});

describe('unescape and charBefore', () => {
  it('decodes every kind, keeps other bytes, and maps each character to where its bytes start', () => {
    const buf = Buffer.from('a\\u0062%63\\x64\\u{65}\\U00000066g');
    const u = unescape(buf, 0, buf.length);
    expect(u.text).toBe('abcdefg');
    expect([...u.offsets]).toEqual([0, 1, 7, 10, 14, 20, 30, 31]);
  });
  it('reads a character beyond U+00FF as one that is no letter', () => {
    const u = unescape(Buffer.from('\\u4e0a'), 0, 6);
    expect(u.text).toBe('\u00ff');
  });
  it('tells the character before an escape, escaped or not', () => {
    for (const [text, at, ch] of [['hf\\u005f', 2, 'f'], ['h\\u0066\\u005f', 7, 'f'], ['\\u005f\\u005f', 6, '_'], ['h\\x66%5F', 5, 'f'], ['%66%5F', 3, 'f'], ['\\u{66}\\u005f', 6, 'f']] as const) {
      expect(String.fromCharCode(charBefore(Buffer.from(text), at)), text).toBe(ch);
    }
    expect(charBefore(Buffer.from('\\u005f'), 0)).toBe(-1);
  });
});

/** The base64 characters `fn` has Buffer.from decode. */
function base64Decoded(fn: () => void, encoding = 'base64'): number {
  let chars = 0;
  const real = Buffer.from;
  Buffer.from = function (this: unknown, ...args: unknown[]) {
    if (args[1] === encoding && typeof args[0] === 'string') chars += args[0].length;
    return (real as (...a: unknown[]) => Buffer).apply(this, args);
  } as typeof Buffer.from;
  try {
    fn();
  } finally {
    Buffer.from = real;
  }
  return chars;
}

/** Runs of a JWT rule's pattern (the OAuth and Trusted Publisher ones) over text longer than 1,000 characters while `fn` runs. */
function jwtRunsOverLongText(fn: () => void): number {
  let runs = 0;
  const real = RegExp.prototype.exec;
  RegExp.prototype.exec = function (this: RegExp, text: string) {
    if (text.length > 1000 && this.source.includes('eyJ')) runs++;
    return real.call(this, text);
  };
  try {
    fn();
  } finally {
    RegExp.prototype.exec = real;
  }
  return runs;
}

describe('crafted input', () => {
  const detector = createDetector(builtinRules());
  it('decodes a run of escaped keywords about twice over, not once per keyword', () => {
    // Counted, not timed: the bytes the detector asks to decode, against the input's size.
    for (const unit of ['\\u005f', 'hf\\u005f', 'hf\\u005fjwt\\u005f', 'api\\x5forg\\x5f', '%66%5F', '\\u0068\\u0066\\u005f']) {
      const buf = Buffer.from(unit.repeat(Math.ceil(200_000 / unit.length)));
      decoded.bytes = 0;
      expect(detector.scan(buf), unit).toEqual([]);
      expect(decoded.bytes / buf.length, unit).toBeLessThan(3);
    }
  });
  it('turns away each of a run of percent-encoded or base64 keywords after a look at a few bytes', () => {
    // Each used to cost a decoded window of about 200 bytes and its search (seconds per
    // megabyte). Counted, not timed: bytes decoded against the input's size.
    const pct = Buffer.from('hf%5F'.repeat(40_000));
    decoded.bytes = 0;
    expect(detector.scan(pct)).toEqual([]);
    expect(decoded.bytes / pct.length).toBeLessThan(12);
    const b64 = Buffer.from('aGZf'.repeat(50_000));
    expect(base64Decoded(() => expect(detector.scan(b64)).toEqual([])) / b64.length).toBeLessThan(6);
    // Hex: about twice over (a region reused for the keywords in it), not a window each (about 25 times).
    for (const unit of ['hf_', 'hf_oauth_eyJ', 'api_org_']) {
      const hex = Buffer.from(Buffer.from(unit.repeat(Math.ceil(100_000 / unit.length))).toString('hex'));
      expect(base64Decoded(() => expect(detector.scan(hex), unit).toEqual([]), 'hex') / hex.length, unit).toBeLessThan(4);
    }
    // Wrapped over lines as `xxd -p` writes it (60 digits a line, or 61: odd widths put
    // the keywords out of step): the joined text decoded about twice over too, with the
    // pieces of each line that plain hex decoding reads before it meets the break.
    for (const unit of ['hf_', '-hf_oauth_eyJ', 'api_org_']) {
      const digits = Buffer.from(unit.repeat(Math.ceil(100_000 / unit.length))).toString('hex');
      for (const width of [60, 61]) {
        const wrapped = Buffer.from(`${digits.match(new RegExp(`.{1,${width}}`, 'g'))!.join('\n')}\n`);
        expect(base64Decoded(() => expect(detector.scan(wrapped), unit).toEqual([]), 'hex') / wrapped.length, `${unit} ${width}`).toBeLessThan(10);
      }
    }
    // Keywords an odd number of digits apart (a stray digit after each) need a region each
    // of their own parity; sharing one, each threw the other's 8 KB window away.
    const odd = Buffer.from(`${Buffer.from(`hf_oauth_eyJ${'A'.repeat(60)}`).toString('hex')}5`.repeat(700));
    expect(base64Decoded(() => expect(detector.scan(odd)).toEqual([]), 'hex') / odd.length).toBeLessThan(8);
  });
  it('decodes no long window for a run of long keywords that no JWT follows, glued or not', () => {
    // A window for a JWT rule is 4 KB: decoded for each of a run of `hf_oauth_` it cost
    // seconds per megabyte. Counted, not timed: base64 characters decoded per input byte.
    for (const unit of ['hf_oauth_', 'hf_oauth_eyJ', ' hf_oauth_eyJ', 'hf_jwt_eyJ']) {
      const b64 = Buffer.from(Buffer.from(unit.repeat(Math.ceil(150_000 / unit.length))).toString('base64'));
      const chars = base64Decoded(() => expect(detector.scan(b64), unit).toEqual([]));
      // Short windows: 8 to 11 characters decoded per input character; long ones made it hundreds.
      expect(chars / b64.length, unit).toBeLessThan(20);
    }
    const pct = Buffer.from('hf%5Foauth%5F'.repeat(20_000));
    decoded.bytes = 0;
    expect(detector.scan(pct)).toEqual([]);
    // A short window per keyword: about 19 bytes per input byte; a long one, about 900.
    expect(decoded.bytes / pct.length).toBeLessThan(40);
  });
  it('runs no JWT pattern over a 4 KB window that holds no JWT header, in any encoding', () => {
    // `-hf_oauth_eyJ` over and over: each keyword used to get a 4 KB window and the
    // pattern's backtracking over it, seconds per megabyte. Counted, not timed: pattern
    // runs over long text.
    const u32 = (x: string) => Buffer.from([...x].map((c) => `${c}\0\0\0`).join(''), 'latin1');
    const unit = '-hf_oauth_eyJ';
    const inputs: [string, Buffer][] = [
      ['plain', Buffer.from(unit.repeat(8000))],
      ['UTF-16', Buffer.from(unit.repeat(8000), 'utf16le')],
      ['UTF-32', u32(unit.repeat(8000))],
      ['escaped', Buffer.from('-hf\\u005foauth\\u005feyJ'.repeat(8000))],
      ['percent', Buffer.from('-hf%5Foauth%5FeyJ'.repeat(8000))],
      ['base64', Buffer.from(Buffer.from(unit.repeat(8000)).toString('base64'))],
      ['hex', Buffer.from(Buffer.from(unit.repeat(8000)).toString('hex'))],
      ['hex wrapped as xxd -p', Buffer.from(Buffer.from(unit.repeat(8000)).toString('hex').replace(/.{60}/g, '$&\n'))],
      // A dot now and then: the window holds two, but no JWT header before the first.
      ['plain, a dot every 4 KB', Buffer.from(`${unit.repeat(307)}.`.repeat(25))],
      ['percent, a dot every 4 KB', Buffer.from(`${'-hf%5Foauth%5FeyJ'.repeat(307)}.`.repeat(25))],
      ['UTF-16BE, a dot every 4 KB', Buffer.from(`${unit.repeat(307)}.`.repeat(25), 'utf16le').swap16()],
      ['Trusted Publisher, a dot every 4 KB', Buffer.from(`${'-hf_jwt_eyJ'.repeat(370)}.`.repeat(25))],
    ];
    for (const [name, buf] of inputs) expect(jwtRunsOverLongText(() => expect(detector.scan(buf), name).toEqual([])), name).toBe(0);
  });
  it('tries a token with two escaped underscores once, not once per underscore', () => {
    // Counted: runs of the OAuth pattern over long text, one per keyword at most.
    const pc = (x: string) => [...x].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const unit = '-hf_oauth_eyJabcdefghij.';
    for (const buf of [Buffer.from(pc(unit).repeat(1000)), Buffer.from(unit.replace(/_/g, '\\u005f').repeat(1000))]) {
      expect(jwtRunsOverLongText(() => expect(detector.scan(buf)).toEqual([]))).toBeLessThanOrEqual(1000);
    }
  });
  it('still finds the one real token among them', () => {
    const t = tokenGenerator(7).userToken();
    const buf = Buffer.from(`${'hf\\u005f'.repeat(30_000)} "${t.replace('_', '\\u005f')}" ${'hf\\u005f'.repeat(30_000)}`);
    expect(detector.scan(buf).map((h) => [h.secret, h.decoding])).toEqual([[t, ['escape']]]);
  });
});

describe('what a long rule must go on with', () => {
  const rule = (id: string) => builtinRules().find((r) => r.id === id)!;
  it('reads the literal after the keyword, per alternative, from the shipped JWT rules', () => {
    expect(literalStarts(rule('hf-oauth-access-token').pattern, 'hf_oauth_')).toEqual(['eyJ', '_refresh_']);
    expect(literalStarts(rule('hf-trusted-publisher-token').pattern, 'hf_jwt_')).toEqual(['eyJ']);
  });
  it('says it cannot tell where the pattern does not start with a literal', () => {
    expect(literalStarts(rule('hf-user-access-token').pattern, 'hf_')).toBeUndefined();
    expect(literalStarts('ab_(?:x|y)?z', 'ab_')).toBeUndefined();
    expect(literalStarts('ab_c?d', 'ab_')).toBeUndefined();
    expect(literalStarts('ab_(?:[a-z]+|q)', 'ab_')).toBeUndefined();
    expect(literalStarts('ab_xy{2}', 'ab_')).toEqual(['x']);
    // A top-level alternation: the keyword leads only the first branch's literal.
    expect(literalStarts('acme_live_[A-Za-z0-9]{40,400}|acme_test_[A-Za-z0-9]{40,400}', 'acme_')).toBeUndefined();
    expect(literalStarts('acme_(?:a|b)x|acme_c', 'acme_')).toBeUndefined();
    expect(literalStarts('ab_\\.x[a-z]', 'ab_')).toEqual(['.x']);
  });
  it('takes a token alphabet from classes and literals, and gives up on a bare dot', () => {
    const a = tokenAlphabet(rule('hf-oauth-access-token').pattern);
    const has = (s: string) => [...s].every((c) => a[c.charCodeAt(0)] === 1);
    expect(has('azAZ09_-.')).toBe(true);
    expect([' ', '"', '=', '/', '+'].some((c) => a[c.charCodeAt(0)] === 1)).toBe(false);
    expect(tokenAlphabet('ab.c').every((x) => x === 1)).toBe(true);
    // RE2 syntax JavaScript reads otherwise (config rules run on RE2): can't tell, so every byte.
    for (const p of ['ab_[[:alnum:]]{40}', 'ab_[\\pL]{40}', 'ab_[\\x{41}-\\x{5a}]{40}', 'ab_(?i:[a-z]){40}', 'ab_(?i)[a-z]{40}']) {
      expect(tokenAlphabet(p).every((x) => x === 1), p).toBe(true);
    }
  });
});
