// What the playbook needs to know about one finding, read once from its rule, its
// verification and its locations: the kind of token, whether it works, what it can
// write, and where and when it leaked.
import { isBlobPlace } from '../core/places.ts';
import type { Finding, Location, Verification } from '../core/types.ts';
import { scopeCap } from '../verify/whoami.ts';
import { mapStrings } from '../findings/redact.ts';

export type TokenKind = 'user' | 'org' | 'oauth' | 'publisher' | 'other';

export type Status = 'valid' | 'invalid' | 'unknown' | 'unverified';

export interface Facts {
  kind: TokenKind;
  status: Status;
  /** Why verification said unknown or invalid. */
  reason?: string;
  /** hfleaks revoked it in this run. */
  revoked: boolean;
  /** A JWT whose `exp` has passed. */
  expired: boolean;
  expiresAt?: string;
  owner?: string;
  tokenName?: string;
  role?: string;
  /** true: can change repositories or settings; false: known read-only; undefined: not known. */
  writes: boolean | undefined;
  /** Organizations the token administers. */
  adminOrgs: string[];
  /** Things the token can write, in words ("the acme organization (write)"). */
  writeTargets: string[];
  /** Things the token can read, in words. */
  readTargets: string[];
  /** The token reads private or gated content. */
  readsPrivate: boolean;
  /** Fine-grained permissions, as "perm on type name" and global ones. */
  grants: string[];
  /** Repositories named in the code around the leak. */
  repos: string[];
  /** Repository names from the reach listing. */
  reachExamples: string[];
  reachTotal?: number;
  reachPrivate?: number;
  /** Date of the first of `commits` (YYYY-MM-DD). */
  firstDate?: string;
  /** Earliest commit date among all the locations, reachable or not: when the leak began. */
  leakDate?: string;
  /** Commits that hold the leak, oldest first where dates are known (12-character ids). */
  commits: string[];
  /** Every location is in history and none is in the current tree. */
  historyOnly: boolean;
  /** Every location is in an object no ref reaches (history --unreachable). */
  unreachableOnly: boolean;
  /** Some location is. */
  unreachable: boolean;
  /** Some location is a blob no commit holds (staged, perhaps still): `<blob 1a2b3c4d5e6f>`. */
  neverCommitted: boolean;
  /** Distinct paths of the locations a ref reaches (archive members by their archive). */
  reachablePaths: string[];
  /** Some location is in git history. */
  inHistory: boolean;
  /** The Hub the token belongs to (verification's endpoint, else huggingface.co). */
  endpoint: string;
}

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** Fine-grained permissions that change no repository, setting or member. */
const HARMLESS_WRITES = new Set(['inference.serverless.write', 'inference.endpoints.infer.write', 'discussion.write', 'post.write']);

export function tokenKind(ruleId: string): TokenKind {
  switch (ruleId) {
    case 'hf-user-access-token': return 'user';
    case 'hf-org-api-token': return 'org';
    case 'hf-oauth-access-token': return 'oauth';
    case 'hf-trusted-publisher-token': return 'publisher';
    default: return 'other';
  }
}

function statusOf(v: Verification | undefined): Status {
  if (!v || v.status === 'skipped') return 'unverified';
  return v.status === 'valid' || v.status === 'invalid' || v.status === 'unknown' ? v.status : 'unknown';
}

/** A permission that changes something a reviewer should look at. */
export function isWritePermission(p: string): boolean {
  return /write|admin|manage|delete/i.test(p) && !HARMLESS_WRITES.has(p);
}

function uniq<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}

function archiveOf(path: string): string {
  const i = path.indexOf('!');
  return i === -1 ? path : path.slice(0, i);
}

