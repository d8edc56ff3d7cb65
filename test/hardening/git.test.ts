// Hostile repositories: an empty one, a detached HEAD, 10,000 refs, a corrupt pack file.
// Each asserts a clear result or warning, no crash, no hang, and every other finding.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runJson, tempDir } from '../helpers/cli.ts';
import { sha256 } from '../../src/findings/aggregate.ts';
import { makeRepo, tokens } from '../git/repo.ts';
import { seededBytes } from '../helpers/detect.ts';

const OFFLINE = ['--no-verify', '--no-progress'];

/** Repacks the repository into one pack, lets `damage` change its bytes, writes them back; returns the pack. */
function damagePack(r: ReturnType<typeof makeRepo>, damage: (bytes: Buffer, pack: string) => void): string {
  r.git('repack', '-adq');
  const dir = join(r.dir, '.git', 'objects', 'pack');
  const pack = join(dir, readdirSync(dir).find((f) => f.endsWith('.pack'))!);
  const bytes = readFileSync(pack);
  damage(bytes, pack);
  writeFileSync(pack, bytes);
  return pack;
}

describe('hostile repositories', () => {
  it('an empty repository with no commits: history is clean (exit 0), staged and audit work', async () => {
    const r = makeRepo();
    const h = await runJson(['history', r.dir, ...OFFLINE], { env: r.env });
    expect(h.code, h.stderr).toBe(0);
    expect(h.report.findings).toEqual([]);
    const t = tokens(1).userToken();
    r.write('a.env', `HF_TOKEN=${t}\n`);
    r.git('add', 'a.env');
    const s = await runJson(['staged'], { cwd: r.dir, env: r.env });
    expect(s.code).toBe(1);
    const a = await runJson(['audit', r.dir, ...OFFLINE], { env: r.env });
    expect(a.code).toBe(1);
    expect(a.report.findings[0].locations.map((l: any) => l.path)).toEqual(['a.env']);
  });

  it('a detached HEAD: history still sees every ref, inHead follows the detached commit', async () => {
    const r = makeRepo();
    const tk = tokens(2);
    const old = tk.userToken();
    r.write('old.py', `T = "${old}"\n`);
    const first = r.commit('old token');
    r.remove('old.py');
    r.write('b.txt', 'clean\n');
    r.commit('remove it');
    r.git('checkout', '-q', '--detach', first);
    const h = await runJson(['history', r.dir, ...OFFLINE], { env: r.env });
    expect(h.code, h.stderr).toBe(1);
    expect(h.report.findings[0].locations[0]).toMatchObject({ path: 'old.py', inHead: true });
  });

  it('10,000 refs: every ref is read, and the scan finishes', async () => {
    const r = makeRepo();
    const t = tokens(3).userToken();
    r.write('a.txt', 'base\n');
    const base = r.commit('base');
    r.git('checkout', '-q', '-b', 'side');
    r.write('side.env', `HF_TOKEN=${t}\n`);
    const side = r.commit('token on a side branch');
    r.git('checkout', '-q', 'main');
    r.git('branch', '-q', '-D', 'side');
    // 10,000 refs, one of them the only way to reach the token.
    const lines = Array.from({ length: 9_999 }, (_, i) => `create refs/tags/t${i} ${base}`);
    lines.push(`create refs/heads/keep/side ${side}`);
    const file = join(r.dir, '..', `refs-${process.pid}.txt`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    execFileSync('git', ['update-ref', '--stdin'], { cwd: r.dir, env: { ...process.env, ...r.env }, input: readFileSync(file) });
    expect(r.git('for-each-ref', '--count=1', 'refs/heads/keep').trim()).not.toBe('');
    const h = await runJson(['history', r.dir, ...OFFLINE], { env: r.env, timeoutMs: 120_000 });
    expect(h.code, h.stderr).toBe(1);
    expect(h.report.findings[0].locations[0]).toMatchObject({ path: 'side.env', commit: side });
  });

  it('a corrupt pack file: a warning, never a crash or a clean "nothing found" about what was not read', async () => {
    const r = makeRepo();
    const tk = tokens(4);
    const a = tk.userToken();
    const b = tk.userToken();
    r.write('a.env', `A=${a}\n`);
    r.commit('a');
    r.write('b.env', `B=${b}\n`);
    r.commit('b');
    // Flip bytes in the middle of the pack: some objects no longer inflate.
    const pack = damagePack(r, (bytes) => {
      for (let i = Math.floor(bytes.length / 3); i < Math.floor(bytes.length / 3) + 64 && i < bytes.length - 20; i++) bytes[i] = bytes[i]! ^ 0xff;
    });
    expect(existsSync(pack)).toBe(true);
    const h = await runCli(['history', r.dir, '--format', 'json', ...OFFLINE], { env: r.env, timeoutMs: 60_000 });
    // The flipped bytes land in a commit: the walk fails, hfleaks says so and falls back
    // to every blob in the object database, so both tokens are still found.
    expect(h.code, h.stderr).toBe(1);
    expect(h.stderr).toMatch(/warning: cannot walk the history \(.*\); scanning every blob in the object database instead/);
    const report = JSON.parse(h.stdout);
    expect(report.findings.map((f: any) => f.secret.sha256).sort()).toEqual([sha256(a), sha256(b)].sort());
    expect(report.stats.warnings.length).toBeGreaterThan(0);
  });

  it('a corrupt blob in a pack: git gives up on it, hfleaks says which and reads the rest', async () => {
    const r = makeRepo();
    const tk = tokens(5);
    const a = tk.userToken();
    const z = tk.userToken();
    r.write('a.env', `A=${a}\n`);
    // Random bytes do not compress: the blob keeps its size in the pack, and damage in
    // its middle hits it and nothing else.
    r.write('junk.bin', seededBytes(40_000, 7));
    r.write('z.env', `Z=${z}\n`);
    r.commit('three files');
    const junk = r.git('rev-parse', 'HEAD:junk.bin').trim();
    damagePack(r, (bytes, pack) => {
      // verify-pack: <oid> <type> <size> <size-in-pack> <offset>
      const line = r.git('verify-pack', '-v', pack.replace(/\.pack$/, '.idx')).split('\n').find((l) => l.startsWith(junk))!;
      const [, , , inPack, offset] = line.trim().split(/\s+/).map(Number);
      for (let i = offset! + Math.floor(inPack! / 2); i < offset! + Math.floor(inPack! / 2) + 8; i++) bytes[i] = 0;
    });
    for (const cmd of ['history', 'audit']) {
      const h = await runCli([cmd, r.dir, '--format', 'json', ...OFFLINE], { env: r.env, timeoutMs: 60_000 });
      expect(h.code, h.stderr).toBe(1);
      expect(h.stderr).toContain(`warning: git object ${junk.slice(0, 12)}: git cannot read it (`);
      const report = JSON.parse(h.stdout);
      expect(report.findings.map((f: any) => f.secret.sha256).sort()).toEqual([sha256(a), sha256(z)].sort());
      expect(report.stats.missingObjects).toBe(1);
    }
  });

  it('a tree git cannot read: a warning and a count, not a clean result', async () => {
    const r = makeRepo();
    const t = tokens(6).userToken();
    r.write('d/a.env', `A=${t}\n`);
    r.commit('in d');
    r.remove('d/a.env');
    r.write('x.txt', 'x\n');
    r.commit('d removed');
    const tree = r.git('rev-parse', 'HEAD~1:d').trim();
    rmSync(join(r.dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2)));
    const h = await runCli(['history', r.dir, '--format', 'json', ...OFFLINE], { env: r.env, timeoutMs: 60_000 });
    expect(h.stderr).toMatch(/warning: walking the history's changes failed \(.*tree.*\); blobs only reachable through what git could not read were not scanned/);
    const report = JSON.parse(h.stdout);
    expect(report.stats.missingObjects).toBeGreaterThan(0);
  });

  it('git not on PATH: every git command says so in one line, exit 2 (never 1, "tokens found")', async () => {
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    const env = { ...r.env, PATH: tempDir('hfleaks-nogit-') };
    for (const args of [['history'], ['audit'], ['history', '--range', 'HEAD..HEAD'], ['history', '--submodules'], ['staged'], ['hook', 'install']]) {
      const h = await runCli([...args, ...(args[0] === 'hook' ? [] : OFFLINE)], { cwd: r.dir, env });
      expect(h.code, `${args.join(' ')}: ${h.stderr}`).toBe(2);
      expect(h.stderr, args.join(' ')).toMatch(/^hfleaks: cannot run git \(spawn git ENOENT\); is git installed\?\n$/);
    }
  });

  it('a `!` in a file name is part of the name: .hfleaksignore globs match the whole of it', async () => {
    const r = makeRepo();
    const tk = tokens(8);
    r.write('.hfleaksignore', 'notes\n');
    r.write('notes!v2.txt', `K=${tk.userToken()}\n`);
    r.write('notes', `K=${tk.userToken()}\n`);
    r.git('add', '-A');
    const s = await runJson(['staged'], { cwd: r.dir, env: r.env });
    expect(s.code, s.stderr).toBe(1);
    expect(s.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path))).toEqual(['notes!v2.txt']);
    r.commit('notes');
    const h = await runJson(['history', r.dir, ...OFFLINE], { env: r.env });
    expect(h.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path))).toEqual(['notes!v2.txt']);
  });
});
