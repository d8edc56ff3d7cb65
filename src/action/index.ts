// Entry point of the bundled Action (action/index.mjs). The bundle is one file, so a
// worker thread started from it would load this entry too: run only on the main thread.
import { isMainThread } from 'node:worker_threads';
import { runAction } from './main.ts';

if (isMainThread) {
  runAction(process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stdout.write(`::error title=hfleaks::${(e as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
