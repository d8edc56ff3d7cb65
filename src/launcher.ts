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
import { exitWith, internalError } from './cli/internal-error.ts';

type StagedModule = typeof import('./staged-bin.ts');

const FULL_CLI = './cli.js';
const STAGED = join(__dirname, 'staged.cjs');
const CACHE = `${STAGED}.cache`;

/**
 * The cache file: a tag, two lengths, the staged.cjs it was made for, then V8's data
 * twice. V8 itself checks little (a cache of another file of the same length, or damaged
 * data, runs the wrong code or crashes the process), so nothing reaches it unless the
 * source is byte for byte this one and both copies of the data agree: two memory
 * compares, where hashing would cost the hook milliseconds (loading node:crypto alone
 * takes 5 to 10).
 */
const TAG = Buffer.from('hfleaks-code-cache-3\n', 'latin1');
const HEAD = TAG.length + 8;

function cacheFile(source: Buffer, data: Buffer): Buffer {
  const head = Buffer.alloc(HEAD);
  TAG.copy(head);
  head.writeUInt32LE(source.length, TAG.length);
  head.writeUInt32LE(data.length, TAG.length + 4);
  return Buffer.concat([head, source, data, data]);
}

/** The V8 data of a cache file made for exactly this source, undamaged, else undefined. */
function cacheData(file: Buffer, source: Buffer): Buffer | undefined {
  if (file.length < HEAD || !file.subarray(0, TAG.length).equals(TAG)) return undefined;
  const n = file.readUInt32LE(TAG.length);
  const d = file.readUInt32LE(TAG.length + 4);
  if (n !== source.length || file.length !== HEAD + n + 2 * d || d === 0) return undefined;
  if (!file.subarray(HEAD, HEAD + n).equals(source)) return undefined;
  const data = file.subarray(HEAD + n, HEAD + n + d);
  return data.equals(file.subarray(HEAD + n + d)) ? data : undefined;
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

function main(): void {
  const argv = process.argv.slice(2);
  const run = argv[0] === 'staged' ? loadStaged(argv.includes('--debug')).mod.staged(argv) : undefined;
  if (!run) {
    import(FULL_CLI).catch(internalError);
    return;
  }
  exitWith(run);
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
    internalError(e);
  }
}
