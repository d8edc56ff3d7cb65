// Only tokens of the built-in Hugging Face rules ever reach the Hub. A config rule can't
// take a built-in id (exit 2 before the scan), and verification judges a finding by the
// built-in rule definitions, not by its rule id alone.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import type { Finding } from '../../src/core/types.ts';
import { fingerprintOf, sha256 } from '../../src/findings/aggregate.ts';
import { redact } from '../../src/findings/redact.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import type { HubClient } from '../../src/verify/client.ts';
import { hubTokens, prefetchTokens } from '../../src/verify/enrich.ts';
import { verifySettings, verifyStep } from '../../src/verify/settings.ts';
import { runCli, tempDir } from '../helpers/cli.ts';
import type { FakeHub } from '../helpers/fake-hub.mjs';
import { startFakeHub } from '../helpers/fake-hub.mjs';

const gen = tokenGenerator(6161);
/** Not a Hub token: a GitHub-style token, built at run time. */
const other = `${'ghp'}_${gen.body(36, true)}`;
const user = gen.userToken();

let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub({ tokens: { [user]: { role: 'write' } } });
});
afterAll(async () => {
  await hub?.close();
});

function finding(rule: string, raw: string): Finding {
  return {
    fingerprint: fingerprintOf(rule, raw), rule, title: 'x', severity: 'low',
    secret: { raw, redacted: redact(raw), sha256: sha256(raw) },
    locations: [{ path: 'app.env', line: 1, column: 14 }],
  };
}

describe('a config rule under a built-in id', () => {
  it('stops the scan (exit 2, one line naming the file and the rule), and nothing is sent', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.hfleaks.json'), JSON.stringify({
      rules: [{
        id: 'hf-user-access-token', title: 'x', description: 'x', keywords: ['ghp_'], pattern: 'ghp_[A-Za-z0-9]{36}', maxLength: 40, severity: 'low',
        filters: { placeholder: false }, examples: { positive: ['x ghp_{{body:36}}'], negative: ['ghp_x'] },
      }],
    }));
    writeFileSync(join(dir, 'app.env'), `GITHUB_TOKEN=${other}\n`);
    const r = await runCli(['scan', dir, '--verify', '--endpoint', hub.url, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`hfleaks: ${join(dir, '.hfleaks.json')}: rule "hf-user-access-token": the id of a built-in rule; to replace it, list "hf-user-access-token" in "disableRules" and give your rule another id\n`);
    expect(hub.requests).toHaveLength(0);
  });
});

describe('the Hub check follows the built-in rule definitions', () => {
  it('a finding that only carries a Hub rule id is never sent, and keeps its severity', async () => {
    const forged = finding('hf-user-access-token', other);
    const real = finding('hf-user-access-token', user);
    const before = hub.requests.length;
    const io0 = { env: {}, stdinIsTTY: false } as Io;
    await verifyStep(io0, verifySettings(io0, { verify: true, endpoint: hub.url }), [forged, real], () => undefined);
    expect(forged.verification).toMatchObject({ status: 'skipped', reason: 'not a Hugging Face token rule; never sent to the Hub' });
    expect(forged.severity).toBe('low');
    expect(real.verification).toMatchObject({ status: 'valid' });
    expect(real.severity).toBe('critical');
    expect(hub.requests.slice(before).map((q) => q.token)).toEqual([user]);
  });

  it('knows every kind of Hub token by its own rule only', () => {
    const isHubToken = (f: ReturnType<typeof finding>) => hubTokens([f]).has(f);
    expect(isHubToken(finding('hf-user-access-token', gen.userToken(true)))).toBe(true);
    expect(isHubToken(finding('hf-org-api-token', gen.orgToken()))).toBe(true);
    expect(isHubToken(finding('hf-oauth-access-token', gen.oauthToken()))).toBe(true);
    expect(isHubToken(finding('hf-trusted-publisher-token', gen.publisherToken()))).toBe(true);
    // The right shape under another Hub rule's id, or a custom rule's, is not.
    expect(isHubToken(finding('hf-org-api-token', gen.userToken()))).toBe(false);
    expect(isHubToken(finding('my-rule', gen.userToken()))).toBe(false);
  });
});

describe('asking as tokens are found (verify) and finishing each finding as its verdict comes', () => {
  it('prefetchTokens sends only what verification would: Hub tokens by the built-in rules, once each, no refresh token, no expired JWT', async () => {
    const asked: string[] = [];
    const stub = { whoami: async (t: string) => void asked.push(t) } as unknown as HubClient;
    const expired = gen.oauthToken({ exp: 1_600_000_000, scope: 'openid' });
    const refresh = `hf_oauth__refresh_${gen.body(40, true)}`;
    const live = gen.userToken();
    prefetchTokens(stub, [
      { rule: 'hf-user-access-token', secret: { raw: live } },
      { rule: 'hf-user-access-token', secret: { raw: other } }, // a Hub id, not a Hub token's shape
      { rule: 'my-rule', secret: { raw: gen.userToken() } },
      { rule: 'hf-oauth-access-token', secret: { raw: expired }, jwt: { expired: true, expiresAt: '2020-09-13T12:26:40.000Z' } },
      { rule: 'hf-oauth-access-token', secret: { raw: refresh } },
    ]);
    expect(asked).toEqual([live]);
  });

  it('settled is called once per finding, after its verdict and severity, and not at all with --revoke', async () => {
    const io = { env: {}, stdinIsTTY: false, stderr: () => undefined } as unknown as Io;
    const fs = [finding('hf-user-access-token', user), finding('hf-user-access-token', gen.userToken()), finding('my-rule', other)];
    const seen: string[] = [];
    await verifyStep(io, verifySettings(io, { verify: true, endpoint: hub.url }), fs, () => undefined, { settled: (f) => void seen.push(`${f.secret.raw === user ? 'user' : f.rule}:${f.verification?.status}:${f.severity}`) });
    expect(seen.sort()).toEqual(['hf-user-access-token:invalid:low', 'my-rule:skipped:low', 'user:valid:critical']);
    const again: Finding[] = [];
    const revoking = [finding('hf-user-access-token', user)];
    await verifyStep(io, verifySettings(io, { verify: true, revoke: true, yes: true, quiet: true, endpoint: hub.url }), revoking, () => undefined, { settled: (f) => void again.push(f) });
    expect(again).toEqual([]);
    expect(revoking[0]!.verification).toMatchObject({ status: 'valid', revoked: true });
  });
});
