// What the git sources need from the command that runs them, and the helpers they share:
// a blob scanner (worker threads or this thread), small one-off reads, and the filter
// that keeps only what a new version of a file adds.
import type { Location, Match, Rule } from '../../core/types.ts';
import type { ContentOptions } from '../../detect/content.ts';
import type { Detector } from '../../detect/detector.ts';
import type { BlobEvents, BlobHit, BlobJob, BlobMatch, BlobScanner, BlobTotals } from './blob-reader.ts';
import { addAll, createBlobReader } from './blob-reader.ts';
import type { CatFile } from './cat-file.ts';
import type { PackPlace } from './pack.ts';
import { byPlace, INDEX_BUDGET, openPackReader, packIndexBytes } from './pack.ts';
import type { RawChange } from './raw-log.ts';
import { isNullOid } from './raw-log.ts';
import type { GitContext } from './run.ts';

/** Where blobs are read from. */
export interface BlobSource extends GitContext {
  /** git understands `cat-file --batch-command` (2.36+). */
  batchCommand: boolean;
  /** The object directory, whose packs long reads open themselves (history, audit). */
  objectsDir?: string;
  /** Hex digits in an object id. */
  oidLength?: number;
}

export interface GitScanContext {
  git: BlobSource;
  detector: Detector;
  /** The rules as data, for worker threads to build their own detector. */
  rules: readonly Rule[];
  decode: boolean;
  content: ContentOptions;
  maxBlobSize: number;
  /** Threads scanning blobs (1: this thread only). */
  threads: number;
  warn(message: string): void;
  skip(path: string, reason: string): void;
  progress: { total(n: number): void; tick(items: number, bytes: number): void; phase(text: string): void };
  /**
   * One location of a secret, with its git provenance: in file `file`, or in archive
   * member `member` of it (`!name`, nested `!a!b`; '' for the file itself).
   */
  location(file: string, member: string, m: Match, extra: Partial<Location>): void;
}

export interface GitScanStats {
  blobs: number;
  bytes: number;
  commits: number;
  missingObjects: number;
  /** With --unreachable: the objects no ref reaches that git fsck listed (and were read). */
  unreachable?: { commits: number; blobs: number; tags: number };
}

/** Warnings about missing objects: the first few in full, then a count. Each object counts once. */
function missingReporter(ctx: GitScanContext, stats: GitScanStats) {
  const LIMIT = 20;
  /** The objects counted, by their first 12 hex digits. */
  const counted = new Set<string>();
  const count = (oid: string | undefined): boolean => {
    if (oid) {
      const key = oid.slice(0, 12);
      if (counted.has(key)) return false;
      counted.add(key);
    }
    stats.missingObjects++;
    return true;
  };
  return {
    /** An object git does not have: `what` names it in the warning. */
    add(what: string, oid?: string): void {
      if (count(oid) && stats.missingObjects <= LIMIT) ctx.warn(`${what} is missing from the repository; skipped`);
    },
    /**
     * A walk git gave up on (the caller says so): something it needed could not be read.
     * Counted as one object (the one git names, if it names one, so that the listing that
     * takes over and meets it again does not count it twice), whatever git's words: a
     * scan that stopped short must never pass for a clean one.
     */
    walkFailed(why: string): void {
      count(/\b[0-9a-f]{40}(?:[0-9a-f]{24})?\b/.exec(why)?.[0]);
    },
    finish(): void {
      if (stats.missingObjects > LIMIT) ctx.warn(`${stats.missingObjects - LIMIT} more missing objects skipped (${stats.missingObjects} in all)`);
    },
  };
}

export type MissingReporter = ReturnType<typeof missingReporter>;

/** Blobs listed before worker threads are worth starting (a small repository is done sooner on this one). */
const THREAD_THRESHOLD = 2000;

/**
 * A scanner for many blobs: worker threads when there are several, the bundle can start
 * them and the listing turns out to be long enough; else this thread.
 */
async function createScanner(ctx: GitScanContext, events: BlobEvents): Promise<BlobScanner> {
  // Packs are read here in a SHA-1 repository whose pack indexes fit the readers' budget:
  // at once when the indexes are small, else from PACK_AFTER blobs on.
  const dir = ctx.git.oidLength === 40 ? ctx.git.objectsDir : undefined;
  const bytes = dir ? packIndexBytes(dir) : 0;
  const packsAfter = bytes > 0 && bytes <= INDEX_BUDGET ? (bytes <= PACK_SMALL_INDEX ? 0 : PACK_AFTER) : undefined;
  const inner = await createReaders(ctx, events, packsAfter);
  return packsAfter === undefined ? inner : inPackOrder(inner, dir!, packsAfter);
}

/**
 * Blobs a scan lists before it reads packs whose indexes are larger than PACK_SMALL_INDEX:
 * a range of a few commits in a large repository then reads no large index (each reader
 * opens its own, at 4 to 9 ms per MB), while a long read pays for it once.
 */
