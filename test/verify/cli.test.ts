// Verification and revocation end to end, through the built CLI, against the fake Hub on
// 127.0.0.1: scan --verify, hfleaks verify, hfleaks revoke, scan --revoke. And no raw
// token in any output, ever.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { fingerprintOf } from '../../src/findings/aggregate.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import type { CliResult } from '../helpers/cli.ts';
import { CLI, installedCopy, ROOT, runCli, runJson, tempDir } from '../helpers/cli.ts';
import type { FakeHub, FakeHubOptions } from '../helpers/fake-hub.mjs';
import { startFakeHub } from '../helpers/fake-hub.mjs';

const gen = tokenGenerator(9090);
const T = {
  read: gen.userToken(),
  write: gen.userToken(true),
  inference: gen.userToken(),
  dead: gen.userToken(),
  flaky: gen.userToken(),
  limited: gen.userToken(),
  org: gen.orgToken(),
  oauth: gen.oauthToken(),
};
const ALL = Object.values(T);

const SPECS: FakeHubOptions['tokens'] = {
  [T.read]: { name: 'alice', role: 'read', displayName: 'ci', orgs: [{ name: 'acme', roleInOrg: 'admin' }] },
  [T.write]: { name: 'bob', role: 'write', orgs: [{ name: 'acme', roleInOrg: 'contributor' }] },
  [T.inference]: { name: 'carol', role: 'fineGrained', fineGrained: { global: ['inference.serverless.write'] } },
  [T.flaky]: { behavior: '503' },
  [T.limited]: { behavior: '429' },
  [T.org]: { kind: 'org', name: 'acme' },
  [T.oauth]: { kind: 'oauth', name: 'dave' },
};

/** Every output of every run, checked at the end for raw tokens. */
const outputs: string[] = [];
const hubs: FakeHub[] = [];
async function hub(opts: FakeHubOptions = {}): Promise<FakeHub> {
  const h = await startFakeHub({ tokens: SPECS, repos: { models: [{ id: 'alice/secret-model', private: true }, { id: 'acme/open' }] }, ...opts });
  hubs.push(h);
  return h;
}
async function cli(args: string[], opts: Parameters<typeof runCli>[1] = {}): Promise<CliResult> {
  const r = await runCli(args, opts);
  outputs.push(r.stdout, r.stderr);
  return r;
}
async function cliJson(args: string[], opts: Parameters<typeof runCli>[1] = {}) {
  const r = await runJson(args, opts);
  outputs.push(r.stdout, r.stderr);
  return r;
}

let dir: string;
let shared: FakeHub;
beforeAll(async () => {
  dir = tempDir('hfleaks-verify-');
  writeFileSync(join(dir, 'train.py'), `import os\nHF_TOKEN = "${T.read}"\nWRITE = "${T.write}"\n`);
  writeFileSync(join(dir, 'more.env'), `A=${T.inference}\nB=${T.dead}\nC=${T.flaky}\nD=${T.org}\nE=${T.oauth}\nF=${T.limited}\n`);
  shared = await hub();
});
afterAll(async () => {
  while (hubs.length) await hubs.pop()!.close();
});

const bySecret = (report: any, token: string) => report.findings.find((f: any) => f.secret.redacted === `${token.slice(0, token.startsWith('api_org_') ? 10 : token.startsWith('hf_oauth_') ? 11 : 5)}…${token.slice(-2)}`);

