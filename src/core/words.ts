// Small helpers for the words reports and warnings are made of.

/** "1 file", "3 files"; `many` for irregular plurals ("repositories"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "a", "a and b", "a, b and c", "a, b, c and 4 more". */
export function listOf(items: readonly string[], max = 4): string {
  if (items.length === 0) return '';
  if (items.length === 1) return items[0]!;
  if (items.length > max) return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
