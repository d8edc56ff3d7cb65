#!/usr/bin/env node
// `npm run bench:corpus`: hfleaks on real code, which the generated tree of `npm run bench`
// can't stand in for when the question is what hfleaks reports by mistake. It fetches the
// wheels of Hugging Face's own Python libraries (full of `hf_` names, and holding the
// token Hugging Face's CI uses) with `pip download --no-deps`, from whatever index pip is
// set to use, unpacks them, and scans the wheels (zip archives) and the unpacked files.
// ripgrep then lists, over the unpacked files, every string that secretlint's letters-only
// pattern and hfleaks' own pattern match, so each string hfleaks passes over can be looked
// at. Nothing is printed in full: strings are shown redacted and compared by SHA-256.
//
//   npm run bench:corpus                          the default packages
//   npm run bench:corpus -- --packages a,b        other packages
//   npm run bench:corpus -- --dir DIR             a directory of your own, scanned as it is
//   npm run bench:corpus -- --secretlint          also run secretlint on the unpacked files (slow: killed after 15 minutes)
//
// Not part of the tests (it needs a package index); results go to bench/.work/results-corpus.json.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, snapshotCli, WORK } from './lib.mjs';

const PACKAGES = [
  'huggingface-hub', 'transformers', 'datasets', 'diffusers', 'accelerate', 'peft', 'trl',
  'sentence-transformers', 'evaluate', 'lm-eval', 'langchain-huggingface', 'optimum', 'smolagents',
];
const CORPUS = path.join(WORK, 'corpus');
const RG = fs.existsSync('/usr/bin/rg') ? '/usr/bin/rg' : 'rg';

/** What ripgrep looks for (PCRE2), each as a tool would match. */
const PATTERNS = [
  ['secretlint (letters only, a letter may not follow)', String.raw`(?<!\p{L})hf_[a-zA-Z]{34}(?![a-zA-Z])`],
  ['hfleaks rule hf-user-access-token, before its filters', String.raw`(?<![A-Za-z0-9])hf_[A-Za-z0-9]{34}(?![A-Za-z0-9])`],
  ['hfleaks rule hf-org-api-token, before its filters', String.raw`(?<![A-Za-z0-9])api_org_[A-Za-z]{34}(?![A-Za-z0-9])`],
];

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
/** As hfleaks redacts: the prefix and the body's first and last two characters. */
const redact = (s) => {
  const cut = s.startsWith('api_org_') ? 8 : 3;
  return `${s.slice(0, cut)}${s.slice(cut, cut + 2)}…${s.slice(-2)}`;
};

