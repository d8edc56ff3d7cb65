// One place for ignore logic: .gitignore files (git's semantics, through the `ignore`
// package) and .hfleaksignore (path globs and finding fingerprints, each with an
// optional `# comment`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export interface HfleaksIgnore {
  /** Path globs, gitignore syntax. */
  paths: string[];
  /** Finding fingerprints that are accepted (rule:hash). */
  fingerprints: Set<string>;
}

export const FINGERPRINT_RE = /^[a-z0-9][a-z0-9-]*:[0-9a-f]{16,64}$/;

/** Parses .hfleaksignore text: one glob or fingerprint a line, `#` starts a comment. */
export function parseHfleaksIgnore(text: string): HfleaksIgnore {
  const paths: string[] = [];
  const fingerprints = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    // A comment is a `#` at the start or after white space (a glob may hold `\#`).
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    if (FINGERPRINT_RE.test(line)) fingerprints.add(line);
    else paths.push(line);
  }
  return { paths, fingerprints };
}

export function readHfleaksIgnore(root: string): HfleaksIgnore {
  try {
    return parseHfleaksIgnore(readFileSync(join(root, '.hfleaksignore'), 'utf8'));
  } catch {
    return { paths: [], fingerprints: new Set() };
  }
}

/** A .gitignore's patterns, made relative to the walk root. */
interface Scoped {
  dir: string; // '' for the root, else 'a/b'
  ig: Ignore;
  /** For an ignore file above the walk root: the walk root's path relative to it. */
  above?: string;
}

/**
 * Decides whether a path (relative to the walk root, `/` separators) is ignored,
 * with .gitignore files found at any depth applied to their own subtree.
 */
export class IgnoreMatcher {
  private readonly scoped: Scoped[] = [];

  add(dir: string, patterns: string): void {
    this.scoped.push({ dir, ig: ignore().add(patterns) });
  }

  /** An ignore file in a directory above the walk root; `above` is the root's path from it. */
  addAbove(above: string, patterns: string): void {
    this.scoped.push({ dir: '', above, ig: ignore().add(patterns) });
  }

  ignores(rel: string, isDir = false): boolean {
    for (const s of this.scoped) {
      if (s.dir && !rel.startsWith(`${s.dir}/`)) continue;
      const sub = s.above ? `${s.above}/${rel}` : s.dir ? rel.slice(s.dir.length + 1) : rel;
      if (!sub) continue;
      if (s.ig.ignores(isDir ? `${sub}/` : sub)) return true;
      // A file is ignored when any directory above it is.
      const parts = sub.split('/');
      for (let i = 1; i < parts.length; i++) {
        if (s.ig.ignores(`${parts.slice(0, i).join('/')}/`)) return true;
      }
    }
    return false;
  }
}

const SIMPLE = /^[A-Za-z0-9._*-]+(\/[A-Za-z0-9._*-]+)*$/;

/**
 * fast-glob ignore patterns that prune whole directories early. Only plain patterns
 * of a file without negations are translated; the exact check is IgnoreMatcher's.
 */
export function pruneGlobs(dir: string, patterns: string): string[] {
  const lines = patterns.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.some((l) => l.startsWith('!'))) return [];
  const out: string[] = [];
  for (let l of lines) {
    const anchored = l.startsWith('/') || l.replace(/\/$/, '').includes('/');
    l = l.replace(/^\//, '').replace(/\/$/, '');
    if (!SIMPLE.test(l) || l.includes('**')) continue;
    const prefix = dir ? `${dir}/` : '';
    const g = anchored ? `${prefix}${l}` : `${prefix}**/${l}`;
    out.push(`${g}/**`);
  }
  return out;
}
