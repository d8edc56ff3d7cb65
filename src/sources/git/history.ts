// Git history as a source. Full history: every blob reachable from every ref, listed by
// the history's diffs (`git log --raw`, which also tells where each blob came from) or,
// with a reachability bitmap or a huge repository, by `git rev-list --objects` (then
// provenance is looked up afterwards for the few blobs that hold a hit); each blob read
// once from long-lived `git cat-file` processes and scanned. Ranges and --since: the files each
// commit in the selection changed, and of those only what the commit added.
import { isUtf8 } from 'node:buffer';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageBatcher, scanTagMessages, walkCommitMessages, type MessageBatcher } from './messages.ts';
import type { Location } from '../../core/types.ts';
import type { BlobHit, BlobJob } from './blob-reader.ts';
import { addAll, blobName } from './blob-reader.ts';
import { CatFile } from './cat-file.ts';
import type { CommitInfo, RawChange } from './raw-log.ts';
import { isNullOid, newBlobOf, oidPrefixTest, RAW_LOG_ARGS, rawLogParser } from './raw-log.ts';
import type { Repo } from './repo.ts';
import { packFiles, resolveCommit, shallowCommits, stashCommits } from './repo.ts';
import { readText } from '../../core/files.ts';
import { unreachableBlob } from '../../core/places.ts';
import { plural } from '../../core/words.ts';
import type { StreamResult } from './run.ts';
import { eachRecord, GitError, gitMessage, gitOutput, streamRecords } from './run.ts';
import type { GitScanContext, GitScanStats } from './scan-context.ts';
import type { MissingReporter } from './scan-context.ts';
import { addedByChanges, addedMatches, scanBlobs, scanFew } from './scan-context.ts';

/**
 * Up to this many hit blobs, git itself filters the provenance walk (one --find-object
 * each; Windows command lines are short), beyond it the whole walk is parsed here.
 */
const FIND_OBJECT_MAX = process.platform === 'win32' ? 400 : 10_000;

function newStats(): GitScanStats {
  return { blobs: 0, bytes: 0, commits: 0, missingObjects: 0 };
}

/** Blobs the listing may run ahead of the readers (about 100 bytes each in memory). */
const QUEUE_MAX = 500_000;

/**
 * A queue between a listing and the blob readers: `push` returns a promise (pausing the
 * listing) only once the queue is full; a feeder hands jobs to `add` as it takes them.
 */
function listingQueue(add: (job: BlobJob) => void | Promise<void>) {
  let jobs: BlobJob[] = [];
  let head = 0;
  let listed = 0;
  let closed = false;
  let wakeFeeder: (() => void) | undefined;
  let wakeLister: (() => void) | undefined;
  let failure: unknown;
  const feeder = (async () => {
    for (;;) {
      if (head < jobs.length) {
        const job = jobs[head]!;
        jobs[head++] = undefined as never;
        if (head > 65_536 && head * 2 > jobs.length) {
          jobs = jobs.slice(head);
          head = 0;
        }
        if (wakeLister && jobs.length - head < QUEUE_MAX / 2) {
          const w = wakeLister;
          wakeLister = undefined;
          w();
        }
        const p = add(job);
        if (p) await p;
      } else if (closed) return;
      else await new Promise<void>((r) => (wakeFeeder = r));
    }
  })().catch((e: unknown) => {
    failure = e;
    wakeLister?.();
  });
  return {
    get listed() {
      return listed;
    },
    push(job: BlobJob): void | Promise<void> {
      if (failure) throw failure;
      jobs.push(job);
      listed++;
      const w = wakeFeeder;
      wakeFeeder = undefined;
      w?.();
      if (jobs.length - head >= QUEUE_MAX) return new Promise<void>((r) => (wakeLister = r));
    },
    async drain(): Promise<void> {
      closed = true;
      const w = wakeFeeder;
      wakeFeeder = undefined;
      w?.();
      await feeder;
      if (failure) throw failure;
    },
  };
}

/**
 * The revisions of "every ref": `--all`, and on stdin the stash entries below the newest
 * (only the stash's reflog holds them; the other reflogs are not history).
 */
interface AllRefs {
  args: string[];
  input?: string;
}

async function allRefs(repo: Repo): Promise<AllRefs> {
  const stash = await stashCommits(repo);
  return stash.length > 1 ? { args: ['--all', '--stdin'], input: `${stash.join('\n')}\n` } : { args: ['--all'] };
}

export interface HistoryOptions {
  /** Also the objects no ref reaches (reflogs, dropped stashes, what was staged and never committed). */
  unreachable?: boolean;
}

/** Every blob reachable from every ref (branches, tags, remotes, every stash entry, notes). */
export async function scanHistory(ctx: GitScanContext, repo: Repo, opts: HistoryOptions = {}): Promise<GitScanStats> {
  const stats = newStats();
  const [refs, viaLog, treeless] = await Promise.all([allRefs(repo), listThroughLog(repo), treesMayBeMissing(repo)]);
  // Commit messages come with the listing walks; annotated tags' from for-each-ref.
  const messages = messageBatcher(ctx);
  const tags = scanTagMessages(ctx, repo, messages).then((nested) => readNestedTags(ctx, repo, nested, messages));
  tags.catch(() => undefined); // awaited below; not unhandled if the blob scan fails first
  let listedBlobs = 0;
  const { hits, fed: listed } = await scanBlobs(ctx, stats, async (scanner, missing) => {
    // The listing runs ahead of the readers into a bounded queue: on most repositories it
    // ends early, so progress can show a total and time left.
    const queue = listingQueue((job) => scanner.add(job));
    const out = viaLog ? await listByLog(ctx, repo, refs, queue, missing, stats, messages) : await listByObjects(ctx, repo, refs, queue, missing, stats, messages, undefined, treeless !== undefined);
    listedBlobs = queue.listed;
    ctx.progress.total(queue.listed);
    await queue.drain();
    return out;
  });
  const commits = await listed.commits;
  stats.commits = commits.count;
  if (treeless !== undefined && stats.missingObjects) {
    ctx.warn(`a partial clone (filter ${treeless}) lacks trees: the files below a missing tree were not scanned; clone without --filter to scan the whole history`);
  }
  const inHead = hits.size ? await reportHistoryHits(ctx, repo, hits, commits, refs, listed.log) : new Set<string>();
  await tags;
  messages.flush();
  if (opts.unreachable) await scanUnreachable(ctx, repo, refs, stats, hits, inHead, listedBlobs);
  return stats;
}

