import { Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';

/**
 * The yaml package's node classes mark each node in their constructors with Object.defineProperty, the slowest part of
 * building a large tree. The fast readers' nodes are the same classes' instances (same prototypes, same fields) with
 * the mark on a shared prototype instead, where yaml's isMap/isSeq/isScalar/isPair look it up just the same.
 */
const NODE_TYPE = Symbol.for('yaml.node.type');
const marked = <T extends object>(proto: T, type: string): T => Object.create(proto, { [NODE_TYPE]: { value: Symbol.for(type) } }) as T;
const SCALAR = marked(Scalar.prototype, 'yaml.scalar');
const PAIR = marked(Pair.prototype, 'yaml.pair');
export const MAP = marked(YAMLMap.prototype, 'yaml.map');
export const SEQ = marked(YAMLSeq.prototype, 'yaml.seq');

/** An empty map or sequence (MAP or SEQ); `flow` is set for `{…}`/`[…]` only, as the composer does. */
export function newCollection(proto: YAMLMap | YAMLSeq, flow: boolean): YAMLMap | YAMLSeq {
  const node = Object.create(proto) as YAMLMap | YAMLSeq;
  node.items = [];
  if (flow) node.flow = true;
  return node;
}

export function newPair(key: Node, value: Node): Pair {
  const pair = Object.create(PAIR) as Pair;
  pair.key = key;
  pair.value = value;
  return pair;
}

export function newScalar(value: unknown, range: [number, number, number]): Scalar {
  const node = Object.create(SCALAR) as Scalar;
  node.value = value;
  node.range = range;
  return node;
}

const KEY_SET_FROM = 8;

/**
 * Tells whether a map's next key repeats one of its earlier keys (equal scalar values: yaml's uniqueKeys check). A set
 * of the keys is kept once the map has enough of them that a linear search costs more.
 */
export class MapKeys {
  private set: Set<unknown> | null = null;

  constructor(private readonly items: Pair[]) {}

  repeats(value: unknown): boolean {
    const items = this.items;
    if (!this.set && items.length + 1 >= KEY_SET_FROM) this.set = new Set(items.map((p) => (p.key as Scalar).value));
    if (!this.set) return items.some((p) => (p.key as Scalar).value === value);
    const repeated = this.set.has(value);
    this.set.add(value);
    return repeated;
  }
}
