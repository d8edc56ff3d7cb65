// `hfleaks scan` end to end: the built CLI on fixture trees made at run time.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tokenGenerator } from '../../src/rules/template.ts';
import { CLI, runCli, runJson, tempDir, tree } from '../helpers/cli.ts';
import { expectValidSarif } from '../report/helpers.ts';

const gen = tokenGenerator(7);

describe('hfleaks scan', () => {
  const a = gen.userToken();
  const b = gen.userToken(true);
  const org = gen.orgToken();
  const dir = tree({
    'train.py': `import os\nfrom huggingface_hub import hf_hub_download\nmodel = AutoModel.from_pretrained("acme/private-llm", token="${a}")\n`,
    'notebooks/explore.ipynb': JSON.stringify({ cells: [{ cell_type: 'code', source: [`login("${a}")\n`, 'x = 1'] }] }, null, 1),
    '.env': `HF_TOKEN=${b}\r\nOTHER=1\r\n`,
    'legacy/config.json': `{"api_token": "${org}"}`,
    'clean.md': 'Use the HF_TOKEN environment variable: export HF_TOKEN=hf_...\n',
  });

  it('finds every token once, with all its locations, exit 1', async () => {
    const r = await runJson(['scan', dir]);
    expect(r.code).toBe(1);
    expect(r.report.version).toBe(1);
    const byRule = r.report.findings.map((f: any) => [f.rule, f.locations.map((l: any) => `${l.path}:${l.line}:${l.column}`)]);
    expect(byRule).toEqual([
      ['hf-user-access-token', ['.env:1:10']],
      ['hf-org-api-token', ['legacy/config.json:1:16']],
      ['hf-user-access-token', ['notebooks/explore.ipynb:6:14', 'train.py:3:62']],
    ]);
    const f = r.report.findings.find((x: any) => x.locations.length === 2);
    expect(f.fingerprint).toMatch(/^hf-user-access-token:[0-9a-f]{16}$/);
    expect(f.secret.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(f.secret.raw).toBeUndefined();
    expect(f.repos).toEqual(['acme/private-llm']);
    expect(r.report.stats.files).toBe(5);
  });

  it('never prints a raw token unless --show-secrets', async () => {
    for (const format of ['text', 'json']) {
      const r = await runCli(['scan', dir, '--format', format]);
      for (const t of [a, b, org]) {
        expect(r.stdout).not.toContain(t);
        expect(r.stderr).not.toContain(t);
      }
      expect(r.stdout).toContain(`${a.slice(0, 5)}…${a.slice(-2)}`);
    }
    const shown = await runCli(['scan', dir, '--show-secrets']);
    expect(shown.stdout).toContain(a);
    const json = await runJson(['scan', dir, '--show-secrets']);
    expect(json.report.findings.map((f: any) => f.secret.raw).sort()).toEqual([a, b, org].sort());
  });

  it('redacts a token in a file name too, in every format, unless --show-secrets', async () => {
    const inName = gen.userToken();
    const inside = gen.userToken();
    const named = tree({ [`cache_${inName}.json`]: `{"token": "${inside}"}\n`, 'hf_hub_download_helper.py': 'x = 1\n' });
    execFileSync('mkfifo', [join(named, `pipe_${inName}`)]);
    for (const format of ['text', 'json', 'sarif', 'markdown']) {
      const r = await runCli(['scan', named, '--format', format]);
      expect(r.code).toBe(1);
      expect(r.stdout, format).not.toContain(inName);
      expect(r.stderr, format).not.toContain(inName);
      expect(r.stdout, format).toContain(`cache_${inName.slice(0, 5)}…${inName.slice(-2)}.json`);
    }
    const json = await runJson(['scan', named]);
    expect(json.report.stats.skipped.map((x: any) => x.path)).toEqual([`pipe_${inName.slice(0, 5)}…${inName.slice(-2)}`]);
    const shown = await runJson(['scan', named, '--show-secrets']);
    expect(shown.report.findings[0].locations[0].path).toBe(`cache_${inName}.json`);
  });

  it('names files in warnings and errors as they are, redacting only a token in them, and escapes control characters', async () => {
    const inName = gen.userToken();
    const dir = tree({ 'convert_hf_checkpoint_to_gguf.py': Buffer.from([0x78, 0x3d, 0xff, 0xfe, 0x0a]), [`tok_${inName}.txt`]: Buffer.from([0xc3, 0x28, 0x0a]) });
    const r = await runJson(['scan', dir, '--no-progress']);
    expect(r.report.stats.warnings.sort()).toEqual(['convert_hf_checkpoint_to_gguf.py: not valid UTF-8; scanned as bytes', `tok_${inName.slice(0, 5)}…${inName.slice(-2)}.txt: not valid UTF-8; scanned as bytes`]);
    const missing = await runCli(['scan', join(dir, 'hf_hub_download_utils.py')]);
    expect([missing.code, missing.stderr]).toEqual([2, `hfleaks: ${join(dir, 'hf_hub_download_utils.py')}: no such file or directory\n`]);
    const escaped = await runCli(['scan', 'x\u001b[2J\u001b[31mEVIL']);
    expect(escaped.code).toBe(2);
    expect(escaped.stderr).toBe('hfleaks: x\\u001b[2J\\u001b[31mEVIL: no such file or directory\n');
  });

  it('lists warnings in the same order whatever the threads, so reports of the same tree are the same', async () => {
    const files = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`d${i % 7}/f${i}.txt`, Buffer.from([0x61, 0xff, 0x0a])]));
    const dir = tree(files);
    const one = await runJson(['scan', dir, '--threads', '1']);
    const two = await runJson(['scan', dir, '--threads', '2']);
    expect(one.report.stats.warnings).toHaveLength(80);
    expect(two.report.stats.warnings).toEqual(one.report.stats.warnings);
    expect(one.report.stats.warnings).toEqual([...one.report.stats.warnings].sort());
  });

  it('exits 0 with a summary on a clean tree, and the fingerprint is stable across runs', async () => {
    const clean = tree({ 'a.py': 'from huggingface_hub import hf_hub_download\n' });
    const r = await runCli(['scan', clean]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No Hugging Face tokens found\. 1 file /);
    const one = await runJson(['scan', dir]);
    const two = await runJson(['scan', dir]);
    expect(one.report.findings.map((f: any) => f.fingerprint)).toEqual(two.report.findings.map((f: any) => f.fingerprint));
  });

  it('exits 2 on a path that does not exist, naming it, even beside a real one', async () => {
    const r = await runCli(['scan', dir, join(dir, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nope: no such file or directory/);
    expect(r.stdout).toBe('');
  });

  it('exits 2 on a bad option or format', async () => {
    expect((await runCli(['scan', dir, '--format', 'xml'])).code).toBe(2);
    expect((await runCli(['scan', dir, '--bogus'])).code).toBe(2);
    expect((await runCli([])).code).toBe(2);
  });

  it('reads stdin with -', async () => {
    const r = await runJson(['scan', '-'], { input: `export HF_TOKEN="${a}"\n` });
    expect(r.code).toBe(1);
    expect(r.report.findings[0].locations).toEqual([{ path: '<stdin>', line: 1, column: 18 }]);
  });

  it('counts - as a path named: beside a directory, paths are relative to the working directory', async () => {
    const d = tree({ 'src/app.py': `TOKEN = "${a}"\n` });
    const paths = async (args: string[]) => (await runJson(['scan', ...args], { cwd: d, input: `x = "${b}"\n` })).report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path)).sort();
    expect(await paths(['-', 'src'])).toEqual(['<stdin>', 'src/app.py']);
    expect(await paths(['src', '-'])).toEqual(['<stdin>', 'src/app.py']);
    expect(await paths(['src'])).toEqual(['app.py']);
  });

  it('writes --output with mode 0600', async () => {
    const out = join(tempDir(), 'report.json');
    const r = await runCli(['scan', dir, '--format', 'json', '--output', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(out, 'utf8')).findings).toHaveLength(3);
  });

  it('counts what it scanned: not a skipped file, not a path named twice', async () => {
    const d = tree({ 'a.txt': 'x\n', 'b.txt': 'yy\n' });
    const capped = await runJson(['scan', join(d, 'a.txt'), join(d, 'b.txt'), '--max-file-size', '2']);
    expect(capped.report.stats).toMatchObject({ files: 1, bytes: 2, skipped: [{ path: join(d, 'b.txt'), reason: 'larger than the size cap (3 > 2 bytes)' }] });
    const twice = await runCli(['scan', join(d, 'a.txt'), join(d, 'a.txt')]);
    expect(twice.stdout).toMatch(/^No Hugging Face tokens found\. 1 file \(2 B\) scanned/);
  });

  it('makes an existing --output file private before writing', async () => {
    const d = tempDir();
    const out = join(d, 'report.json');
    writeFileSync(out, 'old report, readable by all\n', { mode: 0o644 });
    chmodSync(out, 0o644);
    const r = await runCli(['scan', dir, '--format', 'json', '--output', out]);
    expect(r.code).toBe(1);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(out, 'utf8')).findings).toHaveLength(3);
  });

  // Acting as another user needs root (CI runs as root).
  it.skipIf(process.getuid?.() !== 0)("leaves someone else's --output file untouched when it can't make it private", async () => {
    // Their world-writable file: the mode can't be changed, so not a byte of the report
    // (the raw tokens, with --show-secrets) may go in.
    const shared = tempDir();
    chmodSync(shared, 0o1777);
    const theirs = join(shared, 'theirs.txt');
    writeFileSync(theirs, 'theirs\n');
    chmodSync(theirs, 0o666);
    const src = join(shared, 'src.txt');
    writeFileSync(src, `t = "${a}"\n`);
    chmodSync(src, 0o644);
    const asNobody = (...args: string[]) => spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'scan', src, ...args], { encoding: 'utf8' });
    const res = asNobody('--show-secrets', '-o', theirs);
    expect(res.status).toBe(2);
    // Refused before the scan (and any request to the Hub), not after it.
    expect(res.stderr).toBe(`hfleaks: ${theirs}: cannot write report (owned by another user, so it can't be made private (mode 0600))\n`);
    expect([readFileSync(theirs, 'utf8'), statSync(theirs).mode & 0o777]).toEqual(['theirs\n', 0o666]);
    const sarif = asNobody('-f', 'json', '--sarif', theirs);
    expect([sarif.status, sarif.stdout]).toEqual([2, '']);
    expect(sarif.stderr).toMatch(/cannot write SARIF report \(owned by another user/);
  });

  it('suppresses hfleaks:allow lines and counts them', async () => {
    const d = tree({ 'test_auth.py': `TOKEN = "${a}"  # hfleaks:allow fixture\n` });
    const r = await runJson(['scan', d]);
    expect(r.code).toBe(0);
    expect(r.report.stats.suppressed).toBe(1);
    const t = await runCli(['scan', d]);
    expect(t.stdout).toMatch(/1 suppressed/);
  });
});

