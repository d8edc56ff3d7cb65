// The JSON report: a versioned contract (see README "JSON report"). Fields are only
// ever added, never renamed. The raw secret appears only with --show-secrets.
import type { Finding } from '../core/types.ts';
import type { Report, ReportOptions } from './types.ts';

export const JSON_REPORT_VERSION = 1;

export function findingToJson(f: Finding, showSecrets: boolean): Record<string, unknown> {
  return {
    fingerprint: f.fingerprint,
    rule: f.rule,
    title: f.title,
    severity: f.severity,
    secret: { redacted: f.secret.redacted, sha256: f.secret.sha256, ...(showSecrets ? { raw: f.secret.raw } : {}) },
    locations: f.locations,
    ...(f.jwt ? { jwt: f.jwt } : {}),
    ...(f.repos ? { repos: f.repos } : {}),
    ...(f.verification !== undefined ? { verification: f.verification } : {}),
    ...(f.advice ? { advice: f.advice } : {}),
  };
}

export function jsonReport(report: Report, options: ReportOptions): string {
  return `${JSON.stringify(
    {
      version: JSON_REPORT_VERSION,
      tool: { name: 'hfleaks', version: report.version },
      command: report.command,
      findings: report.findings.map((f) => findingToJson(f, options.showSecrets)),
      stats: report.stats,
    },
    null,
    2,
  )}\n`;
}
