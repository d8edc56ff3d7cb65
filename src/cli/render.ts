// Picks the reporter for a format. Reporters know findings, not how they were made; each
// is loaded when a report in its format is written (the hook writes text only).
import type { Report, ReportOptions, Reporter } from '../report/types.ts';
import { UsageError } from './io.ts';

const REPORTERS: Record<string, () => Promise<Reporter>> = {
  text: async () => (await import('../report/text.ts')).textReport,
  json: async () => (await import('../report/json.ts')).jsonReport,
  sarif: async () => (await import('../report/sarif.ts')).sarifReport,
  markdown: async () => (await import('../report/markdown.ts')).markdownReport,
};

/** Throws a usage error for a format no reporter writes (checked before any scan starts). */
export function checkFormat(format: string): void {
  if (!Object.hasOwn(REPORTERS, format)) throw new UsageError(`unknown format "${format}" (choose ${Object.keys(REPORTERS).join(', ')})`);
}

export async function renderReport(format: string, report: Report, options: ReportOptions): Promise<string> {
  checkFormat(format);
  const reporter = await REPORTERS[format]!();
  return reporter(report, options);
}
