// Baselines: fingerprints only (no secret, no line number), edits around a leak don't
// resurrect it, a new secret on the same line is reported, and the exit code follows
// the new findings only. Also .hfleaksignore fingerprints, which share that property.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline, BaselineError, formatBaseline, parseBaseline } from '../../src/baseline/index.ts';
import type { Finding } from '../../src/core/types.ts';
import { fingerprintOf } from '../../src/findings/aggregate.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import { runCli, runJson, tempDir } from '../helpers/cli.ts';
import { expectNoSecretsOrEmails, expectValidSarif } from '../report/helpers.ts';

const gen = tokenGenerator(31337);
const A = gen.userToken();
const B = gen.userToken(true);
const C = gen.orgToken();
const fpA = fingerprintOf('hf-user-access-token', A);
const fpB = fingerprintOf('hf-user-access-token', B);
const fpC = fingerprintOf('hf-org-api-token', C);

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

describe('baseline file', () => {
  it('is sorted, de-duplicated fingerprints with no secret, line or date', () => {
    const text = formatBaseline([fpC, fpA, fpA]);
    const data = JSON.parse(text);
    expect(Object.keys(data).sort()).toEqual(['description', 'fingerprints', 'tool', 'version']);
    expect(data.fingerprints).toEqual([fpA, fpC].sort());
    expect(text).toBe(formatBaseline([fpA, fpC]));
    expect(text).not.toMatch(/"line"|"column"|\d{4}-\d{2}-\d{2}/);
    expectNoSecretsOrEmails(text, [A, C]);
  });

  it('parses its own format, a JSON report, a bare array and plain text with comments', () => {
    expect([...parseBaseline(formatBaseline([fpA]), 'b').fingerprints]).toEqual([fpA]);
    expect([...parseBaseline(JSON.stringify({ version: 1, findings: [{ fingerprint: fpA }, { fingerprint: fpC }] }), 'r').fingerprints]).toEqual([fpA, fpC]);
    expect([...parseBaseline(JSON.stringify([fpB]), 'a').fingerprints]).toEqual([fpB]);
    expect([...parseBaseline(`# accepted\n${fpA}   # revoked 2026-03-01\n\n${fpC}\r\n`, 't').fingerprints]).toEqual([fpA, fpC]);
    // The rule and a report's secret.sha256, whole, name the same finding.
    const sha = createHash('sha256').update(A).digest('hex');
    expect([...parseBaseline(`hf-user-access-token:${sha}\n`, 't').fingerprints]).toEqual([fpA]);
    expect([...parseBaseline(JSON.stringify([`hf-user-access-token:${sha}`]), 'a').fingerprints]).toEqual([fpA]);
    // Anything between is a mistake, not a fingerprint that never matches.
    expect(() => parseBaseline(`hf-user-access-token:${sha.slice(0, 20)}\n`, 't')).toThrow(/is not a fingerprint/);
  });

  it('refuses what is not a baseline, naming the file and the entry', () => {
    expect(() => parseBaseline('{"fingerprints": ["nope"]}', 'base.json')).toThrow(/^base\.json: fingerprints\[0\] is not a fingerprint/);
    expect(() => parseBaseline('{"fingerprints": [', 'base.json')).toThrow(/^base\.json: not valid JSON/);
    expect(() => parseBaseline('{"other": 1}', 'base.json')).toThrow(BaselineError);
    expect(() => parseBaseline(`${fpA}\ntests/**\n`, 'base.txt')).toThrow(/^base\.txt:2: "tests\/\*\*" is not a fingerprint .*\.hfleaksignore/);
    expect(() => parseBaseline(JSON.stringify({ version: 9, fingerprints: [] }), 'b')).toThrow(/newer/);
  });

  it('drops exactly the findings whose fingerprint it holds', () => {
    const f = (fingerprint: string) => ({ fingerprint }) as Finding;
    const r = applyBaseline([f(fpA), f(fpB), f(fpC)], { fingerprints: new Set([fpA, fpC]) });
    expect(r.findings.map((x) => x.fingerprint)).toEqual([fpB]);
    expect(r.baselined).toBe(2);
  });
});

