// The secrecy canary: every command in every format, over a corpus of planted tokens,
// and no raw token appears in any output (stdout, stderr, report files, errors, debug
// traces, progress) unless --show-secrets is given, and then it does.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { fingerprintOf } from '../../src/findings/aggregate.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import { startFakeHub } from '../helpers/fake-hub.mjs';
import { runCli, tempDir } from '../helpers/cli.ts';

const gen = tokenGenerator(31337);
const user = gen.userToken();
const userDigits = gen.userToken(true);
const org = gen.orgToken();
const oauth = gen.oauthToken();
const publisher = gen.publisherToken();
const historyOnly = gen.userToken();
const staged = gen.userToken();
const ALL = [user, userDigits, org, oauth, publisher, historyOnly, staged];

const gitEnv = {
  GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.invalid', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', EDITOR: undefined as unknown as string,
};
function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, env: { ...process.env, ...gitEnv }, stdio: 'pipe' });
}

function expectNoRaw(what: string, text: string): void {
  for (const t of ALL) expect(text.includes(t), `${what} holds raw token ${t.slice(0, 6)}…`).toBe(false);
  expect(text, what).not.toMatch(/(?:hf|api_org)_[A-Za-z0-9]{34}(?![A-Za-z0-9])/);
}

describe('no secret in any output', () => {
  const repo = tempDir('hfleaks-canary-');
  const out = tempDir('hfleaks-canary-out-');
  let hub: Awaited<ReturnType<typeof startFakeHub>>;

  beforeAll(async () => {
    hub = await startFakeHub({
      tokens: {
        [user]: { role: 'write', name: 'alice', orgs: [{ name: 'acme', roleInOrg: 'admin' }] },
        [userDigits]: { role: 'read', name: 'bob' },
        [org]: { kind: 'org', name: 'acme' },
      },
      repos: { models: [{ id: 'alice/private-llm', private: true }, { id: 'acme/public', private: false }] },
    });
    git(repo, 'init', '-q');
    mkdirSync(join(repo, 'k8s'));
    writeFileSync(join(repo, 'train.py'), `from transformers import AutoModel\nm = AutoModel.from_pretrained("alice/private-llm", token="${user}")\n`);
    writeFileSync(join(repo, '.env'), `HF_TOKEN=${userDigits}\r\nORG=${org}\r\n`);
    writeFileSync(join(repo, 'k8s/secret.yaml'), `data:\n  TOKEN: ${Buffer.from(oauth).toString('base64')}\n`);
    writeFileSync(join(repo, 'notes.txt'), Buffer.from(`jwt ${publisher}\n`, 'utf16le'));
    writeFileSync(join(repo, 'run.log.gz'), gzipSync(`GET /cb?token%3D${user}\n`));
    writeFileSync(join(repo, 'old.py'), `T = "${historyOnly}"\n`);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', `add config with ${historyOnly.slice(0, 3)} and friends`);
    git(repo, 'rm', '-q', 'old.py');
    git(repo, 'commit', '-q', '-m', 'remove the old token');
    writeFileSync(join(repo, 'new.py'), `T = "${staged}"\n`);
    git(repo, 'add', 'new.py');
  });
  afterAll(async () => hub?.close());

  const formats = ['text', 'json', 'sarif', 'markdown'];
  const commands: string[][] = [['scan', '.'], ['history', '.'], ['audit', '.'], ['staged']];

  for (const cmd of commands) {
    for (const format of formats) {
      it(`${cmd[0]} --format ${format}: redacted by default, raw with --show-secrets`, async () => {
        const base = [...cmd, '--format', format, '--verify', '--reach', '--endpoint', hub.url];
        const r = await runCli(base, { cwd: repo, env: gitEnv });
        expect(r.code, r.stderr).toBe(1);
        expectNoRaw(`${cmd[0]} ${format} stdout`, r.stdout);
        expectNoRaw(`${cmd[0]} ${format} stderr`, r.stderr);
        const shown = await runCli([...base, '--show-secrets'], { cwd: repo, env: gitEnv });
        if (format === 'sarif') {
          // SARIF goes to code scanning, where alerts are widely visible: never raw.
          expectNoRaw('sarif with --show-secrets', shown.stdout);
        } else {
          expect(ALL.some((t) => shown.stdout.includes(t)), `${cmd[0]} ${format} --show-secrets shows tokens`).toBe(true);
        }
      });
    }
  }

  it('report files (--output, --sarif, baseline) hold no raw token and are mode 0600', async () => {
    const report = join(out, 'r.json');
    const sarif = join(out, 'r.sarif');
    const baseline = join(out, 'baseline.json');
    const r = await runCli(['audit', '.', '--format', 'markdown', '--output', report, '--sarif', sarif, '--no-verify'], { cwd: repo, env: gitEnv });
    expect(r.code, r.stderr).toBe(1);
    const b = await runCli(['baseline', '.', '--output', baseline], { cwd: repo, env: gitEnv });
    expect(b.code, b.stderr).toBeLessThan(2);
    for (const f of [report, sarif, baseline]) expectNoRaw(f, readFileSync(f, 'utf8'));
    // Reports may hold raw tokens (--show-secrets); a baseline never does and is meant to be committed.
    for (const f of [report, sarif]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
  });

  it('verify and revoke print redacted tokens only, and send them nowhere but the endpoint', async () => {
    const v = await runCli(['verify', '--endpoint', hub.url, '--format', 'json'], { input: `${user}\n${org}\n`, env: gitEnv });
    expect(v.code).toBe(1);
    expectNoRaw('verify stdout', v.stdout);
    expectNoRaw('verify stderr', v.stderr);
    const k = await runCli(['revoke', '--endpoint', hub.url, '--yes'], { input: `${userDigits}\n`, env: gitEnv });
    expect(k.code, k.stderr).toBe(0);
    expectNoRaw('revoke output', k.stdout + k.stderr);
    expect(hub.revocations.flat()).toContain(userDigits);
    expect(hub.other.requests).toEqual([]);
  });

  it('error messages and --debug traces are scrubbed', async () => {
    // A token pasted where a path belongs.
    const e = await runCli(['scan', user, '--debug'], { cwd: repo, env: gitEnv });
    expect(e.code).toBe(2);
    expectNoRaw('error message', e.stdout + e.stderr);
    const h = await runCli(['history', '--range', `${user}..HEAD`, '--debug'], { cwd: repo, env: gitEnv });
    expect(h.code).toBe(2);
    expectNoRaw('range error', h.stdout + h.stderr);
  });

  it('progress output on a terminal holds no token', async () => {
    let err = '';
    let stdout = '';
    const code = await main(['scan', repo, '--format', 'json'], {
      stdout: (s) => (stdout += s), stderr: (s) => (err += s), stdin: new PassThrough(), env: {}, cwd: repo,
      stdoutIsTTY: false, stderrIsTTY: true, stdinIsTTY: false,
    });
    expect(code).toBe(1);
    expectNoRaw('progress', err);
    expectNoRaw('in-process json', stdout);
  });
});

describe('a token where a name or a claim goes', () => {
  // A token written as a repository id, and an OAuth token whose claims name tokens: one
  // found in the file too, one only inside the JWT (--no-decode leaves its base64 unread).
  const g = tokenGenerator(4242);
  const asRepo = g.userToken();
  const inClaim = g.userToken(true);
  const onlyInClaim = g.userToken();
  const jwt = g.oauthToken({ exp: 4102444800, sub: inClaim, scope: `read-repos ${onlyInClaim}`, iss: `https://x.invalid/${onlyInClaim}` });
  const dir = tempDir('hfleaks-claims-');
  writeFileSync(join(dir, 'train.py'), `login(token="${asRepo}")\nm = AutoModel.from_pretrained("${asRepo}/llama-ft", revision="main")\nd = load_dataset("acme/data")\n`);
  writeFileSync(join(dir, 'app.env'), `HF_TOKEN=${inClaim}\nOAUTH=${jwt}\n`);
  const formats = ['text', 'json', 'sarif', 'markdown'];
  const scan = (format: string, ...more: string[]) => runCli(['scan', dir, '--no-decode', '--format', format, ...more]);
  const finding = (stdout: string, raw: string) => JSON.parse(stdout).findings.find((f: any) => f.fingerprint === fingerprintOf('hf-user-access-token', raw));

  it('a name that holds a token is no repository, in any format, even with --show-secrets', async () => {
    for (const format of formats) {
      const r = await scan(format);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout.includes(asRepo.slice(3)), `${format} names the token as a repository`).toBe(false);
    }
    const shown = await scan('json', '--show-secrets');
    expect(finding(shown.stdout, asRepo).repos).toEqual(['acme/data']);
  });

  it("a JWT's claims that hold tokens are redacted in every format; raw with --show-secrets, never in SARIF", async () => {
    expect(finding((await scan('json')).stdout, onlyInClaim), 'a finding of its own').toBeUndefined();
    for (const format of formats) {
      const r = await scan(format);
      expect(r.code, r.stderr).toBe(1);
      for (const t of [inClaim, onlyInClaim]) expect(r.stdout.includes(t.slice(3)), `${format} holds a raw token from the claims`).toBe(false);
    }
    const claims = (stdout: string) => JSON.parse(stdout).findings.find((f: any) => f.jwt).jwt;
    const shownAs = (t: string) => `${t.slice(0, 5)}…${t.slice(-2)}`;
    expect(claims((await scan('json')).stdout)).toMatchObject({ subject: shownAs(inClaim), scope: `read-repos ${shownAs(onlyInClaim)}`, issuer: `https://x.invalid/${shownAs(onlyInClaim)}` });
    expect(claims((await scan('json', '--show-secrets')).stdout)).toMatchObject({ subject: inClaim, scope: `read-repos ${onlyInClaim}` });
    const sarif = await scan('sarif', '--show-secrets');
    for (const t of [inClaim, onlyInClaim]) expect(sarif.stdout.includes(t.slice(3))).toBe(false);
  });
});
