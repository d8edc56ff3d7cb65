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
});
