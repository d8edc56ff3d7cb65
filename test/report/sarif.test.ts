// SARIF from hand-made reports: schema validity, rules with help and severity, one
// result per location, fingerprints that survive line moves, and nothing secret or
// personal (raw tokens, e-mail addresses, commit messages) anywhere in it.
import { describe, expect, it } from 'vitest';
import type { Finding, Location, Verification } from '../../src/core/types.ts';
import { fingerprintOf, sha256 } from '../../src/findings/aggregate.ts';
import { redact, scrub, scrubber } from '../../src/findings/redact.ts';
import { builtinRules } from '../../src/rules/builtin.ts';
import { buildSarif, MAX_RESULTS_PER_FINDING, pathToUri, sarifReport } from '../../src/report/sarif.ts';
import type { Report } from '../../src/report/types.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import { expectNoSecretsOrEmails, expectValidSarif } from './helpers.ts';

const gen = tokenGenerator(777);

function finding(raw: string, locations: Location[], over: Partial<Finding> = {}): Finding {
  const rule = over.rule ?? 'hf-user-access-token';
  return {
    fingerprint: fingerprintOf(rule, raw),
    rule,
    title: 'Hugging Face user access token',
    severity: 'high',
    secret: { raw, redacted: redact(raw), sha256: sha256(raw) },
    locations,
    ...over,
  };
}

function report(findings: Finding[], warnings: string[] = []): Report {
  return {
    command: 'audit',
    version: '0.1.0',
    findings,
    stats: { files: 3, bytes: 100, skipped: [], warnings, suppressed: 0, durationMs: 12 },
    rules: builtinRules(),
  };
}

const verification: Verification = {
  status: 'valid',
  httpStatus: 200,
  endpoint: 'https://huggingface.co',
  checkedAt: '2026-01-02T03:04:05.000Z',
  owner: { name: 'alice', type: 'user', fullname: 'Alice <alice@example.com>' },
  tokenName: 'ci token of bob@example.org',
  role: 'write',
  canWrite: true,
  orgs: [{ name: 'acme', roleInOrg: 'admin', access: 'admin', summary: 'admin of acme; contact ops@acme.example.com' }],
  summary: 'alice (alice@example.com), write, admin of acme',
};