/** The objects no ref reaches, by type (as git fsck names them). */
interface Unreachable {
  commits: string[];
  blobs: string[];
  tags: string[];
}

/**
 * The objects no ref reaches, as `git fsck --unreachable --no-reflogs` lists them: commits
 * only a reflog keeps (amended, reset or rebased away), dropped stashes and their files,
 * blobs staged and never committed, deleted annotated tags. The older stash entries are
 * left out (the history scan read them), and so are objects borrowed from another
 * repository's store (alternates: its branches reach them).
 */
async function unreachableObjects(ctx: GitScanContext, repo: Repo, refs: AllRefs): Promise<Unreachable> {
  const found: Unreachable = { commits: [], blobs: [], tags: [] };
  // The index is no head here: what it holds was never committed (a file staged, or left
  // staged by `git reset --soft`) and the history scan did not read it. (No commit-graph
  // or multi-pack-index checks: fsck runs them too, and they list nothing.)
  const noIndex = { ...repo, env: { ...repo.env, GIT_INDEX_FILE: join(tmpdir(), `hfleaks-no-index-${process.pid}-${Date.now()}`) } };
  // With no ref at all, fsck lists only the tips of what it finds ("dangling"): then
  // every object is one no ref reaches, and the object database lists them.
  const refs0 = await gitOutput(repo, ['for-each-ref', '--count=1', '--format=%(refname)']);
  const noRefs = refs0.code === 0 && refs0.stdout.length === 0;
  const args = noRefs
    ? ['cat-file', '--batch-all-objects', '--unordered', '--batch-check=unreachable %(objecttype) %(objectname)']
    : ['-c', 'core.commitGraph=false', '-c', 'core.multiPackIndex=false', 'fsck', '--unreachable', '--no-reflogs', '--connectivity-only', '--no-progress'];
  const r = await streamRecords(noIndex, args, (rec) => {
    const m = /^unreachable (commit|blob|tag) ([0-9a-f]{40,64})$/.exec(rec.toString('latin1'));
    if (m) found[`${m[1] as 'commit' | 'blob' | 'tag'}s`].push(m[2]!);
  }).done;
  if (r.code !== 0) ctx.warn(`git ${args.includes('fsck') ? 'fsck' : 'cat-file'}, listing the objects no ref reaches, reported problems (${gitMessage(r.stderr || `exit ${r.code}`)}); what it listed was scanned`);
  const keep = (test: (oid: string) => boolean) => {
    for (const k of ['commits', 'blobs', 'tags'] as const) found[k] = found[k].filter(test);
  };
  const stash = refs.input?.split('\n').filter(Boolean) ?? [];
  if (stash.length && found.commits.length + found.blobs.length) {
    const kept = await gitOutput(repo, ['rev-list', '--objects', ...stash, '--not', '--all']);
    if (kept.code === 0) {
      const seen = new Set(kept.stdout.toString('latin1').split('\n').map((l) => l.slice(0, repo.oidLength)));
      keep((o) => !seen.has(o));
    }
  }
  const own = ownObjects(ctx, repo);
  if (own) keep(own);
  return found;
}

/**
 * Where the repository borrows objects from others (`objects/info/alternates`), a test of
 * whether an object is in its own store: loose, or in one of its packs (looked up in the
 * pack's index). Undefined where it borrows nothing: every object is its own.
 */
function ownObjects(ctx: GitScanContext, repo: Repo): ((oid: string) => boolean) | undefined {
  if (!readText(join(repo.objectsDir, 'info', 'alternates')).trim() && !ctx.git.env.GIT_ALTERNATE_OBJECT_DIRECTORIES) return undefined;
  const indexes: Buffer[] = [];
  for (const f of packFiles(repo.objectsDir)) {
    if (!f.endsWith('.idx')) continue;
    try {
      indexes.push(readFileSync(join(repo.objectsDir, 'pack', f)));
    } catch {
      /* unreadable: its objects count as borrowed */
    }
  }
  const bytes = repo.oidLength / 2;
  // (The packs first, in memory: most objects are packed; a loose one costs a stat.)
  return (oid) => {
    const id = Buffer.from(oid, 'hex');
    return indexes.some((idx) => packIndexHas(idx, id, bytes)) || existsSync(join(repo.objectsDir, oid.slice(0, 2), oid.slice(2)));
  };
}

/**
 * Whether a pack index lists `id` (gitformat-pack: version 2 starts `\377tOc`, then a
 * fan-out table of 256 counts and the sorted ids; version 1 has the fan-out table, then
 * an offset before each id). A binary search among the ids that share its first byte.
 */
export function packIndexHas(idx: Buffer, id: Buffer, bytes: number): boolean {
  const v2 = idx.readUInt32BE(0) === 0xff744f63;
  const fanout = v2 ? 8 : 0;
  const stride = v2 ? bytes : 4 + bytes;
  const table = v2 ? fanout + 1024 : 1024 + 4;
  let lo = id[0] === 0 ? 0 : idx.readUInt32BE(fanout + (id[0]! - 1) * 4);
  let hi = idx.readUInt32BE(fanout + id[0]! * 4);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const at = table + mid * stride;
    const c = id.compare(idx, at, at + bytes, 0, bytes);
    if (c === 0) return true;
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return false;
}

/**
 * Scans the blobs and the commit and tag messages no ref reaches. Their locations say
 * `unreachable`; a blob that an unreachable commit brought is placed at that commit and
 * path, one no readable commit holds (staged, then unstaged) as `<blob 1a2b3c4d5e6f>`.
 */
