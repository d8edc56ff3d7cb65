// Runs the built CLI as a user would, in a child process: the installed command
// (package.json "bin", dist/hfleaks.cjs), which loads dist/staged.cjs or dist/cli.js.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = resolve(ROOT, (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { bin: { hfleaks: string } }).bin.hfleaks);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  timeoutMs?: number;
  /** Another copy of the installed command to run (default CLI). */
  cli?: string;
  /** Run as this user and group (the test runner must be root). */
  uid?: number;
  gid?: number;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CI: '1', HF_ENDPOINT: undefined, ...opts.env };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const child = spawn(process.execPath, [opts.cli ?? CLI, ...args], {
      cwd: opts.cwd ?? process.cwd(),
      env: env as NodeJS.ProcessEnv,
      ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hfleaks ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 60000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs the CLI with --format json and parses the report. */
export async function runJson(args: string[], opts: CliOptions = {}): Promise<CliResult & { report: any }> {
  const r = await runCli([...args, '--format', 'json'], opts);
  let report: any;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 500)}\n${r.stderr}`);
  }
  return { ...r, report };
}

/** A temporary directory removed after the test file. */
export function tempDir(prefix = 'hfleaks-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A private copy of the installed layout (dist/ beside node_modules/), to damage at will:
 * the installed command in it, and the files of one quick bundle (dist/NAME.cjs and its
 * code cache).
 */
export function installedCopy(bundle: 'staged' | 'verify'): { cli: string; code: string; cache: string } {
  const pkg = tempDir();
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  return { cli: join(pkg, 'dist', 'hfleaks.cjs'), code: join(pkg, 'dist', `${bundle}.cjs`), cache: join(pkg, 'dist', `${bundle}.cjs.cache`) };
}

/** A temporary directory holding these files (paths with `/`, parents made as needed). */
export function tree(files: Record<string, string | Uint8Array>): string {
  const dir = tempDir();
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
  return dir;
}
