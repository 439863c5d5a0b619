/** Appends `value` to the list of `key`, creating it (in place: lists of 10^5 rules stay linear to build). */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The first item of an array that only grows with a given key, from an index kept beside it: items added since the last
 * lookup are indexed at the next one (an array found shorter than before is indexed afresh). A search per lookup is
 * quadratic in a run's files or groups.
 */
export class GrowingIndex<T, K> {
  private readonly byKey = new Map<K, T>();
  private seen = 0;

  constructor(
    private readonly items: readonly T[],
    private readonly keyOf: (item: T) => K,
  ) {}

  get(key: K): T | undefined {
    if (this.seen > this.items.length) {
      this.byKey.clear();
      this.seen = 0;
    }
    for (; this.seen < this.items.length; this.seen++) {
      const item = this.items[this.seen]!;
      const k = this.keyOf(item);
      if (!this.byKey.has(k)) this.byKey.set(k, item);
    }
    return this.byKey.get(key);
  }
}

/**
 * addTo for a map whose keys mostly hold one value: a lone value is kept as itself, and a list is made when a second
 * comes (a million one-item lists cost more than the values). Values must not be arrays themselves.
 */
export function addOneOrMore<K, V extends object>(map: Map<K, V | V[]>, key: K, value: V): void {
  const held = map.get(key);
  if (held === undefined) map.set(key, value);
  else if (Array.isArray(held)) held.push(value);
  else map.set(key, [held, value]);
}

/**
 * `items` by key (a null key leaves the item out), each list in item order and the keys in order of first item: what
 * addTo over every item gives. Items come in runs of one key (the rules of one entry, the variants of one list of
 * CIDRs): a run is looked up once and copied at once, which costs a fraction of pushing a million items one by one.
 * `sameKey(a, b)`, when given, tells that item `b` has the key of `a`, the item before it, so that the key is not
 * worked out again.
 */
export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K | null, sameKey?: (a: T, b: T) => boolean): Map<K, T[]> {
  const out = new Map<K, T[]>();
  forEachRun(items, keyOf, sameKey, (key, from, to) => {
    const list = out.get(key);
    if (!list) out.set(key, items.slice(from, to));
    else for (let i = from; i < to; i++) list.push(items[i]!);
  });
  return out;
}

/** Calls `run` for each run of consecutive items with one (non-null) key: items[from] up to items[to]. */
function forEachRun<T, K>(items: readonly T[], keyOf: (item: T) => K | null, sameKey: ((a: T, b: T) => boolean) | undefined, run: (key: K, from: number, to: number) => void): void {
  let key: K | null = null;
  let from = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const next: K | null = i > 0 && sameKey?.(items[i - 1]!, item) ? key : keyOf(item);
    if (i > 0 && next === key) continue;
    if (key !== null) run(key, from, i);
    key = next;
    from = i;
  }
  if (key !== null) run(key, from, items.length);
}

/**
 * `fn` with each result kept by its argument: for a pure lookup asked again and again (a file's settings, once per rule).
 * With a `limit`, the results are forgotten whenever that many are kept (a cache that lives as long as the process).
 */
export function memoized<K, V>(fn: (key: K) => V, limit = Infinity): (key: K) => V {
  const results = new Map<K, V>();
  return (key) => {
    let value = results.get(key);
    if (value === undefined && !results.has(key)) {
      if (results.size >= limit) results.clear();
      results.set(key, (value = fn(key)));
    }
    return value as V;
  };
}
