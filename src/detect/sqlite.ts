// The values of a SQLite database file: where each text or blob value of each record
// starts and ends. SQLite stores a row's values edge to edge, their lengths in the
// record's header, so a token that is a whole value has the end of another value (or a
// header byte: `W` declares a text of 37 bytes) glued before it and the next value after
// it. Read by the file format (https://www.sqlite.org/fileformat2.html): the b-tree pages'
// cells, each cell's record, each record's serial types; in a write-ahead log (`-wal`),
// the pages of its frames. What is not in a cell (free space, deleted rows) is scanned as
// bytes, as before.

import type { Cells } from './detector.ts';

const MAGIC = 'SQLite format 3\0';
/** Values shorter than this hold no token. */
const MIN_VALUE = 16;
/**
 * Cells are kept this far behind the start of the newest bytes: the scanner's window
 * (1 MB and its overlap) never reaches further back, and memory stays bounded whatever
 * the database's size.
 */
const KEEP = 4 << 20;

/** A varint at b[at] (1 to 9 bytes, big-endian, 7 bits a byte but the ninth): its value and its length; undefined past `end`. */
function varint(b: Uint8Array, at: number, end: number): [number, number] | undefined {
  let v = 0;
  for (let i = 0; i < 9; i++) {
    if (at + i >= end) return undefined;
    const byte = b[at + i]!;
    if (i === 8) return [v * 256 + byte, 9];
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) return [v, i + 1];
  }
  return undefined;
}

/** Bytes a value of serial type `t` takes. */
function valueSize(t: number): number {
  if (t >= 12) return Math.floor((t - 12) / 2);
  return [0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0][t]!;
}

/** A SQLite database read as it streams in: the cells of its values, listed page by page as each page is whole. */
export interface SqliteValues {
  cells: Cells;
  /** Bytes of the database, in order, from its first on. */
  push(b: Uint8Array): void;
}

/** One value: [start, end) in the stream; `more` where it goes on past `end` (on overflow pages, or cut by a damaged page). */
interface Value {
  start: number;
  end: number;
  more: boolean;
}

/**
 * A reader of the text and blob values of the SQLite database (or write-ahead log) that
 * `first` starts, or undefined if it starts none in UTF-8 (a UTF-16 one's text is read as
 * UTF-16 text is). Each page's values are listed once the page is whole, before the
 * scanner sees its bytes: a window of the scanner ends its scan an overlap (16 KB) short
 * of what it holds, so pages of up to that size are always listed in time.
 */
export function sqliteValues(first: Uint8Array): SqliteValues | undefined {
  const layout = pagesOf(first);
  if (!layout) return undefined;
  const { pageSize, usable, skip, frame } = layout;
  let values: Value[] = [];
  // The page being filled: `frame` bytes (a WAL frame's header, then the page) from `at`.
  const unit = Buffer.alloc(frame + pageSize);
  let filled = 0;
  let at = skip;
  let seen = 0; // bytes of the stream pushed so far
  let skipping = skip; // header bytes before the first page (a WAL's 32)
  return {
    cells: {
      unit: 1,
      at(p) {
        // The last value that starts at or before p.
        let lo = 0;
        let hi = values.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (values[mid]!.start <= p) lo = mid + 1;
          else hi = mid;
        }
        const v = values[lo - 1];
        return v && p < v.end ? { end: v.end, first: p === v.start, more: v.more } : undefined;
      },
    },
    push(b) {
      // What the scanner can no longer ask about goes.
      if (values.length && values[0]!.end < seen - KEEP) values = values.filter((v) => v.end >= seen - KEEP);
      seen += b.length;
      let i = Math.min(b.length, skipping);
      skipping -= i;
      while (i < b.length) {
        const n = Math.min(b.length - i, unit.length - filled);
        unit.set(b.subarray(i, i + n), filled);
        filled += n;
        i += n;
        if (filled < unit.length) break;
        // A WAL frame's header names its page: page 1 holds the database header first.
        const pageNo = frame ? unit.readUInt32BE(0) : at === 0 ? 1 : 0;
        const page = unit.subarray(frame);
        const found: Value[] = [];
        readPage(page, pageNo === 1 ? 100 : 0, usable, found);
        found.sort((x, y) => x.start - y.start);
        for (const v of found) values.push({ start: v.start + at + frame, end: v.end + at + frame, more: v.more });
        at += unit.length;
        filled = 0;
      }
    },
  };
}

