// .gitignore semantics, checked against git itself: every file of a tree holds a token,
// and the files hfleaks reports must be exactly those git calls untracked and not
// ignored (deeper files overriding higher ones, `!` re-including, nothing coming back
// from inside an excluded directory).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokens } from '../git/repo.ts';
import { runJson, tempDir } from '../helpers/cli.ts';

const t = tokens(77);

function layout(dir: string, ignores: Record<string, string>, files: string[]): void {
  for (const [p, text] of Object.entries(ignores)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), `token = "${t.userToken()}"\n`);
  }
}

function gitKeeps(dir: string): string[] {
  const out = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });
  return out.split('\0').filter((p) => p && !p.endsWith('.gitignore')).sort();
}

describe('.gitignore, as git reads it', () => {
  it('matches git on nested files with negations, directory patterns and anchors', async () => {
    const dir = tempDir();
    execFileSync('git', ['init', '-q'], { cwd: dir });
    layout(
      dir,
      {
        '.gitignore': 'logs\n*.env\nbuild/\n/top-only.txt\n*.log\n!keep.log\n',
        'keep/.gitignore': '!logs\n',
        'sub/.gitignore': '!keep.env\nlocal/\n',
        'sub/deep/.gitignore': '*.txt\n!wanted.txt\n',
        'build/.gitignore': '!important.txt\n',
        'docs/.gitignore': '/notes.md\n',
      },
      [
        'a.txt', 'top-only.txt', 'nested/top-only.txt', 'x.env', 'app.log', 'keep.log', 'nested/keep.log',
        'logs/a.txt', 'keep/logs/a.txt', 'keep/logs/inner/b.txt', 'other/logs/c.txt',
        'sub/keep.env', 'sub/drop.env', 'sub/local/l.txt', 'sub/deep/x.txt', 'sub/deep/wanted.txt', 'sub/deep/y.md',
        'build/important.txt', 'build/out.bin', 'docs/notes.md', 'docs/more/notes.md',
      ],
    );
    const expected = gitKeeps(dir);
    // Sanity: the layout exercises re-inclusion below a higher pattern.
    expect(expected).toContain('keep/logs/a.txt');
    expect(expected).toContain('sub/keep.env');
    expect(expected).not.toContain('build/important.txt');
    const r = await runJson(['scan', '.'], { cwd: dir });
    const found = [...new Set(r.report.findings.flatMap((f: any) => f.locations.map((l: any) => l.path)))].sort();
    expect(found).toEqual(expected);
  });
});
