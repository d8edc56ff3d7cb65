// The JSON, SARIF and markdown reports of one fixture tree, end to end through the built
// CLI, compared to golden files (UPDATE_GOLDEN=1 rewrites them after a deliberate change).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';
import { buildFixtureTree, expectGolden, expectNoSecretsOrEmails, expectValidSarif, normalise } from './helpers.ts';

describe('reports of a fixture tree match their golden files', () => {
  const fx = buildFixtureTree(join(tempDir(), 'tree'));
  const secrets = Object.values(fx.tokens);

  it.each([
    ['json', 'scan.json'],
    ['sarif', 'scan.sarif'],
    ['markdown', 'scan.md'],
  ] as const)('--format %s', async (format, golden) => {
    const r = await runCli(['scan', fx.dir, '--format', format]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expectNoSecretsOrEmails(r.stdout, secrets);
    if (format === 'sarif') expectValidSarif(r.stdout);
    expectGolden(golden, normalise(r.stdout, format));
  });
});
