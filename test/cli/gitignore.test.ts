// .gitignore semantics, checked against git itself: every file of a tree holds a token,
// and the files hfleaks reports must be exactly those git calls untracked and not
// ignored (deeper files overriding higher ones, `!` re-including, nothing coming back
// from inside an excluded directory).
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo, tokens } from '../git/repo.ts';
import { runJson } from '../helpers/cli.ts';

const t = tokens(77);

/** A repository holding these ignore files, and a token in each of these files. */
function layout(ignores: Record<string, string>, files: string[]) {
  const r = makeRepo();
  for (const [p, text] of Object.entries(ignores)) r.write(p, text);
  for (const f of files) r.write(f, `token = "${t.userToken()}"\n`);
  return r;
}

/** What git calls untracked and not ignored, without the ignore files themselves. */
function gitKeeps(r: ReturnType<typeof makeRepo>): string[] {
  return r.git('ls-files', '--others', '--exclude-standard', '-z').split('\0').filter((p) => p && !p.endsWith('.gitignore') && p !== '.hfleaksignore').sort();
}

/** The paths of every location `hfleaks scan ARGS` reports in the repository. */
async function scanned(r: ReturnType<typeof makeRepo>, ...args: string[]): Promise<string[]> {
  const out = await runJson(['scan', ...args], { cwd: r.dir, env: r.env });
  return [...new Set<string>(out.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path)))].sort();
}

describe('.gitignore, as git reads it', () => {
  it('matches git on nested files with negations, directory patterns and anchors', async () => {
    const r = layout({
      '.gitignore': 'logs\n*.env\nbuild/\n/top-only.txt\n*.log\n!keep.log\n',
      'keep/.gitignore': '!logs\n',
      'sub/.gitignore': '!keep.env\nlocal/\n',
      'sub/deep/.gitignore': '*.txt\n!wanted.txt\n',
      'build/.gitignore': '!important.txt\n',
      'docs/.gitignore': '/notes.md\n',
    }, [
      'a.txt', 'top-only.txt', 'nested/top-only.txt', 'x.env', 'app.log', 'keep.log', 'nested/keep.log',
      'logs/a.txt', 'keep/logs/a.txt', 'keep/logs/inner/b.txt', 'other/logs/c.txt',
      'sub/keep.env', 'sub/drop.env', 'sub/local/l.txt', 'sub/deep/x.txt', 'sub/deep/wanted.txt', 'sub/deep/y.md',
      'build/important.txt', 'build/out.bin', 'docs/notes.md', 'docs/more/notes.md',
    ]);
    const expected = gitKeeps(r);
    // Sanity: the layout exercises re-inclusion below a higher pattern.
    expect(expected).toContain('keep/logs/a.txt');
    expect(expected).toContain('sub/keep.env');
    expect(expected).not.toContain('build/important.txt');
    expect(await scanned(r, '.')).toEqual(expected);
  });

  // (Case-insensitive file systems can't hold out/ beside Out/, and git ignores case there.)
  it.skipIf(process.platform === 'darwin' || process.platform === 'win32')('matches git where a shortcut could go wrong: a file named like a directory pattern, glob syntax in a directory name, case', async () => {
    const r = layout({
      '.gitignore': 'build/\n/out/\n logs\n',
      '[ab]/.gitignore': 'secret\n',
      'x*y/.gitignore': 'drop\n',
      '.hfleaksignore': 'cache/\n',
    }, [
      // `build/` and `cache/` name directories: files so named are not ignored.
      'build', 'sub/build', 'build2/build', 'cache', 'sub/cache/in.txt', 'lib/build/out.txt',
      // A .gitignore in a directory whose name is glob syntax applies inside it only.
      '[ab]/secret', 'a/secret/t.txt', 'b/secret', 'x*y/drop', 'xzy/drop',
      // Git matches case (core.ignorecase is false on a case-sensitive file system).
      'Out/app.py', 'out/app.py', 'Build/x.txt',
      // A leading space is part of the pattern: ` logs` is not `logs`.
      'logs/a.txt', ' logs',
    ]);
    // (.hfleaksignore's cache/ is hfleaks' own: git knows nothing of it.)
    const expected = gitKeeps(r).filter((p) => !p.startsWith('sub/cache/'));
    expect(expected).toEqual(expect.arrayContaining(['build', 'cache', 'a/secret/t.txt', 'xzy/drop', 'Out/app.py', 'Build/x.txt', 'logs/a.txt']));
    expect(expected).not.toContain(' logs');
    expect(await scanned(r, '.')).toEqual(expected);
  });
});

