// One token's verdict: whoami-v2 classified. 200 with a whoami shape is valid, 401 is
// invalid, everything else (429 after retries, 5xx, timeouts, redirects, odd bodies) is
// unknown: a wrong "invalid" would tell a user to ignore a live leak.
import type { Verification } from '../core/types.ts';
import type { HubClient } from './client.ts';
import type { WhoamiContext } from './whoami.ts';
import { parseWhoami, whoamiProblem } from './whoami.ts';

export async function verifyToken(client: HubClient, token: string, ctx: WhoamiContext = {}, now = () => new Date()): Promise<Verification> {
  const a = await client.whoami(token);
  const base = { endpoint: client.endpoint, checkedAt: now().toISOString() };
  if (a.ok) {
    const v = parseWhoami(a.json, ctx);
    if (v) return { ...v, ...base, httpStatus: a.status };
    // (parseWhoami says no exactly when whoamiProblem has a reason: asked again only to say it.)
    return describe({ status: 'unknown', httpStatus: a.status, reason: `HTTP ${a.status} but the answer is not a whoami-v2 shape (${whoamiProblem(a.json)})`, ...base });
  }
  if (a.status === 401) return describe({ status: 'invalid', httpStatus: 401, reason: a.reason, ...base });
  return describe({ status: 'unknown', ...(a.status !== undefined ? { httpStatus: a.status } : {}), reason: a.reason, ...base });
}

/** The one-line summary of a verdict that isn't `valid`. */
export function describe(v: Verification): Verification {
  switch (v.status) {
    case 'invalid':
      v.summary = `invalid: the Hub rejected it (${v.reason ?? 'HTTP 401'}); it no longer works, but it stays in the code and history until removed.`;
      break;
    case 'unknown':
      v.summary = `unknown: ${v.reason ?? 'no usable answer'}. It may still work: treat it as live.`;
      break;
    case 'skipped':
      v.summary = `not verified: ${v.reason ?? 'verification is off'}.`;
      break;
    case 'valid':
      break;
  }
  return v;
}
