// Tokens come from standard input, one a line, or from an environment variable named by
// --env: never from argv, where shell history and `ps` would keep them. The same line
// reader answers a confirmation prompt afterwards.
import { createInterface } from 'node:readline';
import { UsageError } from '../core/errors.ts';
import type { Readable } from 'node:stream';

export interface LineReader {
  /** The next line without its end, or undefined at the end of input. */
  next(): Promise<string | undefined>;
  close(): void;
}

const readers = new WeakMap<Readable, LineReader>();

/** A stream already read to its end (or destroyed): nothing more will ever come from it. */
function finished(stream: Readable): boolean {
  return stream.readableEnded || stream.destroyed;
}

/** One reader per stream, shared, so a prompt can follow the token list on a terminal. */
export function lineReader(stream: Readable): LineReader {
  let r = readers.get(stream);
  if (r) return r;
  if (finished(stream)) {
    // `scan -` read standard input to its end before the prompt: a readline made now
    // would wait for an end that already came, and the process would quit with no
    // report. There is no more input: no line, no answer.
    r = { next: async () => undefined, close: () => undefined };
    readers.set(stream, r);
    return r;
  }
  const rl = createInterface({ input: stream, crlfDelay: Infinity, terminal: false });
  const it = rl[Symbol.asyncIterator]();
  let ended = false;
  r = {
    async next() {
      if (ended) return undefined;
      const x = await it.next();
      if (x.done) {
        ended = true;
        return undefined;
      }
      return x.value;
    },
    close() {
      ended = true;
      rl.close();
      // A terminal left in reading mode would keep the process alive.
      if ('isTTY' in stream && (stream as { isTTY?: boolean }).isTTY) stream.pause();
    },
  };
  readers.set(stream, r);
  return r;
}

/** Closes the stream's line reader, if one was opened, so a terminal doesn't keep the process alive. */
export function releaseLineReader(stream: Readable): void {
  readers.get(stream)?.close();
}

export interface TokenLine {
  /** The line without its leading and trailing blanks. */
  text: string;
  /** 1-based line number in the input. */
  line: number;
  /** 1-based column where `text` starts in the line (after the leading blanks). */
  column: number;
}

/** A line as a TokenLine: trimmed, and where the trimmed text starts. */
function tokenLine(raw: string, line: number): TokenLine {
  const text = raw.trim();
  return { text, line, column: raw.length - raw.trimStart().length + 1 };
}

export interface TokenSource {
  /** Where the tokens came from, as locations show it: `<stdin>` or `$NAME`. */
  path: string;
  lines: TokenLine[];
  bytes: number;
}

/** Bad token input: a usage error (one line, exit 2), raised where the input is read. */
export class InputError extends UsageError {}

export interface ReadTokensIo {
  stdin: Readable;
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  stderr: (s: string) => void;
}

const MAX_LINES = 100_000;
const MAX_LINE = 64 << 10;

/**
 * Reads the token lines. On a terminal an empty line ends the list (so a prompt can
 * follow); from a pipe or file, the end of input does.
 */
export async function readTokenLines(io: ReadTokensIo, envName: string | undefined, quiet = false): Promise<TokenSource> {
  if (envName !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(envName)) throw new InputError(`--env: "${envName}" is not an environment variable name`);
    const value = io.env[envName];
    if (value === undefined || value.trim() === '') throw new InputError(`--env ${envName}: the variable is not set or is empty`);
    const lines = value.split(/\r?\n/).map((text, i) => tokenLine(text, i + 1)).filter((l) => l.text !== '');
    return { path: `$${envName}`, lines, bytes: Buffer.byteLength(value) };
  }
  if (io.stdinIsTTY && !quiet) io.stderr('Paste the tokens, one a line; an empty line ends the list.\n');
  const reader = lineReader(io.stdin);
  const lines: TokenLine[] = [];
  let bytes = 0;
  for (let n = 1; ; n++) {
    const raw = await reader.next();
    if (raw === undefined) break;
    if (io.stdinIsTTY && raw.trim() === '') break;
    bytes += Buffer.byteLength(raw) + 1;
    if (raw.length > MAX_LINE) throw new InputError(`line ${n} of standard input is longer than ${MAX_LINE} characters; one token a line`);
    if (raw.trim() !== '') lines.push(tokenLine(raw, n));
    if (lines.length > MAX_LINES) throw new InputError(`more than ${MAX_LINES} lines on standard input`);
  }
  return { path: '<stdin>', lines, bytes };
}

/**
 * Asks a yes/no question on a terminal (question on stderr, answer from stdin). Only
 * "y" or "yes" agree (in any case, spaces around ignored, as prompts usually take them);
 * anything else, or the end of input, declines.
 */
export async function confirm(io: ReadTokensIo, question: string): Promise<boolean> {
  io.stderr(`${question} [y/N] `);
  const reader = lineReader(io.stdin);
  const answer = await reader.next();
  reader.close();
  if (answer === undefined) io.stderr('\n');
  return /^\s*y(es)?\s*$/i.test(answer ?? '');
}
