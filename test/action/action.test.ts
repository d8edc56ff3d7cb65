// The committed Action bundle, run as the runner runs it: event payload, INPUT_*
// variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, a workspace that is a real
// clone (full, and one commit deep as actions/checkout makes it).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotations } from '../../src/action/main.ts';
import { planFor, splitArgs } from '../../src/action/inputs.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import { tempDir } from '../helpers/cli.ts';
import { startFakeHub } from '../helpers/fake-hub.mjs';
import { expectNoSecretsOrEmails, expectValidSarif } from '../report/helpers.ts';

const BUNDLE = resolve(import.meta.dirname, '../../action/index.mjs');

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.invalid', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
};
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, env: gitEnv, encoding: 'utf8' }).trim();
}
function commit(cwd: string, files: Record<string, string>, msg: string): string {
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(cwd, p, '..'), { recursive: true });
    writeFileSync(join(cwd, p), c);
  }
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '-m', msg);
  return git(cwd, 'rev-parse', 'HEAD');
}

interface RunResult {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  sarif: any;
}

function runAction(workspace: string, event: string, payload: unknown, inputs: Record<string, string> = {}, runner: { temp?: string; step?: string } = {}): Promise<RunResult> {
  const dir = runner.temp ?? tempDir('hfleaks-runner-');
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(payload));
  const out = join(dir, 'output');
  const sum = join(dir, 'summary');
  writeFileSync(out, '');
  writeFileSync(sum, '');
  const env: Record<string, string> = {
    ...(gitEnv as Record<string, string>),
    GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: eventPath, GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: out,
    GITHUB_STEP_SUMMARY: sum, RUNNER_TEMP: dir, GITHUB_RUN_ID: '42', CI: 'true',
    ...(runner.step ? { GITHUB_ACTION: runner.step } : {}),
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [BUNDLE], { cwd: workspace, env });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const outputs = Object.fromEntries(readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2)));
      let sarif: any;
      try {
        sarif = JSON.parse(readFileSync(outputs['sarif-file']!, 'utf8'));
      } catch {
        sarif = undefined;
      }
      done({ code: code ?? -1, stdout, outputs, summary: readFileSync(sum, 'utf8'), sarif });
    });
  });
}

