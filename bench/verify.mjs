#!/usr/bin/env node
// `npm run bench:verify`: 1,000 unique tokens through `hfleaks verify` against the fake
// Hub (test/helpers/fake-hub.mjs) with 20 ms of latency on every answer and a burst of
// 429s with Retry-After part-way through. Checks that every verdict is right (valid with
// the right role and owner, or invalid) and compares the total time with the ideal
// tokens / concurrency x latency.
//
//   npm run bench:verify                              defaults below
//   npm run bench:verify -- --tokens 2000 --concurrency 8 --latency 20
//   npm run bench:verify -- --retry-after 1 --burst-ms 300 --runs 3
//   npm run bench:verify -- --during-scan             scan --verify of the bench tree instead
//   npm run bench:verify -- --during-scan --cli OTHER/dist/hfleaks.cjs   (another build)
//
// --during-scan times `scan TREE --verify` beside `scan TREE` on the tree of `npm run
// bench` (121 tokens; the fake Hub knows none of them and answers each 401 after the
// latency, 100 ms unless --latency says otherwise): how much of the Hub's time the scan hides.
//
// Tokens are built here at run time from a seeded generator (the mulberry32 algorithm of
// src/rules/template.ts, which plain Node can't import); none is written anywhere.
import { spawn, execFileSync } from 'node:child_process';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeHub } from '../test/helpers/fake-hub.mjs';
import { BIN, CA_VAR, mulberry32, ROOT } from './lib.mjs';

const { values: opt } = parseArgs({
  options: {
    tokens: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
    latency: { type: 'string', default: '20' },
    'burst-after': { type: 'string', default: '300' },
    'burst-ms': { type: 'string', default: '300' },
    'retry-after': { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    build: { type: 'boolean', default: false },
    'during-scan': { type: 'boolean', default: false },
    cli: { type: 'string' },
  },
});
const CLI = opt.cli ? path.resolve(opt.cli) : path.join(ROOT, 'dist', BIN);
const N = Number(opt.tokens);
const C = Number(opt.concurrency);
const LATENCY = opt['during-scan'] && !process.argv.some((a) => a.startsWith('--latency')) ? 100 : Number(opt.latency);
const RUNS = Number(opt.runs);
const GOAL = 1.3;

const rnd = mulberry32(0x5eed4);
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const PLACEHOLDER_WORDS = /your|token|example|placeholder|dummy|fake|sample|redacted|secret|changeme|insert|replace|xxxx/i;
function body(n, digits) {
  const alphabet = LOWER + UPPER + (digits ? DIGITS : '');
  for (;;) {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    const up = s.replace(/[^A-Z]/g, '').length;
    const lo = s.replace(/[^a-z]/g, '').length;
    // The detector drops bodies holding a placeholder word in any case ("YoUr", "fAKe"):
    // about 1 random token in 2,000. This benchmark measures verification, so it avoids them.
    if (PLACEHOLDER_WORDS.test(s)) continue;
    if (up >= 6 && lo >= 6) return s;
  }
}
const sha = (s) => createHash('sha256').update(s).digest('hex');

/** 1,000 unique tokens: read, write and fine-grained ones, org API tokens, and dead ones. */
function plan() {
  const tokens = {};
  const expected = new Map();
  const seen = new Set();
  for (let i = 0; i < N; i++) {
    const r = i % 20;
    let token;
    do token = r === 19 ? `api_org_${body(34, false)}` : `hf_${body(34, i % 3 === 0)}`;
    while (seen.has(token));
    seen.add(token);
    const owner = `user${i}`;
    if (r < 8) {
      tokens[token] = { name: owner, role: 'read', orgs: [{ name: 'acme', roleInOrg: 'admin' }] };
      expected.set(sha(token), { status: 'valid', role: 'read', owner, severity: 'high' });
    } else if (r < 12) {
      tokens[token] = { name: owner, role: 'write', orgs: [{ name: 'acme', roleInOrg: 'read' }] };
      expected.set(sha(token), { status: 'valid', role: 'write', owner, severity: 'critical' });
    } else if (r < 14) {
      tokens[token] = { name: owner, role: 'fineGrained', fineGrained: { global: ['inference.serverless.write'] } };
      expected.set(sha(token), { status: 'valid', role: 'fineGrained', owner, severity: 'medium' });
    } else if (r === 19) {
      tokens[token] = { kind: 'org', name: `org${i}` };
      expected.set(sha(token), { status: 'valid', owner: `org${i}`, severity: 'high' });
    } else {
      // Never registered, or revoked: 401.
      expected.set(sha(token), { status: 'invalid', severity: 'low' });
    }
  }
  return { tokens, expected, list: [...seen] };
}

function run(args, input, env = process.env) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const wall0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...env, NO_COLOR: '1', HF_ENDPOINT: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err, ms: performance.now() - t0, wall0, wall1: Date.now() }));
    child.stdin.end(input);
  });
}