describe('hfleaks baseline and --baseline, end to end', () => {
  const root = tempDir();
  const repo = join(root, 'repo');
  const base = join(root, 'baseline.json');
  write(repo, {
    'src/app.py': `import os\nTOKEN = "${A}"\n`,
    'deploy/org.env': `ORG_TOKEN=${C}\n`,
  });

  it('records the current findings, fingerprints only', async () => {
    const r = await runCli(['baseline', repo, '-o', base]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('baseline of 2 findings written to');
    const text = readFileSync(base, 'utf8');
    expect(JSON.parse(text).fingerprints).toEqual([fpA, fpC].sort());
    expect(text).not.toContain('app.py');
    expectNoSecretsOrEmails(text, [A, C]);
    // Without -o it prints the same baseline.
    const out = await runCli(['baseline', repo]);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(text);
  });

  it('a scan with the baseline reports nothing and exits 0; the JSON counts what it hid', async () => {
    const r = await runJson(['scan', repo, '--baseline', base]);
    expect(r.code).toBe(0);
    expect(r.report.findings).toEqual([]);
    expect(r.report.stats.baselined).toBe(2);
    expect(r.stderr).toContain('2 findings in the baseline not reported');
    const q = await runCli(['scan', repo, '--baseline', base, '--quiet']);
    expect(q.code).toBe(0);
    expect(q.stderr).toBe('');
  });

  it('edits around a leak do not resurrect it: lines added above, re-indented, moved to another file', async () => {
    const edited = join(root, 'edited');
    write(edited, {
      'src/app.py': `# a new header\n\n\nimport os\nimport sys\n\nclass Config:\n        TOKEN = "${A}"  # moved and re-indented\n`,
      'src/moved/settings.py': `ORG = '${C}'\n`,
    });
    const r = await runJson(['scan', edited, '--baseline', base]);
    expect(r.code).toBe(0);
    expect(r.report.findings).toEqual([]);
  });

  it('a new secret on the same line as a baselined one is reported, and only it', async () => {
    const same = join(root, 'same-line');
    write(same, { 'src/app.py': `import os\nTOKEN = "${A}"; BACKUP = "${B}"\n`, 'deploy/org.env': `ORG_TOKEN=${C}\n` });
    const r = await runJson(['scan', same, '--baseline', base]);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f: any) => f.fingerprint)).toEqual([fpB]);
    expect(r.report.findings[0].locations).toEqual([{ path: 'src/app.py', line: 2, column: `TOKEN = "${A}"; BACKUP = "`.length + 1 }]);
    expect(r.report.stats.baselined).toBe(2);
  });

  it('the exit code follows the new findings only, in every format, and --sarif leaves baselined ones out', async () => {
    const grow = join(root, 'grow');
    write(grow, { 'src/app.py': `TOKEN = "${A}"\n` });
    const before = await runCli(['scan', grow, '--baseline', base, '-f', 'sarif']);
    expect(before.code).toBe(0);
    expectValidSarif(before.stdout);
    expect(JSON.parse(before.stdout).runs[0].results).toEqual([]);
    write(grow, { 'new.py': `T = "${B}"\n` });
    const sarif = join(root, 'grow.sarif');
    for (const format of ['text', 'json', 'markdown', 'sarif']) {
      const r = await runCli(['scan', grow, '--baseline', base, '-f', format, '--sarif', sarif]);
      expect(r.code).toBe(1);
      if (format === 'sarif') expectValidSarif(r.stdout);
      expectNoSecretsOrEmails(r.stdout, [A, B]);
    }
    const log = JSON.parse(readFileSync(sarif, 'utf8'));
    expectValidSarif(log);
    expect(log.runs[0].results.map((x: any) => x.partialFingerprints['hfleaksSecret/v1'])).toEqual([fpB]);
    const text = await runCli(['scan', grow, '--baseline', base]);
    expect(text.stdout).toContain('1 secret found');
  });

  it('a baseline from a JSON report (--from) equals one from a scan, and a report works as a baseline', async () => {
    const reportFile = join(root, 'report.json');
    expect((await runCli(['scan', repo, '-f', 'json', '-o', reportFile])).code).toBe(1);
    const fromFile = await runCli(['baseline', '--from', reportFile]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toBe(readFileSync(base, 'utf8'));
    const fromStdin = await runCli(['baseline', '--from', '-'], { input: readFileSync(reportFile) });
    expect(fromStdin.stdout).toBe(readFileSync(base, 'utf8'));
    expect((await runCli(['scan', repo, '--baseline', reportFile])).code).toBe(0);
  });

  it('a missing or malformed baseline is exit 2 with one line on stderr, before any report', async () => {
    const missing = await runCli(['scan', repo, '--baseline', join(root, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^hfleaks: .*nope\.json: cannot read baseline \(no such file; create one with `hfleaks baseline -o FILE`\)\n$/);
    const badFile = join(root, 'bad.json');
    writeFileSync(badFile, '{"fingerprints": ["hf-user-access-token:xyz"]}');
    const bad = await runCli(['scan', repo, '--baseline', badFile]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('fingerprints[0] is not a fingerprint');
    const noPath = await runCli(['baseline', join(root, 'no-such-dir')]);
    expect(noPath.code).toBe(2);
    const both = await runCli(['baseline', repo, '--from', badFile]);
    expect(both.code).toBe(2);
  });

  it('an error never quotes a token the file holds, not even its first characters', async () => {
    // Raw tokens where a report or fingerprints belong: an easy mistake, and V8's parse
    // error quotes the start of the text; a long line cut to 80 characters keeps a token's start.
    const tokens = join(root, 'tokens.txt');
    writeFileSync(tokens, `${A}\n${B}\n`);
    const long = join(root, 'long.txt');
    writeFileSync(long, `${'x'.repeat(60)} ${C}\n`);
    const listed = join(root, 'listed.json');
    writeFileSync(listed, JSON.stringify({ fingerprints: [`${'x'.repeat(60)} ${A}`] }));
    const runs = {
      from: await runCli(['baseline', '--from', tokens]),
      stdin: await runCli(['baseline', '--from', '-'], { input: `${A}\n` }),
      baseline: await runCli(['scan', repo, '--baseline', tokens]),
      long: await runCli(['scan', repo, '--baseline', long]),
      listed: await runCli(['scan', repo, '--baseline', listed]),
    };
    expect(runs.from.stderr).toBe(`hfleaks: ${tokens}: not a JSON report, not valid JSON (line 1, column 1); make one with --format json\n`);
    expect(runs.stdin.stderr).toMatch(/^hfleaks: stdin: not a JSON report, not valid JSON \(line 1, column 1\)/);
    for (const r of Object.values(runs)) {
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      // (Redacted, a token shows its prefix and two characters of its body at each end.)
      for (const [t, prefix] of [[A, 3], [B, 3], [C, 8]] as const) expect(r.stderr).not.toContain(t.slice(0, prefix + 3));
    }
  });
});

describe('.hfleaksignore fingerprints hide one secret, never its neighbours', () => {
  const root = tempDir();
  it('an ignored fingerprint (with a comment) hides that secret only; a path glob with a comment hides a path', async () => {
    write(root, {
      '.hfleaksignore': `${fpA}   # revoked 2026-03-01, see SEC-12\nfixtures/**   # generated data\n`,
      'src/app.py': `TOKEN = "${A}"; BACKUP = "${B}"\n`,
      'fixtures/data.txt': `${C}\n`,
    });
    const r = await runJson(['scan', root]);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((f: any) => f.fingerprint)).toEqual([fpB]);
    expect(r.report.stats.suppressed).toBe(1);
    // --no-ignore shows all three again.
    const all = await runJson(['scan', root, '--no-ignore']);
    expect(all.report.findings.map((f: any) => f.fingerprint).sort()).toEqual([fpA, fpB, fpC].sort());
  });
});
