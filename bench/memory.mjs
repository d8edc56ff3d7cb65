// `npm run bench:memory`: peak RSS of hfleaks on the inputs that could make memory grow
// with input size (issue 7's goal: <= 256 MB each):
//   (1) a 300 MB file that is one line, with a token at its very end;
//   (2) a 2 GB tree: the files benchmark's tree (bench/.work/tree, ~550 MB) linked four
//       times over (hard links: no extra disk, same bytes to read);
//   (3) a 1 GB history: the history benchmark's repository (bench/.work/history-repo),
//       as generated (with a reachability bitmap) and as a copy without it (what a fresh
//       clone has; bench:history makes it): hfleaks lists blobs differently in each.
// It also checks that each run found what it should. Peak RSS comes from GNU time
// (`%M`), for the hfleaks process itself.
//
//   npm run bench:memory                 build, prepare missing inputs, measure
//   npm run bench:memory -- --threads 2  pass --threads to hfleaks
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, mulberry32, ROOT, withoutBitmap, WORK } from './lib.mjs';

const DIST = path.join(WORK, 'dist-memory');
const GOAL_MB = 256;
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const argv = process.argv.slice(2);
const threadsAt = argv.indexOf('--threads');
const threads = threadsAt >= 0 ? ['--threads', argv[threadsAt + 1]] : [];

if (!TIME) {
  console.error('bench:memory needs GNU time (/usr/bin/time): apt-get install -y time');
  process.exit(2);
}

// A token from the seeded generator the other benchmarks use.
function token(seed) {
  const rnd = mulberry32(seed);
  const L = 'abcdefghijklmnopqrstuvwxyz';
  const abc = L + L.toUpperCase();
  for (;;) {
    let s = '';
    for (let i = 0; i < 34; i++) s += abc[Math.floor(rnd() * abc.length)];
    if (/[A-Z].*[A-Z].*[A-Z]/.test(s) && /[a-z].*[a-z].*[a-z]/.test(s)) return `hf_${s}`;
  }
}

function build() {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, env: { ...process.env, HFLEAKS_OUTDIR: DIST }, stdio: 'inherit' });
}

function measure(label, args) {
  const out = path.join(WORK, `memory-${label.replace(/\W+/g, '-')}.json`);
  const fd = fs.openSync(out, 'w', 0o600);
  const t0 = Date.now();
  const r = spawnSync(TIME, ['-f', '%M %e', process.execPath, path.join(DIST, BIN), ...args, '--format', 'json', '--no-progress', '-q', ...threads], {
    stdio: ['ignore', fd, 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  fs.closeSync(fd);
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [kb, secs] = last.split(' ').map(Number);
  let report;
  try {
    report = JSON.parse(fs.readFileSync(out, 'utf8'));
  } catch {
    report = undefined;
  }
  return { label, mb: kb / 1024, secs: secs || (Date.now() - t0) / 1000, code: r.status, report };
}

function oneLineFile() {
  const file = path.join(WORK, 'memory-one-line.txt');
  const t = token(0x5eed);
  const want = 300 * (1 << 20) + 1 + t.length;
  if (!fs.existsSync(file) || fs.statSync(file).size !== want) {
    const fd = fs.openSync(file, 'w');
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 300; i++) fs.writeSync(fd, block);
    fs.writeSync(fd, ` ${t}`);
    fs.closeSync(fd);
  }
  return { file, sha: undefined, token: t };
}

function twoGigTree() {
  const src = path.join(WORK, 'tree');
  if (!fs.existsSync(src)) execFileSync(process.execPath, ['bench/files.mjs', '--generate-only'], { cwd: ROOT, stdio: 'inherit' });
  const dst = path.join(WORK, 'tree-2g');
  if (!fs.existsSync(path.join(dst, 'copy3'))) {
    fs.rmSync(dst, { recursive: true, force: true });
    fs.mkdirSync(dst, { recursive: true });
    for (let i = 0; i < 4; i++) execFileSync('cp', ['-al', src, path.join(dst, `copy${i}`)]);
  }
  const bytes = Number(execFileSync('du', ['-sbl', dst], { encoding: 'utf8' }).split('\t')[0]);
  return { dir: dst, bytes };
}

function historyRepo() {
  const repo = path.join(WORK, 'history-repo');
  if (!fs.existsSync(repo)) execFileSync(process.execPath, ['bench/history.mjs', '--generate-only'], { cwd: ROOT, stdio: 'inherit' });
  return repo;
}

fs.mkdirSync(WORK, { recursive: true });
build();
const rows = [];

const one = oneLineFile();
const r1 = measure('300 MB single line', ['scan', one.file]);
const found1 = r1.report?.findings?.some((f) => f.locations.some((l) => l.column === 300 * (1 << 20) + 2)) ?? false;
rows.push({ ...r1, input: '300 MB file, one line, token at its end', ok: found1 });

const tree = twoGigTree();
const r2 = measure('2 GB tree', ['scan', tree.dir, '--no-ignore']);
const locs = r2.report?.findings?.reduce((n, f) => n + f.locations.length, 0) ?? 0;
rows.push({ ...r2, input: `${(tree.bytes / 2 ** 30).toFixed(2)} GB tree (4 x the files tree)`, ok: r2.code === 1 && locs > 0 });

const repo = historyRepo();
const r3 = measure('1 GB history', ['history', repo]);
rows.push({ ...r3, input: `history of ${path.relative(ROOT, repo)}`, ok: r3.code === 1 && (r3.report?.findings?.length ?? 0) > 0 });
const plain = withoutBitmap(repo);
if (plain) {
  const r4 = measure('1 GB history without bitmap', ['history', plain]);
  rows.push({ ...r4, input: 'the same history without its bitmap', ok: r4.code === 1 && r4.report?.findings?.length === r3.report?.findings?.length });
}

console.log('\nPeak RSS of hfleaks (goal <= 256 MB each)\n');
console.log('| input | time | peak RSS | goal | found |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.input} | ${r.secs.toFixed(1)} s | ${r.mb.toFixed(0)} MB | ${r.mb <= GOAL_MB ? 'PASS' : 'FAIL'} | ${r.ok ? 'yes' : 'NO'} |`);
}
fs.writeFileSync(path.join(WORK, 'results-memory.json'), JSON.stringify(rows.map(({ report, ...r }) => r), null, 2));
process.exitCode = rows.every((r) => r.mb <= GOAL_MB && r.ok) ? 0 : 1;