async function once(p, env) {
  const hub = await startFakeHub({
    latencyMs: LATENCY,
    tokens: p.tokens,
    burst: { afterRequests: Number(opt['burst-after']), durationMs: Number(opt['burst-ms']), retryAfter: Number(opt['retry-after']) },
  });
  try {
    const r = await run(['verify', '--endpoint', hub.url, '--format', 'json', '--verify-concurrency', String(C), '--quiet'], `${p.list.join('\n')}\n`, env);
    if (r.code !== 1) throw new Error(`hfleaks exited ${r.code}: ${r.err.slice(0, 500)}`);
    const report = JSON.parse(r.out);
    let wrong = 0;
    const problems = [];
    for (const f of report.findings) {
      const e = p.expected.get(f.secret.sha256);
      const v = f.verification;
      const ok = e && v.status === e.status && (e.role === undefined || v.role === e.role) && (e.owner === undefined || v.owner?.name === e.owner) && f.severity === e.severity;
      if (!ok) {
        wrong++;
        if (problems.length < 5) problems.push(`${f.secret.redacted}: got ${v.status}/${v.role}/${f.severity} (${v.reason ?? ''}), expected ${JSON.stringify(e)}`);
      }
    }
    const whoami = hub.requests.filter((q) => q.path === '/api/whoami-v2');
    const first = Math.min(...whoami.map((q) => q.at));
    const last = Math.max(...whoami.map((q) => q.at));
    return {
      ms: r.ms,
      startMs: first - r.wall0,
      endMs: r.wall1 - (last + LATENCY),
      hubSpanMs: last - first + LATENCY,
      findings: report.findings.length,
      wrong,
      problems,
      requests: whoami.length,
      rateLimited: whoami.length - p.list.length,
      maxInFlight: hub.maxInFlight(),
    };
  } finally {
    await hub.close();
  }
}

/**
 * The floor of this machine: a bare keep-alive client (no retries, no parsing beyond
 * JSON.parse) sending the same requests at the same concurrency to a fake Hub without
 * the burst. What it takes beyond the ideal is loopback HTTP and the fake Hub, not hfleaks.
 */
async function floor(p) {
  const hub = await startFakeHub({ latencyMs: LATENCY, tokens: p.tokens });
  const agent = new http.Agent({ keepAlive: true, maxSockets: C });
  const one = (token) =>
    new Promise((resolve, reject) => {
      const req = http.request(`${hub.url}/api/whoami-v2`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => resolve(JSON.parse(b)));
      });
      req.on('error', reject);
      req.end();
    });
  const t0 = performance.now();
  let i = 0;
  await Promise.all(Array.from({ length: C }, async () => {
    while (i < p.list.length) await one(p.list[i++]);
  }));
  const ms = performance.now() - t0;
  agent.destroy();
  await hub.close();
  return ms;
}

if (opt.build || !existsSync(CLI)) execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
if (opt['during-scan']) {
  await duringScan();
  process.exit(process.exitCode ?? 0);
}
const p = plan();
const ideal = (N / C) * LATENCY;
console.log(`hfleaks verify: ${N} unique tokens, concurrency ${C}, ${LATENCY} ms latency, a burst of 429s (Retry-After: ${opt['retry-after']} s) for ${opt['burst-ms']} ms after whoami request ${opt['burst-after']}`);
console.log(`ideal: ${N} / ${C} x ${LATENCY} ms = ${(ideal / 1000).toFixed(2)} s; goal: within ${GOAL}x\n`);
const floorMs = await floor(p);
console.log(`floor: a bare keep-alive client, same requests, no burst: ${(floorMs / 1000).toFixed(2)} s (x${(floorMs / ideal).toFixed(2)})\n`);
const results = [];
/** With NODE_EXTRA_CA_CERTS set: the same runs without it, interleaved, to show what it costs (the verdict stays on the runs above). */
const bare = [];
const noExtraCa = CA_VAR && Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== CA_VAR));
for (let i = 0; i < RUNS; i++) {
  const r = await once(p);
  results.push(r);
  if (noExtraCa) bare.push(await once(p, noExtraCa));
  console.log(
    `run ${i + 1}: ${(r.ms / 1000).toFixed(2)} s total (x${(r.ms / ideal).toFixed(2)}), Hub busy ${(r.hubSpanMs / 1000).toFixed(2)} s (x${(r.hubSpanMs / ideal).toFixed(2)}); ` +
      `${r.findings} findings, ${r.wrong} wrong verdicts; ${r.requests} whoami requests (${r.rateLimited} answered 429 and retried); at most ${r.maxInFlight} in flight`,
  );
  console.log(`       CLI start to first request ${(r.startMs / 1000).toFixed(2)} s, last answer to exit ${(r.endMs / 1000).toFixed(2)} s`);
  for (const pr of r.problems) console.log(`  wrong: ${pr}`);
}
/** The run of median time (the upper one of an even count). */
const medianRun = (runs) => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
const median = medianRun(results);
const ratio = median.ms / ideal;
const allRight = results.every((r) => r.wrong === 0 && r.findings === N);
const pause = Number(opt['retry-after']) * 1000;
console.log(`\nmedian: ${(median.ms / 1000).toFixed(2)} s = ${ratio.toFixed(2)}x the ideal (Hub busy ${(median.hubSpanMs / ideal).toFixed(2)}x); verdicts ${allRight ? 'all right' : 'WRONG'}; goal ${ratio <= GOAL && allRight ? 'met' : 'NOT met'}`);
console.log(
  `of which: the pause the 429s asked for ${(pause / 1000).toFixed(2)} s (${(pause / ideal).toFixed(2)}x), CLI start-up and report ${((median.startMs + median.endMs) / 1000).toFixed(2)} s, ` +
    `requests beyond the ideal ${((median.hubSpanMs - ideal - pause) / 1000).toFixed(2)} s (${((median.hubSpanMs - pause) / ideal).toFixed(2)}x per request; the bare client's floor is ${(floorMs / ideal).toFixed(2)}x)`,
);
if (bare.length) {
  const b = medianRun(bare);
  const ok = bare.every((r) => r.wrong === 0 && r.findings === N);
  console.log(
    `without NODE_EXTRA_CA_CERTS (set here to ${process.env[CA_VAR]}; every Node process reads it as it starts), interleaved: median ${(b.ms / 1000).toFixed(2)} s = ${(b.ms / ideal).toFixed(2)}x, ` +
      `start-up and report ${((b.startMs + b.endMs) / 1000).toFixed(2)} s; verdicts ${ok ? 'all right' : 'WRONG'} (runs: ${bare.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} s)`,
  );
}
process.exitCode = allRight ? 0 : 1;

