/** Appends `value` to the list of `key`, creating it (in place: lists of 10^5 rules stay linear to build). */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
