// `hfleaks staged`: the index against HEAD, only what the next commit adds.
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, runJson, tempDir } from '../helpers/cli.ts';
import { makeRepo, tokens } from './repo.ts';

const gen = tokens(777);

function staged(repo: { dir: string; env: Record<string, string> }, cwd = repo.dir) {
  return runJson(['staged', '--no-progress'], { cwd, env: repo.env });
}

describe('hfleaks staged', () => {
  it('finds a token in staged content, and nothing once it is only in the working tree', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('app.py', 'x = 1\n');
    r.commit('start');
    r.write('app.py', `x = 1\nHF_TOKEN = "${token}"\n`);
    r.git('add', 'app.py');
    const h = await staged(r);
    expect(h.code).toBe(1);
    expect(h.report.command).toBe('staged');
    expect(h.report.findings).toHaveLength(1);
    expect(h.report.findings[0].locations).toEqual([{ path: 'app.py', line: 2, column: 13 }]);
    expect(h.report.stats).toMatchObject({ files: 1, blobs: 1 });
    expect(h.stdout).not.toContain(token);
    // Unstage it: the working tree still has the token, the index does not.
    r.git('reset', '-q', 'app.py');
    const after = await staged(r);
    expect(after.code).toBe(0);
    expect(after.report.findings).toEqual([]);
  });

  it('reports only what the change adds: a token HEAD already had is not new', async () => {
    const old = gen.userToken();
    const fresh = gen.userToken();
    const r = makeRepo();
    r.write('config.env', `OLD=${old}\nA=1\n`);
    r.commit('old token (already leaked, a history matter)');
    r.write('config.env', `# header\nOLD=${old}\nA=2\nNEW=${fresh}\n`);
    r.git('add', '-A');
    const h = await staged(r);
    expect(h.code).toBe(1);
    expect(h.report.findings).toHaveLength(1);
    expect(h.report.findings[0].locations).toEqual([{ path: 'config.env', line: 4, column: 5 }]);
    // Staging only an edit elsewhere in the file is clean.
    r.git('reset', '-q');
    r.write('config.env', `OLD=${old}\nA=3\n`);
    r.git('add', '-A');
    expect((await staged(r)).code).toBe(0);
  });

  it('a renamed file with its old token adds nothing; a copy of the line does', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('src/settings.py', `A = 1\nTOKEN = "${token}"\nB = 2\nC = 3\n`);
    r.commit('settings');
    r.git('mv', 'src/settings.py', 'src/config.py');
    expect((await staged(r)).code).toBe(0);
    r.write('src/config.py', `A = 1\nTOKEN = "${token}"\nB = 2\nC = 3\nTOKEN2 = "${token}"\n`);
    r.git('add', '-A');
    const h = await staged(r);
    expect(h.report.findings[0].locations).toEqual([{ path: 'src/config.py', line: 5, column: 11 }]);
  });

  it('a binary file keeping the token HEAD had adds nothing when other bytes change; a new token in it is reported', async () => {
    const token = gen.userToken();
    const fresh = gen.userToken();
    const r = makeRepo();
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256));
    r.write('bin.dat', Buffer.concat([bytes, Buffer.from(`hub_token ${token}`), Buffer.from([0, 1, 2])]));
    r.commit('binary');
    r.write('bin.dat', Buffer.concat([bytes, Buffer.from(`hub_token ${token}`), Buffer.from([0, 1, 2, 3])]));
    r.git('add', '-A');
    const h = await staged(r);
    expect(h.report.findings).toEqual([]);
    expect(h.code).toBe(0);
    r.write('bin.dat', Buffer.concat([bytes, Buffer.from(`hub_token ${token}`), Buffer.from([0, 1, 2, 3]), Buffer.from(`hub_token ${fresh}`)]));
    r.git('add', '-A');
    const added = await staged(r);
    expect(added.code).toBe(1);
    expect(added.report.findings).toHaveLength(1);
    expect(added.report.findings[0].locations).toEqual([expect.objectContaining({ path: 'bin.dat' })]);
  });

  it('works in a repository with no commits yet, and from a subdirectory', async () => {
    const token = gen.orgToken();
    const r = makeRepo();
    r.write('deep/dir/keys.txt', `org ${token}\n`);
    r.write('deep/dir/data.gz', gzipSync(Buffer.from(`x\n${gen.userToken()}\n`)));
    r.git('add', '-A');
    const h = await staged(r, join(r.dir, 'deep'));
    expect(h.code).toBe(1);
    expect(h.report.findings.map((f: any) => f.locations[0].path).sort()).toEqual(['deep/dir/data.gz!data', 'deep/dir/keys.txt']);
  });

  it('is clean with nothing staged, and skips deletions', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('old.txt', `${token}\n`);
    r.commit('old');
    expect((await staged(r)).code).toBe(0);
    r.git('rm', '-q', 'old.txt');
    const h = await staged(r);
    expect(h.code).toBe(0);
    expect(h.report.stats.files).toBe(0);
  });

  it('honours hfleaks:allow on the line', async () => {
    const r = makeRepo();
    r.write('t.py', `T = "${gen.userToken()}"  # hfleaks:allow test fixture\n`);
    r.git('add', '-A');
    const h = await staged(r);
    expect(h.code).toBe(0);
    expect(h.report.stats.suppressed).toBe(1);
  });

  it('exits 2 outside a repository and in a bare one', async () => {
    const dir = tempDir();
    const out = await runCli(['staged', '--no-progress'], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: dir } });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/not in a git repository/);
    const bare = makeRepo({ bare: true });
    const b = await runCli(['staged', '--no-progress'], { cwd: bare.dir, env: bare.env });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/working tree/);
  });

  it('scans the index a hook is given (GIT_INDEX_FILE), as in `git commit -a`', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    r.write('a.txt', `a\n${token}\n`);
    // A temporary index holding the change, as git builds for `commit -a`.
    const index = join(tempDir(), 'index');
    const env = { ...r.env, GIT_INDEX_FILE: index };
    const { runGit } = await import('./repo.ts');
    runGit(r.dir, env, ['read-tree', 'HEAD']);
    runGit(r.dir, env, ['add', 'a.txt']);
    expect((await staged(r)).code).toBe(0); // the real index has nothing staged
    const h = await runJson(['staged', '--no-progress'], { cwd: r.dir, env });
    expect(h.code).toBe(1);
  });
});
