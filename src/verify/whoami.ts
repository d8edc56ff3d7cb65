// Reads a whoami-v2 answer into a Verification: owner, token name and role, organizations
// with the owner's role and the token's effective access there, fine-grained scopes, and
// whether the token can write or read private content. Shapes the reference doesn't
// document degrade to "unknown", never to a crash or a wrong verdict.
import type { OrgAccess, ScopedEntity, Verification } from '../core/types.ts';
import { removeEmails } from '../findings/redact.ts';

type Level = OrgAccess['access'];
const ORDER: Level[] = ['none', 'read', 'write', 'admin'];
const rank = (l: Level) => ORDER.indexOf(l);
const min = (a: Level, b: Level): Level => (rank(a) <= rank(b) ? a : b);
const max = (a: Level, b: Level): Level => (rank(a) >= rank(b) ? a : b);

/**
 * Organizations and fine-grained scopes a report lists for one token. The verdict reads
 * them all (the answer is at most 1 MiB): a write scope on the 501st must count.
 */
const MAX_ORGS = 200;
const MAX_SCOPED = 500;

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * A server string made safe to print on one line: no control characters (terminal
 * escapes), no format characters (bidirectional overrides, zero-width ones), no lone
 * surrogates, and Unicode line and paragraph separators (which JSON keeps and some
 * readers break lines at) turned into spaces; bounded.
 */