function reachFacts(v: Verification, owner: string | undefined) {
  const writeTargets: string[] = [];
  const readTargets: string[] = [];
  const grants: string[] = [];
  const adminOrgs: string[] = [];
  let writes: boolean | undefined;
  const fg = v.fineGrained;
  if (fg) {
    writes = false;
    for (const p of fg.global ?? []) {
      grants.push(`${p} (global)`);
      if (isWritePermission(p)) writes = true;
    }
    for (const e of fg.scoped ?? []) {
      const perms = e.permissions ?? [];
      // What the scope asks for is capped by the owner's role where it points (the
      // verdict's rule): a write scope where the owner reads only reads, and a scope on an
      // organization the owner left reaches nothing.
      const cap = scopeCap(e, v.orgs, v.orgsTotal === undefined);
      const w = perms.filter(isWritePermission);
      const who = owner ?? 'the owner';
      const limit = cap === 'none' ? `reaches nothing: ${who} has no role there` : cap === 'read' && w.length ? `reads only: ${who} only reads there` : '';
      grants.push(`${perms.join(', ') || 'no permission'} on ${e.type} ${e.name}${limit ? ` (${limit})` : ''}`);
      if (cap === 'none') continue;
      if (w.length && cap !== 'read') {
        writes = true;
        writeTargets.push(`${e.type} ${e.name} (${w.join(', ')})`);
      } else if (perms.some((p) => !HARMLESS_WRITES.has(p))) {
        // Inference, discussions and posts alone read nothing there.
        readTargets.push(`${e.type} ${e.name}`);
      }
    }
    if (fg.canReadGatedRepos) grants.push('read access to gated repositories');
  }
  for (const o of v.orgs ?? []) {
    if (o.access === 'admin') adminOrgs.push(o.name);
    if (o.access === 'write' || o.access === 'admin') {
      writeTargets.push(`the ${o.name} organization (${o.access})`);
      if (!fg) writes = true;
    } else if (o.access === 'read') {
      readTargets.push(`the ${o.name} organization`);
    }
  }
  if (!fg) {
    if (v.role === 'write') {
      writes = true;
      writeTargets.unshift(owner ? `${owner}'s own repositories` : "the owner's own repositories");
    } else if (v.role === 'read') {
      writes ??= false;
      readTargets.unshift(owner ? `${owner}'s own repositories` : "the owner's own repositories");
    }
  }
  // The verifier's own conclusion wins where it has one and the details gave none.
  if (writes === undefined && v.canWrite !== undefined) writes = v.canWrite;
  // (A report that lists only the first of many organizations or scopes: the verdict read them all.)
  if (v.canWrite === true && writes === false && (!fg || fg.scopedTotal !== undefined || v.orgsTotal !== undefined)) writes = true;
  if (fg?.scopedTotal !== undefined) grants.push(`and ${fg.scopedTotal - (fg.scoped?.length ?? 0)} more scopes not listed`);
  if (v.orgsTotal !== undefined) readTargets.push(`${v.orgsTotal - (v.orgs?.length ?? 0)} more organizations not listed`);
  return { writeTargets: uniq(writeTargets), readTargets: uniq(readTargets), grants, adminOrgs: uniq(adminOrgs), writes };
}

/** The earliest location first: by date where known. */
function byDate(a: Location, b: Location): number {
  return (a.date ?? '\uffff').localeCompare(b.date ?? '\uffff');
}

/**
 * Text from outside (the Hub's names and messages, a JWT's scope, names found in files)
 * with its backticks made look-alikes: in a step, backticks mark commands, and the
 * markdown report makes code spans of them.
 */
export function untick(s: string): string {
  return s.replace(/`/g, '\u02cb');
}

export function factsOf(f: Finding): Facts {
  const v = f.verification;
  const status = statusOf(v);
  const owner = v?.owner?.name;
  const reach = v && (status === 'valid' || v.revoked) ? reachFacts(v, owner) : undefined;
  // What no ref reaches is pruned, not rewritten: it has a step of its own, and the
  // commits named are those a ref reaches where there are any.
  const reachable = f.locations.filter((l) => !l.unreachable);
  const inGit = f.locations.filter((l) => l.commit);
  const reachableInGit = inGit.filter((l) => !l.unreachable);
  const history = reachableInGit.length ? reachableInGit : inGit;
  const dated = history.filter((l) => l.date).sort(byDate);
  const firstDate = dated[0]?.date?.slice(0, 10);
  // The leak began at its first commit, reachable or not.
  const leakDate = inGit.filter((l) => l.date).sort(byDate)[0]?.date?.slice(0, 10);
  const commits = uniq([...dated, ...history].map((l) => l.commit!.slice(0, 12)));
  const historyOnly = reachable.length > 0 && reachable.every((l) => l.commit && l.inHead === false);
  const expiresAt = f.jwt?.expiresAt ?? v?.expiresAt;
  return mapStrings<Facts>({
    kind: tokenKind(f.rule),
    status,
    ...(v?.reason ? { reason: v.reason } : {}),
    revoked: v?.revoked === true,
    expired: f.jwt?.expired === true,
    ...(expiresAt ? { expiresAt } : {}),
    ...(owner ? { owner } : {}),
    ...(v?.tokenName ? { tokenName: v.tokenName } : {}),
    ...(v?.role ? { role: v.role } : {}),
    writes: reach?.writes,
    adminOrgs: reach?.adminOrgs ?? [],
    writeTargets: reach?.writeTargets ?? [],
    readTargets: reach?.readTargets ?? [],
    readsPrivate: Boolean(v?.canReadPrivate || (v?.reach?.private ?? 0) > 0 || v?.fineGrained?.canReadGatedRepos),
    grants: reach?.grants ?? [],
    repos: f.repos ?? [],
    reachExamples: v?.reach?.examples ?? [],
    ...(v?.reach ? { reachTotal: v.reach.total, reachPrivate: v.reach.private } : {}),
    ...(firstDate ? { firstDate } : {}),
    ...(leakDate ? { leakDate } : {}),
    commits,
    historyOnly,
    unreachableOnly: f.locations.length > 0 && reachable.length === 0,
    unreachable: reachable.length < f.locations.length,
    neverCommitted: f.locations.some((l) => isBlobPlace(l.path)),
    reachablePaths: uniq(reachable.map((l) => archiveOf(l.path))),
    inHistory: reachableInGit.length > 0,
    endpoint: (v?.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, ''),
  }, untick);
}
