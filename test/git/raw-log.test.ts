// The parser of `git log --raw -z` output: records in, changes out; and the skip of
// changes whose new blob the caller doesn't want, which must keep the records aligned.
import { describe, expect, it } from 'vitest';
import { oidPrefixTest, rawLogParser, type RawChange } from '../../src/sources/git/raw-log.ts';

const oid = (c: string) => c.repeat(40);
const Z = oid('0');

/** The records of one commit: header fields, then each change's meta and path(s). */
function commit(id: string, changes: string[][]): Buffer[] {
  return [`\u0001${oid(id)}`, 'Ann', '2026-01-01T00:00:00Z', 'message\n', ...changes.flat()].map((r) => Buffer.from(r));
}

const records = [
  ...commit('a', [
    [`:000000 100644 ${Z} ${oid('1')} A`, 'new.txt'],
    [`:100644 100644 ${oid('2')} ${oid('3')} R087`, 'old name.txt', 'new name.txt'],
    [`:100644 100644 ${oid('4')} ${oid('5')} M`, 'edited.txt'],
  ]),
  ...commit('b', [[`::100644 100644 100644 ${oid('6')} ${oid('7')} ${oid('8')} MM`, 'merged.txt']]),
  ...commit('c', [[`:100644 100644 ${oid('9')} ${oid('5')} C100`, 'from.txt', 'copy.txt']]),
];

function parse(wanted?: string[]): RawChange[] {
  const out: RawChange[] = [];
  const p = rawLogParser((c) => void out.push(c), undefined, wanted ? oidPrefixTest(wanted) : undefined);
  for (const r of records) p(r);
  return out;
}

describe('rawLogParser', () => {
  it('reads every change: adds, renames with both paths, merges against each parent, copies', () => {
    expect(parse().map((c) => [c.commit?.oid[0], c.status, c.path, c.oldPath, c.oldOids.map((o) => o[0]), c.newOid[0]])).toEqual([
      ['a', 'A', 'new.txt', undefined, ['0'], '1'],
      ['a', 'R087', 'new name.txt', 'old name.txt', ['2'], '3'],
      ['a', 'M', 'edited.txt', undefined, ['4'], '5'],
      ['b', 'MM', 'merged.txt', undefined, ['6', '7'], '8'],
      ['c', 'C100', 'copy.txt', 'from.txt', ['9'], '5'],
    ]);
  });
  it('skips the changes whose new blob is not wanted, renames and copies included, and stays aligned', () => {
    expect(parse([oid('5'), oid('8')]).map((c) => [c.commit?.oid[0], c.path, c.newOid[0]])).toEqual([
      ['a', 'edited.txt', '5'],
      ['b', 'merged.txt', '8'],
      ['c', 'copy.txt', '5'],
    ]);
    expect(parse([oid('3')]).map((c) => [c.path, c.oldPath])).toEqual([['new name.txt', 'old name.txt']]);
    expect(parse([oid('f')])).toEqual([]);
  });
});
