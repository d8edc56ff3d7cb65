// `hfleaks audit`: working tree and full history in one report.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runJson, tempDir } from '../helpers/cli.ts';
import { makeRepo, runGit, tokens } from './repo.ts';

const gen = tokens(31337);
// Verification would call the Hub: these tests stay offline.
const OFFLINE = ['--no-verify', '--no-progress'];

describe('hfleaks audit', () => {
  it('merges working-tree and history locations of a secret into one finding', async () => {
    const shared = gen.userToken();
    const historyOnly = gen.userToken();
    const r = makeRepo();
    r.write('notebook.ipynb', `{"source": ["login(\\"${shared}\\")\\n"]}\n`);
    const c1 = r.commit('notebook');
    r.write('old.sh', `export HF_TOKEN=${historyOnly}\n`);
    const c2 = r.commit('old script');
    r.remove('old.sh');
    r.commit('remove old script');
    // Uncommitted: a copy of the shared token in a new file.
    r.write('scratch.py', `t = "${shared}"\n`);
    const a = await runJson(['audit', ...OFFLINE], { cwd: r.dir, env: r.env });
    expect(a.code).toBe(1);
    expect(a.report.command).toBe('audit');
    expect(a.report.findings).toHaveLength(2);
    const byPath = (p: string) => a.report.findings.find((f: any) => f.locations.some((l: any) => l.path === p));
    const sharedFinding = byPath('scratch.py');
    expect(sharedFinding.locations).toEqual(
      expect.arrayContaining([
        { path: 'scratch.py', line: 1, column: 6 },
        expect.objectContaining({ path: 'notebook.ipynb', commit: c1, inHead: true }),
        expect.objectContaining({ path: 'notebook.ipynb', line: 1 }),
      ]),
    );
    // The working-tree copy of notebook.ipynb, and its history location.
    expect(sharedFinding.locations).toHaveLength(3);
    expect(byPath('old.sh').locations).toEqual([expect.objectContaining({ commit: c2, inHead: false })]);
    expect(a.report.stats.files).toBeGreaterThanOrEqual(2);
    expect(a.report.stats.blobs).toBe(2);
    expect(a.report.stats.commits).toBe(3);
  });

  it("finds a token in a remote's URL in .git/config, and reads nothing else of .git", async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    r.git('remote', 'add', 'origin', 'https://github.com/acme/code.git');
    r.git('remote', 'add', 'hub', `https://alice:${token}@huggingface.co/acme/model`);
    r.write('.git/COMMIT_EDITMSG', `${gen.userToken()}\n`); // git's own scratch file: not what the user keeps
    for (const args of [['scan', '.'], ['audit', ...OFFLINE]]) {
      const out = await runJson(args, { cwd: r.dir, env: r.env });
      expect(out.code, args[0]).toBe(1);
      expect(out.report.findings.map((f: any) => f.locations.map((l: any) => l.path))).toEqual([['.git/config']]);
      const steps: string[] = out.report.findings[0].advice;
      // Not origin, which is GitHub's here, nor a URL rebuilt (a dataset's has datasets/ in it): what git remote -v shows.
      expect(steps.join('\n')).toContain('Take it out of the remote URL in `.git/config`: `git remote set-url REMOTE URL`, with the REMOTE and URL `git remote -v` shows holding it, less the `user:token@` part');
      expect(steps.join('\n')).not.toContain('commit the fix');
    }
  });

  it('audits a named repository from elsewhere, and a bare one (history only, with a note)', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('k.txt', `${token}\n`);
    r.commit('k');
    const named = await runJson(['audit', r.dir, ...OFFLINE], { env: r.env });
    expect(named.code).toBe(1);
    expect(named.report.findings[0].locations.map((l: any) => l.path)).toEqual(['k.txt', 'k.txt']);
    const bareDir = join(tempDir(), 'b.git');
    runGit(r.dir, r.env, ['clone', '-q', '--bare', r.dir, bareDir]);
    const bare = await runJson(['audit', bareDir, ...OFFLINE], { env: r.env });
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/bare repository/);
    expect(bare.report.findings[0].locations).toEqual([expect.objectContaining({ path: 'k.txt', inHead: true })]);
    // A working tree's .git directory is no bare repository: say what was left out.
    const dotGit = await runJson(['audit', join(r.dir, '.git'), ...OFFLINE], { env: r.env });
    expect(dotGit.code).toBe(1);
    expect(dotGit.stderr).toMatch(/a \.git directory: its working tree is not scanned, history only/);
    expect(dotGit.stderr).not.toMatch(/bare/);
  });

  it('scans the working tree GIT_WORK_TREE names, run from anywhere (a bare repository for dotfiles)', async () => {
    const token = gen.userToken();
    const gitDir = join(tempDir(), 'dots.git');
    const work = tempDir();
    const r = makeRepo({ bare: true, dir: gitDir });
    const env = { ...r.env, GIT_DIR: gitDir, GIT_WORK_TREE: work };
    writeFileSync(join(work, 'app.py'), 'x = 1\n');
    runGit(work, env, ['add', 'app.py']);
    runGit(work, env, ['commit', '-q', '-m', 'c1']);
    writeFileSync(join(work, 'app.py'), `x = 1\nHF_TOKEN = "${token}"\n`); // not committed
    const out = await runJson(['audit', ...OFFLINE], { cwd: tempDir(), env });
    expect(out.code).toBe(1);
    expect(out.report.findings.map((f: any) => f.locations.map((l: any) => l.path))).toEqual([['app.py']]);
    expect(out.stderr).not.toMatch(/not scanned/);
  });

  it('lists a file over the size cap once for the working tree and once, told apart, for its blob', async () => {
    const r = makeRepo();
    r.write('big.bin', Buffer.alloc(2 << 20, 0x61));
    r.write('a.txt', 'a\n');
    r.commit('big');
    const blob = r.git('rev-parse', 'HEAD:big.bin').trim();
    const a = await runJson(['audit', ...OFFLINE, '--max-file-size', '1MB'], { cwd: r.dir, env: r.env });
    expect(a.code).toBe(0);
    const skipped = a.report.stats.skipped.filter((s: any) => s.path === 'big.bin');
    expect(skipped).toHaveLength(2);
    expect(skipped[0]).toEqual({ path: 'big.bin', reason: `larger than the size cap (${2 << 20} > ${1 << 20} bytes)` });
    expect(skipped[1]).toEqual({ path: 'big.bin', reason: `git blob ${blob.slice(0, 12)}: larger than the size cap (${2 << 20} > ${1 << 20} bytes)` });
  });

  it('keeps the commit-less history location of a shallow clone apart from the working-tree one', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('k.txt', `${token}\n`);
    r.commit('k');
    r.write('b.txt', 'b\n');
    r.commit('b');
    const clone = join(tempDir(), 'shallow');
    runGit(r.dir, r.env, ['clone', '-q', '--depth', '1', `file://${r.dir}`, clone]);
    const a = await runJson(['audit', ...OFFLINE], { cwd: clone, env: r.env });
    expect(a.code).toBe(1);
    expect(a.report.findings[0].locations).toEqual([
      { path: 'k.txt', line: 1, column: 1 },
      { path: 'k.txt', line: 1, column: 1, inHead: true },
    ]);
  });

  it('exits 2 on a path that is not a repository', async () => {
    const dir = tempDir();
    const r = await runCli(['audit', dir, ...OFFLINE], { env: { GIT_CEILING_DIRECTORIES: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a git repository/);
  });
});
