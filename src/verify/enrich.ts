// The verification step of a scan, called from finish(): asks the Hub about each unique
// token found, sets `finding.verification` and the severity it implies, lists reach with
// --reach, and with --revoke revokes the valid tokens (after confirmation).
import type { Finding, Verification } from '../core/types.ts';
import type { Io } from '../cli/io.ts';
import type { Detector } from '../detect/detector.ts';
import { createDetector } from '../detect/detector.ts';
import { scanLines } from '../detect/scanner.ts';
import { mapStrings, scrubberSoon } from '../findings/redact.ts';
import { builtinRules } from '../rules/builtin.ts';
import type { HubClient } from './client.ts';
import { createHubClient } from './client.ts';
import { confirm } from './input.ts';
import { listReach, reachSentence } from './reach.ts';
import { describeRevocation, revokeTokens } from './revoke.ts';
import type { VerifyOutcome, VerifySettings } from './settings.ts';
import { HUB_RULES } from './settings.ts';
import { severityFromVerification } from './severity.ts';
import { describe, verifyToken } from './verify-token.ts';
import { nextTurn } from '../core/turn.ts';
import { plural } from '../core/words.ts';

export const USER_AGENT = 'hfleaks/0.1.0 (+https://github.com/hfleaks)';

/** `spentMs`: budget an earlier client of the same run used (see createHubClient). */
export function clientFor(s: Pick<VerifySettings, 'endpoint' | 'concurrency' | 'timeoutMs' | 'budgetMs'>, spentMs = 0): HubClient {
  return createHubClient({ endpoint: s.endpoint, concurrency: s.concurrency, timeoutMs: s.timeoutMs, budgetMs: s.budgetMs, spentMs, userAgent: USER_AGENT });
}

let hubDetector: Detector | undefined;

/**
 * The findings among `findings` that are Hub tokens by the built-in rule definitions:
 * the rule id is one of theirs and that rule, as shipped, finds the secret on its own. A
 * rule id alone is not enough: a finding made some other way (a rule that took a built-in
 * id) must never put whatever it matched in an Authorization header, nor be graded as a
 * Hub token. Told in one detector pass over their secrets, one a line (a thousand tokens
 * to verify cost a thousand passes before the first request went out).
 */
export function hubTokens<F extends { rule: string; secret: { raw: string } }>(findings: readonly F[]): Set<F> {
  const key = (f: F) => `${f.rule}\n${f.secret.raw}`;
  const candidates = findings.filter((f) => HUB_RULES.has(f.rule) && !/[\r\n]/.test(f.secret.raw));
  const unknown = candidates.filter((f) => !judged.has(key(f)));
  if (unknown.length) {
    hubDetector ??= createDetector(builtinRules().filter((r) => HUB_RULES.has(r.id)), { decode: false });
    const found = scanLines(hubDetector, unknown.map((f) => f.secret.raw));
    unknown.forEach((f, i) => judged.set(key(f), found[i]!.some((m) => m.ruleId === f.rule && m.secret === f.secret.raw)));
  }
  return new Set(candidates.filter((f) => judged.get(key(f))));
}

/** hubTokens' verdicts by rule and secret: `verify` asks as it finds each token, then again for the report. */
const judged = new Map<string, boolean>();

/** Why a finding is not sent to the Hub, or undefined when it is. */
function notSent(f: Pick<FoundToken, 'secret' | 'jwt'>, hub: boolean): { reason: string; expired?: boolean } | undefined {
  if (!hub) return { reason: 'not a Hugging Face token rule; never sent to the Hub' };
  if (f.secret.raw.startsWith('hf_oauth__refresh_')) return { reason: 'an OAuth refresh token cannot be checked with whoami; treat it as live' };
  if (f.jwt?.expired) return { reason: `expired${f.jwt.expiresAt ? ` on ${f.jwt.expiresAt}` : ''} (its JWT says so); not sent to the Hub`, expired: true };
  return undefined;
}

/** A finding as it is being found: enough to tell whether it goes to the Hub. */
export type FoundToken = { rule: string; secret: { raw: string }; jwt?: Finding['jwt'] };

/**
 * Asks the Hub about tokens as soon as they are found, before the report is made: the
 * answers wait in the client (whoami is asked once per token), where verifyFindings, given
 * the same client, takes them. Only what verifyFindings would send goes: Hub tokens by the
 * built-in rules, neither refresh tokens nor expired JWTs.
 */
export function prefetchTokens(client: HubClient, found: readonly FoundToken[]): void {
  // (The answer is awaited later; a handler now, so that it is never an unhandled rejection meanwhile.)
  for (const f of hubTokens(found)) if (!notSent(f, true)) client.whoami(f.secret.raw).catch(() => undefined);
}

