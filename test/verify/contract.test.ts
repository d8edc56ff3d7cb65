// The verification JSON contract end to end, through the built CLI against the fake Hub:
// which fields each status carries (README "What the report says"), app tokens graded by
// their scopes, advice that follows the verdict, `verify`'s exit code for expired tokens,
// and what `revoke` says when nothing reached the Hub.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenGenerator } from '../../src/rules/template.ts';
import type { CliResult } from '../helpers/cli.ts';
import { runCli, runJson } from '../helpers/cli.ts';
import type { FakeHub, FakeHubOptions } from '../helpers/fake-hub.mjs';
import { startFakeHub } from '../helpers/fake-hub.mjs';

const gen = tokenGenerator(31337);
const T = {
  read: gen.userToken(),
  fine: gen.userToken(),
  dead: gen.userToken(),
  flaky: gen.userToken(),
  org: gen.orgToken(),
  appWrite: gen.publisherToken(),
  appRead: gen.publisherToken(),
  expired: gen.publisherToken({ exp: 1_600_000_000, iss: 'https://huggingface.co' }),
  expiredOauth: gen.oauthToken({ exp: 1_600_000_000, scope: 'openid write-repos' }),
};
const ALL = Object.values(T);

const SPECS: FakeHubOptions['tokens'] = {
  [T.read]: { name: 'alice', role: 'read' },
  // The owner reads in acme and left "gone": neither write scope writes anything.
  [T.fine]: {
    name: 'alice', role: 'fineGrained', orgs: [{ name: 'acme', roleInOrg: 'read' }],
    fineGrained: { scoped: [{ entity: { type: 'org', name: 'acme' }, permissions: ['repo.write'] }, { entity: { type: 'org', name: 'gone' }, permissions: ['repo.write'] }] },
  },
  [T.flaky]: { behavior: '503' },
  [T.org]: { kind: 'org', name: 'acme' },
  [T.appWrite]: { kind: 'app', name: 'ci-app', scope: { 'write-repos': true } },
  [T.appRead]: { kind: 'app', name: 'ci-app', scope: { 'read-repos': true } },
};

const outputs: string[] = [];
let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub({ tokens: SPECS });
});
afterAll(async () => {
  await hub?.close();
});

async function verify(tokens: string[], extra: string[] = []) {
  const r = await runJson(['verify', '--endpoint', hub.url, '--verify-timeout', '5', '--verify-budget', '20', ...extra], { input: `${tokens.join('\n')}\n` });
  outputs.push(r.stdout, r.stderr);
  return r;
}
async function cli(args: string[], input: string): Promise<CliResult> {
  const r = await runCli(args, { input });
  outputs.push(r.stdout, r.stderr);
  return r;
}
const only = (r: { report: any }) => {
  expect(r.report.findings).toHaveLength(1);
  return r.report.findings[0];
};

describe('app (Trusted Publisher) tokens are graded by their scopes', () => {
  it('write-repos: critical, canWrite and canReadPrivate true', async () => {
    const f = only(await verify([T.appWrite]));
    expect(f.rule).toBe('hf-trusted-publisher-token');
    expect(f.severity).toBe('critical');
    expect(f.verification).toMatchObject({ status: 'valid', owner: { name: 'ci-app', type: 'app' }, canWrite: true, canReadPrivate: true });
    expect(f.advice.some((s: string) => s.startsWith('It could write'))).toBe(true);
  });

  it('read-repos: high, canReadPrivate true, canWrite false', async () => {
    const f = only(await verify([T.appRead]));
    expect(f.severity).toBe('high');
    expect(f.verification).toMatchObject({ canWrite: false, canReadPrivate: true });
  });
});

describe('fine-grained advice follows the effective access', () => {
  it('a write scope where the owner reads, or on an org the owner left, is not reviewed as written', async () => {
    const f = only(await verify([T.fine]));
    expect(f.severity).toBe('high');
    expect(f.verification).toMatchObject({ canWrite: false, canReadPrivate: true });
    expect(f.verification.orgs).toEqual([expect.objectContaining({ name: 'acme', access: 'read' })]);
    const advice = f.advice.join('\n');
    expect(advice).not.toMatch(/could write/i);
    expect(advice).not.toMatch(/review org (acme|gone)/);
    expect(advice).toMatch(/It could read private or gated content/);
  });
});

