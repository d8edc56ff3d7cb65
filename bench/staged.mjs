#!/usr/bin/env node
// `npm run bench:staged`: the pre-commit case. A repository of 10,000 files with 10 files
// staged; hyperfine times `hfleaks staged` beside `node -e 0` (the floor for any Node
// CLI) and `git diff --cached --quiet` (the floor for asking git what is staged).
// Goal: median wall time of `hfleaks staged` <= 150 ms. Also timed: bench/staged-floor.mjs,
// the least a Node program does to answer the same question (ask git, read the staged
// blobs, no scanning), and `hfleaks --version`, which goes through yargs.
//
//   npm run bench:staged                  build the repository once (cached), then time
//   npm run bench:staged -- --runs 50     more runs per command (default 30)
//
// The repository lives in bench/.work/staged-repo (gitignored). The token staged in the
// second case is built here at run time; none is written in this file.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mulberry32 } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = path.join(ROOT, 'bench', '.work');
const REPO = path.join(WORK, 'staged-repo');
const FILES = 10_000;
const STAGED = 10;
const GOAL_MS = 150;
const HYPERFINE = fs.existsSync('/usr/bin/hyperfine') ? '/usr/bin/hyperfine' : 'hyperfine';
const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};

const rnd = mulberry32(11);
const int = (n) => Math.floor(rnd() * n);
const WORDS = 'model data batch train loss eval config layer weight step epoch loader tensor device path file name value'.split(' ');
const line = () => `    ${WORDS[int(WORDS.length)]}_${WORDS[int(WORDS.length)]} = ${WORDS[int(WORDS.length)]}(${int(100000)})`;
const text = (lines) => `${Array.from({ length: lines }, line).join('\n')}\n`;
const fileOf = (i) => path.join(REPO, `src/pkg${i % 50}/mod${i % 7}/file${i}.py`);
const git = (...args) => execFileSync('git', args, { cwd: REPO, env: ENV, stdio: ['ignore', 'pipe', 'inherit'] });

function tokenBody() {
  for (;;) {
    let s = '';
    for (let i = 0; i < 34; i++) s += (rnd() < 0.5 ? 'abcdefghijklmnopqrstuvwxyz' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')[int(26)];
    if (!/your|token|example|placeholder|dummy|fake|sample|redacted|secret|changeme|insert|replace|xxxx/i.test(s)) return s;
  }
}

function build() {
  const marker = path.join(REPO, '.git', 'hfleaks-bench');
  if (!fs.existsSync(marker)) {
    console.log(`building ${path.relative(ROOT, REPO)}: ${FILES} files…`);
    fs.rmSync(REPO, { recursive: true, force: true });
    fs.mkdirSync(REPO, { recursive: true });
    git('init', '-q', '-b', 'main');
    git('config', 'commit.gpgsign', 'false');
    for (let i = 0; i < FILES; i++) {
      const file = fileOf(i);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text(20 + int(80)));
    }
    git('add', '-A');
    git('commit', '-q', '-m', 'initial');
    fs.writeFileSync(marker, 'ok\n');
  }
  // The staged change: 10 files edited (a line appended), staged, not committed.
  git('reset', '-q', '--hard');
  git('clean', '-q', '-fd');
  for (let k = 0; k < STAGED; k++) fs.appendFileSync(fileOf(k * 997), `${line()}\n`);
  git('add', '-A');
  const staged = git('diff', '--cached', '--name-only').toString().trim().split('\n').filter(Boolean).length;
  if (staged !== STAGED) throw new Error(`expected ${STAGED} staged files, got ${staged}`);
}

function snapshotCli() {
  const dist = path.join(ROOT, 'dist');
  const ok = fs.existsSync(path.join(dist, 'cli.js')) && spawnSync(process.execPath, [path.join(dist, 'cli.js'), 'staged', '--help'], { stdio: 'ignore' }).status === 0;
  if (!ok) {
    console.log('building dist/ (npm run build)…');
    if (spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
  }
  const snap = path.join(WORK, 'dist-staged');
  fs.rmSync(snap, { recursive: true, force: true });
  fs.cpSync(dist, snap, { recursive: true });
  return path.join(snap, 'cli.js');
}

function hyperfine(runs, commands, out) {
  const args = ['-N', '--warmup', '5', '--runs', String(runs), '--ignore-failure', '--style', 'basic', '--export-json', out];
  for (const [name, cmd] of commands) args.push('-n', name, cmd);
  const r = spawnSync(HYPERFINE, args, { cwd: REPO, env: ENV, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`hyperfine failed (${r.error?.message ?? `exit ${r.status}`})`);
  return JSON.parse(fs.readFileSync(out, 'utf8')).results;
}

function main() {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
  build();
  const cli = snapshotCli();
  const node = process.execPath;
  const staged = `${node} ${cli} staged --no-progress`;
  // Check the command does what is timed: clean, 10 files scanned.
  const check = spawnSync(node, [cli, 'staged', '--no-progress', '--format', 'json'], { cwd: REPO, env: ENV, encoding: 'utf8' });
  const report = JSON.parse(check.stdout);
  if (check.status !== 0 || report.stats.files !== STAGED) throw new Error(`hfleaks staged: exit ${check.status}, ${report.stats.files} files`);
  fs.mkdirSync(path.join(WORK, 'out-staged'), { recursive: true });
  const clean = hyperfine(Number(values.runs), [
    ['node -e 0', `${node} -e 0`],
    ['git diff --cached --quiet', 'git diff --cached --quiet'],
    ['Node floor (staged-floor.mjs)', `${node} ${path.join(ROOT, 'bench', 'staged-floor.mjs')}`],
    ['hfleaks --version (through yargs)', `${node} ${cli} --version`],
    ['hfleaks staged (clean)', staged],
  ], path.join(WORK, 'out-staged', 'clean.json'));
  // Once more with a token in one staged file: the path that finds, reads HEAD's version
  // and reports.
  fs.appendFileSync(fileOf(0), `HF_TOKEN = "hf${'_'}${tokenBody()}"\n`);
  git('add', '-A');
  const leak = hyperfine(Number(values.runs), [['hfleaks staged (a token staged)', staged]], path.join(WORK, 'out-staged', 'leak.json'));
  git('reset', '-q', '--hard');
  const ms = (r) => (r.median * 1000).toFixed(1);
  console.log(`\nmedian wall time, ${FILES} files in the repository, ${STAGED} staged`);
  for (const r of [...clean, ...leak]) console.log(`  ${r.command.padEnd(34)} ${ms(r).padStart(7)} ms   (mean ${(r.mean * 1000).toFixed(1)} ± ${(r.stddev * 1000).toFixed(1)})`);
  const ours = clean[4].median * 1000;
  const floor = clean[2].median * 1000;
  console.log(`\n  ${ours <= GOAL_MS ? 'ok  ' : 'MISS'} hfleaks staged: ${ours.toFixed(0)} ms (goal <= ${GOAL_MS} ms); ${(ours - clean[0].median * 1000).toFixed(0)} ms above node -e 0, ${(ours - floor).toFixed(0)} ms above the Node floor (${floor.toFixed(0)} ms)`);
}

main();
