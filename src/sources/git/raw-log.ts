// Parses `git log --raw -z` (and `git diff --raw -z`) output: commits with their author
// name and date (never the e-mail), and the files each one changed, with blob ids.
import { isUtf8 } from 'node:buffer';

/** The format string that goes with `parseRawLog`: the commit, its author and date, and its message. */
export const RAW_LOG_FORMAT = '--format=%x01%H%x00%aN%x00%aI%x00%B';
/** The `git log` options every walk that rawLogParser reads shares: NUL-separated, no signatures, UTF-8, RAW_LOG_FORMAT. */
export const RAW_LOG_ARGS = ['-z', '--no-show-signature', '--encoding=UTF-8', RAW_LOG_FORMAT];

export interface CommitInfo {
  oid: string;
  author: string;
  /** Author date, ISO 8601. */
  date: string;
}

export interface RawChange {
  /** Undefined for `git diff` output. */
  commit: CommitInfo | undefined;
  /** The blob ids before (one per parent; all zeros when the file is new). */
  oldOids: string[];
  newOid: string;
  newMode: string;
  /** A, M, T, R, C, D, or combined letters for merges (`AM`). */
  status: string;
  path: string;
  /** The source path of a rename or copy. */
  oldPath?: string;
  /** The path's bytes, where they are not valid UTF-8 (`path` then holds U+FFFD for them). */
  rawPath?: Buffer;
}

/**
 * Feeds NUL-separated records; calls back per commit and per changed file. What
 * `onChange` returns (a promise to pause the stream) is returned.
 */
export function rawLogParser(onChange: (c: RawChange) => void | Promise<void>, onCommit: (c: CommitInfo, message: Buffer) => void = () => undefined, wantNew?: NewBlobTest) {
  let commit: CommitInfo | undefined;
  let want: 'author' | 'date' | 'message' | 'path' | 'src' | 'dst' | 'skip' | 'skip2' | undefined;
  let pending: Omit<RawChange, 'path'> | undefined;
  let src = '';
  return (rec: Buffer): void | Promise<void> => {
    if (want === 'author') {
      commit!.author = rec.toString('utf8');
      want = 'date';
      return;
    }
    if (want === 'date') {
      commit!.date = rec.toString('utf8');
      want = 'message';
      return;
    }
    if (want === 'message') {
      want = undefined;
      onCommit(commit!, rec);
      return;
    }
    if (want === 'path' || want === 'dst') {
      const path = rec.toString('utf8');
      // The bytes kept only where the name loses some in decoding (rare): git is asked about it by them.
      const raw = path.includes('\uFFFD') && !isUtf8(rec) ? { rawPath: Buffer.from(rec) } : {};
      const change = { ...pending!, path, ...raw, ...(want === 'dst' ? { oldPath: src } : {}) };
      want = undefined;
      pending = undefined;
      return onChange(change);
    }
    if (want === 'src') {
      src = rec.toString('utf8');
      want = 'dst';
      return;
    }
    if (want === 'skip' || want === 'skip2') {
      want = want === 'skip2' ? 'skip' : undefined;
      return;
    }
    const off = rec[0] === 10 ? 1 : 0;
    if (rec[off] === 58 /* : */) {
      // `:<modes> <oids> <status>` (one colon per parent), read from the bytes: each field
      // its own small string, not a slice that would keep the whole record alive while the
      // change is remembered.
      let n = 0;
      while (rec[off + n] === 58) n++;
      if (wantNew) {
        // Skipped unread where the caller's test on the new blob id says so: modes are six
        // digits each, and the id length is the first id's.
        const ids = off + n + 7 * (n + 1);
        const sp = rec.indexOf(32, ids);
        const len = sp - ids;
        const at = ids + (len + 1) * n;
        if (sp !== -1 && at + len <= rec.length && !wantNew(rec, at, len)) {
          const status = rec[at + len + 1];
          want = n === 1 && (status === 0x52 /* R */ || status === 0x43) /* C */ ? 'skip2' : 'skip';
          return;
        }
      }
      const f: string[] = [];
      for (let p = off + n; ; ) {
        const sp = rec.indexOf(32, p);
        f.push(rec.toString('latin1', p, sp === -1 ? rec.length : sp));
        if (sp === -1) break;
        p = sp + 1;
      }
      const status = f[2 * n + 2] ?? '';
      pending = { commit, oldOids: f.slice(n + 1, 2 * n + 1), newOid: f[2 * n + 1] ?? '', newMode: f[n] ?? '', status };
      want = n === 1 && (status[0] === 'R' || status[0] === 'C') ? 'src' : 'path';
      return;
    }
    if (rec[off] === 1) {
      commit = { oid: rec.toString('latin1', off + 1), author: '', date: '' };
      want = 'author';
    }
  };
}

/** A blob id of zeros: no file on that side. */
export function isNullOid(oid: string): boolean {
  return /^0+$/.test(oid);
}

/** The mode of a submodule entry: its "blob" is a commit of another repository. */
const SUBMODULE_MODE = '160000';

/** A test on a change's new blob id, as it lies in the record: rec[at, at + len). */
export type NewBlobTest = (rec: Buffer, at: number, len: number) => boolean;

/**
 * A NewBlobTest that passes the ids in `oids` (and, rarely, others that share their first
 * eight digits): no string is made for the rest.
 */
export function oidPrefixTest(oids: Iterable<string>): NewBlobTest {
  const prefixes = new Set<number>();
  for (const o of oids) prefixes.add(Number.parseInt(o.slice(0, 8), 16));
  return (rec, at, len) => {
    if (len < 8) return true;
    let v = 0;
    for (let i = at; i < at + 8; i++) {
      const c = rec[i]!;
      const d = c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
      if (d < 0 || d > 15) return true;
      v = v * 16 + d;
    }
    return prefixes.has(v);
  };
}

/** Whether a change leaves content to scan: a file's new blob, not a submodule's commit. */
export function newBlobOf(c: RawChange): boolean {
  return !isNullOid(c.newOid) && c.newMode !== SUBMODULE_MODE;
}