async function scanUnreachable(ctx: GitScanContext, repo: Repo, refs: AllRefs, stats: GitScanStats, reachable: ReadonlyMap<string, BlobHit>, inHead: ReadonlySet<string>, listed: number): Promise<void> {
  // fsck reads every object (seconds on a large store): say so on a terminal.
  ctx.progress.phase('listing the objects no ref reaches (git fsck)…');
  const found = await unreachableObjects(ctx, repo, refs);
  stats.unreachable = { commits: found.commits.length, blobs: found.blobs.length, tags: found.tags.length };
  const marked: GitScanContext = { ...ctx, location: (file, member, m, extra) => ctx.location(file, member, m, { ...extra, unreachable: true }) };
  const messages = messageBatcher(marked);
  if (found.commits.length) {
    const code = await walkCommitMessages(repo, ['--no-walk=unsorted', '--stdin'], `${found.commits.join('\n')}\n`, messages, () => undefined);
    if (code !== 0) ctx.warn('reading the messages of unreachable commits failed; some were not scanned');
  }
  if (found.tags.length) await readTagObjects(ctx, repo, found.tags, messages);
  messages.flush();
  let hits = new Map<string, BlobHit>();
  if (found.blobs.length) {
    ctx.progress.total(listed + found.blobs.length);
    const more = newStats();
    ({ hits } = await scanBlobs(ctx, more, (scanner) => addAll(scanner, found.blobs.map((oid) => ({ oid, path: '' })))));
    stats.blobs += more.blobs;
    stats.bytes += more.bytes;
    stats.missingObjects += more.missingObjects;
  }
  // The unreachable commits may have brought reachable blobs with hits too (a token
  // committed, reset away, committed again later): their walk looks for both.
  const oids = new Set([...hits.keys(), ...reachable.keys()]);
  if (!oids.size) return;
  const intros = found.commits.length ? await unreachableIntroductions(ctx, repo, oids, found.commits, refs) : new Map<string, Introduction[]>();
  const place = new Map(hits);
  for (const [oid, h] of reachable) if (intros.has(oid)) place.set(oid, h);
  // No ref reaches them, so HEAD's tree holds none of these blobs; a secret HEAD holds
  // elsewhere is still in HEAD. A blob no readable commit holds is named as such.
  await placeHits(marked, repo, place, intros, new Map(), { reachable, inHead });
}

/**
 * The introductions of `oids` by unreachable commits. One walk over them all; should
 * git give up on it (a commit whose parent is unreadable fails the whole walk), a walk per
 * commit, so that one damaged commit costs its own locations only.
 */
async function unreachableIntroductions(ctx: GitScanContext, repo: Repo, oids: Set<string>, commits: readonly string[], refs: AllRefs): Promise<Map<string, Introduction[]>> {
  const all = await walkIntroductions(repo, oids, commitInputs(commits, ctx.threads), refs);
  if (!all.failure) return all.intros;
  const out = new Map<string, Introduction[]>();
  let lost = 0;
  for (const c of commits.slice(0, PER_COMMIT_WALKS)) {
    const one = await walkIntroductions(repo, oids, [`${c}\n`], refs);
    if (one.failure) lost++;
    for (const [oid, list] of one.intros) out.set(oid, [...(out.get(oid) ?? []), ...list]);
  }
  lost += Math.max(0, commits.length - PER_COMMIT_WALKS);
  if (lost) ctx.warn(`${plural(lost, 'unreachable commit')} could not be read whole (a missing parent or tree); what they brought has no commit in the report`);
  return out;
}

/** Unreachable commits walked one at a time when the walk over all of them fails. */
const PER_COMMIT_WALKS = 2000;

/**
 * The messages of tag objects that tags point at, followed down each chain (a tag of a
 * tag of a tag): each read once. fsck does not list them as unreachable, since the
 * outer tag reaches them, so this is the only place they are read.
 */
async function readNestedTags(ctx: GitScanContext, repo: Repo, nested: string[], messages: MessageBatcher): Promise<void> {
  const seen = new Set(nested);
  for (let next = nested; next.length; ) {
    next = (await readTagObjects(ctx, repo, next, messages)).filter((o) => !seen.has(o) && seen.add(o));
  }
}

/**
 * Reads annotated tag objects (`git cat-file`) into `messages`, each under `<tag NAME>`.
 * Returns the tag objects they point at (nested tags).
 */
async function readTagObjects(ctx: GitScanContext, repo: Repo, tags: readonly string[], messages: MessageBatcher): Promise<string[]> {
  const bodies: { oid: string; body: Buffer }[] = [];
  const cat = new CatFile({ cwd: repo.cwd, env: repo.env, batchCommand: ctx.git.batchCommand });
  try {
    for (const oid of tags) {
      const pieces: Buffer[] = [];
      const stream = { push: (piece: Buffer) => void pieces.push(Buffer.from(piece)), end: () => void bodies.push({ oid, body: Buffer.concat(pieces) }) };
      cat.request(oid, { start: (type) => (type === 'tag' ? stream : undefined), missing: () => undefined });
    }
    await cat.close();
  } catch (e) {
    cat.kill();
    ctx.warn(`reading annotated tags failed (${(e as Error).message}); their messages were not scanned`);
    return [];
  }
  const nested: string[] = [];
  for (const { oid, body } of bodies) {
    const blank = body.indexOf('\n\n');
    const head = body.toString('utf8', 0, blank === -1 ? body.length : blank);
    const name = /^tag (.*)$/m.exec(head)?.[1] ?? oid.slice(0, 12);
    const tagger = /^tagger (.*) <[^>]*> (\d+) ([+-]\d{4})$/m.exec(head);
    messages.tag(name, tagger?.[1] ?? '', tagger ? isoDate(Number(tagger[2]), tagger[3]!) : '', blank === -1 ? Buffer.alloc(0) : body.subarray(blank + 2));
    const target = /^object ([0-9a-f]{40,64})\ntype tag$/m.exec(head);
    if (target) nested.push(target[1]!);
  }
  return nested;
}

/** A git timestamp and zone (`1700000000 +0100`) as ISO 8601 in that zone, as git's iso-strict dates read. */
function isoDate(seconds: number, zone: string): string {
  const sign = zone[0] === '-' ? -1 : 1;
  const minutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  const local = new Date((seconds + minutes * 60) * 1000).toISOString().slice(0, 19);
  return `${local}${minutes === 0 ? '+00:00' : `${zone.slice(0, 3)}:${zone.slice(3, 5)}`}`;
}

/** A listing walk's output as git wrote it, one list of chunks per walk part, newest first. */
type KeptLog = readonly (readonly Buffer[])[];

/** What a listing leaves: the commits, and where it can tell the introductions of blobs from. */
interface Listed {
  commits: Promise<CommitListing>;
  /** The listing walk's output, kept: it tells which commits introduced each blob (else walked afterwards). */
  log?: KeptLog;
}

type Queue = ReturnType<typeof listingQueue>;

/** Objects up to which blobs are listed through the history's diffs (the blob ids listed are kept here). */
const LOG_LISTING_MAX_OBJECTS = 1_000_000;
/** The listing walk's output kept for provenance (about 140 bytes a change); beyond it, provenance is walked after the scan. */
const KEEP_LOG_MAX = 64 << 20;

/**
 * Whether to list through `git log --raw` (listByLog): no reachability bitmap (with one,
 * rev-list lists objects without walking a tree), not a partial clone, every ref names a commit (a tag of a
 * tree or blob is no commit's change), and a repository small enough to remember each
 * blob here.
 */
