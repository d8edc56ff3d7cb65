// Progress on stderr: only on a terminal, never with --quiet, --no-progress or in CI.
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import { createProgress } from '../../src/cli/progress.ts';

function terminal(env: Record<string, string> = {}) {
  const out: string[] = [];
  const io = { stderrIsTTY: true, env, stderr: (s: string) => void out.push(s) } as unknown as Io;
  return { io, out };
}

describe('progress', () => {
  it('names a long step with nothing to count, then clears the line when done', () => {
    const { io, out } = terminal();
    const p = createProgress(io, {}, 'blobs');
    p.phase('listing the objects no ref reaches (git fsck)…');
    expect(out.join('')).toContain('listing the objects no ref reaches (git fsck)…');
    p.done();
    expect(out.at(-1)).toBe('\r\x1b[2K');
  });
  it('says nothing with --quiet, --no-progress, in CI, or off a terminal', () => {
    for (const [args, env, tty] of [[{ quiet: true }, {}, true], [{ progress: false }, {}, true], [{}, { CI: 'true' }, true], [{}, {}, false]] as const) {
      const { io, out } = terminal(env);
      (io as { stderrIsTTY: boolean }).stderrIsTTY = tty;
      const p = createProgress(io, args, 'blobs');
      p.phase('working');
      p.tick(1, 10);
      p.done();
      expect(out, JSON.stringify([args, env, tty])).toEqual([]);
    }
  });
});
