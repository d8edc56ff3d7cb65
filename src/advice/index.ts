// The rotation playbook: specific steps per finding, and the general steps per rule.
// (finish() gives each finding its steps as its verdict comes: cli/session.ts.)
export { adviseFinding, type AdviceContext } from './playbook.ts';
export { factsOf, tokenKind, type Facts, type TokenKind } from './facts.ts';
export { ruleHelp, rulePlaybook, type RuleInfo } from './rule-help.ts';
export { placeHints } from './where.ts';
