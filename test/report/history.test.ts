// Reports of leaks found in git history, end to end through the built CLI on a real
// repository: SARIF names the commit and validates, the advice says the leak is only in
// history, no author e-mail or commit message appears anywhere, and a baseline made from
// a history report hides those leaks from later history scans.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tokenGenerator } from '../../src/rules/template.ts';
import { runCli, runJson, tempDir } from '../helpers/cli.ts';
import { expectNoSecretsOrEmails, expectValidSarif } from './helpers.ts';

const gen = tokenGenerator(2024);
const OLD = gen.userToken();
const NEW = gen.userToken(true);
const COMMIT_MESSAGE = 'add the deploy credentials for the nightly job';

// simple-git refuses to run while EDITOR is set (vitest sets it): reported to the history
// source's owners; cleared here so these tests exercise the reports.
const OPTS = { env: { EDITOR: undefined, VISUAL: undefined, GIT_EDITOR: undefined } };

let repo: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

beforeAll(() => {
  repo = tempDir('hfleaks-history-report-');
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Jane Doe');
  git('config', 'user.email', 'jane.doe@example.com');
  git('config', 'commit.gpgsign', 'false');
  writeFileSync(join(repo, 'deploy.py'), `from huggingface_hub import snapshot_download\nsnapshot_download("acme/weights", token="${OLD}")\n`);
  git('add', '.');
  execFileSync('git', ['commit', '-q', '-m', COMMIT_MESSAGE], { cwd: repo, env: { ...process.env, GIT_AUTHOR_DATE: '2025-11-03T09:00:00Z', GIT_COMMITTER_DATE: '2025-11-03T09:00:00Z' } });
  rmSync(join(repo, 'deploy.py'));
  writeFileSync(join(repo, 'README.md'), 'nothing here\n');
  git('add', '-A');
  execFileSync('git', ['commit', '-q', '-m', 'remove it'], { cwd: repo, env: { ...process.env, GIT_AUTHOR_DATE: '2025-11-04T09:00:00Z', GIT_COMMITTER_DATE: '2025-11-04T09:00:00Z' } });
});

describe('reports of history findings', () => {
  it('SARIF names the commit; advice says the leak is only in history; no e-mail or commit message', async () => {
    const first = git('rev-list', '--max-parents=0', 'HEAD');
    const sarif = join(repo, '..', `${repo.split('/').pop()}.sarif`);
    const r = await runJson(['history', repo, '--sarif', sarif], OPTS);
    expect(r.code).toBe(1);
    expect(r.report.findings).toHaveLength(1);
    const f = r.report.findings[0];
    expect(f.locations[0]).toMatchObject({ path: 'deploy.py', commit: first, inHead: false });
    expect(f.repos).toEqual(['acme/weights']);
    const last = f.advice.at(-1);
    expect(last).toMatch(new RegExp(`^It is only in git history now \\(1 commit, first ${first.slice(0, 12)} on 2025-11-03\\)`));
    expect(last).toContain('deleting the line did not un-leak it');
    expect(f.advice.some((s: string) => s.includes('since 2025-11-03'))).toBe(true);

    const text = readFileSync(sarif, 'utf8');
    expectValidSarif(text);
    const result = JSON.parse(text).runs[0].results[0];
    expect(result.message.text).toContain(`Found in commit ${first.slice(0, 12)} (2025-11-03), no longer in the current tree`);
    expect(result.properties).toMatchObject({ commit: first, inHead: false });
    for (const out of [text, r.stdout, (await runCli(['history', repo, '-f', 'markdown'], OPTS)).stdout]) {
      expectNoSecretsOrEmails(out, [OLD]);
      expect(out).not.toContain(COMMIT_MESSAGE);
    }
  });

  it('a baseline from a history report hides old leaks; a new commit with a new token is reported', async () => {
    const report = join(repo, '..', `${repo.split('/').pop()}-report.json`);
    const base = join(repo, '..', `${repo.split('/').pop()}-baseline.json`);
    expect((await runCli(['history', repo, '-f', 'json', '-o', report], OPTS)).code).toBe(1);
    expect((await runCli(['baseline', '--from', report, '-o', base])).code).toBe(0);
    expect((await runCli(['history', repo, '--baseline', base], OPTS)).code).toBe(0);
    writeFileSync(join(repo, 'app.py'), `TOKEN = "${NEW}"\n`);
    git('add', '.');
    git('commit', '-q', '-m', 'app');
    const r = await runJson(['history', repo, '--baseline', base], OPTS);
    expect(r.code).toBe(1);
    expect(r.report.findings.map((x: any) => x.locations[0].path)).toEqual(['app.py']);
    expect(r.report.stats.baselined).toBe(1);
  });
});