async function listThroughLog(repo: Repo): Promise<boolean> {
  // A partial clone lacks blobs: rev-list reports them missing, where log's rename
  // detection would fetch them (and fail offline).
  if (repo.bitmap || repo.partial) return false;
  const [refs, count] = await Promise.all([
    gitOutput(repo, ['for-each-ref', '--format=%(objecttype) %(*objecttype)']),
    gitOutput(repo, ['count-objects', '-v']),
  ]);
  if (refs.code !== 0 || count.code !== 0) return false;
  if (!refs.stdout.toString('latin1').split('\n').every((l) => l === '' || l === 'commit ' || l === 'tag commit')) return false;
  const n = (key: string) => Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(count.stdout.toString('latin1'))?.[1] ?? NaN);
  const objects = n('count') + n('in-pack');
  return objects <= LOG_LISTING_MAX_OBJECTS;
}

/**
 * Lists every blob through the history's diffs (`git log --raw`, merges against all
 * parents, renames followed), which costs git about what `rev-list --objects` does and
 * also says which commits introduced each blob: its output is kept (up to KEEP_LOG_MAX)
 * and read again for the blobs with hits, so no second walk is needed. Each blob is read
 * once. Should git fail (a damaged repository), rev-list lists what is left.
 */
async function listByLog(ctx: GitScanContext, repo: Repo, refs: AllRefs, queue: Queue, missing: MissingReporter, stats: GitScanStats, messages: MessageBatcher): Promise<Listed> {
  // Each blob is listed once, under the name the first part (newest commits first) to
  // meet it gives it, as one walk would. The lowest part still walking hands its blobs
  // to the readers at once; the others keep theirs until their turn, when every part
  // before them is done and none can rename them any more.
  interface Seen {
    job: BlobJob;
    part: number;
    given: boolean;
  }
  const seen = new Map<string, Seen>();
  let count = 0;
  // The walk's output, kept as git wrote it (off the JavaScript heap), one list per part:
  // read again after the scan for the few blobs with a hit, it says which commits brought them.
  let keptBytes = 0;
  let dropped = false;
  const inputs = await listingInputs(repo, refs);
  const kept: Buffer[][] = inputs.map(() => []);
  const waiting: Seen[][] = inputs.map(() => []);
  const finished = inputs.map(() => false);
  let active = 0;
  const give = (s: Seen) => {
    s.given = true;
    return queue.push(s.job);
  };
  const walks = inputs.map((input, part) => {
    const parse = rawLogParser(
      (c) => {
        if (!newBlobOf(c)) return;
        const had = seen.get(c.newOid);
        if (had) {
          // Met first by a later part, which still keeps it: the name is this part's.
          if (part >= had.part || had.given) return;
          had.part = part;
          had.job.path = c.path;
          if (part === active) return give(had);
          waiting[part]!.push(had);
          return;
        }
        const s = { job: { oid: c.newOid, path: c.path }, part, given: false };
        seen.set(c.newOid, s);
        if (part === active) return give(s);
        waiting[part]!.push(s);
      },
      (c, text) => {
        count++;
        messages.commit(c, text);
      },
    );
    const onChunk = (chunk: Buffer) => {
      if (dropped) return;
      keptBytes += chunk.length;
      if (keptBytes <= KEEP_LOG_MAX) kept[part]!.push(chunk);
      else dropped = true;
    };
    const args = input === undefined ? ['log', ...refs.args, ...introDiff(repo)] : ['log', '--no-walk=unsorted', '--stdin', ...introDiff(repo)];
    return streamRecords(repo, args, parse, { sep: 0, onChunk, input: input ?? refs.input });
  });
  // As each part ends, the next still walking takes its turn and hands over what it kept.
  let turns: Promise<void> = Promise.resolve();
  let handOverFailed: unknown;
  const ended = walks.map((w, part) =>
    w.done.then((r) => {
      turns = turns.then(async () => {
        try {
          finished[part] = true;
          while (active < inputs.length && finished[active]) {
            active++;
            for (const s of waiting[active] ?? []) {
              if (s.part !== active || s.given) continue;
              const p = give(s);
              if (p) await p;
            }
            if (active < inputs.length) waiting[active] = [];
          }
        } catch (e) {
          handOverFailed ??= e;
        }
      });
      return r;
    }),
  );
  let results: StreamResult[];
  try {
    results = await Promise.all(ended);
    await turns;
    if (handOverFailed) throw handOverFailed;
  } catch (e) {
    // A part that failed (its readers could not take its blobs) stops the others: a part
    // left waiting on the readers would keep the process alive.
    for (const w of walks) w.kill();
    throw e;
  }
  const r = results.find((x) => x.code !== 0) ?? results[0]!;
  if (r.code !== 0) {
    // A tree git can't read hides every blob below it, and the object listing that
    // takes over passes over it without a word (its type filter drops what is missing
    // along with every other tree): say so here, where git did.
    const why = gitMessage(r.stderr || `exit ${r.code}`);
    missing.walkFailed(why);
    ctx.warn(`walking the history's changes failed (${why}); blobs only reachable through what git could not read were not scanned`);
    return listByObjects(ctx, repo, refs, queue, missing, stats, messages, new Set(seen.keys()));
  }
  return { commits: Promise.resolve({ count }), ...(dropped ? {} : { log: kept }) };
}

/**
 * Parts of a long history's listing walk, whatever the number of threads: where git
 * gives up part-way (a damaged repository), how much was listed must not depend on the
 * machine's CPUs.
 */
const LISTING_PARTS = 2;

/**
 * The inputs of the listing walk's parts: one walk of every ref ([undefined]), or, on a
 * long history, the commits split newest to oldest among LISTING_PARTS `git log
 * --no-walk` processes (on the bench's 20,000 commits, two took git 0.6 s where one took
 * 0.9 s, the commit list included).
 */
async function listingInputs(repo: Repo, refs: AllRefs): Promise<(string | undefined)[]> {
  const all = await gitOutput(repo, ['rev-list', ...refs.args], refs.input);
  if (all.code !== 0) return [undefined]; // the walk says what is wrong
  const commits = all.stdout.toString('latin1').split('\n').filter(Boolean);
  return commits.length >= SPLIT_WALK ? commitInputs(commits, LISTING_PARTS) : [undefined];
}

/**
 * A partial clone's filter when it may have left trees out (`tree:0`, `object:type=blob`,
 * or a filter not known here): a missing tree hides the blobs below it, and only a
 * listing that keeps trees says which are missing. `blob:none`, `blob:limit` and `sparse`
 * filters leave every tree in. Undefined for other repositories.
 */
