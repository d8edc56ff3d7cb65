// The full command line, through yargs: help, version, every error message and every
// odd spelling of an option. Loaded only when the quick parser hands over.
import yargs from 'yargs';
import type { CommandSpec } from './commands/index.ts';
import { COMMANDS } from './commands/index.ts';
import type { Io } from './io.ts';
import { UsageError } from './io.ts';
import type { OptionSpec } from './options.ts';
import { optionKeys, VERIFY_GROUP, verifyOptions } from './options.ts';
import { VERSION } from '../core/version.ts';

const HUB_OPTIONS = Object.keys(verifyOptions());

/**
 * yargs drops a lone `-` and everything after `--`. Such words are passed to it behind
 * this marker, which makes them plain words, and taken off again once parsed.
 */
const MARK = '\u0000';

function protect(argv: string[]): string[] {
  const out: string[] = [];
  let rest = false;
  for (const a of argv) {
    if (rest) out.push(MARK + a);
    else if (a === '--') rest = true;
    else out.push(a === '-' ? MARK + a : a);
  }
  return out;
}

function unprotect(v: unknown): unknown {
  if (typeof v === 'string') return v.startsWith(MARK) ? v.slice(1) : v;
  if (Array.isArray(v)) return v.map(unprotect);
  return v;
}

/**
 * What yargs lets through and the commands can't use: `--no-output` (a negated option
 * that takes a value), `--output=` or `--output ' '` (an empty or blank value), and a repeated option (an array:
 * the last one wins, as in most tools). yargs' own setting for repeats would also cut
 * the list of paths to its last, so repeats are settled here.
 */
function checkValues(c: CommandSpec, args: Record<string, unknown>, argv: readonly string[]): void {
  const options = c.options;
  // An empty word where a path goes (`scan "$DIR"` with DIR unset) would mean the current
  // directory: a scan of something the user never named.
  for (const name of Object.keys(c.positionals ?? {})) {
    const v = args[name];
    if (v === '' || (Array.isArray(v) && v.includes(''))) throw new UsageError(`an empty ${name === 'paths' || name === 'repo' ? 'path' : name} was given (an unset variable?)`);
  }
  for (const [name, spec] of Object.entries(options)) {
    // yargs reads an empty or blank number (`--archive-depth ''`) as 0.
    if (spec.type === 'number' && rawValues(argv, name, spec).some((v) => v.trim() === '')) throw new UsageError(`--${name} needs a value`);
    if (Array.isArray(args[name])) {
      const last = (args[name] as unknown[]).at(-1);
      for (const key of optionKeys(name, spec)) args[key] = last;
    }
    if (spec.type === 'boolean') continue;
    const v = args[name];
    // (yargs reads `--no-archive-depth` as 0 and `--no-verify-timeout` as nothing: the word itself tells.)
    if (typeof v === 'boolean' || negated(argv, name, spec)) throw new UsageError(`--no-${name} is not an option (--${name} takes a value)`);
    // A blank value is no name either (`--output ' '` would write a file named " ").
    if (typeof v === 'string' && v.trim() === '') throw new UsageError(`--${name} needs a value`);
  }
}

/** The words of the command line before any `--` (after it, every word is a path). */
function optionWords(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--');
  return end === -1 ? argv : argv.slice(0, end);
}

/** Whether `--no-NAME` is on the command line, under any name yargs takes for the option (`--no-camelName` too). */
function negated(argv: readonly string[], name: string, spec: OptionSpec): boolean {
  const forms = optionKeys(name, spec).map((k) => `--no-${k}`);
  return optionWords(argv).some((w) => forms.some((f) => w === f || w.startsWith(`${f}=`)));
}

/** The values given to an option on the command line as written (`--name=v`, `--name v`, `-x v`), before any `--`. */
function rawValues(argv: readonly string[], name: string, spec: OptionSpec): string[] {
  const words = optionWords(argv);
  const flags = [`--${name}`, ...(spec.alias ? [`-${spec.alias}`] : [])];
  const out: string[] = [];
  words.forEach((w, i) => {
    const eq = w.indexOf('=');
    if (w.startsWith('--') && eq > 0 && w.slice(0, eq) === `--${name}`) out.push(w.slice(eq + 1));
    else if (flags.includes(w) && i + 1 < words.length) out.push(words[i + 1]!);
  });
  return out;
}

/**
 * yargs names an unknown option in both spellings ("bogus-flag, bogusFlag"), drops the
 * `no-` of `--no-bogus` and the dashes of every name: name each once, as the user wrote
 * it (`--no-bogus`, `-z`, a stray word as it is).
 */
