// Entry point of the bundled Action (action/index.mjs).
import { runAction } from './main.ts';

runAction(process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stdout.write(`::error title=hfleaks::${(e as Error).message}\n`);
    process.exitCode = 2;
  },
);