describe('ignore files', () => {
  const t = gen.userToken();
  const dir = tree({
    '.gitignore': 'build/\n*.log\n!keep.log\n',
    'build/out.txt': `t=${t}`,
    'debug.log': `t=${t}`,
    'keep.log': `t=${t}`,
    'sub/.gitignore': 'private.txt\n',
    'sub/private.txt': `t=${t}`,
    'sub/public.txt': `t=${t}`,
    'fixtures/data.txt': `t=${t}`,
    '.hfleaksignore': 'fixtures/   # generated test data\n',
    'node_modules/pkg/index.js': `t=${t}`,
  });

  it('honours .gitignore at every depth (with negation) and .hfleaksignore', async () => {
    const r = await runJson(['scan', dir]);
    const paths = r.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path)).sort();
    expect(paths).toEqual(['keep.log', 'node_modules/pkg/index.js', 'sub/public.txt']);
  });

  it('--no-ignore scans everything', async () => {
    const r = await runJson(['scan', dir, '--no-ignore']);
    expect(r.report.findings[0].locations).toHaveLength(7);
  });

  it('ignores a fingerprint listed in .hfleaksignore, but not a different secret on the same line', async () => {
    const other = gen.userToken();
    const first = await runJson(['scan', '-'], { input: `a=${t} b=${other}\n` });
    expect(first.report.findings).toHaveLength(2);
    const fp = first.report.findings.find((f: any) => f.locations[0].column === 3).fingerprint;
    const d = tree({ 'x.env': `a=${t} b=${other}\n`, '.hfleaksignore': `${fp}  # rotated 2026-01-01\n` });
    const r = await runJson(['scan', d]);
    expect(r.report.findings.map((f: any) => f.locations[0].column)).toEqual([43]);
    expect(r.report.stats.suppressed).toBe(1);
  });
});

