import type { Finding, ScanStats } from '../core/types.ts';

/** What every reporter receives: findings and stats, and nothing of how they were made. */
export interface Report {
  command: string;
  version: string;
  findings: Finding[];
  stats: ScanStats;
}

export interface ReportOptions {
  showSecrets: boolean;
  color: boolean;
}

export type Reporter = (report: Report, options: ReportOptions) => string;
