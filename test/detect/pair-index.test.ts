// The one-pass search for several needles' first two bytes (WebAssembly SIMD): it lists
// exactly the offsets Buffer.indexOf finds, in order, however the walk steps, with lists
// that fill up and memory reused across buffers; and the detector finds the same tokens
// through it as without it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDetector, type Hit } from '../../src/detect/detector.ts';
import { MAX_PAIRS, PAIR_INDEX_MAX, PAIR_INDEX_MIN, type Pair, type PairIndex, pairModule, pairSearcher, PAST_LIST } from '../../src/detect/pair-index.ts';
import { builtinRules } from '../../src/rules/builtin.ts';
import { tokens } from '../git/repo.ts';
import { seededBytes } from '../helpers/detect.ts';

/** Offsets of `pair` from `from` on, each next search `step(i)` bytes after the last found. */
function walk(next: (from: number) => number, step: (i: number) => number): number[] {
  const out: number[] = [];
  for (let at = next(0); at !== -1; at = next(at + step(out.length))) out.push(at);
  return out;
}

/** The index's search for pair k, going on with indexOf past a list that was cut, as the detector does. */
function seek(index: PairIndex, k: number, pair: Pair): (from: number) => number {
  return (from) => {
    const at = index.next(k, from);
    return at === PAST_LIST ? index.buf.indexOf(Buffer.from(pair), Math.max(from, index.listedBelow(k))) : at;
  };
}