describe('SARIF', () => {
  const user = gen.userToken();
  const other = gen.userToken(true);
  const commit = 'f'.repeat(40);
  const history: Location = { path: 'src/old.py', line: 7, column: 5, commit, author: 'jane.doe@example.com', date: '2025-11-03T09:00:00Z', inHead: false };
  // A source could attach more than the type says: a commit message must never get through.
  const withMessage = { ...history, path: 'src/older.py', message: `Add token ${user} for jane@example.com` } as Location;
  const f1 = finding(user, [{ path: 'src/a b.py', line: 3, column: 10 }, history, withMessage], { verification, repos: ['acme/private-llm'], severity: 'critical' });
  const f2 = finding(other, [{ path: 'k8s/secret.yaml', line: 4, column: 9, decoding: ['base64'] }]);
  const log = buildSarif(report([f1, f2], [`x.txt: cannot read; owner jane@example.com`]));
  const text = sarifReport(report([f1, f2]), { showSecrets: true, color: false });

  it('validates against the 2.1.0 schema', () => {
    expectValidSarif(log);
    expectValidSarif(text);
    expectValidSarif(buildSarif(report([])));
  });

  it('holds no raw secret, e-mail address or commit message, even with --show-secrets', () => {
    const all = JSON.stringify(log) + text;
    expectNoSecretsOrEmails(all, [user, other]);
    expect(all).not.toContain('Add token');
  });

  it('describes the tool and one rule per rule id, with help, tags and a numeric security-severity', () => {
    const driver = log.runs[0]!.tool.driver;
    expect(driver.name).toBe('hfleaks');
    expect(driver.version).toBe('0.1.0');
    // (No informationUri: hfleaks is not on the npm registry, and where this repository
    // lives is the user's to say.)
    expect(driver.informationUri).toBeUndefined();
    const ids = driver.rules!.map((r) => r.id);
    expect(ids).toEqual([...new Set(ids)].sort());
    expect(ids).toEqual(expect.arrayContaining(['hf-user-access-token', 'hf-org-api-token', 'hf-oauth-access-token', 'hf-trusted-publisher-token']));
    for (const r of driver.rules!) {
      expect(r.shortDescription?.text).toBeTruthy();
      expect(r.fullDescription?.text).toBeTruthy();
      expect(r.help?.text).toContain('Revoke');
      expect(r.help?.markdown).toContain('**What to do when one leaks**');
      expect(r.properties?.tags).toEqual(expect.arrayContaining(['security', 'secret']));
      const sev = r.properties?.['security-severity'];
      expect(typeof sev).toBe('string');
      expect(Number.isFinite(Number(sev))).toBe(true);
    }
    const userRule = driver.rules!.find((r) => r.id === 'hf-user-access-token')!;
    // The worst finding of the run ranks the rule: a critical (write) token.
    expect(Number(userRule.properties!['security-severity'])).toBeGreaterThanOrEqual(9);
    expect(driver.rules!.find((r) => r.id === 'hf-org-api-token')!.properties!['security-severity']).toBe('8.0');
  });

  it('has one result per location, each with one location, a level and the redacted token, verdict and role', () => {
    const results = log.runs[0]!.results!;
    expect(results).toHaveLength(4);
    for (const r of results) {
      expect(r.locations).toHaveLength(1);
      expect(r.ruleId).toBeTruthy();
      expect(log.runs[0]!.tool.driver.rules![r.ruleIndex!]!.id).toBe(r.ruleId);
    }
    const [a, h] = results;
    expect(a!.level).toBe('error');
    expect(a!.message.text).toContain(redact(user));
    expect(a!.message.text).toContain('verification valid');
    expect(a!.message.text).toContain('role write');
    expect(a!.message.text).toContain('What to do:\n1. Revoke it now');
    expect(a!.locations![0]!.physicalLocation!.artifactLocation).toEqual({ uri: 'src/a%20b.py', uriBaseId: '%SRCROOT%' });
    expect(a!.locations![0]!.physicalLocation!.region).toEqual({ startLine: 3, startColumn: 10, endColumn: 10 + user.length });
    // History findings name their commit.
    expect(h!.message.text).toContain(`Found in commit ${commit.slice(0, 12)} (2025-11-03), no longer in the current tree`);
    expect(h!.properties).toMatchObject({ commit, commitDate: '2025-11-03T09:00:00Z', inHead: false });
    expect(h!.properties!.verification).toMatchObject({ status: 'valid', role: 'write', owner: { name: 'alice', type: 'user' }, canWrite: true });
    // A decoded location has no end column (the column is the encoded text's).
    expect(results[3]!.locations![0]!.physicalLocation!.region!.endColumn).toBeUndefined();
    expect(results[3]!.properties!.verification).toEqual({ status: 'skipped' });
    expect(results[3]!.message.text).toContain('not verified');
  });

  it('fingerprints come from the rule and the secret: stable across line moves, different for a different secret', () => {
    const moved = buildSarif(report([finding(user, [{ path: 'src/a b.py', line: 300, column: 1 }])]));
    const r0 = log.runs[0]!.results![0]!;
    const m0 = moved.runs[0]!.results![0]!;
    expect(m0.partialFingerprints).toEqual(r0.partialFingerprints);
    expect(r0.partialFingerprints!['hfleaksSecret/v1']).toBe(fingerprintOf('hf-user-access-token', user));
    const sameLine = buildSarif(report([finding(other, [{ path: 'src/a b.py', line: 3, column: 10 }])]));
    expect(sameLine.runs[0]!.results![0]!.partialFingerprints!['hfleaksSecret/v1']).not.toBe(r0.partialFingerprints!['hfleaksSecret/v1']);
    expect(sameLine.runs[0]!.results![0]!.partialFingerprints!['hfleaksLocation/v1']).not.toBe(r0.partialFingerprints!['hfleaksLocation/v1']);
    // Same secret in another file: the same secret fingerprint, another location fingerprint.
    const [, h, w] = log.runs[0]!.results!;
    expect(h!.partialFingerprints!['hfleaksSecret/v1']).toBe(w!.partialFingerprints!['hfleaksSecret/v1']);
    expect(h!.partialFingerprints!['hfleaksLocation/v1']).not.toBe(w!.partialFingerprints!['hfleaksLocation/v1']);
  });

  it('maps severities to levels', () => {
    const sev = (severity: Finding['severity']) => buildSarif(report([finding(user, [{ path: 'a', line: 1, column: 1 }], { severity })])).runs[0]!.results![0]!.level;
    expect([sev('critical'), sev('high'), sev('medium'), sev('low'), sev('info')]).toEqual(['error', 'error', 'warning', 'note', 'note']);
  });

  it('turns paths into URI references: spaces, archive members, absolute paths, stdin', () => {
    expect(pathToUri('model.zip!data/args.pkl')).toEqual({ uri: 'model.zip!data/args.pkl', uriBaseId: '%SRCROOT%' });
    expect(pathToUri('/tmp/x y/a#b?.py')).toEqual({ uri: 'file:///tmp/x%20y/a%23b%3F.py' });
    expect(pathToUri('<stdin>').uri).toBe('%3Cstdin%3E');
    expect(pathToUri('c:weird/α.py').uri).toBe('c%3Aweird/%CE%B1.py');
    const odd = buildSarif(report([finding(user, ['model.zip!data/args.pkl', '/tmp/x y/a#b?.py', '<stdin>', 'c:weird/α.py', 'dir/new\nline.txt'].map((path) => ({ path, line: 1, column: 1 })))]));
    expectValidSarif(odd);
  });

  it('caps results per finding and says how many locations were left out', () => {
    const many = Array.from({ length: MAX_RESULTS_PER_FINDING + 5 }, (_, i) => ({ path: `f${i}.py`, line: 1, column: 1 }));
    const capped = buildSarif(report([finding(user, many)]));
    expectValidSarif(capped);
    expect(capped.runs[0]!.results).toHaveLength(MAX_RESULTS_PER_FINDING);
    expect(capped.runs[0]!.results![0]!.message.text).toContain('(5 not listed as alerts)');
  });

  it('lists a rule that only a finding names (a rule from a config file)', () => {
    const custom = buildSarif({ ...report([finding(user, [{ path: 'a', line: 1, column: 1 }], { rule: 'acme-token', title: 'Acme token' })]), rules: undefined });
    expectValidSarif(custom);
    expect(custom.runs[0]!.tool.driver.rules!.map((r) => r.id)).toEqual(['acme-token']);
  });

  it('reports warnings as tool notifications, without e-mail addresses', () => {
    const n = log.runs[0]!.invocations![0]!.toolExecutionNotifications!;
    expect(n[0]!.message.text).toBe('x.txt: cannot read; owner [e-mail removed]');
  });
});

