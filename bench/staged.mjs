#!/usr/bin/env node
// `npm run bench:staged`: the pre-commit case. A repository of 10,000 files with 10 files
// staged; `hfleaks staged` is timed beside `node -e 0` (the floor for any Node CLI) and
// `git diff --cached --quiet` (the floor for asking git what is staged), all interleaved.
// Goal: median wall time of `hfleaks staged` <= 150 ms. Also timed: bench/staged-floor.cjs,
// the least a Node program does to answer the same question (ask git, read the staged
// blobs, no scanning), `hfleaks --version`, which goes through yargs, and the pre-commit
// hook `hfleaks hook install` writes, run as git runs it (`sh .git/hooks/pre-commit`).
//
// When NODE_EXTRA_CA_CERTS is set (this machine sets it), Node 20 parses every root
// certificate before running a line of JavaScript: 60 ms or more on every start. The hook
// unsets it (the scan is offline); a direct `hfleaks staged` can't. Both are timed, and
// `node -e 0` and `hfleaks staged` are timed again without the variable.
//
//   npm run bench:staged                  build the repository once (cached), then time
//   npm run bench:staged -- --runs 80     more runs per command (default 40)
//
// The repository lives in bench/.work/staged-repo (gitignored). The token staged in the
// second case is built here at run time; none is written in this file.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CA_VAR, mulberry32, ROOT, snapshotCli, WORK, withoutCa } from './lib.mjs';

const REPO = path.join(WORK, 'staged-repo');
const FILES = 10_000;
const STAGED = 10;
const GOAL_MS = 150;
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

/** Median, mean and standard deviation of a list of times (ms). */
function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const sd = Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / times.length);
  return { median: sorted[Math.floor(sorted.length / 2)], mean, sd };
}

/**
 * Times each command `runs` times, interleaved (one run of each, in turn, per round), so
 * that a slow spell of this shared machine falls on every command alike. Each run is a
 * spawn from this process to the command's exit.
 */
function interleaved(runs, commands) {
  const once = ([, argv, cwd]) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { cwd, env: ENV, stdio: 'ignore' });
    if (r.error) throw r.error;
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  for (let w = 0; w < 3; w++) commands.forEach(once);
  const times = commands.map(() => []);
  for (let i = 0; i < runs; i++) commands.forEach((c, k) => times[k].push(once(c)));
  return commands.map(([name], k) => ({ name, ...stats(times[k]) }));
}

