// Severity from what verification learned: critical when the token can write or
// administer anything, high when it can read private or gated content, medium when
// unknown or unverified (or live but reaching neither), low when invalid or expired.
import type { Severity, Verification } from '../core/types.ts';

/**
 * The token no longer works: the Hub rejected it (401), or its JWT has expired (such a
 * token is not sent, so it is `skipped`). `unknown` and other skipped tokens may work.
 */
export function isDead(v: Verification | undefined, expired = false): boolean {
  if (v?.status === 'invalid') return true;
  return expired && v?.status !== 'valid';
}

export function severityFromVerification(v: Verification, expired = false): Severity {
  if (isDead(v, expired)) return 'low';
  if (v.status === 'valid') {
    if (v.canWrite) return 'critical';
    if (v.canReadPrivate || (v.reach?.private ?? 0) > 0 || v.fineGrained?.canReadGatedRepos) return 'high';
  }
  return 'medium';
}
