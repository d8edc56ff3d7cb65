// Everything the CLI touches of the outside world, so tests can run it in-process.
import { fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Report } from '../report/types.ts';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  /**
   * Why standard input can't be read although it opens as an empty stream (node hands a
   * directory over as one), if it can't; absent in tests.
   */
  stdinProblem?: () => string | undefined;
  /** The built worker script for parallel file scans (absent when running from source). */
  workerScript?: string;
  /** The built CLI itself (the pre-commit hook runs it by absolute path). */
  cliPath?: string;
  /** Receives the final report (the GitHub Action renders annotations from it). */
  onReport?: (report: Report) => void;
}

export function processIo(): Io {
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    // Opened on first use: most commands never read stdin, and opening it costs a few
    // milliseconds on every run of the pre-commit hook.
    get stdin() {
      return process.stdin;
    },
    stdinProblem: () => {
      try {
        return fstatSync(0).isDirectory() ? 'it is a directory' : undefined;
      } catch {
        return undefined; // closed: node reads it as empty, as a shell's `<&-` means
      }
    },
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    get stdinIsTTY() {
      return Boolean(process.stdin.isTTY);
    },
  };
}

/** `io` with some members replaced, keeping its lazy ones lazy (a spread would open stdin). */
export function withIo(io: Io, changes: Partial<Io>): Io {
  return Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(io), ...Object.getOwnPropertyDescriptors(changes) }) as Io;
}

/** A closed pipe (`hfleaks scan | head`) is a clean exit, as in ripgrep. */
export function exitOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
}

export { UsageError } from '../core/errors.ts';