/**
 * `scan TREE --verify` against `scan TREE`, alternating: the scan finds 121 tokens in about
 * 2 s and the Hub takes 121 / concurrency x latency to answer them. Asked only after the
 * scan, the two add up; asked as each token is found, the scan hides the Hub's time.
 */
async function duringScan() {
  const tree = path.join(ROOT, 'bench', '.work', 'tree');
  if (!existsSync(tree)) execFileSync(process.execPath, [path.join(ROOT, 'bench', 'files.mjs'), '--generate-only'], { cwd: ROOT, stdio: 'inherit' });
  const scanArgs = ['scan', tree, '--no-ignore', '--format', 'json', '--quiet', '--no-progress'];
  const plain = [];
  const verified = [];
  console.log(`scan --verify of ${path.relative(ROOT, tree)} (${CLI === path.join(ROOT, 'dist', BIN) ? 'dist/' : CLI}): concurrency ${C}, ${LATENCY} ms latency, ${RUNS} runs each, alternating\n`);
  await run(scanArgs, ''); // warm the page cache
  for (let i = 0; i < RUNS; i++) {
    const a = await run(scanArgs, '');
    if (a.code !== 1) throw new Error(`scan exited ${a.code}: ${a.err.slice(0, 300)}`);
    plain.push(a.ms);
    const hub = await startFakeHub({ latencyMs: LATENCY });
    try {
      const b = await run([...scanArgs, '--verify', '--endpoint', hub.url, '--verify-concurrency', String(C)], '');
      if (b.code !== 1) throw new Error(`scan --verify exited ${b.code}: ${b.err.slice(0, 300)}`);
      const report = JSON.parse(b.out);
      const whoami = hub.requests.filter((q) => q.path === '/api/whoami-v2');
      const first = Math.min(...whoami.map((q) => q.at)) - b.wall0;
      const last = Math.max(...whoami.map((q) => q.at)) + LATENCY - b.wall0;
      const wrong = report.findings.filter((f) => f.verification.status !== 'invalid').length;
      verified.push({ ms: b.ms, first, last, n: whoami.length, findings: report.findings.length, wrong });
      console.log(
        `run ${i + 1}: scan ${(a.ms / 1000).toFixed(2)} s; scan --verify ${(b.ms / 1000).toFixed(2)} s, ${report.findings.length} findings (${wrong} not answered invalid), ` +
          `${whoami.length} whoami requests from ${(first / 1000).toFixed(2)} s to ${(last / 1000).toFixed(2)} s after the start`,
      );
    } finally {
      await hub.close();
    }
  }
  const med = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const S = med(plain);
  const SV = med(verified.map((v) => v.ms));
  const n = med(verified.map((v) => v.n));
  const V = (Math.ceil(n / C) * LATENCY);
  console.log(`\nmedian: scan ${(S / 1000).toFixed(2)} s, scan --verify ${(SV / 1000).toFixed(2)} s; the Hub's least time for ${n} requests ${(V / 1000).toFixed(2)} s (${n} / ${C} x ${LATENCY} ms)`);
  console.log(`verification added ${((SV - S) / 1000).toFixed(2)} s to the scan: ${(((SV - S) / V) * 100).toFixed(0)}% of the Hub's time (100% when it is asked only after the scan; the first request went out ${(med(verified.map((v) => v.first)) / 1000).toFixed(2)} s after the start)`);
  process.exitCode = verified.every((v) => v.wrong === 0 && v.findings === verified[0].findings) ? 0 : 1;
}
