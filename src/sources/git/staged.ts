// Staged changes: what the next commit would add (the index against HEAD, or against
// nothing before the first commit). Only the blobs the index changed are read, and in
// them only what they add. This runs on every commit: two git processes, no more
// (one when nothing is staged), and no repository discovery beyond what git does.
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { BlobHit, BlobJob } from './blob-reader.ts';
import { addAll, createBlobReader } from './blob-reader.ts';
import type { RawChange } from './raw-log.ts';
import { newBlobOf, rawLogParser } from './raw-log.ts';
import { CatFile } from './cat-file.ts';
import type { GitContext } from './run.ts';
import { GitError, gitMessage, gitOutput, streamRecords } from './run.ts';
import type { GitScanContext } from './scan-context.ts';
import { addedByChanges } from './scan-context.ts';

export interface StagedStats {
  files: number;
  blobs: number;
  bytes: number;
  missingObjects: number;
}

/**
 * The top of the working tree around `cwd`, found on disk (the nearest directory with a
 * `.git` entry), or undefined when git must be asked: the environment names another
 * repository or work tree, or there is no `.git` up to the root.
 */
export function workTreeTop(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.GIT_DIR || env.GIT_WORK_TREE || env.GIT_CEILING_DIRECTORIES || env.GIT_DISCOVERY_ACROSS_FILESYSTEM) return undefined;
  for (let dir = resolve(cwd); ; ) {
    if (basename(dir) === '.git') return undefined; // inside the repository's own directory
    if (existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The staged changes (index against HEAD) as raw diff records. */
export async function stagedChanges(git: GitContext): Promise<RawChange[]> {
  const changes: RawChange[] = [];
  const parse = rawLogParser((c) => {
    if (newBlobOf(c) && !c.status.startsWith('D')) changes.push(c);
  });
  const r = await streamRecords(git, ['diff', '--cached', '--raw', '-z', '--no-abbrev', '-M', '--no-ext-diff', '--no-color', '--no-textconv'], parse, { sep: 0 }).done;
  if (r.code !== 0) {
    // A repository git refuses (another user's, not in safe.directory) reads to `git diff`
    // as no repository at all, and it complains of its own option: git's reason is the
    // one rev-parse gives.
    const where = await gitOutput(git, ['rev-parse', '--git-dir']);
    throw new GitError(gitMessage(where.code !== 0 ? where.stderr : r.stderr || `git diff exited ${r.code}`));
  }
  return changes;
}

/**
 * Scans the staged changes. `changes` may be started early (stagedChanges) and `cat`
 * spawned early, so git works while Node loads the rest.
 */
export async function scanStaged(ctx: GitScanContext, changesP: Promise<RawChange[]> = stagedChanges(ctx.git), early?: CatFile): Promise<StagedStats> {
  const changes = await changesP;
  const stats: StagedStats = { files: changes.length, blobs: 0, bytes: 0, missingObjects: 0 };
  if (!changes.length) {
    await early?.close();
    return stats;
  }
  // One reader process for the staged blobs and then, if they hold a hit, HEAD's versions.
  const cat = early ?? new CatFile({ cwd: ctx.git.cwd, env: ctx.git.env, batchCommand: ctx.git.batchCommand });
  try {
    return await scanWith(ctx, changes, stats, cat);
  } catch (e) {
    cat.kill();
    throw e;
  }
}

async function scanWith(ctx: GitScanContext, changes: RawChange[], stats: StagedStats, cat: CatFile): Promise<StagedStats> {
  const jobs = new Map<string, BlobJob>();
  for (const c of changes) if (!jobs.has(c.newOid)) jobs.set(c.newOid, { oid: c.newOid, path: c.path });
  const hits = new Map<string, BlobHit>();
  const reader = createBlobReader(ctx.detector, { git: ctx.git, batchCommand: ctx.git.batchCommand, content: ctx.content, maxBlobSize: ctx.maxBlobSize, cat, keepOpen: true }, {
    hit: (h) => void hits.set(h.oid, h),
    missing: (j) => {
      stats.missingObjects++;
      ctx.warn(`${j.path}: staged blob ${j.oid.slice(0, 12)} is missing from the repository; skipped`);
    },
    warn: ctx.warn,
    skip: ctx.skip,
    done: (items, bytes) => ctx.progress.tick(items, bytes),
  });
  await addAll(reader, jobs.values());
  const totals = await reader.finish();
  stats.blobs = totals.blobs;
  stats.bytes = totals.bytes;
  if (!hits.size) {
    await cat.close();
    return stats;
  }
  // What HEAD already had is not what this commit adds.
  for (const { change: c, hit: h, added } of await addedByChanges(ctx, changes, hits, cat)) {
    for (const b of added) ctx.location(c.path, b.path.slice(h.path.length), b.m, {});
  }
  return stats;
}