describe('pair index', () => {
  it('builds a valid module for one to MAX_PAIRS pairs, and declines more', () => {
    for (let k = 1; k <= MAX_PAIRS; k++) {
      const pairs: Pair[] = Array.from({ length: k }, (_, i) => [0x61 + i, 0x5f]);
      expect((globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(pairModule(pairs))).toBe(true);
      expect(pairSearcher(pairs)).toBeTypeOf('function');
    }
    expect(pairSearcher(Array.from({ length: MAX_PAIRS + 1 }, (_, i): Pair => [0x61 + i, 0x5f]))).toBeUndefined();
    expect(pairSearcher([])).toBeUndefined();
  });

  it('finds every pair where indexOf does, whatever the bytes, pairs, length and steps', () => {
    const pairArb = fc.tuple(fc.constantFrom(0x66, 0x5f, 0x36, 0x00, 0x0a, 0xff), fc.constantFrom(0x5f, 0x66, 0x38, 0x00, 0x0a, 0xff));
    fc.assert(
      fc.property(
        fc.uniqueArray(pairArb, { minLength: 1, maxLength: MAX_PAIRS, selector: ([a, b]) => a * 256 + b }),
        fc.integer({ min: PAIR_INDEX_MIN, max: PAIR_INDEX_MIN + 40_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 5 }),
        (pairs, len, seed, maxStep) => {
          // Bytes drawn from the pairs' own, so that they occur often, overlap and touch.
          const alphabet = [...new Set(pairs.flat()), 0x20];
          const buf = Buffer.from(seededBytes(len, seed).map((b) => alphabet[b % alphabet.length]!));
          const index = pairSearcher(pairs)!(buf)!;
          pairs.forEach((p, k) => {
            const needle = Buffer.from(p);
            const step = (i: number) => 1 + ((i * 7 + seed) % maxStep);
            expect(walk(seek(index, k, p), step)).toEqual(walk((f) => buf.indexOf(needle, f), step));
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finds pairs at the very start and end, and none half past the end', () => {
    const search = pairSearcher([[0x68, 0x66], [0x66, 0x00]])!;
    for (const len of [PAIR_INDEX_MIN, PAIR_INDEX_MIN + 1, PAIR_INDEX_MIN + 15, PAIR_INDEX_MIN + 16, PAIR_INDEX_MIN + 17]) {
      const buf = Buffer.alloc(len, 0x20);
      buf.write('hf', 0, 'latin1');
      buf.write('hf', len - 2, 'latin1');
      const index = search(buf)!;
      expect(walk(seek(index, 0, [0x68, 0x66]), () => 1)).toEqual([0, len - 2]);
      // "f" then the byte after the end (the loop reads past it): not a pair.
      expect(walk(seek(index, 1, [0x66, 0x00]), () => 1)).toEqual([]);
    }
  });

  it('says where a list that filled up was cut, and every offset below it is listed', () => {
    const buf = Buffer.from('f_'.repeat(70_000) + 'x f_' + 'f'.repeat(70_000), 'latin1');
    const index = pairSearcher([[0x66, 0x5f], [0x66, 0x66], [0x78, 0x20]])!(buf)!;
    // A list holds one entry for every 64 bytes: these two are cut before the end.
    for (const k of [0, 1]) {
      expect(index.listedBelow(k)).toBeLessThan(buf.length - 60_000);
      expect(index.next(k, index.listedBelow(k))).toBe(PAST_LIST);
    }
    const found = walk(seek(index, 0, [0x66, 0x5f]), () => 1);
    expect(found.length).toBe(70_001);
    expect(found).toEqual(walk((f) => buf.indexOf('f_', f), () => 1));
    // A pair at every offset: the first after the cut list is the next byte.
    expect(walk(seek(index, 1, [0x66, 0x66]), () => 1)).toEqual(walk((f) => buf.indexOf('ff', f), () => 1));
    expect(index.next(1, index.listedBelow(1) - 1)).toBe(index.listedBelow(1) - 1);
    // A list that was not cut: all of it, and nothing past its end.
    expect(index.listedBelow(2)).toBe(buf.length);
    expect(walk(seek(index, 2, [0x78, 0x20]), () => 1)).toEqual([140_000]);
    // Back to the start after the walk reached the end.
    expect(index.next(0, 3)).toBe(4);
  });

  it('reuses its memory across buffers of any size within its bounds', () => {
    const search = pairSearcher([[0x36, 0x38]])!;
    for (const len of [PAIR_INDEX_MIN, PAIR_INDEX_MAX, 100_000, PAIR_INDEX_MIN]) {
      const buf = Buffer.alloc(len, 0x30);
      buf.write('68', len >> 1, 'latin1');
      expect(walk(seek(search(buf)!, 0, [0x36, 0x38]), () => 1)).toEqual([len >> 1]);
    }
    expect(search(Buffer.alloc(PAIR_INDEX_MIN - 1))).toBeUndefined();
    expect(search(Buffer.alloc(PAIR_INDEX_MAX + 1))).toBeUndefined();
  });
});

describe('the detector through the pair index', () => {
  const rules = builtinRules();
  const withIndex = createDetector(rules);
  const without = createDetector(rules, { pairIndex: false });
  const key = (hits: Hit[]) => hits.map((h) => `${h.ruleId} ${h.start} ${h.secret} ${(h.decoding ?? []).join('/')}`).sort();

  /** A token in one of the forms the indexed searches look for. */
  const forms = (t: string, i: number): string => {
    const hex = Buffer.from(t, 'latin1').toString('hex');
    switch (i % 6) {
      case 0:
        return ` ${t} `;
      case 1:
        return ` token="${t}"\n`;
      case 2:
        return ` ${hex} `;
      case 3:
        return ` ${hex.toUpperCase()} `;
      case 4:
        // xxd -p: 60 digits a line, the keyword's hex cut anywhere.
        return `\n${(hex.padStart(hex.length + (i % 7), '0').match(/.{1,60}/g) ?? []).join('\n')}\n`;
      default:
        return ` hf_hub_download 68 61 6866 f_ _org \n`;
    }
  };

  it('finds the tokens that lie past a list that was cut, as without the index', () => {
    const gen = tokens(11);
    const user = gen.userToken();
    const org = gen.orgToken();
    const hex = Buffer.from(user, 'latin1').toString('hex');
    // Pairs far denser than a list keeps (one every 64 bytes), then a token of each form.
    for (const dense of ['f_ ', 'my_obj_on ', '68 61 ', 'hf_x ']) {
      const buf = Buffer.from(`${dense.repeat(20_000)}\n${user} ${org}\n${hex}\n${dense.repeat(50)}${user}`, 'latin1');
      const hits = key(withIndex.scan(buf));
      expect(hits).toEqual(key(without.scan(buf)));
      expect(hits.filter((h) => h.includes(user)).length).toBe(3);
      expect(hits.filter((h) => h.includes(org)).length).toBe(1);
    }
  });

  it('falls back to indexOf when its memory cannot grow', () => {
    const memory = (globalThis as unknown as { WebAssembly: { Memory: { prototype: { grow: (pages: number) => number } } } }).WebAssembly.Memory.prototype;
    const grow = memory.grow;
    memory.grow = () => {
      throw new RangeError('out of memory');
    };
    try {
      const t = tokens(7).userToken();
      const buf = Buffer.from(`${'x = 1\n'.repeat(20_000)}token = "${t}"\n`);
      expect(createDetector(rules).scan(buf).map((h) => h.secret)).toEqual([t]);
    } finally {
      memory.grow = grow;
    }
  });

  it('finds the same tokens, at the same offsets, in large buffers and in any window of them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 3, max: 24 }), fc.nat(), fc.nat(), (seed, count, a, b) => {
        const gen = tokens(seed);
        const filler = seededBytes(300 + (seed % 3000), seed).toString('hex');
        const parts: string[] = [];
        for (let i = 0; i < count; i++) parts.push(filler.slice(0, (seed * (i + 1)) % filler.length), forms(i % 3 ? gen.userToken(i % 2 === 0) : gen.orgToken(), seed + i));
        const buf = Buffer.from(parts.join(''), 'latin1');
        fc.pre(buf.length >= PAIR_INDEX_MIN);
        const whole = key(withIndex.scan(buf));
        expect(whole).toEqual(key(without.scan(buf)));
        expect(whole.length).toBeGreaterThan(0);
        const from = a % buf.length;
        const to = from + (b % (buf.length - from + 1));
        expect(key(withIndex.scan(buf, from, to))).toEqual(key(without.scan(buf, from, to)));
      }),
      { numRuns: 40 },
    );
  });
});