/** How `first`'s pages lie: a database's from byte 0, a WAL's in frames of a 24-byte header and a page, after its own 32. */
function pagesOf(first: Uint8Array): { pageSize: number; usable: number; skip: number; frame: number } | undefined {
  // (Its first byte first: this runs for every file. `S` of a database, 0x37 of a WAL.)
  if (first.length < 100 || (first[0] !== 0x53 && first[0] !== 0x37)) return undefined;
  const b = Buffer.from(first.buffer, first.byteOffset, first.byteLength);
  if (b[0] === 0x53) {
    if (b.toString('latin1', 0, 16) !== MAGIC) return undefined;
    const raw = b.readUInt16BE(16);
    const pageSize = raw === 1 ? 65536 : raw;
    const encoding = b.readUInt32BE(56);
    if (!validPageSize(pageSize) || (encoding !== 0 && encoding !== 1)) return undefined;
    // Usable bytes a page (some may be reserved at each page's end).
    return { pageSize, usable: pageSize - b[20]!, skip: 0, frame: 0 };
  }
  // A write-ahead log: 0x377f0682 or 0x377f0683, the format version 3007000, the page size.
  const magic = b.readUInt32BE(0);
  if ((magic !== 0x377f0682 && magic !== 0x377f0683) || b.readUInt32BE(4) !== 3007000) return undefined;
  const pageSize = b.readUInt32BE(8);
  // (A WAL does not say the database's encoding or reserved bytes: UTF-8 and none, the defaults.)
  return validPageSize(pageSize) ? { pageSize, usable: pageSize, skip: 32, frame: 24 } : undefined;
}

function validPageSize(n: number): boolean {
  return n >= 512 && n <= 65536 && (n & (n - 1)) === 0;
}

/** The values of one b-tree page's cells (`b`, its header at `head`), appended to `out` (offsets in the page). */
function readPage(b: Buffer, head: number, usable: number, out: Value[]): void {
  const type = b[head]!;
  // 13: table leaf (rowid, record); 10: index leaf (record); 2: index interior (child, record). 5 holds no record.
  if (type !== 13 && type !== 10 && type !== 2) return;
  const count = b.readUInt16BE(head + 3);
  const pointers = head + (type === 2 ? 12 : 8);
  if (pointers + 2 * count > usable) return;
  // Payloads larger than this go on overflow pages: only their first part is here.
  const maxLocal = type === 13 ? usable - 35 : Math.floor(((usable - 12) * 64) / 255) - 23;
  const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
  // A page holds at most this many values a token could be: more is a damaged or crafted page.
  const most = Math.floor(usable / MIN_VALUE);
  const cells = new Set<number>();
  for (let k = 0; k < count && out.length < most; k++) {
    let at = b.readUInt16BE(pointers + 2 * k);
    // (Two pointers to one cell list it once.)
    if (at < pointers + 2 * count || at >= usable || cells.has(at)) continue;
    cells.add(at);
    if (type === 2) at += 4;
    const size = varint(b, at, usable);
    if (!size) continue;
    at += size[1];
    if (type === 13) {
      const rowid = varint(b, at, usable);
      if (!rowid) continue;
      at += rowid[1];
    }
    const payload = size[0];
    let local = payload;
    if (payload > maxLocal) {
      const surplus = minLocal + ((payload - minLocal) % (usable - 4));
      local = surplus <= maxLocal ? surplus : minLocal;
    }
    readRecord(b, at, at + local, usable, out, most);
  }
}

/** The text and blob values of the record at b[at], whose local part ends at `end` (the page's usable bytes at `usable`). */
function readRecord(b: Uint8Array, at: number, end: number, usable: number, out: Value[], most: number): void {
  const stop = Math.min(end, usable);
  const header = varint(b, at, stop);
  if (!header || header[0] < header[1] || at + header[0] > stop) return;
  let t = at + header[1];
  let value = at + header[0];
  while (t < at + header[0] && value < stop && out.length < most) {
    const type = varint(b, t, at + header[0]);
    if (!type) return;
    t += type[1];
    const n = valueSize(type[0]);
    // A value cut short (by the local part's end, or the page's) goes on where these bytes don't show: its end is no end.
    if (type[0] >= 12 && n >= MIN_VALUE) out.push({ start: value, end: Math.min(stop, value + n), more: value + n > stop });
    value += n;
  }
}
