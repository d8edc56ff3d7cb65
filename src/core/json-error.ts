// Where a file the user names (config, baseline, report) stops being JSON. V8's message
// gives a position for some errors and for others quotes the text around the error
// instead, which in a file holding a token would put part of it on stderr. So the place
// is found here, by a syntax check of our own, and only its line and column are told.

const DIGIT = /[0-9]/;
const HEX = /[0-9A-Fa-f]/;

/**
 * The offset of the first JSON syntax error in `text` (`text.length` when it ends too
 * soon), or -1 when it is valid JSON. Without recursion: a file of a million `[` is no
 * stack overflow.
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  let i = 0;
  /** The closing bracket of each array or object we are in. */
  const open: string[] = [];
  const skip = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const digits = (): boolean => {
    if (!DIGIT.test(text[i] ?? '')) return false;
    while (DIGIT.test(text[i] ?? '')) i++;
    return true;
  };
  const number = (): boolean => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (!digits()) return false;
    if (text[i] === '.') {
      i++;
      if (!digits()) return false;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return false;
    }
    return true;
  };
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    for (i++; i < n; ) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return true;
      }
      if (c < ' ') return false;
      if (c !== '\\') {
        i++;
        continue;
      }
      i++;
      const e = text[i] ?? '';
      if (e !== '' && '"\\/bfnrt'.includes(e)) i++;
      else if (e === 'u') {
        i++;
        for (let k = 0; k < 4; k++, i++) if (!HEX.test(text[i] ?? '')) return false;
      } else return false;
    }
    return false;
  };
  const literal = (word: string): boolean => {
    for (const ch of word) {
      if (text[i] !== ch) return false;
      i++;
    }
    return true;
  };
  /** A member's name and its colon. */
  const name = (): boolean => {
    skip();
    if (!string()) return false;
    skip();
    if (text[i] !== ':') return false;
    i++;
    return true;
  };
  for (;;) {
    // A value.
    skip();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      skip();
      if (text[i] !== (c === '{' ? '}' : ']')) {
        open.push(c === '{' ? '}' : ']');
        if (c === '{' && !name()) return i;
        continue;
      }
      i++;
    } else {
      const ok =
        c === '"' ? string()
        : c === '-' || DIGIT.test(c ?? '') ? number()
        : c === 't' ? literal('true')
        : c === 'f' ? literal('false')
        : c === 'n' ? literal('null')
        : false;
      if (!ok) return i;
    }
    // What may follow it: a comma, the end of what holds it, or the end of the text.
    for (;;) {
      skip();
      const close = open[open.length - 1];
      if (close === undefined) return i < n ? i : -1;
      if (text[i] === close) {
        i++;
        open.pop();
        continue;
      }
      if (text[i] !== ',') return i;
      i++;
      if (close === '}' && !name()) return i;
      break;
    }
  }
}

/** `text` parsed as JSON; else `fail` makes the error from why not (line and column, never the text). */
export function parseJson(text: string, fail: (problem: string) => Error): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw fail(jsonProblem(text));
  }
}

/** Why `text` is not valid JSON, by line and column only: never a character of it. */
export function jsonProblem(text: string): string {
  let at = jsonErrorOffset(text);
  // (-1 can't be when JSON.parse failed; the start is then the best there is to say.)
  if (at < 0) at = 0;
  const end = at >= text.length;
  // The end is where the last thing written ends, not after the blank lines under it.
  if (end) at = text.trimEnd().length;
  const before = text.slice(0, at);
  const where = `line ${before.split('\n').length}, column ${at - before.lastIndexOf('\n')}`;
  return `not valid JSON (${where}${end ? ': it ends too soon' : ''})`;
}
