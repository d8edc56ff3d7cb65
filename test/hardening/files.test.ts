// Hostile trees: each case asserts a warning or clean skip, no crash, no hang, and every
// other finding still reported.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.ts';
import { DEFAULT_CONTENT_OPTIONS } from '../../src/detect/content.ts';
import { scanFile, scanPaths } from '../../src/sources/files.ts';
import { builtinRules } from '../../src/rules/builtin.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import { CLI, runCli, runJson, tempDir } from '../helpers/cli.ts';

const gen = tokenGenerator(1234);

describe('hostile trees', () => {
  it('lists a device file as skipped and never reads it', async () => {
    const dir = tempDir();
    const t = gen.userToken();
    writeFileSync(join(dir, 'a.txt'), `t=${t}`);
    let device = false;
    try {
      execFileSync('mknod', [join(dir, 'zero'), 'c', '1', '5']);
      device = true;
    } catch {
      // not root: a FIFO exercises the same path
      execFileSync('mkfifo', [join(dir, 'zero')]);
    }
    const r = await runJson(['scan', dir], { timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.report.stats.skipped).toContainEqual({ path: 'zero', reason: 'not a regular file' });
    expect(device || r.report.stats.skipped.length === 1).toBe(true);
  });

  it('walks a 60-level-deep tree', async () => {
    const dir = tempDir();
    const t = gen.userToken();
    const deep = join(dir, ...Array.from({ length: 60 }, (_, i) => `level${i}`));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'leak.env'), `HF_TOKEN=${t}\n`);
    const r = await runJson(['scan', dir]);
    expect(r.report.findings[0].locations[0].path).toBe(`${Array.from({ length: 60 }, (_, i) => `level${i}`).join('/')}/leak.env`);
  });

  it('handles names with spaces, newlines and bytes that are not UTF-8', async () => {
    const dir = tempDir();
    const t = gen.userToken();
    writeFileSync(join(dir, 'with space.txt'), `a=${t}\n`);
    writeFileSync(join(dir, 'new\nline.txt'), `b=${t}\n`);
    writeFileSync(Buffer.from(`${dir}/bad-\xff\xfe-name.txt`, 'latin1'), `c=${t}\n`);
    writeFileSync(join(dir, 'nul.bin'), Buffer.alloc(10_000));
    writeFileSync(join(dir, 'empty'), '');
    const r = await runJson(['scan', dir]);
    expect(r.code).toBe(1);
    const paths = r.report.findings[0].locations.map((l: any) => l.path);
    expect(paths).toContain('with space.txt');
    expect(paths).toContain('new\nline.txt');
    // Not valid UTF-8: opened by its raw bytes, reported with replacement characters.
    expect(paths).toContain('bad-\uFFFD\uFFFD-name.txt');
    expect(paths).toHaveLength(3);
    expect(r.stderr).toBe('');
  });

  it('walks a directory whose name is not valid UTF-8, by its raw bytes', async () => {
    const dir = tempDir();
    const t = gen.userToken();
    mkdirSync(Buffer.from(`${dir}/dir-\xff/deeper`, 'latin1'), { recursive: true });
    writeFileSync(Buffer.from(`${dir}/dir-\xff/inside.txt`, 'latin1'), `t=${t}\n`);
    writeFileSync(Buffer.from(`${dir}/dir-\xff/deeper/more.txt`, 'latin1'), `t=${t}\n`);
    writeFileSync(join(dir, 'ok.txt'), `t=${t}\n`);
    const r = await runJson(['scan', dir]);
    expect(r.report.findings[0].locations.map((l: any) => l.path).sort()).toEqual(['dir-\uFFFD/deeper/more.txt', 'dir-\uFFFD/inside.txt', 'ok.txt']);
    expect(r.stderr).toBe('');
  });

  it('reports files deleted or truncated during the scan as warnings, and scans the rest', async () => {
    const dir = tempDir();
    const t = gen.userToken();
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}.txt`), `${'x'.repeat(50_000)}\nT=${t}\n`);
    const warnings: string[] = [];
    const skipped: string[] = [];
    const found: string[] = [];
    let n = 0;
    await scanPaths(
      createDetector(builtinRules()),
      {
        paths: [dir], cwd: dir, useIgnoreFiles: true, maxFileSize: 1 << 30, content: DEFAULT_CONTENT_OPTIONS,
        // Files are scanned in walk order on one thread: change the next ones as we go.
        onFile: () => {
          if (n++ === 0) {
            const rest = ['f1.txt', 'f2.txt', 'f3.txt', 'f4.txt'];
            rmSync(join(dir, rest[0]!));
            truncateSync(join(dir, rest[1]!), 10);
          }
        },
      },
      { match: (p) => found.push(p), warn: (w) => warnings.push(w), skip: (p) => skipped.push(p) },
    );
    expect(warnings.filter((w) => /vanished/.test(w))).toHaveLength(1);
    expect(found).toHaveLength(3);
  });

  it('warns and lists a file truncated while it is being read, and reports what was read', async () => {
    const dir = tempDir();
    const t = gen.userToken();
    const path = join(dir, 'big.log');
    // Larger than one whole read: read in 1 MB chunks, and the first token found (in the
    // first chunks) truncates the file before the rest is read.
    writeFileSync(path, `T=${t}\n${'lorem ipsum dolor sit amet\n'.repeat(400_000)}`);
    const size = statSync(path).size;
    const warnings: string[] = [];
    const skipped: { path: string; reason: string }[] = [];
    const found: string[] = [];
    const detector = createDetector(builtinRules());
    const bytes = scanFile(path, 'big.log', detector, {
      match: (p) => {
        if (!found.length) truncateSync(path, 0);
        found.push(p);
      },
      warn: (w) => warnings.push(w),
      skip: (p, reason) => skipped.push({ path: p, reason }),
    }, { maxFileSize: 1 << 30, content: DEFAULT_CONTENT_OPTIONS });
    expect(found).toEqual(['big.log']);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(size);
    const why = `shrank while being read (${bytes} of ${size} bytes scanned)`;
    expect(warnings).toEqual([`big.log: ${why}`]);
    expect(skipped).toEqual([{ path: 'big.log', reason: why }]);
  });

  it('finds a token at the end of a 300 MB file that is one line, with a warning', async () => {
    const dir = tempDir();
    const t = gen.userToken();
    const fd = openSync(join(dir, 'one-line.txt'), 'w');
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 300; i++) writeSync(fd, block);
    writeSync(fd, ` ${t}`);
    closeSync(fd);
    const r = await runJson(['scan', dir], { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    expect(r.report.findings[0].locations[0]).toMatchObject({ line: 1, column: 300 * (1 << 20) + 2 });
    expect(r.stderr).toMatch(/one-line\.txt: a single line of 300 MB/);
    expect(r.report.stats.content.longLines).toBe(1);
  });

  it('skips a 2 GB sparse file over the size cap, listing it, and still reports the rest', async () => {
    const dir = tempDir();
    const t = gen.userToken();
    writeFileSync(join(dir, 'small.txt'), `t=${t}`);
    closeSync(openSync(join(dir, 'sparse.img'), 'w'));
    truncateSync(join(dir, 'sparse.img'), 2 * 1024 ** 3);
    const r = await runJson(['scan', dir]);
    expect(r.code).toBe(1);
    expect(r.report.stats.skipped).toEqual([{ path: 'sparse.img', reason: `larger than the size cap (${2 * 1024 ** 3} > ${512 * 1024 ** 2} bytes)` }]);
  });
});

describe('files that say they are empty', () => {
  it.runIf(process.platform === 'linux')('reads /proc files, which report size 0, to their end: a token in a process environment is found', async () => {
    const token = gen.userToken();
    const r = await runJson(['scan', '/proc/self/environ', '--no-progress'], { env: { HF_TOKEN: token } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.report.findings.map((f: { secret: { sha256: string } }) => f.secret.sha256)).toEqual([createHash('sha256').update(token).digest('hex')]);
    expect(r.report.stats.bytes).toBeGreaterThan(0);
  });

  it('still reads an empty file as empty', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '__init__.py'), '');
    const r = await runJson(['scan', dir, '--no-progress']);
    expect(r.code).toBe(0);
    expect(r.report.stats).toMatchObject({ files: 1, bytes: 0, skipped: [] });
  });
});

describe('FIFOs, devices and stdin the user names', () => {
  it('reads a pipe or FIFO named on the command line (`cmd | hfleaks scan /dev/stdin`, `scan <(cmd)`) as a stream', () => {
    const t = gen.userToken();
    // A shell's pipe and process substitution (node's own child stdin is a socket).
    for (const [script, path] of [
      ['printf "HF_TOKEN=%s\\n" "$T" | "$NODE" "$CLI" scan -f json /dev/stdin', '/dev/stdin'],
      ['"$NODE" "$CLI" scan -f json <(printf "HF_TOKEN=%s\\n" "$T")', /^\/dev\/fd\/\d+$|^\/proc\/self\/fd\/\d+$/],
    ] as const) {
      const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', T: t, NODE: process.execPath, CLI } });
      expect(r.status, `${r.stderr}`).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.findings[0].locations[0]).toMatchObject({ path: expect.stringMatching(path), line: 1, column: 10 });
      expect(report.stats).toMatchObject({ files: 1, bytes: t.length + 10, skipped: [] });
    }
  });

  it('reads a device named on the command line up to the size cap, and lists it', async () => {
    const r = await runJson(['scan', '/dev/zero', '--max-file-size', '1MB']);
    expect(r.code).toBe(0);
    expect(r.report.stats).toMatchObject({ files: 1, bytes: 1 << 20 });
    expect(r.report.stats.skipped).toEqual([{ path: '/dev/zero', reason: `larger than the size cap (more than ${1 << 20} bytes); first ${1 << 20} bytes scanned` }]);
  });

  it('calls a socket named on the command line an error (exit 2), not a clean scan', async () => {
    const dir = tempDir();
    const server = createServer().listen(join(dir, 'sock'));
    await once(server, 'listening');
    try {
      const r = await runCli(['scan', 'sock'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('hfleaks: sock: cannot read (a socket)\n');
    } finally {
      server.close();
    }
  });

  it('calls `scan -` an error (exit 2) when standard input is a directory', async () => {
    const dir = tempDir();
    const fd = openSync(dir, 'r');
    try {
      const r = spawnSync(process.execPath, [CLI, 'scan', '-'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('hfleaks: -: cannot read standard input (it is a directory)\n');
      expect(r.stdout).toBe('');
    } finally {
      closeSync(fd);
    }
  });
});