describe('scan --verify', () => {
  it('verifies each unique token once and grades severity from reach', async () => {
    const before = shared.requests.length;
    const r = await cliJson(['scan', dir, '--verify', '--endpoint', shared.url, '--verify-timeout', '5']);
    expect(r.code).toBe(1);
    const f = (t: string) => bySecret(r.report, t);
    expect(f(T.read).verification).toMatchObject({ status: 'valid', role: 'read', owner: { name: 'alice' }, tokenName: 'ci', canWrite: false, canReadPrivate: true, endpoint: shared.url });
    expect(f(T.read).verification.orgs).toEqual([expect.objectContaining({ name: 'acme', roleInOrg: 'admin', access: 'read' })]);
    expect(f(T.read).severity).toBe('high');
    expect(f(T.write).verification).toMatchObject({ status: 'valid', role: 'write', canWrite: true });
    expect(f(T.write).verification.orgs[0]).toMatchObject({ name: 'acme', roleInOrg: 'contributor', access: 'write' });
    expect(f(T.write).severity).toBe('critical');
    expect(f(T.inference).verification).toMatchObject({ status: 'valid', role: 'fineGrained', fineGrained: { global: ['inference.serverless.write'], scoped: [] } });
    expect(f(T.inference).severity).toBe('medium');
    expect(f(T.dead).verification).toMatchObject({ status: 'invalid', httpStatus: 401 });
    expect(f(T.dead).severity).toBe('low');
    expect(f(T.flaky).verification).toMatchObject({ status: 'unknown', httpStatus: 503 });
    expect(f(T.flaky).verification.reason).toMatch(/HTTP 503, after 3 retries/);
    expect(f(T.flaky).severity).toBe('medium');
    // A rate limit is never a verdict.
    expect(f(T.limited).verification).toMatchObject({ status: 'unknown', httpStatus: 429 });
    expect(f(T.limited).verification.reason).toMatch(/rate-limited by the Hub \(HTTP 429\), after 3 retries/);
    expect(f(T.org).rule).toBe('hf-org-api-token');
    expect(f(T.org).verification).toMatchObject({ status: 'valid', owner: { name: 'acme', type: 'org' } });
    expect(f(T.oauth).rule).toBe('hf-oauth-access-token');
    expect(f(T.oauth).verification).toMatchObject({ status: 'valid', owner: { name: 'dave' }, canReadPrivate: true });
    // One whoami per token (the flaky one retried 3 times).
    const asked = shared.requests.slice(before).filter((q) => q.path === '/api/whoami-v2');
    expect(asked).toHaveLength(ALL.length + 6);
    expect(new Set(asked.map((q) => q.token))).toEqual(new Set(ALL));
    expect(r.stderr).toMatch(/warning: 2 tokens could not be verified \(.*HTTP 503, after 3 retries.*\); treat them as live/);
  });

  it('without --verify nothing is sent and severities stay', async () => {
    const before = shared.requests.length;
    const r = await cliJson(['scan', dir, '--endpoint', shared.url]);
    expect(r.code).toBe(1);
    expect(shared.requests.length).toBe(before);
    for (const f of r.report.findings) {
      expect(f.verification.status).toBe('skipped');
      expect(f.severity).toBe('high');
    }
  });

  it('takes the endpoint from HF_ENDPOINT', async () => {
    const h = await hub();
    const r = await cliJson(['scan', join(dir, 'train.py'), '--verify'], { env: { HF_ENDPOINT: h.url } });
    expect(r.report.findings.map((f: any) => f.verification.status)).toEqual(['valid', 'valid']);
    expect(h.requests).toHaveLength(2);
  });

  it('refuses plain http to another host before scanning', async () => {
    const r = await cli(['scan', dir, '--verify', '--endpoint', 'http://huggingface.co']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hfleaks: --endpoint: plain http is allowed only to this machine/);
    expect(r.stdout).toBe('');
    const r2 = await cli(['scan', dir, '--verify'], { env: { HF_ENDPOINT: 'ftp://127.0.0.1' } });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/HF_ENDPOINT: only https/);
  });

  it('a bad HF_ENDPOINT does not matter when not verifying', async () => {
    const r = await cli(['scan', dir], { env: { HF_ENDPOINT: 'http://example.com' } });
    expect(r.code).toBe(1);
  });

  it('--no-verify beside --reach or --revoke is a contradiction (exit 2), and nothing is sent', async () => {
    const before = shared.requests.length;
    for (const args of [['scan', dir, '--no-verify', '--reach'], ['scan', dir, '--no-verify', '--revoke', '--yes'], ['scan', dir, '--reach', '--no-verify']]) {
      const r = await cli([...args, '--endpoint', shared.url]);
      expect([r.code, r.stdout], args.join(' ')).toEqual([2, '']);
      expect(r.stderr).toMatch(/^hfleaks: --no-verify and --(reach|revoke) contradict each other/);
    }
    expect(shared.requests.length).toBe(before);
    // --reach alone still implies verification.
    const ok = await cliJson(['scan', join(dir, 'train.py'), '--reach', '--endpoint', shared.url]);
    expect(ok.report.findings.map((f: any) => f.verification.status)).toEqual(['valid', 'valid']);
  });

  it('validates the verification flags', async () => {
    for (const [flag, value, msg] of [['--verify-concurrency', '0', /--verify-concurrency must be/], ['--verify-timeout', '-1', /--verify-timeout must be/], ['--verify-budget', '0', /--verify-budget must be/]] as const) {
      const r = await cli(['scan', dir, '--verify', '--endpoint', shared.url, flag, value]);
      expect(r.code, flag).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });

  it('a hung Hub cannot hang the scan', async () => {
    const h = await hub({ tokens: Object.fromEntries(ALL.map((t) => [t, { behavior: 'hang' }])) });
    const r = await cliJson(['scan', dir, '--verify', '--endpoint', h.url, '--verify-timeout', '0.3', '--verify-budget', '3']);
    expect(r.code).toBe(1);
    expect(r.report.findings.every((f: any) => f.verification.status === 'unknown')).toBe(true);
    expect(r.report.findings.every((f: any) => f.severity === 'medium')).toBe(true);
    // Many requests in flight at once, each listening for the breaker: no Node warning on stderr.
    const many = Array.from({ length: 20 }, () => gen.userToken());
    const wide = await hub({ tokens: Object.fromEntries(many.map((t) => [t, { behavior: 'hang' }])) });
    const w = await cli(['verify', '--endpoint', wide.url, '--verify-concurrency', '20', '--verify-timeout', '0.3', '--verify-budget', '3', '--quiet'], { input: `${many.join('\n')}\n` });
    expect(w.code).toBe(1);
    expect(w.stderr).not.toMatch(/MaxListeners|Warning/);
  });

  it('a redirect is unknown and the token never reaches the other host', async () => {
    const h = await hub({ tokens: { [T.read]: { behavior: 'redirect' } } });
    const r = await cliJson(['scan', join(dir, 'train.py'), '--verify', '--endpoint', h.url]);
    const f = bySecret(r.report, T.read);
    expect(f.verification.status).toBe('unknown');
    expect(f.verification.reason).toMatch(/redirected/);
    expect(h.other.requests).toHaveLength(0);
  });

  it('asks the Hub about a token as soon as it is found, while the scan is still reading', async () => {
    const h = await hub();
    // (A budget of 1 s: the scan's time between finds is not the Hub's, and takes none of it.)
    const child = spawn(process.execPath, [CLI, 'scan', '-', '--verify', '--verify-budget', '1', '--endpoint', h.url, '--format', 'json'], { env: { ...process.env, NO_COLOR: '1', HF_ENDPOINT: undefined } as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)));
    // The token, then more than a scan window of ordinary text, with standard input left open.
    child.stdin.write(`HF_TOKEN=${T.read}\n${'# nothing to see here, just a long log line\n'.repeat(60_000)}`);
    let asked = false;
    for (let i = 0; i < 200 && !asked; i++) {
      await new Promise((r) => setTimeout(r, 50));
      asked = h.requests.some((q) => q.token === T.read);
    }
    // (Read while the scan still waits for the rest of its input: before this change the
    // Hub heard of it only once the input ended.)
    expect(asked, stderr).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    child.stdin.end(`WRITE=${T.write}\n`);
    const code = await exited;
    outputs.push(stdout, stderr);
    expect(code, stderr).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.findings.map((f: any) => f.verification.status)).toEqual(['valid', 'valid']);
    // Each asked once, for all that the answers came early.
    expect(h.requests.filter((q) => q.path === '/api/whoami-v2').map((q) => q.token).sort()).toEqual([T.read, T.write].sort());
  });

  it('sends nothing the report leaves out: an allowed line, a .hfleaksignore fingerprint, the baseline', async () => {
    const h = await hub();
    const d = tempDir();
    mkdirSync(join(d, 'src'));
    writeFileSync(join(d, 'src', 'a.py'), `A = "${T.read}"  # hfleaks:allow test fixture\nB = "${T.write}"\nC = "${T.inference}"\nD = "${T.org}"\n`);
    writeFileSync(join(d, '.hfleaksignore'), `${fingerprintOf('hf-user-access-token', T.write)}\n`);
    const base = join(tempDir(), 'baseline.txt');
    writeFileSync(base, `${fingerprintOf('hf-user-access-token', T.inference)}\n`);
    const r = await cliJson(['scan', d, '--verify', '--endpoint', h.url, '--baseline', base]);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f: any) => f.rule)).toEqual(['hf-org-api-token']);
    expect(h.requests.map((q) => q.token)).toEqual([T.org]);
    // The allowed token is sent once a place that isn't allowed has it too.
    writeFileSync(join(d, 'src', 'b.py'), `E = "${T.read}"\n`);
    const again = await cliJson(['scan', d, '--verify', '--endpoint', h.url, '--baseline', base, '--threads', '1']);
    expect(again.report.findings).toHaveLength(2);
    expect(h.requests.map((q) => q.token).slice(1).sort()).toEqual([T.org, T.read].sort());
  });

  it('--reach lists what each valid token sees, and the text report says it', async () => {
    const h = await hub();
    const r = await cliJson(['scan', join(dir, 'train.py'), '--reach', '--endpoint', h.url]);
    const f = bySecret(r.report, T.read);
    expect(f.verification.reach).toEqual({ total: 2, private: 1, byType: { model: 2, dataset: 0, space: 0 }, examples: ['alice/secret-model', 'acme/open'], truncated: false });
    const listed = h.requests.filter((q) => q.path.startsWith('/api/') && q.path !== '/api/whoami-v2');
    expect(listed.every((q) => q.token === T.read || q.token === T.write)).toBe(true);
    expect(listed.map((q) => q.path)).toContain('/api/datasets?author=acme');
    const t = await cli(['scan', join(dir, 'train.py'), '--reach', '--endpoint', h.url]);
    expect(t.stdout).toMatch(/It sees 2 repositories \(1 private; 2 models, 0 datasets, 0 spaces\), e\.g\. alice\/secret-model/);
  });
});

