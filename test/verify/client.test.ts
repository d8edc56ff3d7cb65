// The Hub client against the fake Hub (127.0.0.1 only): classification, retries,
// Retry-After and RateLimit, the time budget, redirects, body caps, the endpoint rules.
// Waits go through an injected clock, so nothing here depends on timing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tokenGenerator } from '../../src/rules/template.ts';
import type { HubClientOptions } from '../../src/verify/client.ts';
import { createHubClient } from '../../src/verify/client.ts';
import { EndpointError, isLoopbackHost, isUnderEndpoint, parseEndpoint, resolveEndpoint } from '../../src/verify/endpoint.ts';
import { backoffMs, parseRateLimit, parseRetryAfter, spreadMs } from '../../src/verify/ratelimit.ts';
import { hubSettings } from '../../src/verify/settings.ts';
import type { FakeHub, FakeHubOptions, FakeToken } from '../helpers/fake-hub.mjs';
import { startFakeHub } from '../helpers/fake-hub.mjs';

const gen = tokenGenerator(4242);
const hubs: FakeHub[] = [];
afterEach(async () => {
  while (hubs.length) await hubs.pop()!.close();
});

async function hub(opts: FakeHubOptions = {}): Promise<FakeHub> {
  const h = await startFakeHub(opts);
  hubs.push(h);
  return h;
}

/** A fake clock: sleeping advances it at once and records the wait. */
function fakeClock() {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    random: () => 0.5,
  };
}

function client(h: FakeHub, extra: Partial<HubClientOptions> = {}) {
  const clock = fakeClock();
  const c = createHubClient({ endpoint: h.url, ...clock, ...extra });
  return { c, clock };
}

async function oneToken(spec: FakeToken, opts: FakeHubOptions = {}, extra: Partial<HubClientOptions> = {}) {
  const token = gen.userToken();
  const h = await hub({ ...opts, tokens: { [token]: spec } });
  const { c, clock } = client(h, extra);
  const a = await c.whoami(token);
  c.close();
  return { a, h, clock, token, stats: c.stats() };
}

