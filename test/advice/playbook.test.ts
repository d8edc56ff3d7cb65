// The rotation playbook per status, role, reach and place: hand-made findings and
// verifications (the Verification type of src/core/types.ts), no network.
import { describe, expect, it } from 'vitest';
import { adviseFinding, factsOf, placeHints, ruleHelp, rulePlaybook } from '../../src/advice/index.ts';
import type { Finding, Location, Verification } from '../../src/core/types.ts';
import { fingerprintOf, sha256 } from '../../src/findings/aggregate.ts';
import { redact } from '../../src/findings/redact.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import { parseWhoami } from '../../src/verify/whoami.ts';
import { whoamiBody } from '../helpers/fake-hub.mjs';
import { attachAdvice } from '../helpers/advice.ts';

const gen = tokenGenerator(4242);

function finding(over: Partial<Omit<Finding, 'secret'>> & { secret?: string } = {}): Finding {
  const rule = over.rule ?? 'hf-user-access-token';
  const raw = typeof over.secret === 'string' ? over.secret : gen.userToken();
  const { secret: _s, ...rest } = over;
  return {
    fingerprint: fingerprintOf(rule, raw),
    rule,
    title: 'Hugging Face user access token',
    severity: 'high',
    secret: { raw, redacted: redact(raw), sha256: sha256(raw) },
    locations: [{ path: 'src/train.py', line: 3, column: 10 }],
    ...rest,
  };
}

const valid = (v: Partial<Verification>): Verification => ({ status: 'valid', httpStatus: 200, endpoint: 'https://huggingface.co', owner: { name: 'alice', type: 'user' }, ...v });

const historyLocs: Location[] = [
  { path: 'train.py', line: 4, column: 9, commit: 'b'.repeat(40), date: '2025-12-01T10:00:00Z', author: 'Alice', inHead: false },
  { path: 'old/train.py', line: 2, column: 9, commit: 'a'.repeat(40), date: '2025-11-03T09:00:00Z', author: 'Alice', inHead: false },
];

