// The baseline file: the fingerprints (rule + hash of the secret) of findings a team has
// accepted, sorted, one a line. No secret, no line number, no date: edits around a leak
// don't resurrect it, and two branches that baseline the same leak merge cleanly.
import { fsReason, readSmallFile } from '../core/files.ts';
import { parseJson } from '../core/json-error.ts';
import { scrubTokenShapes } from '../findings/redact.ts';
import { parseFingerprint, withoutComment } from '../sources/ignore.ts';

export const BASELINE_VERSION = 1;

/** A baseline that can't be read or parsed (exit 2 with this one-line message). */
export class BaselineError extends Error {}

export interface Baseline {
  fingerprints: Set<string>;
}

/** The file's text: stable for the same findings whatever their order or locations. */
export function formatBaseline(fingerprints: Iterable<string>): string {
  const list = [...new Set(fingerprints)].sort();
  return `${JSON.stringify(
    {
      version: BASELINE_VERSION,
      tool: 'hfleaks',
      description: 'Accepted findings: `hfleaks scan --baseline FILE` reports only what this list lacks. Fingerprints are rule:hash-of-secret; no secrets, no line numbers.',
      fingerprints: list,
    },
    null,
    2,
  )}\n`;
}

/**
 * An entry that is no fingerprint, as an error quotes it: a baseline made of raw tokens
 * is an easy mistake, so whatever looks like a token is redacted before the text is cut
 * short (cut first, a token's first characters would pass for no token).
 */
function quoted(s: string): string {
  return scrubTokenShapes(s).slice(0, 80);
}

function check(fp: unknown, name: string, where: string): string {
  const key = typeof fp === 'string' ? parseFingerprint(fp) : undefined;
  if (key === undefined) {
    const shown = typeof fp === 'string' ? `"${quoted(fp)}"` : quoted(JSON.stringify(fp) ?? String(fp));
    throw new BaselineError(`${name}: ${where} is not a fingerprint (${shown}; expected rule-id:hex, as \`hfleaks baseline\` writes)`);
  }
  return key;
}

/**
 * Parses a baseline: the JSON `hfleaks baseline` writes, a JSON report (its findings'
 * fingerprints), or plain text with one fingerprint a line and `#` comments.
 */
export function parseBaseline(text: string, name: string): Baseline {
  const fingerprints = new Set<string>();
  const json = text.replace(/^\uFEFF/, '');
  const trimmed = json.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    // (The text as in the file, blank lines above it included, so the line is the file's.)
    return baselineOf(parseJson(json, (problem) => new BaselineError(`${name}: ${problem}`)), name);
  }
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = withoutComment(raw);
    if (!line) return;
    const key = parseFingerprint(line);
    if (key === undefined) {
      throw new BaselineError(`${name}:${i + 1}: "${quoted(line)}" is not a fingerprint (a baseline holds fingerprints only; path globs go in .hfleaksignore)`);
    }
    fingerprints.add(key);
  });
  return { fingerprints };
}

/**
 * The baseline in parsed JSON: a list of fingerprints, `hfleaks baseline`'s object, or a
 * JSON report (its findings' fingerprints).
 */
export function baselineOf(data: unknown, name: string): Baseline {
  const fingerprints = new Set<string>();
  const obj = data as Record<string, unknown>;
  let entries: unknown[];
  let field: string;
  if (Array.isArray(data)) {
    entries = data;
    field = 'entry';
  } else if (obj && Array.isArray(obj.fingerprints)) {
    if (typeof obj.version === 'number' && obj.version > BASELINE_VERSION) {
      throw new BaselineError(`${name}: baseline version ${obj.version} is newer than this hfleaks understands (${BASELINE_VERSION}); upgrade hfleaks`);
    }
    entries = obj.fingerprints;
    field = 'fingerprints';
  } else if (obj && Array.isArray(obj.findings)) {
    entries = obj.findings;
    field = 'findings';
  } else {
    throw new BaselineError(`${name}: expected {"fingerprints": [...]} (from \`hfleaks baseline\`) or a JSON report with "findings"`);
  }
  entries.forEach((e, i) => {
    const fp = e && typeof e === 'object' ? (e as Record<string, unknown>).fingerprint : e;
    fingerprints.add(check(fp, name, `${field}[${i}]`));
  });
  return { fingerprints };
}

/** A baseline may be a whole JSON report: large, but not endless (`--baseline /dev/zero`). */
const MAX_BASELINE_BYTES = 512 << 20;

export function readBaseline(path: string, name = path): Baseline {
  let text: string;
  try {
    text = readSmallFile(path, MAX_BASELINE_BYTES);
  } catch (e) {
    throw new BaselineError(`${name}: cannot read baseline (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file; create one with `hfleaks baseline -o FILE`' : fsReason(e)})`);
  }
  return parseBaseline(text, name);
}
