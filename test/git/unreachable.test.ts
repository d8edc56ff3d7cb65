// `history --unreachable` (and audit's): the objects no ref reaches, end to end through the
// built CLI on a real repository.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCli, runJson } from '../helpers/cli.ts';
import { expectValidSarif } from '../report/helpers.ts';
import { makeRepo, tokens } from './repo.ts';

const gen = tokens(5151);
const sha = (x: string) => createHash('sha256').update(x).digest('hex');

/** A repository whose tokens sit where only the object database keeps them, and one where a ref does. */
function leakyRepo() {
  const t = {
    reset: gen.userToken(),
    unstaged: gen.userToken(),
    dropped: gen.userToken(),
    message: gen.userToken(),
    olderStash: gen.userToken(),
    committed: gen.userToken(),
  };
  const r = makeRepo();
  r.write('a.txt', 'a\n');
  r.write('app.py', `TOKEN = "${t.committed}"\n`);
  r.commit('first');
  // Committed, then reset away: only the branch's reflog keeps the commit.
  r.write('.env', `HF_TOKEN=${t.reset}\n`);
  const resetAway = r.commit('add env');
  r.git('reset', '-q', '--hard', 'HEAD~1');
  // Staged, then unstaged: a blob no commit holds.
  r.write('notes.py', `t = "${t.unstaged}"\n`);
  r.git('add', 'notes.py');
  r.git('rm', '-q', '--cached', 'notes.py');
  r.remove('notes.py');
  // A stash entry dropped.
  r.write('a.txt', `a\nkey=${t.dropped}\n`);
  r.git('stash', '-q');
  const dropped = r.git('rev-parse', 'stash@{0}').trim();
  r.git('stash', 'drop', '-q');
  // A commit message amended.
  r.write('b.txt', 'b\n');
  const amended = r.commit(`deploy with ${t.message}`);
  r.git('commit', '-q', '--amend', '-m', 'deploy');
  // An older stash entry: history reads it anyway (the stash's reflog), so it is no unreachable object.
  r.write('a.txt', `a\n${t.olderStash}\n`);
  r.git('stash', '-q');
  r.write('a.txt', 'a\nb\n');
  r.git('stash', '-q');
  return { r, t, resetAway, dropped, amended };
}

describe('history --unreachable', () => {
  it('finds what only a reflog, a dropped stash or the object database holds, and says so', async () => {
    const { r, t, resetAway, dropped, amended } = leakyRepo();
    const plain = await runJson(['history', '--no-progress'], { cwd: r.dir, env: r.env });
    const secretsOf = (report: any) => new Map(report.findings.map((f: any) => [f.secret.sha256, f]));
    const before = secretsOf(plain.report);
    expect([...before.keys()].sort()).toEqual([sha(t.committed), sha(t.olderStash)].sort());
    expect(plain.report.stats.unreachable).toBeUndefined();

    const h = await runJson(['history', '--no-progress', '--unreachable'], { cwd: r.dir, env: r.env });
    expect(h.code).toBe(1);
    const found = secretsOf(h.report) as Map<string, any>;
    expect(found.size).toBe(6);
    expect(found.get(sha(t.reset)).locations).toEqual([expect.objectContaining({ path: '.env', line: 1, column: 10, commit: resetAway, inHead: false, unreachable: true })]);
    expect(found.get(sha(t.dropped)).locations).toEqual([expect.objectContaining({ path: 'a.txt', line: 2, commit: dropped, unreachable: true })]);
    expect(found.get(sha(t.message)).locations).toEqual([expect.objectContaining({ path: '<commit message>', commit: amended, unreachable: true })]);
    // Staged and never committed: no commit, no path; the blob is named.
    const [blob] = found.get(sha(t.unstaged)).locations;
    expect(blob).toEqual({ path: expect.stringMatching(/^blob [0-9a-f]{12}$/), line: 1, column: 6, inHead: false, unreachable: true });
    expect(r.git('cat-file', '-p', blob.path.slice(5))).toContain('t = "hf_');
    // What a ref reaches is not marked.
    for (const x of [t.committed, t.olderStash]) for (const l of found.get(sha(x)).locations) expect(l.unreachable).toBeUndefined();
    // The commit reset away, the one amended, the dropped stash and its index commit; the
    // blobs of .env, notes.py and the dropped a.txt. (Not the older stash entry's.)
    expect(h.report.stats.unreachable).toEqual({ commits: 4, blobs: 3 });
    expect(h.report.stats.blobs).toBeGreaterThan(plain.report.stats.blobs);

    // The other formats say it too, and the playbook tells how to prune, not to rewrite history.
    const text = await runCli(['history', '--no-progress', '--unreachable'], { cwd: r.dir, env: r.env });
    expect(text.stdout).toContain('.env:1:10 in ' + resetAway.slice(0, 12));
    expect(text.stdout).toContain('(unreachable: no branch, tag or stash holds it)');
    expect(text.stdout).toMatch(/blob [0-9a-f]{12}:1:6 in no commit \(unreachable/);
    expect(text.stdout).toContain('git reflog expire --expire=now --expire-unreachable=now --all && git gc --prune=now');
    expect(text.stdout).toMatch(/\d+ blobs? and \d+ commits? no ref reaches included/);
    const sarif = await runCli(['history', '--no-progress', '--unreachable', '-f', 'sarif'], { cwd: r.dir, env: r.env });
    expectValidSarif(JSON.parse(sarif.stdout));
    const marked = JSON.parse(sarif.stdout).runs[0].results.filter((x: any) => x.properties.unreachable === true);
    expect(marked).toHaveLength(4);
  });

  it('goes with audit, and not with --range or --since', async () => {
    const { r, t } = leakyRepo();
    const audit = await runJson(['audit', '--no-verify', '--no-progress', '--unreachable'], { cwd: r.dir, env: r.env });
    expect(audit.code).toBe(1);
    expect(audit.report.findings.map((f: any) => f.secret.sha256)).toContain(sha(t.unstaged));
    for (const extra of [['--range', 'HEAD~1..HEAD'], ['--since', '2020-01-01']]) {
      const bad = await runCli(['history', '--no-progress', '--unreachable', ...extra], { cwd: r.dir, env: r.env });
      expect(bad.code, extra[0]).toBe(2);
      expect(bad.stderr).toMatch(/--unreachable .* not go with --range or --since/);
    }
  });

  it('finds nothing more in a repository where every object is reachable', async () => {
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    const h = await runJson(['history', '--no-progress', '--unreachable'], { cwd: r.dir, env: r.env });
    expect(h.code).toBe(0);
    expect(h.report.stats.unreachable).toEqual({ commits: 0, blobs: 0 });
  });
});
