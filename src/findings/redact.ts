// Redaction: every output shows at most the token's prefix and the first and last two
// characters of its body, unless the user opts in with --show-secrets.

const PREFIXES = ['hf_oauth__refresh_', 'hf_oauth_', 'hf_jwt_', 'api_org_', 'hf_'];

export function redact(secret: string, prefixes: readonly string[] = PREFIXES): string {
  const prefix = [...prefixes].sort((a, b) => b.length - a.length).find((p) => secret.startsWith(p)) ?? '';
  const body = secret.slice(prefix.length);
  if (body.length < 8) return `${prefix}…`;
  return `${prefix}${body.slice(0, 2)}…${body.slice(-2)}`;
}

/** Replaces every occurrence of the given secrets in free text (error messages, logs). */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s && out.includes(s)) out = out.split(s).join(redact(s));
  return out;
}

/** A defensive pass over any text: redacts whatever still looks like a token. */
export function scrubTokenShapes(text: string): string {
  return text.replace(/(hf_oauth_|hf_jwt_|api_org_|hf_)([A-Za-z0-9_.-]{20,})/g, (m) => redact(m));
}

/**
 * Redacts token-shaped runs in a path (a file named after a token): the detector's
 * boundaries would let `cache_hf_…` pass as glued to a word, and a loose pattern would
 * redact ordinary names like `hf_hub_download.py`, so the token's own shape is matched,
 * wherever it starts.
 */
export function scrubPathTokens(path: string): string {
  if (!path.includes('hf_') && !path.includes('api_org_')) return path;
  return path
    .replace(/(?:hf_oauth_|hf_jwt_)eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, (m) => redact(m))
    .replace(/(?:api_org_|hf_)[A-Za-z0-9]{34}(?![A-Za-z0-9])/g, (m) => redact(m));
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** Removes e-mail addresses from free text (an author name or a Hub full name can be one). */
export function removeEmails(s: string): string {
  return s.replace(EMAIL, '[e-mail removed]');
}

/** Control characters (C0, DEL, C1) and line separators, shown escaped. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text from outside (file names, git authors, Hub names) made safe to print on one line:
 * a crafted name can't start a new line (a fake report line, or a GitHub workflow
 * command such as `::error::`) or drive the terminal with escape sequences.
 */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, (ch) => NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
