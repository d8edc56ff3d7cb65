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

// (exitWith also turns a run that never settles into exit 2, never a silent 0.)
exitWith(main(process.argv.slice(2), withIo(processIo(), { workerScript, cliPath })));
