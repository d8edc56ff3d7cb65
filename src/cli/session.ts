// What every scanning command shares: rules and config, the detector, the aggregator,
// warnings on stderr, and the final report written in the chosen formats.
import { accessSync, closeSync, constants, fchmodSync, fstatSync, ftruncateSync, lstatSync, openSync, readlinkSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { type AdviceContext, adviseFinding } from '../advice/index.ts';
import { type Baseline, filterReport, loadBaselineOption } from '../baseline/index.ts';
import type { Finding, Location, Match, ScanStats, Skipped } from '../core/types.ts';
import type { Config } from '../config.ts';
import { findConfig, loadConfig } from '../config.ts';
import { fsReason } from '../core/files.ts';
import type { ContentOptions, ContentSink } from '../detect/content.ts';
import { DEFAULT_CONTENT_OPTIONS, isArchiveDepth } from '../detect/content.ts';
import type { Detector } from '../detect/detector.ts';
import { createDetector } from '../detect/detector.ts';
import type { Aggregator } from '../findings/aggregate.ts';
import { createAggregator } from '../findings/aggregate.ts';
import { mapStrings, removeEmails, scrubber, scrubPathTokens, shownText } from '../findings/redact.ts';
import type { HfleaksIgnore } from '../sources/ignore.ts';
import { readHfleaksIgnore } from '../sources/ignore.ts';
import type { Report } from '../report/types.ts';
import { earlyVerifier, verifySettings, verifyStep } from '../verify/settings.ts';
import type { EarlyVerifier, VerifySettings } from '../verify/settings.ts';
import type { Io } from './io.ts';
import { UsageError } from './io.ts';
import type { CommonArgs } from './options.ts';
import { checkFormat, renderReport } from './render.ts';

import { VERSION } from '../core/version.ts';
import { plural } from '../core/words.ts';

export { VERSION };

export interface Session {
  config: Config;
  detector: Detector;
  aggregator: Aggregator;
  sink: ContentSink;
  content: ContentOptions;
  stats: ScanStats;
  started: number;
  /** --baseline FILE, read before the scan so a bad file fails fast. */
  baseline?: Baseline;
  /** The root's .hfleaksignore (empty with --no-ignore): its fingerprints apply here, its globs to git paths. */
  hfleaksIgnore: HfleaksIgnore;
  /** The directory that .hfleaksignore is in (its globs are relative to it), or the root when there is none. */
  hfleaksIgnoreDir: string;
  /** Prints a warning (unless --quiet) and records it. */
  warn(message: string): void;
  /** Records a location with extra fields (git provenance). */
  addMatch(path: string, m: Match, extra?: Partial<Location>): void;
  /** Verification's settings, checked as the session starts; undefined when not verifying. */
  verify?: VerifySettings;
  /**
   * When verifying: the Hub is asked about each token as it is first found, and finish()
   * takes the answers. Closed when the run stops early (closeSession).
   */
  early?: EarlyVerifier;
}

/** --threads, checked; by default the CPU count, at most 4. */
export function checkThreads(threads: number | undefined): number {
  if (threads === undefined) return Math.min(4, availableParallelism());
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError('--threads must be a whole number from 1 to 64');
  return threads;
}

export function createSession(io: Io, args: CommonArgs, root: string): Session {
  const config = loadConfig(root, args.config, io.cwd);
  if (config.above && !args.quiet) io.stderr(`hfleaks: note: using ${config.file}, the config of the project around the scanned directory\n`);
  const verify = verifySettings(io, args); // bad --endpoint/--verify-* flags, or --revoke without --yes off a terminal, fail before the scan
  const baseline = args.baseline !== undefined ? loadBaselineOption(io.cwd, args.baseline) : undefined;
  checkFormat(args.format);
  if (args.archiveDepth !== undefined && !isArchiveDepth(args.archiveDepth)) throw new UsageError('--archive-depth must be a whole number from 0 to 10');
  if (args.sarif === '-') throw new UsageError('--sarif needs a file (--format sarif prints SARIF on stdout)');
  if (args.sarif !== undefined) checkFormat('sarif');
  if (args.sarif !== undefined && args.output !== undefined && args.output !== '-' && sameFile(resolve(io.cwd, args.sarif), resolve(io.cwd, args.output))) {
    throw new UsageError('--output and --sarif name the same file: one report would overwrite the other');
  }
  // A report that can't be written fails before the scan and the Hub's requests, not after.
  if (args.output !== undefined && args.output !== '-') checkWritable(io, args.output);
  if (args.sarif !== undefined) checkWritable(io, args.sarif, 'SARIF');
  const detector = createDetector(config.rules, { decode: args.decode !== false });
  // Looked for as the config is, in the root and then above it up to the top of the
  // project: `scan tests` honours the project's .hfleaksignore as `scan tests src` does.
  const ignoreFile = args.ignore === false ? undefined : findConfig(root, io.cwd, ['.hfleaksignore']);
  const hfleaksIgnoreDir = ignoreFile ? dirname(ignoreFile.path) : root;
  const hfleaksIgnore = ignoreFile ? readHfleaksIgnore(hfleaksIgnoreDir) : { paths: [], fingerprints: new Set<string>() };
  // Each token goes to the Hub as soon as it is found, unless the baseline accepts it
  // (what it accepts is never sent): the answers come in while the scan goes on.
  const early = verify ? earlyVerifier(verify) : undefined;
  const aggregator = createAggregator(config.rules, hfleaksIgnore.fingerprints, early && ((f) => {
    if (!baseline?.fingerprints.has(f.fingerprint)) early.found(f);
  }));
  const stats: ScanStats = { files: 0, bytes: 0, skipped: [], warnings: [], suppressed: 0, durationMs: 0 };
  const warn = (message: string) => {
    // One line each, in the report as on stderr: names in messages come from outside.
    const clean = shownText(message);
    stats.warnings.push(clean);
    if (!args.quiet) io.stderr(`hfleaks: warning: ${clean}\n`);
  };
  // A repository's own .hfleaks.json can turn off what is looked for: said in every run,
  // and in the report, so a pull request that does so shows in its CI log.
  if (config.disabledBuiltins) warn(`${config.file} turns off the built-in rule${config.disabledBuiltins.length === 1 ? '' : 's'} ${config.disabledBuiltins.join(', ')}: such tokens are not looked for`);
  // A file can be named after a token (and a FIFO, a skipped blob…): its path is shown
  // with the token redacted, as the token itself is, unless --show-secrets.
  const shown = (path: string): string => (args.showSecrets ? path : scrubPathTokens(path));
  // Each (path, reason) once: in history every version of an archive left closed says the same.
  const listed = new Set<string>();
  const skipped = (s: Skipped) => {
    const entry = { ...s, path: shown(s.path) };
    const key = `${entry.path}\0${entry.reason}`;
    if (listed.has(key)) return;
    listed.add(key);
    stats.skipped.push(entry);
  };
  const sink: ContentSink = {
    match: (path, m) => aggregator.add(shown(path), m),
    warn,
    skip: (path, reason) => skipped({ path, reason }),
    note: (_path, kind) => {
      const c = (stats.content ??= { binary: 0, invalidUtf8: 0, longLines: 0 });
      if (kind === 'binary') c.binary++;
      else if (kind === 'invalid-utf8') c.invalidUtf8++;
      else c.longLines++;
    },
  };
  const content: ContentOptions = {
    // The command line wins over the config file, as for --max-file-size.
    archiveDepth: args.archiveDepth ?? config.archiveDepth ?? DEFAULT_CONTENT_OPTIONS.archiveDepth,
    archiveBytes: DEFAULT_CONTENT_OPTIONS.archiveBytes,
  };
  return {
    config, detector, aggregator, sink, content, stats, started: Date.now(), warn, hfleaksIgnore, hfleaksIgnoreDir, ...(baseline ? { baseline } : {}), ...(verify ? { verify } : {}), ...(early ? { early } : {}),
    addMatch: (path, m, extra) => aggregator.add(shown(path), m, extra),
  };
}

/**
 * Whether two report paths reach one file, whatever the spelling: the same file when both
 * exist (a symbolic or hard link), else the same name in the same real directory.
 */
function sameFile(a: string, b: string): boolean {
  const id = (p: string) => {
    try {
      const st = statSync(p);
      return `${st.dev}:${st.ino}`;
    } catch {
      return undefined;
    }
  };
  const [ia, ib] = [id(a), id(b)];
  if (ia !== undefined && ib !== undefined) return ia === ib;
  return whereWritten(a) === whereWritten(b);
}

/** The file a write to `p` creates: links followed (one to nothing too), its directory's real path. */
function whereWritten(p: string): string {
  for (let hops = 0; hops < 40; hops++) {
    try {
      if (!lstatSync(p).isSymbolicLink()) break;
      p = resolve(dirname(p), readlinkSync(p));
    } catch {
      break;
    }
  }
  try {
    return join(realpathSync(dirname(p)), basename(p));
  } catch {
    return p;
  }
}

/** Writes a file that may hold secrets: created with mode 0600, and made 0600 if it existed. */
export function writePrivateFile(path: string, data: string): void {
  // An existing file is made private before a byte is written (and left untouched if it
  // can't be); it is emptied only then. Not a regular file (/dev/stdout): written as is.
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT, 0o600);
  try {
    if (fstatSync(fd).isFile()) {
      fchmodSync(fd, 0o600);
      ftruncateSync(fd, 0);
    }
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

function cannotWrite(file: string, why: string, what?: string): UsageError {
  return new UsageError(`${file}: cannot write ${what ? `${what} ` : ''}report (${why})`);
}

/** A one-line error (exit 2) now, rather than after the scan, when `file` can't be written: its directory is missing or read-only, or it is one. */
function checkWritable(io: Io, file: string, what?: string): void {
  // (Through a symbolic link, the file it names is what gets written.)
  const path = whereWritten(resolve(io.cwd, file));
  let problem: string | undefined;
  try {
    const st = statSync(path);
    const uid = process.getuid?.();
    if (st.isDirectory()) problem = 'is a directory';
    // Writable but another user's: the write would fail to make it private (0600) after
    // the scan, and after --verify or --revoke had already gone to the Hub.
    else if (st.isFile() && uid !== undefined && uid !== 0 && st.uid !== uid) problem = "owned by another user, so it can't be made private (mode 0600)";
    else accessSync(path, constants.W_OK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') problem = fsReason(e);
    else {
      // Not there yet: written into its directory. (A file where the directory should be
      // fails the first stat with ENOTDIR.)
      try {
        accessSync(dirname(path), constants.W_OK);
      } catch (d) {
        problem = fsReason(d);
      }
    }
  }
  if (problem) throw cannotWrite(file, problem, what);
}

/** Writes a report file with mode 0600; a failure is a one-line error (exit 2). */
function writeReportFile(io: Io, file: string, text: string, what?: string): void {
  try {
    writePrivateFile(resolve(io.cwd, file), text);
  } catch (e) {
    throw cannotWrite(file, fsReason(e), what);
  }
}

/** Builds the report, runs the enrichment steps, writes the outputs; returns the exit code. */
export async function finish(io: Io, args: CommonArgs, session: Session, command: string): Promise<number> {
  session.stats.durationMs = Date.now() - session.started;
  session.stats.suppressed = session.aggregator.suppressed();
  // Threads warn in whatever order they finish: the report lists the warnings sorted, so
  // two reports of the same tree are the same (stderr keeps the order they came in).
  session.stats.warnings.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const report: Report = { command, version: VERSION, findings: session.aggregator.findings(), stats: session.stats, rules: session.config.rules };
  // The baseline first: what it accepts is neither verified nor reported, nor counted in the exit code.
  if (session.baseline) {
    const n = filterReport(report, session.baseline);
    if (n && !args.quiet) io.stderr(`hfleaks: ${plural(n, 'finding')} in the baseline not reported\n`);
  }
  // Each finding's advice and clean-up as soon as its verdict is in, while others are
  // still on their way; whatever verification didn't hand over, after it.
  const ready = readyForReport(report.findings, { staged: command === 'staged' }, Boolean(args.showSecrets));
  const client = await session.early?.client();
  const verified = await verifyStep(io, session.verify, report.findings, session.warn, { ...(client ? { client } : {}), settled: ready }); // sets verification and severity
  for (const f of report.findings) ready(f);
  // --color and --no-color decide; otherwise colour on a terminal unless NO_COLOR or TERM=dumb.
  const toStdout = !args.output || args.output === '-';
  const color = toStdout && (args.color ?? (io.stdoutIsTTY && !('NO_COLOR' in io.env) && io.env.TERM !== 'dumb'));
  const text = await renderReport(args.format, report, { showSecrets: Boolean(args.showSecrets), color });
  if (toStdout) io.stdout(text);
  else writeReportFile(io, args.output!, text);
  if (args.sarif !== undefined) writeReportFile(io, args.sarif, await renderReport('sarif', report, { showSecrets: false, color: false }), 'SARIF');
  io.onReport?.(report);
  if (verified.error) throw new UsageError(verified.error); // a failed --revoke: exit 2, after the report
  return report.findings.length > 0 ? 1 : 0;
}

/**
 * Runs a command's work on a session: a run stopped by an error (exit 2) sends nothing
 * more to the Hub and doesn't wait for answers it will never use.
 */
export async function closeSession<T>(session: Session, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    session.early?.close(); // (closed already after a report)
  }
}

/**
 * What finish() does to each finding once its verdict is final, once: the rotation
 * playbook (after verification, so the steps follow the verdict), then the personal data
 * taken out.
 */
function readyForReport(findings: Finding[], ctx: AdviceContext, showSecrets: boolean): (f: Finding) => void {
  const done = new Set<Finding>();
  let clean: ((f: Finding) => void) | undefined;
  return (f) => {
    if (done.has(f)) return;
    done.add(f);
    f.advice = adviseFinding(f, ctx);
    (clean ??= personalDataRemover(findings, showSecrets))(f);
  };
}

/**
 * No report holds an e-mail address: git authors and Hub full names can be one, and
 * reports end up in CI logs and pull-request comments. Nor, unless --show-secrets, a
 * token in a JWT's claims. Returns what cleans one finding of `findings`.
 */
function personalDataRemover(findings: Finding[], showSecrets: boolean): (f: Finding) => void {
  // Free text from git can hold a token too (an author name): every secret found, and
  // anything token-shaped, is redacted there even with --show-secrets, which shows the
  // secret in its own field only.
  const known = scrubber(findings.map((f) => f.secret.raw));
  // (The token's own shape, as for paths: a loose pattern would redact repository names like hf_distilbert_finetuned_sentiment.)
  const clean = (s: string) => scrubPathTokens(known(removeEmails(s)));
  return (f) => {
    for (const l of f.locations) if (l.author) l.author = clean(l.author);
    // A JWT's claims are what its issuer wrote: a subject or scope can hold a token (a
    // secret of this run, or one found nowhere else). Raw, like the secret, only when asked.
    if (f.jwt) f.jwt = mapStrings(f.jwt, showSecrets ? removeEmails : clean);
    const v = f.verification;
    if (v) {
      // (The owner's full name and the token's name had their e-mail addresses removed
      // where they came in, and what the Hub said was cleaned of every known secret:
      // verify/whoami.ts, verify/enrich.ts. The summary also holds network errors' text.)
      if (v.summary) v.summary = removeEmails(v.summary);
    }
    if (f.advice) f.advice = f.advice.map(clean);
  };
}

