// Parsing whoami-v2 answers of every documented shape into a Verification: owner, role,
// organizations with effective access, fine-grained scopes, and the severity that follows.
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import type { Finding, Verification } from '../../src/core/types.ts';
import { verifySettings, verifyStep } from '../../src/verify/settings.ts';
import { isDead, severityFromVerification } from '../../src/verify/severity.ts';
import type { HubClient } from '../../src/verify/client.ts';
import { describe as describeVerdict, verifyToken } from '../../src/verify/verify-token.ts';
import { clean, parseWhoami, shorten, permissionLevel, roleLevel, whoamiProblem } from '../../src/verify/whoami.ts';
import { whoamiBody } from '../helpers/fake-hub.mjs';

const ORGS = [
  { name: 'acme', roleInOrg: 'admin' },
  { name: 'beta', roleInOrg: 'write' },
  { name: 'gamma', roleInOrg: 'read' },
  { name: 'delta', roleInOrg: 'contributor' },
];

function parse(body: unknown, ctx = {}): Verification {
  const v = parseWhoami(body, ctx);
  if (!v) throw new Error('not parsed');
  return v;
}

const access = (v: Verification) => Object.fromEntries((v.orgs ?? []).map((o) => [o.name, o.access]));

describe('classic user tokens', () => {
  it('a read token reads, even where its owner is admin', () => {
    const v = parse(whoamiBody({ name: 'alice', role: 'read', displayName: 'ci', orgs: ORGS }));
    expect(v).toMatchObject({ status: 'valid', owner: { name: 'alice', type: 'user', fullname: 'Alice' }, tokenName: 'ci', role: 'read', createdAt: '2026-03-02T10:00:00.000Z', canWrite: false, canReadPrivate: true });
    expect(access(v)).toEqual({ acme: 'read', beta: 'read', gamma: 'read', delta: 'read' });
    expect(v.orgs!.find((o) => o.name === 'acme')!.summary).toMatch(/owner is admin there, but this is a read token/);
    expect(v.summary).toMatch(/^valid read token "ci" of alice \(Alice\), created 2026-03-02: reads alice's repositories, private and gated ones included/);
    expect(severityFromVerification(v)).toBe('high');
  });

  it('a write token writes at most what the owner\'s role allows', () => {
    const v = parse(whoamiBody({ name: 'alice', role: 'write', orgs: [...ORGS, { name: 'omega', roleInOrg: 'no_access' }] }));
    expect(access(v)).toEqual({ acme: 'admin', beta: 'write', gamma: 'read', delta: 'write', omega: 'none' });
    expect(v.orgs!.find((o) => o.name === 'delta')!.summary).toMatch(/pushes to the ones this user created/);
    expect(v.orgs!.find((o) => o.name === 'acme')!.summary).toMatch(/settings and members/);
    expect(v.orgs!.find((o) => o.name === 'acme')!.roleInOrg).toBe('admin');
    expect(v.canWrite).toBe(true);
    expect(severityFromVerification(v)).toBe('critical');
    expect(v.summary).toMatch(/Organizations: acme \(admin\): reads and writes/);
  });

  it('a user in no organization', () => {
    const v = parse(whoamiBody({ name: 'bob', role: 'write' }));
    // An empty list is a known membership: none.
    expect(v.orgs).toEqual([]);
    expect(v.summary).not.toMatch(/Organizations/);
  });
});

describe('fine-grained tokens', () => {
  it('reaches what its scopes name, capped by the owner\'s role', () => {
    const v = parse(whoamiBody({
      name: 'alice', role: 'fineGrained', orgs: [{ name: 'acme', roleInOrg: 'read' }, { name: 'beta', roleInOrg: 'admin' }, { name: 'gamma', roleInOrg: 'admin' }],
      fineGrained: {
        canReadGatedRepos: true,
        global: ['inference.serverless.write', 'discussion.write'],
        scoped: [
          { entity: { type: 'org', name: 'acme' }, permissions: ['repo.content.read', 'repo.write'] },
          { entity: { type: 'org', name: 'beta' }, permissions: ['repo.content.read'] },
          { entity: { type: 'model', name: 'gamma/private-llm' }, permissions: ['repo.content.read'] },
        ],
      },
    }));
    expect(v.role).toBe('fineGrained');
    expect(v.fineGrained).toEqual({
      canReadGatedRepos: true,
      global: ['inference.serverless.write', 'discussion.write'],
      scoped: [
        { type: 'org', name: 'acme', permissions: ['repo.content.read', 'repo.write'] },
        { type: 'org', name: 'beta', permissions: ['repo.content.read'] },
        { type: 'model', name: 'gamma/private-llm', permissions: ['repo.content.read'] },
      ],
    });
    // acme: the scope asks for write, the owner only reads there.
    expect(access(v)).toEqual({ acme: 'read', beta: 'read', gamma: 'read' });
    expect(v.orgs!.find((o) => o.name === 'acme')!.summary).toMatch(/scopes ask for more, but the owner is only read there/);
    expect(v.orgs!.find((o) => o.name === 'gamma')!.summary).toMatch(/1 of its repositories named one by one \(gamma\/private-llm\)/);
    expect(v.canWrite).toBe(false);
    expect(v.canReadPrivate).toBe(true);
    expect(v.summary).toMatch(/call paid inference billed to its owner/);
    expect(severityFromVerification(v)).toBe('high');
  });

  it('writes where a scope and the role both allow it', () => {
    const v = parse(whoamiBody({
      name: 'alice', role: 'fineGrained', orgs: [{ name: 'acme', roleInOrg: 'write' }],
      fineGrained: { scoped: [{ entity: { type: 'org', name: 'acme' }, permissions: ['repo.write'] }] },
    }));
    expect(access(v)).toEqual({ acme: 'write' });
    expect(v.canWrite).toBe(true);
    expect(severityFromVerification(v)).toBe('critical');
  });

  it('a role or permission named like a property of every object ("constructor", "__proto__") is an undocumented one: judged as admin', () => {
    for (const role of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(roleLevel(role), role).toBe('admin');
      const v = parse(whoamiBody({
        name: 'alice', role: 'fineGrained', orgs: [{ name: 'acme', roleInOrg: role }],
        fineGrained: { global: ['__proto__', 'constructor'], scoped: [{ entity: { type: 'org', name: 'acme' }, permissions: ['repo.write'] }] },
      }));
      expect(access(v), role).toEqual({ acme: 'write' });
      expect(v.canWrite, role).toBe(true);
      expect(severityFromVerification(v), role).toBe('critical');
      expect(JSON.stringify(v), role).not.toMatch(/undefined|\[object Object\]/);
      expect(v.summary, role).not.toMatch(/undefined|\[object Object\]/);
    }
    expect(permissionLevel('__proto__')).toBe('read');
    expect(permissionLevel('constructor')).toBe('read');
  });

  it('an organization no scope names is out of reach', () => {
    const v = parse(whoamiBody({
      name: 'alice', role: 'fineGrained', orgs: [{ name: 'acme', roleInOrg: 'admin' }],
      fineGrained: { scoped: [{ entity: { type: 'user', name: 'alice' }, permissions: ['repo.content.read'] }] },
    }));
    expect(access(v)).toEqual({ acme: 'none' });
    expect(v.summary).toMatch(/reads alice's repositories/);
    expect(v.canWrite).toBe(false);
    expect(v.canReadPrivate).toBe(true);
  });

  it('a scope on an organization the owner left reaches nothing', () => {
    const v = parse(whoamiBody({
      name: 'alice', role: 'fineGrained', orgs: [{ name: 'beta', roleInOrg: 'read' }],
      fineGrained: { scoped: [{ entity: { type: 'org', name: 'acme' }, permissions: ['repo.write'] }] },
    }));
    expect(v.canWrite).toBe(false);
    // The summary says so rather than leaving the token's reach blank.
    expect(v.summary).toMatch(/^valid fine-grained token "laptop" of alice \(Alice\), created 2026-03-02: scopes on acme reach nothing \(alice is not a member\)\. Organizations: beta/);
  });

  it('an empty list of organizations is a known membership: a scope on an organization reaches nothing', () => {
    const scoped = [{ entity: { type: 'org', name: 'acme' }, permissions: ['repo.write', 'repo.content.read'] }];
    const v = parse(whoamiBody({ name: 'alice', role: 'fineGrained', orgs: [], fineGrained: { scoped } }));
    expect(v.orgs).toEqual([]);
    expect(v).toMatchObject({ canWrite: false, canReadPrivate: false });
    expect(severityFromVerification(v)).toBe('medium');
    expect(v.summary).toMatch(/: scopes on acme reach nothing \(alice is not a member\)\.$/);
    // Without a list the membership is unknown, and the scope is taken at its word.
    const body = whoamiBody({ name: 'alice', role: 'fineGrained', fineGrained: { scoped } }) as Record<string, unknown>;
    delete body.orgs;
    expect(parse(body)).toMatchObject({ canWrite: true, canReadPrivate: true });
  });

  it('a user scope with inference permissions only, or none, does not read or write the repositories', () => {
    const inference = parse(whoamiBody({
      name: 'alice', role: 'fineGrained',
      fineGrained: { scoped: [{ entity: { type: 'user', name: 'alice' }, permissions: ['inference.serverless.write', 'inference.endpoints.infer.write'] }] },
    }));
    expect(inference.summary).toMatch(/: no access to alice's repositories; can call paid inference billed to its owner\.$/);
    expect(inference.summary).not.toMatch(/reads/);
    expect(inference).toMatchObject({ canWrite: false, canReadPrivate: false });
    const empty = parse(whoamiBody({ name: 'alice', role: 'fineGrained', fineGrained: { scoped: [{ entity: { type: 'user', name: 'alice' }, permissions: [] }] } }));
    expect(empty.summary).toMatch(/: no access to alice's repositories\.$/);
    const reads = parse(whoamiBody({ name: 'alice', role: 'fineGrained', fineGrained: { scoped: [{ entity: { type: 'user', name: 'alice' }, permissions: ['repo.content.read', 'inference.serverless.write'] }] } }));
    expect(reads.summary).toMatch(/: reads alice's repositories; can call paid inference/);
  });

  it('an organization scope with discussion.write only: named, no repository access, and says what it can do', () => {
    const v = parse(whoamiBody({
      name: 'alice', role: 'fineGrained', orgs: [{ name: 'acme', roleInOrg: 'admin' }],
      fineGrained: { scoped: [{ entity: { type: 'org', name: 'acme' }, permissions: ['discussion.write'] }] },
    }));
    const acme = v.orgs!.find((o) => o.name === 'acme')!;
    expect(acme.access).toBe('none');
    expect(acme.summary).toBe("no access to its repositories; the token can open discussions and pull requests in its owner's name there");
    expect(v.summary).not.toMatch(/no scope names it/);
    expect(v.canWrite).toBe(false);
  });

  it('inference-only tokens write nothing and read nothing private: medium', () => {
    const v = parse(whoamiBody({ role: 'fineGrained', fineGrained: { global: ['inference.serverless.write'] } }));
    expect(v.fineGrained).toEqual({ global: ['inference.serverless.write'], canReadGatedRepos: false, scoped: [] });
    expect(v.canWrite).toBe(false);
    expect(v.canReadPrivate).toBe(false);
    expect(severityFromVerification(v)).toBe('medium');
  });

  it('an unknown permission with "write" in its name counts as writing', () => {
    const v = parse(whoamiBody({ role: 'fineGrained', fineGrained: { scoped: [{ entity: { type: 'user', name: 'alice' }, permissions: ['repo.future.write'] }] } }));
    expect(v.canWrite).toBe(true);
    expect(permissionLevel('org.write')).toBe('admin');
    expect(permissionLevel('something.new.read')).toBe('read');
    expect(permissionLevel('post.write')).toBe('side');
  });

  it('global and canReadGatedRepos may be absent', () => {
    const body = whoamiBody({ role: 'fineGrained', fineGrained: {} });
    const v = parse(body);
    // Absent means not granted, and the report says so.
    expect(v.fineGrained).toEqual({ global: [], canReadGatedRepos: false, scoped: [] });
    expect(v.summary).toMatch(/no scopes at all/);
  });
});

describe('other token shapes', () => {
  it('an organization API token', () => {
    const v = parse(whoamiBody({ kind: 'org', name: 'acme' }));
    expect(v).toMatchObject({ status: 'valid', owner: { name: 'acme', type: 'org' }, canReadPrivate: true });
    expect(v.role).toBeUndefined();
    expect(v.summary).toMatch(/^valid organization API token of organization acme/);
    expect(severityFromVerification(v)).toBe('high');
  });

  it('an OAuth token: expiry from the answer, capabilities from the JWT scope', () => {
    const body = whoamiBody({ kind: 'oauth', name: 'alice', orgs: [{ name: 'acme', roleInOrg: 'admin' }], expiresAt: '2030-01-02T03:04:05.000Z' });
    const v = parse(body, { jwtScope: 'openid profile write-repos' });
    expect(v).toMatchObject({ expiresAt: '2030-01-02T03:04:05.000Z', canWrite: true, canReadPrivate: true });
    expect(v.orgs![0]).toMatchObject({ name: 'acme', roleInOrg: 'admin' });
    expect(v.summary).toMatch(/valid OAuth token of alice.*expires 2030-01-02 03:04:05/);
    expect(severityFromVerification(v)).toBe('critical');
    const readOnly = parse(body, { jwtScope: 'openid profile read-repos' });
    expect(severityFromVerification(readOnly)).toBe('high');
    // No scope shows no ability: false, never absent; the summary says the scopes are unknown.
    const unknownScope = parse(body);
    expect(unknownScope).toMatchObject({ canWrite: false, canReadPrivate: false });
    expect(unknownScope.summary).toMatch(/its OAuth scopes are not known/);
    expect(severityFromVerification(unknownScope)).toBe('medium');
    // A known scope that grants neither is said as it is, not as unknown.
    const profile = parse(body, { jwtScope: 'openid profile' });
    expect(profile.summary).toMatch(/valid OAuth token of alice \(Alice\), expires 2030-01-02 03:04:05: scope openid, profile: neither writing nor reading private repositories\./);
    expect(severityFromVerification(profile)).toBe('medium');
    expect(parse(body, { jwtScope: 'openid write-repos' }).summary).toMatch(/acts for alice with write scopes \(scope openid, write-repos\)/);
  });

  it('an app token reports its scope', () => {
    const v = parse(whoamiBody({ kind: 'app', name: 'my-app', scope: { 'read-repos': true } }));
    expect(v.owner).toMatchObject({ name: 'my-app', type: 'app' });
    expect(v.summary).toMatch(/app token.*scope read-repos/);
  });

  it('an app (Trusted Publisher) token is judged by the same scope rules as an OAuth token', () => {
    const write = parse(whoamiBody({ kind: 'app', name: 'ci-app', scope: { 'write-repos': true } }));
    expect(write).toMatchObject({ canWrite: true, canReadPrivate: true });
    expect(severityFromVerification(write)).toBe('critical');
    expect(write.summary).toMatch(/^valid app token of app ci-app: acts for ci-app with write scopes \(scope write-repos\)\.$/);
    const read = parse(whoamiBody({ kind: 'app', name: 'ci-app', scope: { 'read-repos': true } }));
    expect(read).toMatchObject({ canWrite: false, canReadPrivate: true });
    expect(severityFromVerification(read)).toBe('high');
    // The same scopes on an OAuth token grade the same.
    const oauth = parse(whoamiBody({ kind: 'oauth' }), { jwtScope: 'read-repos' });
    expect(severityFromVerification(oauth)).toBe(severityFromVerification(read));
    // A scope set to false grants nothing.
    const off = parse(whoamiBody({ kind: 'app', scope: { 'write-repos': false, 'read-repos': true } }));
    expect(off).toMatchObject({ canWrite: false, canReadPrivate: true });
  });

  it('an app token without a scope in the answer falls back to its JWT scope', () => {
    const { scope: _omit, ...body } = whoamiBody({ kind: 'app', name: 'ci-app' }) as Record<string, unknown>;
    const v = parse(body, { jwtScope: 'openid write-repos' });
    expect(v).toMatchObject({ canWrite: true, canReadPrivate: true });
    const none = parse(body);
    expect(none).toMatchObject({ canWrite: false, canReadPrivate: false });
    expect(none.summary).toMatch(/its scopes are not known/);
    expect(severityFromVerification(none)).toBe('medium');
  });

  it.each([
    ['read token', whoamiBody({ role: 'read' }), {}],
    ['write token', whoamiBody({ role: 'write' }), {}],
    ['fine-grained token', whoamiBody({ role: 'fineGrained', fineGrained: {} }), {}],
    ['organization API token', whoamiBody({ kind: 'org' }), {}],
    ['OAuth token with a scope', whoamiBody({ kind: 'oauth' }), { jwtScope: 'openid read-repos' }],
    ['OAuth token without one', whoamiBody({ kind: 'oauth' }), {}],
    ['app token', whoamiBody({ kind: 'app' }), {}],
    ['app token with an empty scope', whoamiBody({ kind: 'app', scope: {} }), {}],
  ])('a valid %s always says canWrite and canReadPrivate', (_kind, body, ctx) => {
    const v = parse(body, ctx);
    expect(typeof v.canWrite).toBe('boolean');
    expect(typeof v.canReadPrivate).toBe('boolean');
    expect(typeof v.summary).toBe('string');
  });

  it('an organization API token reads but is not shown writing', () => {
    expect(parse(whoamiBody({ kind: 'org', name: 'acme' }))).toMatchObject({ canWrite: false, canReadPrivate: true });
  });

  it.each([[[]], ['text'], [null], [42], [{}], [{ orgs: [] }]])('an unexpected shape (%j) is not a verdict', (body) => {
    expect(parseWhoami(body)).toBeUndefined();
  });

  const user = (accessToken: unknown, extra: Record<string, unknown> = {}) => ({ type: 'user', name: 'bob', orgs: [], auth: { type: 'access_token', accessToken }, ...extra });
  it.each([
    ['the owner name is a number', { ...user({ role: 'write' }), name: 123 }, /owner's name/],
    ['the owner name is missing', { type: 'user', auth: { type: 'access_token', accessToken: { role: 'write' } } }, /owner's name/],
    ['the owner name is empty', { ...user({ role: 'write' }), name: ' ' }, /owner's name/],
    ['the owner type is unknown', user({ role: 'write' }, { type: 'robot' }), /owner type/],
    ['the owner type is not a string', user({ role: 'write' }, { type: 7 }), /owner type/],
    ['auth is not an object', { type: 'user', name: 'bob', auth: 'x' }, /auth/],
    ['accessToken is not an object', user('x'), /accessToken/],
    ['the role is missing', user({ displayName: 'laptop' }), /role/],
    ['the role is unknown', user({ role: 'superuser' }), /role/],
    ['a fine-grained token without its block', user({ role: 'fineGrained' }), /fineGrained block/],
    ['fine-grained global not a list', user({ role: 'fineGrained', fineGrained: { global: 'x', scoped: [] } }), /global/],
    ['fine-grained scopes not a list', user({ role: 'fineGrained', fineGrained: { scoped: {} } }), /scopes that are not a list/],
    ['a scope without an entity', user({ role: 'fineGrained', fineGrained: { scoped: [{ permissions: ['repo.write'] }] } }), /without the name of the entity/],
    ['a null scope', user({ role: 'fineGrained', fineGrained: { scoped: [null] } }), /without the name of the entity/],
    ['a scope whose entity has no name', user({ role: 'fineGrained', fineGrained: { scoped: [{ entity: { type: 'org' }, permissions: ['repo.write'] }] } }), /without the name of the entity/],
    // Named by its id alone, a scope on an organization would be judged as reaching nothing.
    ['a scope whose entity has only an id', user({ role: 'fineGrained', fineGrained: { scoped: [{ entity: { _id: 'o1', type: 'org' }, permissions: ['repo.write'] }] } }), /without the name of the entity/],
    ['a scope without permissions', user({ role: 'fineGrained', fineGrained: { scoped: [{ entity: { type: 'org', name: 'acme' } }] } }), /permissions/],
    ['permissions that are objects', user({ role: 'fineGrained', fineGrained: { scoped: [{ entity: { type: 'org', name: 'acme' }, permissions: [{ name: 'repo.write' }] }] } }), /permissions are not a list of names/],
    ['global permissions that are objects', user({ role: 'fineGrained', fineGrained: { global: [{ name: 'repo.write' }], scoped: [] } }), /global permissions that are not a list of names/],
    ['an organization without its name', { ...user({ role: 'write' }), orgs: [{ roleInOrg: 'admin' }] }, /organization without its name/],
    ['organizations that are no objects', { ...user({ role: 'write' }), orgs: [null, 7, { name: 'acme' }] }, /organization without its name/],
    ['a user answer with neither an access token nor OAuth', { type: 'user', name: 'bob', auth: { type: 'access_token' } }, /neither/],
  ])('a malformed answer (%s) is unknown, with a reason, never a verdict', (_what, body, why) => {
    expect(whoamiProblem(body)).toMatch(why);
    expect(parseWhoami(body)).toBeUndefined();
  });

  it('a malformed answer gives verify an unknown verdict that says what was wrong', async () => {
    const client = { endpoint: 'https://hub.example', whoami: async () => ({ ok: true, status: 200, headers: {}, json: { type: 'user', auth: { type: 'access_token', accessToken: { role: 'write' } } } }) } as unknown as HubClient;
    const v = await verifyToken(client, 'unused');
    expect(v).toMatchObject({ status: 'unknown', httpStatus: 200, reason: "HTTP 200 but the answer is not a whoami-v2 shape (the owner's name is missing or not a string)" });
    expect(severityFromVerification(v)).toBe('medium');
  });

  it.each([
    ['read token', whoamiBody({ role: 'read' })],
    ['write token', whoamiBody({ role: 'write', orgs: ORGS })],
    ['fine-grained token', whoamiBody({ role: 'fineGrained', fineGrained: { global: ['discussion.write'], scoped: [{ entity: { type: 'org', name: 'acme' }, permissions: ['repo.write'] }] } })],
    ['fine-grained token without scopes', whoamiBody({ role: 'fineGrained', fineGrained: {} })],
    ['organization API token', whoamiBody({ kind: 'org' })],
    ['OAuth token', whoamiBody({ kind: 'oauth', orgs: ORGS })],
    ['app token', whoamiBody({ kind: 'app' })],
  ])('a documented shape (%s) stays readable', (_kind, body) => {
    expect(whoamiProblem(body)).toBeUndefined();
    expect(parseWhoami(body)?.status).toBe('valid');
  });

  it('a role in an organization that the answer leaves out or the Hub does not document is judged the worst way, and said so', () => {
    expect([roleLevel(undefined), roleLevel('maintainer'), roleLevel('Admin'), roleLevel('contributor'), roleLevel('no_access')]).toEqual(['admin', 'admin', 'admin', 'write', 'none']);
    const fine = parse(whoamiBody({ role: 'fineGrained', orgs: [{ name: 'acme' }, { name: 'beta', roleInOrg: 'maintainer' }], fineGrained: { scoped: [{ entity: { type: 'org', name: 'acme' }, permissions: ['repo.write'] }, { entity: { type: 'org', name: 'beta' }, permissions: ['repo.write'] }] } }));
    expect(fine.canWrite).toBe(true);
    expect(severityFromVerification(fine)).toBe('critical');
    expect(fine.orgs!.find((o) => o.name === 'acme')!.summary).toMatch(/does not give the owner's role there: judged as admin/);
    expect(fine.orgs!.find((o) => o.name === 'beta')!.summary).toMatch(/"maintainer", which the Hub does not document: judged as admin/);
    expect(fine.summary).not.toMatch(/only a member/);
    const classicRead = parse(whoamiBody({ role: 'read', orgs: [{ name: 'acme' }] }));
    expect(access(classicRead)).toEqual({ acme: 'read' });
  });

  it('reads every organization and scope for the verdict, and lists the first 200 and 500', () => {
    const orgs = Array.from({ length: 250 }, (_, i) => ({ name: `org${i}`, roleInOrg: 'admin' }));
    const many = parse(whoamiBody({ role: 'fineGrained', orgs, fineGrained: { scoped: [{ entity: { type: 'org', name: 'org249' }, permissions: ['repo.write'] }] } }));
    expect(many).toMatchObject({ canWrite: true, orgsTotal: 250 });
    expect(many.orgs).toHaveLength(200);
    expect(many.summary).not.toMatch(/reach nothing/);
    expect(many.summary).toMatch(/org19 \(admin\) and 229 more: no access/);
    expect(many.summary!.length).toBeLessThan(3000);
    const reads = Array.from({ length: 500 }, (_, i) => ({ entity: { type: 'model', name: `acme/m${i}` }, permissions: ['repo.content.read'] }));
    const scoped = parse(whoamiBody({ role: 'fineGrained', orgs: [{ name: 'acme', roleInOrg: 'admin' }], fineGrained: { scoped: [...reads, { entity: { type: 'org', name: 'acme' }, permissions: ['repo.write'] }] } }));
    expect(scoped).toMatchObject({ canWrite: true, fineGrained: { scopedTotal: 501 } });
    expect(scoped.fineGrained!.scoped).toHaveLength(500);
    expect(severityFromVerification(scoped)).toBe('critical');
    // A permission past the 64th of one scope counts too.
    const perms = [...Array.from({ length: 80 }, (_, i) => `repo.custom${i}.read`), 'repo.write'];
    expect(parse(whoamiBody({ role: 'fineGrained', fineGrained: { scoped: [{ entity: { type: 'user', name: 'alice' }, permissions: perms }] } })).canWrite).toBe(true);
  });

  it('strips terminal escapes and bounds what the server says', () => {
    expect(clean('ali\u001b[31mce\u0007')).toBe('ali[31mce');
    expect(clean(`${'word '.repeat(100)}`)).toBe(`${'word '.repeat(39)}word…`);
    expect(clean(`${'word '.repeat(100)}`)!.length).toBeLessThanOrEqual(200);
    // A word the cut would split is left out whole: half a token is out of the redaction's reach.
    expect(clean(`${'a'.repeat(190)} hf_${'Q'.repeat(34)}`)).toBe(`${'a'.repeat(190)}…`);
    expect(clean('x'.repeat(500))).toBe('…');
    expect(shorten(`ab ${'😀'.repeat(5)}`, 6)).toBe('ab…');
    const v = parse(whoamiBody({ name: 'eve\u001b]0;pwned\u0007', role: 'read' }));
    expect(v.owner!.name).toBe('eve]0;pwned');
    expect(v.summary).not.toMatch(/\u001b/);
  });
});

describe('severity from verification', () => {
  it('grades every verdict', () => {
    expect(severityFromVerification({ status: 'invalid' })).toBe('low');
    expect(severityFromVerification({ status: 'unknown' })).toBe('medium');
    expect(severityFromVerification({ status: 'skipped' })).toBe('medium');
    expect(severityFromVerification({ status: 'skipped' }, true)).toBe('low');
    expect(severityFromVerification({ status: 'valid' })).toBe('medium');
    expect(severityFromVerification({ status: 'valid', canWrite: true })).toBe('critical');
    expect(severityFromVerification({ status: 'valid', reach: { total: 3, private: 1, byType: { model: 3, dataset: 0, space: 0 }, examples: [], truncated: false } })).toBe('high');
  });

  it('an expired JWT is dead like an invalid token; unknown and other skipped tokens are not', () => {
    expect(isDead({ status: 'invalid' })).toBe(true);
    expect(isDead({ status: 'skipped' }, true)).toBe(true);
    expect(isDead({ status: 'skipped' })).toBe(false);
    expect(isDead({ status: 'unknown' })).toBe(false);
    expect(isDead({ status: 'valid' })).toBe(false);
    expect(isDead(undefined, true)).toBe(true);
  });

  it('verification off still reports status, reason and summary', async () => {
    const f = { rule: 'hf-user-access-token' } as Finding;
    await verifyStep({} as Io, verifySettings({ env: {}, stdinIsTTY: false }, {}), [f], () => undefined);
    expect(f.verification).toEqual({ status: 'skipped', reason: 'verification not requested (--verify)', summary: 'not verified: verification not requested (--verify).' });
  });

  it('describes verdicts that are not valid', () => {
    expect(describeVerdict({ status: 'invalid', reason: 'HTTP 401: Invalid credentials' }).summary).toMatch(/^invalid: the Hub rejected it \(HTTP 401/);
    expect(describeVerdict({ status: 'unknown', reason: 'rate-limited' }).summary).toMatch(/^unknown: rate-limited\. It may still work: treat it as live/);
  });
});
