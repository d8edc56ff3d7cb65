// Bundles the CLI (and the GitHub Action entry) with esbuild: one file per entry,
// lazily loaded chunks per command so `hfleaks staged` starts fast.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const banner = "import { createRequire as __hfCreateRequire } from 'node:module'; const require = __hfCreateRequire(import.meta.url);";

// HFLEAKS_OUTDIR builds elsewhere (benchmarks use a private copy).
const outdir = process.env.HFLEAKS_OUTDIR ?? 'dist';
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/bin.ts', 'scan-worker': 'src/sources/scan-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: banner },
  logLevel: 'warning',
});
