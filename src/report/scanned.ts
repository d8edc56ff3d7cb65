// What a run read, in words, for the text and markdown summaries.
import type { Report } from './types.ts';

export function plural(k: number, word: string): string {
  return `${k} ${word}${k === 1 ? '' : 's'}`;
}

/**
 * "12 files", "80 blobs in 20 commits", or for audit, which reads both the working tree
 * and history, "12 files and 80 blobs in 20 commits". (`staged` counts each staged blob
 * as a file too: it names the blobs only.)
 */
export function scannedWhat(report: Pick<Report, 'command' | 'stats'>): string {
  const s = report.stats;
  if (s.blobs === undefined) return plural(s.files, 'file');
  const blobs = `${plural(s.blobs, 'blob')}${s.commits !== undefined ? ` in ${plural(s.commits, 'commit')}` : ''}`;
  return report.command === 'audit' && s.files ? `${plural(s.files, 'file')} and ${blobs}` : blobs;
}
