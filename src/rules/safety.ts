// User rules must not hang a scan. They run on a linear-time engine (RE2JS), on a
// window of at most `maxLength` characters. Back-references and look-arounds, which no
// linear engine supports, are refused with a clear message when the rule loads.

/** Returns why the pattern is unsafe, or undefined when it is fine. */
export function checkPatternSafety(pattern: string): string | undefined {
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references are not supported (they can make matching exponential)';
  if (/\(\?<?[=!]/.test(pattern)) return 'look-around assertions are not supported; use filters instead';
  return undefined;
}
