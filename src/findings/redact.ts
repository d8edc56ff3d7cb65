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