function unknownNames(msg: string, argv: readonly string[]): string {
  const text = msg.replaceAll(MARK, '');
  const m = /^Unknown arguments?: (.*)$/s.exec(text);
  if (!m) return text;
  const key = (n: string) => n.replace(/^-+/, '').replace(/-(.)/g, (_, c: string) => c.toUpperCase());
  const names = [...new Map(m[1]!.split(', ').map((n) => [key(n), n] as const)).values()];
  // The command word and words after `--` are never what is unknown; a flag is known by
  // its name without dashes, value or `no-`.
  const tokens = optionWords(argv).slice(1).map((t) => ({ t, used: false }));
  const flagKeys = (t: string) => {
    const bare = t.replace(/^-+/, '').replace(/=.*$/s, '');
    return [key(bare), key(bare.replace(/^no-/, ''))];
  };
  const shown = names.map((n) => {
    // A stray word and a flag of the same name: the word is what yargs means.
    const word = tokens.find((k) => !k.used && k.t === n);
    const flag = word ?? tokens.find((k) => !k.used && k.t.startsWith('-') && flagKeys(k.t).includes(key(n)));
    if (!flag) return n.length === 1 ? `-${n}` : n;
    flag.used = true;
    return word ? n : flag.t.replace(/=.*$/s, '');
  });
  return `Unknown argument${shown.length > 1 ? 's' : ''}: ${shown.join(', ')}`;
}

/**
 * yargs' words for a command line that names no known command, leaves out a command's
 * required word or gives it a wrong one, or ends where an option needs a value, in
 * plain words with what to do.
 */
function plainMessage(msg: string, argv: readonly string[], commands: readonly CommandSpec[]): string {
  const word = argv.find((a) => !a.startsWith('-'));
  const spec = commands.find((c) => c.command.split(' ')[0] === word);
  const unknown = /^Unknown arguments?: ([^,]*)/.exec(msg);
  if (unknown && word !== undefined && !spec && unknown[1] === word) return `unknown command "${word}" (hfleaks --help lists them)`;
  const positional = spec && Object.entries(spec.positionals ?? {})[0];
  const choices = (list: readonly string[]) => list.map((c) => `"${c}"`).join(' or ');
  if (/^Not enough non-option arguments/.test(msg) && positional) {
    const [name, p] = positional;
    return `${word}: name the ${name}${p.choices ? ` (${choices(p.choices as string[])})` : ''}`;
  }
  const invalid = /^Invalid values:\s*Argument: (\S+), Given: (".*?"|\S+), Choices: (.*)$/s.exec(msg);
  if (invalid && spec) return `${word}: ${invalid[2]} is no ${invalid[1]} (${choices(invalid[3]!.split(', ').map((c) => c.replace(/^"|"$/g, '')))})`;
  const following = /^Not enough arguments following: (\S+)$/.exec(msg);
  if (following) {
    const short = Object.entries(spec?.options ?? {}).find(([, o]) => o.alias === following[1]);
    return `--${short ? short[0] : following[1]} needs a value`;
  }
  return msg;
}

/** Parses argv and runs the command it names; resolves to its exit code (0 after --help or --version). */
export async function runWithYargs(argv: string[], io: Io, commands: readonly CommandSpec[] = COMMANDS): Promise<number> {
  let code: number | undefined;
  let parser = yargs(protect(argv))
    .scriptName('hfleaks')
    .usage('$0 <command> [options]\n\nFind, verify and revoke leaked Hugging Face tokens.')
    .strict()
    .exitProcess(false)
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .demandCommand(1, 'Name a command (hfleaks --help lists them).')
    .fail((msg, err) => {
      // (yargs-parser's own errors, such as an option left without its value, come as err.)
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(plainMessage(unknownNames(msg ?? err?.message ?? '', argv), argv, commands));
    });
  // yargs renders the whole help text after every command just in case an error needs
  // it (~30 ms); our errors are one line, so skip that.
  const usage = (parser as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } })
    .getInternalMethods?.()
    .getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
  for (const c of commands) {
    parser = parser.command(
      c.command,
      c.describe,
      (y) => {
        for (const [name, p] of Object.entries(c.positionals ?? {})) y = y.positional(name, p);
        y = y.options(c.options);
        const hub = HUB_OPTIONS.filter((o) => o in c.options);
        return hub.length > 0 ? y.group(hub, VERIFY_GROUP) : y;
      },
      async (parsed) => {
        const args = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, unprotect(v)]));
        checkValues(c, args, argv);
        code = await c.run(io, args);
      },
    );
  }
  await parser.parseAsync();
  return code ?? 0;
}
