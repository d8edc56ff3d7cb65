// Groups matches into findings: one finding per unique secret and rule, with all its
// locations, a fingerprint from the rule and a hash of the secret (never from line
// numbers), allow markers and ignored fingerprints applied.
import { lazyBuiltin } from '../core/lazy.ts';

const crypto = lazyBuiltin<typeof import('node:crypto')>('node:crypto');
import type { Finding, Location, Match, Rule, Severity } from '../core/types.ts';
import { redact, scrubber, scrubPathTokens } from './redact.ts';
import { reposNear } from './context.ts';

export const MAX_LOCATIONS = 10_000;

export function sha256(s: string): string {
  return crypto().createHash('sha256').update(s).digest('hex');
}

export function fingerprintOf(ruleId: string, secret: string): string {
  return fingerprintFromHash(ruleId, sha256(secret));
}

/** A finding's fingerprint from its rule and the hex SHA-256 of its secret: the first 16 digits are kept. */
export function fingerprintFromHash(ruleId: string, hash: string): string {
  return `${ruleId}:${hash.slice(0, 16)}`;
}

interface Group {
  finding: Finding;
  seen: Set<string>;
  repos: Set<string>;
}

export interface Aggregator {
  add(path: string, m: Match, extra?: Partial<Location>): void;
  /** Adds provenance or other details to a location already recorded. */
  findings(): Finding[];
  suppressed(): number;
  /** Raw secrets seen (for scrubbing error messages). */
  secrets(): string[];
}

/**
 * `onNew` is told of each finding as it is made, at its first location that is not
 * suppressed (verification starts then, while the scan goes on).
 */
export function createAggregator(rules: readonly Rule[], ignoredFingerprints: ReadonlySet<string> = new Set(), onNew?: (f: Finding) => void): Aggregator {
  const byRule = new Map(rules.map((r) => [r.id, r]));
  const groups = new Map<string, Group>();
  let suppressed = 0;
  const secrets = () => [...groups.values()].map((g) => g.finding.secret.raw);
  return {
    add(path, m, extra = {}) {
      const rule = byRule.get(m.ruleId);
      if (!rule) return;
      // (One hash for the fingerprint and the report's sha256: a thousand tokens cost a thousand.)
      const hash = sha256(m.secret);
      const fp = fingerprintFromHash(rule.id, hash);
      if (m.allowed || ignoredFingerprints.has(fp)) {
        suppressed++;
        return;
      }
      let g = groups.get(fp);
      if (!g) {
        const severity: Severity = m.jwt?.expired ? 'low' : rule.severity;
        g = {
          finding: {
            fingerprint: fp,
            rule: rule.id,
            title: rule.title,
            severity,
            secret: { raw: m.secret, redacted: redact(m.secret, rule.keywords), sha256: hash },
            locations: [],
            ...(m.jwt ? { jwt: m.jwt } : {}),
          },
          seen: new Set(),
          repos: new Set(),
        };
        groups.set(fp, g);
        onNew?.(g.finding);
      }
      const loc: Location = { path, line: m.line, column: m.column, ...(m.decoding ? { decoding: m.decoding } : {}), ...extra };
      // A history location without a commit (one from before a shallow boundary) has
      // inHead, and stays apart from the same place in the working tree.
      const key = `${loc.path}\0${loc.line}\0${loc.column}\0${loc.commit ?? (loc.inHead === undefined ? '' : '\0git')}`;
      if (g.seen.has(key) || g.finding.locations.length >= MAX_LOCATIONS) return;
      g.seen.add(key);
      g.finding.locations.push(loc);
      // (A token-shaped name is dropped now, so that it doesn't take one of the ten places.)
      if (m.context && g.repos.size < 10) for (const r of reposNear(m.context)) if (scrubPathTokens(r) === r) g.repos.add(r);
    },
    findings() {
      const out: Finding[] = [];
      const isRepo = repoNameCheck(secrets());
      for (const g of groups.values()) {
        const f = g.finding;
        f.locations.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column));
        const repos = [...g.repos].filter(isRepo);
        if (repos.length) f.repos = repos.sort();
        out.push(f);
      }
      const first = (f: Finding) => f.locations[0]!;
      return out.sort((a, b) => (first(a).path < first(b).path ? -1 : first(a).path > first(b).path ? 1 : first(a).line - first(b).line || a.fingerprint.localeCompare(b.fingerprint)));
    },
    suppressed: () => suppressed,
    secrets,
  };
}

/**
 * Whether a name found where a repository id goes is one: `from_pretrained("TOKEN/name")`
 * puts a token there, and so can any code around a leak. A name that holds a secret of the
 * run (in any form the redaction knows) is no repository to advise on, nor text any report
 * may print. (Names of a token's own shape were left out as they were found.)
 */
function repoNameCheck(secrets: string[]): (name: string) => boolean {
  let known: ((text: string) => string) | undefined;
  return (name) => {
    known ??= scrubber(secrets);
    return known(name) === name;
  };
}
