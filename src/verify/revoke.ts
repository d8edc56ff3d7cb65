// Revocation: POST {endpoint}/api/credentials/revoke with {"credentials": [...]}, in
// batches. The endpoint needs no authentication and answers 202 whether or not the tokens
// existed; every listed token that exists stops working everywhere, for good. Only that
// 202 is success: a 200 login page of a proxy or a 204 of a mirror says nothing was revoked.
import { redact, scrub } from '../findings/redact.ts';
import type { HubClient } from './client.ts';
import { plural } from '../core/words.ts';

export const REVOKE_BATCH = 100;

export interface RevokeBatch {
  count: number;
  redacted: string[];
  ok: boolean;
  status?: number;
  reason?: string;
}

export interface RevokeResult {
  url: string;
  batches: RevokeBatch[];
  /** Every batch was accepted. */
  ok: boolean;
}

export async function revokeTokens(client: HubClient, tokens: string[], batchSize = REVOKE_BATCH): Promise<RevokeResult> {
  const unique = [...new Set(tokens)];
  const url = new URL(`${client.endpoint}/api/credentials/revoke`);
  const batches: RevokeBatch[] = [];
  for (let i = 0; i < unique.length; i += batchSize) {
    const chunk = unique.slice(i, i + batchSize);
    // No Authorization header: the credentials travel in the body, to this URL only (never a redirect).
    const a = await client.request({ method: 'POST', url, body: { credentials: chunk }, maxBytes: 64 << 10, json: false });
    const accepted = a.ok && a.status === 202;
    // The reason can quote the Hub's message, which could echo a token back.
    const reason = a.ok ? (accepted ? undefined : `HTTP ${a.status} instead of 202 Accepted: not the Hub's revocation answer`) : scrub(a.reason, chunk);
    batches.push({
      count: chunk.length,
      redacted: chunk.map((t) => redact(t)),
      ok: accepted,
      ...(a.status !== undefined ? { status: a.status } : {}),
      ...(reason !== undefined ? { reason } : {}),
    });
  }
  return { url: url.toString(), batches, ok: batches.length > 0 && batches.every((b) => b.ok) };
}

/**
 * What was sent and what the Hub said, in lines a person reads (tokens redacted). Only a
 * batch the Hub answered is known to have arrived: a refused connection sent nothing, and
 * after a timeout nobody knows, so the first line says "tried" unless every batch was answered.
 */
export function describeRevocation(r: RevokeResult): string[] {
  const lines: string[] = [];
  const total = r.batches.reduce((n, b) => n + b.count, 0);
  const tokens = plural(total, 'token');
  const requests = plural(r.batches.length, 'request');
  const unanswered = r.batches.filter((b) => b.status === undefined).reduce((n, b) => n + b.count, 0);
  if (!unanswered) lines.push(`Sent ${tokens} to ${r.url} in ${requests}:`);
  else if (unanswered === total) lines.push(`Tried to send ${tokens} to ${r.url} in ${requests}; the Hub never answered:`);
  else lines.push(`Tried to send ${tokens} to ${r.url} in ${requests}; the Hub never answered for ${unanswered} of them:`);
  const unsure = 'Nothing shows these tokens were revoked: treat them as live;';
  const fallback = 'or delete them from the Access Tokens settings of their owner.';
  for (const b of r.batches) {
    lines.push(`  ${b.redacted.join(', ')}`);
    if (b.ok) {
      lines.push('  -> HTTP 202 Accepted: every token listed that existed is revoked for good, and its owner has been e-mailed.');
    } else if (b.status === undefined) {
      lines.push(`  -> FAILED, no answer: ${b.reason ?? 'no answer'}. ${unsure} run again, ${fallback}`);
    } else {
      // Another 2xx: something answered, but not as the Hub does (it may not have been the
      // Hub at all). A 5xx may come after the work was done, or before. Only a refusal
      // (4xx) says nothing was done.
      const other2xx = b.status >= 200 && b.status <= 299;
      const what = other2xx ? `${unsure} check the endpoint and run again,` : b.status >= 500 ? `${unsure} run again,` : 'These tokens were NOT revoked: run again,';
      lines.push(`  -> FAILED: ${b.reason ?? `HTTP ${b.status}`}. ${what} ${fallback}`);
    }
  }
  return lines;
}