describe('hfleaks verify', () => {
  it('reads tokens from stdin and prints owner, role, reach and advice', async () => {
    const r = await cli(['verify', '--endpoint', shared.url], { input: `${T.read}\n${T.dead}\n` });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/HIGH .*: hf_..…..\n/);
    expect(r.stdout).toMatch(/valid read token "ci" of alice \(Alice\), created 2026-03-02: reads alice's repositories, private and gated ones included\. Organizations: acme \(admin\): reads its repositories only/);
    expect(r.stdout).toMatch(/LOW .*\n.*\n\s+invalid: the Hub rejected it \(HTTP 401: Invalid credentials in Authorization header\)/);
    expect(r.stdout).toMatch(/<stdin>:1:1/);
    expect(r.stdout).toMatch(/what to do:/);
  });

  it('reports JSON with the right rule for each kind of token', async () => {
    const r = await cliJson(['verify', '--endpoint', shared.url], { input: [T.read, T.org, T.oauth, T.read].join('\r\n') });
    expect(r.code).toBe(1);
    expect(r.report.command).toBe('verify');
    expect(r.report.findings.map((f: any) => f.rule).sort()).toEqual(['hf-oauth-access-token', 'hf-org-api-token', 'hf-user-access-token']);
    const f = bySecret(r.report, T.read);
    expect(f.locations).toEqual([{ path: '<stdin>', line: 1, column: 1 }, { path: '<stdin>', line: 4, column: 1 }]);
  });

  it('asks the Hub as it finds each token: once per unique token, never an expired one, and every finding gets its verdict and advice', async () => {
    const h = await hub();
    const expired = gen.oauthToken({ exp: 1_600_000_000, scope: 'openid', iss: 'https://huggingface.co' });
    const r = await cliJson(['verify', '--endpoint', h.url], { input: [T.read, T.dead, `  ${T.read}`, expired, T.write, T.read, T.dead].join('\n') });
    expect(r.code).toBe(1);
    expect(h.requests.filter((q) => q.path === '/api/whoami-v2').map((q) => q.token).sort()).toEqual([T.read, T.dead, T.write].sort());
    const status = (t: string) => bySecret(r.report, t).verification.status;
    expect([status(T.read), status(T.dead), status(T.write), status(expired)]).toEqual(['valid', 'invalid', 'valid', 'skipped']);
    expect(bySecret(r.report, expired).verification.reason).toMatch(/^expired on .*; not sent to the Hub/);
    expect(bySecret(r.report, T.read).locations.map((l: any) => l.line)).toEqual([1, 3, 6]);
    for (const f of r.report.findings) expect(f.advice.length, f.secret.redacted).toBeGreaterThan(0);
  });

  it('hundreds of tokens, found and asked about a slice at a time: each asked once, each verdict its own', async () => {
    const tokens = Array.from({ length: 300 }, (_, i) => gen.userToken(i % 2 === 0));
    const specs = Object.fromEntries(tokens.filter((_, i) => i % 3 !== 0).map((t, i) => [t, { name: `user${i}`, role: i % 2 ? 'write' : 'read' } as const]));
    const h = await hub({ tokens: specs });
    const r = await cliJson(['verify', '--endpoint', h.url, '--verify-concurrency', '3'], { input: `${tokens.join('\n')}\n${tokens[7]}\n` });
    expect(r.code).toBe(1);
    const asked = h.requests.filter((q) => q.path === '/api/whoami-v2').map((q) => q.token);
    expect(asked.length).toBe(300);
    expect(new Set(asked).size).toBe(300);
    expect(h.maxInFlight()).toBeLessThanOrEqual(3);
    expect(r.report.findings).toHaveLength(300);
    for (const [i, t] of tokens.entries()) {
      const f = bySecret(r.report, t);
      const spec = specs[t];
      expect(f.verification.status, `line ${i + 1}`).toBe(spec ? 'valid' : 'invalid');
      if (spec) expect([f.verification.owner.name, f.verification.role]).toEqual([spec.name, spec.role]);
      expect(f.severity).toBe(spec ? (spec.role === 'write' ? 'critical' : 'high') : 'low');
      expect(f.advice.join('\n')).toMatch(spec ? /Revoke/i : /no longer works|invalid|remove/i);
    }
  });

  it('exits 0 when every token is dead', async () => {
    const r = await cli(['verify', '--endpoint', shared.url], { input: `${T.dead}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/invalid/);
  });

  it('reads the variable named by --env', async () => {
    const r = await cliJson(['verify', '--env', 'MY_TOKEN', '--endpoint', shared.url], { env: { MY_TOKEN: T.write } });
    expect(r.code).toBe(1);
    expect(r.report.findings[0].verification.owner.name).toBe('bob');
    expect(r.report.findings[0].locations[0].path).toBe('$MY_TOKEN');
    const unset = await cli(['verify', '--env', 'NOT_SET_ANYWHERE', '--endpoint', shared.url]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/--env NOT_SET_ANYWHERE: the variable is not set/);
  });

  it('skips lines that hold no token, without echoing them', async () => {
    const r = await cli(['verify', '--endpoint', shared.url], { input: `hello world\n${T.write}\n` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/<stdin> line 1: not a Hugging Face token; skipped/);
    expect(r.stderr).not.toMatch(/hello/);
    const none = await cli(['verify', '--endpoint', shared.url], { input: 'hf_your_token_here\n' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no Hugging Face token among the lines given/);
    const empty = await cli(['verify', '--endpoint', shared.url], { input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no tokens given/);
  });

  it('--revoke --yes revokes the valid ones among them', async () => {
    const h = await hub();
    const r = await cliJson(['verify', '--revoke', '--yes', '--endpoint', h.url], { input: `${T.read}\n${T.dead}\n` });
    // Every token is dead now, the valid one revoked by this run: 0, as for all invalid.
    expect(r.code).toBe(0);
    expect(h.revocations).toEqual([[T.read]]);
    expect(bySecret(r.report, T.read).verification.revoked).toBe(true);
    // Its advice follows the revocation, not the verdict before it.
    expect(bySecret(r.report, T.read).advice[0]).toMatch(/^Revoked by this run: the Hub invalidated it/);
    expect(bySecret(r.report, T.dead).advice[0]).toMatch(/^Nothing to revoke: the Hub rejects this token/);
    // One that could not be checked (so not revoked) may still work: 1.
    const flaky = await cliJson(['verify', '--revoke', '--yes', '--endpoint', h.url, '--verify-budget', '5'], { input: `${T.write}\n${T.flaky}\n` });
    expect(bySecret(flaky.report, T.write).verification.revoked).toBe(true);
    expect(bySecret(flaky.report, T.flaky).verification.status).toBe('unknown');
    expect(flaky.code).toBe(1);
  });

  it('takes no token from argv', async () => {
    const r = await cli(['verify', T.read, '--endpoint', shared.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(T.read);
  });

  it('columns count the blanks before the token', async () => {
    const r = await cliJson(['verify', '--endpoint', shared.url], { input: `  ${T.read}\n\t${T.dead}\n` });
    expect(bySecret(r.report, T.read).locations).toEqual([{ path: '<stdin>', line: 1, column: 3 }]);
    expect(bySecret(r.report, T.dead).locations).toEqual([{ path: '<stdin>', line: 2, column: 2 }]);
    const env = await cliJson(['verify', '--env', 'MY_TOKEN', '--endpoint', shared.url], { env: { MY_TOKEN: `\n   ${T.write}` } });
    expect(env.report.findings[0].locations).toEqual([{ path: '$MY_TOKEN', line: 2, column: 4 }]);
  });

  it('with --baseline, a baselined token counts neither in the report nor in the exit code', async () => {
    const base = join(tempDir(), 'baseline.txt');
    writeFileSync(base, `${fingerprintOf('hf-user-access-token', T.read)}\n`);
    const before = shared.requests.length;
    // T.read is valid (exit 1 on its own), T.dead invalid (exit 0 on its own).
    const r = await cliJson(['verify', '--endpoint', shared.url, '--baseline', base], { input: `${T.read}\n${T.dead}\n` });
    expect(r.report.findings.map((f: any) => f.verification.status)).toEqual(['invalid']);
    expect(r.report.stats.baselined).toBe(1);
    expect(r.code).toBe(0);
    expect(shared.requests.slice(before).map((q) => q.token)).toEqual([T.dead]);
  });

  it("a Hub message's control characters reach no report and no warning", async () => {
    const h = await hub({ tokens: { [T.read]: { behavior: '403', message: 'blocked \u001b[2J\u001b]0;pwned\u0007 by \u202eproxy\u2067\u0000 end' } } });
    // eslint-disable-next-line no-control-regex
    const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    for (const format of ['text', 'json', 'markdown']) {
      const r = await cli(['verify', '--endpoint', h.url, '--format', format], { input: `${T.read}\n` });
      expect(r.code, format).toBe(1);
      expect(r.stdout, format).not.toMatch(CONTROLS);
      expect(r.stderr, format).not.toMatch(CONTROLS);
      expect(r.stderr).toMatch(/could not be verified \(HTTP 403: blocked \[2J\]0;pwned by proxy end\)/);
    }
  });

  it("a Hub message's line separators and invisible format characters reach no report: the reason is one line", async () => {
    const h = await hub({ tokens: { [T.read]: { behavior: '403', message: 'blocked\u2028Forged second line\u2029and a third\u200b\ufeff\u00ad end' } } });
    const SEPARATORS = /[\u2028\u2029\u200b\ufeff\u00ad\u0085]/;
    for (const format of ['text', 'json', 'markdown', 'sarif']) {
      const r = await cli(['verify', '--endpoint', h.url, '--format', format], { input: `${T.read}\n` });
      expect(r.code, format).toBe(1);
      expect(r.stdout, format).not.toMatch(SEPARATORS);
      expect(r.stderr, format).not.toMatch(SEPARATORS);
      if (format === 'json') expect(JSON.parse(r.stdout).findings[0].verification.reason).toBe('HTTP 403: blocked Forged second line and a third end');
    }
  });

  it("an e-mail address in a Hub message is removed from every output alike", async () => {
    const h = await hub({ tokens: { [T.read]: { behavior: '403', message: 'blocked by policy, contact jane.doe@corp.example' } } });
    for (const format of ['text', 'json', 'markdown', 'sarif']) {
      const r = await cli(['verify', '--endpoint', h.url, '--format', format], { input: `${T.read}\n` });
      expect(r.code, format).toBe(1);
      expect(r.stdout + r.stderr, format).not.toContain('corp.example');
      expect(r.stderr, format).toMatch(/contact \[e-mail removed\]/);
      if (format === 'json') expect(JSON.parse(r.stdout).findings[0].verification.reason).toBe('HTTP 403: blocked by policy, contact [e-mail removed]');
    }
  });

  it('a token the Hub echoes back, in names or in a message, whole, as base64 or without its prefix, is redacted', async () => {
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    const h = await hub({
      tokens: {
        [T.read]: { role: 'write', fullname: T.read, displayName: T.read, orgs: [{ name: T.read, roleInOrg: 'admin' }] },
        [T.write]: { behavior: '403', message: `token ${T.write.slice(3)} refused (${b64(T.write)})` },
      },
    });
    for (const format of ['text', 'json', 'markdown', 'sarif']) {
      const r = await cli(['verify', '--endpoint', h.url, '--format', format], { input: `${T.read}\n${T.write}\n` });
      expect(r.code, format).toBe(1);
      for (const t of [T.read, T.write]) {
        expect(r.stdout + r.stderr, format).not.toContain(t.slice(3));
        expect(r.stdout + r.stderr, format).not.toContain(b64(t).replace(/=+$/, ''));
      }
      if (format === 'text') expect(r.stdout).toMatch(/valid write token "hf_..….." of alice \(hf_..…..\)/);
    }
  });

  it('a token, its base64 or an e-mail address cut in two where a message or a name is shortened shows no part of itself', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    // Messages are cut at 118 characters, names at 200: each echo straddles the cut.
    const refused = Array.from({ length: 6 }, () => gen.userToken());
    const named = Array.from({ length: 3 }, () => gen.userToken());
    const specs: FakeHubOptions['tokens'] = {};
    refused.forEach((t, i) => {
      const echo = [t, t.slice(3), b64(`Bearer ${t}`)][i % 3]!;
      specs[t] = { behavior: '403', message: `${'denied '.repeat(13)}${'x'.repeat(i * 3)} ${echo} end` };
    });
    named.forEach((t, i) => {
      specs[t] = { role: 'read', displayName: `${'ci '.repeat(60)}${'y'.repeat(i * 7)} ${t}`, fullname: `${'Alice '.repeat(30)}${'z'.repeat(i * 5)} alice.secret@corp-example.org` };
    });
    const h = await hub({ tokens: specs });
    const all = [...refused, ...named];
    for (const format of ['text', 'json', 'markdown', 'sarif']) {
      const r = await cli(['verify', '--endpoint', h.url, '--format', format], { input: all.join('\n') });
      expect(r.code, format).toBe(1);
      const out = r.stdout + r.stderr;
      expect(out, format).toMatch(/denied denied/);
      expect(out, format).not.toContain('alice.secret');
      const decoded = (out.match(/[A-Za-z0-9+/]{16,}/g) ?? []).flatMap((run) => [0, 1, 2, 3].map((k) => Buffer.from(run.slice(k), 'base64').toString('latin1')));
      for (const t of all) {
        const body = t.slice(3);
        for (let i = 0; i + 8 <= body.length; i++) {
          expect(out, format).not.toContain(body.slice(i, i + 8));
          for (const d of decoded) expect(d, format).not.toContain(body.slice(i, i + 8));
        }
      }
    }
  });

  it('a token echoed in base64 inside a longer encoded string (an Authorization header, user:token, the body) is redacted', async () => {
    const tokens = [gen.userToken(), gen.userToken(), gen.userToken()];
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const echoes = [b64(`Bearer ${tokens[0]}`), b64(`user:${tokens[1]}`), b64(tokens[2]!.slice(3))];
    const h = await hub({ tokens: Object.fromEntries(tokens.map((t, i) => [t, { behavior: '403', message: `proxy rejected ${echoes[i]}` }])) });
    for (const format of ['text', 'json', 'markdown', 'sarif']) {
      const r = await cli(['verify', '--endpoint', h.url, '--format', format], { input: tokens.join('\n') });
      expect(r.code, format).toBe(1);
      const all = r.stdout + r.stderr;
      expect(all, format).toMatch(/proxy rejected hf_..…../);
      for (const e of echoes) expect(all, format).not.toContain(e.replace(/=+$/, '').slice(4, -4));
      // Decoded at every alignment, nothing in the output holds a token's body.
      for (const run of all.match(/[A-Za-z0-9+/]{16,}/g) ?? []) {
        for (let shift = 0; shift < 4; shift++) {
          const decoded = Buffer.from(run.slice(shift), 'base64').toString('latin1');
          for (const t of tokens) expect(decoded, format).not.toContain(t.slice(3));
        }
      }
    }
  });
});

// The installed command runs `hfleaks verify` from dist/verify.cjs, one CommonJS file
// compiled with the code cache the build leaves beside it, as it runs `staged` (see
// test/git/staged.test.ts); any other command line goes to the full CLI.
describe('the verify bundle (dist/hfleaks.cjs → dist/verify.cjs)', () => {
  it('works with the code cache as built, with none, and never runs a cache made for other code', async () => {
    expect(existsSync(join(ROOT, 'dist', 'verify.cjs.cache'))).toBe(true);
    const { cli: installed, code, cache } = installedCopy('verify');
    const run = () => cli(['verify', '--endpoint', shared.url, '--debug'], { cli: installed, input: `${T.read}\n` });
    const asBuilt = await run();
    expect([asBuilt.code, asBuilt.stderr]).toEqual([1, '']);
    expect(asBuilt.stdout).toMatch(/valid read token "ci" of alice/);
    // verify.cjs edited, same length: V8 alone would run the cached (old) code.
    writeFileSync(code, readFileSync(code, 'utf8').replaceAll('what to do:', 'WHAT TO DO:'));
    const edited = await run();
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/WHAT TO DO:/);
    expect(edited.stderr).toMatch(/^hfleaks: debug: .*verify\.cjs\.cache was not made for this verify\.cjs \(or is damaged\); compiled without it\n$/);
    cpSync(join(ROOT, 'dist', 'verify.cjs'), code);
    const damaged = readFileSync(cache);
    for (let i = damaged.length - 4000; i < damaged.length; i += 97) damaged[i]! ^= 0x5a;
    writeFileSync(cache, damaged);
    const bad = await run();
    expect([bad.code, /valid read token/.test(bad.stdout)]).toEqual([1, true]);
    expect(bad.stderr).toMatch(/was not made for this verify\.cjs \(or is damaged\)/);
    rmSync(cache);
    const none = await run();
    expect([none.code, none.stderr]).toEqual([1, '']);
    // What the quick parser doesn't take goes to the full CLI, whose yargs answers.
    const help = await cli(['verify', '--help'], { cli: installed });
    expect([help.code, help.stdout.includes('Ask the Hub who owns each token')]).toEqual([0, true]);
    const unknown = await cli(['verify', '--no-such-flag'], { cli: installed, input: `${T.read}\n` });
    expect([unknown.code, unknown.stderr]).toEqual([2, 'hfleaks: Unknown argument: --no-such-flag\n']);
    // A broken install is an error (exit 2).
    rmSync(code);
    const broken = await run();
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^hfleaks: internal error: .*verify\.cjs/);
  });
});

describe('hfleaks revoke', () => {
  it('sends the tokens with --yes and prints them redacted', async () => {
    const h = await hub();
    const r = await cli(['revoke', '--yes', '--endpoint', h.url], { input: `${T.read}\n${T.org}\nnot a token\n${T.read}\n` });
    expect(r.code).toBe(0);
    expect(h.revocations).toEqual([[T.read, T.org]]);
    expect(h.revokeAuthorization).toEqual([undefined]);
    expect(r.stdout).toMatch(/^Sent 2 tokens to http:\/\/127\.0\.0\.1:\d+\/api\/credentials\/revoke in 1 request:\n {2}hf_..….., api_org_..…..\n {2}-> HTTP 202 Accepted/);
    expect(r.stderr).toMatch(/line 3: not a Hugging Face token; skipped/);
    // Revoked for good: whoami now says 401.
    const v = await cliJson(['verify', '--endpoint', h.url], { input: `${T.read}\n` });
    expect(v.report.findings[0].verification.status).toBe('invalid');
  });

  it('reports JSON', async () => {
    const h = await hub();
    const r = await cliJson(['revoke', '--yes', '--endpoint', h.url], { input: `${T.write}\n` });
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ command: 'revoke', ok: true, batches: [{ count: 1, ok: true, status: 202, tokens: [{ redacted: expect.stringMatching(/^hf_..…..$/) }] }] });
  });

  it('refuses without --yes when stdin is not a terminal, and sends nothing', async () => {
    const h = await hub();
    const r = await cli(['revoke', '--endpoint', h.url], { input: `${T.read}\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to revoke without --yes/);
    expect(h.requests).toHaveLength(0);
  });

  it('exit 2 when the Hub does not accept the batch', async () => {
    const h = await hub({ revokeStatus: 500 });
    const r = await cli(['revoke', '--yes', '--endpoint', h.url, '--verify-budget', '10'], { input: `${T.read}\n` });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/FAILED/);
    expect(r.stderr).toMatch(/revocation failed .*nothing shows those tokens were revoked: treat them as live/);
  });

  it('with no answer at all, says on stderr what it says on stdout: nothing shows the tokens were revoked', async () => {
    const r = await cli(['revoke', '--yes', '--endpoint', 'http://127.0.0.1:1', '--verify-budget', '2'], { input: `${T.read}\n` });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Nothing shows these tokens were revoked/);
    expect(r.stderr).toMatch(/^hfleaks: revocation failed \(connection failed .*\); nothing shows those tokens were revoked: treat them as live\n$/);
  });

  it('only 202 Accepted is success: a 200 (a proxy page) or a 204 fails the batch', async () => {
    for (const status of [200, 204]) {
      const h = await hub({ revokeStatus: status });
      const r = await cliJson(['revoke', '--yes', '--endpoint', h.url], { input: `${T.read}\n` });
      expect(r.code, String(status)).toBe(2);
      expect(r.report).toMatchObject({ ok: false, batches: [{ ok: false, status, reason: expect.stringMatching(new RegExp(`HTTP ${status} instead of 202 Accepted`)) }] });
      const t = await cli(['revoke', '--yes', '--endpoint', h.url], { input: `${T.read}\n` });
      expect(t.code, String(status)).toBe(2);
      expect(t.stdout).not.toMatch(/revoked for good/);
      expect(t.stdout).toMatch(/FAILED: .*Nothing shows these tokens were revoked/);
    }
  });
});

