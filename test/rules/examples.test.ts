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

describe('templates', () => {
  const gen = () => tokenGenerator(7);
  it('expands a short body at once (a body too short for six of each case used to loop for ever)', () => {
    for (const n of [1, 2, 4, 11, 13]) {
      expect(expandTemplate(`x_{{body:${n}}}`, gen())).toMatch(new RegExp(`^x_[A-Za-z]{${n}}$`));
      expect(expandTemplate(`x_{{body:${n}:digits}}`, gen())).toMatch(new RegExp(`^x_[A-Za-z0-9]{${n}}$`));
    }
  });
  it('keeps a full-length body as it was: fixtures built from a seed stay the same', () => {
    const body = expandTemplate('{{body:34}}', gen());
    expect(body.replace(/[^A-Z]/g, '').length).toBeGreaterThanOrEqual(6);
    expect(body.replace(/[^a-z]/g, '').length).toBeGreaterThanOrEqual(6);
    expect(body).toBe(gen().body(34));
  });
  it('refuses a count that is not a whole number in range, naming the template', () => {
    expect(() => expandTemplate('{{body:0}}', gen())).toThrow('{{body:0}}: the count must be a whole number from 1 to 4096');
    expect(() => expandTemplate('{{body:abc}}', gen())).toThrow(/\{\{body:abc\}\}: the count/);
    expect(() => expandTemplate('{{repeat:a:-1}}', gen())).toThrow(/\{\{repeat:a:-1\}\}: the count/);
    expect(() => expandTemplate('{{repeat:a:999999999}}', gen())).toThrow(/the count must be a whole number from 0 to 1048576/);
    expect(() => expandTemplate('{{seq}}', gen())).toThrow(/\{\{seq\}\}: the count/);
    expect(() => expandTemplate('{{bogus}}', gen())).toThrow('unknown template {{bogus}}');
  });
  it('leaves double braces that are no template as text', () => {
    expect(expandTemplate('token: ${{ secrets.HF_TOKEN }} and {{lit:x}}', gen())).toBe('token: ${{ secrets.HF_TOKEN }} and x');
  });
});
