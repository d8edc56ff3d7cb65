// .gitignore semantics, checked against git itself: every file of a tree holds a token,
// and the files hfleaks reports must be exactly those git calls untracked and not
// ignored (deeper files overriding higher ones, `!` re-including, nothing coming back
// from inside an excluded directory).
import { describe, expect, it } from 'vitest';
import { makeRepo, tokens } from '../git/repo.ts';
import { runJson } from '../helpers/cli.ts';

const t = tokens(77);

describe('.gitignore, as git reads it', () => {
  it('matches git on nested files with negations, directory patterns and anchors', async () => {
    const r = makeRepo();
    const ignores = {
      '.gitignore': 'logs\n*.env\nbuild/\n/top-only.txt\n*.log\n!keep.log\n',
      'keep/.gitignore': '!logs\n',
      'sub/.gitignore': '!keep.env\nlocal/\n',
      'sub/deep/.gitignore': '*.txt\n!wanted.txt\n',
      'build/.gitignore': '!important.txt\n',
      'docs/.gitignore': '/notes.md\n',
    };
    const files = [
      'a.txt', 'top-only.txt', 'nested/top-only.txt', 'x.env', 'app.log', 'keep.log', 'nested/keep.log',
      'logs/a.txt', 'keep/logs/a.txt', 'keep/logs/inner/b.txt', 'other/logs/c.txt',
      'sub/keep.env', 'sub/drop.env', 'sub/local/l.txt', 'sub/deep/x.txt', 'sub/deep/wanted.txt', 'sub/deep/y.md',
      'build/important.txt', 'build/out.bin', 'docs/notes.md', 'docs/more/notes.md',
    ];
    for (const [p, text] of Object.entries(ignores)) r.write(p, text);
    for (const f of files) r.write(f, `token = "${t.userToken()}"\n`);
    const expected = r.git('ls-files', '--others', '--exclude-standard', '-z').split('\0').filter((p) => p && !p.endsWith('.gitignore')).sort();
    // Sanity: the layout exercises re-inclusion below a higher pattern.
    expect(expected).toContain('keep/logs/a.txt');
    expect(expected).toContain('sub/keep.env');
    expect(expected).not.toContain('build/important.txt');
    const out = await runJson(['scan', '.'], { cwd: r.dir, env: r.env });
    const found = [...new Set(out.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path)))].sort();
    expect(found).toEqual(expected);
  });

  // (Case-insensitive file systems can't hold out/ beside Out/, and git ignores case there.)
  it.skipIf(process.platform === 'darwin' || process.platform === 'win32')('matches git where a shortcut could go wrong: a file named like a directory pattern, glob syntax in a directory name, case', async () => {
    const r = makeRepo();
    const ignores = {
      '.gitignore': 'build/\n/out/\n',
      '[ab]/.gitignore': 'secret\n',
      'x*y/.gitignore': 'drop\n',
      '.hfleaksignore': 'cache/\n',
    };
    const files = [
      // `build/` and `cache/` name directories: files so named are not ignored.
      'build', 'sub/build', 'build2/build', 'cache', 'sub/cache/in.txt', 'lib/build/out.txt',
      // A .gitignore in a directory whose name is glob syntax applies inside it only.
      '[ab]/secret', 'a/secret/t.txt', 'b/secret', 'x*y/drop', 'xzy/drop',
      // Git matches case (core.ignorecase is false on a case-sensitive file system).
      'Out/app.py', 'out/app.py', 'Build/x.txt',
    ];
    for (const [p, text] of Object.entries(ignores)) r.write(p, text);
    for (const f of files) r.write(f, `token = "${t.userToken()}"\n`);
    const expected = r.git('ls-files', '--others', '--exclude-standard', '-z').split('\0')
      .filter((p) => p && !p.endsWith('.gitignore') && p !== '.hfleaksignore' && !p.startsWith('sub/cache/')).sort();
    expect(expected).toEqual(expect.arrayContaining(['build', 'cache', 'a/secret/t.txt', 'xzy/drop', 'Out/app.py', 'Build/x.txt']));
    const out = await runJson(['scan', '.'], { cwd: r.dir, env: r.env });
    const found = [...new Set(out.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path)))].sort();
    expect(found).toEqual(expected);
  });
});

describe('paths the user names', () => {
  it('scans a directory named on the command line even if ignored, as ripgrep does; other patterns still apply inside', async () => {
    const r = makeRepo();
    r.write('.gitignore', 'build/\n*.log\n');
    r.write('.git/info/exclude', 'vendor/\n');
    for (const f of ['build/x.txt', 'build/sub/y.txt', 'build/a.log', 'vendor/lib/v.txt']) r.write(f, `token = "${t.userToken()}"\n`);
    const paths = async (...args: string[]) => {
      const out = await runJson(['scan', ...args], { cwd: r.dir, env: r.env });
      return [...new Set(out.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path)))].sort();
    };
    expect(await paths('.')).toEqual([]);
    expect(await paths('build')).toEqual(['sub/y.txt', 'x.txt']);
    expect(await paths('vendor/lib')).toEqual(['v.txt']);
  });

  it('applies the root .hfleaksignore to every directory named under it', async () => {
    const r = makeRepo();
    r.write('.hfleaksignore', 'tests/fixtures/**\n*.snap\n');
    for (const f of ['src/a.txt', 'tests/b.txt', 'tests/fixtures/c.txt', 'src/d.snap']) r.write(f, `token = "${t.userToken()}"\n`);
    const out = await runJson(['scan', 'src', 'tests'], { cwd: r.dir, env: r.env });
    const found = [...new Set(out.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path)))].sort();
    expect(found).toEqual(['src/a.txt', 'tests/b.txt']);
  });

  it('reports a name that starts with two dots relative to the root, like any other', async () => {
    const r = makeRepo();
    r.write('..foo.txt', `token = "${t.userToken()}"\n`);
    const out = await runJson(['scan', '.'], { cwd: r.dir, env: r.env });
    expect(out.report.findings[0].locations[0].path).toBe('..foo.txt');
  });
});
