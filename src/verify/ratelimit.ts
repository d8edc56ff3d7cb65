// Reading the Hub's pacing headers and choosing how long to wait before a retry.
//   Retry-After: 30 | Retry-After: <HTTP date>
//   RateLimit: "api";r=REMAINING;t=SECONDS     (IETF draft, what the Hub sends)
//   RateLimit: limit=1000, remaining=0, reset=30  (older draft)

/** Milliseconds to wait, from a Retry-After value (seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface RateLimitState {
  /** Requests left in the current window. */
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

/** The tightest quota a RateLimit header describes; undefined when absent or unreadable. */
export function parseRateLimit(value: string | string[] | undefined): RateLimitState | undefined {
  const v = Array.isArray(value) ? value.join(', ') : value;
  if (!v) return undefined;
  let best: RateLimitState | undefined;
  const consider = (r: number, t: number) => {
    if (!Number.isFinite(r) || !Number.isFinite(t) || r < 0 || t < 0) return;
    const s = { remaining: r, resetMs: Math.round(t * 1000) };
    if (!best || s.remaining < best.remaining || (s.remaining === best.remaining && s.resetMs > best.resetMs)) best = s;
  };
  if (/(^|[\s,])remaining\s*=/i.test(v)) {
    const r = /remaining\s*=\s*(\d+)/i.exec(v);
    const t = /reset\s*=\s*(\d+(?:\.\d+)?)/i.exec(v);
    if (r && t) consider(Number(r[1]), Number(t[1]));
    return best;
  }
  for (const item of v.split(',')) {
    const r = /;\s*r\s*=\s*(\d+)/.exec(item);
    const t = /;\s*t\s*=\s*(\d+(?:\.\d+)?)/.exec(item);
    if (r && t) consider(Number(r[1]), Number(t[1]));
  }
  return best;
}

/** Exponential backoff with jitter: half fixed, half random ("equal jitter"), capped. */
export function backoffMs(attempt: number, random: () => number, baseMs = 250, capMs = 8000): number {
  const d = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(d / 2 + random() * (d / 2));
}

/**
 * A little spread added to a server-given wait so that the requests waiting on it don't
 * all land on the same millisecond: up to 2% of the wait, at most 250 ms. Little, as the
 * requests of one run that resume together are no more than --verify-concurrency, the
 * load the Hub saw before; what one second of Retry-After asked for costs 10 ms on average.
 */
export function spreadMs(waitMs: number, random: () => number): number {
  return Math.round(random() * Math.min(250, waitMs * 0.02));
}
