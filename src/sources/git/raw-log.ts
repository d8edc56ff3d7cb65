// Parses `git log --raw -z` (and `git diff --raw -z`) output: commits with their author
// name and date (never the e-mail), and the files each one changed, with blob ids.

/** The format string that goes with `parseRawLog`. */
export const RAW_LOG_FORMAT = '--format=%x01%H%x00%aN%x00%aI';

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
export function rawLogParser(onChange: (c: RawChange) => void | Promise<void>, onCommit: (c: CommitInfo) => void = () => undefined) {
  let commit: CommitInfo | undefined;
  let want: 'author' | 'date' | 'path' | 'src' | 'dst' | undefined;
  let pending: Omit<RawChange, 'path'> | undefined;
  let src = '';
  return (rec: Buffer): void | Promise<void> => {
    let tok = rec.toString('utf8');
    if (want === 'author') {
      commit!.author = tok;
      want = 'date';
      return;
    }
    if (want === 'date') {
      commit!.date = tok;
      want = undefined;
      onCommit(commit!);
      return;
    }
    if (want === 'path' || want === 'dst') {
      const change = { ...pending!, path: tok, ...(want === 'dst' ? { oldPath: src } : {}) };
      want = undefined;
      pending = undefined;
      return onChange(change);
    }
    if (want === 'src') {
      src = tok;
      want = 'dst';
      return;
    }
    if (tok.startsWith('\n')) tok = tok.slice(1);
    if (!tok) return;
    if (tok.charCodeAt(0) === 1) {
      commit = { oid: tok.slice(1), author: '', date: '' };
      want = 'author';
      return;
    }
    if (tok.charCodeAt(0) === 58 /* : */) {
      let n = 0;
      while (tok.charCodeAt(n) === 58) n++;
      const f = tok.slice(n).split(' ');
      const modes = f.slice(0, n + 1);
      const oids = f.slice(n + 1, 2 * n + 2);
      const status = f[2 * n + 2] ?? '';
      pending = { commit, oldOids: oids.slice(0, n), newOid: oids[n] ?? '', newMode: modes[n] ?? '', status };
      want = n === 1 && (status[0] === 'R' || status[0] === 'C') ? 'src' : 'path';
    }
  };
}

/** A blob id of zeros: no file on that side. */
export function isNullOid(oid: string): boolean {
  return /^0+$/.test(oid);
}