describe('scan --revoke', () => {
  it('revokes the valid tokens found, only those, with --yes', async () => {
    const h = await hub();
    const r = await cliJson(['scan', dir, '--revoke', '--yes', '--endpoint', h.url]);
    expect(r.code).toBe(1);
    const valid = [T.read, T.write, T.inference, T.org, T.oauth];
    expect(h.revocations).toHaveLength(1);
    expect(new Set(h.revocations[0])).toEqual(new Set(valid));
    for (const t of valid) expect(bySecret(r.report, t).verification).toMatchObject({ status: 'valid', revoked: true, summary: expect.stringMatching(/^REVOKED by hfleaks/) });
    expect(bySecret(r.report, T.dead).verification.revoked).toBeUndefined();
    expect(bySecret(r.report, T.flaky).verification.revoked).toBeUndefined();
    expect(r.stderr).toMatch(/hfleaks: Sent 5 tokens to .*\/api\/credentials\/revoke/);
    expect(r.stderr).toMatch(/2 tokens could not be verified and are not revoked/);
  });

  it('needs --yes off a terminal, and says so before scanning', async () => {
    const h = await hub();
    const r = await cli(['scan', dir, '--revoke', '--endpoint', h.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--revoke needs --yes when standard input is not a terminal/);
    expect(r.stdout).toBe('');
    expect(h.requests).toHaveLength(0);
  });

  it('revocation shares --verify-budget with verification, but always keeps one --verify-timeout', async () => {
    // whoami takes 1.2 s of the 2 s budget: 0.8 s is left, too little for the Hub's 1.2 s;
    // the revocation still gets one timeout's worth (1.5 s) and goes through.
    const h = await hub({ latencyMs: 1200 });
    const r = await cliJson(['verify', '--revoke', '--yes', '--endpoint', h.url, '--verify-budget', '2', '--verify-timeout', '1.5'], { input: `${T.read}\n` });
    expect(bySecret(r.report, T.read).verification.status).toBe('valid');
    expect(r.code).not.toBe(2);
    expect(r.stderr).not.toMatch(/FAILED/);
    expect([...h.revoked]).toEqual([T.read]);
  });

  it('a failed revocation is exit 2, after the report', async () => {
    const h = await hub({ revokeStatus: 503 });
    const r = await cliJson(['scan', join(dir, 'train.py'), '--revoke', '--yes', '--endpoint', h.url, '--verify-budget', '10']);
    expect(r.code).toBe(2);
    expect(r.report.findings).toHaveLength(2);
    expect(r.stderr).toMatch(/hfleaks: revocation failed for 2 tokens/);
  });

  it('a 2xx other than 202 is no revocation: nothing is marked revoked, exit 2', async () => {
    const h = await hub({ revokeStatus: 200 });
    const r = await cliJson(['scan', join(dir, 'train.py'), '--revoke', '--yes', '--endpoint', h.url]);
    expect(r.code).toBe(2);
    for (const f of r.report.findings) {
      expect(f.verification.status).toBe('valid');
      expect(f.verification.revoked).toBeUndefined();
    }
    expect(r.stderr).toMatch(/hfleaks: revocation failed for 2 tokens \(HTTP 200 instead of 202 Accepted/);
  });
});

/** The CLI in-process with a terminal on stdin, to answer the confirmation. */
async function onTerminal(argv: string[], typed: string) {
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  const io: Io = {
    stdout: (s) => void (out += s), stderr: (s) => void (err += s), stdin, env: {}, cwd: dir,
    stdoutIsTTY: false, stderrIsTTY: true, stdinIsTTY: true,
  };
  stdin.end(typed);
  const code = await main(argv, io);
  outputs.push(out, err);
  return { code, out, err };
}

describe('confirmation on a terminal', () => {
  it('scan --revoke asks, and "y" revokes', async () => {
    const h = await hub();
    const r = await onTerminal(['scan', join(dir, 'train.py'), '--revoke', '--endpoint', h.url, '--format', 'json'], 'y\n');
    expect(r.err).toMatch(/revoke 2 valid tokens \(hf_..….., hf_..…..\) at http:\/\/127\.0\.0\.1:\d+\? They stop working everywhere, for good\. \[y\/N\]/);
    expect(h.revocations).toHaveLength(1);
    expect(r.code).toBe(1);
  });

  it('anything but yes declines', async () => {
    const h = await hub();
    const r = await onTerminal(['scan', join(dir, 'train.py'), '--revoke', '--endpoint', h.url, '--format', 'json'], 'no\n');
    expect(r.err).toMatch(/not revoked/);
    expect(h.revocations).toHaveLength(0);
    expect(JSON.parse(r.out).findings.every((f: any) => f.verification.revoked === undefined)).toBe(true);
  });

  it('"yes" in any case, with spaces around, agrees; "ye" or "yes please" does not', async () => {
    for (const [typed, agrees] of [[' YES \n', true], [' y\n', true], ['ye\n', false], ['yes please\n', false]] as const) {
      const h = await hub();
      const r = await onTerminal(['revoke', '--endpoint', h.url], `${T.write}\n\n${typed}`);
      expect(r.code, typed).toBe(agrees ? 0 : 2);
      expect(h.revocations, typed).toHaveLength(agrees ? 1 : 0);
    }
  });

  it('revoke: an empty line ends the list, then the answer', async () => {
    const h = await hub();
    const r = await onTerminal(['revoke', '--endpoint', h.url], `${T.write}\n\nyes\n`);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/Paste the tokens, one a line/);
    expect(r.err).toMatch(/revoke 1 token \(hf_..…..\)/);
    expect(h.revocations).toEqual([[T.write]]);
  });

  it('scan - reads standard input to its end: the prompt gets no answer, declines, and the report is written', async () => {
    const h = await hub();
    const r = await onTerminal(['scan', '-', '--revoke', '--endpoint', h.url, '--format', 'json'], `T=${T.write}\n`);
    expect(r.err).toMatch(/revoke 1 valid token \(hf_..…..\) at http:\/\/127\.0\.0\.1:\d+\? It stops working everywhere, for good\. \[y\/N\] \nhfleaks: not revoked\n/);
    expect(h.revocations).toHaveLength(0);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings.map((f: any) => f.verification.status)).toEqual(['valid']);
  }, 15_000);

  it('revoke: end of input declines', async () => {
    const h = await hub();
    const r = await onTerminal(['revoke', '--endpoint', h.url], `${T.write}\n\n`);
    expect(r.code).toBe(2);
    expect(h.revocations).toHaveLength(0);
  });
});

describe('no raw token in any output', () => {
  it('holds for every run above', () => {
    expect(outputs.length).toBeGreaterThan(40);
    for (const o of outputs) for (const t of ALL) expect(o.includes(t), `raw token in output:\n${o.slice(0, 300)}`).toBe(false);
  });
});
