// The command line's edges, end to end through the built CLI: words after `--`, option
// names that only look like options, empty and negated values, repeated flags, forced
// colour, named symbolic links, and errors that must say exit 2 rather than "clean".
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { makeRepo, tokens } from '../git/repo.ts';
import { runCli, runJson, tempDir, tree } from '../helpers/cli.ts';

const t = tokens(91);

describe('command line', () => {
  const token = t.userToken();
  const leaky = tree({ 'leak.py': `TOKEN = "${token}"\n` });
  const empty = tempDir();

  it('reads the words after -- as paths, even ones that look like options', async () => {
    const missing = await runCli(['scan', '--', join(empty, 'nope')], { cwd: empty });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope: no such file or directory/);
    const found = await runCli(['scan', '--format', 'json', '--', join(leaky, 'leak.py')], { cwd: empty });
    expect(found.code).toBe(1);
    expect(JSON.parse(found.stdout).findings).toHaveLength(1);
    const dashed = tree({ '-weird.txt': `x = "${token}"\n` });
    const weird = await runCli(['scan', '-f', 'json', '--', '-weird.txt'], { cwd: dashed });
    expect(weird.code).toBe(1);
    expect(JSON.parse(weird.stdout).findings[0].locations[0].path).toBe('-weird.txt');
    // Through yargs too (an option the quick parser leaves to it comes first).
    const viaYargs = await runCli(['scan', '--format=json', '--format', 'json', '--', join(empty, 'nope')], { cwd: empty });
    expect(viaYargs.code).toBe(2);
  });

  it('refuses --output and --sarif reaching one file through a symbolic or hard link, and writes neither', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'report.md'), 'before\n');
    symlinkSync('report.md', join(d, 'soft.sarif'));
    linkSync(join(d, 'report.md'), join(d, 'hard.sarif'));
    symlinkSync('later.md', join(d, 'dangling.sarif'));
    mkdirSync(join(d, 'sub'));
    symlinkSync('sub', join(d, 'alias'));
    for (const [output, sarif] of [['report.md', 'soft.sarif'], ['report.md', 'hard.sarif'], ['later.md', 'dangling.sarif'], ['sub/new.md', 'alias/new.md']]) {
      const r = await runCli(['scan', leaky, '-f', 'markdown', '-o', output!, '--sarif', sarif!], { cwd: d });
      expect(r.code, `${output} ${sarif}`).toBe(2);
      expect(r.stderr).toMatch(/^hfleaks: --output and --sarif name the same file/);
    }
    expect(readFileSync(join(d, 'report.md'), 'utf8')).toBe('before\n');
    // Two files, one directory: fine.
    const ok = await runCli(['scan', leaky, '-f', 'markdown', '-o', 'report.md', '--sarif', 'alias/r.sarif'], { cwd: d });
    expect(ok.code).toBe(1);
  });

  it('refuses names every JavaScript object has (toString, constructor, __proto__) as unknown options', async () => {
    for (const name of ['--toString', '--constructor', '--__proto__', '--valueOf']) {
      const r = await runCli(['scan', name, 'x', leaky], { cwd: empty });
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(/Unknown argument/);
    }
  });

  it('says what is wrong with empty, negated and repeated values, in one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['scan', leaky, '--output='], /^hfleaks: --output needs a value\n$/],
      [['scan', leaky, '--baseline='], /^hfleaks: --baseline needs a value\n$/],
      [['scan', leaky, '--no-sarif'], /^hfleaks: --no-sarif is not an option \(--sarif takes a value\)\n$/],
      // yargs reads an empty number as 0: archives would silently go unopened.
      [['scan', leaky, '--archive-depth', ''], /^hfleaks: --archive-depth needs a value\n$/],
      [['scan', leaky, '--archive-depth='], /^hfleaks: --archive-depth needs a value\n$/],
      [['scan', leaky, '--threads', ' '], /^hfleaks: --threads needs a value\n$/],
      // A blank name is no name: the report would go to a file named " ".
      [['scan', leaky, '--output', ' '], /^hfleaks: --output needs a value\n$/],
      [['scan', leaky, '--sarif', ' '], /^hfleaks: --sarif needs a value\n$/],
      [['scan', leaky, '-o', '\t'], /^hfleaks: --output needs a value\n$/],
      [['staged', '--sarif', '  '], /^hfleaks: --sarif needs a value\n$/],
      // An empty path (an unset variable) would mean the current directory.
      [['scan', ''], /^hfleaks: an empty path was given \(an unset variable\?\)\n$/],
      [['scan', leaky, ''], /^hfleaks: an empty path was given/],
      [['history', ''], /^hfleaks: an empty path was given/],
      [['audit', ''], /^hfleaks: an empty path was given/],
      [['scan', leaky, '-f', 'json', '-o', 'r.json', '--sarif', './r.json'], /^hfleaks: --output and --sarif name the same file/],
      [['scan', leaky, '--no-format'], /--no-format is not an option/],
      [['history', empty, '--no-since'], /--no-since is not an option/],
      // yargs reads a negated number as 0 (archives left closed: a clean result) or as nothing.
      [['scan', leaky, '--no-archive-depth'], /^hfleaks: --no-archive-depth is not an option \(--archive-depth takes a value\)\n$/],
      [['baseline', leaky, '--no-archive-depth'], /^hfleaks: --no-archive-depth is not an option/],
      [['scan', leaky, '--no-threads'], /^hfleaks: --no-threads is not an option \(--threads takes a value\)\n$/],
      [['scan', leaky, '--no-verify-timeout'], /^hfleaks: --no-verify-timeout is not an option/],
      [['scan', leaky, '--verify', '--no-verify-budget'], /^hfleaks: --no-verify-budget is not an option/],
      [['revoke', '--yes', '--no-verify-concurrency'], /^hfleaks: --no-verify-concurrency is not an option/],
      // yargs takes the camel-case spelling too.
      [['scan', leaky, '--archive-depth', '6', '--no-archiveDepth'], /^hfleaks: --no-archive-depth is not an option/],
      [['scan', leaky, '--no-verifyTimeout'], /^hfleaks: --no-verify-timeout is not an option/],
      [['hook', 'foo'], /^hfleaks: hook: "foo" is no action \("install" or "uninstall"\)\n$/],
      [['hook'], /^hfleaks: hook: name the action \("install" or "uninstall"\)\n$/],
      [['nosuchcmd'], /^hfleaks: unknown command "nosuchcmd" \(hfleaks --help lists them\)\n$/],
      [['scan', leaky, '-o'], /^hfleaks: --output needs a value\n$/],
      [['scan', leaky, '--archive-depth'], /^hfleaks: --archive-depth needs a value\n$/],
      [['scan', leaky, '-c', join(empty, 'missing.json')], /^hfleaks: .*missing\.json: cannot read config \(no such file or directory\)\n$/],
      [['scan', leaky, '-o', join(empty, 'no', 'dir', 'r.json')], /^hfleaks: .*r\.json: cannot write report \(no such file or directory\)\n$/],
      [['verify', '--no-verify'], /^hfleaks: Unknown argument: --no-verify\n$/],
      // Nothing is walked: .hfleaksignore never applies to the tokens you hand it.
      [['verify', '--no-ignore'], /^hfleaks: Unknown argument: --no-ignore\n$/],
      // Each unknown option once, as written (yargs lists bogus-flag, bogusFlag and drops no-).
      [['scan', leaky, '--bogus-flag=3'], /^hfleaks: Unknown argument: --bogus-flag\n$/],
      [['staged', '--no-such-thing', '-z'], /^hfleaks: Unknown arguments: --no-such-thing, -z\n$/],
      // A stray word is named as itself, even beside a real option of the same name.
      [['staged', 'debug', '--debug'], /^hfleaks: Unknown argument: debug\n/],
      [['staged', '-zx'], /^hfleaks: Unknown arguments: -z, -x\n$/],
      [['staged', '--', '--x'], /^hfleaks: Unknown argument: --x\n$/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { cwd: empty });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toContain('\u0000');
    }
  });

  it('reads options written before the command', async () => {
    const r = await runCli(['--format', 'json', '-q', 'scan', leaky], { cwd: empty });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toHaveLength(1);
    expect(r.stderr).toBe('');
  });

  it('lets the last of a repeated option win, as most tools do', async () => {
    const r = await runJson(['scan', leaky, '--format', 'text', '--threads', '1', '--threads', '2'], { cwd: empty });
    expect(r.code).toBe(1);
    expect(r.report.findings).toHaveLength(1);
  });

  it('never shows its internal stdin marker in a message', async () => {
    const r = await runCli(['history', '-'], { cwd: empty });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hfleaks: -: /);
    expect(r.stderr).not.toContain('\u0000');
  });

  it('validates --archive-depth (0 to 10), and the flag wins over the config file', async () => {
    const inner = zipSync({ 'deep/secret.env': new TextEncoder().encode(`HF_TOKEN=${token}\n`) });
    const outer = zipSync({ 'inner.zip': inner });
    const dir = tree({ 'outer.zip': outer, '.hfleaks.json': JSON.stringify({ archiveDepth: 0 }) });
    for (const bad of ['-1', '11', '1.5', 'abc']) {
      const r = await runCli(['scan', '.', '--archive-depth', bad], { cwd: dir });
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/--archive-depth must be a whole number from 0 to 10/);
    }
    const byConfig = await runJson(['scan', '.'], { cwd: dir });
    expect(byConfig.report.findings).toHaveLength(0);
    // Not a silent clean result: the archive it left closed is listed.
    expect(byConfig.report.stats.skipped).toEqual([{ path: 'outer.zip', reason: 'archive not opened (--archive-depth 0)' }]);
    const byFlag = await runJson(['scan', '.', '--archive-depth', '2'], { cwd: dir });
    expect(byFlag.code).toBe(1);
    expect(byFlag.report.findings[0].locations[0].path).toBe('outer.zip!inner.zip!deep/secret.env');
  });

  it('forces colour with --color even through a pipe or with NO_COLOR; none by default off a terminal', async () => {
    const forced = await runCli(['scan', leaky, '--color'], { cwd: empty, env: { NO_COLOR: '1' } });
    expect(forced.code).toBe(1);
    expect(forced.stdout).toMatch(/\u001b\[/);
    const plain = await runCli(['scan', leaky], { cwd: empty, env: { NO_COLOR: undefined } });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    // As ripgrep and git spell it.
    expect((await runCli(['scan', leaky, '--color=always'], { cwd: empty })).stdout).toMatch(/\u001b\[/);
    for (const word of ['never', 'auto']) expect((await runCli(['scan', leaky, `--color=${word}`], { cwd: empty })).stdout, word).not.toMatch(/\u001b\[/);
    const bad = await runCli(['scan', leaky, '--color=sometimes'], { cwd: empty });
    expect([bad.code, bad.stderr]).toEqual([2, 'hfleaks: --color=sometimes: use always, never or auto (or --color, --no-color)\n']);
  });

  it('follows a symbolic link named on the command line; one to nothing is a missing path', async () => {
    const dir = tempDir();
    symlinkSync(leaky, join(dir, 'linked-dir'));
    symlinkSync(join(leaky, 'leak.py'), join(dir, 'linked-file'));
    symlinkSync(join(dir, 'nothing-here'), join(dir, 'dangling'));
    const viaDir = await runJson(['scan', 'linked-dir'], { cwd: dir });
    expect(viaDir.code).toBe(1);
    expect(viaDir.report.findings[0].locations[0].path).toBe('leak.py'); // as for any directory named alone
    expect((await runJson(['scan', 'linked-file'], { cwd: dir })).code).toBe(1);
    const dangling = await runCli(['scan', 'dangling'], { cwd: dir });
    expect(dangling.code).toBe(2);
    expect(dangling.stderr).toMatch(/dangling: a symbolic link to nothing/);
    // Links met while walking are still never followed.
    const walked = await runJson(['scan', '.'], { cwd: dir });
    expect(walked.report.findings).toHaveLength(0);
  });

  it('refuses an endpoint with a token in it, without printing the token', async () => {
    const r = await runCli(['scan', leaky, '--verify', '--endpoint', `http://127.0.0.1:9/${token}`], { cwd: empty });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds what looks like a token/);
    expect(r.stderr + r.stdout).not.toContain(token);
  });

  it('rejects a malformed --range (exit 2), never scanning something else', async () => {
    const repo = makeRepo();
    repo.write('a.txt', 'one\n');
    repo.commit('one');
    repo.write('a.txt', `two ${t.userToken()}\n`);
    repo.commit('two');
    for (const range of ['..', '...', 'HEAD~1..HEAD..HEAD', ' ']) {
      const r = await runCli(['history', '--range', range], { cwd: repo.dir, env: repo.env });
      expect(r.code, JSON.stringify(range)).toBe(2);
      expect(r.stderr, range).toMatch(/expected BASE\.\.HEAD|needs a value|is empty \(an unset variable\?\)/);
    }
    const ok = await runCli(['history', '--range', 'HEAD~1..'], { cwd: repo.dir, env: repo.env });
    expect(ok.code).toBe(1);
  });

  it('prints file names with control characters escaped, and no markup from a crafted name in markdown', async () => {
    const dir = tree({ 'a\u001b[2Kb\nc.py': `k = "${token}"\n`, 'x` [click](https:evil.test) <img src=x> `y.py': `k = "${token}"\n` });
    const text = await runCli(['scan', '.'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).not.toContain('\u001b');
    expect(text.stdout).toContain('a\\u001b[2Kb\\nc.py:1:6');
    const md = await runCli(['scan', '.', '--format', 'markdown'], { cwd: dir });
    expect(md.code).toBe(1);
    // Every occurrence of the crafted name sits inside a code span that its backticks can't
    // close: with the code spans taken out (a run of N backticks ends at the next run of
    // exactly N, as CommonMark reads them), no link or HTML is left.
    const outsideCode = md.stdout.replace(/(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, '');
    expect(outsideCode).not.toContain('[click]');
    expect(outsideCode).not.toContain('<img');
    expect(md.stdout).toContain('`xˋ [click](https:evil.test) <img src=x> ˋy.py`');
  });

  it('reports no e-mail address, even when a git author name is one', async () => {
    const repo = makeRepo();
    const leaked = t.userToken();
    repo.write('cfg.py', `T = "${leaked}"\n`);
    repo.git('add', '-A');
    repo.git('-c', 'user.name=alice@corp.example', '-c', 'user.email=alice@corp.example', 'commit', '-q', '-m', 'x', '--author', 'alice@corp.example <alice@corp.example>');
    for (const format of ['json', 'text', 'markdown']) {
      const r = await runCli(['history', '--format', format], { cwd: repo.dir, env: repo.env });
      expect(r.code, format).toBe(1);
      expect(r.stdout, format).not.toContain('corp.example');
    }
    const json = await runJson(['history'], { cwd: repo.dir, env: repo.env });
    expect(json.report.findings[0].locations[0].author).toBe('[e-mail removed]');
  });
});
