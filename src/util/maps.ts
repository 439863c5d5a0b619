/** Appends `value` to the list of `key`, creating it (in place: lists of 10^5 rules stay linear to build). */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
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
