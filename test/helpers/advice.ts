// Each finding's rotation steps, as finish() sets them once its verdict is in.
import { adviseFinding } from '../../src/advice/index.ts';
import type { Finding } from '../../src/core/types.ts';

export function attachAdvice(findings: Finding[]): void {
  for (const f of findings) f.advice = adviseFinding(f);
}
