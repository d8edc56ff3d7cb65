// `history --unreachable` (and audit's): the objects no ref reaches, end to end through the
// built CLI on a real repository.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runJson } from '../helpers/cli.ts';
import { expectValidSarif } from '../report/helpers.ts';
import { packIndexHas } from '../../src/sources/git/history.ts';
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
    tag: gen.userToken(),
  };
  const r = makeRepo();
  r.write('a.txt', 'a\n');
  r.write('app.py', `TOKEN = "${t.committed}"\n`);
  r.commit('first');
  // Committed, then reset away: only the branch's reflog keeps the commit. (It copied
  // app.py's token too, which HEAD still holds.)
  r.write('.env', `HF_TOKEN=${t.reset}\n`);
  r.write('copy.py', `copied = "${t.committed}"\n`);
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
  // An annotated tag deleted.
  r.git('tag', '-a', 'v1', '-m', `release with ${t.tag}`);
  r.git('tag', '-d', 'v1');
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
    expect(found.size).toBe(7);
    expect(found.get(sha(t.reset)).locations).toEqual([expect.objectContaining({ path: '.env', line: 1, column: 10, commit: resetAway, inHead: false, unreachable: true })]);
    expect(found.get(sha(t.dropped)).locations).toEqual([expect.objectContaining({ path: 'a.txt', line: 2, commit: dropped, unreachable: true })]);
    expect(found.get(sha(t.message)).locations).toEqual([expect.objectContaining({ path: '<commit message>', commit: amended, unreachable: true })]);
    expect(found.get(sha(t.tag)).locations).toEqual([expect.objectContaining({ path: '<tag v1>', line: 1, author: expect.any(String), unreachable: true })]);
    // Staged and never committed: no commit, no file; the blob is named.
    const [blob] = found.get(sha(t.unstaged)).locations;
    expect(blob).toEqual({ path: expect.stringMatching(/^<blob [0-9a-f]{12}>$/), line: 1, column: 6, inHead: false, unreachable: true });
    expect(r.git('cat-file', '-p', blob.path.slice(6, -1))).toContain('t = "hf_');
    // What a ref reaches is not marked; a secret HEAD holds is in HEAD wherever else it sits.
    for (const l of found.get(sha(t.olderStash)).locations) expect(l.unreachable).toBeUndefined();
    expect(found.get(sha(t.committed)).locations).toEqual([
      expect.objectContaining({ path: 'app.py', inHead: true }),
      expect.objectContaining({ path: 'copy.py', commit: resetAway, inHead: true, unreachable: true }),
    ]);
    expect(found.get(sha(t.committed)).locations[0].unreachable).toBeUndefined();
    // The commit reset away, the one amended, the dropped stash and its index commit; the
    // blobs of .env, copy.py, notes.py and the dropped a.txt; the tag. (Not the older stash entry's.)
    expect(h.report.stats.unreachable).toEqual({ commits: 4, blobs: 4, tags: 1 });
    expect(h.report.stats.blobs).toBeGreaterThan(plain.report.stats.blobs);

    // The other formats say it too, and the playbook tells how to prune, not to rewrite history.
    const text = await runCli(['history', '--no-progress', '--unreachable'], { cwd: r.dir, env: r.env });
    expect(text.stdout).toContain('.env:1:10 in ' + resetAway.slice(0, 12));
    expect(text.stdout).toContain('(unreachable: no branch, tag or stash holds it)');
    expect(text.stdout).toMatch(/<blob [0-9a-f]{12}>:1:6 in no commit \(unreachable/);
    expect(text.stdout).toContain('git reflog expire --expire=now --expire-unreachable=now --all && git gc --prune=now');
    expect(text.stdout).toContain('it also empties every reflog and the stash list');
    expect(text.stdout).toContain('4 blobs, 4 commits and 1 annotated tag no ref reaches included');
    // The secret HEAD still holds: delete it from the file a ref reaches, and prune the copy no ref does.
    const committed = h.report.findings.find((f: any) => f.secret.sha256 === sha(t.committed));
    const cleanUp = committed.advice.at(-1);
    expect(cleanUp).toContain('Delete it from `app.py`');
    expect(cleanUp).not.toContain('copy.py');
    expect(cleanUp).toContain('Copies also sit in objects no branch, tag or stash reaches');
    const md = await runCli(['history', '--no-progress', '--unreachable', '-f', 'markdown'], { cwd: r.dir, env: r.env });
    expect(md.stdout).toMatch(/<blob [0-9a-f]{12}>:1:6`? in no commit \(unreachable\)/);
    const sarif = await runCli(['history', '--no-progress', '--unreachable', '-f', 'sarif'], { cwd: r.dir, env: r.env });
    expectValidSarif(JSON.parse(sarif.stdout));
    const marked = JSON.parse(sarif.stdout).runs[0].results.filter((x: any) => x.properties.unreachable === true);
    expect(marked).toHaveLength(6);
    // git speaking another language reads the same (its listing is parsed).
    const german = await runJson(['history', '--no-progress', '--unreachable'], { cwd: r.dir, env: { ...r.env, LANGUAGE: 'de', LANG: 'C.UTF-8' } });
    expect(german.report.findings.length).toBe(7);
  });

  it('leaves out what a borrowed object store holds (alternates: another repository reaches it)', async () => {
    const src = makeRepo();
    src.write('a.txt', 'a\n');
    src.commit('a');
    src.git('checkout', '-q', '-b', 'private');
    src.write('secret.env', `HF_TOKEN=${gen.userToken()}\n`);
    src.commit('private');
    src.git('checkout', '-q', 'main');
    const shared = makeRepo();
    shared.git('remote', 'add', 'origin', src.dir);
    shared.git('fetch', '-q', 'origin', 'main');
    shared.git('reset', '-q', '--hard', 'origin/main');
    // Borrow src's objects, as `git clone --shared` does, and drop the fetched copies.
    writeFileSync(join(shared.dir, '.git', 'objects', 'info', 'alternates'), `${join(src.dir, '.git', 'objects')}\n`);
    // Its own unreachable objects still count, packed or loose.
    const [packed, loose] = [gen.userToken(), gen.userToken()];
    shared.write('own.cfg', `k=${packed}\n`);
    shared.commit('own, to be packed');
    shared.git('repack', '-a', '-d', '-l', '-q');
    shared.git('reset', '-q', '--hard', 'HEAD~1');
    shared.write('loose.cfg', `k=${loose}\n`);
    shared.commit('own, loose');
    shared.git('reset', '-q', '--hard', 'HEAD~1');
    expect(readdirSync(join(shared.dir, '.git', 'objects', 'pack')).some((f) => f.endsWith('.idx'))).toBe(true);
    const h = await runJson(['history', '--no-progress', '--unreachable'], { cwd: shared.dir, env: shared.env });
    expect(h.code).toBe(1);
    expect(h.report.findings.map((f: any) => f.secret.sha256).sort()).toEqual([sha(packed), sha(loose)].sort());
  });

  it('keeps the commits of the unreachable objects it can read when one is damaged', async () => {
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    const [one, two] = [gen.userToken(), gen.userToken()];
    r.write('one.cfg', `k=${one}\n`);
    const first = r.commit('one');
    r.git('reset', '-q', '--hard', 'HEAD~1');
    r.write('b.txt', 'b\n');
    const parent = r.commit('b');
    r.write('two.cfg', `k=${two}\n`);
    r.commit('two');
    r.git('reset', '-q', '--hard', 'HEAD~2');
    // The parent of the second unreachable commit is gone: a walk over it fails.
    rmSync(join(r.dir, '.git', 'objects', parent.slice(0, 2), parent.slice(2)));
    const h = await runJson(['history', '--no-progress', '--unreachable'], { cwd: r.dir, env: r.env });
    expect(h.code).toBe(1);
    const where = new Map(h.report.findings.map((f: any) => [f.secret.sha256, f.locations[0]]));
    expect(where.get(sha(one))).toEqual(expect.objectContaining({ path: 'one.cfg', commit: first, unreachable: true }));
    expect(where.get(sha(two))).toEqual(expect.objectContaining({ path: expect.stringMatching(/^<blob [0-9a-f]{12}>$/), unreachable: true }));
    expect(h.report.stats.warnings.join('\n')).toMatch(/1 unreachable commit could not be read whole/);
  });

  it('reads what `reset --soft` left staged, and dates a leak from a commit reset away', async () => {
    const [soft, again] = [gen.userToken(), gen.userToken()];
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    // Committed, reset away, then committed again later: one blob, reachable, brought first by an unreachable commit.
    r.write('again.env', `T=${again}\n`);
    const first = r.commit('again, first', { date: '2024-01-05T10:00:00+0000' });
    r.git('reset', '-q', '--hard', 'HEAD~1');
    r.write('again.env', `T=${again}\n`);
    const later = r.commit('again, later', { date: '2024-03-05T10:00:00+0000' });
    // Committed, then reset --soft: the commit is gone, its file still staged, in no commit.
    r.write('soft.env', `T=${soft}\n`);
    r.commit('soft');
    r.git('reset', '-q', '--soft', 'HEAD~1');
    expect(r.git('diff', '--cached', '--name-only').trim()).toBe('soft.env');
    const h = await runJson(['history', '--no-progress', '--unreachable'], { cwd: r.dir, env: r.env });
    const byToken = new Map(h.report.findings.map((f: any) => [f.secret.sha256, f]));
    expect((byToken.get(sha(soft)) as any).locations).toEqual([expect.objectContaining({ path: 'soft.env', unreachable: true })]);
    const twice = byToken.get(sha(again)) as any;
    expect(twice.locations).toHaveLength(2);
    expect(twice.locations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'again.env', commit: first, unreachable: true }),
        expect.objectContaining({ path: 'again.env', commit: later, inHead: true }),
      ]),
    );
    expect(twice.locations.find((l: any) => l.commit === later).unreachable).toBeUndefined();
    // The playbook names the commit a ref reaches with its own date, and reviews from the first.
    const firstDate = twice.locations.find((l: any) => l.commit === first).date.slice(0, 10);
    const laterDate = twice.locations.find((l: any) => l.commit === later).date.slice(0, 10);
    const advice = twice.advice.join('\n');
    expect(firstDate).not.toBe(laterDate);
    expect(advice).toContain(`since ${firstDate}, the leak's first commit`);
    expect(advice).not.toContain(`${later.slice(0, 12)} on ${firstDate}`);
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

  it('reads a repository with no ref at all (no commit yet, a token staged)', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('first.env', `T=${token}\n`);
    r.git('add', 'first.env');
    const plain = await runJson(['history', '--no-progress'], { cwd: r.dir, env: r.env });
    expect(plain.report.findings).toEqual([]);
    const h = await runJson(['history', '--no-progress', '--unreachable'], { cwd: r.dir, env: r.env });
    expect(h.code).toBe(1);
    expect(h.report.findings.map((f: any) => [f.secret.sha256, f.locations[0].path])).toEqual([[sha(token), expect.stringMatching(/^<blob [0-9a-f]{12}>$/)]]);
    expect(h.report.stats.unreachable).toEqual({ commits: 0, blobs: 1, tags: 0 });
  });

  it('finds nothing more in a repository where every object is reachable', async () => {
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    const h = await runJson(['history', '--no-progress', '--unreachable'], { cwd: r.dir, env: r.env });
    expect(h.code).toBe(0);
    expect(h.report.stats.unreachable).toEqual({ commits: 0, blobs: 0, tags: 0 });
  });

  it('reads pack indexes of both versions git writes', () => {
    const r = makeRepo();
    for (const i of [1, 2, 3, 4, 5]) {
      r.write(`f${i}.txt`, `${i}\n`);
      r.commit(`c${i}`);
    }
    const ids = r.git('cat-file', '--batch-all-objects', '--batch-check=%(objectname)').trim().split('\n');
    for (const version of ['1', '2']) {
      r.git('-c', `pack.indexVersion=${version}`, 'repack', '-a', '-d', '-f', '-q');
      const dir = join(r.dir, '.git', 'objects', 'pack');
      const idx = readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.idx'))!));
      expect(idx.readUInt32BE(0) === 0xff744f63, version).toBe(version === '2');
      for (const id of ids) expect(packIndexHas(idx, Buffer.from(id, 'hex'), 20), `${version} ${id}`).toBe(true);
      for (const other of ['0'.repeat(40), 'f'.repeat(40), ids[0]!.slice(0, 39) + (ids[0]!.endsWith('0') ? '1' : '0')]) {
        expect(packIndexHas(idx, Buffer.from(other, 'hex'), 20), `${version} ${other}`).toBe(ids.includes(other));
      }
    }
  });
});
