// Parses `git log --raw -z` (and `git diff --raw -z`) output: commits with their author
// name and date (never the e-mail), and the files each one changed, with blob ids.

/** The format string that goes with `parseRawLog`: the commit, its author and date, and its message. */
export const RAW_LOG_FORMAT = '--format=%x01%H%x00%aN%x00%aI%x00%B';

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
}

/**
 * Feeds NUL-separated records; calls back per commit and per changed file. What
 * `onChange` returns (a promise to pause the stream) is returned.
 */
export function rawLogParser(onChange: (c: RawChange) => void | Promise<void>, onCommit: (c: CommitInfo, message: Buffer) => void = () => undefined) {
  let commit: CommitInfo | undefined;
  let want: 'author' | 'date' | 'message' | 'path' | 'src' | 'dst' | undefined;
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
      const change = { ...pending!, path: rec.toString('utf8'), ...(want === 'dst' ? { oldPath: src } : {}) };
      want = undefined;
      pending = undefined;
      return onChange(change);
    }
    if (want === 'src') {
      src = rec.toString('utf8');
      want = 'dst';
      return;
    }
    const off = rec[0] === 10 ? 1 : 0;
    if (rec[off] === 58 /* : */) {
      // `:<modes> <oids> <status>` (one colon per parent), read from the bytes: each field
      // its own small string, not a slice that would keep the whole record alive while the
      // change is remembered.
      let n = 0;
      while (rec[off + n] === 58) n++;
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

/** Whether a change leaves content to scan: a file's new blob, not a submodule's commit. */
export function newBlobOf(c: RawChange): boolean {
  return !isNullOid(c.newOid) && c.newMode !== SUBMODULE_MODE;
}
