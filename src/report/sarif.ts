// SARIF 2.1.0 for code scanning (GitHub and others): one rule per rule id with its
// help and playbook, one result per location with the redacted token, its verdict and
// the finding's own steps. Never a raw secret (not even with --show-secrets), never an
// e-mail address, never a commit message.
import { isBlobPlace } from '../core/places.ts';
import type * as Sarif from 'sarif';
import { adviseFinding, ruleHelp } from '../advice/index.ts';
import type { Finding, Location, Severity, Verification } from '../core/types.ts';
import { sha256 } from '../findings/aggregate.ts';
import { mapStrings, removeEmails, scrubber, scrubPathTokens } from '../findings/redact.ts';
import type { Report, ReportOptions } from './types.ts';

export const SARIF_SCHEMA = 'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json';
/** Results per finding: each location is one alert; past this, the last one says how many more. */
export const MAX_RESULTS_PER_FINDING = 100;

/** Code scanning ranks alerts by this score: over 9 critical, 7 to 8.9 high, 4 to 6.9 medium, below 4 low. */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function sarifLevel(s: Severity): Sarif.Result.level {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}


/** A location path as a URI reference: relative to %SRCROOT%, or file:// when absolute. */
export function pathToUri(path: string): { uri: string; uriBaseId?: string } {
  const enc = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  if (path.startsWith('/')) return { uri: `file://${enc(path)}` };
  if (/^[A-Za-z]:\//.test(path)) return { uri: `file:///${path.slice(0, 2)}${enc(path.slice(2))}` };
  return { uri: enc(path), uriBaseId: '%SRCROOT%' };
}

function ruleName(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function roleWords(role: string | undefined): string {
  return role === 'fineGrained' ? 'fine-grained' : role ?? 'unknown';
}

/** One clause on the verdict, for the result message. */
export function verdictWords(v: Verification | undefined): string {
  if (!v || v.status === 'skipped') return 'not verified, role unknown';
  const extra: string[] = [];
  if (v.status === 'valid' || v.role) extra.push(`role ${roleWords(v.role)}`);
  else extra.push('role unknown');
  if (v.owner?.name) extra.push(`owner ${v.owner.name}`);
  if (v.revoked) extra.push('revoked by this run');
  const why = v.status !== 'valid' && v.reason ? ` (${v.reason})` : '';
  return `verification ${v.status}${why}, ${extra.join(', ')}`;
}

function verificationProperties(v: Verification): Record<string, unknown> {
  return {
    status: v.status,
    ...(v.reason ? { reason: v.reason } : {}),
    ...(v.httpStatus !== undefined ? { httpStatus: v.httpStatus } : {}),
    ...(v.endpoint ? { endpoint: v.endpoint } : {}),
    ...(v.checkedAt ? { checkedAt: v.checkedAt } : {}),
    ...(v.owner ? { owner: { name: v.owner.name, type: v.owner.type } } : {}),
    ...(v.tokenName ? { tokenName: v.tokenName } : {}),
    ...(v.role ? { role: v.role } : {}),
    ...(v.createdAt ? { createdAt: v.createdAt } : {}),
    ...(v.expiresAt ? { expiresAt: v.expiresAt } : {}),
    ...(v.orgs ? { orgs: v.orgs.map((o) => ({ name: o.name, ...(o.roleInOrg ? { roleInOrg: o.roleInOrg } : {}), access: o.access })) } : {}),
    ...(v.fineGrained ? { fineGrained: v.fineGrained } : {}),
    ...(v.canWrite !== undefined ? { canWrite: v.canWrite } : {}),
    ...(v.canReadPrivate !== undefined ? { canReadPrivate: v.canReadPrivate } : {}),
    ...(v.reach ? { reach: v.reach } : {}),
    ...(v.summary ? { summary: v.summary } : {}),
    ...(v.revoked !== undefined ? { revoked: v.revoked } : {}),
  };
}

function message(f: Finding, l: Location, advice: string[], more: number): string {
  const unreachable = l.unreachable ? ', which no branch, tag or stash reaches' : l.inHead === false ? ', no longer in the current tree' : '';
  const where = l.commit
    ? ` Found in commit ${l.commit.slice(0, 12)}${l.date ? ` (${l.date.slice(0, 10)})` : ''}${unreachable}.`
    : isBlobPlace(l.path) ? ' Found in a blob that no commit holds (staged, never committed).'
    : l.unreachable ? ' Found in an object no branch, tag or stash reaches.' : '';
  const decoded = l.decoding?.length ? ` Revealed by decoding ${l.decoding.join(', ')}.` : '';
  const others = f.locations.length > 1 ? ` The same secret is at ${f.locations.length - 1} other location${f.locations.length === 2 ? '' : 's'}${more ? ` (${more} not listed as alerts)` : ''}.` : '';
  const head = `${f.title} ${f.secret.redacted} (${f.severity}): ${verdictWords(f.verification)}.${where}${decoded}${others}`;
  if (!advice.length) return head;
  return `${head}\n\nWhat to do:\n${advice.map((s, i) => `${i + 1}. ${s.replace(/`/g, '')}`).join('\n')}`;
}

function locationHash(f: Finding, l: Location): string {
  return sha256(`${f.fingerprint}\0${l.path}\0${l.commit ?? ''}`).slice(0, 32);
}

function results(f: Finding, ruleIndex: number): Sarif.Result[] {
  const advice = f.advice ?? adviseFinding(f);
  const shown = f.locations.slice(0, MAX_RESULTS_PER_FINDING);
  const more = f.locations.length - shown.length;
  return shown.map((l, i) => {
    const region: Sarif.Region = { startLine: Math.max(1, l.line), startColumn: Math.max(1, l.column) };
    // Where the token is written as itself (or in wide characters, counted as characters), it ends its length on.
    if (!l.decoding?.some((d) => d === 'base64' || d === 'percent' || d === 'escape' || d === 'hex')) region.endColumn = region.startColumn! + f.secret.raw.length;
    return {
      ruleId: f.rule,
      ruleIndex,
      level: sarifLevel(f.severity),
      message: { text: message(f, l, advice, more) },
      locations: [{ physicalLocation: { artifactLocation: pathToUri(l.path), region } }],
      partialFingerprints: {
        // Rule + hash of the secret: the same alert across runs, edits and line moves.
        'hfleaksSecret/v1': f.fingerprint,
        // ...and one alert per file (and commit) the secret sits in, still without line numbers.
        'hfleaksLocation/v1': locationHash(f, l),
      },
      properties: {
        fingerprint: f.fingerprint,
        severity: f.severity,
        redacted: f.secret.redacted,
        locationIndex: i + 1,
        locationCount: f.locations.length,
        ...(l.commit ? { commit: l.commit } : {}),
        ...(l.date ? { commitDate: l.date } : {}),
        ...(l.inHead !== undefined ? { inHead: l.inHead } : {}),
        ...(l.unreachable ? { unreachable: true } : {}),
        ...(l.decoding?.length ? { decoding: l.decoding } : {}),
        // (Claims hold what the issuer wrote: a token found nowhere else too, left raw by --show-secrets.)
        ...(f.jwt ? { jwt: mapStrings(f.jwt, scrubPathTokens) } : {}),
        ...(f.repos?.length ? { repos: f.repos } : {}),
        verification: f.verification ? verificationProperties(f.verification) : { status: 'skipped' },
      },
    };
  });
}

/** Every string in the log, with known secrets and e-mail addresses removed. */
function scrubDeep<T>(value: T, secrets: readonly string[]): T {
  const scrub = scrubber(secrets);
  return mapStrings(value, (s) => removeEmails(scrub(s)));
}

export function buildSarif(report: Report): Sarif.Log {
  const infos = new Map<string, { id: string; title: string; description: string; severity: Severity }>();
  for (const r of report.rules ?? []) infos.set(r.id, r);
  for (const f of report.findings) if (!infos.has(f.rule)) infos.set(f.rule, { id: f.rule, title: f.title, description: f.title, severity: f.severity });
  const ids = [...infos.keys()].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  // Code scanning reads security-severity from the rule only: use the worst finding of the run.
  const worst = new Map<string, Severity>();
  for (const f of report.findings) {
    const w = worst.get(f.rule);
    if (!w || RANK[f.severity] > RANK[w]) worst.set(f.rule, f.severity);
  }
  const rules: Sarif.ReportingDescriptor[] = ids.map((id) => {
    const r = infos.get(id)!;
    const sev = worst.get(id) ?? r.severity;
    const help = ruleHelp(r);
    return {
      id,
      name: ruleName(id),
      shortDescription: { text: r.title },
      fullDescription: { text: r.description },
      help: { text: help.text, markdown: help.markdown },
      defaultConfiguration: { level: sarifLevel(sev) },
      properties: {
        tags: ['security', 'secret', 'huggingface', 'external/cwe/cwe-798'],
        precision: 'high',
        'security-severity': SECURITY_SEVERITY[sev],
      },
    };
  });
  const stats = report.stats;
  const log: Sarif.Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'hfleaks', version: report.version, semanticVersion: report.version, rules } },
        // Columns count UTF-16 code units (an astral character is two), as editors do.
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory that was scanned (the repository root for history scans).' } } },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: stats.warnings.map((w) => ({ level: 'warning' as const, message: { text: w } })),
          },
        ],
        results: report.findings.flatMap((f) => results(f, index.get(f.rule)!)),
        properties: {
          command: report.command,
          files: stats.files,
          ...(stats.blobs !== undefined ? { blobs: stats.blobs } : {}),
          ...(stats.commits !== undefined ? { commits: stats.commits } : {}),
          suppressed: stats.suppressed,
          skipped: stats.skipped.length,
          ...(stats.shallow ? { shallow: true } : {}),
        },
      },
    ],
  };
  return scrubDeep(log, report.findings.map((f) => f.secret.raw));
}

/** The SARIF reporter. `--show-secrets` is ignored: SARIF is uploaded and shown to many. */
export function sarifReport(report: Report, _options?: ReportOptions): string {
  return `${JSON.stringify(buildSarif(report), null, 2)}\n`;
}
