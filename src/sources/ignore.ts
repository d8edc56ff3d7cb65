// One place for ignore logic: .gitignore files (git's semantics, through the `ignore`
// package) and .hfleaksignore (path globs and finding fingerprints, each with an
// optional `# comment`).
import { readSettingsFile } from '../core/files.ts';
import { fingerprintFromHash } from '../findings/aggregate.ts';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export interface HfleaksIgnore {
  /** Path globs, gitignore syntax. */
  paths: string[];
  /** Finding fingerprints that are accepted (rule:hash). */
  fingerprints: Set<string>;
}

/**
 * A finding's fingerprint, `rule:` and 16 hex digits, or `rule:` and the whole SHA-256
 * of the secret (a report's `secret.sha256`), which stands for the same fingerprint.
 */
const FINGERPRINT_RE = /^[a-z0-9][a-z0-9-]*:(?:[0-9a-f]{16}|[0-9a-f]{64})$/;

/** A fingerprint as findings carry it: a whole SHA-256 cut to the 16 digits fingerprints keep. */
function fingerprintKey(fp: string): string {
  const colon = fp.lastIndexOf(':');
  return fp.length - colon - 1 === 64 ? fingerprintFromHash(fp.slice(0, colon), fp.slice(colon + 1)) : fp;
}

/** The fingerprint `s` spells, as findings carry it (fingerprintKey), or undefined when it spells none. */
export function parseFingerprint(s: string): string | undefined {
  return FINGERPRINT_RE.test(s) ? fingerprintKey(s) : undefined;
}

/** A line of .hfleaksignore or of a baseline without its comment: a `#` at the start or after white space (a glob may hold `\#`). */
export function withoutComment(raw: string): string {
  return raw.replace(/(^|\s)#.*$/, '').trim();
}

/** Parses .hfleaksignore text: one glob or fingerprint a line, `#` starts a comment. */
export function parseHfleaksIgnore(text: string): HfleaksIgnore {
  const paths: string[] = [];
  const fingerprints = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = withoutComment(raw);
    if (!line) continue;
    const fp = parseFingerprint(line);
    if (fp) fingerprints.add(fp);
    else paths.push(line);
  }
  return { paths, fingerprints };
}

/**
 * The .hfleaksignore in `root`, or an empty one where there is none. One that is not a
 * regular file (a link to /dev/zero committed in a pull request, a FIFO, a directory),
 * too large or unreadable is an error naming it (exit 2), never skipped in silence.
 */
export function readHfleaksIgnore(root: string): HfleaksIgnore {
  const path = join(root, '.hfleaksignore');
  const text = readSettingsFile(path, path, '.hfleaksignore', true);
  return text === undefined ? { paths: [], fingerprints: new Set() } : parseHfleaksIgnore(text);
}

/** A .gitignore's patterns, made relative to the walk root. */
interface Scoped {
  dir: string; // '' for the root, else 'a/b'
  ig: Ignore;
  /** For an ignore file above the walk root: the walk root's path relative to it. */
  above?: string;
}

/**
 * Git matches ignore patterns case-sensitively unless core.ignorecase is set, which git
 * sets where the file system ignores case (macOS, Windows); the `ignore` package's
 * default is the opposite.
 */
const IGNORE_CASE = process.platform === 'darwin' || process.platform === 'win32';

function scoped(dir: string, patterns: string, above?: string): Scoped {
  const make = (ls: string[]) => ignore({ ignorecase: IGNORE_CASE }).add(ls);
  let lines = patterns.split(/\r?\n/);
  let ig = make(lines);
  if (above === undefined) return { dir, ig };
  // The user named the walk root, so it is scanned even if this file excludes it (as
  // ripgrep does): the lines that exclude it or a directory above it are left out, and
  // the file's other lines still judge what is inside.
  for (let n = 0; n < 16; n++) {
    const r = ig.test(`${above}/`);
    const pattern = (r.rule as { pattern?: string } | undefined)?.pattern?.trim();
    if (!r.ignored || pattern === undefined) break;
    const kept = lines.filter((l) => l.trim() !== pattern);
    if (kept.length === lines.length) break;
    lines = kept;
    ig = make(lines);
  }
  return { dir, ig, above };
}

/**
 * Decides whether a path (relative to the walk root, `/` separators) is ignored, as git
 * does: each .gitignore applies to its own subtree, a deeper file (or a later line)
 * overrides a higher one, `!pattern` re-includes, and nothing below an excluded directory
 * comes back. .hfleaksignore globs (addAlways) exclude whatever any .gitignore says.
 */
export class IgnoreMatcher {
  private readonly scoped: Scoped[] = [];
  private readonly always: Scoped[] = [];

  /** A .gitignore (or info/exclude) in directory `dir` of the walk: add from the top down. */
  add(dir: string, patterns: string): void {
    this.scoped.push(scoped(dir, patterns));
  }

