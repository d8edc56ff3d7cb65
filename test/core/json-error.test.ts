// Where a config or baseline stops being JSON: our own syntax check must agree with
// JSON.parse on what is valid, and on the place wherever V8 names one (for the other
// errors V8 quotes the text instead, which the message must never do).
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, jsonProblem } from '../../src/core/json-error.ts';

/** What V8 says: valid, or the offset it names (the end for "end of JSON input"), or undefined when it names none. */
function v8(text: string): number | 'valid' | undefined {
  try {
    JSON.parse(text);
    return 'valid';
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /at position (\d+)/.exec(msg);
    if (pos) return Number(pos[1]);
    return /end of JSON input/.test(msg) ? text.length : undefined;
  }
}

/** A small seeded generator (mulberry32): the same texts every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('JSON syntax errors', () => {
  it('agrees with JSON.parse on validity, and on the place wherever V8 names one', () => {
    const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '-', '.', 'e', '+', 't', 'r', 'n', 'f', 'a', 'l', 's', ' ', '\n', 'x', 'A', '\t', '"a"', '1.5', 'true', 'null', '\u0001'];
    const next = random(42);
    let named = 0;
    for (let k = 0; k < 20_000; k++) {
      let text = '';
      for (let n = 1 + Math.floor(next() * 12); n > 0; n--) text += pieces[Math.floor(next() * pieces.length)];
      const want = v8(text);
      const got = jsonErrorOffset(text);
      if (want === 'valid') expect(got, JSON.stringify(text)).toBe(-1);
      else expect(got, JSON.stringify(text)).toBeGreaterThanOrEqual(0);
      if (typeof want === 'number') {
        expect(got, JSON.stringify(text)).toBe(want);
        named++;
      }
    }
    expect(named).toBeGreaterThan(1000);
  });

  it('gives the line and column of errors V8 only quotes, and never a character of the text', () => {
    expect(jsonProblem('{\n  "rules": [],\n  "note": hf_unquoted\n}\n')).toBe('not valid JSON (line 3, column 11)');
    expect(jsonProblem('{"rules":[}')).toBe('not valid JSON (line 1, column 11)');
    expect(jsonProblem('{"a": tru}')).toBe('not valid JSON (line 1, column 10)');
    expect(jsonProblem('[1,]')).toBe('not valid JSON (line 1, column 4)');
    expect(jsonProblem('{"a": [1,\n\n')).toBe('not valid JSON (line 1, column 10: it ends too soon)');
    expect(jsonProblem('')).toBe('not valid JSON (line 1, column 1: it ends too soon)');
  });

  it('reads deep nesting without running out of stack', () => {
    expect(jsonErrorOffset('['.repeat(1_000_000))).toBe(1_000_000);
    expect(jsonErrorOffset(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(-1);
  });
});
