// A fake Hugging Face Hub on 127.0.0.1 for tests and the verification benchmark. It
// answers like the documented endpoints (see ../shared/reference/hf-hub-api.md):
//   GET  /api/whoami-v2                 read / write / fine-grained user tokens, org API
//                                       tokens, OAuth and app tokens; 401 for the rest
//   GET  /api/{models,datasets,spaces}  ?author=NAME, paged with Link: <…>; rel="next"
//   POST /api/credentials/revoke        {"credentials": [...]}: records them, answers 202
// and misbehaves on request: 429 with Retry-After, 5xx, hangs, malformed JSON, oversized
// bodies, connection resets, redirects to another host, a burst of 429s, a fixed-window
// quota with RateLimit headers, and a latency on every answer.
//
// Plain JavaScript (ESM, JSDoc types) so vitest tests and bench/verify.mjs both import it.
// Tokens are whatever the caller registers: build them with tokenGenerator(), never literals.
import http from 'node:http';

/**
 * How whoami answers for one token.
 * @typedef {'ok' | '401' | '403' | '429' | '500' | '502' | '503' | 'hang' | 'hang-body' | 'malformed' | 'html' |
 *   'empty-object' | 'oversized' | 'oversized-chunked' | 'reset' | 'redirect'} Behavior
 */

/**
 * A token the fake Hub knows.
 * @typedef {object} FakeToken
 * @property {'user' | 'org' | 'oauth' | 'app'} [kind]  default 'user'
 * @property {string} [name]  owner name (default 'alice')
 * @property {string} [fullname]
 * @property {'read' | 'write' | 'fineGrained'} [role]  default 'read' (user tokens)
 * @property {string} [displayName]  the token's name
 * @property {string} [createdAt]
 * @property {{ name: string, roleInOrg?: string }[]} [orgs]  the owner's organizations (roleInOrg left out: an answer that omits it)
 * @property {{ canReadGatedRepos?: boolean, global?: string[], scoped?: { entity: { type: string, name: string }, permissions: string[] }[] }} [fineGrained]
 * @property {string} [expiresAt]  OAuth tokens
 * @property {Record<string, unknown>} [scope]  app tokens
 * @property {Behavior} [behavior]  default 'ok'
 * @property {number} [failFirst]  with a failing behavior: fail this many times, then answer 'ok'
 * @property {number} [retryAfter]  Retry-After (seconds) on 429 answers; omitted when undefined
 * @property {string} [message]  the `error` of a 403 answer (a proxy's or a firewall's words, control characters and all)
 */

/**
 * @typedef {object} Repo
 * @property {string} id  owner/name
 * @property {boolean} [private]
 */

/**
 * @typedef {object} FakeHubOptions
 * @property {number} [latencyMs]  delay before every answer (default 0)
 * @property {Record<string, FakeToken>} [tokens]
 * @property {{ models?: Repo[], datasets?: Repo[], spaces?: Repo[] }} [repos]  all repositories; the author is the id's owner
 * @property {number} [pageSize]  listing page size (default 2)
 * @property {string} [nextLinkOrigin]  put this origin in Link rel="next" (to test refusal)
 * @property {{ afterRequests: number, durationMs: number, retryAfter: number }} [burst]  whoami answers 429 for durationMs once afterRequests whoami requests have come
 * @property {{ quota: number, windowSeconds: number }} [quota]  fixed-window quota with RateLimit headers on every answer
 * @property {number} [revokeStatus]  status of the revocation endpoint (default 202)
 * @property {number} [oversizeBytes]  size of oversized bodies (default 2 MiB)
 */

/**
 * @typedef {object} LoggedRequest
 * @property {string} method
 * @property {string} path  path and query
 * @property {string | undefined} authorization  the Authorization header as received
 * @property {string | undefined} token  the Bearer token, if any
 * @property {number} at  Date.now() on arrival
 */

