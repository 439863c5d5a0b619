import type { Span } from '../../model/location.js';
import { known } from '../../model/value.js';
import type { Data, EV } from '../values.js';
import { evaluateNode, lift, toBool, toNumber, toText, type Env } from './evaluate.js';
import { isMap } from './functions.js';
import { tryParseValueString, type Node } from './syntax.js';

/**
 * A variable's `type` constraint applied to its value, as Terraform converts it: primitives convert (`"22"` to a number),
 * collections convert element by element, and an object type fills attributes marked `optional(…)` with their default
 * (or null) when the value leaves them out. Values that do not fit stay as they are: sg-lint does not report type errors.
 */
export function convertToType(value: EV, typeRaw: unknown, env: Env): EV {
  const node = typeof typeRaw === 'string' ? tryParseValueString(typeRaw) : null;
  return node ? convert(value, node, typeRaw as string, env, 0) : value;
}

function convert(value: EV, type: Node, src: string, env: Env, depth: number): EV {
  if (depth > 32) return value;
  const at = value.at;
  if (type.t === 'var') {
    const primitive = (to: (d: Data) => Data | null): EV => lift([value], at, ([v]) => known(to(v!) ?? v!, at));
    if (type.name === 'number') return primitive(toNumber);
    if (type.name === 'string') return primitive(toText);
    if (type.name === 'bool') return primitive(toBool);
    return value;
  }
  if (type.t !== 'call') return value;
  const [inner] = type.args;
  switch (type.name) {
    case 'list':
    case 'set':
      return inner ? lift([value], at, ([v]) => (Array.isArray(v) ? known(v.map((item) => convert(item, inner, src, env, depth + 1)), at) : known(v!, at))) : value;
    case 'map':
      return inner ? lift([value], at, ([v]) => (isMap(v!) ? known(mapValues(v, (item) => convert(item, inner, src, env, depth + 1)), at) : known(v!, at))) : value;
    case 'tuple':
      return inner?.t === 'tuple'
        ? lift([value], at, ([v]) => (Array.isArray(v) ? known(v.map((item, i) => (inner.items[i] ? convert(item, inner.items[i]!, src, env, depth + 1) : item)), at) : known(v!, at)))
        : value;
    case 'object':
      return inner?.t === 'object' ? lift([value], at, ([v]) => (isMap(v!) ? known(objectOf(v, inner, src, env, depth, at), at) : known(v!, at))) : value;
    default:
      return value;
  }
}

function objectOf(v: Record<string, EV>, type: Extract<Node, { t: 'object' }>, src: string, env: Env, depth: number, at: Span): Record<string, EV> {
  const out: Record<string, EV> = { ...v };
  for (const item of type.items) {
    if (item.key.t !== 'lit' || typeof item.key.v !== 'string') continue;
    const name = item.key.v;
    const optional = item.value.t === 'call' && item.value.name === 'optional' ? item.value : null;
    const attrType = optional ? optional.args[0] : item.value;
    if (name in v) {
      out[name] = attrType ? convert(v[name]!, attrType, src, env, depth + 1) : v[name]!;
      continue;
    }
    if (!optional) continue;
    const fallback = optional.args[1];
    const filled = fallback ? evaluateNode(fallback, src, at, env) : known(null, at);
    out[name] = attrType && fallback ? convert(filled, attrType, src, env, depth + 1) : filled;
  }
  return out;
}

function mapValues(v: Record<string, EV>, fn: (item: EV) => EV): Record<string, EV> {
  return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, fn(item)]));
}