describe('files git tracks', () => {
  it('applies a pattern of many wildcards, in time (the walker backtracked on it for minutes)', async () => {
    const stars = `${'*a'.repeat(16)}c`;
    const long = 'a'.repeat(40);
    for (const file of ['.gitignore', '.hfleaksignore']) {
      const r = layout({ [file]: `${stars}\n` }, [`${long}c`, long, `${long}.env`]);
      expect(await scanned(r), file).toEqual([long, `${long}.env`]);
      // (git's own matcher is not asked here: on this line and these names it takes longer than any test may.)
    }
  }, 20_000);

  it('scans a tracked file an ignore file matches, as git never ignores what it tracks; .hfleaksignore still excludes', async () => {
    const r = layout({ '.gitignore': '*.env\nbuild/\n', '.hfleaksignore': 'fixtures/\n' }, []);
    r.write('prod.env', 'A=1\n');
    r.write('build/keep.cfg', 'x\n');
    r.write('fixtures/f.env', 'x\n');
    r.git('add', '.gitignore', '.hfleaksignore');
    r.git('add', '-f', 'prod.env', 'build/keep.cfg', 'fixtures/f.env');
    r.commit('tracked despite .gitignore');
    for (const f of ['prod.env', 'build/keep.cfg', 'fixtures/f.env', 'local.env', 'build/untracked.cfg']) r.write(f, `token = "${t.userToken()}"\n`);
    // What git itself reports changed in the working tree, untracked files left out.
    expect(r.git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).map((l) => l.slice(3)).sort()).toEqual(['build/keep.cfg', 'fixtures/f.env', 'prod.env']);
    expect(await scanned(r, '.')).toEqual(['build/keep.cfg', 'prod.env']);
    // Asking the index runs git in the scanned tree: its config must not make git run a program.
    const marker = join(r.dir, 'fsmonitor-ran');
    r.write('fsmonitor.sh', `#!/bin/sh\ntouch "${marker}"\n`);
    chmodSync(join(r.dir, 'fsmonitor.sh'), 0o755);
    r.git('config', 'core.fsmonitor', join(r.dir, 'fsmonitor.sh'));
    expect(await scanned(r, '.')).toEqual(['build/keep.cfg', 'prod.env']);
    expect(existsSync(marker)).toBe(false);
    const audit = await runJson(['audit', '--no-verify', '--no-progress'], { cwd: r.dir, env: r.env });
    expect([...new Set(audit.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path)))].sort()).toEqual(['build/keep.cfg', 'prod.env']);
  });
});

describe('paths the user names', () => {
  it('scans a directory named on the command line even if ignored, as ripgrep does; other patterns still apply inside', async () => {
    const r = layout({ '.gitignore': 'build/\n*.log\n', '.git/info/exclude': 'vendor/\n' }, ['build/x.txt', 'build/sub/y.txt', 'build/a.log', 'vendor/lib/v.txt']);
    expect(await scanned(r, '.')).toEqual([]);
    expect(await scanned(r, 'build')).toEqual(['sub/y.txt', 'x.txt']);
    expect(await scanned(r, 'vendor/lib')).toEqual(['v.txt']);
  });

  it('lets a .gitignore re-include what info/exclude leaves out, from any directory named', async () => {
    const r = layout({ '.git/info/exclude': '*.log\n', '.gitignore': '!keep.log\n' }, ['a/b/keep.log', 'a/b/drop.log', 'a/b/c.txt']);
    const expected = gitKeeps(r);
    expect(expected).toEqual(['a/b/c.txt', 'a/b/keep.log']);
    expect(await scanned(r, '.')).toEqual(expected);
    expect(await scanned(r, 'a/b')).toEqual(['c.txt', 'keep.log']);
  });

  it('applies the root .hfleaksignore to every directory named under it', async () => {
    const r = layout({ '.hfleaksignore': 'tests/fixtures/**\n*.snap\n' }, ['src/a.txt', 'tests/b.txt', 'tests/fixtures/c.txt', 'src/d.snap']);
    expect(await scanned(r, 'src', 'tests')).toEqual(['src/a.txt', 'tests/b.txt']);
  });

  it('applies the root .hfleaksignore (globs and fingerprints) alike to one directory, several, or a file named under it', async () => {
    const r = layout({}, ['tests/fixtures/c.txt', 'tests/revoked.txt', 'src/a.txt']);
    const fp = (await runJson(['scan', 'tests/revoked.txt'], { cwd: r.dir, env: r.env })).report.findings[0].fingerprint;
    r.write('.hfleaksignore', `tests/fixtures/**\n${fp}   # revoked\n`);
    for (const args of [['tests'], ['tests', 'src'], ['tests/revoked.txt'], ['tests/fixtures/c.txt', 'tests/revoked.txt']]) {
      const out = await runJson(['scan', ...args], { cwd: r.dir, env: r.env });
      const paths = out.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path));
      expect({ args, paths: paths.filter((p: string) => !p.endsWith('a.txt')), suppressed: out.report.stats.suppressed })
        .toEqual({ args, paths: args.includes('tests/fixtures/c.txt') ? ['tests/fixtures/c.txt'] : [], suppressed: 1 });
    }
    // From inside the directory too: the project's file, its globs relative to where it is.
    const inside = await runJson(['scan', '.'], { cwd: join(r.dir, 'tests'), env: r.env });
    expect(inside.report.findings).toEqual([]);
    expect(inside.report.stats.suppressed).toBe(1);
  });

  it('reports a name that starts with two dots relative to the root, like any other', async () => {
    const r = layout({}, ['..foo.txt']);
    expect(await scanned(r, '.')).toEqual(['..foo.txt']);
  });
});
