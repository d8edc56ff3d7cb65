// Picks the reporter for a format. Reporters know findings, not how they were made.
import { jsonReport } from '../report/json.ts';
import { markdownReport } from '../report/markdown.ts';
import { sarifReport } from '../report/sarif.ts';
import { textReport } from '../report/text.ts';
import type { Report, ReportOptions, Reporter } from '../report/types.ts';
import { UsageError } from './io.ts';

const REPORTERS: Record<string, Reporter> = { text: textReport, json: jsonReport, sarif: sarifReport, markdown: markdownReport };

export function renderReport(format: string, report: Report, options: ReportOptions): string {
  const r = REPORTERS[format];
  if (!r) throw new UsageError(`unknown format "${format}" (choose ${Object.keys(REPORTERS).join(', ')})`);
  return r(report, options);
}
