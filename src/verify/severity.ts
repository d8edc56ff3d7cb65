// Severity from what verification learned: critical when the token can write or
// administer anything, high when it can read private or gated content, medium when
// unknown or unverified (or live but reaching neither), low when invalid or expired.
import type { Severity, Verification } from '../core/types.ts';

export function severityFromVerification(v: Verification, expired = false): Severity {
  if (v.status === 'invalid') return 'low';
  if (v.status === 'valid') {
    if (v.canWrite) return 'critical';
    if (v.canReadPrivate || (v.reach?.private ?? 0) > 0 || v.fineGrained?.canReadGatedRepos) return 'high';
    return 'medium';
  }
  if (expired) return 'low';
  return 'medium';
}
