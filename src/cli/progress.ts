// Progress on stderr, only when it is a terminal and not --quiet/--no-progress: never
// in CI logs. Shows items done (of total when known), MB/s and time left.
import type { Io } from './io.ts';

export interface Progress {
  total(n: number): void;
  tick(items: number, bytes: number): void;
  /** Says what a long step with nothing to count is doing (until the next tick). */
  phase(text: string): void;
  done(): void;
}

const NONE: Progress = { total() {}, tick() {}, phase() {}, done() {} };

export function createProgress(io: Io, args: { quiet?: boolean; progress?: boolean }, unit: string): Progress {
  if (!io.stderrIsTTY || args.quiet || args.progress === false || io.env.CI) return NONE;
  const start = Date.now();
  let items = 0;
  let bytes = 0;
  let total = 0;
  let last = 0;
  let shown = false;
  const draw = () => {
    const secs = (Date.now() - start) / 1000;
    const mbs = secs > 0 ? bytes / (1 << 20) / secs : 0;
    let s = `${items}${total ? `/${total}` : ''} ${unit}, ${(bytes / (1 << 20)).toFixed(0)} MB, ${mbs.toFixed(0)} MB/s`;
    if (total && items > 0) s += `, ${Math.max(0, Math.round(((total - items) * secs) / items))} s left`;
    io.stderr(`\r\x1b[2K${s}`);
    shown = true;
  };
  return {
    total(n) {
      total = n;
    },
    tick(i, b) {
      items += i;
      bytes += b;
      const now = Date.now();
      if (now - last > 200) {
        last = now;
        draw();
      }
    },
    phase(text) {
      io.stderr(`\r\x1b[2K${text}`);
      shown = true;
    },
    done() {
      if (shown) io.stderr('\r\x1b[2K');
    },
  };
}