describe('scrubbing known secrets from free text', () => {
  it('redacts a secret whole, in base64 and as its body without the prefix; leaves other text', () => {
    const t = gen.userToken();
    const text = `a ${t} b ${Buffer.from(t).toString('base64')} c ${t.slice(3)} d hf_short e`;
    expect(scrub(text, [t])).toBe(`a ${redact(t)} b ${redact(t)} c ${redact(t)} d hf_short e`);
    expect(scrub('nothing here', [t])).toBe('nothing here');
  });

  it("redacts a config rule's secret made of characters no token run holds", () => {
    const odd = `acme_${gen.body(10)}!${gen.body(10)}`;
    expect(scrub(`file cache_${odd}.txt and ${odd}`, [odd, gen.userToken()])).toBe(`file cache_${redact(odd)}.txt and ${redact(odd)}`);
  });

  it('with thousands of secrets, finds each wherever it sits in a run of token characters', () => {
    const g = tokenGenerator(5);
    const secrets = Array.from({ length: 3000 }, () => g.userToken());
    const clean = scrubber(secrets);
    const prose = `valid write token "laptop" of alice (Alice), created 2026-03-02: reads and writes alice's repositories, private ones included.`;
    expect(clean(prose)).toBe(prose);
    expect(clean(`x${secrets[1234]}y`)).toBe(`x${redact(secrets[1234]!)}y`);
    const b64 = Buffer.from(secrets[7]!).toString('base64');
    expect(clean(`see a/b+c=${secrets[2999]}.d and ${b64} and path/${secrets[0]!.slice(3)}/x`)).toBe(`see a/b+c=${redact(secrets[2999]!)}.d and ${redact(secrets[7]!)} and path/${redact(secrets[0]!)}/x`);
  });

  it('built for one set of secrets, is not reused for another', () => {
    const [a, b] = [gen.userToken(), gen.userToken()];
    const text = `${a} and ${b}`;
    expect(scrubber([a])(text)).toBe(`${redact(a)} and ${b}`);
    expect(scrubber([b])(text)).toBe(`${a} and ${redact(b)}`);
    expect(scrubber([a, b])(text)).toBe(`${redact(a)} and ${redact(b)}`);
    expect(scrubber([])(text)).toBe(text);
    // The same secrets again: the same function, its texts already scrubbed.
    expect(scrubber([a, b])).toBe(scrubber([a, b]));
  });
});
