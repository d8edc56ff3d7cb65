// Baselines: record today's findings, report only new ones tomorrow.
export { applyBaseline, type BaselineResult } from './apply.ts';
export { BASELINE_VERSION, BaselineError, baselineOf, formatBaseline, parseBaseline, readBaseline, type Baseline } from './file.ts';
export { filterReport, loadBaselineOption } from './option.ts';
