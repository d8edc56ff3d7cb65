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
 * Decides whether a path (relative to the walk root, `/` separators) is ignored, as git
 * does: each .gitignore applies to its own subtree, a deeper file (or a later line)
 * overrides a higher one, `!pattern` re-includes, and nothing below an excluded directory
 * comes back. .hfleaksignore globs (addAlways) exclude whatever any .gitignore says.
 */
export class IgnoreMatcher {
  private readonly scoped: Scoped[] = [];
  private always: Ignore | undefined;

  /** A .gitignore (or info/exclude) in directory `dir` of the walk: add from the top down. */
  add(dir: string, patterns: string): void {
    this.scoped.push({ dir, ig: ignore().add(patterns) });
  }

  /** An ignore file in a directory above the walk root; `above` is the root's path from it. */
  addAbove(above: string, patterns: string): void {
    this.scoped.push({ dir: '', above, ig: ignore().add(patterns) });
  }

  /** Globs that exclude, never re-included by a .gitignore (.hfleaksignore). */
  addAlways(patterns: string): void {
    this.always = (this.always ?? ignore()).add(patterns);
  }

  ignores(rel: string, isDir = false): boolean {
    const parts = rel.split('/');
    // The rule that excluded the previous level, per file: the `ignore` package also
    // reports a path as ignored when its directory is, and here each level is judged on
    // its own (a deeper file may have re-included that directory).
    const parentRule: unknown[] = [];
    // Each directory on the way down first: git never looks inside an excluded one.
    for (let i = 1; i <= parts.length; i++) {
      const path = i === parts.length ? rel : parts.slice(0, i).join('/');
      const dir = i < parts.length || isDir;
      if (this.always?.ignores(dir ? `${path}/` : path)) return true;
      let excluded = false;
      this.scoped.forEach((s, k) => {
        const sub = s.dir && !path.startsWith(`${s.dir}/`) ? '' : s.above ? `${s.above}/${path}` : s.dir ? path.slice(s.dir.length + 1) : path;
        if (!sub) {
          parentRule[k] = undefined;
          return;
        }
        const r = s.ig.test(dir ? `${sub}/` : sub);
        const inherited = r.ignored && r.rule !== undefined && r.rule === parentRule[k];
        parentRule[k] = r.ignored ? r.rule : undefined;
        if (inherited) return;
        if (r.ignored) excluded = true;
        else if (r.unignored) excluded = false;
      });
      if (excluded) return true;
    }
    return false;
  }
}

const SIMPLE = /^[A-Za-z0-9._*-]+(\/[A-Za-z0-9._*-]+)*$/;

/**
 * fast-glob ignore patterns that prune whole directories early. Only plain patterns
 * of a file without negations are translated; the exact check is IgnoreMatcher's (and
 * the walk drops these globs altogether when any deeper .gitignore re-includes something).
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