describe('GitHub Action on a pull request', () => {
  const gen = tokenGenerator(99);
  const oldToken = gen.userToken();
  const newToken = gen.userToken(true);
  const root = tempDir('hfleaks-action-');
  const origin = join(root, 'origin');
  mkdirSync(origin);
  git(origin, 'init', '-q');
  git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  commit(origin, { 'old.py': `TOKEN = "${oldToken}"\n`, 'README.md': '# demo\n' }, 'old leak, before the PR');
  commit(origin, { 'lib.py': 'def f():\n    return 1\n' }, 'more history');
  git(origin, 'checkout', '-q', '-b', 'feature');
  commit(origin, { 'src/new.py': `import os\nlogin(token="${newToken}")\n` }, 'PR adds a token');
  commit(origin, { 'src/other.py': 'x = 2\n' }, 'PR second commit');
  const head = git(origin, 'rev-parse', 'HEAD');
  git(origin, 'checkout', '-q', 'main');
  const base = commit(origin, { 'docs.md': 'base moved on after the fork\n' }, 'base advances');
  // The merge commit actions/checkout checks out for a pull request.
  git(origin, 'merge', '-q', '--no-edit', 'feature');
  const merge = git(origin, 'rev-parse', 'HEAD');
  git(origin, 'update-ref', 'refs/pull/1/merge', merge);
  git(origin, 'reset', '-q', '--hard', base);
  const payload = { action: 'synchronize', number: 1, pull_request: { number: 1, base: { sha: base, ref: 'main' }, head: { sha: head, ref: 'feature' } }, repository: { default_branch: 'main' } };

  function assertPrResult(r: RunResult) {
    expect(r.code, r.stdout).toBe(1);
    expect(r.outputs.findings).toBe('1');
    expect(r.outputs['exit-code']).toBe('1');
    const ann = r.stdout.split('\n').filter((l) => /^::(error|warning|notice) file=/.test(l));
    expect(ann).toHaveLength(1);
    expect(ann[0]).toMatch(/^::error file=src\/new\.py,line=2,col=14,title=hfleaks%3A hf-user-access-token::/);
    expect(r.stdout).not.toContain('old.py');
    expect(r.summary).toMatch(/hfleaks/);
    expect(r.summary).toContain(`${newToken.slice(0, 5)}…${newToken.slice(-2)}`);
    expectValidSarif(r.sarif);
    expect(r.sarif.runs[0].results).toHaveLength(1);
    for (const text of [r.stdout, r.summary, JSON.stringify(r.sarif)]) expectNoSecretsOrEmails(text, [newToken, oldToken]);
  }

  it('scans exactly the PR in a full clone', async () => {
    const ws = join(root, 'full');
    execFileSync('git', ['clone', '-q', `file://${origin}`, ws], { env: gitEnv });
    git(ws, 'fetch', '-q', 'origin', 'refs/pull/1/merge');
    git(ws, 'checkout', '-q', '--detach', 'FETCH_HEAD');
    assertPrResult(await runAction(ws, 'pull_request', payload));
    // Two hfleaks steps in one job share RUNNER_TEMP and the run id: each keeps its own SARIF.
    const temp = tempDir('hfleaks-runner-');
    const first = await runAction(ws, 'pull_request', payload, {}, { temp, step: 'scan' });
    const second = await runAction(ws, 'pull_request', payload, { 'fail-on': 'critical' }, { temp, step: '__run_2' });
    expect(first.outputs['sarif-file']).not.toBe(second.outputs['sarif-file']);
    for (const r of [first, second]) expectValidSarif(r.sarif);
  });

  it('fetches what it needs in a depth-1 checkout of the merge commit', async () => {
    const ws = join(root, 'shallow');
    mkdirSync(ws);
    git(ws, 'init', '-q');
    git(ws, 'remote', 'add', 'origin', `file://${origin}`);
    git(ws, 'fetch', '-q', '--depth', '1', 'origin', merge);
    git(ws, 'checkout', '-q', '--detach', 'FETCH_HEAD');
    expect(git(ws, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const r = await runAction(ws, 'pull_request_target', payload);
    assertPrResult(r);
    expect(r.stdout).toMatch(/git fetch/);
  });

  it('fails the step, never clean, when the base cannot be fetched', async () => {
    const ws = join(root, 'orphan');
    mkdirSync(ws);
    git(ws, 'init', '-q');
    git(ws, 'remote', 'add', 'origin', `file://${join(root, 'no-such-origin')}`);
    commit(ws, { 'a.txt': 'x\n' }, 'unrelated');
    const r = await runAction(ws, 'pull_request', payload);
    expect(r.code).toBe(2);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.stdout).toMatch(/::error title=hfleaks::.*(not in the checkout|could not be fetched)/);
    // No SARIF to upload: a log without results would close every open alert as fixed.
    expect(r.outputs['sarif-file']).toBe('');
    expect(r.sarif).toBeUndefined();
  });

  it('when the CLI stops before reporting, the step error says why and sarif-file is left empty', async () => {
    const ws = join(root, 'bad-endpoint');
    execFileSync('git', ['clone', '-q', `file://${origin}`, ws], { env: gitEnv });
    const r = await runAction(ws, 'pull_request', payload, { verify: 'true', endpoint: 'http://10.0.0.1' });
    expect(r.code, r.stdout).toBe(2);
    expect(r.outputs).toMatchObject({ findings: '0', 'exit-code': '2' });
    expect(r.stdout).toMatch(/^::error title=hfleaks::--endpoint: plain http is allowed only to this machine .*use https for 10\.0\.0\.1$/m);
    expect(r.summary).toMatch(/plain http is allowed only to this machine/);
    expect(r.outputs['sarif-file']).toBe('');
  });

  it('passes when the PR adds no token, and fail-on raises the bar', async () => {
    const ws = join(root, 'full2');
    execFileSync('git', ['clone', '-q', `file://${origin}`, ws], { env: gitEnv });
    const clean = { ...payload, pull_request: { ...payload.pull_request, head: { sha: git(origin, 'rev-parse', 'feature~0') } } };
    // Only the second PR commit: adds no token.
    const second = { ...payload, pull_request: { ...payload.pull_request, base: { sha: git(origin, 'rev-parse', 'feature~1') }, head: { sha: head } } };
    const r = await runAction(ws, 'pull_request', second);
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ findings: '0', 'exit-code': '0' });
    const crit = await runAction(ws, 'pull_request', clean, { 'fail-on': 'critical' });
    expect(crit.outputs.findings).toBe('1');
    expect(crit.code).toBe(0);
  });

  it('with `path` naming a directory of the repository, annotations name files from the workspace', async () => {
    const mergeClone = (ws: string) => {
      execFileSync('git', ['clone', '-q', `file://${origin}`, ws], { env: gitEnv });
      git(ws, 'fetch', '-q', 'origin', 'refs/pull/1/merge');
      git(ws, 'checkout', '-q', '--detach', 'FETCH_HEAD');
    };
    const ws = join(root, 'full-path');
    mergeClone(ws);
    const r = await runAction(ws, 'pull_request', payload, { path: 'src' });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/^::error file=src\/new\.py,line=2,/m);
    // A repository of its own below the workspace: its files are named from the workspace.
    const outer = join(root, 'outer');
    mkdirSync(outer);
    mergeClone(join(outer, 'nested'));
    const nested = await runAction(outer, 'pull_request', payload, { path: 'nested' });
    expect(nested.code, nested.stdout).toBe(1);
    expect(nested.stdout).toMatch(/^::error file=nested\/src\/new\.py,line=2,/m);
  });

  it('a revocation that fails still annotates and counts what the scan found, then fails the step', async () => {
    const hub = await startFakeHub({ tokens: { [newToken]: { role: 'write' } }, revokeStatus: 500 });
    try {
      const ws = join(root, 'revoke');
      execFileSync('git', ['clone', '-q', `file://${origin}`, ws], { env: gitEnv });
      const r = await runAction(ws, 'pull_request', payload, { verify: 'true', revoke: 'true', endpoint: hub.url, args: '--verify-budget 10' });
      expect(r.code, r.stdout).toBe(2);
      expect(r.outputs).toMatchObject({ findings: '1', 'exit-code': '2' });
      expect(r.stdout).toMatch(/^::error file=src\/new\.py,line=2,col=14,/m);
      expect(r.stdout).toMatch(/^::error title=hfleaks::revocation failed for 1 token\b/m);
      expect(r.summary).toContain(`${newToken.slice(0, 5)}…${newToken.slice(-2)}`);
      expect(r.summary).toMatch(/revocation failed/);
      // Asked (and retried), never done.
      expect(new Set(hub.revocations.flat())).toEqual(new Set([newToken]));
      expect(hub.revoked.size).toBe(0);
      for (const text of [r.stdout, r.summary]) expectNoSecretsOrEmails(text, [newToken, oldToken]);
    } finally {
      await hub.close();
    }
  });

  it('a token the Hub could not judge (unknown) fails the step whatever fail-on says; a dead one does not', async () => {
    const down = await startFakeHub({ tokens: { [newToken]: { role: 'write', behavior: '503' } } });
    const dead = await startFakeHub({ tokens: {} });
    try {
      const ws = join(root, 'unknown');
      execFileSync('git', ['clone', '-q', `file://${origin}`, ws], { env: gitEnv });
      const r = await runAction(ws, 'pull_request', payload, { verify: 'true', 'fail-on': 'high', endpoint: down.url, args: '--verify-budget 10' });
      expect(r.code, r.stdout).toBe(1);
      expect(r.outputs).toMatchObject({ findings: '1', 'exit-code': '1' });
      expect(r.stdout).toMatch(/^::warning file=src\/new\.py,line=2,col=14,.*unknown token.*Revoke it/m);
      expect(r.stdout).toMatch(/^::error title=hfleaks::1 leaked Hugging Face token the Hub could not judge \(verification unknown: treated as live\)$/m);
      const gone = await runAction(ws, 'pull_request', payload, { verify: 'true', 'fail-on': 'high', endpoint: dead.url });
      expect(gone.code, gone.stdout).toBe(0);
      expect(gone.stdout).toMatch(/invalid token \(added in [0-9a-f]{12}\)\. It no longer works: nothing to revoke/);
    } finally {
      await down.close();
      await dead.close();
    }
  });

  it('revoke (and reach) without verify: true verify, as the flags imply, and revoke', async () => {
    const hub = await startFakeHub({ tokens: { [newToken]: { role: 'write' } } });
    try {
      const ws = join(root, 'revoke-alone');
      execFileSync('git', ['clone', '-q', `file://${origin}`, ws], { env: gitEnv });
      const r = await runAction(ws, 'pull_request', payload, { revoke: 'true', reach: 'true', endpoint: hub.url });
      expect(r.code, r.stdout).toBe(1);
      expect(r.outputs).toMatchObject({ findings: '1', 'exit-code': '1' });
      expect([...hub.revoked]).toEqual([newToken]);
    } finally {
      await hub.close();
    }
  });

  it('on push: scans before..after, and says so when there is nothing new', async () => {
    const ws = join(root, 'full3');
    execFileSync('git', ['clone', '-q', `file://${origin}`, ws], { env: gitEnv });
    const before = git(origin, 'rev-parse', 'feature~2');
    const r = await runAction(ws, 'push', { before, after: head, repository: { default_branch: 'main' } });
    expect(r.code).toBe(1);
    expect(r.outputs.findings).toBe('1');
    const same = await runAction(ws, 'push', { before: head, after: head, repository: { default_branch: 'main' } });
    expect(same.code).toBe(0);
    expect(same.summary).toMatch(/Nothing to scan/);
    expectValidSarif(same.sarif);
  });
});