export interface VerifyOptions {
  /** A client that may already hold answers (prefetchTokens); closed here like one made here. */
  client?: HubClient;
  /**
   * Called on each finding once its verdict is final and scrubbed, while the others are
   * still on their way: the report's own per-finding work (advice) overlaps the waiting.
   * Not called with --revoke, which changes verdicts afterwards.
   */
  settled?: (f: Finding) => void;
}

/** Verifies the findings in place: verification, severity, reach, and revocation with --revoke. */
export async function verifyFindings(io: Io, settings: VerifySettings, findings: Finding[], warn: (m: string) => void, opts: VerifyOptions = {}): Promise<VerifyOutcome> {
  const client = opts.client ?? clientFor(settings);
  const hub = hubTokens(findings);
  let spentMs = 0;
  // From here on (the scan is over), all the time is verification's: the budget runs,
  // answers or not.
  const release = client.hold();
  try {
    // What the Hub says (names, messages) is printed: a server that echoes a token back
    // must not put it in the report. The scrubber is built while the answers come in.
    const scrubbing = scrubberSoon(findings.map((f) => f.secret.raw));
    const settled = settings.revoke ? undefined : opts.settled;
    await Promise.all(
      findings.map(async (f) => {
        await verifyFinding(client, f, settings, hub.has(f));
        // The rest waits a turn of the event loop: the client's next request, queued when
        // this answer came, goes out first (its write waits for this task to end).
        await nextTurn();
        const scrub = await scrubbing;
        if (f.verification) f.verification = mapStrings(f.verification, scrub);
        settled?.(f);
      }),
    );
    const unknown = findings.filter((f) => f.verification?.status === 'unknown');
    if (unknown.length) {
      const reasons = [...new Set(unknown.map((f) => f.verification?.reason ?? 'no usable answer'))];
      warn(`${plural(unknown.length, 'token')} could not be verified (${reasons.slice(0, 2).join('; ')}${reasons.length > 2 ? '; …' : ''}); treat ${unknown.length === 1 ? 'it' : 'them'} as live`);
    }
    const incomplete = findings.filter((f) => f.verification?.reach?.reason).length;
    if (incomplete) warn(`the reach listing is incomplete for ${plural(incomplete, 'token')} (see the report)`);
  } finally {
    release();
    spentMs = client.spentMs();
    client.close();
  }
  if (!settings.revoke) return {};
  return revokeFound(io, settings, findings, hub, warn, spentMs);
}

async function verifyFinding(client: HubClient, f: Finding, s: VerifySettings, hub: boolean): Promise<void> {
  const skip = notSent(f, hub);
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
  if (hub) f.severity = severityFromVerification(v, Boolean(skip?.expired || f.jwt?.expired));
}

/**
 * Revokes the valid tokens (after a confirmation unless --yes). `spentMs` is the budget
 * verification used: --verify-budget is for all requests together, revocation included;
 * the time a person takes to answer the prompt is not a request and doesn't count.
 */
async function revokeFound(io: Io, s: VerifySettings, findings: Finding[], hub: ReadonlySet<Finding>, warn: (m: string) => void, spentMs: number): Promise<VerifyOutcome> {
  const say = (line: string) => io.stderr(`hfleaks: ${line}\n`);
  const live = findings.filter((f) => f.verification?.status === 'valid');
  const unsure = findings.filter((f) => hub.has(f) && f.verification?.status === 'unknown');
  if (unsure.length) {
    warn(`${plural(unsure.length, 'token')} could not be verified and ${unsure.length === 1 ? 'is' : 'are'} not revoked: ${unsure.map((f) => f.secret.redacted).join(', ')} (to revoke anyway, pipe them to \`hfleaks revoke\`)`);
  }
  if (!live.length) {
    if (!s.quiet) say('--revoke: no valid token found, nothing revoked');
    return {};
  }
  const tokens = [...new Set(live.map((f) => f.secret.raw))];
  if (!s.yes) {
    const list = live.map((f) => f.secret.redacted).join(', ');
    const ok = await confirm(io, `hfleaks: revoke ${plural(tokens.length, 'valid token')} (${list}) at ${s.endpoint}? ${tokens.length === 1 ? 'It stops' : 'They stop'} working everywhere, for good.`);
    if (!ok) {
      say('not revoked');
      return {};
    }
  }
  // What verification left of the budget, but at least one request's timeout: a run slowed
  // by rate limits must not refuse the one thing the user asked for.
  const client = clientFor(s, Math.max(0, Math.min(spentMs, s.budgetMs - s.timeoutMs)));
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
      return { error: `revocation failed for ${plural(failed.reduce((n, b) => n + b.count, 0), 'token')} (${failed[0]!.reason ?? 'no answer'}); nothing shows they were revoked: treat them as live` };
    }
    return {};
  } finally {
    client.close();
  }
}
