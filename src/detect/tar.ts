// Tar archives (ustar, GNU and pax): split into members, each scanned as its own content
// stream (`image.tar!root/.cache/huggingface/token`), so a gzip layer inside an OCI image
// tar, or a wheel inside an sdist, is opened too. Read as it streams: 512-byte headers,
// then the member's bytes, padded to 512.

const BLOCK = 512;
const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72]; // "ustar", at offset 257 of a header

/** A ustar header at the start of `b`, checksum included (anything else is not a tar). */
export function isTar(b: Uint8Array): boolean {
  if (b.length < BLOCK) return false;
  // (Byte by byte: this runs on every file and blob of 512 bytes or more.)
  for (let i = 0; i < USTAR.length; i++) if (b[257 + i] !== USTAR[i]) return false;
  return checksumOk(b.subarray(0, BLOCK));
}

function checksumOk(h: Uint8Array): boolean {
  const want = octal(h.subarray(148, 156));
  if (want === undefined) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === want;
}

/** An octal field (NUL or space terminated), or GNU's base-256 form for large sizes. */
function octal(f: Uint8Array): number | undefined {
  if (f[0]! & 0x80) {
    let n = 0;
    for (let i = 1; i < f.length; i++) n = n * 256 + f[i]!;
    return n;
  }
  const s = String.fromCharCode(...f).replace(/[\0 ]+$/, '').trim();
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : s === '' ? 0 : undefined;
}

function text(f: Uint8Array): string {
  const nul = f.indexOf(0);
  return Buffer.from(f.subarray(0, nul === -1 ? f.length : nul)).toString('utf8');
}

export interface TarMember {
  push(data: Uint8Array): void;
  end(): void;
}

export interface TarEvents {
  /** A regular file starts: where its bytes go. */
  member(name: string): TarMember;
  /**
   * Where every other byte goes, scanned as raw bytes: headers, long names and pax
   * records, the data of links and other entry types, padding, whatever follows the
   * end of the archive, and all of it after a damaged header. Nothing goes unread.
   */
  rest(): TarMember;
  /** Something is wrong with the archive (said once). */
  warn(reason: string): void;
}

/** Long names and pax records are read up to this size (scanned as raw bytes whatever their size). */
const MAX_META = 1 << 20;

/** A streaming tar reader: push the archive's bytes in pieces of any size. */
export function tarReader(ev: TarEvents): { push(d: Uint8Array): void; end(): void } {
  const header = new Uint8Array(BLOCK);
  let have = 0; // bytes of the header so far
  let member: TarMember | undefined; // where the current entry's data goes (else: rest)
  let collect: Uint8Array[] | undefined; // a GNU long name or pax header being read
  let collected = 0;
  let collectKind = '';
  let left = 0; // data bytes left in this entry
  let pad = 0; // padding bytes after it
  let longName: string | undefined;
  let paxPath: string | undefined;
  let broken = false; // a damaged header: everything from here on is rest
  let rest: TarMember | undefined;
  const other = (d: Uint8Array) => (rest ??= ev.rest()).push(d);

  const startEntry = (): void => {
    other(header.slice());
    if (header.every((b) => b === 0)) return; // the end of the archive (two zero blocks), or padding: whatever follows is rest
    if (!checksumOk(header)) {
      ev.warn('a tar header with a bad checksum');
      broken = true;
      return;
    }
    const size = octal(header.subarray(124, 136)) ?? 0;
    const type = String.fromCharCode(header[156]!);
    // (The POSIX prefix field: GNU's old `ustar  ` header keeps times there instead.)
    const posix = String.fromCharCode(...header.subarray(257, 263)) === 'ustar\0';
    const prefix = posix ? text(header.subarray(345, 500)) : '';
    const base = text(header.subarray(0, 100));
    const name = paxPath ?? longName ?? (prefix ? `${prefix}/${base}` : base);
    left = size;
    pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === 'L' || type === 'x') {
      collect = [];
      collected = 0;
      collectKind = type;
      if (left === 0) finishData();
      return;
    }
    longName = undefined;
    if (type !== 'g') paxPath = undefined;
    if (type === '0' || type === '\0' || type === '7') {
      member = ev.member(name);
      if (left === 0) finishData();
    }
  };

  const finishData = (): void => {
    member?.end();
    member = undefined;
    if (collect) {
      const body = Buffer.concat(collect);
      collect = undefined;
      if (collectKind === 'L') longName = text(body) || undefined;
      else paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? paxPath;
    }
  };

  return {
    push(d) {
      let i = 0;
      while (i < d.length) {
        if (broken) return other(d.subarray(i));
        if (left > 0) {
          const n = Math.min(left, d.length - i);
          const piece = d.subarray(i, i + n);
          if (member) member.push(piece);
          else {
            if (collect && collected < MAX_META) {
              collect.push(piece.slice(0, MAX_META - collected));
              collected += piece.length;
            }
            other(piece);
          }
          left -= n;
          i += n;
          if (left === 0) finishData();
          continue;
        }
        if (pad > 0) {
          const n = Math.min(pad, d.length - i);
          other(d.subarray(i, i + n));
          pad -= n;
          i += n;
          continue;
        }
        const n = Math.min(BLOCK - have, d.length - i);
        header.set(d.subarray(i, i + n), have);
        have += n;
        i += n;
        if (have === BLOCK) {
          have = 0;
          startEntry();
        }
      }
    },
    end() {
      if (member || collect) finishData();
      if (have) other(header.slice(0, have)); // a truncated header
      rest?.end();
    },
  };
}
