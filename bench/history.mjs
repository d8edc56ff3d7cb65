#!/usr/bin/env node
// `npm run bench:history [-- REPO]`: times `hfleaks history` against the floor for any
// reader of git's objects and against what patch-based scanners pay, alternating:
//
//   (a) git cat-file --batch-all-objects --batch --unordered | cat >/dev/null
//   (b) git log -p -U0 --all | rg -c PATTERN
//   (c) hfleaks history
//   (d) hfleaks history on a copy without the reachability bitmap, when the repository
//       has one (the generated one does, as `git repack` writes for bare repositories; a
//       fresh `git clone` has none): hfleaks lists blobs another way there.
//
// Goals: (c) <= 1.0x (a), (c) >= 3x faster than (b), peak RSS <= 256 MB, and the same
// findings every run (every planted token among them).
//
//   npm run bench:history                      generate the repository once (cached), then time
//   npm run bench:history -- /path/to/repo     time an existing repository instead
//   npm run bench:history -- --rounds 5        more rounds (default 3)
//   npm run bench:history -- --threads 1       pass --threads to hfleaks
//   npm run bench:history -- --regen          regenerate the repository
//   npm run bench:history -- --generate-only  generate (or keep) it and stop
//
// The generated repository (bench/.work/history-repo, gitignored) is built with
// `git fast-import` and repacked: >= 20,000 commits and >= 1 GiB of blob content (every
// version of every file counted once), source-like files edited a few lines at a time,
// with tokens planted at run time from a seeded generator: some deleted later, one copied
// into a file every 701 commits, one only on a side branch. No token is written in this
// file; the manifest keeps only their SHA-256.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, mulberry32, ROOT, snapshotCli, withoutBitmap, WORK } from './lib.mjs';

/** Bump when the generated repository changes: a cached one of another version is rebuilt. */
const GENERATOR_VERSION = 2;
const PARAMS = { commits: 20_000, bytes: 1 << 30, seed: 7, version: GENERATOR_VERSION };
const REPO = path.join(WORK, 'history-repo');
const OUT = path.join(WORK, 'out-history');
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const RG = fs.existsSync('/usr/bin/rg') ? '/usr/bin/rg' : 'rg';
const RG_PATTERN = '(hf_|api_org_)[A-Za-z0-9]{34}';
const GOALS = { vsCatFile: 1.0, vsLogPatch: 3, rssMB: 256 };

// ---------------------------------------------------------------------------------------
// Generation


const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const WORDS = (
  'model data batch train loss eval config layer weight bias grad step epoch dataset loader ' +
  'tensor device cuda cpu optimizer scheduler checkpoint save load path file name value result output ' +
  'input hidden size dim head attention mask logits label score metric accuracy precision recall ' +
  'seed random shuffle split test valid cache hub repo upload download push pull commit ' +
  'request response client server handler error retry timeout session user account org space ' +
  'pipeline task prompt generate decode encode vocab merge rank world local global node process'
).split(' ');
/** Bodies the detector would rightly take for placeholders are drawn again. */
const PLACEHOLDERISH = /your|token|example|placeholder|dummy|fake|sample|redacted|secret|changeme|insert|replace|xxxx/i;

function makeText(seed) {
  const rnd = mulberry32(seed);
  const int = (n) => Math.floor(rnd() * n);
  const word = () => WORDS[int(WORDS.length)];
  const ident = () => word() + word()[0].toUpperCase() + word().slice(1);
  const shapes = [
    () => `    ${ident()} = ${ident()}(${word()}, ${int(100000)})`,
    () => `    if ${word()}_${word()} > ${int(1000)}:`,
    () => `        return ${ident()}.${word()}(${word()}=${int(64)})`,
    () => `    # ${word()} ${word()} ${word()} ${word()} ${word()} ${word()}`,
    () => `def ${word()}_${word()}(${word()}, ${word()}=None):`,
    () => `    logger.info("${word()} %s ${word()} %d", ${word()}, ${int(9999)})`,
    () => `    ${word()}s = [${word()} for ${word()} in ${ident()} if ${word()}]`,
    () => '',
  ];
  const line = () => shapes[int(shapes.length)]();
  const tokenBody = (n) => {
    for (;;) {
      let s = '';
      for (let i = 0; i < n; i++) s += (rnd() < 0.5 ? LOWER : UPPER)[int(26)];
      if (/[A-Z](.*[A-Z]){5}/.test(s) && /[a-z](.*[a-z]){5}/.test(s) && !PLACEHOLDERISH.test(s)) return s;
    }
  };
  return { rnd, int, line, userToken: () => `hf${'_'}${tokenBody(34)}`, orgToken: () => `api${'_org_'}${tokenBody(34)}` };
}