async function treesMayBeMissing(repo: Repo): Promise<string | undefined> {
  if (!repo.partial) return undefined;
  const r = await gitOutput(repo, ['config', '--get-regexp', '^remote\\..*\\.partialclonefilter$']);
  const filters = r.stdout
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(l.indexOf(' ') + 1));
  if (!filters.length) return 'unknown';
  const keepsTrees = (f: string) => f.replace(/^combine:/, '').split('+').every((part) => /^(blob|sparse)(:|%3a)/i.test(part));
  return filters.find((f) => !keepsTrees(f));
}

/** The diff options of the walks that tell where blobs came from: renames followed, merges against all parents. */
const INTRO_DIFF = ['--raw', '--no-abbrev', '-M', '-c', '--root', ...RAW_LOG_ARGS];

/**
 * INTRO_DIFF for this repository. Following a rename that changed the file means comparing
 * blob contents, which a partial clone lacks: git then fails the whole walk. There a rename
 * is a deletion and an addition (the commit that moved a token is named as bringing it).
 */
function introDiff(repo: Repo): string[] {
  return repo.partial ? INTRO_DIFF.map((o) => (o === '-M' ? '--no-renames' : o)) : INTRO_DIFF;
}

/** A parser of such a walk that gathers the introductions of `oids`, in walk order (newest first). */
function introParser(oids: Set<string>, out: Map<string, Introduction[]>, onIntro?: (i: Introduction) => void) {
  // Most changes are of other blobs: skipped on their id's first digits, unparsed.
  return rawLogParser((c) => {
    if (!oids.has(c.newOid) || !c.commit) return;
    const intro = { commit: c.commit, path: c.path, olds: c.oldOids.filter((o) => !isNullOid(o)) };
    onIntro?.(intro);
    const list = out.get(c.newOid);
    if (list) list.push(intro);
    else out.set(c.newOid, [intro]);
  }, undefined, oidPrefixTest(oids));
}

/** The introductions of `oids` in the kept output of a listing walk. */
function introductionsIn(log: KeptLog, oids: Set<string>): Map<string, Introduction[]> {
  const out = new Map<string, Introduction[]>();
  // Each part has its own parser (records of different processes must not mix); parts
  // are newest first, so the introductions come in the walk's order.
  for (const part of log) {
    const parse = introParser(oids, out);
    eachRecord(part, 0, (rec) => void parse(rec));
  }
  return out;
}

/**
 * Lists every blob with `git rev-list --objects` (no tree walk at all with a
 * reachability bitmap); provenance is walked after the scan for the blobs with hits.
 * Blobs in `done` were listed already.
 */
async function listByObjects(ctx: GitScanContext, repo: Repo, refs: AllRefs, queue: Queue, missing: MissingReporter, stats: GitScanStats, messages: MessageBatcher, done?: ReadonlySet<string>, trees = false): Promise<Listed> {
  const args = ['rev-list', '--objects', ...refs.args, '--missing=print'];
  // The type filter also drops missing trees without a word: where trees may be missing,
  // the trees that are there are listed too (cat-file says they are no blob; they are few).
  if (repo.typeFilter && !trees) args.push('--filter=object:type=blob');
  // With a bitmap, objects come without names (and in pack order): names are found
  // later, for the blobs that need one.
  if (repo.bitmap) args.push('--use-bitmap-index');
  // The object listing leaves most commits out (the type filter drops them): list them
  // apart, once, for the count and for sharing out the provenance walk.
  const commits = listCommits(repo, refs, messages);
  commits.catch(() => undefined); // awaited by the caller; not unhandled if the scan fails first
  const len = repo.oidLength;
  const push = (oid: string, path: string) => (done?.has(oid) ? undefined : queue.push({ oid, path }));
  const result = await streamRecords(
    repo,
    args,
    (rec) => {
      if (rec[0] === 0x3f /* ? */) {
        missing.add(`object ${rec.toString('latin1', 1, 13)}`, rec.toString('latin1', 1, 1 + len));
        return;
      }
      if (rec.length === len) {
        // A commit (a ref's tip), or with a bitmap any object: cat-file tells which.
        if (!repo.bitmap) return;
        return push(rec.toString('latin1'), '');
      }
      return push(rec.toString('latin1', 0, len), rec.toString('utf8', len + 1));
    },
    { input: refs.input },
  ).done;
  if (result.code !== 0) {
    const why = gitMessage(result.stderr || `exit ${result.code}`);
    missing.walkFailed(why);
    if (queue.listed === 0) {
      // The walk died before listing any object (a missing or damaged commit): scan every
      // blob the object database holds instead, reachable or not.
      ctx.warn(`cannot walk the history (${why}); scanning every blob in the object database instead`);
      let blobs = 0;
      const all = await streamRecords(repo, ['cat-file', '--batch-all-objects', '--unordered', '--batch-check=%(objectname) %(objecttype)'], (rec) => {
        if (rec.toString('latin1', len + 1) !== 'blob') return;
        blobs++;
        return push(rec.toString('latin1', 0, len), '');
      }).done;
      // git lists what it can and says on stderr what it can't, exiting 0: a damaged pack
      // index hides every object of its pack, however many loose ones are read. That is
      // no history scanned with a few objects missing; it is an error.
      if (all.code !== 0 || all.stderr.trim()) throw new GitError(`cannot read the repository's objects: ${gitMessage(all.stderr || `exit ${all.code}`)}`);
      // Neither way read a thing: that is no clean history, it is none.
      if (blobs === 0) throw new GitError(`cannot read the repository's objects: ${why}`);
    } else {
      ctx.warn(`walking the history stopped early (${why}); objects beyond it were not scanned`);
    }
  }
  return { commits };
}

interface Introduction {
  commit: CommitInfo;
  path: string;
  /** The blobs this path held in the commit's parents (none when the file is new). */
  olds: string[];
}

/** Commits in history from which the provenance walk is split over several git processes. */
const SPLIT_WALK = 4000;

/** The commits reachable from every ref: how many, and their ids unless there are very many. */
interface CommitListing {
  count: number;
  /** Every commit id, newest first; left out past KEEP_COMMITS (listed again if needed). */
  list?: string[];
}

/** Commit ids kept from the early listing (about 60 bytes each); larger histories list again. */
const KEEP_COMMITS = 250_000;

/** Counts the commits reachable from every ref, keeping their ids on all but huge histories. */
async function listCommits(repo: Repo, refs: AllRefs, messages: MessageBatcher): Promise<CommitListing> {
  let count = 0;
  let list: string[] | undefined = [];
  // git log rather than rev-list: the same walk over commit objects, and their messages.
  const code = await walkCommitMessages(repo, refs.args, refs.input, messages, (oid) => {
    count++;
    if (list && count > KEEP_COMMITS) list = undefined;
    list?.push(oid);
  });
  return code === 0 ? { count, ...(list ? { list } : {}) } : { count: 0, list: [] };
}