function main() {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '40' } } });
  build();
  const cli = snapshotCli('dist-staged', ['staged', '--help']);
  const node = process.execPath;
  // Check the command does what is timed: clean, 10 files scanned.
  const check = spawnSync(node, [cli, 'staged', '--no-progress', '--format', 'json'], { cwd: REPO, env: ENV, encoding: 'utf8' });
  const report = JSON.parse(check.stdout);
  if (check.status !== 0 || report.stats.files !== STAGED) throw new Error(`hfleaks staged: exit ${check.status}, ${report.stats.files} files`);
  // A copy with a token in one staged file too: the path that finds, reads HEAD's version
  // and reports.
  const LEAK = `${REPO}-leak`;
  fs.rmSync(LEAK, { recursive: true, force: true });
  fs.cpSync(REPO, LEAK, { recursive: true });
  fs.appendFileSync(path.join(LEAK, path.relative(REPO, fileOf(0))), `HF_TOKEN = "hf${'_'}${tokenBody()}"\n`);
  execFileSync('git', ['add', '-A'], { cwd: LEAK, env: ENV });
  const leakCheck = spawnSync(node, [cli, 'staged', '--no-progress', '--format', 'json'], { cwd: LEAK, env: ENV, encoding: 'utf8' });
  if (leakCheck.status !== 1 || JSON.parse(leakCheck.stdout).findings.length !== 1) throw new Error(`hfleaks staged with a token: exit ${leakCheck.status}`);
  // The hook as `hfleaks hook install` writes it, running this snapshot. Git runs it in
  // the repository being committed to: here REPO's hook runs in REPO and in LEAK. It must
  // pass the clean change and block the token, or its time means nothing.
  execFileSync(node, [cli, 'hook', 'install'], { cwd: REPO, env: ENV, stdio: 'ignore' });
  const hook = path.join(REPO, '.git', 'hooks', 'pre-commit');
  const hookSh = ['/bin/sh', hook];
  for (const [cwd, want] of [[REPO, 0], [LEAK, 1]]) {
    const r = spawnSync(hookSh[0], hookSh.slice(1), { cwd, env: ENV, encoding: 'utf8' });
    if (r.status !== want) throw new Error(`the pre-commit hook in ${path.basename(cwd)}: exit ${r.status}, expected ${want}: ${r.stderr.slice(0, 300)}`);
  }
  const results = interleaved(Number(values.runs), [
    ['node -e 0', [node, '-e', '0'], REPO],
    ['git diff --cached --quiet', ['git', 'diff', '--cached', '--quiet'], REPO],
    ['Node floor (staged-floor.cjs)', [node, path.join(ROOT, 'bench', 'staged-floor.cjs')], REPO],
    ['hfleaks --version (through yargs)', [node, cli, '--version'], REPO],
    ['hfleaks staged (clean)', [node, cli, 'staged', '--no-progress'], REPO],
    ['hfleaks staged (a token staged)', [node, cli, 'staged', '--no-progress'], LEAK],
    ['the pre-commit hook (clean)', hookSh, REPO],
    ['the pre-commit hook (a token staged)', hookSh, LEAK],
    ...(CA_VAR
      ? [
          [`node -e 0, ${CA_VAR} unset`, withoutCa([node, '-e', '0']), REPO],
          [`hfleaks staged (clean), ${CA_VAR} unset`, withoutCa([node, cli, 'staged', '--no-progress']), REPO],
        ]
      : []),
  ]);
  fs.rmSync(LEAK, { recursive: true, force: true });
  fs.mkdirSync(path.join(WORK, 'out-staged'), { recursive: true });
  fs.writeFileSync(path.join(WORK, 'out-staged', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwall time over ${values.runs} interleaved runs, ${FILES} files in the repository, ${STAGED} staged`);
  const width = Math.max(...results.map((r) => r.name.length)) + 1;
  for (const r of results) console.log(`  ${r.name.padEnd(width)} median ${r.median.toFixed(1).padStart(6)} ms   (mean ${r.mean.toFixed(1)} ± ${r.sd.toFixed(1)})`);
  const [nodeOnly, , floorRun, , clean, , hookClean, , nodeBare, cleanBare] = results;
  const verdict = (ms) => (ms <= GOAL_MS ? 'ok  ' : 'MISS');
  console.log(`\n  ${verdict(hookClean.median)} the pre-commit hook: ${hookClean.median.toFixed(0)} ms (goal <= ${GOAL_MS} ms)`);
  console.log(`  ${verdict(clean.median)} hfleaks staged run directly: ${clean.median.toFixed(0)} ms; ${(clean.median - nodeOnly.median).toFixed(0)} ms above node -e 0, ${(clean.median - floorRun.median).toFixed(0)} ms above the Node floor (${floorRun.median.toFixed(0)} ms)`);
  if (cleanBare) {
    console.log(`  ${verdict(cleanBare.median)} hfleaks staged run directly, ${CA_VAR} unset: ${cleanBare.median.toFixed(0)} ms; ${(cleanBare.median - nodeBare.median).toFixed(0)} ms above node -e 0 (${nodeBare.median.toFixed(0)} ms)`);
    console.log(`  ${CA_VAR} costs every Node start ${(nodeOnly.median - nodeBare.median).toFixed(0)} ms here; the hook unsets it, the scan being offline.`);
  }
}

main();
