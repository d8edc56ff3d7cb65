// `hfleaks revoke`: tokens on standard input, one a line (or in the variable named by
// --env), sent in batches to {endpoint}/api/credentials/revoke. Asks first on a terminal,
// needs --yes otherwise; prints what it sent, redacted. Exit 0 when the Hub accepted
// every batch (202), 2 otherwise.
import { createDetector } from '../../detect/detector.ts';
import { scanLines } from '../../detect/scanner.ts';
import { sha256 } from '../../findings/aggregate.ts';
import { redact } from '../../findings/redact.ts';
import { builtinRules } from '../../rules/builtin.ts';
import { clientFor } from '../../verify/enrich.ts';
import { confirm, readTokenLines, releaseLineReader } from '../../verify/input.ts';
import { describeRevocation, revokeTokens } from '../../verify/revoke.ts';
import type { VerifyArgs } from '../../verify/settings.ts';
import { HUB_RULES, hubSettings } from '../../verify/settings.ts';
import type { Io } from '../io.ts';
import { UsageError } from '../io.ts';
import { VERSION } from '../session.ts';
import { plural } from '../../core/words.ts';

export interface RevokeCommandArgs extends VerifyArgs {
  env?: string;
  format?: string;
  quiet?: boolean;
}

export async function runRevoke(io: Io, args: RevokeCommandArgs): Promise<number> {
  try {
    return await revokeLines(io, args);
  } finally {
    releaseLineReader(io.stdin);
  }
}

async function revokeLines(io: Io, args: RevokeCommandArgs): Promise<number> {
  const format = args.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown format "${format}" for revoke (choose text, json)`);
  const hub = hubSettings(io, args);
  if (!args.yes && !io.stdinIsTTY) throw new UsageError('refusing to revoke without --yes: standard input is not a terminal, so hfleaks cannot ask');
  const src = await readTokenLines(io, args.env, args.quiet);
  // Only Hugging Face tokens go to the Hub: each line must hold one the built-in rules know.
  const detector = createDetector(builtinRules(), { decode: false });
  const tokens: string[] = [];
  const found = scanLines(detector, src.lines.map((l) => l.text));
  for (const [i, l] of src.lines.entries()) {
    const hits = found[i]!.filter((m) => HUB_RULES.has(m.ruleId));
    if (!hits.length && !args.quiet) io.stderr(`hfleaks: warning: ${src.path} line ${l.line}: not a Hugging Face token; skipped\n`);
    for (const h of hits) if (!tokens.includes(h.secret)) tokens.push(h.secret);
  }
  if (!tokens.length) throw new UsageError(src.lines.length ? 'no Hugging Face token among the lines given; nothing revoked' : 'no tokens given: pass them on standard input, one a line, or name a variable with --env');
  if (!args.yes) {
    const ok = await confirm(io, `hfleaks: revoke ${plural(tokens.length, 'token')} (${tokens.map((t) => redact(t)).join(', ')}) at ${hub.endpoint}? ${tokens.length === 1 ? 'It stops' : 'They stop'} working everywhere, for good.`);
    if (!ok) {
      io.stderr('hfleaks: not revoked\n');
      return 2;
    }
  }
  const client = clientFor(hub);
  let r;
  try {
    r = await revokeTokens(client, tokens);
  } finally {
    client.close();
  }
  if (format === 'json') {
    let i = 0;
    const batches = r.batches.map((b) => ({
      count: b.count,
      ok: b.ok,
      ...(b.status !== undefined ? { status: b.status } : {}),
      ...(b.reason ? { reason: b.reason } : {}),
      tokens: tokens.slice(i, (i += b.count)).map((t) => ({ redacted: redact(t), sha256: sha256(t) })),
    }));
    io.stdout(`${JSON.stringify({ version: 1, tool: { name: 'hfleaks', version: VERSION }, command: 'revoke', endpoint: r.url, ok: r.ok, batches }, null, 2)}\n`);
  } else {
    io.stdout(`${describeRevocation(r).join('\n')}\n`);
  }
  if (!r.ok) throw new UsageError(`revocation failed (${r.batches.find((b) => !b.ok)?.reason ?? 'no answer'}); nothing shows those tokens were revoked: treat them as live`);
  return 0;
}
