#!/usr/bin/env node
// dist/cli.js: the full CLI, an ES module whose commands load lazily (dist/chunks/).
// The installed command is dist/hfleaks.cjs (src/launcher.ts), which loads this file.
import { fileURLToPath } from 'node:url';
import { exitWith } from './cli/internal-error.ts';
import { exitOnClosedPipe, processIo, withIo } from './cli/io.ts';
import { main } from './cli/main.ts';

exitOnClosedPipe();

const workerScript = fileURLToPath(new URL('./scan-worker.js', import.meta.url));
// The pre-commit hook runs the installed command by absolute path.
const cliPath = fileURLToPath(new URL('./hfleaks.cjs', import.meta.url));

const run = main(process.argv.slice(2), withIo(processIo(), { workerScript, cliPath }));
exitWith(run);

// Node exits when nothing is left to wait for, with code 0 unless told otherwise: a
// command stuck on something that can never happen (a read from a stream that already
// ended) would pass for a clean run, with no report. A run that never settled is an error.
let settled = false;
run.then(
  () => (settled = true),
  () => (settled = true),
);
process.once('beforeExit', () => {
  if (settled) return;
  process.stderr.write('hfleaks: internal error: the command stopped before it finished\n');
  process.exitCode = 2;
});
