// The markdown report: what a person reads in a pull-request comment or a job summary.
// A table of the secrets, then per secret its verdict, locations and the playbook.
// Untrusted text (paths, names, what the Hub says, the steps' names and scopes) is
// escaped so it can't inject markup, and the report stays well under GitHub's
// 65,536-character comment limit.
import { isBlobPlace } from '../core/places.ts';
import { plural } from '../core/words.ts';
import { historyNotes, scannedWhat } from './scanned.ts';
import type { Finding, Location, Severity, Verification } from '../core/types.ts';
import { NOT_REQUESTED } from '../core/types.ts';
import { escapeMarkdown, inlineCode, stepMarkdown } from './markdown-text.ts';
import type { Report, ReportOptions } from './types.ts';


/** Secrets listed in the table, and described in detail, at most. */
export const MAX_TABLE_ROWS = 100;
export const MAX_DETAILED = 25;
export const MAX_LOCATIONS_SHOWN = 10;
/** Details stop before the report passes this many characters (a GitHub comment holds 65,536). */
export const MAX_CHARS = 60_000;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MB`;
  return `${(n / (1 << 30)).toFixed(2)} GB`;
}

const SEV: Record<Severity, string> = { critical: '**CRITICAL**', high: '**HIGH**', medium: 'MEDIUM', low: 'low', info: 'info' };

function verdict(v: Verification | undefined): string {
  if (!v || v.status === 'skipped') return 'not verified';
  let s: string = v.status;
  if (v.status !== 'valid' && v.reason) s += ` (${escapeMarkdown(v.reason)})`;
  if (v.status === 'valid') {
    const role = v.role === 'fineGrained' ? 'fine-grained' : v.role;
    if (role) s += `, ${escapeMarkdown(role)}`;
    if (v.owner?.name) s += `, owner ${escapeMarkdown(v.owner.name)}`;
  }
  if (v.revoked) s += ', revoked by this run';
  return s;
}

function place(l: Location): string {
  let s = `${inlineCode(`${l.path}:${l.line}:${l.column}`)}`;
  if (l.decoding?.length) s += ` (${l.decoding.join(', ')})`;
  if (l.commit) {
    const bits = [l.date?.slice(0, 10), l.unreachable ? 'unreachable' : l.inHead === false ? 'history only' : undefined].filter(Boolean);
    s += ` in commit ${inlineCode(l.commit.slice(0, 12))}${bits.length ? ` (${bits.join(', ')})` : ''}`;
  } else if (l.unreachable) s += isBlobPlace(l.path) ? ' in no commit (unreachable)' : ' (unreachable)';
  return s;
}

function secretText(f: Finding, o: ReportOptions, inTable = false): string {
  return inlineCode(o.showSecrets ? f.secret.raw : f.secret.redacted, inTable);
}

function table(findings: Finding[], o: ReportOptions): string[] {
  const rows = ['| Severity | Secret | Kind | Verification | Where |', '|---|---|---|---|---|'];
  for (const f of findings.slice(0, MAX_TABLE_ROWS)) {
    const first = f.locations[0];
    const where = first ? `${inlineCode(`${first.path}:${first.line}`, true)}${f.locations.length > 1 ? ` and ${f.locations.length - 1} more` : ''}` : '';
    rows.push(`| ${SEV[f.severity]} | ${secretText(f, o, true)} | ${escapeMarkdown(f.title)} | ${verdict(f.verification)} | ${where} |`);
  }
  if (findings.length > MAX_TABLE_ROWS) rows.push('', `…and ${findings.length - MAX_TABLE_ROWS} more secrets: see the JSON or SARIF report.`);
  return rows;
}

function detail(f: Finding, n: number, o: ReportOptions): string[] {
  const out = [`### ${n}. ${secretText(f, o)}: ${escapeMarkdown(f.title)} (${f.severity})`, ''];
  out.push(`- Fingerprint: ${inlineCode(f.fingerprint)}`);
  const v = f.verification;
  out.push(`- Verification: ${verdict(v)}`);
  if (v?.summary && v.reason !== NOT_REQUESTED) out.push(`- Owner and reach: ${escapeMarkdown(v.summary)}`);
  if (f.jwt?.expiresAt) out.push(`- ${f.jwt.expired ? 'Expired' : 'Expires'}: ${escapeMarkdown(f.jwt.expiresAt)}${f.jwt.scope ? `, scope ${inlineCode(f.jwt.scope)}` : ''}`);
  if (f.repos?.length) out.push(`- Repositories named near it: ${f.repos.map((r) => inlineCode(r)).join(', ')}`);
  const n2 = f.locations.length;
  out.push(`- ${plural(n2, 'location')}:`);
  for (const l of f.locations.slice(0, MAX_LOCATIONS_SHOWN)) out.push(`  - ${place(l)}`);
  if (n2 > MAX_LOCATIONS_SHOWN) out.push(`  - …and ${n2 - MAX_LOCATIONS_SHOWN} more (see the JSON report)`);
  if (f.advice?.length) {
    out.push('', '**What to do**', '');
    f.advice.forEach((a, i) => out.push(`${i + 1}. ${stepMarkdown(a)}`));
  }
  out.push('');
  return out;
}

function statsLine(report: Report): string {
  const s = report.stats;
  const what = scannedWhat(report);
  const parts = [`${what} (${formatBytes(s.bytes)}) scanned by \`hfleaks ${escapeMarkdown(report.command)}\``];
  if (s.suppressed) parts.push(`${s.suppressed} suppressed`);
  if (s.skipped.length) parts.push(`${s.skipped.length} skipped`);
  if (s.warnings.length) parts.push(plural(s.warnings.length, 'warning'));
  parts.push(...historyNotes(s));
  return `${parts.join('; ')}.`;
}

export function markdownReport(report: Report, options: ReportOptions): string {
  const fs = report.findings;
  const out: string[] = [];
  if (!fs.length) {
    // Objects git could not read were not scanned: not "no leaks", only none in what was read
    // (the line below counts the missing objects).
    const head = report.stats.missingObjects ? 'no Hugging Face tokens found in what git could read' : 'no leaked Hugging Face tokens';
    out.push(`## hfleaks: ${head}`, '', statsLine(report));
  } else {
    const locs = fs.reduce((n, f) => n + f.locations.length, 0);
    out.push(
      `## hfleaks: ${plural(fs.length, 'leaked secret')} in ${plural(locs, 'location')}`,
      '',
      statsLine(report),
      '',
      'Deleting a line does not un-leak a token that was pushed: revoke each one first (step 1 below).',
      '',
      ...table(fs, options),
      '',
    );
    let size = out.reduce((n, l) => n + l.length + 1, 0);
    let shown = 0;
    for (const f of fs.slice(0, MAX_DETAILED)) {
      const lines = detail(f, shown + 1, options);
      const add = lines.reduce((n, l) => n + l.length + 1, 0);
      if (size + add > MAX_CHARS) break;
      out.push(...lines);
      size += add;
      shown++;
    }
    if (fs.length > shown) out.push(`…and ${fs.length - shown} more secrets, each with its own steps: see the JSON or SARIF report.`, '');
  }
  out.push('---', '', `<sub>hfleaks ${escapeMarkdown(report.version)}. Fingerprints depend on the rule and the secret only: once a token is revoked, an accepted one can go in \`.hfleaksignore\` or a baseline.</sub>`);
  return `${out.join('\n')}\n`;
}
