import type { Finding, ScanStats, Severity } from '../core/types.ts';

/** What every reporter receives: findings and stats, and nothing of how they were made. */
export interface Report {
  command: string;
  version: string;
  findings: Finding[];
  stats: ScanStats;
  /** The rules the scan ran (SARIF lists them with their help); optional for other callers. */
  rules?: { id: string; title: string; description: string; severity: Severity }[];
}

export interface ReportOptions {
  showSecrets: boolean;
  color: boolean;
}

export type Reporter = (report: Report, options: ReportOptions) => string;