/**
 * The commits (and paths) where each blob appeared: its file is new or changed to it.
 * One `git log` walk, diffing each commit against its parents (renames followed, merges
 * against all parents); on long histories the commits are shared out among several
 * `git log --no-walk --stdin` processes, one per thread.
 */
async function findIntroductions(ctx: GitScanContext, repo: Repo, oids: Set<string>, listing: CommitListing, refs: AllRefs): Promise<Map<string, Introduction[]>> {
  let inputs: (string | undefined)[] = [undefined];
  if (listing.count >= SPLIT_WALK && ctx.threads > 1) {
    let commits = listing.list;
    if (!commits) {
      const all = await gitOutput(repo, ['rev-list', ...refs.args], refs.input);
      commits = all.code === 0 ? all.stdout.toString('latin1').split('\n').filter(Boolean) : [];
    }
    if (commits.length >= SPLIT_WALK) inputs = commitInputs(commits, ctx.threads);
  }
  const { intros, failure } = await walkIntroductions(repo, oids, inputs, refs);
  if (failure) ctx.warn(`finding the commits that introduced each leak failed (${failure}); some locations have no commit`);
  return intros;
}

/** Commits shared out over walks, one per thread (at most 4) once there are many, as their stdin. */
function commitInputs(commits: readonly string[], threads: number): string[] {
  const parts = commits.length >= SPLIT_WALK ? Math.max(1, Math.min(threads, 4)) : 1;
  const per = Math.ceil(commits.length / parts);
  return Array.from({ length: parts }, (_, i) => `${commits.slice(i * per, (i + 1) * per).join('\n')}\n`);
}

/**
 * The introductions of `oids`, one `git log` walk per input: the commits it lists, each
 * diffed against its parents (`--no-walk --stdin`), or undefined for the walk over every
 * ref. `failure`: what git said when a walk failed.
 */
async function walkIntroductions(repo: Repo, oids: Set<string>, inputs: readonly (string | undefined)[], refs: AllRefs): Promise<{ intros: Map<string, Introduction[]>; failure?: string }> {
  const out = new Map<string, Introduction[]>();
  const diff = [...introDiff(repo)];
  // (--find-object reads the blobs of every change it passes over: a partial clone lacks them, and git gives up.)
  if (oids.size <= FIND_OBJECT_MAX && !repo.partial) for (const o of oids) diff.push(`--find-object=${o}`);
  const order = new Map<Introduction, number>();
  const results = await Promise.all(
    inputs.map((input, part) => {
      // Each walk gets its own parser (records of different processes must not mix).
      let seq = part * 2 ** 32;
      const parse = introParser(oids, out, (intro) => order.set(intro, seq++));
      const args = input === undefined ? ['log', ...refs.args, ...diff] : ['log', '--no-walk=unsorted', '--stdin', ...diff];
      const stdin = input ?? refs.input;
      return streamRecords(repo, args, parse, { sep: 0, input: stdin }).done;
    }),
  );
  // The walk's order (newest first), whichever process finished first.
  for (const list of out.values()) list.sort((a, b) => order.get(a)! - order.get(b)!);
  const failed = results.find((r) => r.code !== 0);
  return { intros: out, ...(failed ? { failure: gitMessage(failed.stderr) } : {}) };
}

/**
 * Blob ids in HEAD's tree: all of them, or those at `paths` (raw bytes: a name that is not
 * valid UTF-8 can't be a pathspec, so git lists the directory above its first such part
 * and the name is picked out by its bytes). Streamed: a tree of a million files is a few
 * tens of MB of listing, never held whole.
 */
async function headBlobs(repo: Repo, paths?: Buffer[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!repo.head || (paths && !paths.length)) return out;
  const wanted = paths && new Set(paths.map((p) => p.toString('latin1')));
  const specs = paths && [...new Set(paths.map(pathspecFor))];
  // A name undecodable from its first part: the whole tree.
  const all = !specs || specs.includes('');
  const batches = all ? [undefined] : Array.from({ length: Math.ceil(specs.length / 500) }, (_, i) => specs.slice(i * 500, i * 500 + 500));
  for (const batch of batches) {
    const args = ['--literal-pathspecs', 'ls-tree', '-r', '-z', '--full-tree', repo.head, ...(batch ? ['--', ...batch] : [])];
    const r = await streamRecords(
      repo,
      args,
      (rec) => {
        // <mode> SP <type> SP <oid> TAB <path>
        const tab = rec.indexOf(9);
        if (tab === -1 || rec.toString('latin1', 7, 11) !== 'blob') return;
        if (wanted && !wanted.has(rec.toString('latin1', tab + 1))) return;
        const oid = rec.toString('latin1', 12, tab);
        if (!out.has(oid)) out.set(oid, rec.toString('utf8', tab + 1));
      },
      { sep: 0 },
    ).done;
    if (r.code !== 0) throw new GitError(`reading HEAD's tree: ${gitMessage(r.stderr)}`);
  }
  return out;
}

/** A path as a literal pathspec: itself, or for a name that is not valid UTF-8 the directory above its first such part ('' for the top). */
function pathspecFor(raw: Buffer): string {
  const text = raw.toString('utf8');
  if (isUtf8(raw)) return text;
  const bad = text.indexOf('\uFFFD');
  return text.slice(0, Math.max(0, text.lastIndexOf('/', bad)));
}

/** The secrets in these blob hits. */
function secretsOf(hits: Iterable<BlobHit>): Set<string> {
  const out = new Set<string>();
  for (const h of hits) for (const b of h.matches) out.add(b.m.secret);
  return out;
}

/** Adds each hit's locations: one per commit that introduced the token, with its path. */
async function reportHistoryHits(ctx: GitScanContext, repo: Repo, hits: Map<string, BlobHit>, commits: CommitListing, refs: AllRefs, log?: KeptLog): Promise<Set<string>> {
  const oids = new Set(hits.keys());
  // Every blob of HEAD's tree was scanned: those among the hits hold HEAD's secrets.
  // (ls-tree first: parsing the kept log is synchronous and would hold it back.)
  const [head, intros] = await Promise.all([headBlobs(repo), log ? introductionsIn(log, oids) : findIntroductions(ctx, repo, oids, commits, refs)]);
  return placeHits(ctx, repo, hits, intros, head, undefined, (oids) => namesAtTips(repo, refs, oids));
}

