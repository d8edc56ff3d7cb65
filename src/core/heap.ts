// V8 doubles a thread's young generation, up to 32 MB for the main thread, while much of
// what it allocates lives on, and never gives it back. A history's listing does that (its
// blob names live until they are handed out in pack order): the main thread's young
// generation alone held 34 MB of a peak of 240 to 263 MB without a bitmap, over the
// bench's 256 MB goal in some runs. The commands that read much (scan, history, audit)
// set the flag below as they start; the others don't load node:v8 (4 ms) for it.
//
// V8 reads its growth factor each time it would grow one, so setting it to 1 stops the
// growth though the process has started. But each new isolate puts the process-wide flag
// back to 2 (V8 enforces its minimum when it starts one): the main thread sets it again
// when a worker comes online, and the worker once its code has loaded. In between, the
// main thread's young generation may double once or twice (4 to 8 MB, not 32).
import { lazyBuiltin } from './lazy.ts';

const v8 = lazyBuiltin<typeof import('node:v8')>('node:v8');

/**
 * The V8 flag that stops young generations from growing, or undefined under V8 versions
 * not known to have it (setFlagsFromString prints an error for an unknown flag).
 */
export function smallYoungGenerationFlag(v8Version: string = process.versions.v8): string | undefined {
  return /^1[12]\./.test(v8Version) ? '--semi-space-growth-factor=1' : undefined;
}

/** Sets smallYoungGenerationFlag for the whole process (this thread and every other). */
export function keepYoungGenerationSmall(setFlags: (flags: string) => void = (f) => v8().setFlagsFromString(f)): void {
  const flag = smallYoungGenerationFlag();
  if (flag) setFlags(flag);
}
