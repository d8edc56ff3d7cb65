// Rule examples, tests and benchmarks never hold a literal token: they hold templates
// such as `HF_TOKEN={{hf:alnum}}` that expand at run time with a seeded generator, so the
// repository stays clean for hfleaks and for every other scanner.

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';

/** mulberry32: a tiny, well-known seeded PRNG; plenty for fixtures. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TokenGenerator {
  /** Random characters from an alphabet. */
  pick(alphabet: string, n: number): string;
  /** A realistic body: mixed case letters (and digits when `digits`), never a placeholder. */
  body(n: number, digits?: boolean): string;
  /** `hf_` + 34 mixed-case letters (digits mixed in when `digits`). */
  userToken(digits?: boolean): string;
  /** `api_org_` + 34 letters. */
  orgToken(): string;
  /** A JWT whose payload is `claims` (unsigned: the signature is random bytes). */
  jwt(claims: Record<string, unknown>): string;
  oauthToken(claims?: Record<string, unknown>): string;
  publisherToken(claims?: Record<string, unknown>): string;
}

function b64url(s: string | Buffer): string {
  return Buffer.from(s).toString('base64url');
}

export function tokenGenerator(seed = 1): TokenGenerator {
  const rnd = seededRandom(seed);
  const pick = (alphabet: string, n: number): string => {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(rnd() * alphabet.length)];
    return out;
  };
  const body = (n: number, digits = false): string => {
    // Guarantee the mix a real token has: upper, lower (and digits), shuffled. A short
    // body can't hold six of each: it asks for a third of its length (always met in time).
    const letters = Math.min(6, Math.floor(n / 3));
    const numbers = digits ? Math.min(2, Math.floor(n / 3)) : 0;
    for (;;) {
      const s = pick(LOWER + UPPER + (digits ? DIGITS : ''), n);
      const up = s.replace(/[^A-Z]/g, '').length;
      const lo = s.replace(/[^a-z]/g, '').length;
      const dg = s.replace(/[^0-9]/g, '').length;
      if (up >= letters && lo >= letters && dg >= numbers) return s;
    }
  };
  const jwt = (claims: Record<string, unknown>): string =>
    `${b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.${b64url(Buffer.from(pick(LOWER + UPPER + DIGITS, 64)))}`;
  const future = { exp: 4102444800, scope: 'openid profile read-repos', iss: 'https://huggingface.co', sub: pick(DIGITS, 12) };
  return {
    pick,
    body,
    userToken: (digits = false) => `hf_${body(34, digits)}`,
    orgToken: () => `api_org_${body(34)}`,
    jwt,
    oauthToken: (claims = future) => `hf_oauth_${jwt(claims)}`,
    publisherToken: (claims = future) => `hf_jwt_${jwt(claims)}`,
  };
}

/**
 * Expands `{{...}}` templates:
 *   {{hf}} {{hf:digits}}            a user access token (letters, or letters and digits)
 *   {{org}}                         an organization API token
 *   {{oauth}} {{oauth:expired}}     an OAuth token (JWT; expired: exp in the past)
 *   {{jwt}} {{jwt:expired}}         a Trusted Publisher token
 *   {{body:N}} {{body:N:digits}}    N random token characters
 *   {{repeat:C:N}}                  C repeated N times
 *   {{seq:N}}                       an alphabet run of N characters (abc...)
 *   {{lit:TEXT}}                    TEXT itself (breaks up token-shaped literals in the repository)
 *   {{b64:TEXT}}                    TEXT (itself expanded) in base64
 *   {{pct:TEXT}}                    TEXT (itself expanded) percent-encoded
 *   {{hex:TEXT}}                    TEXT (itself expanded) in hex digits (lowercase)
 * The same seed always gives the same text.
 */
export function expandTemplate(text: string, gen: TokenGenerator): string {
  const expired = { exp: 1_600_000_000, scope: 'openid profile', iss: 'https://huggingface.co' };
  // Innermost first, so {{b64:HF_TOKEN={{hf}}}} works. Only `{{name}}` and `{{name:...}}`
  // are templates: other double braces (`${{ secrets.HF_TOKEN }}`) are text.
  const inner = /\{\{([a-z0-9]+)(?::([^{}]*))?\}\}/;
  let out = text;
  for (let m = inner.exec(out); m; m = inner.exec(out)) {
    const kind = m[1]!;
    const rest = m[2] ?? '';
    const args = rest.split(':');
    let value: string;
    switch (kind) {
      case 'hf': value = gen.userToken(args[0] === 'digits'); break;
      case 'org': value = gen.orgToken(); break;
      case 'oauth': value = args[0] === 'expired' ? gen.oauthToken(expired) : gen.oauthToken(); break;
      case 'jwt': value = args[0] === 'expired' ? gen.publisherToken(expired) : gen.publisherToken(); break;
      case 'body': value = gen.body(count(m[0], args[0], 1, 4096), args[1] === 'digits'); break;
      case 'repeat': value = (args[0] || 'x').repeat(count(m[0], args[1], 0, 1 << 20)); break;
      case 'seq': value = (LOWER + UPPER + LOWER).slice(0, count(m[0], args[0], 0, 78)); break;
      case 'lit': value = rest; break;
      case 'b64': value = Buffer.from(rest).toString('base64'); break;
      case 'pct': value = encodeURIComponent(rest).replace(/_/g, '%5F'); break;
      case 'hex': value = Buffer.from(rest).toString('hex'); break;
      default: throw new Error(`unknown template ${m[0]}`);
    }
    out = out.slice(0, m.index) + value + out.slice(m.index + m[0].length);
    if (out.length > 1 << 22) throw new Error(`${m[0]}: the expanded text is longer than 4 MiB`);
  }
  return out;
}

/** A template's count: a whole number from min to max, or a one-line error naming the template. */
function count(template: string, arg: string | undefined, min: number, max: number): number {
  const n = Number(arg);
  if (arg === undefined || !/^\d+$/.test(arg) || n < min || n > max) throw new Error(`${template}: the count must be a whole number from ${min} to ${max}`);
  return n;
}
