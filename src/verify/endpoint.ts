// Where tokens may be sent: the Hub endpoint, over https, or over plain http only to this
// machine (tests, local mirrors). Nothing else ever sees a token.
import { isIP } from 'node:net';
import { scrubTokenShapes } from '../findings/redact.ts';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** A refused or malformed endpoint (the CLI turns it into a one-line usage error). */
export class EndpointError extends Error {}

/** 127.0.0.0/8, ::1 (also as an IPv4-mapped address) and `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  // URL() normalises IPv6: [0:0::1] reads ::1 and ::ffff:127.0.0.1 reads ::ffff:7f00:1.
  if (isIP(h) === 6) return h === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h);
  return false;
}

/**
 * Validates an endpoint and returns it without a trailing slash. Refused: anything but
 * https (http only to loopback), credentials, a query or fragment, and a token anywhere
 * in it (the endpoint is printed in advice and prompts; the token goes in a header).
 */
export function parseEndpoint(raw: string, from = '--endpoint'): string {
  if (scrubTokenShapes(raw) !== raw) throw new EndpointError(`${from}: the endpoint URL holds what looks like a token; tokens are sent in the Authorization header, never in the URL`);
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    // (What could be a user name and password, before an @, is not echoed.)
    // (Up to the last @: a password with a `/`, `?` or `#` in it is what made it no URL.)
    const shown = raw.replace(/^([^:/?#]*:\/\/)?.*@/s, (_m, scheme: string | undefined) => `${scheme ?? ''}…@`);
    throw new EndpointError(`${from}: "${shown}" is not a URL (try https://huggingface.co)`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new EndpointError(`${from}: only https endpoints are allowed (got ${u.protocol.replace(/:$/, '')})`);
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    throw new EndpointError(`${from}: plain http is allowed only to this machine (127.0.0.1, ::1, localhost); use https for ${u.hostname}`);
  }
  if (u.username || u.password) throw new EndpointError(`${from}: credentials in the endpoint URL are not allowed`);
  if (u.search || u.hash) throw new EndpointError(`${from}: the endpoint must not have a query or fragment`);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** --endpoint, else HF_ENDPOINT, else https://huggingface.co. */
export function resolveEndpoint(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined && flag !== '') return parseEndpoint(flag, '--endpoint');
  const fromEnv = env.HF_ENDPOINT;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseEndpoint(fromEnv, 'HF_ENDPOINT');
  return DEFAULT_ENDPOINT;
}

/** True when `url` lies under `endpoint` (same origin and path prefix): only there may the token go. */
export function isUnderEndpoint(url: URL, endpoint: string | URL): boolean {
  const e = typeof endpoint === 'string' ? new URL(endpoint) : endpoint;
  if (url.origin !== e.origin) return false;
  const prefix = e.pathname.replace(/\/+$/, '');
  return prefix === '' || url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
}
