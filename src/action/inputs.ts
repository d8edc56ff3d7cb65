// The GitHub Action's inputs and event, read from the runner's environment, and the
// hfleaks command they translate to. Plain functions of data, tested without a runner.
import type { Severity } from '../core/types.ts';
import { SEVERITIES } from '../core/types.ts';

export interface ActionInputs {
  verify: boolean;
  reach: boolean;
  revoke: boolean;
  failOn: Severity;
  baseline?: string;
  endpoint?: string;
  path: string;
  args: string[];
}

export class ActionError extends Error {}

/** `INPUT_FAIL-ON` style variables, as the runner sets them. */
export function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function bool(env: NodeJS.ProcessEnv, name: string, dflt: boolean): boolean {
  const v = input(env, name).toLowerCase();
  if (!v) return dflt;
  if (['true', 'yes', '1', 'on'].includes(v)) return true;
  if (['false', 'no', '0', 'off'].includes(v)) return false;
  throw new ActionError(`input ${name}: "${v}" is not true or false`);
}

/** Splits the `args` input like a shell would for simple quoting. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:\\.|[^"\\])*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]!));
  return out;
}

export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const failOn = (input(env, 'fail-on') || 'low').toLowerCase() as Severity;
  if (!SEVERITIES.includes(failOn)) throw new ActionError(`input fail-on: "${failOn}" is not one of ${SEVERITIES.join(', ')}`);
  const baseline = input(env, 'baseline');
  const endpoint = input(env, 'endpoint');
  return {
    verify: bool(env, 'verify', false),
    reach: bool(env, 'reach', false),
    revoke: bool(env, 'revoke', false),
    failOn,
    ...(baseline ? { baseline } : {}),
    ...(endpoint ? { endpoint } : {}),
    path: input(env, 'path') || '.',
    args: splitArgs(input(env, 'args')),
  };
}

export const ZERO_SHA = /^0{40}$/;

/** What to scan, from the event. */
export type Plan =
  | { kind: 'range'; base: string; head: string; why: string; fallbackBase?: string }
  | { kind: 'audit'; why: string }
  | { kind: 'nothing'; why: string };

export function planFor(eventName: string, payload: any): Plan {
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const base = payload?.pull_request?.base?.sha;
    const head = payload?.pull_request?.head?.sha;
    if (typeof base !== 'string' || typeof head !== 'string') throw new ActionError(`${eventName} event without pull_request.base.sha and head.sha`);
    return { kind: 'range', base, head, why: `pull request #${payload.pull_request.number ?? '?'}: ${base.slice(0, 7)}..${head.slice(0, 7)}` };
  }
  if (eventName === 'push') {
    const before = payload?.before;
    const after = payload?.after;
    if (typeof after !== 'string' || ZERO_SHA.test(after)) return { kind: 'nothing', why: 'push deleted a branch' };
    if (before === after) return { kind: 'nothing', why: `push with no new commits (${after.slice(0, 7)})` };
    const dflt = payload?.repository?.default_branch;
    if (typeof before !== 'string' || ZERO_SHA.test(before)) {
      // The push that creates the default branch (a new repository's first push) has
      // nothing to compare with: all it brought is new, so the whole history.
      if (typeof dflt === 'string' && payload?.ref === `refs/heads/${dflt}`) {
        return { kind: 'audit', why: `push created the default branch ${dflt}: full audit` };
      }
      // A new branch: what it adds over the default branch.
      if (typeof dflt !== 'string') throw new ActionError('push of a new branch, and the event names no default branch to compare with');
      return { kind: 'range', base: `origin/${dflt}`, head: after, why: `new branch: origin/${dflt}..${after.slice(0, 7)}` };
    }
    return {
      kind: 'range', base: before, head: after, why: `push ${before.slice(0, 7)}..${after.slice(0, 7)}${payload.forced ? ' (forced)' : ''}`,
      ...(typeof dflt === 'string' ? { fallbackBase: `origin/${dflt}` } : {}),
    };
  }
  return { kind: 'audit', why: `${eventName || 'manual'} run: full audit` };
}

/** Escapes for workflow commands (`::error file=...::message`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
