// The verification step as finish() sees it: flags validated up front (so a bad flag
// fails before a long scan), and the Hub client loaded only when verifying, so commands
// that don't verify (`hfleaks staged` on every commit) start without it.
import type { Finding } from '../core/types.ts';
import { NOT_REQUESTED } from '../core/types.ts';
import type { Io } from '../cli/io.ts';
import { UsageError } from '../cli/io.ts';
import { DEFAULT_BUDGET_MS, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from './defaults.ts';
import { EndpointError, resolveEndpoint } from './endpoint.ts';
import { describe } from './verify-token.ts';
import type { FoundToken, VerifyOptions } from './enrich.ts';
import type { HubClient } from './client.ts';

/** The rules whose tokens belong to the Hub: only these are ever sent there. */
export const HUB_RULES = new Set(['hf-user-access-token', 'hf-org-api-token', 'hf-oauth-access-token', 'hf-trusted-publisher-token']);

export interface VerifyArgs {
  verify?: boolean;
  reach?: boolean;
  revoke?: boolean;
  yes?: boolean;
  endpoint?: string;
  verifyConcurrency?: number;
  verifyTimeout?: number;
  verifyBudget?: number;
  quiet?: boolean;
}

export interface VerifySettings {
  endpoint: string;
  concurrency: number;
  timeoutMs: number;
  budgetMs: number;
  reach: boolean;
  revoke: boolean;
  yes: boolean;
  /** --quiet: no notes or warnings on stderr (what revocation sent is still said). */
  quiet: boolean;
}

/** Seconds above 0 as whole milliseconds, at least 1: 0.0001 s must not become a budget of 0. */
function millis(seconds: number): number {
  return Math.max(1, Math.round(seconds * 1000));
}

/** The Hub endpoint and pacing flags, validated (also what `hfleaks revoke` needs). */
export function hubSettings(io: Pick<Io, 'env'>, args: VerifyArgs): Pick<VerifySettings, 'endpoint' | 'concurrency' | 'timeoutMs' | 'budgetMs'> {
  const concurrency = args.verifyConcurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError('--verify-concurrency must be a whole number from 1 to 64');
  const timeout = args.verifyTimeout ?? DEFAULT_TIMEOUT_MS / 1000;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > 120) throw new UsageError('--verify-timeout must be a number of seconds above 0, at most 120');
  const budget = args.verifyBudget ?? DEFAULT_BUDGET_MS / 1000;
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget <= 0 || budget > 3600) throw new UsageError('--verify-budget must be a number of seconds above 0, at most 3600');
  try {
    return { endpoint: resolveEndpoint(args.endpoint, io.env), concurrency, timeoutMs: millis(timeout), budgetMs: millis(budget) };
  } catch (e) {
    if (e instanceof EndpointError) throw new UsageError(e.message);
    throw e;
  }
}

/** The verification code, loaded as soon as verification is known to be on. */
let enrichment: Promise<typeof import('./enrich.ts')> | undefined;
const loadEnrichment = () => (enrichment ??= import('./enrich.ts'));

/** Validated settings, or undefined when not verifying. --reach and --revoke imply --verify. */
export function verifySettings(io: Pick<Io, 'env' | 'stdinIsTTY'>, args: VerifyArgs): VerifySettings | undefined {
  // --no-verify promises an offline run: a flag that needs the Hub beside it is a contradiction, not an override.
  if (args.verify === false && (args.reach || args.revoke)) {
    throw new UsageError(`--no-verify and --${args.reach ? 'reach' : 'revoke'} contradict each other: ${args.reach ? '--reach' : '--revoke'} asks the Hub about each token`);
  }
  // Not verifying: HF_ENDPOINT is none of our business (it may point at a mirror scans never use).
  if (!(args.verify || args.reach || args.revoke)) return undefined;
  const hub = hubSettings(io, args);
  if (args.revoke && !args.yes && !io.stdinIsTTY) {
    throw new UsageError('--revoke needs --yes when standard input is not a terminal (hfleaks cannot ask for confirmation)');
  }
  enrichment = import('./enrich.ts'); // loaded before the scan, used after it
  enrichment.catch(() => undefined);
  return { ...hub, reach: Boolean(args.reach), revoke: Boolean(args.revoke), yes: Boolean(args.yes), quiet: Boolean(args.quiet) };
}

/**
 * Verification begun while the scan goes on: each token is asked about as it is first
 * found (prefetchTokens: only what the report's verification would send), and the
 * answers wait in the client that finish() then hands to verifyStep.
 */
export interface EarlyVerifier {
  /** A token just found, in a place not suppressed: asked about now (or once the code is loaded). */
  found(f: FoundToken): void;
  /** The client holding the answers; undefined when nothing was found. */
  client(): Promise<HubClient | undefined>;
  /** Ends it for good: what is in flight is cut off and nothing more is sent (a run stopped by an error). */
  close(): void;
}

export function earlyVerifier(settings: VerifySettings): EarlyVerifier {
  let hub: HubClient | undefined;
  let send: ((found: FoundToken[]) => void) | undefined;
  let loading: Promise<void> | undefined;
  let closed = false;
  // The tokens found in one stretch of synchronous work go together (one check of their
  // shapes), once it ends: a flush is due while any wait.
  const waiting: FoundToken[] = [];
  const flush = () => {
    if (!closed && send) send(waiting.splice(0));
  };
  const load = () =>
    (loading ??= loadEnrichment().then((m) => {
      if (closed) return;
      const client = (hub = m.clientFor(settings));
      send = (found) => m.prefetchTokens(client, found);
      flush();
    }));
  return {
    found(f) {
      if (closed || waiting.push(f) > 1) return;
      if (send) queueMicrotask(flush);
      // (A failure to load shows when verifyStep loads the same module.)
      else load().catch(() => undefined);
    },
    async client() {
      await loading?.catch(() => undefined);
      return hub;
    },
    close() {
      closed = true;
      hub?.close();
    },
  };
}

export interface VerifyOutcome {
  /** A failure to report after the output is written (exit 2): a revocation that didn't go through. */
  error?: string;
}

/**
 * finish()'s verification step: verifies the findings in place (verification, severity,
 * reach, revocation), or marks them `skipped` when not verifying (no settings).
 */
export async function verifyStep(io: Io, settings: VerifySettings | undefined, findings: Finding[], warn: (m: string) => void, opts: VerifyOptions = {}): Promise<VerifyOutcome> {
  if (!settings) {
    for (const f of findings) f.verification ??= describe({ status: 'skipped', reason: NOT_REQUESTED });
    return {};
  }
  if (!findings.length) return {};
  const { verifyFindings } = await loadEnrichment();
  return verifyFindings(io, settings, findings, warn, opts);
}