describe('hostile files', () => {
  const t = gen.userToken();

  it('does not follow symlink loops or dangling links, and never blocks on a FIFO', async () => {
    const dir = tree({ 'real/a.txt': `t=${t}` });
    symlinkSync(join(dir, 'real'), join(dir, 'real', 'loop'));
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const r = await runJson(['scan', dir], { timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.report.findings[0].locations.map((l: any) => l.path)).toEqual(['real/a.txt']);
    expect(r.report.stats.skipped).toContainEqual({ path: 'pipe', reason: 'not a regular file' });
  });

  it('skips files over --max-file-size and lists them; still reports the rest', async () => {
    const dir = tree({ 'big.txt': 'x'.repeat(5000) + t, 'small.txt': `t=${t}` });
    const r = await runJson(['scan', dir, '--max-file-size', '1KB']);
    expect(r.report.findings[0].locations.map((l: any) => l.path)).toEqual(['small.txt']);
    expect(r.report.stats.skipped[0]).toMatchObject({ path: 'big.txt' });
    expect(r.report.stats.skipped[0].reason).toMatch(/size cap/);
  });

  it('scans gzip members, binaries and invalid UTF-8', async () => {
    const dir = tree({
      'logs/app.log.gz': gzipSync(Buffer.from(`start\nAuthorization: Bearer ${t}\n`)),
      'weird.txt': Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from(`k=${t}\n`)]),
      'blob.bin': Buffer.concat([Buffer.alloc(3000, 0), Buffer.from(t), Buffer.alloc(100, 1)]),
      'empty.txt': '',
    });
    const r = await runJson(['scan', dir]);
    expect(r.report.findings[0].locations.map((l: any) => l.path).sort()).toEqual(['blob.bin', 'logs/app.log.gz!app.log', 'weird.txt']);
    expect(r.report.stats.content).toEqual({ binary: 1, invalidUtf8: 1, longLines: 0 });
    expect(r.stderr).toMatch(/weird\.txt: not valid UTF-8; scanned as bytes/);
  });

  it('finds tokens kept as numpy strings (UTF-32), escaped, fully percent-encoded or in hex, and says how; SARIF too', async () => {
    const u = gen.userToken();
    const v = gen.userToken(true);
    const w = gen.userToken();
    const x = gen.userToken();
    const header = "{'descr': '<U40', 'fortran_order': False, 'shape': (1,), }";
    const npy = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY\x01\x00', 'latin1'), Buffer.from([header.length + 1, 0]), Buffer.from(`${header}\n`), Buffer.from([...u.padEnd(40, '\0')].map((c) => `${c}\0\0\0`).join(''), 'latin1')]);
    const escaped = [...v].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const pct = [...w].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
    const dir = tree({
      'data/args.npy': npy,
      'web/settings.json': `{\n  "hub": {"token": "${escaped}"}\n}\n`,
      'logs/callback.log': `GET /oauth/cb?state=1&token=${pct} 200\n`,
      'db/dump.sql': `-- settings\nINSERT INTO secrets VALUES ('\\x${Buffer.from(x).toString('hex')}');\n`,
    });
    const r = await runJson(['scan', dir]);
    expect(r.code).toBe(1);
    const got = r.report.findings.map((f: any) => f.locations.map((l: any) => `${l.path}:${l.line}:${l.column} ${l.decoding?.join('+')}`)).flat().sort();
    expect(got).toEqual(['data/args.npy:2:1 utf32le', 'db/dump.sql:2:32 hex', 'logs/callback.log:1:29 percent', 'web/settings.json:2:21 escape']);
    for (const secret of [u, v, w, x]) expect(r.stdout.includes(secret)).toBe(false);
    const sarif = await runCli(['scan', dir, '--format', 'sarif']);
    expectValidSarif(sarif.stdout);
    const decodings = JSON.parse(sarif.stdout).runs[0].results.map((x: any) => x.properties.decoding?.join('+')).sort();
    expect(decodings).toEqual(['escape', 'hex', 'percent', 'utf32le']);
    // A region ends where the token does only where it is written as itself, in characters.
    const ends = JSON.parse(sarif.stdout).runs[0].results.map((x: any) => `${x.properties.decoding.join('+')} ${x.locations[0].physicalLocation.region.endColumn ?? '-'}`).sort();
    expect(ends).toEqual(['escape -', 'hex -', 'percent -', `utf32le ${1 + u.length}`]);
  });

  it('finds a token in an xxd -p dump where a line break splits its keyword, at the line and column its hex starts', async () => {
    const u = gen.userToken();
    // 28 bytes before the token: its keyword's first two digits end the first line.
    const digits = Buffer.from(`{"hub": {"token": "${u}"}}`.padStart(29 + u.length + 3, ' ')).toString('hex');
    const dir = tree({ 'dump.hex': `${digits.replace(/.{60}/g, '$&\n')}\n` });
    const r = await runJson(['scan', dir]);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f: any) => f.locations.map((l: any) => `${l.path}:${l.line}:${l.column} ${l.decoding?.join('+')}`)).flat()).toEqual(['dump.hex:1:59 hex']);
    expect(r.stdout.includes(u)).toBe(false);
  });

  it('finds a token in a PowerShell -EncodedCommand (base64 of UTF-16LE) in a workflow, at the line and column of its encoding', async () => {
    const u = gen.userToken();
    const encoded = Buffer.from(`$env:HF_TOKEN = '${u}'; python train.py`, 'utf16le').toString('base64');
    const line = `      - run: pwsh -EncodedCommand ${encoded}`;
    const dir = tree({ '.github/workflows/train.yml': `jobs:\n  train:\n    steps:\n${line}\n` });
    const r = await runJson(['scan', dir]);
    expect(r.code).toBe(1);
    // "$env:HF_TOKEN = '" is 17 characters, 34 bytes in UTF-16: the keyword starts in the 12th group.
    const column = line.indexOf(encoded) + 1 + Math.floor(34 / 3) * 4;
    expect(r.report.findings.map((f: any) => f.locations.map((l: any) => `${l.path}:${l.line}:${l.column} ${l.decoding?.join('+')}`)).flat()).toEqual([`.github/workflows/train.yml:4:${column} base64+utf16le`]);
    expect(r.stdout.includes(u)).toBe(false);
    const sarif = await runCli(['scan', dir, '--format', 'sarif']);
    expectValidSarif(sarif.stdout);
    expect(JSON.parse(sarif.stdout).runs[0].results[0].properties.decoding).toEqual(['base64', 'utf16le']);
  });

  it("finds a token in gzip kept as base64 in a Terraform state file (base64gzip user data), named by where the run starts", async () => {
    const u = gen.userToken();
    const encoded = gzipSync(Buffer.from(`#!/bin/bash\nexport HF_TOKEN=${u}\n`)).toString('base64');
    const state = `${JSON.stringify({ version: 4, resources: [{ type: 'aws_instance', instances: [{ attributes: { user_data_base64: encoded } }] }] }, null, 2)}\n`;
    const dir = tree({ 'infra/terraform.tfstate': state });
    const r = await runJson(['scan', dir]);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f: any) => f.locations.map((l: any) => `${l.path}:${l.line}:${l.column}`)).flat()).toEqual([`infra/terraform.tfstate!base64-gzip@${state.indexOf(encoded)}:2:17`]);
    expect(r.stdout.includes(u)).toBe(false);
    const sarif = await runCli(['scan', dir, '--format', 'sarif']);
    expectValidSarif(sarif.stdout);
    // --no-decode leaves it closed.
    expect((await runJson(['scan', dir, '--no-decode'])).report.findings).toEqual([]);
  });

  it('warns about an unreadable file and reports the rest', async () => {
    const dir = tree({ 'secret.txt': `t=${t}`, 'ok.txt': `t=${t}` });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'ok.txt'), 0o644);
    chmodSync(join(dir, 'secret.txt'), 0);
    // Root reads everything: run the scan as an unprivileged user instead.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534, cwd: dir } : { cwd: dir };
    const r = await runJson(['scan', dir], asUser);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/secret\.txt: cannot read \(permission denied\); skipped/);
    expect(r.report.findings[0].locations.map((l: any) => l.path)).toEqual(['ok.txt']);
    expect(r.report.stats.skipped).toContainEqual({ path: 'secret.txt', reason: 'permission denied' });
  });

  it('warns about a directory it cannot read instead of skipping it silently', async () => {
    const dir = tree({ 'locked/inside.txt': `t=${t}`, 'ok.txt': `t=${t}` });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'ok.txt'), 0o644);
    chmodSync(join(dir, 'locked'), 0);
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534, cwd: dir } : { cwd: dir };
    const r = await runJson(['scan', dir], asUser);
    chmodSync(join(dir, 'locked'), 0o755);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/locked\/: cannot read directory \(permission denied\); skipped/);
    expect(r.report.stats.skipped).toContainEqual({ path: 'locked/', reason: 'permission denied' });
    expect(r.report.findings[0].locations.map((l: any) => l.path)).toEqual(['ok.txt']);
  });

  it.skipIf(process.platform === 'win32')('walks a directory named with a backslash in its name (fast-glob would read it as a separator)', async () => {
    const d = tree({ 'odd\\dir/a.txt': `t=${t}\n`, 'odd\\dir/sub/b.txt': `t=${t}\n` });
    const r = await runJson(['scan', join(d, 'odd\\dir')]);
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(r.report.findings[0].locations.map((l: any) => l.path).sort()).toEqual(['a.txt', 'sub/b.txt']);
  });

  it('exits 2 on a path it was named but cannot read, as on one that does not exist', async () => {
    const dir = tree({ 'locked/inside.txt': `t=${t}`, 'secret.txt': `t=${t}` });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'secret.txt'), 0);
    chmodSync(join(dir, 'locked'), 0);
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534, cwd: dir } : { cwd: dir };
    const cases: [string, string][] = [
      ['locked', 'locked: cannot read directory (permission denied)'],
      ['secret.txt', 'secret.txt: cannot read file (permission denied)'],
      ['locked/inside.txt', 'locked/inside.txt: cannot read (permission denied)'],
    ];
    for (const [path, message] of cases) {
      const r = await runCli(['scan', path], asUser);
      expect([r.code, r.stdout, r.stderr], path).toEqual([2, '', `hfleaks: ${message}\n`]);
    }
    chmodSync(join(dir, 'locked'), 0o755);
  });
});

