// The CLI's side of baselines: `--baseline FILE` read before the scan starts (so a
// missing file fails fast, exit 2) and applied to the report before anything else.
import { resolve } from 'node:path';
import { UsageError } from '../cli/io.ts';
import type { Report } from '../report/types.ts';
import { applyBaseline } from './apply.ts';
import { type Baseline, BaselineError, readBaseline } from './file.ts';

export function loadBaselineOption(cwd: string, file: string): Baseline {
  if (file === '-') throw new UsageError('--baseline needs a file, not -');
  try {
    return readBaseline(resolve(cwd, file), file);
  } catch (e) {
    if (e instanceof BaselineError) throw new UsageError(e.message);
    throw e;
  }
}

/** Drops the baselined findings from the report and counts them in its stats. */
export function filterReport(report: Report, baseline: Baseline): number {
  const { findings, baselined } = applyBaseline(report.findings, baseline);
  report.findings = findings;
  report.stats.baselined = baselined;
  return baselined;
}