describe('the verification object carries every documented field for its status', () => {
  const VALID = ['status', 'httpStatus', 'endpoint', 'checkedAt', 'owner', 'canWrite', 'canReadPrivate', 'summary'];

  it('valid tokens of every kind: canWrite and canReadPrivate are booleans', async () => {
    const r = await verify([T.read, T.org, T.appWrite, T.fine]);
    for (const f of r.report.findings) {
      for (const k of VALID) expect(f.verification, `${f.rule} lacks ${k}`).toHaveProperty(k);
      expect(typeof f.verification.canWrite).toBe('boolean');
      expect(typeof f.verification.canReadPrivate).toBe('boolean');
      expect(f.verification).not.toHaveProperty('reason');
    }
    const org = r.report.findings.find((f: any) => f.rule === 'hf-org-api-token');
    expect(org.verification).toMatchObject({ canWrite: false, canReadPrivate: true });
    const user = r.report.findings.find((f: any) => f.verification.role === 'read');
    for (const k of ['tokenName', 'role', 'createdAt']) expect(user.verification).toHaveProperty(k);
    const fine = r.report.findings.find((f: any) => f.verification.role === 'fineGrained');
    expect(fine.verification.fineGrained).toEqual({ global: [], canReadGatedRepos: false, scoped: expect.any(Array) });
  });

  it('--reach: truncated is false when the listing was complete', async () => {
    const f = only(await verify([T.read], ['--reach']));
    expect(f.verification.reach).toEqual({ total: 0, private: 0, byType: { model: 0, dataset: 0, space: 0 }, examples: [], truncated: false });
  });

  it('invalid, unknown and skipped: status, reason and summary; the Hub\'s status and where it was asked when it was', async () => {
    const r = await verify([T.dead, T.flaky, T.expired]);
    const by = (s: string) => r.report.findings.find((f: any) => f.verification.status === s).verification;
    expect(Object.keys(by('invalid')).sort()).toEqual(['checkedAt', 'endpoint', 'httpStatus', 'reason', 'status', 'summary']);
    expect(Object.keys(by('unknown')).sort()).toEqual(['checkedAt', 'endpoint', 'httpStatus', 'reason', 'status', 'summary']);
    expect(Object.keys(by('skipped')).sort()).toEqual(['reason', 'status', 'summary']);
  });

  it('verification off: skipped with a reason and a summary in JSON; the text report does not repeat it under each finding', async () => {
    const r = await runJson(['scan', '-'], { input: `TOKEN = "${T.read}"\n` });
    outputs.push(r.stdout, r.stderr);
    expect(only(r).verification).toEqual({ status: 'skipped', reason: 'verification not requested (--verify)', summary: 'not verified: verification not requested (--verify).' });
    const t = await cli(['scan', '-'], `TOKEN = "${T.read}"\n`);
    expect(t.stdout).not.toContain('verification not requested');
    expect(t.stdout).toContain('Hugging Face user access token');
  });
});

describe('hfleaks verify: exit code', () => {
  it('0 when the only tokens are expired JWTs (dead, never sent)', async () => {
    const before = hub.requests.length;
    const r = await verify([T.expired, T.expiredOauth]);
    expect(r.report.findings.map((f: any) => [f.verification.status, f.severity])).toEqual([['skipped', 'low'], ['skipped', 'low']]);
    expect(hub.requests.length).toBe(before);
    expect(r.code).toBe(0);
  });

  it('0 for expired and invalid together; 1 as soon as one is unknown or valid', async () => {
    expect((await verify([T.expired, T.dead])).code).toBe(0);
    expect((await verify([T.expired, T.flaky])).code).toBe(1);
    expect((await verify([T.expired, T.appRead])).code).toBe(1);
  });
});

describe('hfleaks revoke when nothing reaches the Hub', () => {
  it('says what it tried and that it failed, never "Sent"', async () => {
    // A port nothing listens on: the connection is refused.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await cli(['revoke', '--yes', '--endpoint', `http://127.0.0.1:${port}`], `${T.read}\n`);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/^Sent/m);
    expect(r.stdout).toMatch(/^Tried to send 1 token to http:\/\/127\.0\.0\.1:\d+\/api\/credentials\/revoke in 1 request; the Hub never answered:\n {2}hf_..…..\n {2}-> FAILED, no answer: connection failed \(ECONNREFUSED\)/);
    expect(r.stderr).toMatch(/revocation failed/);
  });
});

describe('no raw token in any output', () => {
  it('holds for every run above', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const o of outputs) for (const t of ALL) expect(o.includes(t)).toBe(false);
  });
});
