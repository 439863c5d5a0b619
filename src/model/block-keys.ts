// Blocks told apart by number: a group that lists a million addresses has them counted, matched and looked up by
// sorting numbers, which costs a fraction of a map (or set) of a million entries. Short lists (most) use a set or a
// map, which costs less than making typed arrays. Numbers are counted in one scratch array kept for the purpose:
// typed arrays live outside the heap, and making many large ones makes the garbage collector run the whole heap.
import { formatCidr, type Cidr } from './net.js';

/** Up to this many numbers, a set or a map is used rather than sorted typed arrays. */
const SHORT = 64;

/** An IPv4 block as a number (its address × 64 + its prefix: exact, and equal exactly for equal blocks). */
export function ipv4Key(c: Cidr): number {
  return Number(c.addr) * 64 + c.prefix;
}

/** A block's key: a number for IPv4, its canonical text for IPv6. Equal keys, equal blocks. */
export function blockKey(c: Cidr): number | string {
  return c.family === 4 ? ipv4Key(c) : formatCidr(c);
}

/** The distinct numbers of `keys`, ascending. */
export function distinctNumbers(keys: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(keys).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i]!;
  return sorted.subarray(0, n);
}

/** How many distinct numbers `keys` holds. */
export function countDistinct(keys: ArrayLike<number>): number {
  if (keys.length > SHORT) return countSortedDistinct(sortedCopy(keys));
  const seen = new Set<number>();
  for (let i = 0; i < keys.length; i++) seen.add(keys[i]!);
  return seen.size;
}

let scratch = new Float64Array(0);

/** A scratch array of at least `n` numbers (its content is undefined; valid until the next call). */
function scratchOf(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  return scratch;
}

/** `keys` sorted, in the scratch array (valid until the next use of it). */
function sortedCopy(keys: ArrayLike<number>): Float64Array {
  const out = scratchOf(keys.length).subarray(0, keys.length);
  out.set(keys);
  return out.sort();
}

function countSortedDistinct(sorted: Float64Array): number {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) n++;
  return n;
}

/** The numbers `keys` holds more than once. */
export function repeatedNumbers(keys: ArrayLike<number>): Set<number> {
  const out = new Set<number>();
  if (keys.length <= SHORT) {
    const seen = new Set<number>();
    for (let i = 0; i < keys.length; i++) {
      if (seen.has(keys[i]!)) out.add(keys[i]!);
      else seen.add(keys[i]!);
    }
    return out;
  }
  const sorted = sortedCopy(keys);
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) out.add(sorted[i]!);
  return out;
}

/** The position of `key` in `sorted` (ascending), or -1. */
export function indexOfNumber(sorted: Float64Array, key: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === key ? lo : -1;
}

/** How many distinct blocks the items hold (`cidrOf` gives an item's block). */
export function distinctBlocks<T>(items: readonly T[], cidrOf: (item: T) => Cidr): number {
  if (items.length <= SHORT) {
    const seen = new Set<number | string>();
    for (const item of items) seen.add(blockKey(cidrOf(item)));
    return seen.size;
  }
  const ipv4 = scratchOf(items.length);
  let count = 0;
  const ipv6 = new Set<string>();
  for (const item of items) {
    const c = cidrOf(item);
    if (c.family === 4) ipv4[count++] = ipv4Key(c);
    else ipv6.add(formatCidr(c));
  }
  return countSortedDistinct(ipv4.subarray(0, count).sort()) + ipv6.size;
}

/**
 * Items by a number each: what a map from numbers to lists gives. A long list is kept ordered by number (the items of
 * one number in their order) with the distinct numbers sorted beside it, and found by binary search; a short one is
 * a map.
 */
export class NumberIndex<T> {
  private readonly keys: Float64Array = new Float64Array(0);
  /** The items of keys[i] are items[starts[i]] up to items[starts[i + 1]]. */
  private readonly starts: Int32Array = new Int32Array(1);
  private readonly items: T[] = [];
  private readonly short: Map<number, T[]> | undefined;

  constructor(items: readonly T[], keyOf: (item: T) => number) {
    if (items.length <= SHORT) {
      this.short = new Map();
      for (const item of items) {
        const key = keyOf(item);
        const list = this.short.get(key);
        if (list) list.push(item);
        else this.short.set(key, [item]);
      }
      return;
    }
    const raw = new Float64Array(items.length);
    let ascending = true;
    for (let i = 0; i < items.length; i++) {
      raw[i] = keyOf(items[i]!);
      if (i > 0 && raw[i]! <= raw[i - 1]!) ascending = false;
    }
    if (ascending) {
      // Items listed in order of distinct numbers (a sorted list of addresses) are already what the index needs.
      this.keys = raw;
      this.starts = new Int32Array(items.length + 1);
      for (let i = 0; i <= items.length; i++) this.starts[i] = i;
      this.items = items.slice();
      return;
    }
    this.keys = distinctNumbers(raw);
    const slot = new Int32Array(items.length);
    this.starts = new Int32Array(this.keys.length + 1);
    for (let i = 0; i < items.length; i++) {
      const k = indexOfNumber(this.keys, raw[i]!);
      slot[i] = k;
      this.starts[k + 1] = this.starts[k + 1]! + 1;
    }
    for (let k = 0; k < this.keys.length; k++) this.starts[k + 1] = this.starts[k + 1]! + this.starts[k]!;
    const next = this.starts.slice(0, this.keys.length);
    this.items = new Array<T>(items.length);
    for (let i = 0; i < items.length; i++) {
      const k = slot[i]!;
      this.items[next[k]!] = items[i]!;
      next[k] = next[k]! + 1;
    }
  }

  /** Appends the items of `key` to `out`, while it holds fewer than `limit`. */
  collect(key: number, out: T[], limit = Infinity): void {
    if (this.short) {
      const list = this.short.get(key);
      if (list) for (let i = 0; i < list.length && out.length < limit; i++) out.push(list[i]!);
      return;
    }
    const k = indexOfNumber(this.keys, key);
    if (k < 0) return;
    for (let i = this.starts[k]!; i < this.starts[k + 1]! && out.length < limit; i++) out.push(this.items[i]!);
  }
}
