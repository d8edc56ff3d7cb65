// The shipped rules, embedded in the bundle at build time (no file I/O at start-up).
import user from '../../rules/hf-user-access-token.json' with { type: 'json' };
import org from '../../rules/hf-org-api-token.json' with { type: 'json' };
import oauth from '../../rules/hf-oauth-access-token.json' with { type: 'json' };
import publisher from '../../rules/hf-trusted-publisher-token.json' with { type: 'json' };
import type { Rule } from '../core/types.ts';
import { parseRule } from './load.ts';

export const BUILTIN_RULE_FILES: Record<string, unknown> = {
  'rules/hf-user-access-token.json': user,
  'rules/hf-org-api-token.json': org,
  'rules/hf-oauth-access-token.json': oauth,
  'rules/hf-trusted-publisher-token.json': publisher,
};

let cached: Rule[] | undefined;
export function builtinRules(): Rule[] {
  cached ??= Object.entries(BUILTIN_RULE_FILES).map(([file, raw]) => parseRule(raw, file, true));
  return cached;
}