describe('endpoint rules', () => {
  it('accepts https anywhere and http only to loopback', () => {
    expect(parseEndpoint('https://huggingface.co/')).toBe('https://huggingface.co');
    expect(parseEndpoint('https://hub.example.com/mirror/')).toBe('https://hub.example.com/mirror');
    expect(parseEndpoint('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(parseEndpoint('http://127.1.2.3:8080')).toBe('http://127.1.2.3:8080');
    expect(parseEndpoint('http://[::1]:8080')).toBe('http://[::1]:8080');
    expect(parseEndpoint('http://localhost:9')).toBe('http://localhost:9');
  });
  it.each([
    ['http://huggingface.co', /plain http/],
    ['http://10.0.0.5', /plain http/],
    ['http://127.0.0.1.nip.io', /plain http/],
    ['http://[::2]', /plain http/],
    ['ftp://127.0.0.1', /only https/],
    ['file:///etc/passwd', /only https/],
    ['https://user:pw@huggingface.co', /credentials/],
    ['https://huggingface.co/?x=1', /query/],
    ['not a url', /not a URL/],
  ])('refuses %s', (raw, msg) => {
    expect(() => parseEndpoint(raw)).toThrow(EndpointError);
    expect(() => parseEndpoint(raw)).toThrow(msg);
  });
  it('an endpoint that is no URL is named in the error without what could be its user name and password', () => {
    expect(() => parseEndpoint('https://user:s3cretPW@[bad')).toThrow('--endpoint: "https://…@[bad" is not a URL');
    expect(() => parseEndpoint('https://user:pw@host:99999')).toThrow('"https://…@host:99999" is not a URL');
    expect(() => parseEndpoint('https://[bad')).toThrow('"https://[bad" is not a URL');
    for (const pw of ['s3cr/et', 'pa#ss', 'pa?ss', 'a@b']) {
      expect(() => parseEndpoint(`https://user:${pw}@hub.example:notaport`)).toThrow('"https://…@hub.example:notaport" is not a URL');
    }
  });
  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.255.0.9', '[::1]', '::1', 'localhost', '[::ffff:7f00:1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['10.0.0.1', '128.0.0.1', 'example.com', 'localhost.example.com', '[::2]', '0.0.0.0']) expect(isLoopbackHost(h), h).toBe(false);
  });
  it('takes --endpoint, else HF_ENDPOINT, else huggingface.co', () => {
    expect(resolveEndpoint(undefined, {})).toBe('https://huggingface.co');
    expect(resolveEndpoint(undefined, { HF_ENDPOINT: 'https://mirror.example/' })).toBe('https://mirror.example');
    expect(resolveEndpoint('http://127.0.0.1:1', { HF_ENDPOINT: 'https://mirror.example' })).toBe('http://127.0.0.1:1');
    expect(() => resolveEndpoint(undefined, { HF_ENDPOINT: 'http://mirror.example' })).toThrow(/HF_ENDPOINT: plain http/);
  });
  it('keeps tokens under the endpoint', () => {
    expect(isUnderEndpoint(new URL('https://hub.example/mirror/api/models'), 'https://hub.example/mirror')).toBe(true);
    expect(isUnderEndpoint(new URL('https://hub.example/other/api'), 'https://hub.example/mirror')).toBe(false);
    expect(isUnderEndpoint(new URL('https://hub.example/mirrorx/api'), 'https://hub.example/mirror')).toBe(false);
    expect(isUnderEndpoint(new URL('https://evil.example/api/models'), 'https://hub.example')).toBe(false);
    expect(isUnderEndpoint(new URL('http://hub.example/api/models'), 'https://hub.example')).toBe(false);
  });
});

describe('pacing headers', () => {
  it('spreads a wait the Hub asked for by at most 2%, at most 250 ms, never less than asked', () => {
    expect([spreadMs(1000, () => 0), spreadMs(1000, () => 0.999), spreadMs(1000, () => 0.5)]).toEqual([0, 20, 10]);
    expect(spreadMs(60_000, () => 0.999)).toBe(250);
    expect(spreadMs(0, () => 0.999)).toBe(0);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(' 0 ', 0)).toBe(0);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });
  it('reads the RateLimit header, both drafts', () => {
    expect(parseRateLimit('"api";r=0;t=42')).toEqual({ remaining: 0, resetMs: 42_000 });
    expect(parseRateLimit('"api";r=7;t=10, "burst";r=0;t=3')).toEqual({ remaining: 0, resetMs: 3000 });
    expect(parseRateLimit('limit=100, remaining=5, reset=30')).toEqual({ remaining: 5, resetMs: 30_000 });
    expect(parseRateLimit('garbage')).toBeUndefined();
    expect(parseRateLimit(undefined)).toBeUndefined();
  });
  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(0, () => 0)).toBe(125);
    expect(backoffMs(0, () => 1)).toBe(250);
    expect(backoffMs(3, () => 0.5)).toBe(1500);
    expect(backoffMs(20, () => 1)).toBe(8000);
  });
});

