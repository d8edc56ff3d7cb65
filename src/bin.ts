#!/usr/bin/env node
import { main } from './cli/main.ts';
import { processIo } from './cli/io.ts';

// A closed pipe (`hfleaks scan | head`) is a clean exit, as in ripgrep.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

import { fileURLToPath } from 'node:url';

const workerScript = fileURLToPath(new URL('./scan-worker.js', import.meta.url));

const cliPath = fileURLToPath(import.meta.url);

main(process.argv.slice(2), { ...processIo(), workerScript, cliPath }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`hfleaks: internal error: ${(e as Error).message}\n`);
    process.exitCode = 2;
  },
);
