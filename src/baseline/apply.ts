// Applying a baseline: findings whose fingerprint the baseline holds are dropped. The
// fingerprint is per secret, never per line, so a baselined secret never hides a
// different secret next to it, and moving or editing around it never resurrects it.
import type { Finding } from '../core/types.ts';
import type { Baseline } from './file.ts';

export interface BaselineResult {
  /** Findings the baseline lacks: the ones to report. */
  findings: Finding[];
  /** How many findings the baseline accepted. */
  baselined: number;
}

export function applyBaseline(findings: readonly Finding[], baseline: Baseline): BaselineResult {
  const kept = findings.filter((f) => !baseline.fingerprints.has(f.fingerprint));
  return { findings: kept, baselined: findings.length - kept.length };
}
