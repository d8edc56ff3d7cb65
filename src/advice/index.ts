// The rotation playbook: specific steps per finding, and the general steps per rule.
import type { Finding } from '../core/types.ts';
import { adviseFinding, type AdviceContext } from './playbook.ts';

export { adviseFinding, type AdviceContext } from './playbook.ts';
export { factsOf, tokenKind, type Facts, type TokenKind } from './facts.ts';
export { ruleHelp, rulePlaybook, type RuleInfo } from './rule-help.ts';
export { placeHints } from './where.ts';

/** Sets `advice` on every finding (after verification, so it sees the verdict). */
export function attachAdvice(findings: Finding[], ctx: AdviceContext = {}): void {
  for (const f of findings) f.advice = adviseFinding(f, ctx);
}
