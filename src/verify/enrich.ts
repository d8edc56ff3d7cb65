// The verification step of a scan, called from finish(): asks the Hub about each unique
// token found, sets `finding.verification` and the severity it implies, lists reach with
// --reach, and with --revoke revokes the valid tokens (after confirmation).
import type { Finding, Verification } from '../core/types.ts';
import type { Io } from '../cli/io.ts';
import type { HubClient } from './client.ts';
import { createHubClient } from './client.ts';
import { confirm } from './input.ts';
import { listReach, reachSentence } from './reach.ts';
import { describeRevocation, revokeTokens } from './revoke.ts';
import type { VerifyOutcome, VerifySettings } from './settings.ts';
import { HUB_RULES } from './settings.ts';
import { severityFromVerification } from './severity.ts';
import { describe, verifyToken } from './verify-token.ts';

export const USER_AGENT = 'hfleaks/0.1.0 (+https://github.com/hfleaks)';

export function clientFor(s: Pick<VerifySettings, 'endpoint' | 'concurrency' | 'timeoutMs' | 'budgetMs'>): HubClient {
  return createHubClient({ endpoint: s.endpoint, concurrency: s.concurrency, timeoutMs: s.timeoutMs, budgetMs: s.budgetMs, userAgent: USER_AGENT });
}

/** Why a finding is not sent to the Hub, or undefined when it is. */
function notSent(f: Finding): { reason: string; expired?: boolean } | undefined {
  if (!HUB_RULES.has(f.rule)) return { reason: 'not a Hugging Face token rule; never sent to the Hub' };
  if (f.secret.raw.startsWith('hf_oauth__refresh_')) return { reason: 'an OAuth refresh token cannot be checked with whoami; treat it as live' };
  if (f.jwt?.expired) return { reason: `expired${f.jwt.expiresAt ? ` on ${f.jwt.expiresAt}` : ''} (its JWT says so); not sent to the Hub`, expired: true };
  return undefined;
}

/** Verifies the findings in place: verification, severity, reach, and revocation with --revoke. */
export async function verifyFindings(io: Io, settings: VerifySettings, findings: Finding[], warn: (m: string) => void): Promise<VerifyOutcome> {
  const client = clientFor(settings);
  try {
    await Promise.all(findings.map((f) => verifyFinding(client, f, settings)));
    const unknown = findings.filter((f) => f.verification?.status === 'unknown');
    if (unknown.length) {
      const reasons = [...new Set(unknown.map((f) => f.verification?.reason ?? 'no usable answer'))];
      warn(`${unknown.length} token${unknown.length === 1 ? '' : 's'} could not be verified (${reasons.slice(0, 2).join('; ')}${reasons.length > 2 ? '; …' : ''}); treat ${unknown.length === 1 ? 'it' : 'them'} as live`);
    }
    const incomplete = findings.filter((f) => f.verification?.reach?.reason).length;
    if (incomplete) warn(`the reach listing is incomplete for ${incomplete} token${incomplete === 1 ? '' : 's'} (see the report)`);
  } finally {
    client.close();
  }
  if (!settings.revoke) return {};
  return revokeFound(io, settings, findings, warn);
}

async function verifyFinding(client: HubClient, f: Finding, s: VerifySettings): Promise<void> {
  const skip = notSent(f);
  let v: Verification;
  if (skip) {
    v = describe({ status: 'skipped', reason: skip.reason });
  } else {
    v = await verifyToken(client, f.secret.raw, f.jwt?.scope ? { jwtScope: f.jwt.scope } : {});
    if (v.status === 'valid' && s.reach) {
      const authors = [v.owner?.name ?? '', ...(v.orgs ?? []).map((o) => o.name)].filter((n) => n && n !== '?');
      v.reach = await listReach(client, f.secret.raw, authors);
      if (v.reach.private > 0) v.canReadPrivate = true;
      v.summary = `${v.summary ?? ''} ${reachSentence(v.reach)}`.trim();
    }
  }
  f.verification = v;
  // A custom rule's severity is the user's: verification only grades Hub tokens.
  if (HUB_RULES.has(f.rule)) f.severity = severityFromVerification(v, Boolean(skip?.expired || f.jwt?.expired));
}

async function revokeFound(io: Io, s: VerifySettings, findings: Finding[], warn: (m: string) => void): Promise<VerifyOutcome> {
  const say = (line: string) => io.stderr(`hfleaks: ${line}\n`);
  const live = findings.filter((f) => f.verification?.status === 'valid');
  const unsure = findings.filter((f) => HUB_RULES.has(f.rule) && f.verification?.status === 'unknown');
  if (unsure.length) {
    warn(`${unsure.length} token${unsure.length === 1 ? '' : 's'} could not be verified and ${unsure.length === 1 ? 'is' : 'are'} not revoked: ${unsure.map((f) => f.secret.redacted).join(', ')} (to revoke anyway, pipe them to \`hfleaks revoke\`)`);
  }
  if (!live.length) {
    if (!s.quiet) say('--revoke: no valid token found, nothing revoked');
    return {};
  }
  const tokens = [...new Set(live.map((f) => f.secret.raw))];
  if (!s.yes) {
    const list = live.map((f) => f.secret.redacted).join(', ');
    const ok = await confirm(io, `hfleaks: revoke ${tokens.length} valid token${tokens.length === 1 ? '' : 's'} (${list}) at ${s.endpoint}? ${tokens.length === 1 ? 'It stops' : 'They stop'} working everywhere, for good.`);
    if (!ok) {
      say('not revoked');
      return {};
    }
  }
  const client = clientFor(s);
  try {
    const r = await revokeTokens(client, tokens);
    for (const line of describeRevocation(r)) say(line);
    const done = new Set<string>();
    let i = 0;
    for (const b of r.batches) {
      for (let k = 0; k < b.count; k++, i++) if (b.ok) done.add(tokens[i]!);
    }
    for (const f of live) {
      if (!done.has(f.secret.raw) || !f.verification) continue;
      f.verification.revoked = true;
      f.verification.summary = `REVOKED by hfleaks in this run. Before that it was a ${f.verification.summary ?? 'valid token.'}`;
    }
    if (!r.ok) {
      const failed = r.batches.filter((b) => !b.ok);
      return { error: `revocation failed for ${failed.reduce((n, b) => n + b.count, 0)} token${failed.length === 1 && failed[0]!.count === 1 ? '' : 's'} (${failed[0]!.reason ?? 'no answer'}); they still work` };
    }
    return {};
  } finally {
    client.close();
  }
}