describe('config and rules', () => {
  const t = gen.userToken();
  it('adds a user rule from .hfleaks.json', async () => {
    const body = gen.body(40, true);
    const dir = tree({
      '.hfleaks.json': JSON.stringify({
        rules: [{
          id: 'acme-mirror-token', title: 'Acme mirror token', description: 'Internal mirror', keywords: ['acme_hf_'],
          pattern: 'acme_hf_[A-Za-z0-9]{40}', maxLength: 48, severity: 'critical', filters: { placeholder: true },
          examples: { positive: ['acme_hf_{{body:40:digits}}'], negative: [] },
        }],
      }),
      'a.txt': `MIRROR=acme_hf_${body}\nHF=${t}\n`,
    });
    const r = await runJson(['scan', dir]);
    expect(r.report.findings.map((f: any) => [f.rule, f.severity])).toEqual([
      ['acme-mirror-token', 'critical'],
      ['hf-user-access-token', 'high'],
    ]);
  });

  it('finds long tokens of a user rule whatever its pattern is written with: \\w, \\S, a class with the i flag', async () => {
    // Long rules get a 4 KB window only where the pattern allows it; patterns that can't be
    // read that closely must still get it (a review found these stopped at their examples).
    const cases: [string, string, string, string?][] = [
      ['word', 'acme_\\w{300,400}', ''],
      ['nonspace', 'acme_\\S{300,400}', ''],
      ['folded', 'acme_[a-z0-9]{300,400}', 'i'],
      ['plain', 'acme_[A-Za-z0-9]{300,400}', ''],
      ['alternation', 'acme_live_[A-Za-z0-9]{300,400}|acme_test_[A-Za-z0-9]{300,400}', '', 'test_'],
    ];
    for (const [name, pattern, flags, lead = ''] of cases) {
      const body = gen.body(350, true);
      const dir = tree({
        '.hfleaks.json': JSON.stringify({
          rules: [{
            id: `acme-${name}`, title: 'Acme long token', description: 'Internal', keywords: ['acme_'], pattern, ...(flags ? { flags } : {}),
            maxLength: 500, severity: 'high', filters: { placeholder: false }, examples: { positive: [`t = acme_${lead}{{body:350}}`] },
          }],
        }),
        'a.txt': `t = acme_${lead}${body}\n`,
      });
      const r = await runJson(['scan', dir, '--show-secrets']);
      expect([r.code, r.stderr, r.report?.findings.map((f: any) => [f.rule, f.locations[0].column, f.secret.raw.length])], name).toEqual([1, '', [[`acme-${name}`, 5, 5 + lead.length + 350]]]);
    }
  });

  it('fails with the file and field named on a malformed rule', async () => {
    const dir = tree({ 'cfg.json': JSON.stringify({ rules: [{ id: 'x', title: 'x', description: 'x', keywords: ['x_'], pattern: 'x_(a)\\1', severity: 'high', examples: { positive: ['x'] } }] }) });
    const r = await runCli(['scan', dir, '--config', join(dir, 'cfg.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cfg\.json: rules\[0\]: rule "x" field "pattern": back-references/);
    const bad = tree({ '.hfleaks.json': '{"rules": [{"id": "y"}]}' });
    const r2 = await runCli(['scan', bad]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/\.hfleaks\.json: rules\[0\]: rule "y" field "title"/);
  });

  it("checks a config rule's own examples when it loads, naming the one that fails (never its text)", async () => {
    const base = { id: 'acme', title: 'Acme', description: 'x', keywords: ['acme_hf_'], pattern: 'acme_hf_[A-Za-z0-9]{40}', severity: 'high', filters: { placeholder: true } };
    const misses = tree({ '.hfleaks.json': JSON.stringify({ rules: [{ ...base, examples: { positive: ['acme_hf_{{body:40:digits}}', 'acme_hf_{{body:39}}'], negative: [] } }] }) });
    const r = await runCli(['scan', misses]);
    expect(r.code).toBe(2);
    // (The config is named as the user can open it: here, outside the working directory, whole.)
    expect(r.stderr).toBe(`hfleaks: ${join(misses, '.hfleaks.json')}: rules[0] ("acme"): examples.positive[1] is not found; fix the pattern, keywords or filters, or the example\n`);
    const overmatches = tree({ '.hfleaks.json': JSON.stringify({ rules: [{ ...base, examples: { positive: ['acme_hf_{{body:40}}'], negative: ['TOKEN=acme_hf_{{body:40:digits}}'] } }] }) });
    const r2 = await runCli(['scan', overmatches]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/rules\[0\] \("acme"\): examples\.negative\[0\] is found/);
  });

  it("finds the project's .hfleaks.json from a subdirectory named, and refuses configs that can't be one", async () => {
    const rule = { id: 'acme', title: 'Acme', description: 'x', keywords: ['acme_hf_'], pattern: 'acme_hf_[A-Za-z0-9]{40}', severity: 'high', filters: { placeholder: true }, examples: { positive: ['acme_hf_{{body:40:digits}}'], negative: [] } };
    const project = tree({ '.git/HEAD': 'ref: refs/heads/main\n', '.hfleaks.json': JSON.stringify({ rules: [rule] }), 'src/app.txt': `k = acme_hf_${gen.body(40, true)}\n` });
    for (const args of [['scan', 'src'], ['scan', '.'], ['scan', 'src/app.txt']]) {
      const r = await runJson(args, { cwd: project });
      expect(r.report.findings.map((f: any) => f.rule), args.join(' ')).toEqual(['acme']);
    }
    const inside = await runJson(['scan', '.'], { cwd: join(project, 'src') });
    expect(inside.report.findings.map((f: any) => f.rule)).toEqual(['acme']);
    // Found above the directory named, a broken config is named from where the user stands.
    const brokenAbove = tree({ '.git/HEAD': 'ref: refs/heads/main\n', '.hfleaks.json': '{', 'src/deep/er/a.txt': 'x\n' });
    const deep = await runCli(['scan', join('src', 'deep', 'er')], { cwd: brokenAbove });
    expect(deep.code).toBe(2);
    expect(deep.stderr).toMatch(/^hfleaks: \.hfleaks\.json: not valid JSON/);
    // A config that is a directory, a device, or disables every rule: exit 2, never a scan for nothing.
    const dir = tree({ 'a.env': `HF_TOKEN=${t}\n` });
    const d = tree({ '.hfleaks.json/x': '', 'a.txt': 'x\n' });
    expect(await runCli(['scan', d])).toMatchObject({ code: 2, stderr: `hfleaks: ${join(d, '.hfleaks.json')}: cannot read config (not a regular file)\n` });
    expect(await runCli(['scan', '.'], { cwd: d })).toMatchObject({ code: 2, stderr: 'hfleaks: .hfleaks.json: cannot read config (not a regular file)\n' });
    expect(await runCli(['scan', d, '-c', '/dev/zero'])).toMatchObject({ code: 2, stderr: 'hfleaks: /dev/zero: cannot read config (not a regular file)\n' });
    // A FIFO in the config's place is refused, not waited on; so is a .hfleaksignore that
    // is a link to /dev/zero (git stores links: a pull request can commit one) or a directory.
    const fifo = tree({ 'a.txt': 'x\n' });
    execFileSync('mkfifo', [join(fifo, '.hfleaks.json')]);
    expect(await runCli(['scan', '.'], { cwd: fifo, timeoutMs: 10_000 })).toMatchObject({ code: 2, stderr: 'hfleaks: .hfleaks.json: cannot read config (not a regular file)\n' });
    const zero = tree({ 'a.env': `HF_TOKEN=${t}\n` });
    symlinkSync('/dev/zero', join(zero, '.hfleaksignore'));
    expect(await runCli(['scan', '.'], { cwd: zero, timeoutMs: 10_000 })).toMatchObject({ code: 2, stderr: `hfleaks: ${join(zero, '.hfleaksignore')}: cannot read .hfleaksignore (not a regular file)\n` });
    const dirIgnore = tree({ '.hfleaksignore/x': '', 'a.env': `HF_TOKEN=${t}\n` });
    expect((await runCli(['scan', '.'], { cwd: dirIgnore })).code).toBe(2);
    expect(await runCli(['scan', dir, '--baseline', '/dev/zero'])).toMatchObject({ code: 2, stderr: 'hfleaks: /dev/zero: cannot read baseline (not a regular file)\n' });
    const off = tree({ 'c.json': JSON.stringify({ disableRules: ['hf-user-access-token', 'hf-org-api-token', 'hf-oauth-access-token', 'hf-trusted-publisher-token'] }) });
    expect((await runCli(['scan', dir, '-c', join(off, 'c.json')])).stderr).toMatch(/field "disableRules" turns off every rule/);
    const size = tree({ 'c.json': '{"maxFileSize": [1]}' });
    expect((await runCli(['scan', dir, '-c', join(size, 'c.json')])).stderr).toMatch(/field "maxFileSize" must be a size/);
    // A byte-order mark is no error; a JSON error gives the line and column, whatever the
    // error, and never quotes the file (a token may sit there), not even one character.
    const bom = tree({ 'c.json': `\uFEFF${JSON.stringify({ archiveDepth: 2 })}` });
    expect((await runCli(['scan', dir, '-c', join(bom, 'c.json')])).code).toBe(1);
    const broken = tree({
      'c.json': `{\n  "rules": [],\n  "token": ${t}\n}`,
      'b.json': `\n\n{"fingerprints": [${t}]}`,
      'd.json': '{"rules":[}',
      'e.json': '{\n  "rules": [\n    {"id": "x",\n  ]\n}\n',
      'f.json': '{"rules": [\n',
    });
    const bad = await runCli(['scan', dir, '-c', join(broken, 'c.json')]);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/c\.json: not valid JSON \(line 3, column 12\)\n$/) });
    const badBaseline = await runCli(['scan', dir, '--baseline', join(broken, 'b.json')]);
    expect(badBaseline).toMatchObject({ code: 2, stderr: expect.stringMatching(/b\.json: not valid JSON \(line 3, column 19\)\n$/) });
    for (const r of [bad, badBaseline]) expect(r.stderr).not.toContain(t.slice(3, 8));
    const messages = await Promise.all(['d.json', 'e.json', 'f.json'].map(async (f) => (await runCli(['scan', dir, '-c', join(broken, f)])).stderr));
    expect(messages).toEqual([
      `hfleaks: ${join(broken, 'd.json')}: not valid JSON (line 1, column 11)\n`,
      `hfleaks: ${join(broken, 'e.json')}: not valid JSON (line 4, column 3)\n`,
      `hfleaks: ${join(broken, 'f.json')}: not valid JSON (line 1, column 12: it ends too soon)\n`,
    ]);
  });

  it('takes the config of the working directory for a directory below it whose name begins with two dots, as for any other', async () => {
    const t = gen.userToken();
    const d = tree({ '.hfleaks.json': JSON.stringify({ disableRules: ['hf-user-access-token'] }), 'sub/a.env': `HF_TOKEN=${t}\n`, '..cfg/a.env': `HF_TOKEN=${t}\n` });
    for (const dir of ['sub', '..cfg']) {
      const r = await runJson(['scan', dir], { cwd: d });
      expect(r.report.findings, dir).toEqual([]);
      expect(r.stderr, dir).toMatch(/note: using .*\.hfleaks\.json, the config of the project around the scanned directory/);
    }
  });

  it("a rule's maxLength bounds what its pattern sees, however short", async () => {
    const rule = { id: 'short', title: 'Short', description: 'x', keywords: ['acme_'], pattern: 'acme_[A-Za-z]+', maxLength: 10, severity: 'low', examples: { positive: ['k = acme_{{body:5}}'], negative: ['k = acme_{{body:40}}'] } };
    const d = tree({ '.hfleaks.json': JSON.stringify({ rules: [rule] }), 'a.txt': `a = acme_${gen.body(5)}\nb = acme_${gen.body(40)}\n` });
    const r = await runJson(['scan', d]);
    expect(r.stderr).toBe('');
    expect(r.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.line))).toEqual([1]);
  });

  it.skipIf(process.getuid?.() !== 0)("never takes a config from above through someone else's .git (as git refuses such repositories)", async () => {
    const t = gen.userToken();
    const shared = tree({ '.git/HEAD': 'ref: refs/heads/main\n', '.hfleaks.json': JSON.stringify({ disableRules: ['hf-user-access-token'] }), 'victim/build/a.env': `HF_TOKEN=${t}\n` });
    execFileSync('chown', ['-R', '65534:65534', join(shared, '.git')]);
    const elsewhere = tempDir();
    const r = await runJson(['scan', join(shared, 'victim', 'build')], { cwd: elsewhere });
    expect(r.report.findings.map((f: any) => f.rule)).toEqual(['hf-user-access-token']);
    expect(r.stderr).toBe('');
    // Nor from the current directory above it, where one outside a repository would apply.
    const outer = tree({ '.hfleaks.json': JSON.stringify({ disableRules: ['hf-user-access-token'] }), 'sub/.git/HEAD': 'ref: refs/heads/main\n', 'sub/dir/a.env': `HF_TOKEN=${t}\n` });
    execFileSync('chown', ['-R', '65534:65534', join(outer, 'sub', '.git')]);
    const fromAbove = await runJson(['scan', join('sub', 'dir')], { cwd: outer });
    expect(fromAbove.report.findings.map((f: any) => f.rule)).toEqual(['hf-user-access-token']);
    expect(fromAbove.stderr).toBe('');
    // But the directory named is the user's choice: a checkout someone else owns (mounted
    // into a container, scanned with sudo) keeps its own config.
    const named = await runJson(['scan', shared], { cwd: elsewhere });
    expect(named.report.findings).toEqual([]);
    // And named from the directory above it, that directory's config still doesn't apply.
    const parent = tree({ '.hfleaks.json': JSON.stringify({ disableRules: ['hf-user-access-token'] }), 'co/.git/HEAD': 'ref: refs/heads/main\n', 'co/a.env': `HF_TOKEN=${t}\n` });
    execFileSync('chown', ['-R', '65534:65534', join(parent, 'co', '.git')]);
    const below = await runJson(['scan', 'co'], { cwd: parent });
    expect(below.report.findings.map((f: any) => f.rule)).toEqual(['hf-user-access-token']);
    // The same layout owned by this user is a project: its config applies, and a note says so.
    execFileSync('chown', ['-R', `${process.getuid!()}:${process.getgid!()}`, join(shared, '.git')]);
    const own = await runCli(['scan', join(shared, 'victim', 'build')], { cwd: elsewhere });
    expect(own.code).toBe(0);
    // (Named from the working directory, where the user can open it.)
    // And, like any config that turns a built-in rule off, a warning says which (in the report too).
    expect(own.stderr).toBe(
      `hfleaks: note: using ${join(shared, '.hfleaks.json')}, the config of the project around the scanned directory\n` +
        `hfleaks: warning: ${join(shared, '.hfleaks.json')} turns off the built-in rule hf-user-access-token: such tokens are not looked for\n`,
    );
    const ownJson = await runJson(['scan', join(shared, 'victim', 'build')], { cwd: elsewhere });
    expect(ownJson.report.stats.warnings).toEqual([`${join(shared, '.hfleaks.json')} turns off the built-in rule hf-user-access-token: such tokens are not looked for`]);
  });

  it('names the rule and example of a bad template, and never hangs on a short body', async () => {
    const base = { id: 'acme', title: 'Acme', description: 'x', keywords: ['acme_hf_'], pattern: 'acme_hf_[A-Za-z0-9]{40}', severity: 'high', filters: { placeholder: true } };
    const rules = (negative: string[]) => tree({ '.hfleaks.json': JSON.stringify({ rules: [{ ...base, examples: { positive: ['acme_hf_{{body:40}}'], negative } }] }), 'a.txt': 'x\n' });
    const short = await runCli(['scan', rules(['acme_hf_{{body:4}}', 'run: ${{ secrets.ACME_TOKEN }}'])], { timeoutMs: 20_000 });
    expect([short.code, short.stderr]).toEqual([0, '']);
    const bad = await runCli(['scan', rules(['acme_hf_{{repeat:a:-1}}'])]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^hfleaks: \/\S+\/\.hfleaks\.json: rules\[0\] \("acme"\): examples\.negative\[0\]: \{\{repeat:a:-1\}\}: the count must be a whole number from 0 to 1048576\n$/);
  });

  it('runs a user rule prone to catastrophic backtracking in linear time', async () => {
    // On a backtracking engine this pattern takes for ever on the input below.
    const rule = { id: 'evil', title: 'Evil', description: 'x', keywords: ['evil_'], pattern: 'evil_(a+)+b', maxLength: 20000, severity: 'low', examples: { positive: ['evil_aab'] } };
    const dir = tree({ '.hfleaks.json': JSON.stringify({ rules: [rule] }), 'a.txt': `evil_${'a'.repeat(15000)}c\n`.repeat(20) + `t=${t}\n` });
    const r = await runJson(['scan', dir], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    const paths = r.report.findings.flatMap((f: any) => f.locations.map((l: any) => `${f.rule} ${l.path}`));
    // The rule's own example sits in the config file; nothing in a.txt matches it.
    expect(paths.sort()).toEqual(['evil .hfleaks.json', 'hf-user-access-token a.txt']);
  });
});

