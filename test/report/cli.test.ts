// The report options end to end through the built CLI: --format sarif/markdown,
// --sarif FILE beside another format, advice in the text report, file modes.
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runJson, tempDir } from '../helpers/cli.ts';
import { startFakeHub } from '../helpers/fake-hub.mjs';
import { buildFixtureTree, expectNoSecretsOrEmails, expectValidSarif } from './helpers.ts';

describe('report formats through the CLI', () => {
  const root = tempDir();
  const fx = buildFixtureTree(join(root, 'tree'), 6006);
  const secrets = Object.values(fx.tokens);
  const clean = join(root, 'clean');
  mkdirSync(clean);
  writeFileSync(join(clean, 'a.py'), 'print("hello")\n');

  it('--sarif FILE writes SARIF (mode 0600) beside the text report, which prints the advice', async () => {
    const sarif = join(root, 'out.sarif');
    const r = await runCli(['scan', fx.dir, '--sarif', sarif]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('what to do:');
    expect(r.stdout).toMatch(/ {4}1\. Revoke it now/);
    expect(r.stdout).toContain('Deleting the line does not un-leak');
    expect(statSync(sarif).mode & 0o777).toBe(0o600);
    const text = readFileSync(sarif, 'utf8');
    expectValidSarif(text);
    expect(JSON.parse(text).runs[0].results).toHaveLength(6);
    expectNoSecretsOrEmails(text + r.stdout, secrets);
  });

  it('--sarif with --format json and --output: both files, the same findings', async () => {
    const sarif = join(root, 'both.sarif');
    const json = join(root, 'both.json');
    const r = await runCli(['scan', fx.dir, '-f', 'json', '-o', json, '--sarif', sarif]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    const log = JSON.parse(readFileSync(sarif, 'utf8'));
    expect(new Set(log.runs[0].results.map((x: any) => x.partialFingerprints['hfleaksSecret/v1']))).toEqual(new Set(report.findings.map((f: any) => f.fingerprint)));
    for (const f of report.findings) expect(f.advice.length).toBeGreaterThanOrEqual(3);
  });

  it('--show-secrets never reaches SARIF, but does reach markdown', async () => {
    const sarif = join(root, 'shown.sarif');
    const r = await runCli(['scan', fx.dir, '-f', 'markdown', '--show-secrets', '--sarif', sarif]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(fx.tokens.user);
    expectNoSecretsOrEmails(readFileSync(sarif, 'utf8'), secrets);
    const sarifOut = await runCli(['scan', fx.dir, '-f', 'sarif', '--show-secrets']);
    expectValidSarif(sarifOut.stdout);
    expectNoSecretsOrEmails(sarifOut.stdout, secrets);
  });

  it('markdown to a file is written with mode 0600', async () => {
    const md = join(root, 'summary.md');
    const r = await runCli(['scan', fx.dir, '-f', 'markdown', '-o', md]);
    expect(r.code).toBe(1);
    expect(statSync(md).mode & 0o777).toBe(0o600);
    expect(readFileSync(md, 'utf8')).toMatch(/^## hfleaks: 5 leaked secrets in 6 locations/);
  });

  it('a clean tree gives valid SARIF with no results, a clean markdown report, exit 0', async () => {
    const s = await runCli(['scan', clean, '-f', 'sarif']);
    expect(s.code).toBe(0);
    expectValidSarif(s.stdout);
    expect(JSON.parse(s.stdout).runs[0].results).toEqual([]);
    const m = await runCli(['scan', clean, '-f', 'markdown']);
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('## hfleaks: no leaked Hugging Face tokens');
  });

  it('errors: an unknown format names the choices; --sarif - and an unwritable --sarif are exit 2', async () => {
    const bad = await runCli(['scan', clean, '-f', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown format "xml" \(choose text, json, sarif, markdown\)/);
    const dash = await runCli(['scan', clean, '--sarif', '-']);
    expect(dash.code).toBe(2);
    expect(dash.stderr).toContain('--sarif needs a file');
    const nowhere = await runCli(['scan', fx.dir, '--sarif', join(root, 'no/such/dir/x.sarif')]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr.trim().split('\n')).toHaveLength(1);
    expect(nowhere.stderr).toContain('cannot write SARIF report (no such file or directory)');
  });

  it('a report it could not write fails before the scan, so no token goes to the Hub for nothing', async () => {
    const hub = await startFakeHub({});
    // A symbolic link to a file in a directory that doesn't exist.
    const link = join(root, 'to-nowhere.json');
    symlinkSync(join(root, 'no/such/dir/r.json'), link);
    try {
      for (const [flag, file, code] of [
        ['--output', join(root, 'no/such/dir/r.json'), 'no such file or directory'],
        ['--output', root, 'is a directory'],
        ['--sarif', join(root, 'no/such/dir/r.sarif'), 'no such file or directory'],
        ['--output', link, 'no such file or directory'],
      ] as const) {
        const r = await runCli(['scan', fx.dir, '--verify', '--endpoint', hub.url, flag, file]);
        expect(r.code, flag).toBe(2);
        expect(r.stderr.trim().split('\n'), flag).toHaveLength(1);
        expect(r.stderr, flag).toContain(`cannot write ${flag === '--sarif' ? 'SARIF ' : ''}report (${code})`);
      }
      expect(hub.requests).toHaveLength(0);
    } finally {
      await hub.close();
    }
  });

  it('JSON findings carry the advice, the same steps the text report prints', async () => {
    const { report } = await runJson(['scan', fx.dir]);
    const text = await runCli(['scan', fx.dir]);
    for (const f of report.findings) for (const a of f.advice) expect(text.stdout).toContain(a);
  });
});
