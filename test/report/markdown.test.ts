// The markdown report: the table, per-secret details with the playbook, escaping of
// untrusted names, limits, and redaction.
import { describe, expect, it } from 'vitest';
import type { Finding, Location } from '../../src/core/types.ts';
import { fingerprintOf, sha256 } from '../../src/findings/aggregate.ts';
import { escapeControls, redact } from '../../src/findings/redact.ts';
import { MAX_DETAILED, MAX_LOCATIONS_SHOWN, markdownReport } from '../../src/report/markdown.ts';
import { escapeMarkdown, inlineCode, stepMarkdown } from '../../src/report/markdown-text.ts';
import type { Report } from '../../src/report/types.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import { expectNoSecretsOrEmails } from './helpers.ts';
import { attachAdvice } from '../helpers/advice.ts';

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

  it('does not call a history with objects git could not read clean', () => {
    const r = report([]);
    r.stats = { ...r.stats, blobs: 40, commits: 9, missingObjects: 3 };
    const md = markdownReport(r, opts);
    expect(md).toMatch(/^## hfleaks: no Hugging Face tokens found in what git could read\n\n40 blobs in 9 commits \(2\.0 KB\) scanned by `hfleaks scan`; 1 suppressed; 3 objects missing, not scanned\./);
    expect(md).not.toContain('no leaked');
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

  it('shows control characters escaped, never raw: terminal escapes, NUL, bidirectional controls', () => {
    const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    const bad = 'x\u001b]0;pwned\u0007 \u202eevil\u2066\u0000';
    const f = finding([{ path: `p${bad}.py`, line: 1, column: 1 }], { verification: { status: 'unknown', reason: `HTTP 403: ${bad}`, summary: `unknown: ${bad}` } });
    attachAdvice([f]);
    f.advice = [...f.advice!, `A step naming ${bad} and \`${bad}\``];
    const md = markdownReport(report([f]), opts);
    expect(md).not.toMatch(CONTROLS);
    expect(md).toContain('\\u202eevil');
    expect(escapeMarkdown('a\u202eb\u0000')).toBe('a\\\\u202eb\\\\u0000');
    expect(escapeControls('a\u202eb\u2066c\u2069')).toBe('a\\u202eb\\u2066c\\u2069');
    expect(inlineCode('a\u001bb')).toBe('`a\\u001bb`');
  });

  it('escapes what others chose in the steps (names, organizations, grants, scopes), and keeps the steps plain text elsewhere', () => {
    const link = '[click me](https://evil.example/x) <img src=x>';
    const f = finding([{ path: 'src/a.py', line: 1, column: 1 }], {
      verification: {
        status: 'valid', role: 'fineGrained', tokenName: link, owner: { name: 'eve**bold**', type: 'user' },
        orgs: [{ name: 'acme_[x](y)', roleInOrg: 'admin', access: 'admin', summary: 'admin' }],
        fineGrained: { global: [], canReadGatedRepos: false, scoped: [{ type: 'org', name: 'acme_[x](y)', permissions: ['repo.write', `<b>${link}</b>`] }] },
        canWrite: true, canReadPrivate: true,
      },
    });
    attachAdvice([f]);
    // Plain text for the text and JSON reports.
    expect(f.advice!.join('\n')).toContain(`the token named "${link}"`);
    const md = markdownReport(report([f]), opts);
    const steps = md.slice(md.indexOf('**What to do**'));
    expect(steps).not.toMatch(/<img|<b>|(?<!\\)\]\(https|(?<!\\)\*\*bold/);
    expect(steps).toContain('the token named "\\[click me\\](https://evil.example/x) &lt;img src=x&gt;"');
    expect(steps).toContain('acts as eve\\*\\*bold\\*\\*');
    // A JWT's scope, from the file the token was found in.
    const oauth = finding([{ path: 'app.py', line: 1, column: 1 }], { rule: 'hf-oauth-access-token', jwt: { scope: `write-repos ${link}` }, verification: { status: 'unknown', reason: 'timeout' } });
    attachAdvice([oauth]);
    expect(oauth.advice!.join('\n')).toContain(`the scopes "write-repos ${link}"`);
    const omd = markdownReport(report([oauth]), opts);
    expect(omd.slice(omd.indexOf('**What to do**'))).not.toMatch(/<img|(?<!\\)\]\(https/);
    // The steps' own code spans stay code.
    expect(steps).toContain('`hfleaks revoke`');
    expect(stepMarkdown('run `a` then [x](y) ``')).toBe('run `a` then \\[x\\](y) \\`\\`');
    expect(stepMarkdown('a `x<y` b')).toBe('a `x<y` b');
    // Backticks in what others chose can't open or close the steps' code spans: the
    // Hub's text keeps look-alikes, in every report.
    const ticks = finding([{ path: 'src/a.py', line: 1, column: 1 }], {
      verification: { status: 'unknown', reason: 'HTTP 403: blocked `by` the `proxy', tokenName: 'ci`', owner: { name: 'eve`', type: 'user' } },
    });
    attachAdvice([ticks]);
    const plain = ticks.advice!.join('\n');
    expect(plain).toContain('(HTTP 403: blocked \u02cbby\u02cb the \u02cbproxy)');
    const tmd = markdownReport(report([ticks]), opts);
    const tsteps = tmd.slice(tmd.indexOf('**What to do**'));
    // Every code span in the steps is one of the playbook's own.
    for (const span of tsteps.match(/`[^`\n]+`/g) ?? []) expect(span).not.toMatch(/blocked|proxy|eve/);
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
