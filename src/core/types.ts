// Plain data shared by every stage: sources produce bytes, the detector produces
// matches, aggregation turns matches into findings, reporters print findings.

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** How the bytes that held a token were decoded before the token showed. */
export type Decoding = 'base64' | 'percent' | 'hex' | 'escape' | 'utf16le' | 'utf16be' | 'utf32le' | 'utf32be' | 'gzip' | 'zip';

export interface RuleFilters {
  /** Reject placeholder bodies (xxxx, repeated letters, alphabet runs, your_token_here). */
  placeholder: boolean;
  /** Minimum Shannon entropy of the body, in bits per character. */
  minEntropy?: number;
  /** The body is a JWT: decode its payload offline and report exp/scope. */
  jwt?: boolean;
  /** Real tokens of this kind are random mixed case: require 3+ upper- and 3+ lower-case letters. */
  mixedCase?: boolean;
}

export interface RuleExamples {
  /** Each must produce exactly one match (templates expand with a seeded generator). */
  positive: string[];
  /** Each must produce no match. */
  negative: string[];
}

/** A rule as data (rules/*.json or a user's config). */
export interface Rule {
  id: string;
  title: string;
  description: string;
  /** Literal prefix(es) every match starts with; the byte-level prefilter searches these. */
  keywords: string[];
  /** Regex source matching the whole token, anchored at a keyword. */
  pattern: string;
  /** Regex flags (only `i` is meaningful). */
  flags?: string;
  /** Longest token the pattern can match, in characters (bounds the window the regex sees). */
  maxLength: number;
  severity: Severity;
  filters: RuleFilters;
  examples: RuleExamples;
  /** The file the rule came from (for messages). */
  source: string;
  /** A shipped rule: runs on V8's regex engine. User rules run on a linear-time engine. */
  trusted?: boolean;
}

export interface JwtInfo {
  /** Expiry (ISO 8601) where the payload has `exp`. */
  expiresAt?: string;
  expired?: boolean;
  scope?: string;
  issuer?: string;
  subject?: string;
}

/** One occurrence of a token in one stream of bytes, before aggregation. */
export interface Match {
  ruleId: string;
  secret: string;
  /** Byte offset in the source stream where the token (or its encoded form) starts. */
  offset: number;
  line: number;
  column: number;
  decoding?: Decoding[];
  jwt?: JwtInfo;
  /** The line carries an `hfleaks:allow` marker. */
  allowed?: boolean;
  /** Short text around the match, for context-aware advice (never printed raw). */
  context?: string;
}

export interface Location {
  /** Relative to the scanned root, `/` separators; `archive.zip!member` for archive members. */
  path: string;
  line: number;
  column: number;
  decoding?: Decoding[];
  /** Git provenance (history scans). */
  commit?: string;
  author?: string;
  date?: string;
  inHead?: boolean;
  /** In an object no ref reaches (history --unreachable): a reflog's commit, a dropped stash, a blob never committed. */
  unreachable?: boolean;
}

export type VerificationStatus = 'valid' | 'invalid' | 'unknown' | 'skipped';

/** What an organization's members can do through this token, in plain terms. */
export interface OrgAccess {
  name: string;
  /** The owner's role in the org, as the Hub reports it (read, contributor, write, admin). */
  roleInOrg?: string;
  /** Effective access through this token: the lesser of token role and org role, or the fine-grained scopes. */
  access: 'none' | 'read' | 'write' | 'admin';
  /** One sentence a person reads. */
  summary: string;
}

export interface ScopedEntity {
  type: string;
  name: string;
  permissions: string[];
}

export interface Reach {
  total: number;
  private: number;
  byType: { model: number; dataset: number; space: number };
  /** A few repository names, as examples. */
  examples: string[];
  /** True when the listing stopped early (the request bound, or a listing that failed): the counts are a floor. */
  truncated: boolean;
  /** Why the listing is incomplete (a listing failed, a next page pointed elsewhere). */
  reason?: string;
}

/** The Hub's answer about one token (whoami-v2, and with --reach the listings). */
/** The reason of a `skipped` verdict when verification was off: reports need not repeat it. */
export const NOT_REQUESTED = 'verification not requested (--verify)';

export interface Verification {
  status: VerificationStatus;
  /** Why the status is unknown or invalid, in a few words. */
  reason?: string;
  httpStatus?: number;
  endpoint?: string;
  checkedAt?: string;
  owner?: { name: string; type: string; fullname?: string };
  tokenName?: string;
  role?: 'read' | 'write' | 'fineGrained' | string;
  createdAt?: string;
  expiresAt?: string;
  orgs?: OrgAccess[];
  /** Set when the owner is in more organizations than `orgs` lists (the first 200): how many. */
  orgsTotal?: number;
  /** `scopedTotal`: set when the token has more scopes than `scoped` lists (the first 500). */
  fineGrained?: { global: string[]; canReadGatedRepos?: boolean; scoped: ScopedEntity[]; scopedTotal?: number };
  /** The token can write or administer something. */
  canWrite?: boolean;
  /** The token can read private or gated content. */
  canReadPrivate?: boolean;
  reach?: Reach;
  /** One line in plain words: owner, role, reach. */
  summary?: string;
  /** Set when hfleaks revoked the token in this run. */
  revoked?: boolean;
}

export interface Finding {
  fingerprint: string;
  rule: string;
  title: string;
  severity: Severity;
  secret: { raw: string; redacted: string; sha256: string };
  locations: Location[];
  jwt?: JwtInfo;
  /** Repositories named near the leak (from_pretrained("org/name"), repo_id=...). */
  repos?: string[];
  verification?: Verification;
  advice?: string[];
}

export interface Skipped {
  path: string;
  reason: string;
}

export interface ScanStats {
  files: number;
  bytes: number;
  blobs?: number;
  commits?: number;
  skipped: Skipped[];
  warnings: string[];
  suppressed: number;
  /** Findings left out because the --baseline file holds their fingerprint. */
  baselined?: number;
  durationMs: number;
  shallow?: boolean;
  missingObjects?: number;
  /** With --unreachable: the commits, blobs and annotated tags no ref reaches that git listed (each was read, as far as the size cap allows). */
  unreachable?: { commits: number; blobs: number; tags: number };
  /** Files (or members, blobs) by what they held: binary, invalid UTF-8, a line of 8 MB or more. */
  content?: { binary: number; invalidUtf8: number; longLines: number };
}

export interface ScanResult {
  findings: Finding[];
  stats: ScanStats;
}
