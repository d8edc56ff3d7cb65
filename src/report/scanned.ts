// What a run read, in words, for the text and markdown summaries.
import { listOf, plural } from '../core/words.ts';
import type { Report } from './types.ts';


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

/** What the summaries add about git history: objects missing, a shallow clone, what --unreachable read. */
export function historyNotes(s: Report['stats']): string[] {
  const notes: string[] = [];
  if (s.missingObjects) notes.push(`${plural(s.missingObjects, 'object')} missing, not scanned`);
  if (s.shallow) notes.push('shallow clone: older history was not scanned');
  const u = s.unreachable;
  if (u) notes.push(`${listOf([plural(u.blobs, 'blob'), plural(u.commits, 'commit'), ...(u.tags ? [plural(u.tags, 'annotated tag')] : [])])} no ref reaches included`);
  return notes;
}
