// Commit and tag messages: a token pasted into `git commit -m` or `git tag -m` is history
// too, though no file ever held it (file scanners, TruffleHog and gitleaks among them,
// read contents only). The walks that list the commits anyway hand each message over
// (RAW_LOG_FORMAT carries it), so reading them costs git nothing more; annotated tags
// come from one `for-each-ref`. Messages are scanned in batches joined by line breaks:
// one detector pass per batch, not one per commit.
import { COMMIT_MESSAGE, tagMessage } from '../../core/places.ts';
import type { Match } from '../../core/types.ts';
import { scanWhole } from '../../detect/scanner.ts';
import { type CommitInfo, RAW_LOG_ARGS, rawLogParser } from './raw-log.ts';
import type { Repo } from './repo.ts';
import { gitMessage, gitOutput, streamRecords } from './run.ts';
import type { GitScanContext } from './scan-context.ts';


/** Where a message came from: a commit (its CommitInfo, already made by the walk) or a tag. */
type Origin = CommitInfo | { path: string; author: string; date: string };

/** Bytes of messages per detector pass. */
const BATCH = 256 << 10;

/**
 * Batches messages for scanning: their bytes are copied into one reused buffer, one
 * line break after each, and each message costs an origin reference and a line number,
 * nothing more (a walk hands over tens of thousands while the blobs are scanned).
 * `flush` scans what is left; call it once all are in.
 */
export function messageBatcher(ctx: GitScanContext) {
  let buf = Buffer.allocUnsafe(BATCH);
  let used = 0;
  let lines = 0;
  let origins: Origin[] = [];
  let firstLines: number[] = [];
  const flush = () => {
    if (!used) return;
    // Lines counted as UTF-8 whatever the first message's bytes look like (FF FE would
    // read as UTF-16 and credit every token of the batch to the first commit).
    for (const match of scanWhole(ctx.detector, buf.subarray(0, used), 'utf8')) {
      // The message holding the match: the last that starts at or before its line.
      let lo = 0;
      let hi = firstLines.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (firstLines[mid]! <= match.line) lo = mid;
        else hi = mid - 1;
      }
      const o = origins[lo]!;
      const m: Match = { ...match, line: match.line - firstLines[lo]! + 1 };
      if ('oid' in o) ctx.location(COMMIT_MESSAGE, '', m, { commit: o.oid, author: o.author, date: o.date, inHead: false });
      else ctx.location(o.path, '', m, { author: o.author, date: o.date, inHead: false });
    }
    used = 0;
    lines = 0;
    origins = [];
    firstLines = [];
  };
  const add = (o: Origin, text: Uint8Array): void => {
    if (!text.length) return;
    const need = text.length + 1;
    if (used + need > buf.length) {
      flush();
      // One huge message: a buffer its size, for this batch (then back to BATCH).
      buf = need > BATCH ? Buffer.allocUnsafe(need) : buf.length > BATCH ? Buffer.allocUnsafe(BATCH) : buf;
    }
    origins.push(o);
    firstLines.push(lines + 1);
    buf.set(text, used);
    used += text.length;
    let n = 0;
    for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) n++;
    // Each message ends its last line: a token can't run on into the next one.
    if (text[text.length - 1] !== 10) {
      buf[used++] = 10;
      n++;
    }
    lines += n;
  };
  return {
    commit: (c: CommitInfo, text: Uint8Array) => add(c, text),
    tag: (name: string, tagger: string, date: string, text: Uint8Array) => add({ path: tagMessage(name), author: tagger, date }, text),
    flush: () => {
      flush();
      if (buf.length > BATCH) buf = Buffer.allocUnsafe(BATCH);
    },
  };
}

export type MessageBatcher = ReturnType<typeof messageBatcher>;

/**
 * Lists the commits `revs` selects (`input` on git's stdin) with `git log`, reading
 * their messages into `messages` on the way; `onCommit` gets each id.
 */
export async function walkCommitMessages(repo: Repo, revs: string[], input: string | undefined, messages: MessageBatcher, onCommit: (oid: string) => void): Promise<number> {
  // The listing walks' own format and parser, without the changes.
  const parse = rawLogParser(
    () => undefined,
    (c, text) => {
      onCommit(c.oid);
      messages.commit(c, text);
    },
  );
  const r = await streamRecords(repo, ['log', ...revs, ...RAW_LOG_ARGS], parse, { sep: 0, input }).done;
  return r.code;
}

/**
 * Every annotated tag's message into `messages` (a lightweight tag has none of its own),
 * each tag object once. Returns the tag objects these tags point at (a nested tag, `git
 * tag -a outer inner`, whose own ref may be gone): their messages are read apart.
 */
export async function scanTagMessages(ctx: GitScanContext, repo: Repo, messages: MessageBatcher): Promise<string[]> {
  const t = await gitOutput(repo, ['for-each-ref', '--format=%(objecttype)%00%(objectname)%00%(type)%00%(object)%00%(refname:short)%00%(taggername)%00%(taggerdate:iso-strict)%00%(contents)%00', 'refs/tags']);
  if (t.code !== 0) {
    ctx.warn(`reading tag messages failed (${gitMessage(t.stderr)}); they were not scanned`);
    return [];
  }
  const f = t.stdout.toString('utf8').split('\0');
  const read = new Set<string>();
  const targets = new Set<string>();
  for (let i = 0; i + 8 < f.length; i += 8) {
    const [type, oid, targetType, target, name, tagger, date, contents] = f.slice(i, i + 8);
    if (type!.replace(/^\n/, '') !== 'tag' || read.has(oid!)) continue;
    read.add(oid!);
    if (targetType === 'tag') targets.add(target!);
    messages.tag(name!, tagger!, date!, Buffer.from(contents!));
  }
  return [...targets].filter((o) => !read.has(o));
}