/**
 * @typedef {object} FakeHub
 * @property {string} url  http://127.0.0.1:PORT
 * @property {number} port
 * @property {LoggedRequest[]} requests
 * @property {string[][]} revocations  the credentials arrays received, in order
 * @property {(string | undefined)[]} revokeAuthorization  the Authorization header of each revocation request
 * @property {Set<string>} revoked
 * @property {() => number} maxInFlight  the most requests the Hub held at once
 * @property {{ url: string, requests: LoggedRequest[] }} other  a second server, "another host", that redirects point to
 * @property {(token: string, spec?: FakeToken) => void} addToken
 * @property {() => Promise<void>} close
 */

const json = (res, status, body, headers = {}) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
};

/**
 * The whoami-v2 body for a token, in the documented shapes.
 * @param {FakeToken} t
 */
export function whoamiBody(t) {
  const kind = t.kind ?? 'user';
  const name = t.name ?? (kind === 'org' ? 'acme' : 'alice');
  const orgs = (t.orgs ?? []).map((o, i) => ({
    type: 'org', id: `org${i}`, name: o.name, fullname: o.name.toUpperCase(), roleInOrg: o.roleInOrg,
    isEnterprise: false, email: null, canPay: false, avatarUrl: '/avatars/org.svg', periodEnd: null,
  }));
  if (kind === 'org') {
    return { type: 'org', id: 'org-self', name, fullname: t.fullname ?? name, email: null, canPay: false, periodEnd: null, avatarUrl: '/a.svg', auth: { type: 'access_token' } };
  }
  if (kind === 'app') {
    return { type: 'app', id: 'app1', name, scope: t.scope ?? { 'read-repos': true }, auth: { type: 'app' } };
  }
  const base = {
    type: 'user', id: 'u1', name, fullname: t.fullname ?? name[0].toUpperCase() + name.slice(1), email: `${name}@example.com`,
    emailVerified: true, isPro: false, canPay: false, periodEnd: null, avatarUrl: '/avatars/u.svg', orgs,
  };
  if (kind === 'oauth') return { ...base, auth: { type: 'oauth', expiresAt: t.expiresAt ?? '2099-01-01T00:00:00.000Z' } };
  const role = t.role ?? 'read';
  /** @type {Record<string, unknown>} */
  const accessToken = { displayName: t.displayName ?? 'laptop', role, createdAt: t.createdAt ?? '2026-03-02T10:00:00.000Z' };
  if (role === 'fineGrained') {
    const fg = t.fineGrained ?? {};
    accessToken.fineGrained = {
      ...(fg.canReadGatedRepos !== undefined ? { canReadGatedRepos: fg.canReadGatedRepos } : {}),
      ...(fg.global ? { global: fg.global } : {}),
      scoped: (fg.scoped ?? []).map((s, i) => ({ entity: { _id: `e${i}`, type: s.entity.type, name: s.entity.name }, permissions: s.permissions })),
    };
  }
  return { ...base, auth: { type: 'access_token', accessToken } };
}

/**
 * Can this token see a private repository of `author`?
 * @param {FakeToken} t
 * @param {string} author
 * @param {string} id
 */
function seesPrivate(t, author, id) {
  const kind = t.kind ?? 'user';
  const name = t.name ?? (kind === 'org' ? 'acme' : 'alice');
  if (kind === 'org') return author === name;
  if ((t.role ?? 'read') === 'fineGrained') {
    return (t.fineGrained?.scoped ?? []).some(
      (s) => ((['user', 'org'].includes(s.entity.type) && s.entity.name === author) || s.entity.name === id) && s.permissions.some((p) => p === 'repo.content.read' || p.startsWith('repo.') && p.includes('write')),
    );
  }
  return author === name || (t.orgs ?? []).some((o) => o.name === author && o.roleInOrg !== 'no_access');
}

/**
 * Starts the fake Hub (and a second server standing for "another host").
 * @param {FakeHubOptions} [opts]
 * @returns {Promise<FakeHub>}
 */
