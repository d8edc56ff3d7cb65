// The pre-commit hook, end to end: install it in real repositories and run real
// `git commit`s.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenGenerator } from '../../src/rules/template.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

const gen = tokenGenerator(4242);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.invalid', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', NO_COLOR: '1',
};
delete env.EDITOR;

/** git with the test environment, and `extra` on top of it. */
function gitWith(extra: NodeJS.ProcessEnv, cwd: string, ...args: string[]): { code: number; out: string } {
  const r = spawnSync('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, env: { ...env, ...extra }, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function git(cwd: string, ...args: string[]): { code: number; out: string } {
  return gitWith({}, cwd, ...args);
}

function repo(): string {
  const dir = tempDir('hfleaks-hook-');
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'README.md'), '# demo\n');
  git(dir, 'add', 'README.md');
  expect(git(dir, 'commit', '-q', '-m', 'first').code).toBe(0);
  return dir;
}

describe('hfleaks hook', () => {
  it('blocks a commit that adds a token, explains how to proceed, and passes clean commits', async () => {
    const dir = repo();
    const install = await runCli(['hook', 'install'], { cwd: dir });
    expect(install.code, install.stderr).toBe(0);
    const hook = join(dir, '.git/hooks/pre-commit');
    expect(statSync(hook).mode & 0o111).not.toBe(0);

    const t = gen.userToken();
    writeFileSync(join(dir, 'config.py'), `import os\nHF_TOKEN = "${t}"\n`);
    git(dir, 'add', 'config.py');
    const blocked = git(dir, 'commit', '-m', 'add config');
    expect(blocked.code).not.toBe(0);
    expect(blocked.out).toContain('config.py:2:13');
    expect(blocked.out).toContain(`${t.slice(0, 5)}…${t.slice(-2)}`);
    expect(blocked.out).toContain('hf-user-access-token');
    expect(blocked.out).toMatch(/Commit blocked by hfleaks/);
    expect(blocked.out).toMatch(/hfleaks:allow/);
    expect(blocked.out).not.toContain(t);
    expect(git(dir, 'rev-list', '--count', 'HEAD').out.trim()).toBe('1');

    writeFileSync(join(dir, 'config.py'), 'import os\nHF_TOKEN = os.environ["HF_TOKEN"]\n');
    git(dir, 'add', 'config.py');
    expect(git(dir, 'commit', '-q', '-m', 'read it from the environment').code).toBe(0);
  });

  it('when hfleaks is gone (the clone moved), blocks the commit saying nothing was scanned, not that a token was found', async () => {
    const dir = repo();
    expect((await runCli(['hook', 'install'], { cwd: dir })).code).toBe(0);
    const hook = join(dir, '.git/hooks/pre-commit');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(/^HFLEAKS_CLI=.*$/m, "HFLEAKS_CLI='/nonexistent/hfleaks/dist/cli.js'"));
    writeFileSync(join(dir, 'notes.txt'), 'nothing secret\n');
    git(dir, 'add', 'notes.txt');
    // PATH without any hfleaks: the fallbacks (the project's node_modules, PATH) find nothing.
    const r = git(dir, 'commit', '-q', '-m', 'notes');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/hfleaks: not found at \/nonexistent\/hfleaks\/dist\/cli\.js, .*nothing was scanned/);
    expect(r.out).not.toMatch(/would add the Hugging Face token/);
  });

  it('runs the offline scan without loading NODE_EXTRA_CA_CERTS (Node parses them at start-up), and still blocks; a chained hook keeps it', async () => {
    const dir = repo();
    // A previous hook that notes the variable it was given.
    writeFileSync(join(dir, '.git/hooks/pre-commit'), '#!/bin/sh\nprintf %s "$NODE_EXTRA_CA_CERTS" > "$(git rev-parse --git-dir)/seen"\n', { mode: 0o755 });
    expect((await runCli(['hook', 'install', '--force'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'a.env'), `HF_TOKEN=${gen.userToken()}\n`);
    git(dir, 'add', 'a.env');
    // A file Node can't load: Node warns at start-up when it tries to.
    const bundle = join(dir, 'no-such-bundle.pem');
    const r = gitWith({ NODE_EXTRA_CA_CERTS: bundle }, dir, 'commit', '-m', 'leak');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('a.env:1:');
    expect(r.out).not.toMatch(/extra certs/i);
    expect(readFileSync(join(dir, '.git/seen'), 'utf8')).toBe(bundle);
    // The same variable reaches a program that does not unset it: the warning is real.
    const direct = spawnSync(process.execPath, ['-e', '0'], { env: { ...env, NODE_EXTRA_CA_CERTS: bundle }, encoding: 'utf8' });
    expect(direct.stderr).toMatch(/extra certs/i);
  });

  it('passes when the token sits only in an unstaged change', async () => {
    const dir = repo();
    expect((await runCli(['hook', 'install'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'README.md'), `# demo\ntoken ${gen.userToken()}\n`);
    writeFileSync(join(dir, 'ok.txt'), 'fine\n');
    git(dir, 'add', 'ok.txt');
    const r = git(dir, 'commit', '-q', '-m', 'only ok.txt');
    expect(r.code, r.out).toBe(0);
  });

  it('installs into core.hooksPath', async () => {
    const dir = repo();
    git(dir, 'config', 'core.hooksPath', '.githooks');
    expect((await runCli(['hook', 'install'], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(dir, '.githooks/pre-commit'))).toBe(true);
    expect(existsSync(join(dir, '.git/hooks/pre-commit'))).toBe(false);
    writeFileSync(join(dir, 'a.env'), `HF_TOKEN=${gen.userToken()}\n`);
    git(dir, 'add', 'a.env');
    expect(git(dir, 'commit', '-m', 'x').code).not.toBe(0);
  });

  it('installs where GIT_DIR points, as git and the other commands read it, and uninstalls from there', async () => {
    const here = repo();
    const there = repo();
    const viaEnv = { env: { ...env, GIT_DIR: join(there, '.git') }, cwd: here };
    expect((await runCli(['hook', 'install'], viaEnv)).code).toBe(0);
    expect(existsSync(join(there, '.git/hooks/pre-commit'))).toBe(true);
    expect(existsSync(join(here, '.git/hooks/pre-commit'))).toBe(false);
    expect((await runCli(['hook', 'uninstall'], viaEnv)).code).toBe(0);
    expect(existsSync(join(there, '.git/hooks/pre-commit'))).toBe(false);
    const gone = await runCli(['hook', 'install'], { env: { ...env, GIT_DIR: join(there, 'no-such-dir') }, cwd: here });
    expect(gone.code).toBe(2);
    expect(existsSync(join(here, '.git/hooks/pre-commit'))).toBe(false);
  });

  it('refuses, in one line, a core.hooksPath that turns hooks off (empty, /dev/null), and writes nothing', async () => {
    for (const [value, said] of [['', /set to nothing, which turns git hooks off/], ['/dev/null', /\/dev\/null is not a directory/]] as const) {
      const dir = repo();
      git(dir, 'config', 'core.hooksPath', value);
      mkdirSync(join(dir, 'sub'));
      const r = await runCli(['hook', 'install'], { cwd: join(dir, 'sub') });
      expect(r.code, value).toBe(2);
      expect(r.stderr, value).toMatch(said);
      expect(r.stderr.trim().split('\n'), value).toHaveLength(1);
      expect(readdirSync(join(dir, 'sub')), value).toEqual([]);
      expect(existsSync(join(dir, '.git/hooks/pre-commit')), value).toBe(false);
    }
  });

  it('leaves an existing hook alone without --force, chains it with --force, and uninstall restores it', async () => {
    const dir = repo();
    const hook = join(dir, '.git/hooks/pre-commit');
    mkdirSync(join(dir, '.git/hooks'), { recursive: true });
    const mine = '#!/bin/sh\necho previous-hook-ran >> "$(git rev-parse --git-dir)/previous.log"\n';
    writeFileSync(hook, mine, { mode: 0o755 });

    const refused = await runCli(['hook', 'install'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/exists and is not hfleaks'.*--force/);
    expect(readFileSync(hook, 'utf8')).toBe(mine);

    expect((await runCli(['hook', 'install', '--force'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'b.txt'), 'clean\n');
    git(dir, 'add', 'b.txt');
    expect(git(dir, 'commit', '-q', '-m', 'clean').code).toBe(0);
    expect(readFileSync(join(dir, '.git/previous.log'), 'utf8')).toBe('previous-hook-ran\n');
    writeFileSync(join(dir, 'c.txt'), `t=${gen.userToken()}\n`);
    git(dir, 'add', 'c.txt');
    expect(git(dir, 'commit', '-q', '-m', 'leak').code).not.toBe(0);

    const un = await runCli(['hook', 'uninstall'], { cwd: dir });
    expect(un.code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe(mine);
  });

  it('--force chains a non-executable hook only as git would run it: when it is executable', async () => {
    const dir = repo();
    const hook = join(dir, '.git/hooks/pre-commit');
    mkdirSync(join(dir, '.git/hooks'), { recursive: true });
    // git ignores a hook that is not executable: this one has never blocked a commit.
    writeFileSync(hook, '#!/bin/sh\necho previous-hook-ran >&2\nexit 1\n', { mode: 0o644 });
    expect((await runCli(['hook', 'install', '--force'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'b.txt'), 'clean\n');
    git(dir, 'add', 'b.txt');
    const r = git(dir, 'commit', '-q', '-m', 'clean');
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toMatch(/previous-hook-ran|Permission denied/);
    // Made executable, it runs, as git would run it.
    chmodSync(join(dir, '.git/hooks/pre-commit.hfleaks-previous'), 0o755);
    writeFileSync(join(dir, 'c.txt'), 'clean\n');
    git(dir, 'add', 'c.txt');
    const blocked = git(dir, 'commit', '-q', '-m', 'clean too');
    expect(blocked.code).not.toBe(0);
    expect(blocked.out).toMatch(/previous-hook-ran/);
  });

  it('refuses to touch hooks husky manages, with or without --force, and says what to do', async () => {
    // husky 9: core.hooksPath .husky/_, whose stubs source h, which runs the user's
    // .husky/<name of the stub> (h shortened from husky's).
    const dir = repo();
    mkdirSync(join(dir, '.husky/_'), { recursive: true });
    git(dir, 'config', 'core.hooksPath', '.husky/_');
    const h = '#!/usr/bin/env sh\nn=$(basename "$0")\ns=$(dirname "$(dirname "$0")")/$n\n[ ! -f "$s" ] && exit 0\nsh -e "$s" "$@"\nc=$?\n[ $c != 0 ] && echo "husky - $n script failed (code $c)"\nexit $c\n';
    writeFileSync(join(dir, '.husky/_/h'), h, { mode: 0o755 });
    const stub = '#!/usr/bin/env sh\n. "${0%/*}/h"\n';
    writeFileSync(join(dir, '.husky/_/pre-commit'), stub, { mode: 0o755 });
    writeFileSync(join(dir, '.husky/pre-commit'), 'echo users-husky-hook-ran >&2\nexit 1\n');
    for (const args of [['hook', 'install'], ['hook', 'install', '--force']]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/husky manages the git hooks in .*\.husky\/_; left alone: add the line `npx --no-install hfleaks staged` to \.husky\/pre-commit instead/);
    }
    expect(readdirSync(join(dir, '.husky/_')).sort()).toEqual(['h', 'pre-commit']);
    expect(readFileSync(join(dir, '.husky/_/pre-commit'), 'utf8')).toBe(stub);
    // The user's hook still runs.
    writeFileSync(join(dir, 'b.txt'), 'x\n');
    git(dir, 'add', 'b.txt');
    const c = git(dir, 'commit', '-q', '-m', 'x');
    expect(c.code).not.toBe(0);
    expect(c.out).toMatch(/users-husky-hook-ran/);

    // husky 5 to 8: core.hooksPath .husky, the user's scripts there, husky's in .husky/_.
    const old = repo();
    mkdirSync(join(old, '.husky/_'), { recursive: true });
    git(old, 'config', 'core.hooksPath', '.husky');
    writeFileSync(join(old, '.husky/_/husky.sh'), '#!/usr/bin/env sh\n');
    const r = await runCli(['hook', 'install', '--force'], { cwd: old });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/husky manages the git hooks/);
    expect(existsSync(join(old, '.husky/pre-commit'))).toBe(false);

    // husky 9's directory gone (git clean -dfx), core.hooksPath still naming it: husky's all the same.
    for (const hooksPath of ['.husky/_', '.husky/_/']) {
      const cleaned = repo();
      git(cleaned, 'config', 'core.hooksPath', hooksPath);
      const c2 = await runCli(['hook', 'install', '--force'], { cwd: cleaned });
      expect(c2.code, hooksPath).toBe(2);
      expect(c2.stderr).toMatch(/husky manages the git hooks in .*\.husky\/_\/?; left alone/);
      expect(existsSync(join(cleaned, '.husky'))).toBe(false);
    }
  });

  it('leaves a hook edited since install alone: uninstall refuses, install needs --force', async () => {
    const dir = repo();
    const hook = join(dir, '.git/hooks/pre-commit');
    expect((await runCli(['hook', 'install'], { cwd: dir })).code).toBe(0);
    const edited = `${readFileSync(hook, 'utf8')}echo my own check\n`;
    writeFileSync(hook, edited);
    const un = await runCli(['hook', 'uninstall'], { cwd: dir });
    expect(un.code).toBe(2);
    expect(un.stderr).toMatch(/was edited after hfleaks installed it; left alone/);
    expect(readFileSync(hook, 'utf8')).toBe(edited);
    const again = await runCli(['hook', 'install'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(readFileSync(hook, 'utf8')).toBe(edited);
    expect((await runCli(['hook', 'install', '--force'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).not.toMatch(/my own check/);
    // The edited hook is kept beside it, not lost.
    expect(readFileSync(join(dir, '.git/hooks/pre-commit.hfleaks-edited'), 'utf8')).toBe(edited);
    expect((await runCli(['hook', 'uninstall'], { cwd: dir })).code).toBe(0);
    expect(existsSync(hook)).toBe(false);
    // A hook with the marker and no digest (an older hfleaks' or its line deleted): uninstall
    // can't tell and leaves it; install replaces it, keeping it aside.
    const undigested = edited.replace(/^# hfleaks-digest: .*\n/m, '');
    rmSync(join(dir, '.git/hooks/pre-commit.hfleaks-edited'));
    writeFileSync(hook, undigested, { mode: 0o755 });
    const cant = await runCli(['hook', 'uninstall'], { cwd: dir });
    expect(cant.code).toBe(2);
    expect(cant.stderr).toMatch(/has no digest/);
    expect((await runCli(['hook', 'install'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, '.git/hooks/pre-commit.hfleaks-edited'), 'utf8')).toBe(undigested);
    expect((await runCli(['hook', 'uninstall'], { cwd: dir })).code).toBe(0);
  });

  it('uninstall touches nothing it did not install; outside a repository is an error', async () => {
    const dir = repo();
    const hook = join(dir, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const r = await runCli(['hook', 'uninstall'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not installed by hfleaks; left alone/);
    expect(existsSync(hook)).toBe(true);
    const nowhere = tempDir();
    const n = await runCli(['hook', 'install'], { cwd: nowhere, env: { GIT_CEILING_DIRECTORIES: nowhere } });
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/not a git repository/);
  });
});

describe('the pre-commit framework', () => {
  it("installs hfleaks with `npm pack`, reading its output as the package's file name: the project's .npmrc keeps the prepare banner out of it", () => {
    // A package with a prepare script, as hfleaks has (its build), packed with hfleaks'
    // .npmrc and without: the banner npm prints before a foreground script is what broke
    // the install (pre-commit took "> pkg prepare … pkg-1.0.0.tgz" for the file name).
    const pack = (withNpmrc: boolean) => {
      const dir = tempDir();
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pkg', version: '1.0.0', scripts: { prepare: 'node -e 0' } }));
      if (withNpmrc) writeFileSync(join(dir, '.npmrc'), readFileSync(join(ROOT, '.npmrc')));
      // (Without the settings `npm test` hands its scripts: those of hfleaks' .npmrc among them.)
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
      const r = spawnSync('npm', ['pack', '--offline'], { cwd: dir, encoding: 'utf8', env: clean });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    expect(pack(false)).toContain('prepare');
    expect(pack(true)).toBe('pkg-1.0.0.tgz\n');
  });
});
