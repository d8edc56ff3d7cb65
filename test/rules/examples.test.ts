// Every rule's own true and false examples (templates expanded with a seeded generator).
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../../src/rules/builtin.ts';
import { createDetector } from '../../src/detect/detector.ts';
import { scanWhole } from '../../src/detect/scanner.ts';
import { expandTemplate, tokenGenerator } from '../../src/rules/template.ts';

const rules = builtinRules();
const detector = createDetector(rules);

describe.each(rules.map((r) => [r.id, r] as const))('rule %s', (_id, rule) => {
  it.each(rule.examples.positive.map((e, i) => [i, e] as const))('finds positive example %i', (i, template) => {
    const text = expandTemplate(template, tokenGenerator(1000 + i));
    const matches = scanWhole(detector, Buffer.from(text)).filter((m) => m.ruleId === rule.id);
    expect(matches, text).toHaveLength(1);
  });
  it.each(rule.examples.negative.map((e, i) => [i, e] as const))('ignores negative example %i', (i, template) => {
    const text = expandTemplate(template, tokenGenerator(2000 + i));
    const matches = scanWhole(detector, Buffer.from(text)).filter((m) => m.ruleId === rule.id);
    expect(matches, text).toHaveLength(0);
  });
});