describe('GitHub Action: full audit and hostile names', () => {
  const gen = tokenGenerator(123);
  const gone = gen.userToken();
  const named = gen.userToken();
  const root = tempDir('hfleaks-action2-');
  const origin = join(root, 'origin');
  mkdirSync(origin);
  git(origin, 'init', '-q');
  const first = commit(origin, { 'keys.py': `HF = "${gone}"\n` }, 'a token');
  git(origin, 'rm', '-q', 'keys.py');
  commit(origin, { 'README.md': 'clean now\n' }, 'removed');
  git(origin, 'checkout', '-q', '-b', 'side');
  commit(origin, { 'side.txt': 'side branch\n' }, 'side work');
  git(origin, 'checkout', '-q', 'main');

  function shallowClone(name: string, from: string): string {
    const ws = join(root, name);
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${from}`, ws], { env: gitEnv });
    expect(git(ws, 'rev-parse', '--is-shallow-repository')).toBe('true');
    return ws;
  }

  it('on schedule, a depth-1 checkout gets its full history first: the deleted token is found', async () => {
    const ws = shallowClone('sched', origin);
    const r = await runAction(ws, 'schedule', {});
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/git fetch --unshallow --tags origin/);
    expect(r.outputs.findings).toBe('1');
    expect(r.sarif.runs[0].results[0].partialFingerprints).toBeDefined();
    expect(r.stdout).toContain(first.slice(0, 12));
    expect(git(ws, 'rev-parse', '--is-shallow-repository')).toBe('false');
  });

  it('on workflow_dispatch, fails the step when the history cannot be fetched, never clean', async () => {
    const ws = shallowClone('dispatch', origin);
    git(ws, 'remote', 'set-url', 'origin', `file://${join(root, 'no-such-origin')}`);
    const r = await runAction(ws, 'workflow_dispatch', {});
    expect(r.code).toBe(2);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.stdout).toMatch(/::error title=hfleaks::the checkout is shallow and its history could not be fetched/);
  });

  it('a file name cannot inject workflow commands into the log', async () => {
    const ws = join(root, 'hostile');
    execFileSync('git', ['clone', '-q', `file://${origin}`, ws], { env: gitEnv });
    const before = git(ws, 'rev-parse', 'HEAD');
    const evil = 'g\n::error file=x.py::pwned\n::add-mask::x';
    const after = commit(ws, { [evil]: `k=${named}\n` }, 'hostile name');
    const r = await runAction(ws, 'push', { before, after, repository: { default_branch: 'main' } });
    expect(r.code, r.stdout).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('::error file=x.py') || l.startsWith('::add-mask::'))).toEqual([]);
    // The report quotes the name escaped, inside a stretch where commands are off.
    const stop = lines.findIndex((l) => l.startsWith('::stop-commands::'));
    const resume = lines.findIndex((l) => l === `::${lines[stop]!.slice('::stop-commands::'.length)}::`);
    expect(stop).toBeGreaterThanOrEqual(0);
    expect(resume).toBeGreaterThan(stop);
    const quoted = lines.findIndex((l) => l.includes('g\\n::error file=x.py::pwned'));
    expect(quoted).toBeGreaterThan(stop);
    expect(quoted).toBeLessThan(resume);
    // The annotation escapes it as a property.
    expect(r.stdout).toMatch(/^::error file=g%0A%3A%3Aerror file=x\.py%3A%3Apwned%0A/m);
  });
});

