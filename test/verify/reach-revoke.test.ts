// --reach listings (pagination, bounds, links to other hosts) and revocation batches,
// against the fake Hub.
import { afterEach, describe, expect, it } from 'vitest';
import { tokenGenerator } from '../../src/rules/template.ts';
import type { HubClient } from '../../src/verify/client.ts';
import { createHubClient } from '../../src/verify/client.ts';
import { listReach, nextLink, reachSentence } from '../../src/verify/reach.ts';
import { scrub } from '../../src/findings/redact.ts';
import { describeRevocation, revokeTokens } from '../../src/verify/revoke.ts';
import type { FakeHub, FakeHubOptions } from '../helpers/fake-hub.mjs';
import { startFakeHub } from '../helpers/fake-hub.mjs';

const gen = tokenGenerator(777);
const hubs: FakeHub[] = [];
afterEach(async () => {
  while (hubs.length) await hubs.pop()!.close();
});
async function hub(opts: FakeHubOptions): Promise<FakeHub> {
  const h = await startFakeHub(opts);
  hubs.push(h);
  return h;
}
const noWait = { sleep: async () => undefined };

const REPOS = {
  models: [
    { id: 'alice/public-a' }, { id: 'alice/private-b', private: true }, { id: 'alice/public-c' }, { id: 'alice/private-d', private: true }, { id: 'alice/public-e' },
    { id: 'acme/private-llm', private: true }, { id: 'acme/open-llm' },
    { id: 'other/secret', private: true },
  ],
  datasets: [{ id: 'acme/private-data', private: true }, { id: 'alice/notes' }],
  spaces: [{ id: 'alice/demo' }],
};

describe('Link header', () => {
  it('finds rel="next" among other links and resolves it', () => {
    const base = new URL('https://hub.example/api/models?author=a');
    expect(nextLink('<https://hub.example/api/models?cursor=2>; rel="next"', base)?.toString()).toBe('https://hub.example/api/models?cursor=2');
    expect(nextLink('<https://hub.example/p1>; rel="prev", </api/models?cursor=9>; rel=next', base)?.toString()).toBe('https://hub.example/api/models?cursor=9');
    expect(nextLink('<https://hub.example/last>; rel="last"', base)).toBeUndefined();
    expect(nextLink(undefined, base)).toBeUndefined();
    expect(nextLink('garbage', base)).toBeUndefined();
  });
});

describe('reach', () => {
  it('lists the owner and each organization across pages; private ones only where the token reads', async () => {
    const token = gen.userToken();
    const h = await hub({ pageSize: 2, repos: REPOS, tokens: { [token]: { name: 'alice', orgs: [{ name: 'acme', roleInOrg: 'read' }] } } });
    const c = createHubClient({ endpoint: h.url, ...noWait });
    const r = await listReach(c, token, ['alice', 'acme']);
    c.close();
    expect(r).toEqual({
      total: 10,
      private: 4,
      byType: { model: 7, dataset: 2, space: 1 },
      examples: ['acme/private-llm', 'alice/private-b', 'alice/private-d', 'datasets/acme/private-data', 'acme/open-llm'],
      truncated: false,
    });
    // alice has 5 models: 3 pages of 2.
    expect(h.requests.filter((q) => q.path.startsWith('/api/models?author=alice'))).toHaveLength(3);
    expect(h.requests.every((q) => q.token === token)).toBe(true);
    expect(reachSentence(r)).toMatch(/^It sees 10 repositories \(4 private; 7 models, 2 datasets, 1 space\), e\.g\. acme\/private-llm/);
  });

  it('a fine-grained token sees only what its scopes name', async () => {
    const token = gen.userToken();
    const h = await hub({
      pageSize: 10, repos: REPOS,
      tokens: { [token]: { name: 'alice', role: 'fineGrained', orgs: [{ name: 'acme', roleInOrg: 'admin' }], fineGrained: { scoped: [{ entity: { type: 'model', name: 'acme/private-llm' }, permissions: ['repo.content.read'] }] } } },
    });
    const c = createHubClient({ endpoint: h.url, ...noWait });
    const r = await listReach(c, token, ['alice', 'acme']);
    c.close();
    expect(r.private).toBe(1);
    expect(r.examples[0]).toBe('acme/private-llm');
  });

  it('stops at the page bound and says so', async () => {
    const token = gen.userToken();
    const h = await hub({ pageSize: 1, repos: REPOS, tokens: { [token]: { name: 'alice' } } });
    const c = createHubClient({ endpoint: h.url, ...noWait });
    const r = await listReach(c, token, ['alice'], { maxPages: 2 });
    c.close();
    expect(r.truncated).toBe(true);
    expect(r.byType.model).toBe(2);
    expect(h.requests.filter((q) => q.path.startsWith('/api/models'))).toHaveLength(2);
    expect(reachSentence(r)).toMatch(/at least .*request bound/);
  });

  it('stops at the request bound across listings', async () => {
    const token = gen.userToken();
    const h = await hub({ pageSize: 1, repos: REPOS, tokens: { [token]: { name: 'alice' } } });
    const c = createHubClient({ endpoint: h.url, concurrency: 1, ...noWait });
    const r = await listReach(c, token, ['alice', 'acme'], { maxRequests: 4 });
    c.close();
    expect(r.truncated).toBe(true);
    expect(h.requests).toHaveLength(4);
  });

  it('never follows a next page on another host with the token', async () => {
    const token = gen.userToken();
    const h = await hub({ pageSize: 1, repos: REPOS, tokens: { [token]: { name: 'alice' } } });
    const h2 = await hub({ pageSize: 1, repos: REPOS, nextLinkOrigin: h.other.url, tokens: { [token]: { name: 'alice' } } });
    const c = createHubClient({ endpoint: h2.url, ...noWait });
    const r = await listReach(c, token, ['alice']);
    c.close();
    expect(r.truncated).toBe(true);
    expect(r.reason).toMatch(/next page is on localhost:\d+; not followed/);
    expect(h.other.requests).toHaveLength(0);
    // A host named after the token is not named: the URL parser lowercased it, out of
    // reach of the report's redaction of the token as it is.
    const h3 = await hub({ pageSize: 1, repos: REPOS, nextLinkOrigin: `https://${token.toLowerCase()}.example`, tokens: { [token]: { name: 'alice' } } });
    const c3 = createHubClient({ endpoint: h3.url, ...noWait });
    const r3 = await listReach(c3, token, ['alice']);
    c3.close();
    expect(r3.reason).toMatch(/next page is on another host \(its name holds the token; not shown\); not followed/);
    expect(r3.reason!.toLowerCase()).not.toContain(token.slice(3).toLowerCase());
  });

  it('the time budget bounds reading the pages too, not only the requests', async () => {
    const token = gen.userToken();
    const h = await hub({ pageSize: 2, repos: REPOS, tokens: { [token]: { name: 'alice' } } });
    // A clock that passes the end of the budget while the first pages come in: what they
    // hold is not read (a page can hold millions of entries), and the listing says why.
    let t = 0;
    const real = createHubClient({ endpoint: h.url, budgetMs: 1000, now: () => t, ...noWait });
    const c: HubClient = {
      ...real,
      request: async (spec) => {
        const a = await real.request(spec);
        t += 5000;
        return a;
      },
    };
    const r = await listReach(c, token, ['alice']);
    real.close();
    expect(r.total).toBe(0);
    expect(r.truncated).toBe(true);
    expect(r.reason).toMatch(/models of alice: the verification time budget \(1 s\) was used up/);
    expect(h.requests).toHaveLength(3);
  });

  it('a failing listing makes the reach incomplete, not wrong', async () => {
    const token = gen.userToken();
    const h = await hub({ repos: REPOS, tokens: { [token]: { name: 'alice' } } });
    const c = createHubClient({ endpoint: h.url, ...noWait });
    // Revoked meanwhile: the listing answers 401.
    h.revoked.add(token);
    const r = await listReach(c, token, ['alice']);
    c.close();
    expect(r.total).toBe(0);
    expect(r.truncated).toBe(true);
    expect(r.reason).toMatch(/models of alice: HTTP 401/);
  });
});

