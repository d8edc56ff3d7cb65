// The young generation flag is set only under the V8 versions known to have it: under
// another, V8 would print "unrecognized flag" on every run.
import { describe, expect, it } from 'vitest';
import { keepYoungGenerationSmall, smallYoungGenerationFlag } from '../../src/core/heap.ts';

describe('young generation flag', () => {
  it('is given for the V8 of Node 20 and 22, and for no other', () => {
    expect(smallYoungGenerationFlag('11.3.244.8-node.38')).toBe('--semi-space-growth-factor=1');
    expect(smallYoungGenerationFlag('12.4.254.21-node.33')).toBe('--semi-space-growth-factor=1');
    for (const v of ['10.2.154.26-node.36', '13.6.233.10-node.18', '1.2.3', '']) expect(smallYoungGenerationFlag(v)).toBeUndefined();
  });

  it('is set through the function given under Node 20, the Node this project runs on', () => {
    const set: string[] = [];
    keepYoungGenerationSmall((f) => set.push(f));
    if (process.versions.node.startsWith('20.')) expect(set).toEqual(['--semi-space-growth-factor=1']);
    else expect(set).toEqual(smallYoungGenerationFlag() ? [smallYoungGenerationFlag()] : []);
  });
});
