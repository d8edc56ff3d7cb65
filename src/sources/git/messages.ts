// Commit and tag messages: a token pasted into `git commit -m` or `git tag -m` is history
// too, though no file ever held it (file scanners, TruffleHog and gitleaks among them,
// read contents only). One `git log` that reads commit objects only, over the commits the
// scan covers, and for the whole history the annotated tags. Messages are scanned in
// batches joined by line breaks: one detector pass per batch, not one per commit.
import type { Match } from '../../core/types.ts';
import { scanWhole } from '../../detect/scanner.ts';
import type { Repo } from './repo.ts';
import { gitMessage, gitOutput, streamRecords } from './run.ts';
import type { GitScanContext } from './scan-context.ts';

/** How commit and tag messages appear in locations (they are in no file). */
export const COMMIT_MESSAGE = '<commit message>';
export const tagMessage = (name: string) => `<tag ${name}>`;

interface Message {
  path: string;
  extra: { commit?: string; author?: string; date?: string };
  text: Buffer;
}

const BATCH = 8 << 20;

/** Scans a stream of messages in batches; `add` takes one, `flush` scans what is left. */
function batcher(ctx: GitScanContext) {
  let parts: Buffer[] = [];
  let starts: { line: number; m: Message }[] = [];
  let bytes = 0;
  let lines = 0;
  const NL = Buffer.from('\n');
  const flush = () => {
    if (!parts.length) return;
    const matches = scanWhole(ctx.detector, Buffer.concat(parts));
    for (const match of matches) {
      // The message holding the match: the last that starts at or before its line.
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]!.line <= match.line) lo = mid;
        else hi = mid - 1;
      }
      const s = starts[lo]!;
      const m: Match = { ...match, line: match.line - s.line + 1 };
      ctx.location(s.m.path, '', m, { ...s.m.extra, inHead: false });
    }
    parts = [];
    starts = [];
    bytes = 0;
    lines = 0;
  };
  return {
    add(m: Message): void {
      starts.push({ line: lines + 1, m });
      parts.push(m.text);
      let n = 0;
      for (let i = m.text.indexOf(10); i !== -1; i = m.text.indexOf(10, i + 1)) n++;
      // Each message ends its last line: a token can't run on into the next one.
      if (m.text.length && m.text[m.text.length - 1] !== 10) {
        parts.push(NL);
        n++;
      }
      lines += n;
      bytes += m.text.length + 1;
      if (bytes >= BATCH) flush();
    },
    flush,
  };
}

/**
 * Scans the messages of the commits `revs` selects (as `git log` reads them, `input` on
 * its stdin) and, with `tags`, of every annotated tag. A failure is a warning: the files
 * were scanned all the same.
 */
export async function scanMessages(ctx: GitScanContext, repo: Repo, revs: string[], input: string | undefined, tags: boolean): Promise<void> {
  const b = batcher(ctx);
  // -z ends each commit with a NUL, and %x00 separates its fields: 4 records a commit.
  let fields: Buffer[] = [];
  const r = await streamRecords(
    repo,
    ['log', ...revs, '-z', '--no-show-signature', '--encoding=UTF-8', '--format=%H%x00%aN%x00%aI%x00%B', '--end-of-options'],
    (rec) => {
      fields.push(Buffer.from(rec));
      if (fields.length < 4) return;
      const [oid, author, date, text] = fields;
      fields = [];
      b.add({ path: COMMIT_MESSAGE, extra: { commit: oid!.toString('latin1'), author: author!.toString('utf8'), date: date!.toString('latin1') }, text: text! });
    },
    { sep: 0, input },
  ).done;
  if (r.code !== 0) ctx.warn(`reading commit messages failed (${gitMessage(r.stderr || `exit ${r.code}`)}); they were not scanned`);
  if (tags) {
    const t = await gitOutput(repo, ['for-each-ref', '--format=%(objecttype)%00%(refname:short)%00%(taggername)%00%(taggerdate:iso-strict)%00%(contents)%00', 'refs/tags']);
    if (t.code !== 0) ctx.warn(`reading tag messages failed (${gitMessage(t.stderr)}); they were not scanned`);
    else {
      const f = t.stdout.toString('utf8').split('\0');
      for (let i = 0; i + 5 < f.length; i += 5) {
        const [type, name, tagger, date, contents] = f.slice(i, i + 5);
        if (type!.replace(/^\n/, '') !== 'tag') continue; // a lightweight tag has no message of its own
        b.add({ path: tagMessage(name!), extra: { author: tagger!.replace(/\s*<[^>]*>$/, ''), date: date! }, text: Buffer.from(contents!) });
      }
    }
  }
  b.flush();
}
