// Picks the reporter for a format. Reporters know findings, not how they were made; each
// is loaded only for a report in its format (the hook writes text only), and loading
// starts when the format is checked, before the scan, so a long scan never ends on a
// reporter that can't load (an upgrade that replaced the files meanwhile).
import type { Report, ReportOptions, Reporter } from '../report/types.ts';
import { UsageError } from './io.ts';

const REPORTERS: Record<string, () => Promise<Reporter>> = {
  text: async () => (await import('../report/text.ts')).textReport,
  json: async () => (await import('../report/json.ts')).jsonReport,
  sarif: async () => (await import('../report/sarif.ts')).sarifReport,
  markdown: async () => (await import('../report/markdown.ts')).markdownReport,
};

const loading = new Map<string, Promise<Reporter>>();

function load(format: string): Promise<Reporter> {
  let p = loading.get(format);
  if (!p) {
    p = REPORTERS[format]!();
    p.catch(() => undefined); // awaited by renderReport
    loading.set(format, p);
  }
  return p;
}

/** Throws a usage error for a format no reporter writes, else starts loading its reporter. */
export function checkFormat(format: string): void {
  if (!Object.hasOwn(REPORTERS, format)) throw new UsageError(`unknown format "${format}" (choose ${Object.keys(REPORTERS).join(', ')})`);
  void load(format);
}

export async function renderReport(format: string, report: Report, options: ReportOptions): Promise<string> {
  checkFormat(format);
  return (await load(format))(report, options);
}