  /** An ignore file in a directory above the walk root; `above` is the root's path from it. */
  addAbove(above: string, patterns: string): void {
    this.scoped.push(scoped('', patterns, above));
  }

  /**
   * Globs that exclude, never re-included by a .gitignore (.hfleaksignore); `above` as
   * for addAbove when they are relative to a directory above the walk root.
   */
  addAlways(patterns: string, above?: string): void {
    this.always.push(scoped('', patterns, above));
  }

  /** Whether the .hfleaksignore globs (addAlways) exclude the file `rel`: they hold even for files git tracks. */
  excludedAlways(rel: string): boolean {
    const parts = rel.split('/');
    const rules: unknown[] = [];
    for (let i = 1; i <= parts.length; i++) {
      const path = i === parts.length ? rel : parts.slice(0, i).join('/');
      if (this.always.some((s, k) => judge(s, path, i < parts.length, rules, k) === true)) return true;
    }
    return false;
  }

  ignores(rel: string, isDir = false): boolean {
    const parts = rel.split('/');
    // The rule that excluded the previous level, per file: the `ignore` package also
    // reports a path as ignored when its directory is, and here each level is judged on
    // its own (a deeper file may have re-included that directory).
    const parentRule: unknown[] = [];
    const alwaysRule: unknown[] = [];
    // Each directory on the way down first: git never looks inside an excluded one.
    for (let i = 1; i <= parts.length; i++) {
      const path = i === parts.length ? rel : parts.slice(0, i).join('/');
      const dir = i < parts.length || isDir;
      if (this.always.some((s, k) => judge(s, path, dir, alwaysRule, k) === true)) return true;
      let excluded = false;
      this.scoped.forEach((s, k) => {
        const verdict = judge(s, path, dir, parentRule, k);
        if (verdict !== undefined) excluded = verdict;
      });
      if (excluded) return true;
    }
    return false;
  }
}

/**
 * What one ignore file says about `path` at this level: true excluded, false re-included,
 * undefined nothing (or only what it already said of the level above, which was judged
 * there). Keeps the rule that matched in `rules[k]` for the next level.
 */
function judge(s: Scoped, path: string, dir: boolean, rules: unknown[], k: number): boolean | undefined {
  const sub = s.dir && !path.startsWith(`${s.dir}/`) ? '' : s.above ? `${s.above}/${path}` : s.dir ? path.slice(s.dir.length + 1) : path;
  if (!sub) {
    rules[k] = undefined;
    return undefined;
  }
  const r = s.ig.test(dir ? `${sub}/` : sub);
  const inherited = r.ignored && r.rule !== undefined && r.rule === rules[k];
  rules[k] = r.ignored ? r.rule : undefined;
  if (inherited) return undefined;
  if (r.ignored) return true;
  if (r.unignored) return false;
  return undefined;
}

const SIMPLE = /^[A-Za-z0-9._*-]+(\/[A-Za-z0-9._*-]+)*$/;
/** A directory name that means itself in a glob. */
const LITERAL_DIR = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/**
 * fast-glob ignore patterns that prune whole directories early. Only plain patterns
 * of a file without negations, in a directory whose name holds no glob syntax, are
 * translated; the exact check is IgnoreMatcher's (and the walk drops these globs
 * altogether when any deeper .gitignore re-includes something).
 */
/** Wildcards a pattern may hold and still be handed to the walker to prune with. */
const MAX_PRUNE_STARS = 3;

export function pruneGlobs(dir: string, patterns: string): string[] {
  if (dir && !LITERAL_DIR.test(dir)) return [];
  // (A leading space is part of a pattern, as git reads it: such a line is not plain.)
  const lines = patterns.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l && !l.startsWith('#'));
  if (lines.some((l) => l.startsWith('!'))) return [];
  const out: string[] = [];
  for (let l of lines) {
    const dirOnly = l.endsWith('/');
    const anchored = l.startsWith('/') || l.replace(/\/$/, '').includes('/');
    l = l.replace(/^\//, '').replace(/\/$/, '');
    if (!SIMPLE.test(l) || l.includes('**')) continue;
    // fast-glob's matcher backtracks on many wildcards (`*a*a*a…c` against a long name
    // takes seconds, then minutes): such a line is left to the ignore matcher, which
    // still applies it, file by file.
    if (l.split('*').length - 1 > MAX_PRUNE_STARS) continue;
    const prefix = dir ? `${dir}/` : '';
    const g = anchored ? `${prefix}${l}` : `${prefix}**/${l}`;
    // `x/**` also matches a file named x, which `x/` (directories only) leaves alone:
    // then only what is inside such a directory is pruned.
    out.push(dirOnly ? `${g}/*/**` : `${g}/**`);
  }
  return out;
}
