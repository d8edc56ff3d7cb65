// `hfleaks baseline [path]`: records the fingerprints of today's findings, so that
// `--baseline FILE` on later scans reports only new leaks. It runs the same scan as
// `hfleaks scan` (or reads the findings of a JSON report with --from, for history and
// audit reports) and writes fingerprints only: never a secret, never a line number.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BaselineError, baselineOf, formatBaseline } from '../../baseline/index.ts';
import { fsReason } from '../../core/files.ts';
import { parseJson } from '../../core/json-error.ts';
import { plural } from '../../core/words.ts';
import type { Io } from '../io.ts';
import { UsageError, withIo } from '../io.ts';
import type { CommonArgs } from '../options.ts';
import type { ScanArgs } from './scan.ts';

export interface BaselineArgs extends Omit<CommonArgs, 'format'> {
  path?: string;
  from?: string;
  maxFileSize?: string;
  threads?: number;
}

async function readAll(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString('utf8');
}

/** Fingerprints of the findings in a JSON report (from `--format json` of any command; - for stdin). */
async function fromReport(io: Io, file: string): Promise<string[]> {
  let text: string;
  try {
    text = file === '-' ? await readAll(io) : readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read report (${fsReason(e)})`);
  }
  const name = file === '-' ? 'stdin' : file;
  // (Never V8's message: it quotes the text, and a file of raw tokens is an easy mistake here.)
  const data = parseJson(text, (problem) => new UsageError(`${name}: not a JSON report, ${problem}; make one with --format json`)) as { findings?: unknown } | undefined;
  if (!data || !Array.isArray(data.findings)) throw new UsageError(`${name}: not a JSON report (no "findings"; make one with --format json)`);
  try {
    return [...baselineOf(data, file).fingerprints];
  } catch (e) {
    if (e instanceof BaselineError) throw new UsageError(e.message);
    throw e;
  }
}

/** Runs `hfleaks scan` on the path with a JSON report captured in memory; returns its fingerprints. */
async function fromScan(io: Io, args: BaselineArgs): Promise<string[]> {
  let json = '';
  const quietIo: Io = withIo(io, { stdout: (s) => void (json += s) });
  const scanArgs = {
    ...args,
    paths: [args.path ?? '.'],
    format: 'json',
    output: undefined,
    showSecrets: false,
    sarif: undefined,
    baseline: undefined,
  } as ScanArgs;
  await (await import('./scan.ts')).runScan(quietIo, scanArgs);
  const report = JSON.parse(json) as { findings: { fingerprint: string }[] };
  return report.findings.map((f) => f.fingerprint);
}

export async function runBaseline(io: Io, args: BaselineArgs): Promise<number> {
  if (args.from !== undefined && args.path !== undefined) throw new UsageError('name a path to scan or --from REPORT, not both');
  const fingerprints = args.from !== undefined ? await fromReport(io, args.from) : await fromScan(io, args);
  const text = formatBaseline(fingerprints);
  const output = args.output;
  const n = new Set(fingerprints).size;
  if (output && output !== '-') {
    try {
      writeFileSync(resolve(io.cwd, output), text);
    } catch (e) {
      throw new UsageError(`${output}: cannot write baseline (${fsReason(e)})`);
    }
    if (!args.quiet) io.stderr(`hfleaks: baseline of ${plural(n, 'finding')} written to ${output}; scan with --baseline ${output} to report only new ones\n`);
  } else {
    io.stdout(text);
  }
  return 0;
}
