// The quick parser must yield exactly what yargs yields for every command line it
// accepts, and hand everything else to yargs. Each case runs through both.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS, type CommandSpec } from '../../src/cli/commands/index.ts';
import type { Io } from '../../src/cli/io.ts';
import { commandFirst, quickArgs } from '../../src/cli/quick-args.ts';
import { runWithYargs } from '../../src/cli/yargs-main.ts';

const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/' } as unknown as Io;

async function viaYargs(argv: string[]): Promise<Record<string, unknown>> {
  const r = await tryYargs(argv);
  if ('error' in r) throw r.error;
  return r.args;
}

/** yargs' arguments object for argv, or the error it stops with. */
async function tryYargs(argv: string[]): Promise<{ args: Record<string, unknown> } | { error: unknown }> {
  let seen: Record<string, unknown> | undefined;
  const capture: CommandSpec[] = COMMANDS.map((c) => ({
    ...c,
    run: async (_io, args) => {
      seen = args;
      return 0;
    },
  }));
  try {
    await runWithYargs(argv, io, capture);
  } catch (error) {
    return { error };
  }
  if (!seen) return { error: new Error('yargs ran no command') };
  return { args: seen };
}

const accepted: string[][] = [
  ['staged'],
  ['staged', '--no-progress'],
  ['staged', '--quiet', '--format', 'json'],
  ['staged', '-q', '-f', 'sarif', '-o', 'out.sarif'],
  ['staged', '--format=markdown', '--output=report.md'],
  ['staged', '--no-ignore', '--no-decode', '--archive-depth', '0'],
  ['staged', '--archive-depth=7', '--max-file-size', '10MB', '--show-secrets'],
  ['staged', '--color', '--debug', '--config', 'rules.json'],
  ['staged', '--no-color', '--sarif', 'x.sarif', '--baseline', 'base.json'],
  ['staged', '--verify', '--endpoint', 'http://127.0.0.1:9', '--verify-concurrency', '8', '--verify-timeout=3', '--verify-budget', '30'],
  ['staged', '--reach', '--revoke', '-y'],
  ['verify'],
  ['verify', '--env', 'HF_TOKEN', '-f', 'json'],
  ['verify', '--reach', '--quiet', '--no-progress'],
  ['revoke', '--yes', '--env', 'LEAKED', '--format', 'json'],
  ['revoke', '-y', '-q', '--endpoint=http://localhost:1234', '--verify-concurrency=2'],
  ['scan'],
  ['scan', '.'],
  ['scan', 'src', 'README.md', '--format', 'json'],
  ['scan', '-', '--no-ignore'],
  ['scan', '--quiet', 'a.txt', '--threads', '2', 'b.txt', '--max-file-size=10MB'],
  ['history'],
  ['history', '../repo', '--range', 'main..HEAD', '--since', '2 weeks ago', '--submodules'],
  ['history', '--range=v1.0..v2.0'],
  ['audit', '--no-verify', '--no-progress'],
  ['audit', 'some/repo', '--reach', '--threads=1'],
  ['baseline', '-o', 'baseline.json'],
  ['baseline', 'src', '--from', 'report.json', '--no-decode'],
  ['hook', 'install'],
  ['hook', 'uninstall', '--force', '-q'],
  ['scan', '--', '-weird', '--format', '123'],
  ['scan', '-q', '--', '-'],
  ['history', '--range', 'a..b', '--', '--repo-dir'],
  ['staged', '--'],
];

