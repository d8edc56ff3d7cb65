// The GitHub Action: scans exactly what a pull request (or push) adds, or runs the full
// audit on schedule/workflow_dispatch; writes annotations, a job summary, SARIF and the
// outputs `findings`, `exit-code` and `sarif-file`. It drives the CLI in-process.
import { messageOf } from '../core/places.ts';
import { parseJson } from '../core/json-error.ts';
import { plural } from '../core/words.ts';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Finding, Severity } from '../core/types.ts';
import { SEVERITIES } from '../core/types.ts';
import { isDead } from '../verify/severity.ts';
import type { Io } from '../cli/io.ts';
import { processIo, withIo } from '../cli/io.ts';
import { main } from '../cli/main.ts';
import { renderReport } from '../cli/render.ts';
import { VERSION, writePrivateFile } from '../cli/session.ts';
import { scrubTokenShapes } from '../findings/redact.ts';
import type { Report } from '../report/types.ts';
import { ensureFullHistory, ensureRange, partialCloneFilter, repoTop } from './fetch.ts';
import { ActionError, type ActionInputs, escapeData, escapeProperty, planFor, readInputs } from './inputs.ts';

const MAX_ANNOTATIONS = 50;

function level(s: Severity): 'error' | 'warning' | 'notice' {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'notice';
}

/** What an annotation asks for: what this run learned of the token decides. */
function todo(f: Finding, inCode: boolean): string {
  const then = (what: string, joiner: string) => `${what}${inCode ? `${joiner}move it out of the code` : ''} (see the job summary).`;
  if (f.verification?.revoked) return then('Revoked by hfleaks in this run', '; ');
  if (isDead(f.verification, f.jwt?.expired)) return then('It no longer works: nothing to revoke', '; ');
  return then('Revoke it', ', then ');
}

export function annotations(findings: Finding[], prefix: string): string[] {
  const out: string[] = [];
  for (const f of findings) {
    const v = f.verification;
    const status = v && v.status !== 'skipped' ? `, ${v.revoked ? 'revoked' : v.status}${v.role ? ` ${v.role}` : ''} token${v.owner ? ` of ${v.owner.name}` : ''}` : '';
    for (const l of f.locations) {
      if (out.length >= MAX_ANNOTATIONS) return out;
      const where = l.commit ? ` (added in ${l.commit.slice(0, 12)})` : '';
      const title = `title=${escapeProperty(`hfleaks: ${f.rule}`)}`;
      // A commit or tag message (`<commit message>`) is in no file: an annotation of the run.
      const message = messageOf(l.path);
      if (message) {
        const inWhat = message === 'commit message' ? 'in a commit message' : `in the message of ${message}`;
        out.push(`::${level(f.severity)} ${title}::${escapeData(`${f.title}: ${f.secret.redacted}${status} ${inWhat}${where}. ${todo(f, false)}`)}`);
        continue;
      }
      const msg = `${f.title}: ${f.secret.redacted}${status}${where}. ${todo(f, true)}`;
      const file = prefix ? `${prefix}/${l.path}` : l.path;
      out.push(`::${level(f.severity)} file=${escapeProperty(file)},line=${l.line},col=${l.column},${title}::${escapeData(msg)}`);
    }
  }
  return out;
}