/** Paths of `oids` in the trees the refs point at (not their history), where they have one. */
async function namesAtTips(repo: Repo, refs: AllRefs, oids: ReadonlySet<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const len = repo.oidLength;
  await streamRecords(
    repo,
    ['rev-list', '--objects', '--no-walk', ...refs.args],
    (rec) => {
      if (rec.length <= len + 1) return;
      const oid = rec.toString('latin1', 0, len);
      if (oids.has(oid) && !out.has(oid)) out.set(oid, rec.toString('utf8', len + 1));
    },
    refs.input === undefined ? {} : { input: refs.input },
  ).done;
  return out;
}

/**
 * Reports each hit blob's matches where they arrived: at each commit that introduced the
 * blob (`intros`), else at the blob's name. `head`: HEAD's blobs and their paths, which
 * tell the secrets HEAD holds. For hits no ref reaches, `unreachable` gives the reachable
 * scan's hits (old versions are looked up there too) and the secrets it found in HEAD,
 * and a blob no commit holds is named `<blob …>`. Returns the secrets HEAD holds.
 */
async function placeHits(
  ctx: GitScanContext,
  repo: Repo,
  hits: Map<string, BlobHit>,
  intros: ReadonlyMap<string, Introduction[]>,
  head: ReadonlyMap<string, string>,
  unreachable?: { reachable: ReadonlyMap<string, BlobHit>; inHead: ReadonlySet<string> },
  /** Names, in the trees the refs point at, for blobs no commit brought and HEAD lacks (a tag naming a tree). */
  tipNames?: (oids: ReadonlySet<string>) => Promise<ReadonlyMap<string, string>>,
): Promise<Set<string>> {
  const boundary = shallowCommits(repo);
  // A blob listed without a name (reachability bitmaps give none) takes the path of its
  // first introduction, else its path in HEAD, else its path at a ref's tip; one holding
  // archive members is scanned again under that name, so members are named as they
  // would be on disk.
  const bare = [...hits].filter(([oid, h]) => h.path === blobName({ oid, path: '' }));
  const known = (oid: string) => intros.get(oid)?.[0]?.path ?? head.get(oid);
  const lacking = new Set(bare.filter(([oid]) => !known(oid)).map(([oid]) => oid));
  const atTips = lacking.size && tipNames ? await tipNames(lacking) : undefined;
  const again: BlobJob[] = [];
  for (const [oid, h] of bare) {
    const name = known(oid) ?? atTips?.get(oid);
    if (!name) continue;
    if (h.matches.some((b) => b.path !== h.path)) again.push({ oid, path: name });
    else hits.set(oid, { oid, path: name, matches: h.matches.map((b) => ({ path: name, m: b.m })), ...(h.binary ? { binary: h.binary.map((p) => name + p.slice(h.path.length)) } : {}) });
  }
  for (const [oid, h] of await scanFew(ctx, again)) hits.set(oid, h);
  const inHead = new Set(unreachable?.inHead ?? secretsOf([...head.keys()].flatMap((oid) => hits.get(oid) ?? [])));
  const old = (oid: string): BlobHit => hits.get(oid) ?? unreachable?.reachable.get(oid) ?? { oid, path: '', matches: [] };
  // In blob id order: threads deliver hits in any order, reports must not vary.
  for (const [oid, h] of [...hits].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const list = intros.get(oid);
    if (!list?.length) {
      // Reachable, yet no commit shows it arriving (a tag naming a tree or blob); or no
      // commit holds it at all (an unreachable blob, staged and never committed).
      const name = unreachable && h.path === blobName({ oid, path: '' }) ? unreachableBlob(oid) : h.path;
      for (const b of h.matches) ctx.location(name, b.path.slice(h.path.length), b.m, { inHead: inHead.has(b.m.secret) });
      continue;
    }
    // A commit introduces a location only if its parents' version lacked that line:
    // a token kept through a thousand edits of its file was introduced once, and a
    // renamed file brings nothing new. (Every parent blob was scanned; one without
    // hits holds no token.)
    for (const i of list) {
      for (const b of addedMatches(h, i.olds.map(old))) {
        ctx.location(i.path, b.path.slice(h.path.length), b.m, provenance(i.commit, inHead.has(b.m.secret), boundary));
      }
    }
  }
  return inHead;
}

/**
 * Where a location came from. A shallow boundary commit has no parents here, so every
 * file it holds looks added: what it holds may be older, brought by a commit this clone
 * lacks. Such locations get no commit, author or date rather than false ones.
 */
function provenance(c: CommitInfo, inHead: boolean, boundary: Set<string>): Partial<Location> {
  return boundary.has(c.oid) ? { inHead } : { commit: c.oid, author: c.author, date: c.date, inHead };
}

export interface Selection {
  /** `A..B` or `A...B`. */
  range?: string;
  /** Commit date lower bound, in seconds since 1970. */
  since?: number;
}

/** The objects the commits `revs` select would need that this (partial) clone lacks. */
async function missingObjects(repo: Repo, revs: string[], input?: string): Promise<Set<string>> {
  const out = new Set<string>();
  const len = repo.oidLength;
  const r = await streamRecords(
    repo,
    ['rev-list', '--objects', '--missing=print', ...revs],
    (rec) => {
      if (rec[0] === 0x3f /* ? */) out.add(rec.toString('latin1', 1, 1 + len));
    },
    input === undefined ? {} : { input },
  ).done;
  if (r.code !== 0) throw new GitError(`git rev-list: ${gitMessage(r.stderr)}`);
  return out;
}

/** Resolves `A..B`: each end must name a commit here, or the user learns what to fetch. */
export async function resolveRange(repo: Repo, range: string): Promise<string> {
  const m = /^(.*?)(\.\.\.?)(.*)$/.exec(range.trim());
  // One range, not a chain, and a base named: git reads a missing end as HEAD, so
  // "$BASE..HEAD" with BASE unset would be HEAD..HEAD, a clean scan of nothing. (A
  // missing head, `BASE..`, is git's way to say BASE..HEAD.)
  if (!m || m[3]!.includes('..')) throw new GitError(`--range "${range}": expected BASE..HEAD (or BASE...HEAD)`);
  if (!m[1]!.trim()) throw new GitError(`--range "${range}": the base is empty (an unset variable?); name it, e.g. origin/main..HEAD`);
  const [, a = '', , b = ''] = m;
  const ends: string[] = [];
  for (const [which, rev] of [['base', a || 'HEAD'], ['head', b || 'HEAD']] as const) {
    const oid = await resolveCommit(repo, rev);
    if (!oid) {
      const hint = repo.shallow
        ? 'this is a shallow clone: fetch more history (git fetch --deepen=200, or fetch-depth: 0 with actions/checkout) and run again'
        : /^[\w./-]+$/.test(rev) && !rev.includes('..')
          ? `fetch it first (git fetch origin ${rev}) and run again`
          : 'fetch it first (git fetch origin) and run again';
      throw new GitError(`--range: the ${which} "${rev}" is not a commit in this repository; ${hint}`);
    }
    ends.push(oid);
  }
  // `A...B` means what git diff and GitHub's compare view mean: what B adds since the
  // merge base. To git log it would be both sides (main's own commits too); the commits
  // B adds since the merge base are exactly those of A..B.
  return `${ends[0]}..${ends[1]}`;
}

