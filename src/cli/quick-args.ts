// The quick parser: plain command lines (`hfleaks staged --no-progress -f json`) parsed
// without loading yargs, which costs ~60 ms of every start (the pre-commit hook runs on
// every commit). It reads the same option tables as yargs and yields the same arguments
// object; anything it is not sure of (help, version, a missing or extra positional, a
// repeated or unknown option, an odd value) returns undefined and yargs takes over,
// errors included.
import type { CommandSpec } from './commands/index.ts';
import type { OptionSpec, OptionTable } from './options.ts';
import { optionKeys } from './options.ts';
import { UsageError } from './io.ts';

interface QuickArgs {
  command: CommandSpec;
  args: Record<string, unknown>;
}

/** The option a `--long` or `-x` token names, or undefined. */
function lookup(table: OptionTable, token: string): [string, OptionSpec] | undefined {
  if (token.startsWith('--')) {
    const name = token.slice(2);
    return Object.hasOwn(table, name) ? [name, table[name]!] : undefined;
  }
  if (/^-[a-zA-Z]$/.test(token)) {
    const found = Object.entries(table).find(([, s]) => s.alias === token[1]);
    return found;
  }
  return undefined;
}

/** The value of a string or number option, or undefined when yargs should judge it. */
function value(spec: OptionSpec, raw: string | undefined): string | number | undefined {
  if (raw === undefined || raw.trim() === '' || raw.startsWith('-')) return undefined;
  if (spec.type === 'number') return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
  return raw;
}

/** A bare word yargs would read as a positional and keep as it is (not a boolean's `true`, not a number). */
function plainWord(token: string): boolean {
  if (token === '-') return true;
  if (token === '' || token.startsWith('-') || token === 'true' || token === 'false') return false;
  return !Number.isFinite(Number(token));
}

/** Parses argv, or returns undefined to hand over to yargs. */
export function quickArgs(argv: readonly string[], commands: readonly CommandSpec[]): QuickArgs | undefined {
  const command = commands.find((c) => c.command.split(' ')[0] === argv[0]);
  if (!command) return undefined;
  const table = command.options;
  const given = new Map<string, string | number | boolean>();
  const words: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      words.push(...argv.slice(i + 1)); // all plain words, whatever they look like
      break;
    }
    if (plainWord(token)) {
      words.push(token);
      continue;
    }
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const head = eq > 0 ? token.slice(0, eq) : token;
    let found = lookup(table, head);
    let negated = false;
    if (!found && eq < 0 && head.startsWith('--no-')) {
      const plain = lookup(table, `--${head.slice(5)}`);
      if (plain && plain[1].type === 'boolean') [found, negated] = [plain, true];
    }
    if (!found) return undefined;
    const [name, spec] = found;
    if (given.has(name)) return undefined;
    if (spec.type === 'boolean') {
      if (eq > 0) return undefined;
      given.set(name, !negated);
      continue;
    }
    const v = value(spec, eq > 0 ? token.slice(eq + 1) : argv[++i]);
    if (v === undefined) return undefined;
    given.set(name, v);
  }
  const args: Record<string, unknown> = { _: [argv[0]], $0: 'hfleaks' };
  if (!positionals(command, words, args)) return undefined;
  for (const [name, spec] of Object.entries(table)) {
    const v = given.has(name) ? given.get(name) : spec.default;
    if (v === undefined) continue;
    for (const key of optionKeys(name, spec)) args[key] = v;
  }
  return { command, args };
}

/** Fills the command's positionals from the bare words; false when yargs should judge them. */
function positionals(command: CommandSpec, words: string[], args: Record<string, unknown>): boolean {
  const specs = Object.entries(command.positionals ?? {});
  let next = 0;
  for (const [name, spec] of specs) {
    let v: string | string[] | undefined;
    if (spec.array) {
      v = words.slice(next);
      next = words.length;
      if (v.length === 0) v = spec.default;
    } else {
      v = words[next++];
      const required = command.command.includes(`<${name}>`);
      if (v === undefined && required) return false;
      if (v !== undefined && spec.choices && !spec.choices.includes(v)) return false;
    }
    if (v !== undefined) args[name] = v;
  }
  return next >= words.length;
}

/**
 * Options written before the command (`hfleaks -q scan .`, `hfleaks --help scan`) move
 * after it, where yargs and the quick parser read them. Anything else stays as it is.
 */
export function commandFirst(argv: readonly string[], commands: readonly CommandSpec[]): string[] {
  const names = new Set(commands.map((c) => c.command.split(' ')[0]!));
  if (!argv.length || names.has(argv[0]!)) return [...argv];
  const takesValue = new Set<string>();
  for (const c of commands) {
    for (const [name, spec] of Object.entries(c.options)) {
      if (spec.type === 'boolean') continue;
      takesValue.add(`--${name}`);
      if (spec.alias) takesValue.add(`-${spec.alias}`);
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (names.has(a)) return [a, ...argv.slice(0, i), ...argv.slice(i + 1)];
    if (a === '--' || a === '-' || !a.startsWith('-')) break;
    if (takesValue.has(a)) i++;
  }
  return [...argv];
}

/**
 * `--color=always`, `=never` and `=auto`, as ripgrep and git spell them, in the words the
 * option tables know (`--color`, `--no-color`, neither); any other `--color=` value is an
 * error, never a silent "no colour".
 */
export function colorWords(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return [...out, ...argv.slice(i)];
    const m = /^--colou?r=(.*)$/.exec(a);
    if (!m) out.push(a);
    else if (m[1] === 'always' || m[1] === 'true') out.push('--color');
    else if (m[1] === 'never' || m[1] === 'false') out.push('--no-color');
    else if (m[1] !== 'auto') throw new UsageError(`--color=${m[1]}: use always, never or auto (or --color, --no-color)`);
  }
  return out;
}
