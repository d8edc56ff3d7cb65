#!/usr/bin/env node
// dist/hfleaks.cjs, the installed command (package.json "bin"). `hfleaks staged`, which
// the pre-commit hook runs on every commit, starts here without Node's ES module loader:
// dist/staged.cjs (src/staged-bin.ts) is one CommonJS file, compiled with the V8 code
// cache the build leaves beside it (dist/staged.cjs.cache; scripts/build.mjs). Every
// other command loads the full CLI, dist/cli.js (src/bin.ts).
import { createHash } from 'node:crypto';
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

/**
 * The cache file: a tag, the SHA-1 of staged.cjs and of V8's data, then the data. V8
 * itself checks little (a cache of another file of the same length, or damaged data,
 * runs the wrong code or crashes the process), so nothing reaches it unchecked.
 */
const TAG = Buffer.from('hfleaks-code-cache-1\n', 'latin1');
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();

function cacheFile(source: Buffer, data: Buffer): Buffer {
  return Buffer.concat([TAG, sha1(source), sha1(data), data]);
}

/** The V8 data of a cache file made for exactly this source, else undefined. */
function cacheData(file: Buffer, source: Buffer): Buffer | undefined {
  const head = TAG.length + 40;
  if (file.length <= head || !file.subarray(0, TAG.length).equals(TAG)) return undefined;
  const data = file.subarray(head);
  if (!file.subarray(TAG.length, TAG.length + 20).equals(sha1(source))) return undefined;
  if (!file.subarray(TAG.length + 20, head).equals(sha1(data))) return undefined;
  return data;
}

/** dist/staged.cjs, compiled with its code cache when it has a sound one that V8 accepts. */
function loadStaged(debug: boolean): { mod: StagedModule; script: Script; source: Buffer } {
  const source = readFileSync(STAGED);
  let file: Buffer | undefined;
  try {
    file = readFileSync(CACHE);
  } catch {
    /* no cache: compile as usual */
  }
  const cachedData = file && cacheData(file, source);
  if (debug && file && !cachedData) process.stderr.write(`hfleaks: debug: ${CACHE} was not made for this staged.cjs (or is damaged); compiled without it\n`);
  const script = new Script(Module.wrap(source.toString('utf8')), { filename: STAGED, ...(cachedData ? { cachedData } : {}) });
  // Another Node (or V8 flags) than the build's: V8 compiles afresh, a little slower.
  if (debug && cachedData && script.cachedDataRejected) process.stderr.write(`hfleaks: debug: ${CACHE} does not fit this Node; compiled without it\n`);
  const mod = { exports: {} as StagedModule };
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, Module.createRequire(STAGED), mod, STAGED, __dirname);
  return { mod: mod.exports, script, source };
}

function failed(e: unknown): void {
  process.stderr.write(`hfleaks: internal error: ${(e as Error)?.message ?? String(e)}\n`);
  process.exitCode = 2;
}

function main(): void {
  const argv = process.argv.slice(2);
  const run = argv[0] === 'staged' ? loadStaged(argv.includes('--debug')).mod.staged(argv) : undefined;
  if (!run) {
    import(FULL_CLI).catch(failed);
    return;
  }
  run.then((code) => {
    process.exitCode = code;
  }, failed);
}

/**
 * For the build: runs `hfleaks staged ARGV` in the current directory with no cache, then
 * writes the code cache of everything that run compiled.
 */
export async function writeCodeCache(argv: string[]): Promise<void> {
  const { mod, script, source } = loadStaged(false);
  await mod.staged(argv);
  const tmp = `${CACHE}.tmp-${process.pid}`;
  writeFileSync(tmp, cacheFile(source, script.createCachedData()));
  renameSync(tmp, CACHE);
}

if (require.main === module) {
  // Anything thrown before a command runs (no working directory, a damaged install) is
  // an error, exit 2: exit 1 would tell a hook that a token was found.
  try {
    main();
  } catch (e) {
    failed(e);
  }
}