const PACK_AFTER = 4096;
/** Index bytes read whatever the number of blobs (the bench's 7.5 MB index opens in 30 to 70 ms). */
const PACK_SMALL_INDEX = 8 << 20;

/** Named blobs held back to be handed out in pack order (about 150 bytes each). */
const HOLD_MAX = 131_072;

/**
 * Hands the blobs a listing names (by path, commit after commit) to `inner` in the order
 * they lie in the packs, a long stretch at a time. git writes each delta chain base
 * first, the newest version of a file before the older ones made from it, where a
 * listing meets a file's versions commit by commit, far apart: read in that order, each
 * version would have its chain rebuilt. On the bench's history without a bitmap, holding
 * and sorting took the scan from 5.0 s to 4.1 s. Blobs listed without a name (a
 * reachability bitmap's listing) come in pack order already and pass straight through.
 */
function inPackOrder(inner: BlobScanner, dir: string, packsAfter: number): BlobScanner {
  let held: BlobJob[] = [];
  const release = () => {
    const order = packOrder(held, dir, packsAfter);
    held = [];
    return addAll(inner, order);
  };
  return {
    add(job) {
      if (!job.path) return inner.add(job);
      held.push(job);
      if (held.length === THREAD_THRESHOLD) inner.expect?.(held.length);
      if (held.length >= HOLD_MAX) return release();
    },
    async finish() {
      await release();
      return inner.finish();
    },
    abort() {
      inner.abort();
    },
  };
}

/**
 * `jobs` in the order their blobs lie in the packs, those outside them first (git reads
 * them while the packs are read). Fewer than `packsAfter` keep their order (the readers
 * leave them to git too). The index is closed before the readers start (they open their
 * own).
 */
function packOrder(jobs: BlobJob[], dir: string, packsAfter: number): BlobJob[] {
  const packs = jobs.length > 1 && jobs.length >= packsAfter ? openPackReader(dir) : undefined;
  if (!packs) return jobs;
  const outside: BlobJob[] = [];
  const inside: { job: BlobJob; at: PackPlace }[] = [];
  for (const job of jobs) {
    const at = packs.locate(job.oid);
    if (at) inside.push({ job, at });
    else outside.push(job);
  }
  packs.close();
  return [...outside, ...inside.sort(byPlace).map((x) => x.job)];
}

/**
 * The readers: worker threads when there are several, the bundle can start them and
 * the listing turns out to be long enough; else this thread.
 */
async function createReaders(ctx: GitScanContext, events: BlobEvents, packsAfter: number | undefined): Promise<BlobScanner> {
  const reader = { git: ctx.git, batchCommand: ctx.git.batchCommand, content: ctx.content, maxBlobSize: ctx.maxBlobSize, fifo: true, ...(packsAfter === undefined ? {} : { packsAfter }) };
  const local = () => createBlobReader(ctx.detector, reader, events);
  if (ctx.threads <= 1) return local();
  const mod = await import('./blob-worker.ts');
  // From source (tests run TypeScript in-process) a worker cannot load this module.
  if (!mod.WORKER_URL.endsWith('.js')) return local();
  let inner: BlobScanner | undefined;
  let queued: BlobJob[] = [];
  const start = async (threads: boolean) => {
    inner = threads ? mod.createWorkerScanner(ctx.threads, [...ctx.rules], ctx.decode, reader, events) : local();
    const jobs = queued;
    queued = [];
    await addAll(inner, jobs);
  };
  return {
    add(job) {
      if (inner) return inner.add(job);
      queued.push(job);
      if (queued.length >= THREAD_THRESHOLD) return start(true);
    },
    expect(n) {
      // The threads start (a V8 isolate each, and a detector) while the listing goes on.
      if (!inner && n >= THREAD_THRESHOLD) void start(true);
    },
    async finish() {
      if (!inner) await start(false);
      return inner!.finish();
    },
    abort() {
      inner?.abort();
    },
  };
}

/**
 * Scans the blobs `feed` hands to a scanner (threads or this thread), counting missing
 * objects into `stats` as it goes: the scanner stops if feeding fails; totals, the
 * missing-object summary and every blob with a hit once it is done.
 */
export async function scanBlobs<T>(
  ctx: GitScanContext,
  stats: GitScanStats,
  feed: (scanner: BlobScanner, missing: MissingReporter) => Promise<T>,
): Promise<{ hits: Map<string, BlobHit>; fed: T }> {
  const missing = missingReporter(ctx, stats);
  const hits = new Map<string, BlobHit>();
  const scanner = await createScanner(ctx, {
    hit: (h) => hits.set(h.oid, h),
    missing: (j) => missing.add(j.path ? `blob ${j.oid.slice(0, 12)} (${j.path})` : `blob ${j.oid.slice(0, 12)}`, j.oid),
    damaged: () => void stats.missingObjects++,
    warn: ctx.warn,
    skip: ctx.skip,
    done: (items, bytes) => ctx.progress.tick(items, bytes),
  });
  let fed: T;
  try {
    fed = await feed(scanner, missing);
  } catch (e) {
    scanner.abort();
    throw e;
  }
  let totals: BlobTotals;
  try {
    totals = await scanner.finish();
  } catch (e) {
    // A thread that failed leaves the others waiting for work: they would keep the process alive.
    scanner.abort();
    throw e;
  }
  stats.blobs = totals.blobs;
  stats.bytes = totals.bytes;
  missing.finish();
  return { hits, fed };
}