export function clean(x: unknown, maxLen = 200): string | undefined {
  if (typeof x !== 'string') return undefined;
  const s = x
    .replace(/[\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, '')
    .trim();
  if (!s) return undefined;
  return shorten(s, maxLen);
}

/** Free text a person wrote (a full name, a token's name): cleaned, and no e-mail address in it. */
function personal(x: unknown): string | undefined {
  // (The address goes before the cut: one cut in two no longer reads as an address.)
  const s = clean(x, 10_000);
  return s && shorten(removeEmails(s), 200);
}

/**
 * At most `maxLen` characters, an ellipsis at the end when cut. A word the cut would split
 * is left out whole: half a token, of its base64 or of an e-mail address is out of reach
 * of the redaction, which knows only whole ones (the other half is in the report's
 * redacted form). Never half a surrogate pair.
 */
export function shorten(s: string, maxLen: number): string {
  if (s.length <= maxLen) return s;
  let cut = maxLen - 1;
  if (/[\ud800-\udbff]/.test(s[cut - 1] ?? '')) cut--;
  if (/\S/.test(s[cut]!) && /\S/.test(s[cut - 1] ?? '')) {
    while (cut > 0 && /\S/.test(s[cut - 1]!)) cut--;
  }
  return `${s.slice(0, cut).trimEnd()}…`;
}

/** The distinct strings of a list (permission names). */
function strings(x: unknown): string[] {
  if (!Array.isArray(x)) return [];
  const out = new Set<string>();
  for (const v of x) {
    const s = clean(v, 100);
    if (s) out.add(s);
  }
  return [...out];
}

// (Maps: a role or permission is the Hub's text, and "constructor" or "__proto__" must not
// be read off Object.prototype.)
const ROLE_LEVELS = new Map<string, Level>([['admin', 'admin'], ['owner', 'admin'], ['write', 'write'], ['contributor', 'write'], ['read', 'read'], ['no_access', 'none'], ['none', 'none']]);

/** Whether the Hub documents this role in an organization. */
export function knownRole(role: string | undefined): boolean {
  return ROLE_LEVELS.has((role ?? '').toLowerCase());
}

/**
 * The access the owner's role in an organization allows. A role the answer leaves out, or
 * one the Hub does not document, allows the most: a guess of "read" would grade a token
 * that writes there as one that only reads.
 */
export function roleLevel(role: string | undefined): Level {
  return ROLE_LEVELS.get((role ?? '').toLowerCase()) ?? 'admin';
}

/**
 * Permissions that change no repository, setting or member (the advice module agrees):
 * calls billed to the owner, discussions and posts in the owner's name.
 */
const SIDE = new Map<string, string>([
  ['inference.serverless.write', 'call paid inference billed to its owner'],
  ['inference.endpoints.infer.write', 'call paid inference billed to its owner'],
  ['discussion.write', "open discussions and pull requests in its owner's name"],
  ['post.write', "publish posts in its owner's name"],
]);

/** What one fine-grained permission allows, coarsely. Unknown names with "write" count as writing. */
export function permissionLevel(p: string): Level | 'side' {
  if (SIDE.has(p)) return 'side';
  if (p === 'org.write') return 'admin';
  if (/write|admin|manage|delete/i.test(p)) return 'write';
  return 'read';
}

/** Permissions that read or write repository content (private content included). */
function readsContent(p: string): boolean {
  return p === 'repo.content.read' || (p.startsWith('repo.') && p.includes('write'));
}

/** What the side permissions among these allow, in words, each once. */
function sideOf(perms: string[]): string[] {
  return [...new Set(perms.filter((p) => SIDE.has(p)).map((p) => SIDE.get(p)!))];
}

function levelOf(perms: string[]): Level {
  let l: Level = 'none';
  for (const p of perms) {
    const pl = permissionLevel(p);
    if (pl !== 'side') l = max(l, pl);
  }
  return l;
}

function orgSummary(access: Level, roleInOrg: string | undefined, tokenRole: string | undefined, how: 'classic' | 'fine'): string {
  const role = (roleInOrg ?? '').toLowerCase();
  switch (access) {
    case 'none':
      return how === 'fine' ? 'no access through this token (no scope names it)' : 'no access through this token';
    case 'read':
      if (how === 'classic' && tokenRole === 'read' && rank(roleLevel(role)) > rank('read')) return `reads its repositories only: the owner is ${role} there, but this is a read token`;
      return 'reads its repositories, private ones included';
    case 'write':
      if (role === 'contributor') return 'creates repositories and pushes to the ones this user created';
      return 'reads and writes its repositories';
    case 'admin':
      return 'reads and writes its repositories and can change its settings and members';
  }
}

function fineGrainedOf(at: Record<string, unknown>): { global: string[]; canReadGatedRepos?: boolean; scoped: ScopedEntity[] } | undefined {
  const fg = at.fineGrained;
  if (!isObj(fg)) return undefined;
  const scoped: ScopedEntity[] = [];
  if (Array.isArray(fg.scoped)) {
    for (const s of fg.scoped) {
      if (!isObj(s)) continue;
      const e = isObj(s.entity) ? s.entity : {};
      scoped.push({ type: clean(e.type, 40) ?? 'unknown', name: clean(e.name) ?? '?', permissions: strings(s.permissions) });
    }
  }
  return {
    global: strings(fg.global),
    // Absent means not granted: the report always says which.
    canReadGatedRepos: fg.canReadGatedRepos === true,
    scoped,
  };
}

/**
 * The most one fine-grained scope can give: the owner's role in the organization it names
 * (or that owns the repository it names), and nothing on an organization the owner is not
 * in when the answer lists the owner's organizations. The advice module uses it too, so the
 * playbook never reviews what the verdict says the token cannot write.
 */
export function scopeCap(s: Pick<ScopedEntity, 'type' | 'name'>, orgs: readonly OrgRole[] | undefined, complete = true): Level {
  const byName = orgs && orgIndex(orgs);
  if (s.type === 'org') {
    const org = byName?.get(s.name);
    // (Not among the organizations a report lists, when it lists only the first ones: unknown.)
    return org ? roleLevel(org.roleInOrg) : byName && complete ? 'none' : 'admin';
  }
  const owner = repoOwner(s.name);
  const org = owner === undefined ? undefined : byName?.get(owner);
  return org ? roleLevel(org.roleInOrg) : 'admin';
}

/** The scope types that name one repository (`owner/name`). */
const REPO_TYPES = new Set(['model', 'dataset', 'space']);

/** The owner part of a repository's `owner/name`, or undefined. */
function repoOwner(name: string): string | undefined {
  const slash = name.indexOf('/');
  return slash > 0 ? name.slice(0, slash) : undefined;
}

type OrgRole = Pick<OrgAccess, 'name' | 'roleInOrg'>;
const orgIndexes = new WeakMap<readonly OrgRole[], Map<string, OrgRole>>();

/** The organizations by name (thousands of scopes against thousands of organizations). */
function orgIndex(orgs: readonly OrgRole[]): Map<string, OrgRole> {
  let m = orgIndexes.get(orgs);
  if (!m) {
    m = new Map();
    for (const o of orgs) if (!m.has(o.name)) m.set(o.name, o);
    orgIndexes.set(orgs, m);
  }
  return m;
}

/**
 * OAuth and app scopes (from the answer or the JWT) to capabilities. Without a scope
 * nothing shows an ability, so both are false (the summary says the scopes are unknown).
 */
function scopeCapabilities(scope: string | undefined): { canWrite: boolean; canReadPrivate: boolean } {
  const s = new Set(scopeNames(scope ?? ''));
  return {
    canWrite: ['write-repos', 'manage-repos', 'write-discussions', 'jobs'].some((x) => s.has(x)),
    canReadPrivate: ['read-repos', 'write-repos', 'manage-repos', 'gated-repos'].some((x) => s.has(x)),
  };
}

/** The names in a scope string (space- or comma-separated). */
function scopeNames(scope: string): string[] {
  return scope.split(/[\s,]+/).filter(Boolean);
}

/** An app token's `scope` object as a scope string: the names whose value grants something. */
function appScope(x: unknown): string | undefined {
  if (!isObj(x)) return undefined;
  const granted = Object.entries(x)
    .filter(([, v]) => v !== false && v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .slice(0, 20)
    .map(([k]) => clean(k, 60))
    .filter((k): k is string => !!k);
  return granted.length ? granted.join(' ') : undefined;
}

export interface WhoamiContext {
  /** `scope` from the token's own JWT payload (OAuth and Trusted Publisher tokens). */
  jwtScope?: string;
}

/** Token roles the Hub documents for user access tokens. */
const ROLES = new Set(['read', 'write', 'fineGrained']);
const OWNER_TYPES = new Set(['user', 'org', 'app']);

/** What is wrong with a fine-grained block the verdict would rely on, if anything. */
function fineGrainedProblem(fg: unknown): string | undefined {
  if (!isObj(fg)) return 'a fine-grained token without its fineGrained block';
  if (fg.global !== undefined && !Array.isArray(fg.global)) return 'fine-grained global permissions that are not a list';
  if (fg.scoped === undefined) return undefined;
  if (!Array.isArray(fg.scoped)) return 'fine-grained scopes that are not a list';
  for (const s of fg.scoped) {
    // A scope that names nothing would be judged as reaching anything; one named by its
    // id alone, as reaching nothing of an organization the owner is in.
    if (!isObj(s) || !isObj(s.entity) || typeof s.entity.type !== 'string' || !clean(s.entity.name)) return 'a fine-grained scope without the name of the entity it applies to';
    if (!Array.isArray(s.permissions) || !s.permissions.every((p) => typeof p === 'string')) return 'a fine-grained scope whose permissions are not a list of names';
  }
  if (Array.isArray(fg.global) && !fg.global.every((p) => typeof p === 'string')) return 'fine-grained global permissions that are not a list of names';
  return undefined;
}

/**
 * Why a 200 answer is not a whoami-v2 shape hfleaks can judge, or undefined when it is:
 * the fields the verdict relies on must have the documented types. The owner's name is a
 * string; the owner's type is user, org or app; a user's token is an access token of a
 * known role (fine-grained ones with their scopes, each naming its entity) or an OAuth
 * token. Anything else is `unknown`: a guess could grade a live token wrongly.
 */
export function whoamiProblem(json: unknown): string | undefined {
  if (!isObj(json)) return 'the answer is not a JSON object';
  if (!clean(json.name)) return "the owner's name is missing or not a string";
  const type = json.type ?? 'user';
  if (typeof type !== 'string' || !OWNER_TYPES.has(type)) return 'the owner type is not user, org or app';
  if (json.auth !== undefined && !isObj(json.auth)) return 'auth is not an object';
  // An organization without its name can't be matched with the scopes that name it.
  if (json.orgs !== undefined && (!Array.isArray(json.orgs) || !json.orgs.every((o) => isObj(o) && clean(o.name)))) return 'an organization without its name';
  const auth = isObj(json.auth) ? json.auth : {};
  if (auth.accessToken !== undefined) {
    if (!isObj(auth.accessToken)) return 'accessToken is not an object';
    const role = auth.accessToken.role;
    if (typeof role !== 'string' || !ROLES.has(role)) return "the token's role is missing or not read, write or fineGrained";
    // (A fineGrained object is read whatever the role says, so it is checked too.)
    if (role === 'fineGrained' || isObj(auth.accessToken.fineGrained)) return fineGrainedProblem(auth.accessToken.fineGrained);
    return undefined;
  }
  // Without an access token: an OAuth token, an organization API token or an app token.
  if (type === 'user' && auth.type !== 'oauth') return 'it shows neither an access token nor an OAuth token';
  return undefined;
}

/**
 * The Verification for a 200 answer, or undefined when the body isn't a shape the Hub
 * gives (see whoamiProblem; the caller then reports `unknown`).
 */
export function parseWhoami(json: unknown, ctx: WhoamiContext = {}): Verification | undefined {
  if (whoamiProblem(json) !== undefined || !isObj(json)) return undefined;
  const name = clean(json.name);
  const auth = isObj(json.auth) ? json.auth : undefined;
  const ownerType = clean(json.type, 40) ?? 'user';
  const v: Verification = { status: 'valid', httpStatus: 200 };
  // A full name or a token's name can be an e-mail address: none goes into a report.
  const fullname = personal(json.fullname);
  v.owner = { name: name ?? '?', type: ownerType, ...(fullname && fullname !== name ? { fullname } : {}) };
  const at = auth && isObj(auth.accessToken) ? auth.accessToken : undefined;
  const authType = clean(auth?.type, 40);
  if (at) {
    const tn = personal(at.displayName);
    if (tn) v.tokenName = tn;
    const role = clean(at.role, 40);
    if (role) v.role = role;
    const created = clean(at.createdAt, 40);
    if (created) v.createdAt = created;
  }
  const expires = clean(auth?.expiresAt, 40) ?? clean(at?.expiresAt, 40);
  if (expires) v.expiresAt = expires;
  const fg = at && (v.role === 'fineGrained' || isObj(at.fineGrained)) ? fineGrainedOf(at) : undefined;
  if (fg) v.fineGrained = fg;

  // Organizations: the owner's role and the token's effective access there.
  const orgs: OrgAccess[] = [];
  const rawOrgs = Array.isArray(json.orgs) ? json.orgs : [];
  const classic = v.role === 'read' || v.role === 'write';
  // The scopes by the organization they name, once: thousands of scopes against thousands
  // of organizations would otherwise cost seconds per answer.
  const scopesOnOrg = new Map<string, ScopedEntity[]>();
  const scopesOnRepos = new Map<string, ScopedEntity[]>();
  for (const sc of fg?.scoped ?? []) {
    const owner = REPO_TYPES.has(sc.type) ? repoOwner(sc.name) : undefined;
    const [map, key] = sc.type === 'org' ? [scopesOnOrg, sc.name] : owner !== undefined ? [scopesOnRepos, owner] : [undefined, ''];
    const list = map?.get(key);
    if (list) list.push(sc);
    else map?.set(key, [sc]);
  }
  for (const o of rawOrgs) {
    if (!isObj(o)) continue;
    const orgName = clean(o.name);
    if (!orgName) continue;
    const roleInOrg = clean(o.roleInOrg, 40);
    const allowed = roleLevel(roleInOrg);
    let access: Level;
    let summary: string;
    if (fg) {
      const onOrg = scopesOnOrg.get(orgName) ?? [];
      const onRepos = scopesOnRepos.get(orgName) ?? [];
      const orgPerms = onOrg.flatMap((s) => s.permissions);
      const asked = levelOf(orgPerms);
      const orgWide = min(asked, allowed);
      const perRepo = min(levelOf(onRepos.flatMap((s) => s.permissions)), allowed);
      access = max(orgWide, perRepo);
      if (onOrg.length && rank(asked) === 0) {
        // A scope names it but asks nothing of its repositories (discussion.write alone).
        const side = sideOf(orgPerms);
        summary = side.length ? `no access to its repositories; the token can ${side.join(', and ')} there` : 'no access through this token (its scope there grants no permission)';
      } else if (onOrg.length && rank(orgWide) === 0) {
        summary = 'no access through this token'; // the owner's role allows none: said below
      } else {
        summary = orgSummary(orgWide, roleInOrg, v.role, 'fine');
      }
      if (rank(orgWide) === 0 && onRepos.length) {
        summary = `${perRepo === 'read' ? 'reads' : perRepo === 'none' ? 'names but cannot use' : 'reads and writes'} ${onRepos.length} of its repositories named one by one (${onRepos.slice(0, 3).map((s) => s.name).join(', ')}${onRepos.length > 3 ? ', …' : ''})`;
      } else if (onRepos.length) {
        summary += `, and ${onRepos.length} of its repositories named one by one`;
      }
      if (rank(asked) > rank(allowed)) summary += ` (the scopes ask for more, but the owner is only ${roleInOrg} there)`;
    } else if (classic) {
      access = v.role === 'read' ? min('read', allowed) : allowed;
      summary = orgSummary(access, roleInOrg, v.role, 'classic');
    } else {
      // OAuth, org and app tokens: the Hub doesn't say what the token may do in each org.
      access = min(allowed, 'read');
      summary = authType === 'oauth' ? 'membership shown; what the token may do there depends on its OAuth scopes' : 'membership shown; the token\'s access there is not reported';
    }
    if (!knownRole(roleInOrg) && rank(access) > 0 && (fg || classic)) {
      summary += ` (the answer ${roleInOrg ? `gives the owner's role there as "${roleInOrg}", which the Hub does not document` : "does not give the owner's role there"}: judged as admin)`;
    }
    orgs.push({ name: orgName, ...(roleInOrg ? { roleInOrg } : {}), access, summary });
  }
  // A list, even an empty one, is a known membership: a scope on an organization it doesn't
  // name reaches nothing. Without a list the membership is unknown.
  if (Array.isArray(json.orgs)) v.orgs = orgs;

  // What the token can do at all.
  let note: string | undefined;
  if (fg) {
    const levels: Level[] = [];
    let readsPrivate = fg.canReadGatedRepos === true;
    const side = new Set<string>();
    for (const p of fg.global) {
      const l = permissionLevel(p);
      if (l === 'side') side.add(SIDE.get(p)!);
      else levels.push(l);
    }
    for (const s of fg.scoped) {
      // A scope on an organization the owner no longer belongs to reaches nothing.
      const cap = scopeCap(s, v.orgs);
      for (const p of s.permissions) {
        const l = permissionLevel(p);
        if (l === 'side') {
          side.add(SIDE.get(p)!);
          continue;
        }
        const eff = min(l, cap);
        levels.push(eff);
        if (rank(eff) > 0 && readsContent(p)) readsPrivate = true;
      }
    }
    v.canWrite = levels.some((l) => rank(l) >= rank('write'));
    v.canReadPrivate = readsPrivate;
    if (side.size) note = `can ${[...side].join(', and ')}`;
  } else if (classic) {
    v.canWrite = v.role === 'write';
    v.canReadPrivate = true;
  } else if (authType === 'oauth' || ownerType === 'app') {
    // OAuth and Trusted Publisher (app) tokens carry OAuth-style scopes: the same rules
    // apply. An app answer's scope object wins; the token's own JWT is the fallback.
    const scope = (authType === 'oauth' ? undefined : appScope(json.scope)) ?? clean(auth?.scope, 500) ?? ctx.jwtScope;
    Object.assign(v, scopeCapabilities(scope));
    if (scope) note = `scope ${scopeNames(scope).join(', ')}`;
  } else if (ownerType === 'org') {
    // A legacy organization API token acts for its organization; it reads at least, and
    // nothing in the answer shows it writing.
    v.canWrite = false;
    v.canReadPrivate = true;
  }
  // Both are always said for a valid token: false where nothing in the answer shows the ability.
  v.canWrite ??= false;
  v.canReadPrivate ??= false;
  v.summary = summarize(v, authType, note);
  // The report lists the first ones; the verdict and the summary read them all.
  if (v.orgs && v.orgs.length > MAX_ORGS) {
    v.orgsTotal = v.orgs.length;
    v.orgs = v.orgs.slice(0, MAX_ORGS);
  }
  if (v.fineGrained && v.fineGrained.scoped.length > MAX_SCOPED) {
    v.fineGrained.scopedTotal = v.fineGrained.scoped.length;
    v.fineGrained.scoped = v.fineGrained.scoped.slice(0, MAX_SCOPED);
  }
  return v;
}

function ownerText(v: Verification): string {
  const o = v.owner;
  if (!o) return 'an unknown owner';
  const kind = o.type === 'user' ? '' : o.type === 'org' ? 'organization ' : `${o.type} `;
  return `${kind}${o.name}${o.fullname ? ` (${o.fullname})` : ''}`;
}

function tokenKind(v: Verification, authType: string | undefined): string {
  if (v.role === 'fineGrained') return 'fine-grained token';
  if (v.role) return `${v.role} token`;
  if (authType === 'oauth') return 'OAuth token';
  if (v.owner?.type === 'org') return 'organization API token';
  if (v.owner?.type === 'app') return 'app token';
  return 'token';
}

/**
 * A user scope's access to that user's repositories. Inference, discussion and post
 * permissions (or none at all) leave them untouched: level 'none'.
 */
function ownLevelWords(l: Level): string {
  if (l === 'none') return 'no access to';
  return l === 'read' ? 'reads' : 'reads and writes';
}

/** What the token does with its owner's own account, in words. */
function ownReach(v: Verification, authType: string | undefined, note: string | undefined): string {
  const who = v.owner?.name ?? 'the owner';
  if (v.fineGrained) {
    const fg = v.fineGrained;
    const parts: string[] = [];
    const own = fg.scoped.filter((s) => s.type === 'user');
    const repos = fg.scoped.filter((s) => REPO_TYPES.has(s.type));
    if (own.length) parts.push(`${ownLevelWords(levelOf(own.flatMap((s) => s.permissions)))} ${own.map((s) => s.name).join(', ')}'s repositories`);
    if (repos.length) parts.push(`reaches ${repos.length} repositor${repos.length === 1 ? 'y' : 'ies'} named one by one (${repos.slice(0, 3).map((s) => s.name).join(', ')}${repos.length > 3 ? ', …' : ''})`);
    if (fg.canReadGatedRepos) parts.push('reads gated repositories its owner accepted');
    if (fg.global.length) parts.push(`global permissions ${fg.global.join(', ')}`);
    // Scopes on organizations the owner is not in appear under no organization: say so here.
    const nowhere = fg.scoped.filter((s) => s.type === 'org' && v.orgs && !orgIndex(v.orgs).has(s.name));
    if (nowhere.length) parts.push(`scopes on ${names(nowhere.map((s) => s.name))} reach nothing (${who} is not a member)`);
    if (!parts.length) parts.push(fg.scoped.length ? `nothing of ${who}'s own` : 'no scopes at all');
    return parts.join('; ');
  }
  if (v.role === 'write') return `reads and writes ${who}'s repositories, private ones included`;
  if (v.role === 'read') return `reads ${who}'s repositories, private and gated ones included`;
  if (authType === 'oauth') {
    if (!note) return 'its OAuth scopes are not known';
    if (v.canWrite) return `acts for ${who} with write scopes (${note})`;
    if (v.canReadPrivate) return `reads ${who}'s repositories through its OAuth scopes (${note})`;
    return `${note}: neither writing nor reading private repositories`;
  }
  if (v.owner?.type === 'app') {
    if (!note) return 'its scopes are not known';
    if (v.canWrite) return `acts for ${who} with write scopes (${note})`;
    if (v.canReadPrivate) return `reads repositories through its scopes (${note})`;
    return `${note}: neither writing nor reading private repositories`;
  }
  if (v.owner?.type === 'org') return `acts for the organization ${who}`;
  return note ?? 'what it may do is not reported';
}

/** A list of names in a sentence: the first 20, then how many more. */
function names(list: readonly string[]): string {
  return list.length > 20 ? `${list.slice(0, 20).join(', ')} and ${list.length - 20} more` : list.join(', ');
}

export function summarize(v: Verification, authType?: string, note?: string): string {
  const name = v.tokenName ? ` "${v.tokenName}"` : '';
  const created = v.createdAt ? `, created ${v.createdAt.slice(0, 10)}` : '';
  const expires = v.expiresAt ? `, expires ${v.expiresAt.slice(0, 19).replace('T', ' ')}` : '';
  let s = `valid ${tokenKind(v, authType)}${name} of ${ownerText(v)}${created}${expires}: ${ownReach(v, authType, note)}`;
  if (note && v.fineGrained) s += `; ${note}`;
  if (v.orgs?.length) {
    // Organizations with the same answer share one clause.
    const groups = new Map<string, string[]>();
    for (const o of v.orgs) {
      const group = groups.get(o.summary) ?? [];
      group.push(`${o.name}${o.roleInOrg ? ` (${o.roleInOrg})` : ''}`);
      groups.set(o.summary, group);
    }
    s += `. Organizations: ${[...groups].map(([what, list]) => `${names(list)}: ${what}`).join('; ')}`;
  }
  return `${s}.`;
}