describe('advice for each status and role', () => {
  it('valid write token with organizations: revoke as owner, least privilege, review writable orgs since the first commit', () => {
    const steps = adviseFinding(
      finding({
        repos: ['acme/private-llm'],
        locations: [{ path: 'src/train.py', line: 3, column: 10, commit: 'c'.repeat(40), date: '2025-11-03T09:00:00Z', inHead: true }],
        verification: valid({
          tokenName: 'laptop',
          role: 'write',
          canWrite: true,
          orgs: [
            { name: 'acme', roleInOrg: 'admin', access: 'admin', summary: 'administers acme' },
            { name: 'beta', roleInOrg: 'read', access: 'read', summary: 'reads beta' },
          ],
          reach: { total: 40, private: 7, byType: { model: 30, dataset: 5, space: 5 }, examples: ['acme/private-llm', 'alice/notes'], truncated: false },
        }),
      }),
    );
    expect(steps).toHaveLength(5);
    expect(steps[0]).toMatch(/^Revoke it now: it works and acts as alice with a write role\./);
    expect(steps[0]).toContain('the token named "laptop"');
    expect(steps[0]).toContain('https://huggingface.co/settings/tokens');
    expect(steps[0]).toContain('Manage → Refresh');
    expect(steps[0]).toContain('`hfleaks revoke`');
    expect(steps[1]).toMatch(/^Replace it with a fine-grained token/);
    expect(steps[1]).toContain('acme/private-llm');
    expect(steps[1]).toContain('could push wherever alice can');
    expect(steps[2]).toContain('`HF_TOKEN`');
    expect(steps[2]).toContain('`hf auth login`');
    expect(steps[2]).toContain("CI system's secret store");
    expect(steps[2]).toContain('Trusted Publishers');
    expect(steps[2]).toContain('One token per app or machine');
    expect(steps[3]).toMatch(/^It could write and administer: review /);
    expect(steps[3]).toContain("alice's own repositories");
    expect(steps[3]).toContain('the acme organization (admin)');
    expect(steps[3]).not.toContain('beta');
    expect(steps[3]).toContain('since 2025-11-03');
    expect(steps[3]).toContain('Space secrets');
    expect(steps[3]).toContain('in acme also members');
    expect(steps[3]).toContain('It reaches 40 repositories (7 private)');
    expect(steps[4]).toContain('Deleting the line does not un-leak a token that was pushed');
    expect(steps[4]).toContain('It is already in 1 commit');
  });

  it('read token: no write review, but private content is treated as exposed', () => {
    const steps = adviseFinding(
      finding({
        verification: valid({
          role: 'read',
          canWrite: false,
          canReadPrivate: true,
          orgs: [{ name: 'acme', roleInOrg: 'admin', access: 'read', summary: 'reads acme (token is read-only)' }],
        }),
      }),
    );
    expect(steps[0]).toContain('with a read role');
    expect(steps[1]).toContain('The leaked read token could read everything alice can read');
    expect(steps[1]).toContain('the acme organization');
    expect(steps.join('\n')).not.toContain('It could write');
    expect(steps.join('\n')).not.toContain('If it could write');
    expect(steps[3]).toMatch(/^It could read private or gated content/);
    expect(factsOf(finding({ verification: valid({ role: 'read' }) })).writes).toBe(false);
  });

  it('a report that lists only the first of many organizations or scopes still reviews what the verdict says it writes', () => {
    const orgs = Array.from({ length: 250 }, (_, i) => ({ name: `org${i}`, roleInOrg: 'admin' }));
    const v = parseWhoami(whoamiBody({ role: 'fineGrained', orgs, fineGrained: { scoped: [{ entity: { type: 'org', name: 'org249' }, permissions: ['repo.write'] }] } }))!;
    expect(v.orgs).toHaveLength(200);
    const facts = factsOf(finding({ verification: v }));
    expect(facts.writes).toBe(true);
    expect(facts.grants.join('\n')).not.toMatch(/reaches nothing/);
    const reads = Array.from({ length: 500 }, (_, i) => ({ entity: { type: 'model', name: `alice/m${i}` }, permissions: ['repo.content.read'] }));
    const w = parseWhoami(whoamiBody({ role: 'fineGrained', fineGrained: { scoped: [...reads, { entity: { type: 'user', name: 'alice' }, permissions: ['repo.write'] }] } }))!;
    const wf = factsOf(finding({ verification: w }));
    expect(wf.writes).toBe(true);
    expect(wf.grants).toContain('and 1 more scopes not listed');
  });

  it('fine-grained token: lists what it granted and reviews only what its scopes can write', () => {
    const steps = adviseFinding(
      finding({
        repos: ['acme/private-llm'],
        verification: valid({
          role: 'fineGrained',
          canWrite: true,
          fineGrained: {
            global: ['inference.serverless.write'],
            canReadGatedRepos: true,
            scoped: [
              { type: 'model', name: 'acme/private-llm', permissions: ['repo.content.read'] },
              { type: 'org', name: 'acme', permissions: ['repo.content.read', 'repo.write'] },
            ],
          },
        }),
      }),
    );
    expect(steps[0]).toContain('with a fine-grained role');
    expect(steps[1]).toContain('inference.serverless.write (global)');
    expect(steps[1]).toContain('repo.content.read on model acme/private-llm');
    expect(steps[1]).toContain('repo.content.read, repo.write on org acme');
    expect(steps[1]).toContain('read access to gated repositories');
    expect(steps[3]).toMatch(/^It could write: review org acme \(repo\.write\) for changes/);
    expect(steps[3]).not.toContain('model acme/private-llm (');
  });

  it('fine-grained token that only reads and calls inference: no write review', () => {
    const f = finding({
      verification: valid({
        role: 'fineGrained',
        fineGrained: { global: ['inference.serverless.write', 'discussion.write'], scoped: [{ type: 'model', name: 'acme/x', permissions: ['repo.content.read'] }] },
      }),
    });
    expect(factsOf(f).writes).toBe(false);
    const steps = adviseFinding(f);
    expect(steps.join('\n')).not.toMatch(/could write/i);
    expect(steps[3]).toMatch(/^Check alice's inference usage and billing since /);
  });

  it('invalid token: nothing to revoke, no review, history cleaning optional', () => {
    const steps = adviseFinding(finding({ verification: { status: 'invalid', httpStatus: 401, reason: 'HTTP 401' } }));
    expect(steps[0]).toMatch(/^Nothing to revoke: the Hub rejects this token \(HTTP 401\)/);
    expect(steps[1]).toMatch(/^If the code still needs a token/);
    expect(steps.join('\n')).not.toMatch(/could write/i);
    expect(steps.at(-1)).toContain('It no longer works, so rewriting history is optional');
    expect(steps).toHaveLength(4);
  });

  it('unknown verdict: treated as live, the reason shown, the write review hedged', () => {
    const steps = adviseFinding(finding({ verification: { status: 'unknown', reason: 'rate limited (HTTP 429)' } }));
    expect(steps[0]).toMatch(/^Revoke it now and treat it as live: the Hub could not confirm it \(rate limited \(HTTP 429\)\)/);
    expect(steps[3]).toMatch(/^If it could write/);
    expect(steps).toHaveLength(5);
  });

  it('not verified: treated as live and points at --verify', () => {
    for (const verification of [undefined, { status: 'skipped' } as Verification]) {
      const steps = adviseFinding(finding(verification ? { verification } : {}));
      expect(steps[0]).toContain('treat it as live');
      expect(steps[0]).toContain('`--verify`');
    }
  });

  it('expired JWTs: nothing to revoke, with the expiry date', () => {
    const oauth = adviseFinding(
      finding({
        rule: 'hf-oauth-access-token',
        secret: gen.oauthToken({ exp: 1_600_000_000, scope: 'openid write-repos' }),
        severity: 'low',
        jwt: { expiresAt: '2020-09-13T12:26:40.000Z', expired: true, scope: 'openid write-repos' },
      }),
    );
    expect(oauth[0]).toMatch(/^Nothing to revoke: this OAuth token expired on 2020-09-13/);
    expect(oauth[0]).toContain('refresh token');
    expect(oauth[1]).toContain('"openid write-repos"');
    expect(oauth.join('\n')).not.toMatch(/review/);
    const publisher = adviseFinding(
      finding({ rule: 'hf-trusted-publisher-token', secret: gen.publisherToken({ exp: 1_600_000_000 }), jwt: { expiresAt: '2020-09-13T12:26:40.000Z', expired: true } }),
    );
    expect(publisher[0]).toBe('Nothing to revoke: this token expired on 2020-09-13 and no longer authenticates.');
    expect(publisher[1]).toMatch(/^Find what exposed it/);
  });

  it('a live OAuth token whose scope writes gets a review step', () => {
    const steps = adviseFinding(finding({ rule: 'hf-oauth-access-token', secret: gen.oauthToken(), jwt: { expiresAt: '2100-01-01T00:00:00.000Z', expired: false, scope: 'openid write-repos' } }));
    expect(steps[0]).toContain('Connected Apps');
    expect(steps.find((s) => s.startsWith('Its scopes ("openid write-repos") allow writing'))).toBeDefined();
  });

  it('leak only in history: says deleting the line did not un-leak it, names the first commit and date', () => {
    const steps = adviseFinding(finding({ locations: historyLocs, verification: valid({ role: 'write', canWrite: true }) }));
    const last = steps.at(-1)!;
    expect(last).toMatch(/^It is only in git history now \(2 commits, first aaaaaaaaaaaa on 2025-11-03\)/);
    expect(last).toContain('deleting the line did not un-leak it');
    expect(last).toContain('revocation is what protects');
    expect(last).toContain('git filter-repo --replace-text');
    expect(steps[3]).toContain('since 2025-11-03');
    expect(factsOf(finding({ locations: historyLocs })).historyOnly).toBe(true);
    expect(factsOf(finding({ locations: [...historyLocs, { path: 'x.py', line: 1, column: 1 }] })).historyOnly).toBe(false);
  });

  it('revoked by this run: says so, and still gives the prevention steps', () => {
    const steps = adviseFinding(finding({ verification: valid({ role: 'write', canWrite: true, revoked: true }) }));
    expect(steps[0]).toMatch(/^Revoked by this run/);
    expect(steps.some((s) => s.startsWith('It could write'))).toBe(true);
    expect(steps).toHaveLength(5);
  });

  it('organization API token: admin deletes it; replaced by a fine-grained token', () => {
    const steps = adviseFinding(finding({ rule: 'hf-org-api-token', secret: gen.orgToken() }));
    expect(steps[0]).toContain('An admin of the organization');
    expect(steps[1]).toMatch(/^Organization API tokens are no longer issued/);
  });
});

describe('advice follows the verdict, not the raw scopes', () => {
  /** A finding verified from a whoami answer of the fake Hub, as `hfleaks verify` would see it. */
  const verified = (spec: Parameters<typeof whoamiBody>[0], rule = 'hf-user-access-token', secret = gen.userToken()) =>
    finding({ rule, secret, verification: { ...parseWhoami(whoamiBody(spec))!, endpoint: 'https://huggingface.co' } });

  it('a write scope where the owner only reads is not reviewed as written', () => {
    const f = verified({ name: 'alice', role: 'fineGrained', orgs: [{ name: 'acme', roleInOrg: 'read' }], fineGrained: { scoped: [{ entity: { type: 'org', name: 'acme' }, permissions: ['repo.write'] }] } });
    expect(f.verification).toMatchObject({ canWrite: false, canReadPrivate: true });
    expect(factsOf(f).writes).toBe(false);
    const steps = adviseFinding(f);
    expect(steps.join('\n')).not.toMatch(/could write/i);
    expect(steps[1]).toContain('repo.write on org acme (reads only: alice only reads there)');
    expect(steps[3]).toMatch(/^It could read private or gated content: treat the private and gated content of org acme/);
  });

  it('a scope on an organization the owner is not in reaches nothing', () => {
    const f = verified({
      name: 'alice', role: 'fineGrained', orgs: [{ name: 'beta', roleInOrg: 'write' }],
      fineGrained: { scoped: [{ entity: { type: 'org', name: 'gone' }, permissions: ['repo.content.read', 'repo.write'] }, { entity: { type: 'model', name: 'beta/llm' }, permissions: ['repo.content.read'] }] },
    });
    expect(f.verification).toMatchObject({ canWrite: false, canReadPrivate: true });
    const x = factsOf(f);
    expect(x.writes).toBe(false);
    expect(x.writeTargets).toEqual([]);
    expect(x.readTargets).not.toContain('org gone');
    const steps = adviseFinding(f);
    expect(steps.join('\n')).not.toMatch(/could write|review org gone/i);
    expect(steps[1]).toContain('on org gone (reaches nothing: alice has no role there)');
  });

  it('where the owner writes, the write scope is reviewed', () => {
    const f = verified({ name: 'alice', role: 'fineGrained', orgs: [{ name: 'acme', roleInOrg: 'write' }, { name: 'beta', roleInOrg: 'read' }], fineGrained: { scoped: [{ entity: { type: 'org', name: 'acme' }, permissions: ['repo.write'] }, { entity: { type: 'org', name: 'beta' }, permissions: ['repo.write'] }] } });
    expect(f.verification!.canWrite).toBe(true);
    const review = adviseFinding(f)[3]!;
    expect(review).toMatch(/^It could write: review org acme \(repo\.write\)/);
    expect(review).not.toContain('org beta (');
  });

  it('a live app token with a write scope gets the write review; a read one the exposure step', () => {
    const write = verified({ kind: 'app', name: 'ci-app', scope: { 'write-repos': true } }, 'hf-trusted-publisher-token', gen.publisherToken());
    expect(factsOf(write).writes).toBe(true);
    expect(adviseFinding(write).some((s) => s.startsWith('It could write: review everything it could write'))).toBe(true);
    const read = verified({ kind: 'app', name: 'ci-app', scope: { 'read-repos': true } }, 'hf-trusted-publisher-token', gen.publisherToken());
    expect(factsOf(read).writes).toBe(false);
    expect(adviseFinding(read).some((s) => s.startsWith('It could read private or gated content'))).toBe(true);
  });

  it.each([
    ['read', { role: 'read', orgs: [{ name: 'acme', roleInOrg: 'admin' }] }],
    ['write', { role: 'write', orgs: [{ name: 'acme', roleInOrg: 'read' }] }],
    ['fine-grained, owner contributor', { role: 'fineGrained', orgs: [{ name: 'acme', roleInOrg: 'contributor' }], fineGrained: { global: ['discussion.write'], scoped: [{ entity: { type: 'org', name: 'acme' }, permissions: ['repo.write'] }] } }],
    ['fine-grained, owner reader or gone', { role: 'fineGrained', orgs: [{ name: 'acme', roleInOrg: 'read' }], fineGrained: { scoped: [{ entity: { type: 'model', name: 'acme/llm' }, permissions: ['repo.write'] }, { entity: { type: 'org', name: 'old' }, permissions: ['org.write'] }] } }],
    ['organization', { kind: 'org' }],
    ['OAuth', { kind: 'oauth' }],
    ['app', { kind: 'app', scope: { 'write-repos': true } }],
  ] as const)('the playbook and the verdict agree on writing (%s token)', (_kind, spec) => {
    const f = verified(spec as Parameters<typeof whoamiBody>[0]);
    expect(factsOf(f).writes).toBe(f.verification!.canWrite);
  });
});

describe('advice follows where the leak is', () => {
  const at = (...paths: string[]) => paths.map((path) => ({ path, line: 1, column: 1 }));
  it('names the right place', () => {
    expect(placeHints(at('.github/workflows/ci.yml')).join(' ')).toContain('secrets.HF_TOKEN');
    expect(placeHints(at('.gitlab-ci.yml')).join(' ')).toContain("CI system's secret store");
    expect(placeHints(at('nb/demo.ipynb')).join(' ')).toContain('notebook_login');
    expect(placeHints(at('app/.env')).join(' ')).toContain('.gitignore');
    expect(placeHints(at('.env.example'))).toEqual([]);
    expect(placeHints(at('out/model.zip!checkpoint/training_args.bin')).join(' ')).toContain('hub_token');
    expect(placeHints(at('docker/Dockerfile')).join(' ')).toContain('--mount=type=secret');
    expect(placeHints([{ path: 'k8s/s.yaml', line: 1, column: 1, decoding: ['base64'] }]).join(' ')).toContain('Kubernetes');
    expect(placeHints(at('src/app.py'))).toEqual([]);
    // Each hint once, however many locations share it.
    expect(placeHints(at('a/.env', 'b/.env'))).toHaveLength(1);
  });
  it('puts the hint in the "move out of code" step', () => {
    const steps = adviseFinding(finding({ locations: at('.github/workflows/release.yml') }));
    expect(steps[2]).toContain('secrets.HF_TOKEN');
  });
});

describe('attachAdvice and rule help', () => {
  it('sets advice on every finding', () => {
    const fs = [finding(), finding({ verification: { status: 'invalid' } })];
    attachAdvice(fs);
    for (const f of fs) expect(f.advice?.length).toBeGreaterThan(2);
  });
  it('the rule playbook covers the five steps for user tokens', () => {
    const steps = rulePlaybook('hf-user-access-token');
    expect(steps).toHaveLength(5);
    const help = ruleHelp({ id: 'hf-user-access-token', title: 'T', description: 'D' });
    expect(help.markdown).toContain('1. Revoke it now');
    expect(help.markdown).toContain('`hfleaks revoke`');
    expect(help.text).not.toContain('`');
    expect(help.text).toContain('5. Delete it from the code');
  });
  it('custom rules get generic steps', () => {
    expect(adviseFinding(finding({ rule: 'acme-token' }))[0]).toContain('Revoke it where it was issued');
  });
  it("a config rule's title and description are escaped in the markdown help, left as they are in the text help", () => {
    const help = ruleHelp({ id: 'acme-token', title: 'Acme <img src=https://evil.example/p.png>', description: '[Log in again](https://evil.example/login) **now**' });
    expect(help.markdown).toMatch(/^\*\*Acme &lt;img src=https:\/\/evil\.example\/p\.png&gt;\.\*\* \\\[Log in again\\\]\(https:\/\/evil\.example\/login\) \\\*\\\*now\\\*\\\*\n/);
    expect(help.markdown).not.toContain('<img');
    expect(help.text).toMatch(/^Acme <img src=https:\/\/evil\.example\/p\.png>\. \[Log in again\]/);
  });
});

describe('advice for what no ref reaches', () => {
  it('says to unstage a blob no commit holds before pruning, in a submodule too, and dates nothing', () => {
    for (const path of ['<blob 0123456789ab>', 'lib/<blob 0123456789ab>']) {
      const steps = adviseFinding(finding({ locations: [{ path, line: 1, column: 3, inHead: false, unreachable: true }] }));
      const last = steps.at(-1)!;
      expect(last, path).toContain('It is only in objects no branch, tag or stash reaches');
      expect(last, path).toContain('git restore --staged FILE');
      expect(last, path).toContain('git gc --prune=now');
      expect(steps.join('\n'), path).not.toContain('Delete it from');
      expect(steps.join('\n'), path).toContain('no commit holds it, so git has no date for it');
    }
  });
  it('leaves the unstaging out where every copy was committed', () => {
    const steps = adviseFinding(finding({ locations: [{ ...historyLocs[0]!, unreachable: true }] }));
    expect(steps.at(-1)).toContain('git gc --prune=now');
    expect(steps.join('\n')).not.toContain('git restore --staged');
  });
});