const sha256 = (s) => createHash('sha256').update(s).digest('hex');

/** Builds the repository with `git fast-import` (and repacks it); returns its manifest. */
async function generate(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '--bare', dir]);
  execFileSync('git', ['symbolic-ref', 'HEAD', 'refs/heads/main'], { cwd: dir });
  console.log(`generating ${path.relative(ROOT, dir)}: ${PARAMS.commits} commits, ${(PARAMS.bytes / 2 ** 30).toFixed(2)} GiB of blobs…`);
  const started = Date.now();
  const fi = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = new Promise((res, rej) => fi.on('close', (c) => (c === 0 ? res() : rej(new Error(`git fast-import exited ${c}`)))));
  const write = (buf) => (fi.stdin.write(buf) ? undefined : new Promise((r) => fi.stdin.once('drain', r)));
  const enc = new TextEncoder();
  const data = (b) => [enc.encode(`data ${b.length}\n`), b, enc.encode('\n')];

  const t = makeText(PARAMS.seed);
  const files = [];
  const dirs = Array.from({ length: 120 }, (_, i) => `pkg${i % 12}/mod${i}`);
  const planted = new Set();
  const removeLater = new Map(); // commit number -> [{ file, token }]
  let mark = 0;
  let bytes = 0;
  let blobs = 0;
  let when = 1_500_000_000;
  const shared = t.userToken(); // copied into another file every 701 commits
  planted.add(shared);

  const newFile = () => {
    const lines = Array.from({ length: 150 + t.int(350) }, t.line);
    const stem = t.line().replace(/[^a-z]/g, '').slice(0, 12) || 'x';
    const f = { path: `${dirs[t.int(dirs.length)]}/${stem}_${files.length}.py`, lines };
    files.push(f);
    return f;
  };
  const edit = (f) => {
    for (let k = 0; k < 3; k++) f.lines[t.int(f.lines.length)] = t.line();
    f.lines.splice(t.int(f.lines.length), t.int(3), t.line(), t.line());
    if (f.lines.length > 900) f.lines.splice(t.int(f.lines.length - 200), 150);
  };
  const commit = async (ref, changed, msg, from) => {
    const parts = [];
    const marks = [];
    for (const f of changed) {
      const body = enc.encode(`${f.lines.join('\n')}\n`);
      bytes += body.length;
      blobs++;
      marks.push(++mark);
      parts.push(enc.encode(`blob\nmark :${mark}\n`), ...data(body));
    }
    const cm = ++mark;
    when += 600 + t.int(6000);
    const who = `Dev ${t.int(40)} <dev${t.int(40)}@example.invalid> ${when} +0000\n`;
    parts.push(enc.encode(`commit ${ref}\nmark :${cm}\nauthor ${who}committer ${who}`), ...data(enc.encode(msg)));
    if (from) parts.push(enc.encode(`from :${from}\n`));
    changed.forEach((f, i) => parts.push(enc.encode(`M 100644 :${marks[i]} ${f.path}\n`)));
    parts.push(enc.encode('\n'));
    for (const p of parts) await write(p);
    return cm;
  };

  for (let i = 0; i < 300; i++) newFile();
  let prev = await commit('refs/heads/main', files.slice(), 'initial import', 0);
  let n = 1;
  let branchBase = 0;
  while (n < PARAMS.commits || bytes < PARAMS.bytes) {
    const changed = new Set();
    if (t.rnd() < 0.08 || files.length < 400) changed.add(newFile());
    const k = 2 + t.int(5);
    while (changed.size < k) {
      const f = files[t.int(files.length)];
      edit(f);
      changed.add(f);
    }
    const list = [...changed];
    if (n % 997 === 0 || n % 1499 === 0) {
      const f = list[0];
      const token = n % 2 ? t.userToken() : t.orgToken();
      planted.add(token);
      f.lines.splice(t.int(f.lines.length), 0, `    HF_TOKEN = "${token}"`);
      if (n % 3 === 0) {
        const at = n + 50 + t.int(400);
        removeLater.set(at, [...(removeLater.get(at) ?? []), { f, token }]);
      }
    }
    if (n % 701 === 0) list[list.length - 1].lines.push(`login(token="${shared}")`);
    for (const { f, token } of removeLater.get(n) ?? []) {
      f.lines = f.lines.filter((l) => !l.includes(token));
      if (!changed.has(f)) list.push(f);
    }
    removeLater.delete(n);
    prev = await commit('refs/heads/main', list, `change ${n}`, prev);
    n++;
    if (n === 5000) branchBase = prev;
    if (n === 12_000) await write(enc.encode(`reset refs/tags/v1.0\nfrom :${prev}\n\n`));
  }
  const side = newFile();
  const branchToken = t.userToken();
  planted.add(branchToken);
  side.lines.splice(3, 0, `HF_TOKEN=${branchToken}`);
  await commit('refs/heads/feature/old-experiment', [side], 'experiment', branchBase);
  await write(enc.encode('done\n'));
  fi.stdin.end();
  await exited;
  console.log(`fast-import done in ${((Date.now() - started) / 1000).toFixed(0)} s; repacking (git repack -a -d -f)…`);
  execFileSync('git', ['repack', '-a', '-d', '-f', '-q', '--window=10', '--depth=50'], { cwd: dir, stdio: 'inherit' });
  const manifest = {
    params: PARAMS,
    commits: n + 1,
    blobBytes: bytes,
    blobVersions: blobs,
    tokens: [...planted].map(sha256).sort(),
    seconds: Math.round((Date.now() - started) / 1000),
  };
  fs.writeFileSync(path.join(dir, 'hfleaks-bench.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

async function loadOrGenerate(regen) {
  const file = path.join(REPO, 'hfleaks-bench.json');
  if (!regen && fs.existsSync(file)) {
    const m = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (JSON.stringify(m.params) === JSON.stringify(PARAMS)) return m;
  }
  return generate(REPO);
}

// ---------------------------------------------------------------------------------------
// Running and measuring

/**
 * Runs `argv` (stdout to a file): wall time, peak RSS of the whole process tree (GNU
 * time's %M: the largest process), and the peak of the first process itself (VmHWM
 * polled from /proc: for hfleaks, the Node process without its git children).
 */
function measure(name, argv, { cwd }) {
  fs.mkdirSync(OUT, { recursive: true });
  const stdoutFile = path.join(OUT, `${name}.out`);
  const timeFile = path.join(OUT, `${name}.time`);
  fs.rmSync(timeFile, { force: true });
  const out = fs.openSync(stdoutFile, 'w', 0o600);
  const err = fs.openSync(path.join(OUT, `${name}.err`), 'w', 0o600);
  const full = TIME ? [TIME, '-f', '%e %M %U %S', '-o', timeFile, ...argv] : argv;
  const busy0 = cpuBusy();
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(full[0], full.slice(1), { cwd, stdio: ['ignore', out, err] });
    let own = 0;
    const target = () => {
      // Under GNU time, the measured process is time's only child.
      if (!TIME) return child.pid;
      try {
        return Number(fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]) || undefined;
      } catch {
        return undefined;
      }
    };
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${target()}/status`, 'utf8'));
        if (m) own = Math.max(own, Number(m[1]));
      } catch {
        /* not started or gone */
      }
    }, 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      clearInterval(poll);
      fs.closeSync(out);
      fs.closeSync(err);
      let treeKB = own;
      let cpu;
      if (TIME && fs.existsSync(timeFile)) {
        const m = /([\d.]+) (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(fs.readFileSync(timeFile, 'utf8'));
        if (m) {
          treeKB = Number(m[2]);
          cpu = Number(m[3]) + Number(m[4]);
        }
      }
      // CPU time other processes took meanwhile: a busy machine skews a run.
      const busy = cpuBusy();
      const others = busy !== undefined && busy0 !== undefined && cpu !== undefined ? Math.max(0, busy - busy0 - cpu) : undefined;
      resolve({ name, code, wallMs, ownMB: own / 1024, treeMB: treeKB / 1024, cpu, others, stdoutFile });
    });
  });
}

/** CPU seconds all processes have used since boot (/proc/stat), or undefined. */
function cpuBusy() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0);
    return busy / 100; // USER_HZ
  } catch {
    return undefined;
  }
}


/** Fingerprints and locations of a JSON report, as one comparable string. */
function findingsKey(report) {
  return JSON.stringify(
    report.findings.map((f) => [f.fingerprint, f.locations.map((l) => `${l.path}:${l.line}:${l.column}@${l.commit ?? ''}:${l.inHead}`).sort()]).sort(),
  );
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rounds: { type: 'string', default: '3' },
      threads: { type: 'string' },
      regen: { type: 'boolean', default: false },
      'generate-only': { type: 'boolean', default: false },
    },
  });
  const rounds = Number(values.rounds);
  const repo = positionals[0] ? path.resolve(positionals[0]) : REPO;
  let manifest;
  if (!positionals[0]) {
    manifest = await loadOrGenerate(values.regen);
    console.log(`repository: ${path.relative(ROOT, REPO)}: ${manifest.commits} commits, ${manifest.blobVersions} blob versions, ${(manifest.blobBytes / 2 ** 30).toFixed(2)} GiB of blob content, ${manifest.tokens.length} planted tokens`);
    if (values['generate-only']) return;
  } else {
    const top = spawnSync('git', ['rev-parse', '--absolute-git-dir'], { cwd: repo, encoding: 'utf8' });
    if (top.status !== 0) throw new Error(`${repo}: not a git repository`);
    console.log(`repository: ${repo}`);
  }
  const pack = spawnSync('git', ['count-objects', '-vH'], { cwd: repo, encoding: 'utf8' }).stdout.match(/size-pack: (.*)/)?.[1];
  // (b) ends in `|| true` (rg exits 1 when it counts nothing): without rg it would time
  // nothing and print a ratio of 0.
  if (!spawnSync(RG, ['--version']).stdout) throw new Error(`ripgrep not found (${RG}); apt-get install ripgrep`);
  const cli = snapshotCli('dist-history', ['history', '--help']);
  console.log(`pack size ${pack}; ${rounds} rounds, alternating (a) (b) (c), and (d) when it has a bitmap; ${process.platform} ${process.arch}, ${(await import('node:os')).availableParallelism()} CPUs, Node ${process.version}, ${spawnSync('git', ['--version'], { encoding: 'utf8' }).stdout.trim()}`);

  const hfleaks = [process.execPath, cli, 'history', '--format', 'json', '--no-progress', ...(values.threads ? ['--threads', values.threads] : [])];
  const commands = {
    a: ['sh', '-c', 'git cat-file --batch-all-objects --batch --unordered | cat >/dev/null'],
    b: ['sh', '-c', `git log -p -U0 --all | ${RG} -c '${RG_PATTERN}' || true`],
    c: hfleaks,
  };
  const cwd = { a: repo, b: repo, c: repo };
  const plain = withoutBitmap(repo);
  if (plain) {
    commands.d = hfleaks;
    cwd.d = plain;
  }
  const kinds = Object.keys(commands);
  const results = { a: [], b: [], c: [], d: [] };
  const keys = new Set();
  let lastReport;
  for (let round = 1; round <= rounds; round++) {
    for (const k of kinds) {
      const r = await measure(`${k}-${round}`, commands[k], { cwd: cwd[k] });
      results[k].push(r);
      let extra = '';
      if (k === 'c' || k === 'd') {
        if (r.code !== 0 && r.code !== 1) throw new Error(`hfleaks history exited ${r.code}: ${fs.readFileSync(r.stdoutFile.replace(/\.out$/, '.err'), 'utf8')}`);
        lastReport = JSON.parse(fs.readFileSync(r.stdoutFile, 'utf8'));
        keys.add(findingsKey(lastReport));
        extra = `, ${lastReport.findings.length} findings, hfleaks process ${r.ownMB.toFixed(0)} MB`;
      }
      if (k === 'b') extra = `, rg counted ${fs.readFileSync(r.stdoutFile, 'utf8').trim() || 0} lines`;
      const load = r.cpu !== undefined ? `, ${r.cpu.toFixed(1)} CPU-s${r.others !== undefined ? ` (other processes meanwhile: ${r.others.toFixed(1)} CPU-s)` : ''}` : '';
      console.log(`round ${round} (${k}) ${(r.wallMs / 1000).toFixed(2)} s${load}, peak RSS ${r.treeMB.toFixed(0)} MB${extra}`);
    }
  }
  const med = (k) => median(results[k].map((r) => r.wallMs)) / 1000;
  const best = (k) => Math.min(...results[k].map((r) => r.wallMs)) / 1000;
  // Rounds where other processes took under half a CPU-second: the machine was ours.
  const quiet = (k) => results[k].filter((r) => r.others !== undefined && r.others < 0.5).map((r) => r.wallMs / 1000);
  const [a, b, c] = [med('a'), med('b'), med('c')];
  const ownRss = Math.max(...[...results.c, ...results.d].map((r) => r.ownMB));
  const cRss = Math.max(...results.c.map((r) => r.ownMB));
  const treeRss = Math.max(...results.c.map((r) => r.treeMB));
  const s = lastReport.stats;
  console.log('\nmedian wall time');
  console.log(`  (a) git cat-file --batch-all-objects | cat   ${a.toFixed(2)} s   peak RSS ${Math.max(...results.a.map((r) => r.treeMB)).toFixed(0)} MB`);
  console.log(`  (b) git log -p -U0 --all | rg -c             ${b.toFixed(2)} s   peak RSS ${Math.max(...results.b.map((r) => r.treeMB)).toFixed(0)} MB`);
  console.log(`  (c) hfleaks history                          ${c.toFixed(2)} s   peak RSS ${cRss.toFixed(0)} MB (Node), ${treeRss.toFixed(0)} MB (largest process incl. git)`);
  if (plain) console.log(`  (d) hfleaks history, no bitmap               ${med('d').toFixed(2)} s   peak RSS ${Math.max(...results.d.map((r) => r.ownMB)).toFixed(0)} MB (Node): (d)/(a) ${(med('d') / a).toFixed(2)}x, (b)/(d) ${(b / med('d')).toFixed(1)}x`);
  console.log(`  best runs: (a) ${best('a').toFixed(2)} s, (b) ${best('b').toFixed(2)} s, (c) ${best('c').toFixed(2)} s: (c)/(a) ${(best('c') / best('a')).toFixed(2)}x, (b)/(c) ${(best('b') / best('c')).toFixed(1)}x`);
  const [qa, qb, qc] = ['a', 'b', 'c'].map(quiet);
  if (qa.length && qb.length && qc.length) {
    const [ma, mb, mc] = [median(qa), median(qb), median(qc)];
    console.log(`  quiet rounds only (others < 0.5 CPU-s; ${qa.length}/${qb.length}/${qc.length} of ${rounds}): (a) ${ma.toFixed(2)} s, (b) ${mb.toFixed(2)} s, (c) ${mc.toFixed(2)} s: (c)/(a) ${(mc / ma).toFixed(2)}x, (b)/(c) ${(mb / mc).toFixed(1)}x`);
  }
  console.log(`  hfleaks: ${s.blobs} blobs in ${s.commits} commits, ${(s.bytes / 2 ** 30).toFixed(2)} GiB, ${(s.bytes / 2 ** 20 / c).toFixed(0)} MB/s`);
  const planted = manifest ? manifest.tokens.filter((h) => !lastReport.findings.some((f) => f.secret.sha256 === h)) : [];
  const checks = [
    [`(c)/(a) = ${(c / a).toFixed(2)}x`, c / a <= GOALS.vsCatFile, `goal <= ${GOALS.vsCatFile.toFixed(1)}x`],
    [`(b)/(c) = ${(b / c).toFixed(1)}x faster than patches`, b / c >= GOALS.vsLogPatch, `goal >= ${GOALS.vsLogPatch}x`],
    [`peak RSS ${ownRss.toFixed(0)} MB (hfleaks process)`, ownRss <= GOALS.rssMB, `goal <= ${GOALS.rssMB} MB`],
    [`same findings in all ${rounds * (plain ? 2 : 1)} runs${plain ? ', with and without the bitmap' : ''}`, keys.size === 1, ''],
  ];
  if (manifest) checks.push([`every planted token found (${manifest.tokens.length - planted.length}/${manifest.tokens.length}), ${lastReport.findings.length} findings`, planted.length === 0 && lastReport.findings.length === manifest.tokens.length, '']);
  console.log('');
  for (const [what, ok, goal] of checks) console.log(`  ${ok ? 'ok  ' : 'MISS'} ${what}${goal ? ` (${goal})` : ''}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