describe('whoami classification', () => {
  it('200 with a body is ok, asked once per unique token however many callers', async () => {
    const token = gen.userToken();
    const h = await hub({ tokens: { [token]: { role: 'write' } }, latencyMs: 20 });
    const { c } = client(h);
    const [a, b] = await Promise.all([c.whoami(token), c.whoami(token)]);
    await c.whoami(token);
    c.close();
    expect(a.ok && b.ok).toBe(true);
    expect(a).toBe(b);
    expect(h.requests.filter((r) => r.path === '/api/whoami-v2')).toHaveLength(1);
    expect(h.requests[0]!.authorization).toBe(`Bearer ${token}`);
  });

  it('401 is final, with no retry', async () => {
    const h = await hub();
    const { c } = client(h);
    const a = await c.whoami(gen.userToken());
    c.close();
    expect(a).toMatchObject({ ok: false, status: 401 });
    expect(h.requests).toHaveLength(1);
  });

  it('403 is not 401: a firewall does not make a token invalid', async () => {
    const { a, h } = await oneToken({ behavior: '403' });
    expect(a).toMatchObject({ ok: false, status: 403 });
    expect(h.requests).toHaveLength(1);
  });

  it("a server's message loses its control characters: terminal escapes, NUL, bidirectional overrides", async () => {
    const { a } = await oneToken({ behavior: '403', message: 'blocked \u001b[2J\u001b]0;pwned\u0007 by \u202eproxy\u2066\u0000 end' });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toBe('HTTP 403: blocked [2J]0;pwned by proxy end');
  });

  it('retries a 429 after the Retry-After it names, then succeeds', async () => {
    const { a, h, clock } = await oneToken({ behavior: '429', failFirst: 2, retryAfter: 3 });
    expect(a.ok).toBe(true);
    expect(h.requests).toHaveLength(3);
    // Never sooner than the Hub asked.
    expect(clock.slept.filter((ms) => ms >= 3000).length).toBeGreaterThanOrEqual(2);
  });

  it('a 429 that never clears is unknown after the retries, never invalid', async () => {
    const { a, h } = await oneToken({ behavior: '429', retryAfter: 1 }, {}, { retries: 3 });
    expect(a.ok).toBe(false);
    expect(a).toMatchObject({ status: 429 });
    if (!a.ok) expect(a.reason).toMatch(/rate-limited.*after 3 retries/);
    expect(h.requests).toHaveLength(4);
  });

  it('a 429 without Retry-After backs off with jitter', async () => {
    const { a, clock } = await oneToken({ behavior: '429', failFirst: 2 });
    expect(a.ok).toBe(true);
    expect(clock.slept).toHaveLength(2);
    expect(clock.slept[1]!).toBeGreaterThan(clock.slept[0]!);
  });

  it('retries 5xx and succeeds', async () => {
    const { a, h } = await oneToken({ behavior: '502', failFirst: 2 });
    expect(a.ok).toBe(true);
    expect(h.requests).toHaveLength(3);
  });

  it('a 5xx that persists is unknown', async () => {
    const { a } = await oneToken({ behavior: '503' }, {}, { retries: 2 });
    expect(a).toMatchObject({ ok: false, status: 503 });
    if (!a.ok) expect(a.reason).toMatch(/HTTP 503.*after 2 retries/);
  });

  it('retries a reset connection', async () => {
    const { a, h } = await oneToken({ behavior: 'reset', failFirst: 1 });
    expect(a.ok).toBe(true);
    expect(h.requests).toHaveLength(2);
  });

  it('a connection that always resets is unknown', async () => {
    const { a } = await oneToken({ behavior: 'reset' }, {}, { retries: 2 });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/connection failed/);
  });

  it('a hung answer times out and is unknown', async () => {
    const { a, h } = await oneToken({ behavior: 'hang' }, {}, { timeoutMs: 150, retries: 1, now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/no answer within 150 ms, after 1 retry/);
    expect(h.requests).toHaveLength(2);
  });

  it('a body that starts and never ends times out', async () => {
    const { a } = await oneToken({ behavior: 'hang-body' }, {}, { timeoutMs: 150, retries: 0, now: Date.now });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/no answer within/);
  });

  it('the overall budget ends a hung endpoint, whatever the per-request timeout', async () => {
    const { a } = await oneToken({ behavior: 'hang' }, {}, { timeoutMs: 10_000, budgetMs: 300, now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/time budget/);
  });

  it('the budget counts time spent on the Hub, not the time a scan spends between finds', async () => {
    const token = gen.userToken();
    const other = gen.userToken();
    const h = await hub({ tokens: { [token]: { name: 'alice', role: 'read' }, [other]: { name: 'bob', role: 'read' } } });
    let t = 5_000_000;
    const c = createHubClient({ endpoint: h.url, budgetMs: 1000, now: () => t, sleep: async () => undefined });
    t += 10 * 60_000; // ten minutes of scanning before the first token
    expect(c.spentMs()).toBe(0);
    expect((await c.whoami(token)).ok).toBe(true);
    t += 10 * 60_000; // and ten more before the next
    expect(c.overBudget()).toBeUndefined();
    expect((await c.whoami(other)).ok).toBe(true);
    // Held (verification's own work after the scan: the report, a listing's pages), the time counts.
    const release = c.hold();
    t += 999;
    expect(c.overBudget()).toBeUndefined();
    expect(c.spentMs()).toBe(999);
    t += 1;
    expect(c.overBudget()).toMatch(/time budget/);
    release();
    release(); // (once)
    t += 5000;
    expect(c.spentMs()).toBe(1000);
    // A client that inherits a spent budget (revocation after verification) is over it at once.
    const late = createHubClient({ endpoint: h.url, budgetMs: 1000, spentMs: 1000, now: () => t, sleep: async () => undefined });
    expect(late.overBudget()).toMatch(/time budget/);
    c.close();
    late.close();
  });

  it('gives up at once when Retry-After lies beyond the budget', async () => {
    const { a, clock, h } = await oneToken({ behavior: '429', retryAfter: 600 }, {}, { budgetMs: 30_000 });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/beyond the time budget/);
    expect(Math.max(0, ...clock.slept)).toBeLessThan(30_000);
    expect(h.requests).toHaveLength(1);
  });

  it('never follows a redirect, so the token goes nowhere else', async () => {
    const { a, h } = await oneToken({ behavior: 'redirect' });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/redirected \(HTTP 302\) to localhost:\d+; not followed/);
    expect(h.requests).toHaveLength(1);
    expect(h.other.requests).toHaveLength(0);
  });

  it('does not name a redirect host that holds the token (lowercased there, out of reach of the scrubbing)', async () => {
    const token = gen.userToken();
    const server = http.createServer((req, res) => {
      const sent = (req.headers.authorization ?? '').slice('Bearer '.length);
      res.writeHead(302, { location: `https://${sent}.gw.invalid/` }).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const c = createHubClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ...fakeClock() });
      const a = await c.whoami(token);
      c.close();
      expect(a.ok).toBe(false);
      if (!a.ok) {
        expect(a.reason).toMatch(/redirected \(HTTP 302\) to another host \(its name holds the token; not shown\)/);
        expect(a.reason.toLowerCase()).not.toContain(token.slice(3).toLowerCase());
      }
    } finally {
      server.close();
    }
  });

  it.each(['oversized', 'oversized-chunked'] as const)('refuses an %s body', async (behavior) => {
    const { a } = await oneToken({ behavior });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/larger than 1 MiB/);
  });

  it('honours a smaller body cap', async () => {
    const { a } = await oneToken({ role: 'read' }, {}, { maxWhoamiBytes: 100 });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/larger than/);
  });

  it.each(['malformed', 'html'] as const)('a %s 200 answer is not ok', async (behavior) => {
    const { a } = await oneToken({ behavior });
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/not valid JSON/);
  });

  it('a connection refused is unknown', async () => {
    const h = await hub();
    const url = h.url;
    await h.close();
    hubs.pop();
    const c = createHubClient({ endpoint: url, ...fakeClock(), retries: 1 });
    const a = await c.whoami(gen.userToken());
    c.close();
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/ECONNREFUSED/);
  });
});