describe('worker threads', () => {
  it('finds the same findings with 1 and 2 threads on a tree big enough to start workers', async () => {
    const files: Record<string, string> = {};
    const tokens = Array.from({ length: 30 }, () => gen.userToken());
    for (let i = 0; i < 200; i++) files[`d${i % 7}/f${i}.py`] = `x = 1\n${i % 5 === 0 ? `T = "${tokens[i % 30]}"\n` : 'y = 2\n'}`;
    const dir = tree(files);
    const one = await runJson(['scan', dir, '--threads', '1']);
    const two = await runJson(['scan', dir, '--threads', '2']);
    expect(one.report.stats.files).toBe(200);
    expect(two.report.stats.files).toBe(200);
    expect(two.report.findings).toEqual(one.report.findings);
    expect(one.report.findings.flatMap((f: any) => f.locations)).toHaveLength(40);
  });
});

describe('scanning a directory inside a repository', () => {
  it("honours the .gitignore files above it and the repository's info/exclude, as git does", async () => {
    const t = gen.userToken();
    const dir = tree({
      '.gitignore': 'generated/\n',
      '.git/info/exclude': 'local-notes.txt\n',
      'app/.gitignore': '*.tmp\n',
      'app/src/generated/out.py': `t=${t}`,
      'app/src/x.tmp': `t=${t}`,
      'app/src/local-notes.txt': `t=${t}`,
      'app/src/real.py': `t=${t}`,
    });
    const r = await runJson(['scan', join(dir, 'app', 'src')]);
    expect(r.report.findings[0].locations.map((l: any) => l.path)).toEqual(['real.py']);
    const all = await runJson(['scan', join(dir, 'app', 'src'), '--no-ignore']);
    expect(all.report.findings[0].locations).toHaveLength(4);
  });
});
