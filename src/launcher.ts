#!/usr/bin/env node
// dist/hfleaks.cjs, the installed command (package.json "bin"). `hfleaks staged`, which
// the pre-commit hook runs on every commit, starts here without Node's ES module loader:
// dist/staged.cjs (src/staged-bin.ts) is one CommonJS file, compiled with the V8 code
// cache the build leaves beside it (dist/staged.cjs.cache; scripts/build.mjs). Every
// other command loads the full CLI, dist/cli.js (src/bin.ts).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

interface StagedModule {
  staged(argv: string[]): Promise<number> | undefined;
}

const FULL_CLI = './cli.js';
const STAGED = join(__dirname, 'staged.cjs');
const CACHE = `${STAGED}.cache`;

/** dist/staged.cjs, compiled with its code cache when there is one V8 accepts. */
function loadStaged(debug: boolean): { mod: StagedModule; script: Script } {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(CACHE);
  } catch {
    /* no cache: compile as usual */
  }
  const script = new Script(Module.wrap(readFileSync(STAGED, 'utf8')), { filename: STAGED, ...(cachedData ? { cachedData } : {}) });
  // Another Node (or V8 flags) than the build's: V8 compiles afresh, a little slower.
  if (debug && cachedData && script.cachedDataRejected) process.stderr.write(`hfleaks: debug: ${CACHE} does not fit this Node; compiled without it\n`);
  const mod = { exports: {} as StagedModule };
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, Module.createRequire(STAGED), mod, STAGED, __dirname);
  return { mod: mod.exports, script };
}

function fullCli(): void {
  import(FULL_CLI).catch((e: unknown) => {
    process.stderr.write(`hfleaks: internal error: ${(e as Error).message}\n`);
    process.exitCode = 2;
  });
}

function main(): void {
  const argv = process.argv.slice(2);
  const run = argv[0] === 'staged' ? loadStaged(argv.includes('--debug')).mod.staged(argv) : undefined;
  if (!run) return fullCli();
  void run.then((code) => {
    process.exitCode = code;
  });
}

/**
 * For the build: runs `hfleaks staged ARGV` in the current directory with no cache, then
 * writes the code cache of everything that run compiled.
 */
export async function writeCodeCache(argv: string[]): Promise<void> {
  const { mod, script } = loadStaged(false);
  await mod.staged(argv);
  const tmp = `${CACHE}.tmp-${process.pid}`;
  writeFileSync(tmp, script.createCachedData());
  renameSync(tmp, CACHE);
}

if (require.main === module) main();
