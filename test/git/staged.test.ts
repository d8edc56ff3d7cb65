// `hfleaks staged`: the index against HEAD, only what the next commit adds.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CLI, installedCopy, ROOT, runCli, runJson, tempDir } from '../helpers/cli.ts';
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
    // The advice is about a commit not made yet: nothing was committed or pushed.
    const last = h.report.findings[0].advice.at(-1);
    expect(last).toMatch(/^It is not committed yet: take it out of `app\.py` and stage the file again/);
    expect(h.report.findings[0].advice.join('\n')).not.toMatch(/commit the fix|was pushed/);
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

  it('compares with the HEAD commit as it is, not as a replace ref shows it', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('config.env', 'A=1\n');
    const head = r.commit('start');
    // A replacement of HEAD whose tree already has the token would make it look old.
    r.write('config.env', `A=1\nT=${token}\n`);
    r.git('add', '-A');
    const fake = r.git('commit-tree', '-m', 'fake', r.git('write-tree').trim()).trim();
    r.git('replace', head, fake);
    const h = await staged(r);
    expect(h.code, h.stderr).toBe(1);
    expect(h.report.findings[0].locations).toEqual([{ path: 'config.env', line: 2, column: 3 }]);
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
    // Inside a repository's .git: not a bare repository, and not called one.
    const r = makeRepo();
    const inside = await runCli(['staged', '--no-progress'], { cwd: join(r.dir, '.git'), env: r.env });
    expect(inside.code).toBe(2);
    expect(inside.stderr).toMatch(/needs a working tree: run it in one, not in a bare repository or inside \.git/);
  });

  it.skipIf(process.getuid?.() !== 0)("in a repository git refuses (another user's, not in safe.directory), says git's reason, as history does", async () => {
    const r = makeRepo();
    r.write('a.env', `HF_TOKEN=${gen.userToken()}\n`);
    r.git('add', 'a.env');
    spawnSync('chown', ['-R', '65534:65534', r.dir]);
    const out = await runCli(['staged', '--no-progress'], { cwd: r.dir, env: r.env });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^hfleaks: detected dubious ownership in repository at /);
    expect(out.stderr).not.toMatch(/unknown option/);
  });

  it('sees what is staged outside the current directory, even with diff.relative set', async () => {
    const r = makeRepo();
    r.write('sub/x.txt', 'x\n');
    r.commit('x');
    r.git('config', 'diff.relative', 'true');
    r.write('top.env', `T=${gen.userToken()}\n`);
    r.git('add', '-A');
    const h = await staged(r, join(r.dir, 'sub'));
    expect(h.code).toBe(1);
    expect(h.report.findings[0].locations[0].path).toBe('top.env');
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

// The installed command runs `hfleaks staged` from dist/staged.cjs, one CommonJS file
// compiled with the code cache the build leaves beside it, and hands any other command
// line to the full CLI (dist/cli.js).
describe('the hook path (dist/hfleaks.cjs → dist/staged.cjs)', () => {
  it('takes plain command lines itself and hands the rest to the full CLI', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('app.py', `HF_TOKEN = "${token}"\n`);
    r.git('add', '-A');
    const opts = { cwd: r.dir, env: r.env };
    const help = await runCli(['staged', '--help'], opts);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Scan what the next commit would add');
    const unknown = await runCli(['staged', '--no-such-flag'], opts);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('hfleaks: Unknown argument: --no-such-flag\n');
    const badFormat = await runCli(['staged', '--format', 'yaml'], opts);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/^hfleaks: unknown format "yaml"/);
    // An option before the command goes through yargs, and finds the same.
    const before = await runCli(['--format', 'json', 'staged', '--no-progress'], opts);
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout).findings).toHaveLength(1);
    const sarif = await runCli(['staged', '--format', 'sarif', '--no-progress'], opts);
    expect(sarif.code).toBe(1);
    expect(JSON.parse(sarif.stdout).runs[0].results).toHaveLength(1);
    expect(sarif.stdout + before.stdout).not.toContain(token);
  });

  it('reads archives in staged blobs (fflate is required from node_modules when needed)', async () => {
    const r = makeRepo();
    r.write('export.zip', Buffer.from(zipSync({ 'conf/secrets.env': Buffer.from(`HF_TOKEN=${gen.userToken()}\n`) })));
    r.git('add', '-A');
    const h = await staged(r);
    expect(h.code).toBe(1);
    expect(h.report.findings[0].locations).toEqual([{ path: 'export.zip!conf/secrets.env', line: 1, column: 10 }]);
  });

  it('works with the code cache as built, with none, and never runs a cache made for other code', async () => {
    expect(existsSync(join(ROOT, 'dist', 'staged.cjs.cache'))).toBe(true);
    const { cli, code, cache } = installedCopy('staged');
    const built = readFileSync(cache);
    const r = makeRepo();
    r.write('app.py', 'x = 1\n');
    r.git('add', '-A');
    const run = () => runCli(['staged', '--no-progress', '--debug'], { cwd: r.dir, env: r.env, cli });
    const asBuilt = await run();
    expect([asBuilt.code, asBuilt.stderr]).toEqual([0, '']);
    expect(asBuilt.stdout).toMatch(/^No Hugging Face tokens found/);
    // staged.cjs edited, same length: V8 alone would run the cached (old) code.
    writeFileSync(code, readFileSync(code, 'utf8').replaceAll('No Hugging Face tokens found', 'NO HUGGING FACE TOKENS FOUND'));
    const edited = await run();
    expect(edited.code).toBe(0);
    expect(edited.stdout).toMatch(/^NO HUGGING FACE TOKENS FOUND/);
    expect(edited.stderr).toMatch(/^hfleaks: debug: .*staged\.cjs\.cache was not made for this staged\.cjs \(or is damaged\); compiled without it\n$/);
    // Damaged data (V8 would crash on it), with the original code: never handed to V8.
    cpSync(join(ROOT, 'dist', 'staged.cjs'), code);
    const damaged = Buffer.from(built);
    for (let i = damaged.length - 4000; i < damaged.length; i += 97) damaged[i]! ^= 0x5a;
    writeFileSync(cache, damaged);
    const bad = await run();
    expect([bad.code, bad.stdout.startsWith('No Hugging Face tokens found')]).toEqual([0, true]);
    expect(bad.stderr).toMatch(/was not made for this staged\.cjs \(or is damaged\)/);
    rmSync(cache);
    const none = await run();
    expect([none.code, none.stderr]).toEqual([0, '']);
    // A broken install is an error (exit 2), never "token found" (1) to the hook.
    rmSync(code);
    const broken = await run();
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^hfleaks: internal error: .*staged\.cjs/);
    expect(CLI.endsWith(join('dist', 'hfleaks.cjs'))).toBe(true);
  });

  it('the build warms its cache without touching the repository whose hook runs it', async () => {
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    r.write('b.txt', 'b\n');
    r.git('add', 'b.txt');
    const before = r.git('ls-files', '--stage');
    const out = tempDir();
    // As inside a hook of that repository: git's variables name it.
    const env = { ...process.env, ...r.env, GIT_DIR: join(r.dir, '.git'), GIT_INDEX_FILE: join(r.dir, '.git', 'index'), GIT_WORK_TREE: r.dir, HFLEAKS_OUTDIR: join(out, 'dist') };
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, env, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    expect(build.stderr).toBe('');
    expect(existsSync(join(out, 'dist', 'staged.cjs.cache'))).toBe(true);
    expect(existsSync(join(out, 'dist', 'verify.cjs.cache'))).toBe(true);
    expect(r.git('ls-files', '--stage')).toBe(before);
    expect(r.git('status', '--porcelain')).toBe('A  b.txt\n');
  });
});
