// The quick parser must yield exactly what yargs yields for every command line it
// accepts, and hand everything else to yargs. Each case runs through both.
import { describe, expect, it } from 'vitest';
import { COMMANDS, type CommandSpec } from '../../src/cli/commands/index.ts';
import type { Io } from '../../src/cli/io.ts';
import { quickArgs } from '../../src/cli/quick-args.ts';
import { runWithYargs } from '../../src/cli/yargs-main.ts';

const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/' } as unknown as Io;

async function viaYargs(argv: string[]): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> | undefined;
  const capture: CommandSpec[] = COMMANDS.map((c) => ({
    ...c,
    run: async (_io, args) => {
      seen = args;
      return 0;
    },
  }));
  await runWithYargs(argv, io, capture);
  if (!seen) throw new Error('yargs ran no command');
  return seen;
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
  ['verify', '--no-verify', '--env', 'HF_TOKEN', '-f', 'json'],
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
  ['staged', '--'],
  ['staged', '--no-format'],
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
    expect(quick!.args).toEqual(await viaYargs(argv as string[]));
  });

  it.each(handedOver.map((a) => [a.join(' ') || '(nothing)', a]))('hands `%s` to yargs', (_label, argv) => {
    expect(quickArgs(argv as string[], COMMANDS)).toBeUndefined();
  });
});
