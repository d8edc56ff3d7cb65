// Loads and validates rules: the shipped ones in rules/ and a user's own from a config
// file. A malformed rule fails with a message naming the file, the rule and the field.
import type { Rule, Severity } from '../core/types.ts';
import { SEVERITIES } from '../core/types.ts';
import { compileLinear } from '../detect/linear.ts';
import { checkPatternSafety } from './safety.ts';

import { RuleError } from '../core/errors.ts';

export { RuleError };

function fail(file: string, id: string | undefined, field: string, why: string): never {
  throw new RuleError(`${file}: rule ${id ? `"${id}" ` : ''}field "${field}": ${why}`);
}

function str(o: Record<string, unknown>, k: string, file: string, id?: string): string {
  const v = o[k];
  if (typeof v !== 'string' || v.length === 0) fail(file, id, k, 'must be a non-empty string');
  return v;
}

function strList(v: unknown, file: string, id: string, field: string, allowEmpty = false): string[] {
  if (!Array.isArray(v) || (!allowEmpty && v.length === 0) || v.some((x) => typeof x !== 'string' || x.length === 0)) {
    fail(file, id, field, `must be a${allowEmpty ? '' : ' non-empty'} list of non-empty strings`);
  }
  return v as string[];
}

/** Validates one rule object; `file` names where it came from. */
export function parseRule(raw: unknown, file: string, trusted = false): Rule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(file, undefined, '(rule)', 'must be an object');
  const o = raw as Record<string, unknown>;
  const id = str(o, 'id', file);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) fail(file, id, 'id', 'must be lower-case letters, digits and dashes');
  const title = str(o, 'title', file, id);
  const description = str(o, 'description', file, id);
  const keywords = strList(o.keywords, file, id, 'keywords');
  if (keywords.some((k) => !/^[\x21-\x7e]+$/.test(k))) fail(file, id, 'keywords', 'must be printable ASCII without spaces');
  let pattern = str(o, 'pattern', file, id);
  let flags = o.flags === undefined ? '' : str(o, 'flags', file, id);
  if (!/^i?$/.test(flags)) fail(file, id, 'flags', 'only "i" is supported');
  // A leading `(?i)`, as gitleaks rules write it, is the "i" flag: the pattern must then
  // start with a keyword, as any other.
  if (!trusted && pattern.startsWith('(?i)')) {
    pattern = pattern.slice(4);
    flags = 'i';
  }
  // Built-in rules run on JavaScript's RegExp, config rules on RE2JS: each pattern is
  // judged by the engine it runs on (RE2 reads `[[:alnum:]]`, `\pL` or `(?i:…)`, which
  // JavaScript refuses or reads otherwise).
  if (trusted) {
    try {
      new RegExp(pattern, flags);
    } catch (e) {
      fail(file, id, 'pattern', `is not a valid regular expression (${(e as Error).message})`);
    }
  }
  const unsafe = checkPatternSafety(pattern);
  if (unsafe) fail(file, id, 'pattern', unsafe);
  try {
    if (!trusted) compileLinear(pattern, flags);
  } catch (e) {
    fail(file, id, 'pattern', `is not a valid regular expression for the linear-time engine config rules run on, RE2 (${(e as Error).message})`);
  }
  if (!keywords.some((k) => pattern.startsWith(k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) || pattern.startsWith(k))) {
    // The prefilter only finds matches that start with a keyword.
    fail(file, id, 'keywords', 'the pattern must start with one of the keywords');
  }
  const maxLength = o.maxLength === undefined ? 256 : o.maxLength;
  if (typeof maxLength !== 'number' || !Number.isInteger(maxLength) || maxLength < 4 || maxLength > 65536) {
    fail(file, id, 'maxLength', 'must be a whole number from 4 to 65536');
  }
  const severity = o.severity as Severity;
  if (!SEVERITIES.includes(severity)) fail(file, id, 'severity', `must be one of ${SEVERITIES.join(', ')}`);
  const f = (o.filters ?? {}) as Record<string, unknown>;
  if (typeof f !== 'object' || Array.isArray(f)) fail(file, id, 'filters', 'must be an object');
  for (const k of Object.keys(f)) {
    if (!['placeholder', 'minEntropy', 'jwt', 'mixedCase'].includes(k)) fail(file, id, `filters.${k}`, 'is not a known filter (placeholder, minEntropy, jwt, mixedCase)');
  }
  if (f.placeholder !== undefined && typeof f.placeholder !== 'boolean') fail(file, id, 'filters.placeholder', 'must be true or false');
  if (f.jwt !== undefined && typeof f.jwt !== 'boolean') fail(file, id, 'filters.jwt', 'must be true or false');
  if (f.mixedCase !== undefined && typeof f.mixedCase !== 'boolean') fail(file, id, 'filters.mixedCase', 'must be true or false');
  if (f.minEntropy !== undefined && (typeof f.minEntropy !== 'number' || f.minEntropy < 0 || f.minEntropy > 8)) {
    fail(file, id, 'filters.minEntropy', 'must be a number from 0 to 8 (bits per character)');
  }
  const ex = o.examples as Record<string, unknown> | undefined;
  if (typeof ex !== 'object' || ex === null) fail(file, id, 'examples', 'must be an object with a "positive" list (and, if any, a "negative" one)');
  const positive = strList(ex.positive, file, id, 'examples.positive');
  const negative = strList(ex.negative ?? [], file, id, 'examples.negative', true);
  const known = ['id', 'title', 'description', 'keywords', 'pattern', 'flags', 'maxLength', 'severity', 'filters', 'examples'];
  for (const k of Object.keys(o)) if (!known.includes(k)) fail(file, id, k, 'is not a known rule field');
  return {
    id, title, description, keywords, pattern, flags, maxLength, severity,
    filters: {
      placeholder: f.placeholder !== false,
      ...(f.minEntropy !== undefined ? { minEntropy: f.minEntropy as number } : {}),
      ...(f.jwt ? { jwt: true } : {}),
      ...(f.mixedCase ? { mixedCase: true } : {}),
    },
    examples: { positive, negative },
    source: file,
    ...(trusted ? { trusted } : {}),
  };
}

/**
 * Merges rule sets (the built-in rules first, then a config's own). Ids are unique: a
 * rule may not take the id of one before it. A built-in id names a Hub token to
 * verification, so a config rule under one would send what it matches to the Hub
 * (built-in rules are turned off with `disableRules`, and a replacement gets its own id);
 * and of two config rules with one id, one would silently hide the other's findings.
 */
export function mergeRules(...sets: Rule[][]): Rule[] {
  const byId = new Map<string, Rule>();
  for (const set of sets) {
    for (const r of set) {
      const before = byId.get(r.id);
      if (before?.trusted) {
        throw new RuleError(`${r.source}: rule "${r.id}": the id of a built-in rule; to replace it, list "${r.id}" in "disableRules" and give your rule another id`);
      }
      if (before) throw new RuleError(`${r.source}: rule "${r.id}": another rule${before.source === r.source ? '' : ` (in ${before.source})`} has this id; give each rule its own`);
      byId.set(r.id, r);
    }
  }
  return [...byId.values()];
}