describe('pacing across requests', () => {
  it('keeps at most `concurrency` requests in flight', async () => {
    const tokens = Array.from({ length: 12 }, () => gen.userToken());
    const h = await hub({ latencyMs: 30, tokens: Object.fromEntries(tokens.map((t) => [t, {}])) });
    const c = createHubClient({ endpoint: h.url, concurrency: 3 });
    const answers = await Promise.all(tokens.map((t) => c.whoami(t)));
    c.close();
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(h.maxInFlight()).toBeLessThanOrEqual(3);
    expect(h.maxInFlight()).toBeGreaterThan(1);
  });

  it('an exhausted RateLimit quota pauses the next requests until the window resets', async () => {
    const tokens = Array.from({ length: 3 }, () => gen.userToken());
    const h = await hub({ quota: { quota: 1, windowSeconds: 30 }, tokens: Object.fromEntries(tokens.map((t) => [t, {}])) });
    const { c, clock } = client(h, { concurrency: 1, budgetMs: 10_000 });
    const first = await c.whoami(tokens[0]!);
    const second = await c.whoami(tokens[1]!);
    c.close();
    expect(first.ok).toBe(true);
    // The first answer said r=0;t=30: the client must not ask again within the budget.
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.reason).toMatch(/beyond the time budget/);
    expect(h.requests).toHaveLength(1);
    expect(clock.slept.every((ms) => ms < 10_000)).toBe(true);
  });

  it('one 429 with Retry-After pauses every request, not only its own', async () => {
    const tokens = Array.from({ length: 6 }, () => gen.userToken());
    const h = await hub({ burst: { afterRequests: 1, durationMs: 10_000, retryAfter: 2 }, tokens: Object.fromEntries(tokens.map((t) => [t, {}])) });
    const { c, clock } = client(h, { concurrency: 1, retries: 0 });
    const a = await c.whoami(tokens[0]!);
    expect(a).toMatchObject({ ok: false, status: 429 });
    const before = h.requests.length;
    await c.whoami(tokens[1]!);
    c.close();
    // The second token waited out the pause before its first request.
    expect(clock.slept[0]).toBeGreaterThanOrEqual(2000);
    expect(h.requests.length).toBe(before + 1);
  });

  it('when the breaker trips, the requests in flight and the queued ones end at once', async () => {
    const tokens = Array.from({ length: 30 }, () => gen.userToken());
    const h = await hub({ tokens: Object.fromEntries(tokens.map((t) => [t, { behavior: 'hang' }])) });
    // A real clock for the timeouts, waits without delay (the retries' backoff).
    const timeoutMs = 1000;
    const c = createHubClient({ endpoint: h.url, concurrency: 4, timeoutMs, budgetMs: 60_000, now: Date.now, sleep: async () => undefined });
    const t0 = Date.now();
    const answers = await Promise.all(tokens.map((t) => c.whoami(t)));
    const took = Date.now() - t0;
    c.close();
    for (const a of answers) {
      expect(a.ok).toBe(false);
      if (!a.ok) expect(a.reason).toMatch(/the endpoint stopped answering \(4 requests in a row timed out or could not connect\)/);
    }
    // One timeout, not two: requests started by freed slots before the breaker tripped
    // were cut short with it. (Two would take 2 s; the margin is for a busy machine.)
    expect(took).toBeLessThan(1.75 * timeoutMs);
  });

  it('with fewer tokens than slots, trips after as many timeouts as requests there are (at least 3), not one per slot', async () => {
    const tokens = [gen.userToken(), gen.userToken()];
    const h = await hub({ tokens: Object.fromEntries(tokens.map((t) => [t, { behavior: 'hang' }])) });
    const c = createHubClient({ endpoint: h.url, concurrency: 16, timeoutMs: 300, budgetMs: 60_000, now: Date.now, sleep: async () => undefined });
    const answers = await Promise.all(tokens.map((t) => c.whoami(t)));
    c.close();
    for (const a of answers) if (!a.ok) expect(a.reason).toMatch(/the endpoint stopped answering \(3 requests in a row/);
    expect(answers.every((a) => !a.ok)).toBe(true);
    // Two timed out, both retried, and the third timeout ended the fourth: 16 in a row
    // would have let each token time out three times (6 requests).
    expect(h.requests.filter((q) => q.path === '/api/whoami-v2')).toHaveLength(4);
  });

  it('a budget that cuts timeouts short ends the requests on the budget, not as an endpoint that stopped answering', async () => {
    const tokens = Array.from({ length: 12 }, () => gen.userToken());
    const h = await hub({ tokens: Object.fromEntries(tokens.map((t) => [t, { behavior: 'hang' }])), latencyMs: 0 });
    const c = createHubClient({ endpoint: h.url, concurrency: 4, timeoutMs: 10_000, budgetMs: 300, now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    const answers = await Promise.all(tokens.map((t) => c.whoami(t)));
    c.close();
    for (const a of answers) {
      expect(a.ok).toBe(false);
      if (!a.ok) expect(a.reason).toBe('the verification time budget (300 ms) was used up');
      if (!a.ok) expect(a.reason).not.toMatch(/stopped answering/);
    }
  });

  it('close() is final: what is queued or in flight ends at once, and nothing more is sent', async () => {
    const tokens = Array.from({ length: 6 }, () => gen.userToken());
    const h = await hub({ tokens: Object.fromEntries(tokens.map((t) => [t, { behavior: 'hang' }])) });
    const c = createHubClient({ endpoint: h.url, concurrency: 2, timeoutMs: 10_000, budgetMs: 60_000, now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    const pending = tokens.map((t) => c.whoami(t));
    while (h.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
    c.close();
    // (Without the cut-off this would wait out the 10 s timeouts, past the test's own.)
    const answers = await Promise.all(pending);
    for (const a of answers) {
      expect(a.ok).toBe(false);
      if (!a.ok) expect(a.reason).toMatch(/verification was stopped/);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(h.requests).toHaveLength(2);
    const late = await c.whoami(gen.userToken());
    expect(late.ok).toBe(false);
    expect(h.requests).toHaveLength(2);
  });

  it('refuses to send the token outside the endpoint', async () => {
    const h = await hub();
    const { c } = client(h);
    const a = await c.request({ method: 'GET', url: new URL(`${h.other.url}/api/models`), token: gen.userToken(), maxBytes: 1000, json: true });
    c.close();
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/refused to send the token/);
    expect(h.other.requests).toHaveLength(0);
  });
});

describe('TLS', () => {
  // A throwaway self-signed certificate, made for this run (no key material in the repository).
  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasOpenssl)('checks certificates even with NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hfleaks-tls-'));
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    const got: (string | undefined)[] = [];
    let server: https.Server | undefined;
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
      server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
        got.push(req.headers.authorization);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'user', name: 'mallory', auth: { type: 'access_token', accessToken: { role: 'write' } } }));
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as { port: number }).port;
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
      const c = createHubClient({ endpoint: `https://127.0.0.1:${port}`, ...fakeClock() });
      const a = await c.whoami(gen.userToken());
      c.close();
      expect(a.ok).toBe(false);
      if (!a.ok) expect(a.reason).toMatch(/the endpoint's TLS certificate was refused \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
      expect(got).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
      server?.closeAllConnections();
      await new Promise((r) => (server ? server.close(r) : r(undefined)));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pacing flags', () => {
  it('a time under a millisecond rounds up to 1 ms, never to a budget of 0', () => {
    const s = hubSettings({ env: {} }, { verifyBudget: 0.0001, verifyTimeout: 0.0001 });
    expect(s.budgetMs).toBe(1);
    expect(s.timeoutMs).toBe(1);
    expect(hubSettings({ env: {} }, { verifyBudget: 0.3, verifyTimeout: 2.5 })).toMatchObject({ budgetMs: 300, timeoutMs: 2500 });
  });
});
