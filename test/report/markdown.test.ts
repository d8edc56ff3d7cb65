// The markdown report: the table, per-secret details with the playbook, escaping of
// untrusted names, limits, and redaction.
import { describe, expect, it } from 'vitest';
import { attachAdvice } from '../../src/advice/index.ts';
import type { Finding, Location } from '../../src/core/types.ts';
import { fingerprintOf, sha256 } from '../../src/findings/aggregate.ts';
import { redact } from '../../src/findings/redact.ts';
import { escapeMarkdown, inlineCode, MAX_DETAILED, MAX_LOCATIONS_SHOWN, markdownReport } from '../../src/report/markdown.ts';
import type { Report } from '../../src/report/types.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import { expectNoSecretsOrEmails } from './helpers.ts';

const gen = tokenGenerator(99);

function finding(locations: Location[], over: Partial<Finding> = {}): Finding {
  const raw = gen.userToken();
  return {
    fingerprint: fingerprintOf('hf-user-access-token', raw),
    rule: 'hf-user-access-token',
    title: 'Hugging Face user access token',
    severity: 'high',
    secret: { raw, redacted: redact(raw), sha256: sha256(raw) },
    locations,
    ...over,
  };
}

const report = (findings: Finding[]): Report => ({
  command: 'scan',
  version: '0.1.0',
  findings,
  stats: { files: 2, bytes: 2048, skipped: [], warnings: [], suppressed: 1, durationMs: 5 },
});
const opts = { showSecrets: false, color: false };

describe('markdown report', () => {
  it('says so when nothing was found', () => {
    const md = markdownReport(report([]), opts);
    expect(md).toMatch(/^## hfleaks: no leaked Hugging Face tokens\n\n2 files \(2\.0 KB\) scanned by `hfleaks scan`; 1 suppressed\./);
  });

  it('has a table row and a section with the numbered playbook per secret', () => {
    const f = finding([{ path: 'src/a.py', line: 3, column: 7 }, { path: 'old.py', line: 1, column: 1, commit: 'a'.repeat(40), date: '2025-11-03T00:00:00Z', author: 'Jane', inHead: false }], {
      verification: { status: 'valid', role: 'write', owner: { name: 'alice', type: 'user' }, canWrite: true, summary: 'alice, write token' },
      repos: ['acme/llm'],
    });
    attachAdvice([f]);
    const md = markdownReport(report([f]), opts);
    expect(md).toContain('## hfleaks: 1 leaked secret in 2 locations');
    expect(md).toContain(`| **HIGH** | \`${f.secret.redacted}\` | Hugging Face user access token | valid, write, owner alice | \`src/a.py:3\` and 1 more |`);
    expect(md).toContain(`### 1. \`${f.secret.redacted}\`: Hugging Face user access token (high)`);
    expect(md).toContain('- Owner and reach: alice, write token');
    expect(md).toContain('- Repositories named near it: `acme/llm`');
    expect(md).toContain('  - `old.py:1:1` in commit `aaaaaaaaaaaa` (2025-11-03, history only)');
    expect(md).not.toContain('Jane');
    expect(md).toContain('**What to do**\n\n1. Revoke it now: it works and acts as alice');
    expect(md).toMatch(/\n5\. Delete it from/);
    expectNoSecretsOrEmails(md, [f.secret.raw]);
  });

  it('shows raw tokens only with --show-secrets', () => {
    const f = finding([{ path: 'a', line: 1, column: 1 }]);
    expect(markdownReport(report([f]), opts)).not.toContain(f.secret.raw);
    expect(markdownReport(report([f]), { showSecrets: true, color: false })).toContain(f.secret.raw);
  });

  it('escapes names that could inject markup or break the table', () => {
    const f = finding([{ path: 'x|y/<img src=x onerror=alert(1)>/`a`.py', line: 1, column: 1 }], {
      verification: { status: 'unknown', reason: '<script>alert(1)</script> **bold**' },
    });
    const md = markdownReport(report([f]), opts);
    const row = md.split('\n').find((l) => l.startsWith('| **HIGH**'))!;
    // Five cells: the pipe in the path is escaped.
    expect(row.replace(/\\\|/g, '').split('|').length - 2).toBe(5);
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
    expect(md).toContain('\\*\\*bold\\*\\*');
    expect(inlineCode('a`b')).toBe('``a`b``');
    expect(inlineCode('`a')).toBe('`` `a ``');
    expect(inlineCode('a|b', true)).toBe('`a\\|b`');
    expect(escapeMarkdown('a\nb [x](y)')).toBe('a b \\[x\\](y)');
  });

  it('stays bounded: detail and locations are capped with a pointer to the full report', () => {
    const many = Array.from({ length: MAX_DETAILED + 3 }, (_, i) =>
      finding(Array.from({ length: MAX_LOCATIONS_SHOWN + 2 }, (_, j) => ({ path: `f${i}.py`, line: j + 1, column: 1 }))),
    );
    attachAdvice(many);
    const md = markdownReport(report(many), opts);
    expect(md).toContain(`### ${MAX_DETAILED}. `);
    expect(md).not.toContain(`### ${MAX_DETAILED + 1}. `);
    expect(md).toContain('…and 3 more secrets, each with its own steps');
    expect(md).toContain('  - …and 2 more (see the JSON report)');
    expect(md.length).toBeLessThan(65_536);
  });

  it('stops detailing before a pull-request comment would overflow', () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      finding([{ path: `${'deep/'.repeat(40)}f${i}.py`, line: 1, column: 1 }], {
        verification: { status: 'valid', role: 'write', canWrite: true, owner: { name: 'alice', type: 'user' }, orgs: Array.from({ length: 8 }, (_, j) => ({ name: `org-${j}`, access: 'admin' as const, summary: 'admin' })) },
      }),
    );
    attachAdvice(many);
    const md = markdownReport(report(many), opts);
    expect(md.length).toBeLessThan(65_536);
    expect(md).toMatch(/…and \d+ more secrets, each with its own steps/);
    expect(md).toContain('…and 100 more secrets: see the JSON or SARIF report.');
  });
});