export async function startFakeHub(opts = {}) {
  /** @type {Map<string, FakeToken>} */
  const tokens = new Map(Object.entries(opts.tokens ?? {}));
  /** @type {Map<string, number>} */
  const failures = new Map();
  /** @type {LoggedRequest[]} */
  const requests = [];
  /** @type {string[][]} */
  const revocations = [];
  /** @type {(string | undefined)[]} */
  const revokeAuthorization = [];
  const revoked = new Set();
  const sockets = new Set();
  const pageSize = opts.pageSize ?? 2;
  const oversize = opts.oversizeBytes ?? 2 << 20;
  let whoamiCount = 0;
  let burstUntil = 0;
  let windowStart = Date.now();
  let windowUsed = 0;

  const log = (req) => {
    const auth = req.headers.authorization;
    const m = /^Bearer (.+)$/.exec(auth ?? '');
    /** @type {LoggedRequest} */
    const entry = { method: req.method ?? 'GET', path: req.url ?? '/', authorization: auth, token: m?.[1], at: Date.now() };
    return entry;
  };

  // "Another host": anything it receives is a leak in a test. It answers like a Hub would,
  // so a client that followed a redirect would wrongly report the token valid.
  /** @type {LoggedRequest[]} */
  const otherRequests = [];
  const other = http.createServer((req, res) => {
    otherRequests.push(log(req));
    json(res, 200, whoamiBody({ name: 'mallory', role: 'write' }));
  });
  other.on('connection', (s) => sockets.add(s));
  await new Promise((r) => other.listen(0, '127.0.0.1', () => r(undefined)));
  const otherUrl = `http://localhost:${/** @type {import('node:net').AddressInfo} */ (other.address()).port}`;

  /** RateLimit headers for the fixed-window quota; `undefined` when the quota is used up. */
  const quotaHeaders = () => {
    if (!opts.quota) return { headers: {}, limited: false };
    const now = Date.now();
    const w = opts.quota.windowSeconds * 1000;
    if (now - windowStart >= w) {
      windowStart = now;
      windowUsed = 0;
    }
    windowUsed++;
    const left = Math.max(0, opts.quota.quota - windowUsed);
    const t = Math.max(1, Math.ceil((windowStart + w - now) / 1000));
    return {
      headers: { ratelimit: `"api";r=${left};t=${t}`, 'ratelimit-policy': `"fixed window";"api";q=${opts.quota.quota};w=${opts.quota.windowSeconds}` },
      limited: windowUsed > opts.quota.quota,
      t,
    };
  };

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {LoggedRequest} entry */
  function whoami(req, res, entry) {
    whoamiCount++;
    if (opts.burst && whoamiCount === opts.burst.afterRequests) burstUntil = Date.now() + opts.burst.durationMs;
    if (opts.burst && Date.now() < burstUntil) {
      const ra = opts.burst.retryAfter;
      return json(res, 429, { error: 'You have exceeded our rate limit' }, { 'retry-after': String(ra), ratelimit: `"api";r=0;t=${ra}` });
    }
    const token = entry.token;
    const t = token !== undefined ? tokens.get(token) : undefined;
    if (!token || !t || revoked.has(token)) {
      return json(res, 401, { error: 'Invalid credentials in Authorization header' }, { 'x-error-code': 'RepoNotFound', 'x-error-message': 'Invalid credentials in Authorization header' });
    }
    let behavior = t.behavior ?? 'ok';
    if (behavior !== 'ok' && t.failFirst !== undefined) {
      const n = failures.get(token) ?? 0;
      if (n >= t.failFirst) behavior = 'ok';
      else failures.set(token, n + 1);
    }
    switch (behavior) {
      case 'ok':
        return json(res, 200, whoamiBody(t));
      case '401':
        return json(res, 401, { error: 'Invalid credentials in Authorization header' });
      case '403':
        return json(res, 403, { error: t.message ?? 'Forbidden by a firewall' });
      case '429':
        return json(res, 429, { error: 'rate limited' }, t.retryAfter !== undefined ? { 'retry-after': String(t.retryAfter) } : {});
      case '500':
      case '502':
      case '503':
        return json(res, Number(behavior), { error: 'server error' });
      case 'hang':
        return undefined; // never answers
      case 'hang-body':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"type": "user", ');
        return undefined;
      case 'malformed':
        return json(res, 200, '{"type": "user", "name": "ali');
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><body>Please log in to the proxy</body></html>');
      case 'empty-object':
        return json(res, 200, {});
      case 'oversized': {
        const body = JSON.stringify({ ...whoamiBody(t), padding: 'x'.repeat(oversize) });
        return json(res, 200, body);
      }
      case 'oversized-chunked': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = 'x'.repeat(64 << 10);
        res.write('{"padding": "');
        let sent = 0;
        const pump = () => {
          while (sent < oversize) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end('"}');
        };
        res.on('error', () => undefined);
        return pump();
      }
      case 'reset':
        return req.socket.destroy();
      case 'redirect':
        res.writeHead(302, { location: `${otherUrl}/api/whoami-v2` });
        return res.end();
    }
    return json(res, 500, { error: `unknown behavior ${behavior}` });
  }

  /** @param {http.ServerResponse} res @param {URL} url @param {LoggedRequest} entry @param {'models' | 'datasets' | 'spaces'} kind */
  function listing(res, url, entry, kind) {
    const author = url.searchParams.get('author') ?? '';
    const token = entry.token;
    const t = token !== undefined && !revoked.has(token) ? tokens.get(token) : undefined;
    if (token !== undefined && !t) return json(res, 401, { error: 'Invalid credentials in Authorization header' });
    const all = (opts.repos?.[kind] ?? []).filter((r) => r.id.split('/')[0] === author);
    const visible = all.filter((r) => !r.private || (t && seesPrivate(t, author, r.id)));
    const cursor = Number(url.searchParams.get('cursor') ?? '0');
    const page = visible.slice(cursor, cursor + pageSize).map((r) => ({ _id: r.id, id: r.id, private: Boolean(r.private), likes: 0, downloads: 0 }));
    /** @type {Record<string, string>} */
    const headers = {};
    if (cursor + pageSize < visible.length) {
      const origin = opts.nextLinkOrigin ?? `http://127.0.0.1:${port}`;
      headers.link = `<${origin}/api/${kind}?author=${encodeURIComponent(author)}&cursor=${cursor + pageSize}>; rel="next"`;
    }
    return json(res, 200, page, headers);
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  function revoke(req, res) {
    revokeAuthorization.push(req.headers.authorization);
    const parts = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= 1 << 20) parts.push(c);
    });
    req.on('end', () => {
      let creds = [];
      try {
        const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
        if (Array.isArray(body?.credentials)) creds = body.credentials.filter((c) => typeof c === 'string');
      } catch {
        return json(res, 400, { error: 'invalid JSON' });
      }
      revocations.push(creds);
      const status = opts.revokeStatus ?? 202;
      if (status >= 200 && status < 300) for (const c of creds) revoked.add(c);
      res.writeHead(status, { 'content-length': '0' });
      res.end();
    });
  }

  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    const entry = log(req);
    requests.push(entry);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const go = () => {
      const q = quotaHeaders();
      for (const [k, v] of Object.entries(q.headers)) res.setHeader(k, v);
      if (q.limited) return json(res, 429, { error: 'quota exceeded' }, { 'retry-after': String(q.t) });
      if (req.method === 'GET' && url.pathname === '/api/whoami-v2') return whoami(req, res, entry);
      if (req.method === 'POST' && url.pathname === '/api/credentials/revoke') return revoke(req, res);
      const m = /^\/api\/(models|datasets|spaces)$/.exec(url.pathname);
      if (req.method === 'GET' && m) return listing(res, url, entry, /** @type {'models' | 'datasets' | 'spaces'} */ (m[1]));
      return json(res, 404, { error: 'Not Found' });
    };
    if (opts.latencyMs) setTimeout(go, opts.latencyMs);
    else go();
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    revocations,
    revokeAuthorization,
    revoked,
    maxInFlight: () => maxInFlight,
    other: { url: otherUrl, requests: otherRequests },
    addToken: (token, spec = {}) => void tokens.set(token, spec),
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => server.close(() => r(undefined))), new Promise((r) => other.close(() => r(undefined)))]);
    },
  };
}