/**
 * Commits since a date. git's `--since` stops the walk at the first older commit it
 * meets: a commit made on a machine whose clock was behind, or a rebase that left dates
 * out of order, would hide every newer commit behind it. `--since-as-filter` walks on.
 */
export function sinceArg(repo: Pick<Repo, 'sinceFilter'>, since: number): string {
  if (!repo.sinceFilter) return `--max-age=${since}`;
  // git reads a bare number below 100000000 as no date: the time is spelled out, in UTC.
  const d = new Date(since * 1000).toISOString();
  return `--since-as-filter=${d.slice(0, 10)} ${d.slice(11, 19)} +0000`;
}

/**
 * The commits of a range and/or since a date: the files each changed, and in those only
 * the lines it added (a token its parent already had is not new).
 */
export async function scanChanges(ctx: GitScanContext, repo: Repo, sel: Selection): Promise<GitScanStats> {
  const stats = newStats();
  const refs: AllRefs = sel.range ? { args: [await resolveRange(repo, sel.range)] } : await allRefs(repo);
  const revs = [...refs.args];
  if (sel.since !== undefined) revs.push(sinceArg(repo, sel.since));
  // The selected commits' messages come with the walk (tags belong to no range).
  const messages = messageBatcher(ctx);
  const changes: RawChange[] = [];
  const commits: CommitInfo[] = [];
  const parse = rawLogParser(
    (c) => {
      if (newBlobOf(c) && !c.status.startsWith('D')) changes.push(c);
    },
    (c, text) => {
      commits.push(c);
      messages.commit(c, text);
    },
  );
  // A partial clone lacks blobs on purpose: asked for one, cat-file gives up (a new
  // process for each, and a failed scan after a hundred). They are listed first, as
  // missing, by what rev-list says of the same commits, beside the walk of their changes.
  const lacking = repo.partial ? missingObjects(repo, revs, refs.input) : Promise.resolve(new Set<string>());
  lacking.catch(() => undefined); // awaited below; not unhandled if the walk fails first
  const r = await streamRecords(repo, ['log', ...revs, ...introDiff(repo), '--end-of-options'], parse, { sep: 0, input: refs.input }).done;
  if (r.code !== 0) {
    const what = sel.range ? `--range ${sel.range}` : '--since';
    // A clone that left trees out can't tell what its commits changed (and fetches nothing here).
    const treeless = await treesMayBeMissing(repo).catch(() => undefined);
    if (treeless) {
      throw new GitError(
        `${what}: this partial clone (filter ${treeless}) lacks the trees that say what its commits changed; fetch them (git fetch --refetch --filter=blob:none origin), or clone with --filter=blob:none, and run again`,
      );
    }
    throw new GitError(`git log${sel.range ? ` ${sel.range}` : ''}: ${gitMessage(r.stderr)}`);
  }
  stats.commits = commits.length;
  // A pull request can change what the scan of itself leaves out: say so where it does.
  const rules = [...new Set(changes.map((c) => c.path).filter((p) => p === '.hfleaksignore' || p === '.hfleaks.json'))];
  if (rules.length) ctx.warn(`these commits change ${rules.join(' and ')}, which decide${rules.length === 1 ? 's' : ''} what this scan leaves out: review that change`);
  const boundary = shallowCommits(repo);
  const cut = commits.filter((c) => boundary.has(c.oid));
  if (cut.length) {
    if (sel.range) {
      throw new GitError(
        `--range ${sel.range} reaches past the history this shallow clone holds (commit ${cut[0]!.oid.slice(0, 12)} has no parents here); fetch more history (git fetch --deepen=200, or fetch-depth: 0 with actions/checkout) and run again`,
      );
    }
    ctx.warn(`shallow clone: commit ${cut[0]!.oid.slice(0, 12)} has no parents here; what its files hold may be older and is reported without a commit`);
  }
  // Each new blob once.
  const jobs = new Map<string, BlobJob>();
  for (const c of changes) if (!jobs.has(c.newOid)) jobs.set(c.newOid, { oid: c.newOid, path: c.path });
  ctx.progress.total(jobs.size);
  const absent = await lacking;
  const { hits } = await scanBlobs(ctx, stats, async (scanner, missing) => {
    for (const j of jobs.values()) {
      if (absent.has(j.oid)) {
        missing.add(`blob ${j.oid.slice(0, 12)} (${j.path})`, j.oid);
        ctx.progress.tick(1, 0);
        continue;
      }
      const p = scanner.add(j);
      if (p) await p;
    }
  });
  messages.flush();
  if (!hits.size) return stats;

  // What each change adds over its old versions; and is each secret still in HEAD? (HEAD's
  // files where the range put secrets.)
  // Each path once, by its bytes (two names that are not valid UTF-8 may read alike).
  const hitPaths = new Map<string, Buffer>();
  for (const c of changes) {
    if (!hits.has(c.newOid)) continue;
    const raw = c.rawPath ?? Buffer.from(c.path);
    hitPaths.set(raw.toString('latin1'), raw);
  }
  const [added, head] = await Promise.all([addedByChanges(ctx, changes, hits), headBlobs(repo, [...hitPaths.values()])]);
  const unknown = [...head].filter(([oid]) => !hits.has(oid) && !jobs.has(oid)).map(([oid, path]) => ({ oid, path }));
  const inHead = secretsOf([...[...head.keys()].flatMap((oid) => hits.get(oid) ?? []), ...(await scanFew(ctx, unknown)).values()]);
  for (const { change: c, hit: h, added: matches } of added) {
    for (const b of matches) ctx.location(c.path, b.path.slice(h.path.length), b.m, provenance(c.commit!, inHead.has(b.m.secret), boundary));
  }
  return stats;
}
