// Paths as they are shown, and small files the user names (config, baselines): read whole,
// but only when they are regular files of a sane size. `-c /dev/zero` would otherwise read
// until memory runs out.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { RuleError } from './errors.ts';

/** Whether a path relative to some directory leads out of it (`..foo` is a name inside). */
export function outside(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** A path as reports and messages show it: from `root` when below it (`.` for root itself), else whole; `/` separators. */
export function displayPath(root: string, abs: string): string {
  const rel = relative(root, abs);
  if (!rel) return '.';
  return toPosix(outside(rel) ? abs : rel);
}

/** A file's text, or '' when it can't be read (absent, a directory, no permission). */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Reads a regular file of at most `maxBytes` as UTF-8, without a leading byte-order mark. */
export function readSmallFile(path: string, maxBytes: number): string {
  // O_NONBLOCK: a FIFO in a config's place must not block the open before it is refused.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
    if (st.size > maxBytes) throw Object.assign(new Error('too large'), { code: `larger than ${maxBytes >> 20} MiB` });
    return readFileSync(fd, 'utf8').replace(/^\uFEFF/, '');
  } finally {
    closeSync(fd);
  }
}

/** Settings files (a config, a .hfleaksignore) are read whole: at most this much. */
const MAX_SETTINGS_BYTES = 4 << 20;

/**
 * A settings file's text (readSmallFile, MAX_SETTINGS_BYTES), or undefined when `optional`
 * and it doesn't exist; any other failure is a RuleError naming it (exit 2).
 */
export function readSettingsFile(path: string, shown: string, what: string, optional = false): string | undefined {
  try {
    return readSmallFile(path, MAX_SETTINGS_BYTES);
  } catch (e) {
    if (optional && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RuleError(`${shown}: cannot read ${what} (${fsReason(e)})`);
  }
}

/** Why a file system call failed, in the words `ls` and `cat` use (the code where there are none). */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return err?.code ?? err?.message ?? String(e);
  }
}
