// The text report: one block per secret with all its locations, then a summary. Text
// from outside (paths, authors, Hub names, rule data from a repository's config) goes
// through safe(): one line each, no control characters.
import pc from 'picocolors';
import { isBlobPlace } from '../core/places.ts';
import { plural } from '../core/words.ts';
import { historyNotes, scannedWhat } from './scanned.ts';
import type { Finding, Location, Severity } from '../core/types.ts';
import { NOT_REQUESTED } from '../core/types.ts';
import { escapeControls as safe } from '../findings/redact.ts';
import type { Report, ReportOptions } from './types.ts';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MB`;
  return `${(n / (1 << 30)).toFixed(2)} GB`;
}

export function formatLocation(l: Location): string {
  let s = `${safe(l.path)}:${l.line}:${l.column}`;
  if (l.decoding?.length) s += ` (${l.decoding.join(', ')})`;
  const only = l.unreachable ? ' (unreachable: no branch, tag or stash holds it)' : l.inHead === false ? ' (history only)' : '';
  if (l.commit) s += ` in ${l.commit.slice(0, 12)}${l.author ? ` by ${safe(l.author)}` : ''}${l.date ? ` on ${l.date.slice(0, 10)}` : ''}${only}`;
  // A history location without a commit: before a shallow clone's boundary, a blob a tag
  // names, or an unreachable blob no commit holds (staged and never committed).
  else if (l.inHead !== undefined) s += ` in ${isBlobPlace(l.path) ? 'no commit' : 'history (commit unknown)'}${only}`;
  return s;
}

export function textReport(report: Report, options: ReportOptions): string {
  const c = pc.createColors(options.color);
  const sev: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold(c.red(s)), high: c.red, medium: c.yellow, low: c.cyan, info: c.dim,
  };
  const out: string[] = [];
  for (const f of report.findings) out.push(block(f, options, c, sev));
  out.push(summary(report, c));
  return `${out.join('\n')}\n`;
}

function block(f: Finding, options: ReportOptions, c: ReturnType<typeof pc.createColors>, sev: Record<Severity, (s: string) => string>): string {
  const lines: string[] = [];
  const secret = options.showSecrets ? f.secret.raw : f.secret.redacted;
  lines.push(`${sev[f.severity](f.severity.toUpperCase())} ${c.bold(safe(f.title))}: ${safe(secret)}`);
  lines.push(`  rule ${safe(f.rule)}, fingerprint ${safe(f.fingerprint)}`);
  if (f.jwt?.expiresAt) lines.push(`  ${f.jwt.expired ? 'expired' : 'expires'} ${safe(f.jwt.expiresAt)}${f.jwt.scope ? `, scope "${safe(f.jwt.scope)}"` : ''}`);
  const v = f.verification;
  // Verification off: nothing to say under each finding (the JSON report keeps the summary).
  if (v?.summary && v.reason !== NOT_REQUESTED) lines.push(`  ${safe(v.summary)}`);
  else if (v?.status && v.status !== 'skipped') lines.push(`  verification: ${v.status}`);
  const n = f.locations.length;
  lines.push(`  ${plural(n, 'location')}:`);
  for (const l of f.locations.slice(0, 50)) lines.push(`    ${formatLocation(l)}`);
  if (n > 50) lines.push(`    … and ${n - 50} more (see --format json)`);
  if (f.advice?.length) {
    lines.push('  what to do:');
    f.advice.forEach((a, i) => lines.push(`    ${i + 1}. ${safe(a)}`));
  }
  return lines.join('\n');
}

function summary(report: Report, c: ReturnType<typeof pc.createColors>): string {
  const s = report.stats;
  const locs = report.findings.reduce((n, f) => n + f.locations.length, 0);
  const parts: string[] = [];
  const what = scannedWhat(report);
  parts.push(`${what} (${formatBytes(s.bytes)}) scanned in ${(s.durationMs / 1000).toFixed(2)} s`);
  if (s.skipped.length) parts.push(`${s.skipped.length} skipped`);
  if (s.suppressed) parts.push(`${s.suppressed} suppressed`);
  if (s.baselined) parts.push(`${s.baselined} in the baseline`);
  if (s.warnings.length) parts.push(plural(s.warnings.length, 'warning'));
  parts.push(...historyNotes(s));
  const head = report.findings.length
    ? c.red(c.bold(`${plural(report.findings.length, 'secret')} found in ${plural(locs, 'location')}`))
    : s.missingObjects
      ? c.yellow('No Hugging Face tokens found in what git could read') // not "clean": some history was not scanned
      : c.green('No Hugging Face tokens found');
  const lines = [`${head}. ${parts.join('; ')}.`];
  for (const k of s.skipped.slice(0, 20)) lines.push(c.dim(`  skipped ${safe(k.path)}: ${safe(k.reason)}`));
  if (s.skipped.length > 20) lines.push(c.dim(`  … and ${s.skipped.length - 20} more skipped (see --format json)`));
  return lines.join('\n');
}