/** Scans a few blobs on this thread (old versions, rescans) and returns those with hits. */
export async function scanFew(ctx: GitScanContext, jobs: BlobJob[], quiet = true, cat?: CatFile): Promise<Map<string, BlobHit>> {
  const hits = new Map<string, BlobHit>();
  if (!jobs.length) {
    await cat?.close();
    return hits;
  }
  const reader = createBlobReader(
    ctx.detector,
    { git: ctx.git, batchCommand: ctx.git.batchCommand, content: ctx.content, maxBlobSize: ctx.maxBlobSize, ...(cat ? { cat } : {}) },
    {
      hit: (h) => hits.set(h.oid, h),
      missing: () => undefined,
      warn: (w) => (quiet ? undefined : ctx.warn(w)),
      skip: (p, r) => (quiet ? undefined : ctx.skip(p, r)),
      done: () => undefined,
    },
  );
  await addAll(reader, jobs);
  await reader.finish();
  return hits;
}

/** A change whose new blob holds hits, and the matches it adds over its old versions. */
export interface AddedByChange {
  change: RawChange;
  hit: BlobHit;
  added: BlobMatch[];
}

/**
 * For each change whose new blob has a hit, the matches it adds: its old versions (the
 * parents' blobs, scanned here, on `cat` if given) already holding a line are not new.
 */
export async function addedByChanges(ctx: GitScanContext, changes: readonly RawChange[], hits: ReadonlyMap<string, BlobHit>, cat?: CatFile): Promise<AddedByChange[]> {
  const hitChanges = changes.filter((c) => hits.has(c.newOid));
  const olds = new Map<string, BlobJob>();
  for (const c of hitChanges) for (const o of c.oldOids) if (!isNullOid(o) && !olds.has(o)) olds.set(o, { oid: o, path: c.oldPath ?? c.path });
  const oldHits = await scanFew(ctx, [...olds.values()], true, cat);
  return hitChanges.map((c) => {
    const hit = hits.get(c.newOid)!;
    const before = c.oldOids.filter((o) => !isNullOid(o)).map((o) => oldHits.get(o) ?? { oid: o, path: c.oldPath ?? c.path, matches: [] });
    return { change: c, hit, added: addedMatches(hit, before) };
  });
}

/** The secret and where it sits: its rule, and the archive member, if any. */
function secretKey(hit: BlobHit, b: BlobMatch): string {
  return `${b.m.ruleId}\0${b.m.secret}\0${b.path.slice(hit.path.length)}`;
}

/** The text of the line a plain match sits on (from its context), else its decoding. */
function matchKey(hit: BlobHit, b: BlobMatch): string {
  const { m } = b;
  const suffix = b.path.slice(hit.path.length); // the archive member, if any
  if (m.decoding?.length || !m.context) return `${m.ruleId}\0${m.secret}\0${suffix}\0${(m.decoding ?? []).join(',')}`;
  const c = m.context;
  const at = c.indexOf(m.secret);
  if (at === -1) return `${m.ruleId}\0${m.secret}\0${suffix}`;
  const from = c.lastIndexOf('\n', at) + 1;
  let to = c.indexOf('\n', at);
  if (to === -1) to = c.length;
  return `${m.ruleId}\0${m.secret}\0${suffix}\0${c.slice(from, to).replace(/\r$/, '')}`;
}

/**
 * The matches a new version of a file adds: a token on a line that an old version
 * (any parent's) already had, same line text, is not new. Moving a line is not adding it;
 * copying it is. Binary content has no lines (any changed byte near the token would
 * make it "new"): there a token is new only if no old version holds the secret.
 */
export function addedMatches(next: BlobHit, olds: BlobHit[]): BlobMatch[] {
  if (!olds.length) return next.matches;
  const have = new Map<string, number>();
  const held = new Set<string>();
  for (const old of olds) {
    const counts = new Map<string, number>();
    for (const b of old.matches) {
      const k = matchKey(old, b);
      counts.set(k, (counts.get(k) ?? 0) + 1);
      held.add(secretKey(old, b));
    }
    for (const [k, n] of counts) have.set(k, Math.max(have.get(k) ?? 0, n));
  }
  const binary = new Set(next.binary);
  const out: BlobMatch[] = [];
  for (const b of [...next.matches].sort((x, y) => x.m.offset - y.m.offset)) {
    if (binary.has(b.path)) {
      if (!held.has(secretKey(next, b))) out.push(b);
      continue;
    }
    const k = matchKey(next, b);
    const n = have.get(k) ?? 0;
    if (n > 0) have.set(k, n - 1);
    else out.push(b);
  }
  return out;
}
