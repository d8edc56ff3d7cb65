// The byte searches under the detector: needles sharing an anchor byte are found exactly
// where searching each alone finds them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64NeedleInfo } from '../../src/detect/detector.ts';
import { occursAt, searcher, shareAnchors } from '../../src/detect/search.ts';

const B64 = ['hf_', 'api_org_'].flatMap((kw) => base64NeedleInfo(kw).map((n) => Buffer.from(n.text, 'latin1')));

/** Every (needle, offset) found through the shared groups. */
function shared(buf: Buffer, needles: Buffer[]): string[] {
  const out: string[] = [];
  for (const g of shareAnchors(needles.map((needle, i) => ({ needle, data: i })))) {
    for (let a = buf.indexOf(g.anchor); a !== -1; a = buf.indexOf(g.anchor, a + 1)) {
      for (const m of g.members) if (occursAt(buf, a - m.at, m.needle)) out.push(`${m.data}@${a - m.at}`);
    }
  }
  return out.sort();
}

/** Every (needle, offset) found by searching each needle alone. */
function alone(buf: Buffer, needles: Buffer[]): string[] {
  const out: string[] = [];
  needles.forEach((n, i) => {
    const s = searcher(n);
    for (let at = s.next(buf, 0); at !== -1; at = s.next(buf, at + 1)) out.push(`${i}@${at}`);
  });
  return out.sort();
}

describe('shared anchors', () => {
  it('puts each base64 needle in one group whose anchor it holds, in fewer passes than needles', () => {
    const groups = shareAnchors(B64.map((needle, i) => ({ needle, data: i })));
    const members = groups.flatMap((g) => g.members.map((m) => m.data)).sort((a, b) => a - b);
    expect(members).toEqual(B64.map((_, i) => i));
    for (const g of groups) for (const m of g.members) expect(m.needle[m.at]).toBe(g.anchor);
    expect(groups.length).toBeLessThan(B64.length);
  });

  it('finds every occurrence that searching each needle alone finds, at the same offsets', () => {
    // Text made of the needles' own bytes, so they overlap and touch each other.
    const alphabet = [...new Set(B64.flatMap((n) => [...n]))].concat([0x20, 0x0a]);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...B64), fc.uint8Array({ minLength: 1, maxLength: 6 }).map((a) => Buffer.from(a.map((x) => alphabet[x % alphabet.length]!)))), { maxLength: 60 }),
        (parts) => {
          const buf = Buffer.concat(parts);
          expect(shared(buf, B64)).toEqual(alone(buf, B64));
        },
      ),
      { numRuns: 400 },
    );
  });
});