function setOutput(env: NodeJS.ProcessEnv, name: string, value: string): void {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}\n`);
}

function summary(env: NodeJS.ProcessEnv, text: string): void {
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, text.endsWith('\n') ? text : `${text}\n`);
}

function cliArgs(inputs: ActionInputs, sarif: string): string[] {
  const a = ['--format', 'text', '--sarif', sarif, '--no-progress', '--no-color'];
  // reach and revoke need the Hub: they imply verification (--no-verify beside them is an error).
  a.push(inputs.verify || inputs.reach || inputs.revoke ? '--verify' : '--no-verify');
  if (inputs.reach) a.push('--reach');
  if (inputs.revoke) a.push('--revoke', '--yes');
  if (inputs.baseline) a.push('--baseline', inputs.baseline);
  if (inputs.endpoint) a.push('--endpoint', inputs.endpoint);
  return [...a, ...inputs.args];
}

/** A SARIF log without results at `path`: a scan of nothing (no commit to read) found nothing. */
async function writeEmptySarif(path: string): Promise<void> {
  const empty: Report = { command: 'history', version: VERSION, findings: [], stats: { files: 0, bytes: 0, skipped: [], warnings: [], suppressed: 0, durationMs: 0 } };
  writePrivateFile(path, await renderReport('sarif', empty, { showSecrets: false, color: false }));
}

/** Runs the Action against the runner's environment; returns the process exit code. */
export async function runAction(env: NodeJS.ProcessEnv, io: Io = processIo()): Promise<number> {
  const say = (s: string) => io.stdout(`${s}\n`);
  /** Whether the `sarif-file` output is set, and whether a report was written there. */
  let sarifOut = false;
  let reported = false;
  // Exit 2: the step fails. `findings` counts what a report that stands despite the
  // failure holds (its annotations are already out).
  const fail = (text: string, findings = 0, what = 'the scan failed') => {
    // (The CLI redacts its errors already; the step's error is printed outside the scan's
    // stop-commands, so nothing token-shaped goes there, whatever its source.)
    const msg = scrubTokenShapes(text);
    say(`::error title=hfleaks::${escapeData(msg)}`);
    setOutput(env, 'findings', String(findings));
    setOutput(env, 'exit-code', '2');
    summary(env, `### hfleaks: ${what}\n\n${msg}\n`);
    // A run that wrote no report leaves `sarif-file` empty, and the upload step skips it
    // (`if: always() && steps.hfleaks.outputs.sarif-file != ''`): a SARIF log without
    // results would tell code scanning that every open alert of the category was fixed.
    if (sarifOut && !reported) setOutput(env, 'sarif-file', '');
    return 2;
  };
  try {
    const inputs = readInputs(env);
    const workspace = env.GITHUB_WORKSPACE ?? io.cwd;
    const repo = resolve(workspace, inputs.path);
    const eventName = env.GITHUB_EVENT_NAME ?? '';
    let payload: unknown = {};
    if (env.GITHUB_EVENT_PATH) {
      let text: string;
      try {
        text = readFileSync(env.GITHUB_EVENT_PATH, 'utf8');
      } catch (e) {
        throw new ActionError(`cannot read the event payload ${env.GITHUB_EVENT_PATH}: ${(e as Error).message}`);
      }
      // (V8's message would quote the payload, a pull request's text among it.)
      payload = parseJson(text, (problem) => new ActionError(`cannot read the event payload ${env.GITHUB_EVENT_PATH}: ${problem}`));
    }
    const plan = planFor(eventName, payload);
    // One file per step: two hfleaks steps in a job (GITHUB_ACTION names the step) must not share it.
    const step = (env.GITHUB_ACTION ?? '').replace(/[^A-Za-z0-9_-]/g, '_');
    const sarif = join(env.RUNNER_TEMP ?? tmpdir(), `hfleaks-${env.GITHUB_RUN_ID ?? process.pid}${step ? `-${step}` : ''}.sarif`);
    setOutput(env, 'sarif-file', sarif);
    sarifOut = true;
    say(`hfleaks ${VERSION}: ${plan.why}`);
    let args: string[];
    if (plan.kind === 'nothing') {
      await writeEmptySarif(sarif);
      reported = true;
      setOutput(env, 'findings', '0');
      setOutput(env, 'exit-code', '0');
      summary(env, `### hfleaks\n\nNothing to scan: ${plan.why}.\n`);
      return 0;
    }
    if (plan.kind === 'range') {
      const r = await ensureRange(repo, plan.base, plan.head, plan.fallbackBase);
      for (const n of r.notes) say(n);
      args = ['history', repo, '--range', `${r.base}..${r.head}`, ...cliArgs(inputs, sarif)];
    } else {
      for (const n of await ensureFullHistory(repo)) say(n);
      args = ['audit', repo, ...cliArgs(inputs, sarif)];
    }
    let report: Report | undefined;
    // The scan's own output quotes file names and other text from the repository: the
    // runner must not read any of it as a workflow command (a file named
    // "x\n::error::…" in a fork's pull request). Commands resume with a one-off token.
    const resume = randomBytes(16).toString('hex');
    say(`::stop-commands::${resume}`);
    let code: number;
    // The CLI's one-line error, for the step's: a failed revocation comes after the report.
    let lastError = '';
    const stderr = (s: string) => {
      if (s.startsWith('hfleaks: ')) lastError = s.slice('hfleaks: '.length).trim();
      io.stderr(s);
    };
    try {
      code = await main(args, withIo(io, { cwd: workspace, stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false, stderr, onReport: (r) => (report = r) }));
    } finally {
      say(`::${resume}::`);
    }
    if (!report) return fail(lastError || 'hfleaks could not complete the scan; see the log above.');
    reported = true;
    const found = report.findings.length;
    // History paths (and the audit's) are relative to the top of the repository, which
    // the `path` input may name a directory below.
    const prefix = relative(workspace, await repoTop(repo)).split('\\').join('/');
    for (const line of annotations(report.findings, prefix)) say(line);
    // The headline of a run that found nothing reads clean: not for a scan that missed objects.
    const missing = report.stats.missingObjects ?? 0;
    if (found || !missing) summary(env, await renderReport('markdown', report, { showSecrets: false, color: false }));
    if (code === 2) {
      // The report stands (annotated and summarised above); a step after it failed, a
      // revocation that did not go through.
      return fail(lastError || 'hfleaks could not complete the run; see the log above.', found, 'the run failed after the scan');
    }
    const threshold = SEVERITIES.indexOf(inputs.failOn);
    // A token the Hub could not judge (an outage, a rate limit: `unknown`, graded medium)
    // may be live and may write: it fails the step whatever fail-on says, or a Hub
    // outage would let a pull request carrying a live token through a `fail-on: high`.
    const atOrAbove = report.findings.filter((f) => SEVERITIES.indexOf(f.severity) >= threshold).length;
    const unjudged = report.findings.filter((f) => SEVERITIES.indexOf(f.severity) < threshold && f.verification?.status === 'unknown').length;
    const exit = atOrAbove + unjudged > 0 ? 1 : 0;
    if (missing) {
      const filter = await partialCloneFilter(repo);
      const msg = `${missing} git object${missing === 1 ? ' was' : 's were'} missing from the checkout and not scanned${filter ? ` (a partial clone, filter ${filter})` : ''}: check out without a filter (actions/checkout without \`filter\`) or fetch the missing objects, and run again`;
      // Findings that fail the step already do; otherwise a scan that missed objects fails it.
      if (!exit) return fail(`${found ? '' : 'no tokens found, but '}${msg}`, found, 'the scan is incomplete');
      say(`::warning title=hfleaks::${escapeData(msg)}`);
    }
    setOutput(env, 'findings', String(found));
    setOutput(env, 'exit-code', String(exit));
    if (exit) {
      const why = [
        ...(atOrAbove ? [`${plural(atOrAbove, 'leaked Hugging Face token')} at or above severity ${inputs.failOn}`] : []),
        ...(unjudged ? [`${plural(unjudged, 'leaked Hugging Face token')} the Hub could not judge (verification unknown: treated as live)`] : []),
      ];
      say(`::error title=hfleaks::${why.join('; ')}`);
    }
    return exit;
  } catch (e) {
    return fail(e instanceof ActionError ? e.message : `${(e as Error).message}`.split('\n')[0]!);
  }
}
