// The values of a SQLite database file: where each text or blob value of each record
// starts and ends. SQLite stores a row's values edge to edge, their lengths in the
// record's header, so a token that is a whole value has the end of another value (or a
// header byte: `W` declares a text of 37 bytes) glued before it and the next value after
// it. Read by the file format (https://www.sqlite.org/fileformat2.html): the b-tree pages'
// cells, each cell's record, each record's serial types. What is not in a cell (free
// space, deleted rows) is scanned as bytes, as before.

import { type Cells, listedCells } from './detector.ts';

const MAGIC = 'SQLite format 3\0';
/** Values listed per database at most (memory stays small whatever the file). */
const MAX_VALUES = 1 << 18;
/** Values shorter than this hold no token. */
const MIN_VALUE = 16;

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

/**
 * A reader of the text and blob values of the SQLite database that `first` starts, or
 * undefined if it starts none in UTF-8 (a UTF-16 one's text is read as UTF-16 text is).
 * Each page's values are listed once the page is whole, before the scanner sees its
 * bytes: a window of the scanner ends its scan an overlap (16 KB) short of what it holds,
 * so pages of up to that size are always listed in time.
 */
export function sqliteValues(first: Uint8Array): SqliteValues | undefined {
  // (Its first byte first: this runs for every file.)
  if (first.length < 100 || first[0] !== 0x53 || Buffer.from(first.buffer, first.byteOffset, 16).toString('latin1') !== MAGIC) return undefined;
  const raw = (first[16]! << 8) | first[17]!;
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return undefined;
  const encoding = ((first[56]! << 24) | (first[57]! << 16) | (first[58]! << 8) | first[59]!) >>> 0;
  if (encoding !== 0 && encoding !== 1) return undefined;
  // Usable bytes a page (some may be reserved at each page's end).
  const usable = pageSize - first[20]!;
  const starts: number[] = [];
  const ends: number[] = [];
  const page = Buffer.alloc(pageSize);
  let filled = 0;
  let pageAt = 0;
  return {
    cells: listedCells(starts, ends, 1),
    push(b) {
      for (let i = 0; i < b.length && starts.length < MAX_VALUES; ) {
        const n = Math.min(b.length - i, pageSize - filled);
        page.set(b.subarray(i, i + n), filled);
        filled += n;
        i += n;
        if (filled < pageSize) break;
        const before = starts.length;
        readPage(page, pageAt === 0 ? 100 : 0, usable, starts, ends);
        // (A page's cells are listed in the order of their pointers: sorted here, and moved to where the page lies.)
        const order = starts.slice(before).map((_, k) => before + k).sort((x, y) => starts[x]! - starts[y]!);
        const s = order.map((k) => starts[k]! + pageAt);
        const e = order.map((k) => ends[k]! + pageAt);
        starts.splice(before, s.length, ...s);
        ends.splice(before, e.length, ...e);
        pageAt += pageSize;
        filled = 0;
      }
    },
  };
}

/** The values of one b-tree page's cells (`b`, its header at `head`), appended to starts and ends (offsets in the page). */
function readPage(b: Uint8Array, head: number, usable: number, starts: number[], ends: number[]): void {
  const h = head;
  const type = b[h]!;
  // 13: table leaf (rowid, record); 10: index leaf (record); 2: index interior (child, record). 5 holds no record.
  if (type !== 13 && type !== 10 && type !== 2) return;
  const count = (b[h + 3]! << 8) | b[h + 4]!;
  const pointers = h + (type === 2 ? 12 : 8);
  const pageEnd = usable;
  if (pointers + 2 * count > pageEnd) return;
  // Payloads larger than this go on overflow pages: only their first part is here.
  const maxLocal = type === 13 ? usable - 35 : Math.floor(((usable - 12) * 64) / 255) - 23;
  const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
  for (let k = 0; k < count && starts.length < MAX_VALUES; k++) {
    let at = (b[pointers + 2 * k]! << 8) | b[pointers + 2 * k + 1]!;
    if (at < pointers + 2 * count || at >= pageEnd) continue;
    if (type === 2) at += 4;
    const size = varint(b, at, pageEnd);
    if (!size) continue;
    at += size[1];
    if (type === 13) {
      const rowid = varint(b, at, pageEnd);
      if (!rowid) continue;
      at += rowid[1];
    }
    const payload = size[0];
    let local = payload;
    if (payload > maxLocal) {
      const surplus = minLocal + ((payload - minLocal) % (usable - 4));
      local = surplus <= maxLocal ? surplus : minLocal;
    }
    readRecord(b, at, Math.min(pageEnd, at + local), starts, ends);
  }
}

/** The text and blob values of the record at b[at] (its local part ends at `end`). */
function readRecord(b: Uint8Array, at: number, end: number, starts: number[], ends: number[]): void {
  const header = varint(b, at, end);
  if (!header || header[0] < header[1] || at + header[0] > end) return;
  let t = at + header[1];
  let value = at + header[0];
  while (t < at + header[0] && value < end) {
    const type = varint(b, t, at + header[0]);
    if (!type) return;
    t += type[1];
    const n = valueSize(type[0]);
    if (type[0] >= 12 && n >= MIN_VALUE) {
      starts.push(value);
      ends.push(Math.min(end, value + n));
    }
    value += n;
  }
}