const handedOver: string[][] = [
  [],
  ['--help'],
  ['--version'],
  ['staged', '--help'],
  ['staged', '-h'],
  ['staged', 'extra'],
  ['staged', '--format'],
  ['staged', '--format', '--quiet'],
  ['staged', '--format', 'json', '--format', 'text'],
  ['staged', '--unknown'],
  ['staged', '--quiet=false'],
  ['staged', '--quiet', 'false'],
  ['staged', '--archive-depth', 'three'],
  ['staged', '--archive-depth', '-1'],
  ['staged', '--output', '-'],
  ['staged', '-qf', 'json'],
  ['staged', '--showSecrets'],
  ['staged', '--no-format'],
  ['staged', '--constructor', 'x'],
  ['staged', '--__proto__', 'x'],
  ['scan', '--toString', 'a', 'b'],
  ['staged', '--no-hasOwnProperty'],
  ['verify', '--no-verify'],
  ['staged', '--', 'extra'],
  ['revoke', '--reach'],
  ['--quiet', 'staged'],
  ['history', 'one', 'two'],
  ['audit', 'true'],
  ['scan', '123'],
  ['scan', '--quiet', 'false'],
  ['scan', ''],
  ['hook'],
  ['hook', 'reinstall'],
  ['verify', 'hf_token_on_argv'],
];

describe('quick command-line parser', () => {
  it.each(accepted.map((a) => [a.join(' '), a]))('parses `%s` exactly as yargs does', async (_label, argv) => {
    const quick = quickArgs(argv as string[], COMMANDS);
    expect(quick, 'the quick parser should accept this line').toBeDefined();
    expect(quick!.command.command.split(' ')[0]).toBe((argv as string[])[0]);
    expect(quick!.args).toStrictEqual(await viaYargs(argv as string[]));
  });

  it.each(handedOver.map((a) => [a.join(' ') || '(nothing)', a]))('hands `%s` to yargs', (_label, argv) => {
    expect(quickArgs(argv as string[], COMMANDS)).toBeUndefined();
  });

  // Random command lines from each command's own table, spelled every way yargs reads:
  // whatever the quick parser accepts, yargs must accept and read the same.
  it('agrees with yargs on random command lines (or hands them over)', async () => {
    const word = fc.constantFrom('.', 'src', 'a.txt', '-', '--', '', 'true', '12', '-x', 'main..HEAD', 'toString', 'json', 'install');
    const line = fc.constantFrom(...COMMANDS).chain((c) => {
      const names = Object.entries(c.options).flatMap(([n, s]) => [`--${n}`, ...(s.type === 'boolean' ? [`--no-${n}`] : [`--${n}=`]), ...(s.alias ? [`-${s.alias}`] : [])]);
      const token = fc.oneof(fc.constantFrom(...names), word);
      return fc.array(token, { maxLength: 7 }).map((rest) => [c.command.split(' ')[0]!, ...rest.map((t) => (t.endsWith('=') ? `${t}v` : t))]);
    });
    await fc.assert(
      fc.asyncProperty(line, async (argv) => {
        const quick = quickArgs(argv, COMMANDS);
        if (!quick) return;
        const y = await tryYargs(argv);
        expect('args' in y ? y.args : y.error, argv.join(' ')).toStrictEqual(quick.args);
      }),
      { numRuns: 400, seed: 20261128 },
    );
  });

  it('moves options written before the command after it', () => {
    expect(commandFirst(['-q', 'scan', '.'], COMMANDS)).toEqual(['scan', '-q', '.']);
    expect(commandFirst(['--format', 'json', '--no-progress', 'staged'], COMMANDS)).toEqual(['staged', '--format', 'json', '--no-progress']);
    expect(commandFirst(['--help', 'history'], COMMANDS)).toEqual(['history', '--help']);
    // An option's value that happens to be a command name is a value.
    expect(commandFirst(['--output', 'scan', 'audit'], COMMANDS)).toEqual(['audit', '--output', 'scan']);
    // Left alone: the command already first, a word before any command, nothing to move.
    expect(commandFirst(['scan', '-q'], COMMANDS)).toEqual(['scan', '-q']);
    expect(commandFirst(['src', 'scan'], COMMANDS)).toEqual(['src', 'scan']);
    expect(commandFirst(['--version'], COMMANDS)).toEqual(['--version']);
    expect(commandFirst(['--', 'scan'], COMMANDS)).toEqual(['--', 'scan']);
  });
});
