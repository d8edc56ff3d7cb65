// What every scanning command shares: rules and config, the detector, the aggregator,
// warnings on stderr, and the final report written in the chosen formats.
import { chmodSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Location, Match, ScanStats, Skipped } from '../core/types.ts';
import type { Config } from '../config.ts';
import { loadConfig } from '../config.ts';
import type { ContentOptions, ContentSink } from '../detect/content.ts';
import { DEFAULT_CONTENT_OPTIONS } from '../detect/content.ts';
import type { Detector } from '../detect/detector.ts';
import { createDetector } from '../detect/detector.ts';
import type { Aggregator } from '../findings/aggregate.ts';
import { createAggregator } from '../findings/aggregate.ts';
import { scrubTokenShapes } from '../findings/redact.ts';
import { readHfleaksIgnore } from '../sources/ignore.ts';
import type { Report } from '../report/types.ts';
import type { Io } from './io.ts';
import { UsageError, undash } from './io.ts';
import type { CommonArgs } from './options.ts';
import { renderReport } from './render.ts';

export const VERSION = '0.1.0';

export interface Session {
  config: Config;
  detector: Detector;
  aggregator: Aggregator;
  sink: ContentSink;
  content: ContentOptions;
  stats: ScanStats;
  started: number;
  /** Prints a warning (unless --quiet) and records it. */
  warn(message: string): void;
  /** Records a location with extra fields (git provenance). */
  addMatch(path: string, m: Match, extra?: Partial<Location>): void;
}

export function createSession(io: Io, args: CommonArgs, root: string): Session {
  const config = loadConfig(root, args.config);
  const detector = createDetector(config.rules, { decode: args.decode !== false });
  const ignored = args.ignore === false ? new Set<string>() : readHfleaksIgnore(root).fingerprints;
  const aggregator = createAggregator(config.rules, ignored);
  const stats: ScanStats = { files: 0, bytes: 0, skipped: [], warnings: [], suppressed: 0, durationMs: 0 };
  const warn = (message: string) => {
    const clean = scrubTokenShapes(message.replace(/[\r\n]+/g, ' '));
    stats.warnings.push(clean);
    if (!args.quiet) io.stderr(`hfleaks: warning: ${clean}\n`);
  };
  const skipped = (s: Skipped) => stats.skipped.push(s);
  const sink: ContentSink = {
    match: (path, m) => aggregator.add(path, m),
    warn,
    skip: (path, reason) => skipped({ path, reason }),
  };
  const content: ContentOptions = {
    archiveDepth: config.archiveDepth ?? args.archiveDepth ?? DEFAULT_CONTENT_OPTIONS.archiveDepth,
    archiveBytes: DEFAULT_CONTENT_OPTIONS.archiveBytes,
  };
  return {
    config, detector, aggregator, sink, content, stats, started: Date.now(), warn,
    addMatch: (path, m, extra) => aggregator.add(path, m, extra),
  };
}

/** Writes a file that may hold secrets: created with mode 0600, and made 0600 if it existed. */
export function writePrivateFile(path: string, data: string): void {
  writeFileSync(path, data, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Builds the report, runs the enrichment steps, writes the outputs; returns the exit code. */
export async function finish(io: Io, args: CommonArgs, session: Session, command: string): Promise<number> {
  session.stats.durationMs = Date.now() - session.started;
  session.stats.suppressed = session.aggregator.suppressed();
  const report: Report = { command, version: VERSION, findings: session.aggregator.findings(), stats: session.stats };
  const color = (!args.output || undash(args.output) === '-') && io.stdoutIsTTY && !('NO_COLOR' in io.env) && io.env.TERM !== 'dumb' && args.color !== false;
  const text = renderReport(args.format, report, { showSecrets: Boolean(args.showSecrets), color });
  const output = args.output === undefined ? undefined : undash(args.output);
  if (output && output !== '-') {
    try {
      writePrivateFile(resolve(io.cwd, output), text);
    } catch (e) {
      throw new UsageError(`${output}: cannot write report (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  } else {
    io.stdout(text);
  }
  return report.findings.length > 0 ? 1 : 0;
}
