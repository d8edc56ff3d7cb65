// Rule ids in a config file: unique, and never a built-in rule's. Verification trusts the
// built-in ids (only their tokens go to the Hub), and a second rule with one id would hide
// the first one's findings.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { scanWhole } from '../../src/detect/scanner.ts';
import { builtinRules } from '../../src/rules/builtin.ts';
import { mergeRules, parseRule, RuleError } from '../../src/rules/load.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
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

// Config rules run on RE2JS: their patterns are RE2's, judged by RE2, and the prefilters
// made from them (the bytes a token's body may hold) must not read RE2 syntax as
// JavaScript does, where `[[:alnum:]]` is seven characters and `\pL` a letter p.
describe('config rules in RE2 syntax', () => {
  const gen = tokenGenerator(515);
  const re2Rule = (id: string, keyword: string, pattern: string, body = 24) => ({
    id, title: 'x', description: 'x', keywords: [keyword], pattern, maxLength: body + 16, severity: 'high', filters: { placeholder: false },
    examples: { positive: [`K=${keyword}{{body:${body}:digits}}`], negative: [`${keyword}short`] },
  });

  it('POSIX and Unicode classes and inline flag groups load, and find their tokens, digits and all', () => {
    const cfg = loadConfig(config({
      rules: [
        re2Rule('posix-token', 'psx_', 'psx_[[:alnum:]]{24}'),
        re2Rule('unicode-token', 'uni_', 'uni_[\\pL\\pN]{24}'),
        re2Rule('group-token', 'grp_', 'grp_(?i:[a-z0-9]){24}'),
        re2Rule('hex-escape-token', 'hx_', 'hx_[\\x{30}-\\x{39}A-Za-z]{24}'),
        // Long tokens: read in a long window only where the text after the keyword is
        // all the token's characters, which RE2's classes must tell.
        re2Rule('long-posix-token', 'lpx_', 'lpx_[[:alnum:]]{300}', 300),
        re2Rule('long-group-token', 'lgr_', 'lgr_(?i:[a-z0-9]){300}', 300),
      ],
    }), undefined);
    const detector = createDetector(cfg.rules);
    for (const [keyword, n] of [['psx_', 24], ['uni_', 24], ['grp_', 24], ['hx_', 24], ['lpx_', 300], ['lgr_', 300]] as const) {
      const token = `${keyword}${gen.body(n, true)}`;
      expect(scanWhole(detector, Buffer.from(`export KEY="${token}"\n`)).map((m) => m.secret), keyword).toEqual([token]);
      // Encoded, the token is read from a decoded window: a long one only where its
      // characters go on past the short window.
      const encoded = Buffer.from(`KEY=${token}\n`).toString('base64');
      expect(scanWhole(detector, Buffer.from(`data:\n  env: ${encoded}\n`)).map((m) => m.secret), `${keyword} in base64`).toEqual([token]);
    }
  });

  it('a leading (?i), as gitleaks writes it, is the "i" flag', () => {
    const cfg = loadConfig(config({ rules: [re2Rule('ci-token', 'ci_', '(?i)ci_[a-z0-9]{24}')] }), undefined);
    const r = cfg.rules.find((x) => x.id === 'ci-token')!;
    expect([r.pattern, r.flags]).toEqual(['ci_[a-z0-9]{24}', 'i']);
    const token = `ci_${gen.body(24, true)}`;
    expect(scanWhole(createDetector(cfg.rules), Buffer.from(`x = "${token}"\n`)).map((m) => m.secret)).toEqual([token]);
  });

  it('a pattern RE2 refuses is an error naming the engine; one only JavaScript refuses is not', () => {
    expect(() => loadConfig(config({ rules: [re2Rule('bad-token', 'bad_', 'bad_[a-z]{24}(?<=x)')] }), undefined)).toThrow(/look-around/);
    expect(() => loadConfig(config({ rules: [re2Rule('bad-token', 'bad_', 'bad_[a-z')] }), undefined)).toThrow(/field "pattern": is not a valid regular expression for the linear-time engine config rules run on, RE2/);
    expect(loadConfig(config({ rules: [re2Rule('named-token', 'nm_', 'nm_(?P<body>[A-Za-z0-9]{24})')] }), undefined).rules.map((r) => r.id)).toContain('named-token');
  });
});
