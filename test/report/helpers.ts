// Shared by the report, advice and baseline tests: a fixture tree built at run time
// from a fixed seed (no literal token in the repository), SARIF schema validation,
// golden files with an UPDATE_GOLDEN=1 switch, and output normalisation.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { tokenGenerator } from '../../src/rules/template.ts';

export const GOLDEN_DIR = resolve(import.meta.dirname, '../golden');
const SCHEMA = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/sarif-schema-2.1.0.json'), 'utf8'));

// GitHub's copy of the OASIS schema is draft 2020-12; its meta-schema is not validated
// (validateSchema: false), and its formats are checked by these small validators.
const ajv = new Ajv2020({ validateSchema: false, strict: false, allErrors: true });
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
ajv.addFormat('uri', { validate: (s: string) => URI_CHARS.test(s) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) && URL.canParse(s) });
ajv.addFormat('uri-reference', { validate: (s: string) => URI_CHARS.test(s) && URL.canParse(s, 'file:///base/') });
ajv.addFormat('date-time', { validate: (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)) });
const validate = ajv.compile(SCHEMA);

/** Asserts that a SARIF log (object or text) validates against the 2.1.0 schema. */
export function expectValidSarif(sarif: unknown): void {
  const obj = typeof sarif === 'string' ? JSON.parse(sarif) : sarif;
  const ok = validate(obj);
  expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
}

export const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

/** Asserts that none of the raw tokens and no e-mail address appears in the text. */
export function expectNoSecretsOrEmails(text: string, secrets: readonly string[]): void {
  for (const s of secrets) expect(text.includes(s), `raw token ${s.slice(0, 6)}… in output`).toBe(false);
  // Any token-shaped string at all (a secret from somewhere unexpected).
  expect(text).not.toMatch(/(?:hf|api_org)_[A-Za-z0-9]{34}(?![A-Za-z0-9])/);
  expect(text).not.toMatch(EMAIL_RE);
}

export interface Fixture {
  dir: string;
  tokens: { user: string; ci: string; org: string; oauthExpired: string; publisher: string };
}

/**
 * A small tree with one leak of each kind, in the places the advice knows about. The
 * same seed always gives the same tree, so the reports can be compared to golden files.
 */
export function buildFixtureTree(dir: string, seed = 5005): Fixture {
  const g = tokenGenerator(seed);
  const tokens = {
    user: g.userToken(),
    ci: g.userToken(true),
    org: g.orgToken(),
    oauthExpired: g.oauthToken({ exp: 1_600_000_000, scope: 'openid profile write-repos', iss: 'https://huggingface.co' }),
    publisher: g.publisherToken({ exp: 4102444800, iss: 'https://huggingface.co', sub: 'repo:acme/app:ref:refs/heads/main' }),
  };
  const files: Record<string, string> = {
    'src/train.py': [
      'from transformers import AutoModel',
      '# maintainer: jane.doe@example.com',
      `model = AutoModel.from_pretrained("acme/private-llm", token="${tokens.user}")`,
      'model.push_to_hub("acme/private-llm-ft")',
      '',
    ].join('\n'),
    'config/.env': `HF_HOME=/data/hf\nHF_TOKEN=${tokens.user}\n`,
    '.github/workflows/release.yml': ['name: release', 'on: push', 'jobs:', '  publish:', '    env:', `      HF_TOKEN: ${tokens.ci}`, ''].join('\n'),
    'k8s/secret.yaml': ['apiVersion: v1', 'kind: Secret', 'data:', `  token: ${Buffer.from(tokens.org).toString('base64')}`, ''].join('\n'),
    'notebooks/demo.ipynb': `${JSON.stringify({ cells: [{ cell_type: 'code', source: ['from huggingface_hub import login\n', `login("${tokens.oauthExpired}")\n`] }] }, null, 1)}\n`,
    'data/my notes|v2.txt': `publisher token for the release job: ${tokens.publisher}\n`,
    'docs/README.md': `Set HF_TOKEN=hf_${'x'.repeat(34)} (your token here)\n`,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return { dir, tokens };
}

/** Replaces what changes between runs and releases: timings and hfleaks' version. */
export function normalise(text: string, format: 'json' | 'sarif' | 'markdown' | 'text'): string {
  if (format === 'markdown' || format === 'text') {
    return text.replace(/hfleaks \d+\.\d+\.\d+[^\s.]*(\.\d+)*/g, 'hfleaks 0.0.0-test').replace(/ in \d+\.\d+ s/g, ' in 0.00 s');
  }
  const data = JSON.parse(text);
  if (format === 'json') {
    data.tool.version = '0.0.0-test';
    data.stats.durationMs = 0;
  } else {
    for (const run of data.runs) {
      run.tool.driver.version = '0.0.0-test';
      run.tool.driver.semanticVersion = '0.0.0-test';
    }
  }
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** Compares to test/golden/NAME, or rewrites it with UPDATE_GOLDEN=1. */
export function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file test/golden/${name} is missing: run UPDATE_GOLDEN=1 npx vitest run test/report`);
  expect(actual, `differs from test/golden/${name} (UPDATE_GOLDEN=1 rewrites it after a deliberate change)`).toBe(readFileSync(file, 'utf8'));
}
