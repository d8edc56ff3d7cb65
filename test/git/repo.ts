// Builds real git repositories in temporary directories for the history tests: fixed
// authors and dates, no signing, and nothing read from the machine's git config.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { placeholderReason } from '../../src/detect/filters.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import { tempDir } from '../helpers/cli.ts';

/**
 * Tokens for the git tests, built at run time. A random body can happen to contain a
 * placeholder word (`your`, `fake`…) that the detector rightly distrusts; such bodies
 * are drawn again, so each test's tokens are findings whatever the seed.
 */
export function tokens(seed: number) {
  const gen = tokenGenerator(seed);
  const clean = (make: () => string, prefix: string) => {
    for (;;) {
      const t = make();
      if (!placeholderReason(t.slice(prefix.length))) return t;
    }
  };
  return { userToken: (digits = false) => clean(() => gen.userToken(digits), 'hf_'), orgToken: () => clean(() => gen.orgToken(), 'api_org_') };
}

/** Environment for git and for the CLI under test: no global or system config. */
export function gitTestEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig-none'),
    GIT_AUTHOR_NAME: 'Alice Example',
    GIT_AUTHOR_EMAIL: 'alice@example.invalid',
    GIT_COMMITTER_NAME: 'Alice Example',
    GIT_COMMITTER_EMAIL: 'alice@example.invalid',
    GIT_TERMINAL_PROMPT: '0',
  };
}

export interface TestRepo {
  dir: string;
  env: Record<string, string>;
  git(...args: string[]): string;
  write(path: string, text: string | Buffer): void;
  remove(path: string): void;
  /** Stages everything and commits; returns the commit id. */
  commit(message: string, opts?: { author?: string; date?: string }): string;
}

let clock = Date.UTC(2024, 0, 1) / 1000;

/** Runs git in `cwd` with the test environment. */
export function runGit(cwd: string, env: Record<string, string>, args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function makeRepo(opts: { bare?: boolean; dir?: string; branch?: string; sha256?: boolean } = {}): TestRepo {
  const dir = opts.dir ?? tempDir('hfleaks-git-');
  mkdirSync(dir, { recursive: true });
  const env = gitTestEnv(dir);
  const git = (...args: string[]) => runGit(dir, env, args);
  git('init', '-q', ...(opts.bare ? ['--bare'] : []), ...(opts.sha256 ? ['--object-format=sha256'] : []), '-b', opts.branch ?? 'main');
  git('config', 'commit.gpgsign', 'false');
  git('config', 'tag.gpgsign', 'false');
  git('config', 'core.autocrlf', 'false');
  git('config', 'gc.auto', '0');
  return {
    dir,
    env,
    git,
    write(path, text) {
      const abs = join(dir, path);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    },
    remove(path) {
      rmSync(join(dir, path), { force: true });
    },
    commit(message, o = {}) {
      clock += 3600;
      const date = o.date ?? `@${clock} +0000`;
      const e = { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, ...(o.author ? { GIT_AUTHOR_NAME: o.author } : {}) };
      runGit(dir, e, ['add', '-A']);
      runGit(dir, e, ['commit', '-q', '--allow-empty', '-m', message]);
      return runGit(dir, e, ['rev-parse', 'HEAD']).trim();
    },
  };
}

/**
 * A partial clone of `r` (`git clone --filter=FILTER`, without a checkout unless asked),
 * whose remote is then taken away: a fetch of what it lacks fails instead of passing
 * unnoticed. Returns the clone's directory.
 */
export function partialClone(r: TestRepo, name: string, filter: string, opts: { checkout?: boolean } = {}): string {
  r.git('config', 'uploadpack.allowFilter', 'true');
  const parent = tempDir();
  const clone = join(parent, name);
  runGit(parent, r.env, ['clone', '-q', ...(opts.checkout ? [] : ['--no-checkout']), `--filter=${filter}`, `file://${r.dir}`, clone]);
  rmSync(join(r.dir, '.git'), { recursive: true, force: true });
  return clone;
}
