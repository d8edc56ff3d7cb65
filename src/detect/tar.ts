// Tar archives (ustar, GNU and pax): split into members, each scanned as its own content
// stream (`image.tar!root/.cache/huggingface/token`), so a gzip layer inside an OCI image
// tar, or a wheel inside an sdist, is opened too. Read as it streams: 512-byte headers,
// then the member's bytes, padded to 512.

const BLOCK = 512;

/** A ustar header at the start of `b`, checksum included (anything else is not a tar). */
export function isTar(b: Uint8Array): boolean {
  if (b.length < BLOCK) return false;
  if (String.fromCharCode(...b.subarray(257, 262)) !== 'ustar') return false;
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
  /** The archive went wrong at `offset`: the bytes from there on are handed over raw. */
  corrupt(reason: string): TarMember;
}

/** A streaming tar reader: push the archive's bytes in pieces of any size. */
export function tarReader(ev: TarEvents): { push(d: Uint8Array): void; end(): void } {
  const header = new Uint8Array(BLOCK);
  let have = 0; // bytes of the header so far
  let member: TarMember | undefined; // where the current entry's data goes
  let collect: Uint8Array[] | undefined; // a GNU long name or pax header being read
  let collectKind = '';
  let left = 0; // data bytes left in this entry
  let pad = 0; // padding bytes to skip after it
  let longName: string | undefined;
  let paxPath: string | undefined;
  let raw: TarMember | undefined; // after corruption or the end marker: everything else
  let ended = false;

  const startEntry = (): void => {
    if (header.every((b) => b === 0)) {
      ended = true; // end of archive: two zero blocks; what follows is padding
      return;
    }
    if (!checksumOk(header)) {
      raw = ev.corrupt('a tar header with a bad checksum');
      raw.push(header.slice());
      return;
    }
    const size = octal(header.subarray(124, 136)) ?? 0;
    const type = String.fromCharCode(header[156]!);
    const prefix = String.fromCharCode(...header.subarray(257, 262)) === 'ustar' ? text(header.subarray(345, 500)) : '';
    const base = text(header.subarray(0, 100));
    const name = paxPath ?? longName ?? (prefix ? `${prefix}/${base}` : base);
    left = size;
    pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === 'L' || type === 'x') {
      collect = [];
      collectKind = type;
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
      if (collectKind === 'L') longName = text(body);
      else paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? paxPath;
    }
  };

  return {
    push(d) {
      let i = 0;
      while (i < d.length) {
        if (raw) return raw.push(d.subarray(i));
        if (ended) return;
        if (left > 0) {
          const n = Math.min(left, d.length - i);
          const piece = d.subarray(i, i + n);
          if (collect) collect.push(piece.slice());
          else member?.push(piece);
          left -= n;
          i += n;
          if (left === 0) finishData();
          continue;
        }
        if (pad > 0) {
          const n = Math.min(pad, d.length - i);
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
      if (member || collect) {
        finishData();
      }
      raw?.end();
    },
  };
}