function run(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  return { ...r, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** The wheels of `packages`, downloaded once into CORPUS/wheels and unpacked into CORPUS/tree. */
function gather(packages) {
  const wheels = path.join(CORPUS, 'wheels');
  const tree = path.join(CORPUS, 'tree');
  fs.mkdirSync(wheels, { recursive: true });
  for (const p of packages) {
    const have = fs.readdirSync(wheels).some((f) => f.toLowerCase().startsWith(`${p.replace(/-/g, '_').toLowerCase()}-`));
    if (have) continue;
    const r = run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary', ':all:', '--retries', '0', '-q', '-d', wheels, p]);
    if (r.status !== 0) console.log(`pip could not fetch ${p}; left out (${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 160)})`);
  }
  const found = fs.readdirSync(wheels).filter((f) => f.endsWith('.whl')).sort();
  if (found.length === 0) throw new Error('no wheel could be fetched: is a package index reachable by pip? (or use --dir DIR)');
  for (const w of found) {
    const dest = path.join(tree, w.replace(/\.whl$/, ''));
    if (fs.existsSync(dest)) continue;
    const r = run('python3', ['-m', 'zipfile', '-e', path.join(wheels, w), dest]);
    if (r.status !== 0) throw new Error(`cannot unpack ${w}: ${r.stderr.trim()}`);
  }
  return { root: CORPUS, unpacked: tree, wheels: found };
}

/** The distinct strings ripgrep matches with `pattern` under `dir`: SHA-256 to { shown, files }. */
function ripgrep(pattern, dir) {
  const r = run(RG, ['-P', '-o', '-a', '--no-ignore', '--hidden', '--with-filename', '--no-line-number', pattern, dir]);
  if (r.status !== 0 && r.status !== 1) throw new Error(`ripgrep failed: ${r.stderr.trim()}`);
  const out = new Map();
  for (const line of r.stdout.split('\n')) {
    const at = line.lastIndexOf(':');
    if (at < 0) continue;
    const s = line.slice(at + 1);
    const k = sha256(s);
    const e = out.get(k) ?? { shown: redact(s), files: new Set() };
    e.files.add(path.relative(dir, line.slice(0, at)));
    out.set(k, e);
  }
  return out;
}

function du(dir) {
  let files = 0;
  let bytes = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += fs.statSync(path.join(e.parentPath ?? e.path, e.name)).size;
  }
  return { files, bytes };
}

function main() {
  const { values } = parseArgs({
    options: {
      packages: { type: 'string' },
      dir: { type: 'string' },
      secretlint: { type: 'boolean', default: false },
    },
  });
  const corpus = values.dir
    ? { root: path.resolve(values.dir), unpacked: path.resolve(values.dir), wheels: [] }
    : gather(values.packages ? values.packages.split(',').map((s) => s.trim()).filter(Boolean) : PACKAGES);
  const size = du(corpus.root);
  console.log(`corpus: ${corpus.root} (${size.files} files, ${(size.bytes / 2 ** 20).toFixed(0)} MiB${corpus.wheels.length ? `; ${corpus.wheels.length} wheels: ${corpus.wheels.join(', ')}` : ''})`);

  const cli = snapshotCli('dist-corpus', ['--version']);
  const hf = run(process.execPath, [cli, 'scan', corpus.root, '--format', 'json', '--no-ignore']);
  if (hf.status !== 0 && hf.status !== 1) throw new Error(`hfleaks failed (exit ${hf.status}): ${hf.stderr.trim().split('\n').pop()}`);
  const report = JSON.parse(hf.stdout);
  console.log(`\nhfleaks: ${(hf.ms / 1000).toFixed(2)} s, ${report.stats.files} files, ${report.findings.length} finding(s), ${report.stats.warnings?.length ?? 0} warning(s)`);
  for (const f of report.findings) {
    const inArchives = f.locations.filter((l) => l.path.includes('!')).length;
    console.log(`  ${f.rule} ${f.secret.redacted}: ${f.locations.length} place(s), ${inArchives} inside archives; ${f.locations.slice(0, 3).map((l) => `${l.path}:${l.line}`).join(', ')}`);
  }
  const reported = new Set(report.findings.map((f) => f.secret.sha256));

  const results = { corpus: corpus.root, files: size.files, bytes: size.bytes, wheels: corpus.wheels, hfleaks: { ms: hf.ms, findings: report.findings.map((f) => ({ rule: f.rule, redacted: f.secret.redacted, sha256: f.secret.sha256, locations: f.locations.length })) }, ripgrep: [] };
  console.log(`\nripgrep over the unpacked files (${path.relative(ROOT, corpus.unpacked) || corpus.unpacked}):`);
  for (const [label, pattern] of PATTERNS) {
    const found = ripgrep(pattern, corpus.unpacked);
    const passed = [...found].filter(([k]) => !reported.has(k));
    console.log(`  ${label}: ${found.size} distinct string(s), ${found.size - passed.length} reported by hfleaks`);
    for (const [, e] of passed) console.log(`    not reported: ${e.shown} in ${[...e.files].slice(0, 2).join(', ')}${e.files.size > 2 ? ` and ${e.files.size - 2} more` : ''}`);
    results.ripgrep.push({ label, distinct: found.size, reported: found.size - passed.length, notReported: passed.map(([, e]) => e.shown) });
  }
  const archived = report.findings.filter((f) => f.locations.every((l) => l.path.includes('!'))).length;
  if (archived) console.log(`\n(${archived} finding(s) only inside archives, which ripgrep does not open)`);

  if (values.secretlint) {
    const rc = path.join(WORK, 'secretlintrc.json');
    fs.writeFileSync(rc, `${JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }, null, 2)}\n`);
    const bin = path.join(ROOT, 'node_modules', 'secretlint', 'bin', 'secretlint.js');
    const sl = run(process.execPath, [bin, '**/*', '--secretlintrc', rc, '--format', 'json', '--no-color'], { cwd: corpus.unpacked, timeout: 900_000 });
    if (sl.signal) {
      console.log(`\nsecretlint (recommended preset) on the unpacked files: no result after ${(sl.ms / 1000).toFixed(0)} s; killed`);
      results.secretlint = { ms: sl.ms, killed: true };
      fs.writeFileSync(path.join(WORK, 'results-corpus.json'), `${JSON.stringify(results, null, 2)}\n`);
      return;
    }
    let hfMessages = 0;
    try {
      for (const r of JSON.parse(sl.stdout)) for (const m of r.messages ?? []) if (/huggingface/i.test(m.ruleId ?? '')) hfMessages++;
    } catch {
      throw new Error(`secretlint's output is not JSON (exit ${sl.status}): ${sl.stderr.trim().split('\n').pop()}`);
    }
    console.log(`\nsecretlint (recommended preset) on the unpacked files: ${(sl.ms / 1000).toFixed(1)} s, ${hfMessages} Hugging Face message(s)`);
    results.secretlint = { ms: sl.ms, huggingFaceMessages: hfMessages };
  }
  fs.writeFileSync(path.join(WORK, 'results-corpus.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n(results in ${path.relative(ROOT, path.join(WORK, 'results-corpus.json'))})`);
}

try {
  main();
} catch (e) {
  console.error(`bench: ${e.message}`);
  process.exit(2);
}
