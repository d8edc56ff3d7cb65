// User rules must not hang a scan. Every pattern runs only on a window of at most
// `maxLength` characters, and patterns whose shape invites catastrophic backtracking
// (a quantified group that itself holds a quantifier or an alternation, or a
// back-reference) are refused when the rule loads.

/** Returns why the pattern is unsafe, or undefined when it is fine. */
export function checkPatternSafety(pattern: string): string | undefined {
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references are not supported (they can make matching exponential)';
  if (/\(\?<?[=!]/.test(pattern)) return 'look-around assertions are not supported; use filters instead';
  // Walk groups: for each group, note whether it holds a quantifier or `|`, then
  // whether the group itself is followed by an unbounded or repeating quantifier.
  const stack: { risky: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; continue; }
    if (c === '(') { stack.push({ risky: false }); continue; }
    const top = stack[stack.length - 1];
    if (c === '|' && top) { top.risky = true; continue; }
    if ((c === '*' || c === '+' || c === '{') && top) top.risky = true;
    if (c === ')') {
      const g = stack.pop();
      const next = pattern[i + 1];
      const quantified = next === '*' || next === '+' || (next === '{' && /^\{\d*,\d*\}|^\{\d{2,}\}/.test(pattern.slice(i + 1)));
      if (g?.risky && quantified) {
        return 'a repeated group that holds a quantifier or an alternation can backtrack catastrophically; rewrite it without nesting';
      }
      const outer = stack[stack.length - 1];
      if (outer && (g?.risky || quantified)) outer.risky = true;
    }
  }
  return undefined;
}