describe('GitHub Action: what the checkout lacks', () => {
  const gen = tokenGenerator(321);
  const first = gen.userToken();
  const gone = gen.userToken();
  const root = tempDir('hfleaks-action3-');

  /** A bare origin that serves any commit and partial clones, as GitHub does. */
  function bareOrigin(name: string, from: string): string {
    const bare = join(root, `${name}.git`);
    execFileSync('git', ['clone', '-q', '--bare', from, bare], { env: gitEnv });
    git(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
    git(bare, 'config', 'uploadpack.allowFilter', 'true');
    return bare;
  }

  /** actions/checkout with `filter` or `fetch-depth`: one commit, as a fresh repository. */
  function checkout(name: string, bare: string, rev: string, fetchArgs: string[]): string {
    const ws = join(root, name);
    mkdirSync(ws);
    git(ws, 'init', '-q');
    git(ws, 'remote', 'add', 'origin', `file://${bare}`);
    git(ws, 'fetch', '-q', '--no-tags', ...fetchArgs, 'origin', `+${rev}:refs/remotes/origin/ws`);
    git(ws, 'checkout', '-q', '--detach', 'refs/remotes/origin/ws');
    return ws;
  }

  it('fails the step, never clean, when a blobless checkout lacks what the pull request added', async () => {
    const dev = join(root, 'dev');
    mkdirSync(dev);
    git(dev, 'init', '-q');
    const base = commit(dev, { 'README.md': '# demo\n' }, 'base');
    git(dev, 'checkout', '-q', '-b', 'feature');
    commit(dev, { 'keys.py': `HF = "${gone}"\n` }, 'a token');
    git(dev, 'rm', '-q', 'keys.py');
    git(dev, 'commit', '-q', '-m', 'removed');
    const head = commit(dev, { 'notes.md': 'more\n' }, 'more');
    const bare = bareOrigin('blobless', dev);
    const ws = checkout('blobless-ws', bare, head, ['--filter=blob:none']);
    // The remote gone (or GIT_NO_LAZY_FETCH): the token's blob can't be read.
    git(ws, 'remote', 'set-url', 'origin', `file://${join(root, 'no-such-origin')}`);
    const r = await runAction(ws, 'pull_request', { number: 2, pull_request: { number: 2, base: { sha: base }, head: { sha: head } } });
    expect(r.code, r.stdout).toBe(2);
    expect(r.outputs).toMatchObject({ findings: '0', 'exit-code': '2' });
    expect(r.stdout).toMatch(/^::error title=hfleaks::no tokens found, but 1 git object was missing from the checkout and not scanned \(a partial clone, filter blob:none\): check out without a filter .* or fetch the missing objects, and run again$/m);
    expect(r.summary).toMatch(/incomplete/);
    expect(r.summary).not.toMatch(/no leaked|no Hugging Face tokens? found|clean/i);
  });

  it('the push that creates the default branch gets the full audit, not an empty range', async () => {
    const dev = join(root, 'new-repo');
    mkdirSync(dev);
    git(dev, 'init', '-q');
    const leak = commit(dev, { 'config.py': `HF = "${first}"\n` }, 'initial import');
    const after = commit(dev, { 'more.txt': 'x\n' }, 'second');
    const bare = bareOrigin('first-push', dev);
    const ws = checkout('first-push-ws', bare, after, ['--depth=1']);
    const r = await runAction(ws, 'push', { ref: 'refs/heads/main', before: '0'.repeat(40), after, created: true, repository: { default_branch: 'main' } });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/push created the default branch main: full audit/);
    expect(r.outputs.findings).toBe('1');
    expect(r.stdout).toContain(`added in ${leak.slice(0, 12)}`);
  });
});

