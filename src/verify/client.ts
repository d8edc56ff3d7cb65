// The Hub client: every request hfleaks makes with a token goes through here.
//  - p-limit bounds the requests in flight; a retry waits outside its slot.
//  - each attempt has a deadline; 429, 5xx, timeouts and connection errors are retried
//    with backoff and jitter; Retry-After and an exhausted RateLimit quota pause every
//    request (the Hub limits per address, so one 429 speaks for all);
//  - an overall time budget and a breaker for an endpoint that stopped answering, so a
//    hung Hub can't hang a scan: when it trips, requests in flight, queued or waiting to
//    retry end at once;
//  - TLS certificates are always checked, whatever NODE_TLS_REJECT_UNAUTHORIZED says;
//  - the token is sent only to URLs under the endpoint, redirects are never followed,
//    bodies are capped; whoami is asked at most once per unique token.
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import pLimit from 'p-limit';
import type { IncomingHttpHeaders } from 'node:http';
import { isUnderEndpoint } from './endpoint.ts';
import type { Exchange } from './http.ts';
import { exchange } from './http.ts';
import { backoffMs, parseRateLimit, parseRetryAfter, spreadMs } from './ratelimit.ts';
import { holdsSecretAnyCase, removeEmails } from '../findings/redact.ts';
import { clean, shorten } from './whoami.ts';

import { DEFAULT_BUDGET_MS, DEFAULT_CONCURRENCY, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, MAX_WHOAMI_BYTES } from './defaults.ts';

export { DEFAULT_BUDGET_MS, DEFAULT_CONCURRENCY, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, MAX_LIST_BYTES, MAX_WHOAMI_BYTES } from './defaults.ts';

export interface HubClientOptions {
  endpoint: string;
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  budgetMs?: number;
  /**
   * Time of the budget already used by an earlier client of the same run (revocation
   * comes after verification, and the budget is for all requests together).
   */
  spentMs?: number;
  maxWhoamiBytes?: number;
  maxListBytes?: number;
  userAgent?: string;
  /** Injected in tests: a clock, a sleep and a random source. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A classified answer. `ok` answers carry the parsed JSON (undefined for an empty body). */
export type Answer =
  | { ok: true; status: number; headers: IncomingHttpHeaders; json: unknown }
  | { ok: false; status?: number; reason: string; headers?: IncomingHttpHeaders; retriable?: boolean };

export interface RequestSpec {
  method: 'GET' | 'POST';
  url: URL;
  token?: string;
  body?: unknown;
  maxBytes: number;
  /** Parse the body as JSON (a body that isn't JSON makes the answer unknown). */
  json: boolean;
}

export interface ClientStats {
  requests: number;
  retries: number;
  rateLimited: number;
  waitedMs: number;
}

export interface HubClient {
  readonly endpoint: string;
  /** GET /api/whoami-v2: asked once per unique token, whatever the number of callers. */
  whoami(token: string): Promise<Answer>;
  request(spec: RequestSpec): Promise<Answer>;
  stats(): ClientStats;
  /**
   * Milliseconds of the budget used so far (spentMs included): time while a request was
   * in flight, queued or waiting to retry, or the client was held. Not the time between,
   * when a scan that sends tokens as it finds them was looking for the next.
   */
  spentMs(): number;
  /** Counts the time until the returned function is called as the budget's, requests or not (verification's own work: the report's, a listing's pages). */
  hold(): () => void;
  /**
   * Why no more work may be done, once the time budget is used up (else undefined): what
   * the answers are read into (a listing's pages) stops too, not only the requests.
   */
  overBudget(): string | undefined;
  /**
   * Ends the client for good: what is in flight is cut off, and whatever is queued or
   * waiting to retry ends without a request (unknown). Called when a run is done, or
   * stopped by an error: nothing more may go to the Hub then.
   */
  close(): void;
}

const TLS_CODES = /^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_SSL_)/;
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL']);

