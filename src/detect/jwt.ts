// Decodes a JWT's payload offline (never a network call) for its expiry and scope.
import type { JwtInfo } from '../core/types.ts';

/** Decodes the payload of `header.payload.signature`; undefined if it is not a JWT. */
export function decodeJwt(jwt: string, now = Date.now()): JwtInfo | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3) return undefined;
  let payload: unknown;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    if (typeof header !== 'object' || header === null) return undefined;
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  // jwt.io's sample token, copied into docs and tests: no one's credential.
  if (p.sub === '1234567890' && p.name === 'John Doe') return undefined;
  const info: JwtInfo = {};
  if (typeof p.exp === 'number' && Number.isFinite(p.exp)) {
    const ms = p.exp * 1000;
    if (ms > -8.64e15 && ms < 8.64e15) {
      info.expiresAt = new Date(ms).toISOString();
      info.expired = ms < now;
    }
  }
  if (typeof p.scope === 'string') info.scope = p.scope;
  else if (Array.isArray(p.scope)) info.scope = p.scope.filter((s) => typeof s === 'string').join(' ');
  if (typeof p.iss === 'string') info.issuer = p.iss;
  if (typeof p.sub === 'string') info.subject = p.sub;
  return info;
}
