// Shared by the benchmark scripts (plain Node 20 can't import the TypeScript sources).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Generated inputs, snapshots and outputs (gitignored). */
export const WORK = path.join(ROOT, 'bench', '.work');
/** The installed command's file name in a dist directory (package.json "bin"). */
export const BIN = path.basename(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).bin.hfleaks);

/**
 * Set in this environment, NODE_EXTRA_CA_CERTS makes every Node start parse the root
 * certificates first (tens of milliseconds): the benches also time Node without it.
 */
export const CA_VAR = process.env.NODE_EXTRA_CA_CERTS ? 'NODE_EXTRA_CA_CERTS' : undefined;

/** A command line run with NODE_EXTRA_CA_CERTS unset. */
export function withoutCa(argv) {
  return ['/usr/bin/env', '-u', 'NODE_EXTRA_CA_CERTS', ...argv];
}

/** mulberry32: the same seeded generator as src/rules/template.ts, so fixtures repeat. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * A private copy of dist/ (bench/.work/NAME), so a rebuild by someone else mid-benchmark
 * can't break a run; dist/ is built first when it is missing or `probe` (arguments for
 * the command) fails. Returns the copy's installed command.
 */
export function snapshotCli(name, probe) {
  const dist = path.join(ROOT, 'dist');
  const bin = path.join(dist, BIN);
  const ok = fs.existsSync(bin) && (!probe || spawnSync(process.execPath, [bin, ...probe], { stdio: 'ignore' }).status === 0);
  if (!ok) {
    console.log('building dist/ (npm run build)…');
    if (spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
  }
  const snap = path.join(WORK, name);
  fs.rmSync(snap, { recursive: true, force: true });
  fs.cpSync(dist, snap, { recursive: true });
  return path.join(snap, BIN);
}

/**
 * A copy of the repository's git directory without its reachability bitmap (hard links:
 * no second gigabyte; made again when the repository changes), or undefined when it has
 * no bitmap.
 */
export function withoutBitmap(repo) {
  const gitDir = spawnSync('git', ['rev-parse', '--absolute-git-dir'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
  const dir = path.join(gitDir, 'objects', 'pack');
  const packs = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  if (!packs.some((f) => f.endsWith('.bitmap'))) return undefined;
  const copy = path.join(WORK, 'history-repo-no-bitmap.git');
  const stamp = path.join(copy, 'hfleaks-bench-source');
  const source = `${gitDir} ${packs.join(' ')}`;
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== source) {
    fs.rmSync(copy, { recursive: true, force: true });
    if (spawnSync('cp', ['-al', gitDir, copy]).status !== 0) fs.cpSync(gitDir, copy, { recursive: true });
    // Removing the copy's name of the bitmap leaves the original's.
    for (const f of fs.readdirSync(path.join(copy, 'objects', 'pack'))) if (f.endsWith('.bitmap')) fs.rmSync(path.join(copy, 'objects', 'pack', f));
    fs.writeFileSync(stamp, source);
  }
  return copy;
}