function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function bytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(0)} MiB` : `${(n / 1024).toFixed(0)} KiB`;
}

/**
 * A short, safe description of a server's error message: one line, no control or format
 * characters (terminal escapes, bidirectional overrides, line separators), no token
 * shapes, no e-mail addresses, bounded.
 */
function serverMessage(ex: Exchange & { kind: 'response' }): string | undefined {
  let msg = ex.headers['x-error-message'];
  if (Array.isArray(msg)) msg = msg[0];
  if (!msg) {
    try {
      const j = JSON.parse(ex.body.toString('utf8')) as { error?: unknown };
      if (typeof j?.error === 'string') msg = j.error;
    } catch {
      /* not JSON */
    }
  }
  if (!msg) return undefined;
  // E-mail addresses go here, where the message comes in, so that every output shows the same.
  // (After the invisible characters are gone: one inside an address would hide it.)
  const cleaned = clean(msg.replace(/[\r\n\t]+/g, ' '), 10_000);
  const text = cleaned && removeEmails(cleaned).replace(/(hf_|api_org_)[A-Za-z0-9_.-]{8,}/g, '$1…');
  if (!text) return undefined;
  return shorten(text, 118);
}

/**
 * A host to name in a report, where a request with `token` was pointed. The URL parser
 * lowercases host names, out of reach of the report's scrubbing of the token as it is:
 * a host holding the token is not named.
 */
export function hostShown(host: string, token: string): string {
  return holdsSecretAnyCase(host, token) ? 'another host (its name holds the token; not shown)' : host;
}

export function createHubClient(opts: HubClientOptions): HubClient {
  const endpoint = opts.endpoint;
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = opts.retries ?? DEFAULT_RETRIES;
  const budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;
  const limit = pLimit(concurrency);
  const endpointUrl = new URL(endpoint);
  const whoamiUrl = new URL(`${endpoint}/api/whoami-v2`);
  const isHttps = endpointUrl.protocol === 'https:';
  // rejectUnauthorized is said, not left to its default: NODE_TLS_REJECT_UNAUTHORIZED=0 in
  // the environment would otherwise send tokens to whoever answers.
  const agent = isHttps
    ? new https.Agent({ keepAlive: true, maxSockets: concurrency, rejectUnauthorized: true })
    : new http.Agent({ keepAlive: true, maxSockets: concurrency });
  // The budget is time spent waiting on the Hub: it runs while a request is in flight,
  // queued or waiting to retry, and stops while none is. A scan makes the client as it
  // starts and sends each token as it finds it: the time between finds is the scan's.
  const spentBefore = Math.max(0, opts.spentMs ?? 0);
  let outstanding = 0;
  let busySince = 0;
  let spentBusy = 0;
  const spent = () => spentBefore + spentBusy + (outstanding > 0 ? now() - busySince : 0);
  /** What is left of the budget. */
  const left = () => budgetMs - spent();
  const stats: ClientStats = { requests: 0, retries: 0, rateLimited: 0, waitedMs: 0 };
  /** No request starts before this time (Retry-After, exhausted quota). */
  let pauseUntil = 0;
  let pauseWhy = '';
  /** Timeouts and failed connections in a row; past the threshold the endpoint counts as down. */
  let deadInARow = 0;
  let down: string | undefined;
  /**
   * Timeouts in a row that mean the endpoint is down: as many as requests in flight or
   * queued (a hung Hub times them all out at once), at least 3, at most the concurrency.
   * Counted when a timeout comes: with fewer tokens than slots, waiting for as many
   * timeouts as slots would cost a timeout per slot.
   */
  const breakerAt = () => Math.max(3, Math.min(concurrency, limit.activeCount + limit.pendingCount));
  /** Aborted when the breaker trips: ends the exchanges in flight and the waits. */
  const tripped = new AbortController();
  // Every request in flight (up to --verify-concurrency, 64) listens for the trip: not a leak.
  setMaxListeners(0, tripped.signal);
  const onTrip = new Promise<void>((r) => tripped.signal.addEventListener('abort', () => r(), { once: true }));
  /** A wait that the breaker cuts short. */
  const wait = (ms: number) => Promise.race([sleep(ms), onTrip]);
  const whoamiCache = new Map<string, Promise<Answer>>();

  const budgetReason = () => `the verification time budget (${seconds(budgetMs)}) was used up`;

  type Attempt = { final: Answer } | { retry: Answer & { ok: false }; waitMs?: number };

  function pace(headers: IncomingHttpHeaders, status: number): number | undefined {
    const t = now();
    let wait: number | undefined;
    if (status === 429 || status === 503) wait = parseRetryAfter(headers['retry-after'], t);
    const rl = parseRateLimit(headers.ratelimit);
    if (rl && rl.remaining === 0) wait = Math.max(wait ?? 0, rl.resetMs);
    if (wait !== undefined && wait > 0 && t + wait > pauseUntil) {
      pauseUntil = t + wait;
      pauseWhy = status === 429 ? 'rate-limited by the Hub' : 'the Hub quota is used up';
    }
    return wait;
  }

  async function attemptOnce(spec: RequestSpec): Promise<Attempt> {
    if (down) return { final: { ok: false, reason: down } };
    // Wait out a pause that another request learned of.
    for (let t = now(); t < pauseUntil; t = now()) {
      if (pauseUntil - t > left()) return { final: { ok: false, reason: `${pauseWhy}; the Hub asked to wait ${seconds(Math.ceil((pauseUntil - t) / 1000) * 1000)}, beyond the time budget` } };
      const w = pauseUntil - t + spreadMs(pauseUntil - t, random);
      stats.waitedMs += w;
      await wait(w);
      if (down) return { final: { ok: false, reason: down } };
    }
    const remaining = left();
    if (remaining <= 0) return { final: { ok: false, reason: budgetReason() } };
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': opts.userAgent ?? 'hfleaks' };
    if (spec.token !== undefined) {
      // The token goes to the endpoint and nowhere else.
      if (!isUnderEndpoint(spec.url, endpointUrl)) return { final: { ok: false, reason: `refused to send the token to ${spec.url.host}, outside the endpoint` } };
      if (!/^[\x21-\x7e]+$/.test(spec.token)) return { final: { ok: false, reason: 'the token holds characters an HTTP header cannot carry' } };
      headers.authorization = `Bearer ${spec.token}`;
    }
    let body: Buffer | undefined;
    if (spec.body !== undefined) {
      body = Buffer.from(JSON.stringify(spec.body));
      headers['content-type'] = 'application/json';
    }
    stats.requests++;
    const perTry = Math.min(timeoutMs, remaining);
    const ex = await exchange(spec.url, { method: spec.method, headers, body, timeoutMs: perTry, maxBytes: spec.maxBytes, agent, signal: tripped.signal });
    if (ex.kind === 'aborted') return { final: { ok: false, reason: down ?? 'the endpoint stopped answering' } };
    // A timeout's or a failed connection's words, for the answer and the breaker alike.
    const tls = ex.kind === 'network' && TLS_CODES.test(ex.code);
    const failure = ex.kind === 'timeout' ? `no answer within ${seconds(timeoutMs)}` : ex.kind !== 'network' ? '' : tls ? `the endpoint's TLS certificate was refused (${ex.code})` : `connection failed (${ex.code})`;
    // (A timeout the budget cut short says nothing of the endpoint: it is not counted.)
    if ((ex.kind === 'timeout' && perTry === timeoutMs) || (ex.kind === 'network' && (UNREACHABLE.has(ex.code) || tls))) {
      if (++deadInARow >= breakerAt() && !down) {
        down = `${failure}; the endpoint stopped answering (${deadInARow} requests in a row timed out or could not connect)`;
        // The others would each wait out their own timeout for nothing.
        tripped.abort();
      }
    } else {
      deadInARow = 0;
    }
    switch (ex.kind) {
      case 'timeout':
        return perTry < timeoutMs ? { final: { ok: false, reason: budgetReason() } } : { retry: { ok: false, reason: failure } };
      case 'network':
        return tls ? { final: { ok: false, reason: failure } } : { retry: { ok: false, reason: failure } };
      case 'redirect': {
        let where = 'another address';
        try {
          where = new URL(ex.location ?? '', spec.url).host || where;
        } catch {
          /* unreadable Location */
        }
        if (spec.token !== undefined) where = hostShown(where, spec.token);
        return { final: { ok: false, status: ex.status, headers: ex.headers, reason: `the endpoint redirected (HTTP ${ex.status}) to ${where}; not followed, so the token went nowhere else` } };
      }
      case 'too-large':
        pace(ex.headers, ex.status);
        // Only the status matters when no body is expected (revocation).
        if (!spec.json && ex.status >= 200 && ex.status <= 299) return { final: { ok: true, status: ex.status, headers: ex.headers, json: undefined } };
        return { final: { ok: false, status: ex.status, headers: ex.headers, reason: `the answer was larger than ${bytes(spec.maxBytes)}` } };
      case 'response':
        break;
    }
    const { status } = ex;
    const waitMs = pace(ex.headers, status);
    if (status === 429) {
      stats.rateLimited++;
      return { retry: { ok: false, status, headers: ex.headers, reason: 'rate-limited by the Hub (HTTP 429)' }, waitMs };
    }
    if (status >= 500) return { retry: { ok: false, status, headers: ex.headers, reason: `the Hub answered HTTP ${status}` }, waitMs };
    if (status < 200 || status > 299) {
      const msg = serverMessage(ex);
      return { final: { ok: false, status, headers: ex.headers, reason: `HTTP ${status}${msg ? `: ${msg}` : ''}` } };
    }
    if (!spec.json) return { final: { ok: true, status, headers: ex.headers, json: undefined } };
    const text = ex.body.toString('utf8');
    try {
      return { final: { ok: true, status, headers: ex.headers, json: JSON.parse(text) as unknown } };
    } catch {
      return { final: { ok: false, status, headers: ex.headers, reason: `HTTP ${status} but the answer was not valid JSON` } };
    }
  }

  const busy = () => {
    if (outstanding++ === 0) busySince = now();
  };
  const idle = () => {
    if (--outstanding === 0) spentBusy += now() - busySince;
  };

  async function request(spec: RequestSpec): Promise<Answer> {
    busy();
    try {
      return await requestOnce(spec);
    } finally {
      idle();
    }
  }

  async function requestOnce(spec: RequestSpec): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      const a = await limit(() => attemptOnce(spec));
      if ('final' in a) return a.final;
      if (attempt >= retries) return retries ? { ...a.retry, reason: `${a.retry.reason}, after ${retries} ${retries === 1 ? 'retry' : 'retries'}` } : a.retry;
      // Never sooner than the Hub asked, never a tight loop when it asked for 0 s.
      const pause = Math.max(a.waitMs !== undefined ? a.waitMs + spreadMs(a.waitMs, random) : 0, backoffMs(attempt, random));
      if (pause > left()) {
        const why = a.waitMs !== undefined ? `the Hub asked to wait ${seconds(Math.ceil(a.waitMs / 1000) * 1000)}, beyond the time budget` : 'no time left in the budget to retry';
        return { ...a.retry, reason: `${a.retry.reason}; ${why}` };
      }
      stats.retries++;
      stats.waitedMs += pause;
      await wait(pause);
      if (down) return { ok: false, reason: down };
    }
  }

  return {
    endpoint,
    whoami(token) {
      let p = whoamiCache.get(token);
      if (!p) {
        p = request({ method: 'GET', url: whoamiUrl, token, maxBytes: opts.maxWhoamiBytes ?? MAX_WHOAMI_BYTES, json: true });
        whoamiCache.set(token, p);
      }
      return p;
    },
    request,
    stats: () => ({ ...stats }),
    spentMs: spent,
    hold() {
      busy();
      let held = true;
      return () => {
        if (held) idle();
        held = false;
      };
    },
    overBudget: () => (left() <= 0 ? budgetReason() : undefined),
    close: () => {
      down ??= 'verification was stopped before this request';
      tripped.abort();
      agent.destroy();
    },
  };
}
