// Advice, SARIF and markdown after verification, end to end through the built CLI against
// the fake Hub on 127.0.0.1: the steps follow each token's verdict, role and reach, and
// the owner's e-mail address (which whoami returns) appears in no report.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/findings/aggregate.ts';
import { tokenGenerator } from '../../src/rules/template.ts';
import { runCli, runJson, tempDir } from '../helpers/cli.ts';
import type { FakeHub } from '../helpers/fake-hub.mjs';
import { startFakeHub } from '../helpers/fake-hub.mjs';
import { expectNoSecretsOrEmails, expectValidSarif } from './helpers.ts';

const gen = tokenGenerator(8080);
const T = { write: gen.userToken(), read: gen.userToken(true), dead: gen.userToken() };
const ALL = Object.values(T);

let hub: FakeHub;
let dir: string;
beforeAll(async () => {
  hub = await startFakeHub({
    tokens: {
      [T.write]: { name: 'bob', role: 'write', displayName: 'laptop', orgs: [{ name: 'acme', roleInOrg: 'admin' }] },
      [T.read]: { name: 'alice', role: 'read', orgs: [{ name: 'acme', roleInOrg: 'admin' }] },
    },
  });
  dir = tempDir('hfleaks-advice-');
  writeFileSync(join(dir, 'train.py'), `model = AutoModel.from_pretrained("acme/llm", token="${T.write}")\nREAD = "${T.read}"\nOLD = "${T.dead}"\n`);
});
afterAll(() => hub.close());

describe('reports after --verify', () => {
  it('each token gets the steps its verdict calls for, in JSON, SARIF and markdown', async () => {
    const sarif = join(dir, 'out.sarif');
    const r = await runJson(['scan', dir, '--verify', '--endpoint', hub.url, '--sarif', sarif]);
    expect(r.code).toBe(1);
    const by = (t: string) => r.report.findings.find((f: any) => f.fingerprint === fingerprintOf('hf-user-access-token', t));
    const write = by(T.write);
    expect(write.verification.status).toBe('valid');
    expect(write.advice[0]).toMatch(/^Revoke it now: it works and acts as bob with a write role\./);
    expect(write.advice[0]).toContain('the token named "laptop"');
    expect(write.advice[0]).toContain(`${hub.url}/settings/tokens`);
    expect(write.advice[1]).toContain('acme/llm');
    expect(write.advice.find((s: string) => s.startsWith('It could write and administer'))).toContain('the acme organization (admin)');
    const read = by(T.read);
    expect(read.advice[0]).toContain('with a read role');
    expect(read.advice.join('\n')).not.toMatch(/It could write|If it could write/);
    const dead = by(T.dead);
    expect(dead.verification.status).toBe('invalid');
    expect(dead.advice[0]).toMatch(/^Nothing to revoke: the Hub rejects this token/);

    const text = readFileSync(sarif, 'utf8');
    expectValidSarif(text);
    const log = JSON.parse(text);
    const msg = (t: string) => log.runs[0].results.find((x: any) => x.partialFingerprints['hfleaksSecret/v1'] === fingerprintOf('hf-user-access-token', t)).message.text;
    expect(msg(T.write)).toContain('verification valid, role write, owner bob');
    expect(msg(T.dead)).toMatch(/verification invalid.*, role unknown/);
    expect(log.runs[0].results.find((x: any) => x.properties.verification.owner?.name === 'bob').properties.verification.orgs).toEqual([
      expect.objectContaining({ name: 'acme', roleInOrg: 'admin' }),
    ]);
    expectNoSecretsOrEmails(r.stdout + r.stderr + text, ALL);
  });

  it('markdown shows the verdicts and the steps, without the owners\' e-mail addresses', async () => {
    const r = await runCli(['scan', dir, '--verify', '--endpoint', hub.url, '-f', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('valid, write, owner bob');
    expect(r.stdout).toContain('1. Revoke it now: it works and acts as bob');
    expect(r.stdout).toContain('1. Nothing to revoke');
    expectNoSecretsOrEmails(r.stdout + r.stderr, ALL);
  });
});
