/**
 * Appends `items` to `target` one at a time, and returns `target`. `target.push(...items)` passes every item as an
 * argument, and past about 100,000 of them V8 throws "Maximum call stack size exceeded" (a Terraform list of 300,000
 * CIDRs through `concat`, 200,000 diagnostics of one file).
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The greatest of `values` (-Infinity for none; NaN if any is), without passing them all as arguments to Math.max. */
export function maxOf(values: Iterable<number>): number {
  let max = -Infinity;
  for (const v of values) max = Math.max(max, v);
  return max;
}

/** The least of `values` (Infinity for none; NaN if any is), without passing them all as arguments to Math.min. */
export function minOf(values: Iterable<number>): number {
  let min = Infinity;
  for (const v of values) min = Math.min(min, v);
  return min;
}