describe('GitHub Action: deepening a shallow checkout until the range is whole', () => {
  const gen = tokenGenerator(777);
  const oldToken = gen.userToken();
  const tokens = { long: gen.userToken(), forked: gen.userToken(), short: gen.userToken() };
  const root = tempDir('hfleaks-action4-');
  const origin = join(root, 'origin');
  mkdirSync(origin);
  git(origin, 'init', '-q');
  git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  // Commits six hours apart, as a busy repository's are: the committer time is what
  // tells how far back the base's history has to reach.
  let clock = Date.UTC(2024, 0, 1) / 1000;
  const dated = (cwd: string, ...args: string[]) => {
    clock += 6 * 3600;
    return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd, env: { ...gitEnv, GIT_AUTHOR_DATE: `@${clock} +0000`, GIT_COMMITTER_DATE: `@${clock} +0000` }, encoding: 'utf8' });
  };
  const empty = (n: number, msg: string) => {
    for (let i = 1; i <= n; i++) dated(origin, 'commit', '-q', '--allow-empty', '-m', `${msg}${i}`);
  };
  const add = (path: string, text: string) => {
    writeFileSync(join(origin, path), text);
    git(origin, 'add', path);
    dated(origin, 'commit', '-q', '-m', `add ${path}`);
  };
  add('old.txt', `old=${oldToken}\n`); // main's root commit
  empty(3, 'm');
  git(origin, 'branch', 'side'); // forks from old main
  empty(47, 'm');
  git(origin, 'branch', 'long');
  empty(40, 'm');
  git(origin, 'branch', 'forked');
  empty(5, 'm');
  git(origin, 'branch', 'short');
  empty(5, 'm');
  git(origin, 'checkout', '-q', 'side');
  empty(3, 's');
  // Longer than the first deepening, with main merged in on the way.
  git(origin, 'checkout', '-q', 'long');
  empty(3, 'p');
  add('long.txt', `k=${tokens.long}\n`);
  empty(37, 'p');
  dated(origin, 'merge', '-q', '--no-edit', 'main~5');
  empty(5, 'p');
  // Brings along the side branch, and with it (seen from a shallow base) old main.
  git(origin, 'checkout', '-q', 'forked');
  dated(origin, 'merge', '-q', '--no-edit', 'side');
  add('forked.txt', `k=${tokens.forked}\n`);
  git(origin, 'checkout', '-q', 'short');
  add('short.txt', `k=${tokens.short}\n`);
  git(origin, 'checkout', '-q', 'main');
  const base = git(origin, 'rev-parse', 'HEAD');

  /** The pull request of `branch`, checked out as actions/checkout does with fetch-depth 2. */
  async function pr(branch: keyof typeof tokens) {
    const head = git(origin, 'rev-parse', branch);
    dated(origin, 'merge', '-q', '--no-edit', '--no-ff', branch);
    const merge = git(origin, 'rev-parse', 'HEAD');
    git(origin, 'reset', '-q', '--hard', base);
    const ws = join(root, branch);
    rmSync(ws, { recursive: true, force: true });
    mkdirSync(ws);
    git(ws, 'init', '-q');
    git(ws, 'remote', 'add', 'origin', `file://${origin}`);
    git(ws, 'fetch', '-q', '--no-tags', '--depth=2', 'origin', merge);
    git(ws, 'checkout', '-q', '--detach', 'FETCH_HEAD');
    const r = await runAction(ws, 'pull_request', { number: 3, pull_request: { number: 3, base: { sha: base, ref: 'main' }, head: { sha: head, ref: branch } }, repository: { default_branch: 'main' } });
    for (const text of [r.stdout, r.summary]) expectNoSecretsOrEmails(text, [oldToken, ...Object.values(tokens)]);
    return { r, ws };
  }
  const files = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::error file=')).map((l) => /file=([^,]+)/.exec(l)![1]);

  it('a range reaching past the shallow boundary once the merge base shows: deepens on, finds what the PR added', async () => {
    const { r } = await pr('long');
    expect(r.code, r.stdout).toBe(1);
    expect(files(r.stdout)).toEqual(['long.txt']);
    expect(r.stdout).toContain(`added in ${git(origin, 'rev-parse', ':/add long.txt').slice(0, 12)}`);
  });

  it("a side branch forked from old main: old main's commits are not the pull request's", async () => {
    const { r } = await pr('forked');
    expect(r.code, r.stdout).toBe(1);
    expect(files(r.stdout)).toEqual(['forked.txt']);
    expect(r.outputs.findings).toBe('1');
  });

  it('a short pull request deepens once, and the checkout stays shallow', async () => {
    const { r, ws } = await pr('short');
    expect(r.code, r.stdout).toBe(1);
    expect(files(r.stdout)).toEqual(['short.txt']);
    expect(r.stdout.match(/^git fetch .*$/gm)).toEqual([expect.stringMatching(/^git fetch --deepen=32 /)]);
    expect(git(ws, 'rev-parse', '--is-shallow-repository')).toBe('true');
  });
});

