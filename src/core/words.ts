// Small helpers for the words reports and warnings are made of.

/** "1 file", "3 files"; `many` for irregular plurals ("repositories"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
