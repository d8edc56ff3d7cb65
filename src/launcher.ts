#!/usr/bin/env node
// dist/hfleaks.cjs, the installed command (package.json "bin"). `hfleaks staged`, which
// the pre-commit hook runs on every commit, starts here without Node's ES module loader:
// dist/staged.cjs (src/staged-bin.ts) is one CommonJS file, compiled with the V8 code
// cache the build leaves beside it (dist/staged.cjs.cache; scripts/build.mjs). So does
// `hfleaks verify` (dist/verify.cjs, src/verify-bin.ts), whose start delays the first
// request to the Hub. Every other command loads the full CLI, dist/cli.js (src/bin.ts).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { exitWith, internalError } from './cli/internal-error.ts';

/** What a quick bundle exports (src/staged-bin.ts, src/verify-bin.ts). */
type QuickModule = typeof import('./staged-bin.ts');

const FULL_CLI = './cli.js';
/** The commands with a bundle of their own: dist/NAME.cjs, its cache dist/NAME.cjs.cache. */
const QUICK = new Set(['staged', 'verify']);

/**
 * The cache file: a tag, two lengths, the bundle it was made for, then V8's data
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

/** dist/NAME.cjs, compiled with its code cache when it has a sound one that V8 accepts. */
function loadQuick(name: string, debug: boolean): { mod: QuickModule; script: Script; source: Buffer; cache: string } {
  const file = join(__dirname, `${name}.cjs`);
  const cache = `${file}.cache`;
  const source = readFileSync(file);
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(cache);
  } catch {
    /* no cache: compile as usual */
  }
  const cachedData = cached && cacheData(cached, source);
  if (debug && cached && !cachedData) process.stderr.write(`hfleaks: debug: ${cache} was not made for this ${name}.cjs (or is damaged); compiled without it\n`);
  const script = new Script(Module.wrap(source.toString('utf8')), { filename: file, ...(cachedData ? { cachedData } : {}) });
  // Another Node (or V8 flags) than the build's: V8 compiles afresh, a little slower.
  if (debug && cachedData && script.cachedDataRejected) process.stderr.write(`hfleaks: debug: ${cache} does not fit this Node; compiled without it\n`);
  const mod = { exports: {} as QuickModule };
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, Module.createRequire(file), mod, file, __dirname);
  return { mod: mod.exports, script, source, cache };
}

function main(): void {
  const argv = process.argv.slice(2);
  const run = QUICK.has(argv[0]!) ? loadQuick(argv[0]!, argv.includes('--debug')).mod.run(argv) : undefined;
  if (!run) {
    import(FULL_CLI).catch(internalError);
    return;
  }
  exitWith(run);
}

/**
 * For the build: runs each command line (all of one quick command, argv[0]) in the
 * current directory with no cache, then writes the code cache of everything they compiled.
 */
export async function writeCodeCache(...argvs: string[][]): Promise<void> {
  const { mod, script, source, cache } = loadQuick(argvs[0]![0]!, false);
  for (const argv of argvs) {
    // A run that the quick parser declined, or that failed, compiled little: no cache from it.
    const code = await mod.run(argv);
    if (code === undefined || code === 2) throw new Error(`hfleaks ${argv.join(' ')}: ${code === undefined ? 'not taken by the quick parser' : 'exit 2'}`);
  }
  const tmp = `${cache}.tmp-${process.pid}`;
  writeFileSync(tmp, cacheFile(source, script.createCachedData()));
  renameSync(tmp, cache);
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
