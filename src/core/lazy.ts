// Modules loaded on first use. Each module a command loads at start-up costs time on
// every run (the pre-commit hook runs on every commit), so the rarely needed ones
// (archives, hashing, worker threads) wait until something needs them.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** A built-in module (`node:zlib`), loaded the first time the getter is called. */
export function lazyBuiltin<T>(id: `node:${string}`): () => T {
  let m: T | undefined;
  return () => (m ??= load(id) as T);
}

declare const require: ((id: string) => unknown) | undefined;

let fflate: typeof import('fflate') | undefined;
/**
 * fflate, loaded the first time an archive turns up (its top level builds inflate tables
 * and loads worker_threads). The literal require lets esbuild bundle the package, lazily
 * evaluated; from source (tests) it is loaded through createRequire.
 */
export function fflateLib(): typeof import('fflate') {
  fflate ??= (typeof require === 'function' ? require('fflate') : load('fflate')) as typeof import('fflate');
  return fflate;
}
