// User rules run on RE2JS, a linear-time regular expression engine (a pure JavaScript
// port of RE2): no pattern a user writes can make a scan backtrack for ever. Loaded only
// when a user rule exists; the shipped rules use V8's engine.
import { createRequire } from 'node:module';

interface Re2Matcher {
  lookingAt(): boolean;
  group(): string | null;
}
interface Re2Pattern {
  matcher(input: string): Re2Matcher;
}
interface Re2Module {
  RE2JS: { compile(pattern: string, flags?: number): Re2Pattern; CASE_INSENSITIVE: number };
}

declare const require: ((id: string) => unknown) | undefined;

let loaded: Re2Module | undefined;
function re2(): Re2Module {
  // A literal require lets esbuild bundle the package (lazily evaluated); from source
  // (tests) it is loaded through createRequire.
  loaded ??= (typeof require === 'function' ? require('re2js') : createRequire(import.meta.url)('re2js')) as Re2Module;
  return loaded;
}

/**
 * Patterns compiled, by flags and text: a rule's pattern is compiled once, when its
 * config loads, not again for its examples nor for each detector made from the rules
 * (an 8 KB pattern of bounded repeats costs RE2JS seconds and a gigabyte to compile).
 */
const compiled = new Map<string, Re2Pattern>();

/** Compiles a pattern for the linear engine; throws with RE2's message if it can't. */
export function compileLinear(pattern: string, flags = ''): (text: string) => string | undefined {
  const { RE2JS } = re2();
  const key = `${flags.includes('i') ? 'i' : ''}\u0000${pattern}`;
  let p = compiled.get(key);
  if (!p) {
    p = RE2JS.compile(pattern, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
    compiled.set(key, p);
  }
  return (text) => {
    const m = p.matcher(text);
    return m.lookingAt() ? (m.group() ?? undefined) : undefined;
  };
}