describe('Action pieces', () => {
  it('plans by event', () => {
    expect(planFor('schedule', {})).toMatchObject({ kind: 'audit' });
    expect(planFor('workflow_dispatch', {})).toMatchObject({ kind: 'audit' });
    expect(planFor('push', { before: '0'.repeat(40), after: 'b'.repeat(40), repository: { default_branch: 'main' } })).toMatchObject({ kind: 'range', base: 'origin/main' });
    expect(planFor('push', { ref: 'refs/heads/dev', before: '0'.repeat(40), after: 'b'.repeat(40), repository: { default_branch: 'main' } })).toMatchObject({ kind: 'range', base: 'origin/main' });
    // The push that creates the default branch: nothing to compare with.
    expect(planFor('push', { ref: 'refs/heads/main', before: '0'.repeat(40), after: 'b'.repeat(40), repository: { default_branch: 'main' } })).toMatchObject({ kind: 'audit' });
    expect(planFor('push', { before: 'a'.repeat(40), after: '0'.repeat(40) })).toMatchObject({ kind: 'nothing' });
    expect(() => planFor('pull_request', {})).toThrow(/base\.sha/);
  });
  it('splits args and escapes workflow commands', () => {
    expect(splitArgs(`--config "my cfg.json" --no-decode '--x y'`)).toEqual(['--config', 'my cfg.json', '--no-decode', '--x y']);
    const lines = annotations(
      [{ fingerprint: 'r:1', rule: 'r', title: 'T', severity: 'medium', secret: { raw: 'x', redacted: 'hf_ab…yz', sha256: '0' }, locations: [{ path: 'a,b:c.py', line: 3, column: 4 }] }],
      'sub',
    );
    expect(lines).toEqual(['::warning file=sub/a%2Cb%3Ac.py,line=3,col=4,title=hfleaks%3A r::T: hf_ab…yz. Revoke it, then move it out of the code (see the job summary).']);
  });
  it('asks for what the run left to do: revoke a live token, not one it revoked or that no longer works', () => {
    const at = (verification: object, jwt?: object) => annotations([{ fingerprint: 'r:1', rule: 'r', title: 'T', severity: 'low', secret: { raw: 'x', redacted: 'hf_ab…yz', sha256: '0' }, locations: [{ path: 'a.py', line: 1, column: 1 }], verification: verification as never, ...(jwt ? { jwt: jwt as never } : {}) }], '')[0];
    expect(at({ status: 'valid', role: 'write', owner: { name: 'alice', type: 'user' }, revoked: true })).toMatch(/T: hf_ab…yz, revoked write token of alice\. Revoked by hfleaks in this run; move it out of the code \(see the job summary\)\.$/);
    expect(at({ status: 'invalid' })).toMatch(/, invalid token\. It no longer works: nothing to revoke; move it out of the code/);
    expect(at({ status: 'skipped' }, { expired: true })).toMatch(/It no longer works: nothing to revoke/);
    expect(at({ status: 'unknown' })).toMatch(/\. Revoke it, then move it out of the code/);
    expect(at({ status: 'valid', role: 'read' })).toMatch(/\. Revoke it, then move it out of the code/);
  });

  it('annotates a token in a commit or tag message on the run, not on a file', () => {
    const finding = (path: string, commit?: string) => ({ fingerprint: 'r:1', rule: 'r', title: 'T', severity: 'high' as const, secret: { raw: 'x', redacted: 'hf_ab…yz', sha256: '0' }, locations: [{ path, line: 3, column: 4, ...(commit ? { commit } : {}) }] });
    expect(annotations([finding('<commit message>', 'c'.repeat(40)), finding('<tag v1>')], '')).toEqual([
      `::error title=hfleaks%3A r::T: hf_ab…yz in a commit message (added in ${'c'.repeat(12)}). Revoke it (see the job summary).`,
      '::error title=hfleaks%3A r::T: hf_ab…yz in the message of tag v1. Revoke it (see the job summary).',
    ]);
  });
});
