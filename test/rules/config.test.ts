// Rule ids in a config file: unique, and never a built-in rule's. Verification trusts the
// built-in ids (only their tokens go to the Hub), and a second rule with one id would hide
// the first one's findings.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { builtinRules } from '../../src/rules/builtin.ts';
import { mergeRules, parseRule, RuleError } from '../../src/rules/load.ts';
import { tree } from '../helpers/cli.ts';

/** A valid config rule for `acme_` tokens, under the given id. */
const rule = (id: string) => ({
  id, title: 'Acme token', description: 'An Acme token.', keywords: ['acme_'], pattern: 'acme_[A-Za-z0-9]{36}', maxLength: 41, severity: 'high',
  examples: { positive: ['KEY=acme_{{body:36}}'], negative: ['acme_short'] },
});

const config = (data: unknown) => tree({ '.hfleaks.json': JSON.stringify(data) });

describe('config rule ids', () => {
  it('a config rule may not take a built-in rule id; the message names the file and the rule, and how to replace it', () => {
    const dir = config({ rules: [rule('hf-user-access-token')] });
    expect(() => loadConfig(dir, undefined)).toThrow(RuleError);
    expect(() => loadConfig(dir, undefined)).toThrow(
      '.hfleaks.json: rule "hf-user-access-token": the id of a built-in rule; to replace it, list "hf-user-access-token" in "disableRules" and give your rule another id',
    );
  });

  it('two config rules with one id are an error, not "the last one wins"', () => {
    const dir = config({ rules: [rule('acme-token'), { ...rule('acme-token'), pattern: 'acme_[A-Za-z]{36}' }] });
    expect(() => loadConfig(dir, undefined)).toThrow('.hfleaks.json: rule "acme-token": another rule has this id; give each rule its own');
  });

  it('disableRules and a new id replace a built-in rule', () => {
    const cfg = loadConfig(config({ rules: [rule('acme-token')], disableRules: ['hf-user-access-token'] }), undefined);
    expect(cfg.rules.map((r) => r.id).sort()).toEqual(['acme-token', 'hf-oauth-access-token', 'hf-org-api-token', 'hf-trusted-publisher-token']);
  });

  it('mergeRules keeps every rule when the ids differ, and names both files when they clash', () => {
    const a = parseRule(rule('acme-token'), 'a.json');
    const b = parseRule(rule('acme-token'), 'b.json');
    expect(mergeRules(builtinRules(), [a]).map((r) => r.id)).toContain('acme-token');
    expect(() => mergeRules(builtinRules(), [a], [b])).toThrow('b.json: rule "acme-token": another rule (in a.json) has this id; give each rule its own');
  });
});