describe('revocation', () => {
  it('sends the tokens in batches, without an Authorization header', async () => {
    const tokens = Array.from({ length: 5 }, () => gen.userToken());
    const h = await hub({});
    const c = createHubClient({ endpoint: h.url, ...noWait });
    const r = await revokeTokens(c, [...tokens, tokens[0]!], 2);
    c.close();
    expect(r.ok).toBe(true);
    expect(h.revocations).toEqual([tokens.slice(0, 2), tokens.slice(2, 4), tokens.slice(4)]);
    expect(h.revokeAuthorization).toEqual([undefined, undefined, undefined]);
    expect(r.batches.map((b) => b.status)).toEqual([202, 202, 202]);
    const text = describeRevocation(r).join('\n');
    expect(text).toMatch(/^Sent 5 tokens to http:\/\/127\.0\.0\.1:\d+\/api\/credentials\/revoke in 3 requests/);
    expect(text).toMatch(/HTTP 202 Accepted/);
    for (const t of tokens) expect(text).not.toContain(t);
  });

  it('a batch the Hub does not accept is reported as not revoked', async () => {
    const h = await hub({ revokeStatus: 500 });
    const c = createHubClient({ endpoint: h.url, retries: 1, ...noWait });
    const r = await revokeTokens(c, [gen.userToken()]);
    c.close();
    expect(r.ok).toBe(false);
    expect(h.revocations).toHaveLength(2);
    expect(describeRevocation(r).join('\n')).toMatch(/FAILED: the Hub answered HTTP 500, after 1 retry\. Nothing shows these tokens were revoked: treat them as live/);
    // A refusal (4xx) is one: nothing was done.
    const h4 = await hub({ revokeStatus: 400 });
    const c4 = createHubClient({ endpoint: h4.url, retries: 1, ...noWait });
    const r4 = await revokeTokens(c4, [gen.userToken()]);
    c4.close();
    expect(describeRevocation(r4).join('\n')).toMatch(/FAILED: HTTP 400.*\. These tokens were NOT revoked/);
  });
});

describe('echoes in base64', () => {
  it('a token inside any longer base64 text is found at every alignment, in both alphabets, and its whole run goes', () => {
    const token = gen.userToken();
    for (let pad = 0; pad < 6; pad++) {
      for (const plain of [`${'x'.repeat(pad)}${token}:rest`, `${'y'.repeat(pad)}${token.slice(3)}`]) {
        for (const enc of ['base64', 'base64url'] as const) {
          const echoed = Buffer.from(plain).toString(enc);
          expect(scrub(`refused ${echoed} here`, [token]), `${pad} ${enc}`).toBe(`refused ${token.slice(0, 5)}…${token.slice(-2)} here`);
        }
      }
    }
  });

  it('leaves other base64 alone', () => {
    const text = `refused ${Buffer.from(`Bearer ${gen.userToken()}`).toString('base64')}`;
    expect(scrub(text, [gen.userToken()])).toBe(text);
  });
});
