// `hfleaks history`, end to end through the built CLI, on real repositories.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, runJson, tempDir } from '../helpers/cli.ts';
import { makeRepo, partialClone, runGit, tokens } from './repo.ts';

const gen = tokens(4242);

function history(repo: { dir: string; env: Record<string, string> }, args: string[] = []) {
  return runJson(['history', '--no-progress', ...args], { cwd: repo.dir, env: repo.env });
}

/** `history --since DATE`: the commit of each finding's first location, and how many commits were read. */
async function since(repo: { dir: string; env: Record<string, string> }, date: string) {
  const h = await history(repo, ['--since', date]);
  return { found: h.report.findings.map((f: any) => f.locations[0].commit), read: h.report.stats.commits };
}

describe('hfleaks history', () => {
  it('redacts a token that sits in an author name, in every format, even with --show-secrets', async () => {
    const token = gen.userToken();
    const other = gen.userToken();
    const r = makeRepo();
    r.write('a.env', `HF_TOKEN=${token}\n`);
    r.commit('oops', { author: `dev ${token}` });
    r.write('b.env', `HF_TOKEN=${other}\n`);
    r.commit('oops again', { author: `dev ${gen.userToken()}` }); // token-shaped, though not found in any file
    for (const format of ['json', 'text', 'markdown', 'sarif']) {
      const out = await runCli(['history', '--no-progress', '-f', format], { cwd: r.dir, env: r.env });
      expect(out.code, format).toBe(1);
      if (format === 'json' || format === 'text') expect(out.stdout, format).toContain('dev hf_'); // (markdown and SARIF name no author)
      expect(out.stdout.match(/hf_[A-Za-z]{34}/g), format).toBeNull();
    }
    const shown = await runJson(['history', '--no-progress', '--show-secrets'], { cwd: r.dir, env: r.env });
    const authors = shown.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.author));
    expect(authors).toHaveLength(2);
    for (const a of authors) expect(a).toMatch(/^dev hf_[A-Za-z]{2}…[A-Za-z]{2}$/);
  });

  it("audit's summary names both what it read: the working tree's files and history's blobs", async () => {
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.write('b.txt', 'b\n');
    r.commit('two files');
    const text = await runCli(['audit', '--no-verify', '--no-progress'], { cwd: r.dir, env: r.env });
    // (The working tree's files: a.txt, b.txt and the repository's .git/config.)
    expect(text.stdout).toMatch(/^No Hugging Face tokens found\. 3 files and 2 blobs in 1 commit \(\d+ B\) scanned/);
    const md = await runCli(['audit', '--no-verify', '--no-progress', '-f', 'markdown'], { cwd: r.dir, env: r.env });
    expect(md.stdout).toMatch(/3 files and 2 blobs in 1 commit \(\d+ B\) scanned by `hfleaks audit`/);
    // staged reads blobs only (each also counted as a file): it names the blobs, once.
    r.write('c.txt', 'c\n');
    r.git('add', 'c.txt');
    const staged = await runCli(['staged', '--no-progress'], { cwd: r.dir, env: r.env });
    expect(staged.stdout).toMatch(/^No Hugging Face tokens found\. 1 blob \(2 B\) scanned/);
  });

  it('reads commit and annotated tag messages, where no file ever held the token', async () => {
    const [inCommit, inTag, inFile] = [gen.userToken(), gen.userToken(), gen.userToken()];
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    const base = r.commit('start');
    r.write('b.txt', 'b\n');
    const leaky = r.commit(`ci: use the token\n\nfor now: HF_TOKEN=${inCommit}\n`);
    r.git('tag', '-a', 'v1', '-m', `release\n\ntoken ${inTag}`);
    r.git('tag', 'light'); // a lightweight tag has no message of its own
    r.write('c.txt', `${inFile}\n`);
    r.commit('c');
    const h = await history(r);
    expect(h.code).toBe(1);
    const where = Object.fromEntries(h.report.findings.map((f: any) => [f.secret.sha256, f.locations]));
    const bySecret = (t: string) => where[h.report.findings.find((f: any) => f.secret.redacted === `hf_${t.slice(3, 5)}…${t.slice(-2)}`).secret.sha256];
    expect(bySecret(inCommit)).toEqual([{ path: '<commit message>', line: 3, column: 19, commit: leaky, author: 'Alice Example', date: expect.any(String), inHead: false }]);
    expect(bySecret(inTag)).toEqual([{ path: '<tag v1>', line: 3, column: 7, author: expect.any(String), date: expect.any(String), inHead: false }]);
    expect(bySecret(inFile)).toEqual([expect.objectContaining({ path: 'c.txt', inHead: true })]);
    // The same from the object listing (a bitmap), where a commit walk of its own reads them.
    r.git('repack', '-a', '-d', '-b', '-q');
    const objects = await history(r);
    expect(objects.report.findings).toEqual(h.report.findings);
    // A range reads the messages of its own commits only; tags belong to no range.
    const range = await history(r, ['--range', `${base}..HEAD`]);
    expect(range.report.findings.map((f: any) => f.locations[0].path).sort()).toEqual(['<commit message>', 'c.txt']);
    const after = await history(r, ['--range', `${leaky}..HEAD`]);
    expect(after.report.findings.map((f: any) => f.locations[0].path)).toEqual(['c.txt']);
    for (const format of ['text', 'markdown', 'sarif']) {
      const out = await runCli(['history', '--no-progress', '-f', format], { cwd: r.dir, env: r.env });
      for (const t of [inCommit, inTag, inFile]) expect(out.stdout, format).not.toContain(t);
    }
  });

  it('reads the message of a tag that only another tag reaches (nested tags), each tag once', async () => {
    const [inner, middle, outer] = [gen.userToken(), gen.userToken(), gen.userToken()];
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('start');
    const tag = (name: string, target: string, token: string) => r.git('-c', 'advice.nestedTag=false', 'tag', '-a', name, target, '-m', `release HF_TOKEN=${token}`);
    tag('inner', 'HEAD', inner);
    tag('middle', 'inner', middle);
    tag('outer', 'middle', outer);
    r.git('tag', '-d', 'inner', 'middle');
    r.git('tag', 'again', 'outer'); // a second ref to the same tag object
    const paths = (h: any) => h.report.findings.flatMap((f: any) => f.locations.map((l: any) => `${l.path}${l.unreachable ? ' (unreachable)' : ''}`)).sort();
    const h = await history(r);
    expect(h.code, h.stderr).toBe(1);
    expect(paths(h)).toEqual(['<tag again>', '<tag inner>', '<tag middle>']);
    // The outer tag reaches them: nothing is unreachable, and nothing is read twice.
    const u = await history(r, ['--unreachable']);
    expect(paths(u)).toEqual(['<tag again>', '<tag inner>', '<tag middle>']);
    expect(u.report.stats.unreachable.tags).toBe(0);
  });

  it('--archive-depth 0 lists an archive left closed once, not once per version history holds', async () => {
    const r = makeRepo();
    for (let i = 0; i < 4; i++) {
      r.write('logs/run.log.gz', gzipSync(Buffer.from(`step ${i}\n`)));
      r.commit(`log ${i}`);
    }
    const h = await history(r, ['--archive-depth', '0']);
    expect(h.report.stats.skipped).toEqual([{ path: 'logs/run.log.gz', reason: 'archive not opened (--archive-depth 0)' }]);
  });

  it('finds a token that only history holds, with the commit that added it', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('README.md', '# demo\n');
    r.commit('start');
    r.write('train.py', `import os\nHF_TOKEN = "${token}"\n`);
    const added = r.commit('add training script', { author: 'Bob Builder' });
    r.write('train.py', 'import os\nHF_TOKEN = os.environ["HF_TOKEN"]\n');
    r.commit('read the token from the environment');

    // The working tree is clean...
    const scan = await runJson(['scan', '.', '--no-progress'], { cwd: r.dir, env: r.env });
    expect(scan.code).toBe(0);
    // ...history is not.
    const h = await history(r);
    expect(h.code).toBe(1);
    expect(h.report.command).toBe('history');
    expect(h.report.findings).toHaveLength(1);
    const f = h.report.findings[0];
    expect(f.rule).toBe('hf-user-access-token');
    expect(f.locations).toEqual([
      { path: 'train.py', line: 2, column: 13, commit: added, author: 'Bob Builder', date: expect.stringMatching(/^2024-01-\d\dT/), inHead: false },
    ]);
    expect(h.report.stats).toMatchObject({ blobs: 3, commits: 3, shallow: false, missingObjects: 0 });
    // No e-mail address anywhere, and the token is redacted.
    expect(h.stdout).not.toContain('example.invalid');
    expect(h.stdout).not.toContain(token);
    const text = await runCli(['history', '--no-progress'], { cwd: r.dir, env: r.env });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`train.py:2:13 in ${added.slice(0, 12)} by Bob Builder`);
    expect(text.stdout).toContain('(history only)');
    expect(text.stdout).not.toContain(token);
    expect(text.stdout).not.toContain('example.invalid');
  });

  it('reads the objects as they are: a replace ref or a graft hides no commit, and replacements are scanned too', async () => {
    const hidden = gen.userToken();
    const inReplacement = gen.orgToken();
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    const base = r.commit('base');
    r.write('secret.txt', `k=${hidden}\n`);
    const bad = r.commit('add secret');
    r.remove('secret.txt');
    r.commit('rm secret');
    // A replacement of the commit that brought the token: a clone (which fetches no
    // replace refs) still has the token, so history must too; what the replacement holds
    // is in the repository as well.
    r.git('checkout', '-q', '--detach', base);
    r.write('other.txt', `ORG=${inReplacement}\n`);
    const clean = r.commit('add secret (cleaned)');
    r.git('checkout', '-q', 'main');
    r.git('replace', bad, clean);
    const where = (h: any) => h.report.findings.flatMap((f: any) => f.locations.map((l: any) => `${l.path} ${l.commit}`)).sort();
    const h = await history(r);
    expect(h.code, h.stderr).toBe(1);
    expect(where(h)).toEqual([`other.txt ${clean}`, `secret.txt ${bad}`].sort());
    const range = await history(r, ['--range', `${base}..main`]);
    expect(where(range)).toEqual([`secret.txt ${bad}`]);
    // A graft that cuts main off below its last commit.
    const g = makeRepo();
    g.write('a.txt', 'a\n');
    g.commit('base');
    g.write('secret.txt', `k=${hidden}\n`);
    const added = g.commit('add secret');
    g.remove('secret.txt');
    const last = g.commit('rm secret');
    writeFileSync(join(g.dir, '.git', 'info', 'grafts'), `${last}\n`);
    const gh = await history(g);
    expect(gh.code, gh.stderr).toBe(1);
    expect(where(gh)).toEqual([`secret.txt ${added}`]);
    expect(gh.report.stats.commits).toBe(3);
  });

  it('marks a token still in HEAD as inHead, and one removed later as not', async () => {
    const kept = gen.userToken();
    const gone = gen.orgToken();
    const r = makeRepo();
    r.write('a.env', `HF_TOKEN=${kept}\nORG=${gone}\n`);
    r.commit('both');
    r.write('a.env', `HF_TOKEN=${kept}\n`);
    r.commit('drop the org token');
    const h = await history(r);
    const byRule = Object.fromEntries(h.report.findings.map((f: any) => [f.rule, f]));
    expect(byRule['hf-user-access-token'].locations.map((l: any) => l.inHead)).toEqual([true]);
    expect(byRule['hf-org-api-token'].locations.map((l: any) => l.inHead)).toEqual([false]);
  });

  it('reports one finding for a token in many commits and files, each place once', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    const commits: string[] = [];
    r.write('config/a.yaml', `token: ${token}\n`);
    commits.push(r.commit('a'));
    // Edits that keep the line do not introduce it again.
    for (let i = 0; i < 5; i++) {
      r.write('config/a.yaml', `# edit ${i}\n${'x: 1\n'.repeat(i)}token: ${token}\n`);
      r.commit(`edit ${i}`);
    }
    r.write('scripts/b.sh', `export HF_TOKEN=${token}\n`);
    commits.push(r.commit('b'));
    r.write('notes/c.md', `old token ${token} and again ${token}\n`);
    commits.push(r.commit('c'));
    r.remove('notes/c.md');
    r.commit('rm c');
    const h = await history(r);
    expect(h.report.findings).toHaveLength(1);
    const locs = h.report.findings[0].locations.map((l: any) => `${l.path}:${l.line}:${l.column}@${l.commit.slice(0, 7)}`);
    expect(locs.sort()).toEqual(
      [
        `config/a.yaml:1:8@${commits[0]!.slice(0, 7)}`,
        `notes/c.md:1:11@${commits[2]!.slice(0, 7)}`,
        `notes/c.md:1:${11 + token.length + 11}@${commits[2]!.slice(0, 7)}`,
        `scripts/b.sh:1:17@${commits[1]!.slice(0, 7)}`,
      ].sort(),
    );
  });

  it('follows renames: the token came from the commit that wrote it, not the one that moved it', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('old/name.py', `print(1)\nTOKEN = "${token}"\nprint(2)\n`);
    const first = r.commit('write');
    r.write('new/name.py', `print(1)\nTOKEN = "${token}"\nprint(2)\n`);
    r.remove('old/name.py');
    r.commit('move');
    const h = await history(r);
    expect(h.report.findings).toHaveLength(1);
    expect(h.report.findings[0].locations).toEqual([expect.objectContaining({ path: 'old/name.py', line: 2, commit: first, inHead: true })]);
  });

  it('attributes a token brought in by a merge to the branch commit, and an evil merge to the merge', async () => {
    const side = gen.userToken();
    const evil = gen.userToken();
    const r = makeRepo();
    r.write('base.txt', 'base\n');
    r.commit('base');
    r.git('checkout', '-q', '-b', 'feature');
    r.write('feature.py', `KEY = "${side}"\n`);
    const featureCommit = r.commit('feature work');
    r.git('checkout', '-q', 'main');
    r.write('main.txt', 'main\n');
    r.commit('main work');
    r.git('merge', '-q', '--no-ff', '--no-commit', 'feature');
    r.write('merge-notes.txt', `fixup ${evil}\n`);
    const mergeCommit = r.commit('merge feature');
    const h = await history(r);
    const where = Object.fromEntries(h.report.findings.map((f: any) => [f.locations[0].path, f.locations.map((l: any) => l.commit)]));
    expect(where['feature.py']).toEqual([featureCommit]);
    expect(where['merge-notes.txt']).toEqual([mergeCommit]);
  });

  it('scans every ref: other branches, tags, remotes and the stash', async () => {
    const onBranch = gen.userToken();
    const inStash = gen.userToken();
    const onTagOnly = gen.userToken();
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    r.git('checkout', '-q', '-b', 'wip');
    r.write('wip.txt', `${onBranch}\n`);
    r.commit('wip');
    r.git('checkout', '-q', '--detach');
    r.write('tagged.txt', `${onTagOnly}\n`);
    r.commit('tagged');
    r.git('tag', 'v-orphan');
    r.git('checkout', '-q', 'main');
    r.write('a.txt', `a\n${inStash}\n`);
    r.git('stash', '-q');
    const h = await history(r);
    const secrets = h.report.findings.map((f: any) => f.locations[0].path).sort();
    expect(secrets).toEqual(['a.txt', 'tagged.txt', 'wip.txt']);
  });

  it('scans every stash entry, not only the newest (older ones live in the stash reflog)', async () => {
    const inOlder = gen.userToken();
    const untracked = gen.userToken();
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    r.write('a.txt', `a\n${inOlder}\n`);
    r.git('stash', '-q');
    r.write('scratch.txt', `${untracked}\n`);
    r.git('stash', '-q', '-u');
    expect(r.git('stash', 'list').trim().split('\n')).toHaveLength(2);
    const h = await history(r);
    expect(h.code).toBe(1);
    const where = Object.fromEntries(h.report.findings.map((f: any) => [f.locations[0].path, f.locations]));
    expect(Object.keys(where).sort()).toEqual(['a.txt', 'scratch.txt']);
    // Each stash entry's location has a commit (the stash's own), so its provenance is known.
    const stashes = r.git('log', '-g', '--format=%H', 'refs/stash').trim().split('\n');
    expect(where['a.txt']).toEqual([expect.objectContaining({ line: 2, commit: stashes[1], inHead: false })]);
    expect(where['scratch.txt']).toEqual([expect.objectContaining({ line: 1, commit: expect.stringMatching(/^[0-9a-f]{40}$/), inHead: false })]);
    // Both entries' commits (with their index and untracked commits) are counted.
    const all = r.git('rev-list', '--all', ...stashes).trim().split('\n');
    expect(all.length).toBeGreaterThan(r.git('rev-list', '--all').trim().split('\n').length);
    expect(h.report.stats.commits).toBe(all.length);
  });

  it('opens gzip blobs and names the member', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('logs/run.log.gz', gzipSync(Buffer.from(`step 1\nAuthorization: Bearer ${token}\n`)));
    r.commit('logs');
    const h = await history(r);
    expect(h.report.findings[0].locations).toEqual([expect.objectContaining({ path: 'logs/run.log.gz!run.log', line: 2, column: 23 })]);
  });

  it('streams a large blob in chunks and still finds tokens at the right line, also across chunk edges', async () => {
    const a = gen.userToken();
    const b = gen.userToken();
    const r = makeRepo();
    const line = `${'y'.repeat(99)}\n`;
    const head = line.repeat(30_000); // 3 MB of lines before the first token
    const pad = 'z'.repeat((1 << 20) - ((head.length + 10) % (1 << 20)) - 10);
    r.write('big.txt', `${head}tok=${a}\n${pad}\nnext ${b}\n`);
    r.commit('big');
    const h = await history(r);
    const locs = h.report.findings.map((f: any) => f.locations[0]).sort((x: any, y: any) => x.line - y.line);
    expect(locs.map((l: any) => [l.line, l.column])).toEqual([
      [30_001, 5],
      [30_003, 6],
    ]);
  });

  it('gives the same findings with one thread and with several', async () => {
    const r = makeRepo();
    // Enough blobs for worker threads to start (small repositories stay on one thread).
    for (let i = 0; i < 2600; i++) r.write(`bulk/d${i % 13}/f${i}.txt`, `row ${i}\n${i % 400 === 7 ? `T=${gen.userToken()}\n` : ''}`);
    r.commit('bulk');
    for (let i = 0; i < 40; i++) {
      r.write(`f${i % 7}.txt`, `v${i}\n${i % 5 === 0 ? `T=${gen.userToken()}\n` : ''}`);
      r.commit(`c${i}`);
    }
    const one = await history(r, ['--threads', '1']);
    const two = await history(r, ['--threads', '3']);
    expect(one.report.findings.length).toBe(8 + 7);
    expect(two.report.findings).toEqual(one.report.findings);
    expect(two.report.stats.blobs).toBe(one.report.stats.blobs);
  });

  it('works from a bitmap-indexed repository (objects listed without names)', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('src/x.py', 'x = 1\n');
    r.commit('x');
    r.write('src/y.py', `y = "${token}"\n`);
    const c = r.commit('y');
    r.git('repack', '-a', '-d', '-b', '-q');
    expect(readdirSync(join(r.dir, '.git/objects/pack')).some((f) => f.endsWith('.bitmap'))).toBe(true);
    const h = await history(r);
    expect(h.report.findings[0].locations).toEqual([expect.objectContaining({ path: 'src/y.py', commit: c })]);
    expect(h.report.stats).toMatchObject({ blobs: 2, commits: 2 });
  });

  it('gives the same report whether blobs are listed through the diffs or by rev-list (a bitmap)', async () => {
    // Renames, an evil merge, a token kept through edits, one that comes back after its
    // removal, and one in a file renamed and edited at once: provenance from the listing
    // walk must equal the walk after the scan.
    const [a, b, c, d] = [gen.userToken(), gen.userToken(), gen.orgToken(), gen.userToken()];
    const r = makeRepo();
    r.write('conf/a.env', `A=${a}\n`);
    r.write('keep.py', `x = 1\nK = "${b}"\n`);
    r.commit('start');
    r.git('checkout', '-q', '-b', 'side');
    r.write('side.txt', `org ${c}\n`);
    r.git('mv', 'conf/a.env', 'conf/b.env');
    r.commit('side: move and add');
    r.git('checkout', '-q', 'main');
    r.write('keep.py', `x = 2\nK = "${b}"\n`);
    r.commit('edit keep');
    r.git('merge', '-q', '--no-ff', '--no-commit', 'side');
    r.write('merged.md', `note ${d}\n`);
    r.commit('merge side');
    r.remove('keep.py');
    r.commit('drop keep');
    r.write('keep.py', `x = 2\nK = "${b}"\n`);
    r.commit('bring keep back');
    r.write('conf/c.env', `# moved\nA=${a}\n`);
    r.remove('conf/b.env');
    r.commit('rename and edit');
    // And a tag naming a tree, which no commit brings: named from the tag's tree either way.
    const git = (args: string[], input: string) => execFileSync('git', args, { cwd: r.dir, env: { ...process.env, ...r.env }, input }).toString().trim();
    const tagged = git(['hash-object', '-w', '--stdin'], `k = ${gen.userToken()}\n`);
    r.git('tag', 'treetag', git(['mktree'], `100644 blob ${tagged}\tsettings.py\n`));
    const diffs = await history(r);
    r.git('repack', '-a', '-d', '-b', '-q');
    expect(readdirSync(join(r.dir, '.git/objects/pack')).some((f) => f.endsWith('.bitmap'))).toBe(true);
    const objects = await history(r);
    expect(diffs.code).toBe(1);
    expect(diffs.report.findings).toHaveLength(5);
    expect(objects.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path))).toContain('settings.py');
    expect(diffs.report.findings).toEqual(objects.report.findings);
    expect({ ...diffs.report.stats, durationMs: 0 }).toEqual({ ...objects.report.stats, durationMs: 0 });
  });

  it('scans a blob or tree that only a tag names', async () => {
    const inBlob = gen.userToken();
    const inTree = gen.userToken();
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    r.write('loose.txt', `T=${inBlob}\n`);
    r.git('tag', 'blob-tag', r.git('hash-object', '-w', 'loose.txt').trim());
    r.write('sub/in-tree.txt', `T=${inTree}\n`);
    r.git('add', 'sub');
    const tree = r.git('write-tree', '--prefix=sub/').trim();
    r.git('tag', '-a', '-m', 'a tree', 'tree-tag', tree);
    r.git('reset', '-q');
    r.remove('loose.txt');
    r.remove('sub/in-tree.txt');
    const h = await history(r);
    expect(h.code).toBe(1);
    expect(h.report.findings).toHaveLength(2);
    for (const f of h.report.findings) expect(f.locations[0].commit).toBeUndefined();
  });

  it('works in a SHA-256 repository', async () => {
    const r = makeRepo({ sha256: true });
    r.write('a.txt', 'a\n');
    r.commit('a');
    r.write('b.txt', `${gen.userToken()}\n`);
    const c = r.commit('b');
    expect(c).toHaveLength(64);
    const h = await history(r);
    expect(h.report.findings[0].locations).toEqual([expect.objectContaining({ path: 'b.txt', commit: c, inHead: true })]);
    expect(h.report.stats).toMatchObject({ blobs: 2, commits: 2 });
  });

  it('works on a bare repository and from a linked worktree', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('k.txt', `${token}\n`);
    r.commit('k');
    const bareDir = join(tempDir(), 'mirror.git');
    runGit(r.dir, r.env, ['clone', '-q', '--bare', r.dir, bareDir]);
    const bare = await runJson(['history', bareDir, '--no-progress'], { env: r.env });
    expect(bare.code).toBe(1);
    expect(bare.report.findings[0].locations[0]).toMatchObject({ path: 'k.txt', inHead: true });
    const wt = join(tempDir(), 'wt');
    r.git('worktree', 'add', '-q', '-b', 'other', wt);
    const fromWorktree = await history({ dir: wt, env: r.env });
    expect(fromWorktree.report.findings).toHaveLength(1);
  });

  it('lists submodules without following them, unless asked (--submodules)', async () => {
    const inner = makeRepo();
    inner.write('secret.txt', `${gen.userToken()}\n`);
    const innerCommit = inner.commit('inner');
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    r.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', inner.dir, 'vendor/inner');
    r.commit('add submodule');
    const h = await history(r);
    expect(h.code).toBe(0);
    expect(h.report.stats.skipped).toEqual([{ path: 'vendor/inner', reason: expect.stringContaining('submodule: listed, not followed') }]);
    const deep = await history(r, ['--submodules']);
    expect(deep.code).toBe(1);
    expect(deep.report.findings[0].locations).toEqual([expect.objectContaining({ path: 'vendor/inner/secret.txt', commit: innerCommit, inHead: true })]);
    expect(deep.report.stats.skipped).toEqual([]);
    // A submodule whose repository is not here is listed as such.
    const clone = join(tempDir(), 'no-init');
    runGit(r.dir, r.env, ['clone', '-q', r.dir, clone]);
    const bare = await history({ dir: clone, env: r.env }, ['--submodules']);
    expect(bare.code).toBe(0);
    expect(bare.report.stats.skipped).toEqual([{ path: 'vendor/inner', reason: expect.stringContaining('not here') }]);
  });

  it('--submodules reads a nested submodule under .git/modules after `git submodule deinit --all`', async () => {
    const [inDeep, inMid] = [gen.userToken(), gen.userToken()];
    const deep = makeRepo();
    deep.write('d.txt', `${inDeep}\n`);
    deep.commit('deep');
    const mid = makeRepo();
    mid.write('m.txt', `${inMid}\n`);
    mid.commit('mid');
    mid.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', deep.dir, 'deep');
    mid.commit('add deep');
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    r.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', mid.dir, 'mid');
    r.git('-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--init', '--recursive');
    r.commit('add mid');
    // deinit empties mid/: deep's repository, under .git/modules, still names mid/deep as its work tree.
    r.git('submodule', 'deinit', '-q', '--all', '-f');
    const h = await history(r, ['--submodules']);
    expect(h.code, h.stderr).toBe(1);
    expect(h.report.findings.map((f: any) => f.locations[0].path).sort()).toEqual(['mid/deep/d.txt', 'mid/m.txt']);
    expect(h.report.stats.skipped).toEqual([]);
  });

  it('scans a shallow clone, says so, and finds what is there', async () => {
    const old = gen.userToken();
    const recent = gen.userToken();
    const r = makeRepo();
    r.write('old.txt', `${old}\n`);
    r.commit('old');
    r.remove('old.txt');
    r.commit('remove old');
    r.write('new.txt', `${recent}\n`);
    r.commit('new');
    const clone = join(tempDir(), 'shallow');
    runGit(r.dir, r.env, ['clone', '-q', '--depth', '1', `file://${r.dir}`, clone]);
    const h = await history({ dir: clone, env: r.env });
    expect(h.code).toBe(1);
    expect(h.report.stats.shallow).toBe(true);
    expect(h.stderr).toMatch(/shallow clone/);
    expect(h.report.findings.map((f: any) => f.locations[0].path)).toEqual(['new.txt']);
    const quiet = await history({ dir: clone, env: r.env }, ['--quiet']);
    expect(quiet.stderr).toBe('');
    expect(quiet.report.stats.shallow).toBe(true);
  });

  it('in a partial clone, reports the blobs it lacks as missing and fetches nothing', async () => {
    const r = makeRepo();
    r.write('a.env', `T=${gen.userToken()}\n`);
    r.commit('a');
    r.write('b.env', `T=${gen.userToken()}\n`);
    r.commit('b');
    const clone = partialClone(r, 'partial', 'blob:none');
    const h = await history({ dir: clone, env: r.env });
    expect(h.code).toBe(0);
    expect(h.report.stats.missingObjects).toBe(2);
    expect(h.stderr).toMatch(/is missing from the repository; skipped/);
    expect(h.stderr).not.toMatch(/fetch|stopped early/i);
  });

  it('in a partial clone, --range and --since report the blobs it lacks once each, however many', async () => {
    const r = makeRepo();
    for (let i = 0; i < 120; i++) r.write(`f${i}.txt`, `line ${i}\n`);
    r.commit('base');
    for (let i = 0; i < 120; i++) r.write(`f${i}.txt`, `line ${i}\nmore\n`);
    r.commit('all changed');
    const clone = partialClone(r, 'partial', 'blob:none');
    for (const args of [['--range', 'HEAD~1..HEAD'], ['--since', '2000-01-01']]) {
      const h = await history({ dir: clone, env: r.env }, args);
      expect(h.code, args[0]).toBe(0);
      expect(h.report.stats.missingObjects, args[0]).toBeGreaterThanOrEqual(120);
      // One warning a blob (the first 20) and a count: no second one from git, no restarts.
      expect(h.stderr.match(/git cannot read it/g), args[0]).toBeNull();
      expect(h.stderr, args[0]).toMatch(/more missing objects skipped/);
    }
  });

  it('in a blobless clone, a commit that moves a file (so rename detection would need absent blobs) still gets its commit', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('a.py', `line1\nline2\nline3\nx = '${token}'\n`);
    r.commit('one');
    r.remove('a.py');
    r.write('b.py', `line1\nline2\nline3\nx = '${token}'\nmore\n`);
    const moved = r.commit('moved and changed');
    // (Checked out: b.py's blob, in HEAD, is here; a.py's is not.)
    const clone = partialClone(r, 'blobless', 'blob:none', { checkout: true });
    const h = await history({ dir: clone, env: r.env });
    expect(h.code).toBe(1);
    expect(h.report.findings[0].locations).toEqual([expect.objectContaining({ path: 'b.py', commit: moved, inHead: true })]);
    expect(h.stderr).not.toMatch(/failed/);
    const range = await history({ dir: clone, env: r.env }, ['--range', 'HEAD~1..HEAD']);
    expect(range.code).toBe(1);
    expect(range.report.findings[0].locations).toEqual([expect.objectContaining({ path: 'b.py', commit: moved })]);
  });

  it('in a treeless partial clone, counts the missing trees instead of calling the history clean', async () => {
    const r = makeRepo();
    r.write('cfg/old.env', `T=${gen.userToken()}\n`);
    r.commit('a token in a directory');
    r.remove('cfg/old.env');
    r.write('README.md', 'clean now\n');
    r.commit('removed');
    const clone = partialClone(r, 'treeless', 'tree:0');
    // git drops a missing tree without a word when asked for blobs only: the blobs below
    // it were never listed, so the run read as a clean history.
    const h = await history({ dir: clone, env: r.env });
    expect(h.code).toBe(0);
    expect(h.report.stats.missingObjects).toBeGreaterThanOrEqual(2); // both commits' root trees
    expect(h.stderr).toMatch(/partial clone \(filter tree:0\) lacks trees/);
    const text = await runCli(['history', '--no-progress'], { cwd: clone, env: r.env });
    expect(text.stdout).toMatch(/^No Hugging Face tokens found in what git could read\. .*\d+ objects missing, not scanned/);
    // A range or a date needs the trees to tell what the commits changed: an error naming
    // the filter and the fetch that fixes it, not git's own words about lazy fetching.
    for (const sel of [['--range', 'HEAD~1..HEAD'], ['--since', '1971-01-01']]) {
      const e = await runCli(['history', ...sel, '--no-progress'], { cwd: clone, env: r.env });
      expect(e.code, sel.join(' ')).toBe(2);
      expect(e.stderr).toMatch(new RegExp(`^hfleaks: ${sel[0]}.*: this partial clone \\(filter tree:0\\) lacks the trees that say what its commits changed; fetch them \\(git fetch --refetch --filter=blob:none origin\\)`));
    }
  });

  it('sees the whole history from a subdirectory, even with diff.relative set', async () => {
    const [top, deep, later] = [gen.userToken(), gen.userToken(), gen.userToken()];
    const r = makeRepo();
    r.write('top.env', `T=${top}\n`);
    r.write('sub/deep.env', `T=${deep}\n`);
    const base = r.commit('both');
    r.write('later.env', `T=${later}\n`);
    r.commit('later');
    r.git('config', 'diff.relative', 'true');
    const sub = join(r.dir, 'sub');
    const all = await history({ dir: sub, env: r.env });
    expect(all.report.findings.map((f: any) => f.locations[0].path).sort()).toEqual(['later.env', 'sub/deep.env', 'top.env']);
    const range = await history({ dir: sub, env: r.env }, ['--range', `${base}..HEAD`]);
    expect(range.report.findings.map((f: any) => f.locations[0].path)).toEqual(['later.env']);
    // The rev-list listing and its provenance walk (with a bitmap) too.
    r.git('repack', '-a', '-d', '-b', '-q');
    const bitmap = await history({ dir: sub, env: r.env });
    expect(bitmap.report.findings).toEqual(all.report.findings);
  });

  it('in a shallow clone, leaves the commit out of what was there before the boundary', async () => {
    const old = gen.userToken();
    const mid = gen.userToken();
    const recent = gen.userToken();
    const r = makeRepo();
    r.write('old.txt', `${old}\n`);
    r.commit('old');
    r.write('mid.txt', `${mid}\n`);
    r.commit('mid');
    r.write('new.txt', `${recent}\n`);
    const newCommit = r.commit('new', { author: 'Bob Builder' });
    const clone = join(tempDir(), 'shallow');
    runGit(r.dir, r.env, ['clone', '-q', '--depth', '2', `file://${r.dir}`, clone]);
    const h = await history({ dir: clone, env: r.env });
    expect(h.code).toBe(1);
    const where = Object.fromEntries(h.report.findings.map((f: any) => [f.locations[0].path, f.locations]));
    // The boundary commit (mid) has no parents here: old.txt and mid.txt may come from
    // before it, so neither is credited to it.
    expect(where['old.txt']).toEqual([{ path: 'old.txt', line: 1, column: 1, inHead: true }]);
    expect(where['mid.txt']).toEqual([{ path: 'mid.txt', line: 1, column: 1, inHead: true }]);
    // A commit after the boundary keeps its provenance.
    expect(where['new.txt']).toEqual([expect.objectContaining({ commit: newCommit, author: 'Bob Builder', inHead: true })]);
    // Same with --since reaching the boundary.
    const since = await history({ dir: clone, env: r.env }, ['--since', '2000-01-01']);
    const sinceWhere = Object.fromEntries(since.report.findings.map((f: any) => [f.locations[0].path, f.locations]));
    expect(sinceWhere['old.txt']).toEqual([{ path: 'old.txt', line: 1, column: 1, inHead: true }]);
    expect(sinceWhere['new.txt']).toEqual([expect.objectContaining({ commit: newCommit })]);
  });

  it('skips missing objects with a warning, counts them and goes on', async () => {
    const lost = gen.userToken();
    const found = gen.userToken();
    const r = makeRepo();
    r.write('lost.txt', `${lost}\n`);
    r.write('found.txt', `${found}\n`);
    r.commit('two files');
    // Pack everything, then take one blob out of the pack: unpack the objects loose and
    // delete that blob's file.
    r.git('repack', '-a', '-d', '-q');
    const blob = r.git('rev-parse', 'HEAD:lost.txt').trim();
    const pack = readdirSync(join(r.dir, '.git/objects/pack')).find((f) => f.endsWith('.pack'))!;
    const packPath = join(r.dir, '.git/objects/pack', pack);
    const moved = join(tempDir(), pack);
    execFileSync('mv', [packPath, moved]);
    rmSync(packPath.replace(/\.pack$/, '.idx'));
    execFileSync('sh', ['-c', `git unpack-objects -q < "${moved}"`], { cwd: r.dir, env: { ...process.env, ...r.env } });
    const loose = join(r.dir, '.git/objects', blob.slice(0, 2), blob.slice(2));
    expect(existsSync(loose)).toBe(true);
    rmSync(loose);
    const h = await history(r);
    expect(h.code).toBe(1);
    expect(h.report.stats.missingObjects).toBeGreaterThanOrEqual(1);
    expect(h.stderr).toMatch(/missing/);
    expect(h.report.stats.warnings.join('\n')).toMatch(/missing/);
    expect(h.report.findings.map((f: any) => f.locations[0].path)).toEqual(['found.txt']);
  });

  it('when a commit itself is missing, scans every blob the object database holds', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    r.write('b.txt', 'b\n');
    const lost = r.commit('b');
    r.write('c.txt', `${token}\n`);
    r.commit('c');
    rmSync(join(r.dir, '.git/objects', lost.slice(0, 2), lost.slice(2)));
    const h = await history(r);
    expect(h.code).toBe(1);
    expect(h.stderr).toMatch(/cannot walk the history .*every blob in the object database/);
    expect(h.report.stats.missingObjects).toBeGreaterThanOrEqual(1);
    expect(h.report.findings[0].locations[0]).toMatchObject({ path: 'c.txt', line: 1 });
  });

  it('a damaged pack index that hides every object is exit 2, never a clean history', async () => {
    const r = makeRepo();
    r.write('a.txt', `${gen.userToken()}\n`);
    r.commit('a');
    r.git('repack', '-a', '-d', '-q');
    const idx = readdirSync(join(r.dir, '.git/objects/pack')).find((f) => f.endsWith('.idx'))!;
    execFileSync('truncate', ['-s', '-8', join(r.dir, '.git/objects/pack', idx)]);
    for (const cmd of [['history'], ['audit', '--no-verify']]) {
      const out = await runCli([...cmd, '--no-progress'], { cwd: r.dir, env: r.env });
      expect(out.code, cmd[0]).toBe(2);
      expect(out.stderr, cmd[0]).toMatch(/cannot read the repository's objects/);
    }
    // With a loose object beside the pack (any `git add` since the last gc), still exit 2:
    // the pack's objects are unread however many loose ones are.
    execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: r.dir, env: { ...process.env, ...r.env }, input: 'hello\n' });
    const loose = await runCli(['history', '--no-progress'], { cwd: r.dir, env: r.env });
    expect(loose.code).toBe(2);
    expect(loose.stderr).toMatch(/^hfleaks: cannot read the repository's objects: .*index/m);
  });

  it('counts a missing blob once, though both the walk of changes and the listing after it meet it', async () => {
    const r = makeRepo();
    r.write('t1.txt', `${gen.userToken()}\n`);
    r.commit('c1');
    const blob = r.git('rev-parse', 'HEAD:t1.txt').trim();
    r.remove('t1.txt');
    r.write('x.txt', 'x\n');
    r.commit('c2'); // rename detection reads the deleted file's blob
    rmSync(join(r.dir, '.git/objects', blob.slice(0, 2), blob.slice(2)));
    const h = await history(r);
    expect(h.code).toBe(0);
    expect(h.stderr).toMatch(/failed|missing/);
    expect(h.report.stats.missingObjects).toBe(1);
  });

  it('exits 2 with a clear message on a path that is not a repository', async () => {
    const dir = tempDir();
    const r = await runCli(['history', dir, '--no-progress'], { env: { GIT_CEILING_DIRECTORIES: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a git repository/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await runCli(['history', join(dir, 'nope'), '--no-progress']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such directory/);
  });

  it('prints no progress when stderr is not a terminal', async () => {
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    const h = await runCli(['history'], { cwd: r.dir, env: r.env });
    expect(h.code).toBe(0);
    expect(h.stderr).toBe('');
  });
});

describe('hfleaks history --range / --since', () => {
  function prRepo() {
    const pre = gen.userToken();
    const added = gen.userToken();
    const r = makeRepo();
    r.write('app.py', `PRE = "${pre}"\nx = 1\n`);
    const base = r.commit('base');
    r.git('checkout', '-q', '-b', 'pr');
    r.write('app.py', `PRE = "${pre}"\nx = 2\nNEW = "${added}"\n`);
    const c1 = r.commit('pr change');
    r.write('other.py', 'y = 1\n');
    const head = r.commit('pr more');
    return { r, pre, added, base, c1, head };
  }

  it('scans only what the commits in BASE..HEAD add', async () => {
    const { r, base, c1, head } = prRepo();
    const h = await history(r, ['--range', `${base}..${head}`]);
    expect(h.code).toBe(1);
    expect(h.report.findings).toHaveLength(1);
    expect(h.report.findings[0].locations).toEqual([
      { path: 'app.py', line: 3, column: 8, commit: c1, author: 'Alice Example', date: expect.any(String), inHead: true },
    ]);
    expect(h.report.stats.commits).toBe(2);
    // Branch names work too; a range with nothing new is clean.
    const names = await history(r, ['--range', 'main..pr']);
    expect(names.report.findings).toHaveLength(1);
    const empty = await history(r, ['--range', `${head}..${head}`]);
    expect(empty.code).toBe(0);
    expect(empty.report.stats.commits).toBe(0);
  });

  it('tells inHead right for files whose names are not valid UTF-8', async () => {
    const [top, deep, gone] = [gen.userToken(), gen.userToken(), gen.userToken()];
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    const base = r.commit('base');
    const name = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    const write = (raw: Buffer, text: string) => writeFileSync(Buffer.concat([Buffer.from(`${r.dir}/`), raw]), text);
    r.write('d/keep.txt', 'x\n');
    write(name('bad', [0xff, 0xfe], 'name.txt'), `T=${top}\n`);
    write(name('d/na', [0xff], 'me.txt'), `T=${deep}\n`);
    write(name('gone', [0xff], '.txt'), `T=${gone}\n`);
    r.commit('three names git stores as bytes');
    rmSync(Buffer.concat([Buffer.from(`${r.dir}/`), name('gone', [0xff], '.txt')]));
    r.commit('one removed');
    const inHead = (h: any) => Object.fromEntries(h.report.findings.map((f: any) => [f.secret.redacted, f.locations.map((l: any) => l.inHead)]));
    const short = (t: string) => `hf_${t.slice(3, 5)}…${t.slice(-2)}`;
    const want = { [short(top)]: [true], [short(deep)]: [true], [short(gone)]: [false] };
    expect(inHead(await history(r))).toEqual(want);
    expect(inHead(await history(r, ['--range', `${base}..HEAD`]))).toEqual(want);
  });

  it('warns when the range changes .hfleaksignore, which decides what the scan of it leaves out', async () => {
    const { r } = prRepo();
    r.git('checkout', '-q', 'pr');
    r.write('.hfleaksignore', 'app.py\n');
    r.commit('hide it');
    const h = await history(r, ['--range', 'main..pr']);
    expect(h.code).toBe(0);
    expect(h.stderr).toMatch(/warning: these commits change \.hfleaksignore, which decides what this scan leaves out: review that change/);
    expect(h.report.stats.warnings).toHaveLength(1);
  });

  it('reads BASE...HEAD as git diff and GitHub do (what HEAD adds since the merge base), not as the two sides', async () => {
    const { r } = prRepo();
    // main moves on with a token of its own: not the pull request's.
    r.git('checkout', '-q', 'main');
    r.write('main.py', `M = "${gen.userToken()}"\n`);
    r.commit('main moves on');
    const two = await history(r, ['--range', 'main..pr']);
    const three = await history(r, ['--range', 'main...pr']);
    expect(three.report.findings.map((f: any) => f.locations[0].path)).toEqual(['app.py']);
    expect(three.report).toEqual({ ...two.report, stats: { ...two.report.stats, durationMs: three.report.stats.durationMs } });
  });

  it('exits 2 when an end of the range cannot be resolved', async () => {
    const { r, head } = prRepo();
    const bad = await runCli(['history', '--range', `deadbeefdeadbeefdeadbeefdeadbeefdeadbeef..${head}`, '--no-progress'], { cwd: r.dir, env: r.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/base .* is not a commit in this repository; fetch/);
    const shape = await runCli(['history', '--range', 'main', '--no-progress'], { cwd: r.dir, env: r.env });
    expect(shape.code).toBe(2);
    expect(shape.stderr).toMatch(/BASE\.\.HEAD/);
    // An end left empty ("$BASE..HEAD" with BASE unset) would be HEAD..HEAD: nothing, clean.
    for (const range of ['..HEAD', '...HEAD', ' ..HEAD']) {
      const empty = await runCli(['history', '--range', range, '--no-progress'], { cwd: r.dir, env: r.env });
      expect([empty.code, empty.stderr], range).toEqual([2, `hfleaks: --range "${range}": the base is empty (an unset variable?); name it, e.g. origin/main..HEAD\n`]);
    }
  });

  it('in a shallow clone, a base that is not there is an error with a hint to fetch more', async () => {
    const { r, base } = prRepo();
    const clone = join(tempDir(), 'shallow');
    runGit(r.dir, r.env, ['clone', '-q', '--depth', '1', '--branch', 'pr', `file://${r.dir}`, clone]);
    const missingBase = await runCli(['history', '--range', `${base}..HEAD`, '--no-progress'], { cwd: clone, env: r.env });
    expect(missingBase.code).toBe(2);
    expect(missingBase.stderr).toMatch(/shallow clone: fetch more history/);
    // The base is there but the range reaches past the shallow boundary.
    runGit(clone, r.env, ['fetch', '-q', '--depth', '1', 'origin', 'main:refs/remotes/origin/main']);
    const cut = await runCli(['history', '--range', 'origin/main..HEAD', '--no-progress'], { cwd: clone, env: r.env });
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/reaches past the history this shallow clone holds.*fetch more history/);
  });

  it('--since keeps only commits from that date on', async () => {
    const early = gen.userToken();
    const late = gen.userToken();
    const r = makeRepo();
    r.write('a.txt', `${early}\n`);
    r.commit('early', { date: '2020-01-01T00:00:00Z' });
    r.write('b.txt', `${late}\n`);
    const lateCommit = r.commit('late', { date: '2023-06-01T00:00:00Z' });
    expect(await since(r, '2022-01-01')).toEqual({ found: [lateCommit], read: 1 });
    const bad = await runCli(['history', '--since', 'whenever', '--no-progress'], { cwd: r.dir, env: r.env });
    expect(bad.code).toBe(2);
  });

  it('--since finds commits behind one whose clock was wrong (git --since stops at the first older commit)', async () => {
    const token = gen.userToken();
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('base', { date: '2024-01-01T10:00:00Z' });
    r.write('secret.txt', `${token}\n`);
    const leak = r.commit('adds the token', { date: '2024-03-10T10:00:00Z' });
    r.write('b.txt', 'b\n');
    r.commit('made on a machine a year behind', { date: '2023-03-10T10:00:00Z' });
    r.write('c.txt', 'c\n');
    r.commit('later', { date: '2024-03-11T10:00:00Z' });
    const h = await history(r, ['--since', '2024-03-01T00:00Z']);
    expect(h.code).toBe(1);
    expect(h.report.findings.map((f: any) => f.locations[0].commit)).toEqual([leak]);
    expect(h.report.stats.commits).toBe(2);
  });

  it('--since with a bare date means from the start of that day (local time), whatever the time now', async () => {
    const early = gen.userToken();
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('before', { date: '2024-01-30T23:59:00' });
    r.write('b.txt', `${early}\n`);
    // A minute past midnight, local time (git reads a date without a zone as local).
    const c = r.commit('early that day', { date: '2024-01-31T00:01:00' });
    expect(await since(r, '2024-01-31')).toEqual({ found: [c], read: 1 });
  });

  it('--since rejects impossible dates with one line (exit 2)', async () => {
    const r = makeRepo();
    r.write('a.txt', 'a\n');
    r.commit('a');
    for (const d of ['2025-13-45', '2023-02-29', '2024-04-31', '2024-01-31T25:00', '2024-01-31 12:60']) {
      const bad = await runCli(['history', '--since', d, '--no-progress'], { cwd: r.dir, env: r.env });
      expect(bad.code, d).toBe(2);
      expect(bad.stderr.trim().split('\n'), d).toHaveLength(1);
      expect(bad.stderr).toContain('--since');
    }
    expect((await history(r, ['--since', '2024-02-29'])).code).toBe(0);
  });

  it('--since far back means all of history, and a date in the future is exit 2 (git misreads both)', async () => {
    const old = gen.userToken();
    const recent = gen.userToken();
    const r = makeRepo();
    r.write('a.txt', `${old}\n`);
    const first = r.commit('1999', { date: '1999-05-01T00:00:00Z' });
    r.write('b.txt', `${recent}\n`);
    const second = r.commit('now');
    // git reads these as no commit at all (or, for 1969, as 2012): a clean result about nothing.
    for (const d of ['60 years ago', '700 months ago', '4000 weeks ago', '1969-12-31', '@0', '1970-01-02']) {
      expect(await since(r, d), d).toEqual({ found: [first, second], read: 2 });
    }
    expect(await since(r, '2000-01-01T00:00:00+02:00')).toEqual({ found: [second], read: 1 });
    // Year 99 is year 99 with a zone too (Date.UTC would read 1999: a clean result about 1999's commit).
    expect(await since(r, '0099-12-31T00:00Z')).toEqual({ found: [first, second], read: 2 });
    for (const d of ['2100-01-01', '2200-01-01', '@99999999999']) {
      const bad = await runCli(['history', '--since', d, '--no-progress'], { cwd: r.dir, env: r.env });
      expect([bad.code, bad.stderr], d).toEqual([2, `hfleaks: --since "${d}" is in the future: no commit is newer\n`]);
    }
  });
});
