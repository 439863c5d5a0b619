import type { Span } from '../../model/location.js';
import { familyBits, formatAddress, parseCidr } from '../../model/net.js';
import { known, unresolved, type Unresolved } from '../../model/value.js';
import { withOrigin, type Data, type EV } from '../values.js';
import { allMatches, compileRe2, firstMatch, replaceAll } from './regex.js';
import { dataEqual, isIdMarker, lift, toBool, toNumber, toText } from './evaluate.js';
import { appendAll, maxOf, minOf } from '../../util/arrays.js';

type Fn = (args: EV[], at: Span) => EV;

/** An error Terraform would report (wrong argument type or count): `try` skips it, `can` turns it into false. */
const error = (at: Span): Unresolved => unresolved('wrong-type', '', at);
const notYet = (at: Span): Unresolved => unresolved('function-call', '', at);

/** Calls a Terraform function on evaluated arguments; undefined when sg-lint does not implement it. */
export function callFunction(name: string, args: EV[], at: Span): EV | undefined {
  const fn = FUNCTIONS[name];
  return fn ? fn(args, at) : undefined;
}

/** A resource id used as text (`join(",", [aws_x.y.id])`): an attribute only apply knows, not an error. */
const idAsText = (at: Span): Unresolved => unresolved('resource-attribute', '', at);
const hasId = (values: Data[]): boolean => values.some((v) => isIdMarker(v) || (Array.isArray(v) && v.some((x) => x.k === 'known' && isIdMarker(x.v))));

/** Lifts a function over alternatives and unknowns of its top-level arguments. */
const lifted =
  (fn: (values: Data[], at: Span, args: EV[]) => EV, arity?: [number, number]): Fn =>
  (args, at) => {
    if (arity && (args.length < arity[0] || args.length > arity[1])) return error(at);
    return lift(args, at, (values) => {
      const out = fn(values, at, args);
      return out.k === 'unresolved' && out.why === 'wrong-type' && hasId(values) ? idAsText(at) : out;
    });
  };

/** Elements of a list whose members are all known; the first unknown member (or a conditional one) otherwise. */
function knownItems(list: EV[], at: Span): Data[] | Unresolved {
  const out: Data[] = [];
  for (const item of list) {
    if (item.k === 'unresolved') return { ...item, at };
    if (item.k === 'oneOf') return unresolved('conditional', '', at);
    out.push(item.v);
  }
  return out;
}

const isList = (d: Data): d is EV[] => Array.isArray(d);
/** A member that exists only under a condition (from a `for … if` filter): a oneOf with a single option. */
const isConditional = (x: EV): boolean => x.k === 'oneOf' && x.options.length === 1;
const hasConditionalMember = (m: Record<string, EV>): boolean => Object.values(m).some(isConditional);
export const isMap = (d: Data): d is Record<string, EV> => !!d && typeof d === 'object' && !Array.isArray(d);
const text = (d: Data | undefined): string | null => (d === undefined ? null : toText(d));
const isUnresolved = (x: unknown): x is Unresolved => !!x && typeof x === 'object' && (x as { k?: string }).k === 'unresolved';

/** A plain JSON value as evaluated data. */
export function fromPlain(x: unknown, at: Span): EV {
  if (Array.isArray(x)) return known(x.map((i) => fromPlain(i, at)), at);
  if (x && typeof x === 'object') return known(Object.fromEntries(Object.entries(x).map(([k, v]) => [k, fromPlain(v, at)])), at);
  if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' || x === null) return known(x, at);
  return error(at);
}

function toPlain(d: Data): unknown | Unresolved {
  if (Array.isArray(d) || isMap(d)) {
    const entries = Array.isArray(d) ? d.map((v, i) => [String(i), v] as const) : Object.entries(d);
    const out: [string, unknown][] = [];
    for (const [k, v] of entries) {
      if (v.k !== 'known') return v.k === 'unresolved' ? v : unresolved('conditional', '', v.at);
      const inner = toPlain(v.v);
      if (isUnresolved(inner)) return inner;
      out.push([k, inner]);
    }
    return Array.isArray(d) ? out.map(([, v]) => v) : Object.fromEntries(out);
  }
  return d;
}

function distinctItems(items: EV[], at: Span): EV[] | Unresolved {
  const values = knownItems(items, at);
  if (isUnresolved(values)) return values;
  const out: EV[] = [];
  const seen = new Set<string>();
  values.forEach((v, i) => {
    const key = equalityKey(v);
    if (key === null || !seen.has(key)) out.push(items[i]!);
    if (key !== null) seen.add(key);
  });
  return out;
}

/**
 * A text that two values share exactly when dataEqual finds them equal (so that a list's repeats are found through a
 * set, not by comparing each item with every earlier one): a number as the string it converts to, as Terraform
 * compares them. Null when a part is not known: such a value equals nothing.
 */
function equalityKey(d: Data): string | null {
  if (d === null) return 'n';
  if (typeof d === 'boolean') return d ? 't' : 'f';
  if (typeof d === 'number' || typeof d === 'string') return JSON.stringify(String(d));
  const memberKey = (member: EV) => (member.k === 'known' ? equalityKey(member.v) : null);
  const parts: string[] = [];
  if (Array.isArray(d)) {
    for (const member of d) {
      const key = memberKey(member);
      if (key === null) return null;
      parts.push(key);
    }
    return `[${parts.join(',')}]`;
  }
  for (const name of Object.keys(d).sort()) {
    const key = memberKey(d[name]!);
    if (key === null) return null;
    parts.push(`${JSON.stringify(name)}:${key}`);
  }
  return `{${parts.join(',')}}`;
}

function formatOne(fmt: string, values: Data[], at: Span): EV {
  let out = '';
  let next = 0;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = /^%([-+# 0]*)(\d*)(?:\.(\d+))?([%sdvqtfbxXoeE])/.exec(fmt.slice(i));
    if (!m) return error(at);
    i += m[0].length - 1;
    const verb = m[4]!;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const v = values[next++];
    if (v === undefined) return error(at);
    let piece: string | null;
    if (verb === 'd') piece = toNumber(v) === null ? null : String(Math.trunc(toNumber(v)!));
    else if (verb === 'q') piece = text(v) === null ? null : JSON.stringify(text(v));
    else if (verb === 'v' && (isList(v) || isMap(v))) {
      const plain = toPlain(v);
      piece = isUnresolved(plain) ? null : JSON.stringify(plain);
    } else piece = text(v);
    if (piece === null) return error(at);
    const width = Number(m[2] || 0);
    if (piece.length < width) piece = m[1]!.includes('-') ? piece.padEnd(width) : piece.padStart(width, m[1]!.includes('0') ? '0' : ' ');
    out += piece;
  }
  return known(out, at);
}

function cidrOf(d: Data, at: Span): ReturnType<typeof parseCidr> | Unresolved {
  const s = text(d);
  const c = s === null ? null : parseCidr(s);
  return c && s!.includes('/') ? c : error(at);
}

function subnet(prefix: Data, newbits: number, netnum: number, at: Span): EV {
  const c = cidrOf(prefix, at);
  if (isUnresolved(c) || !c) return c ?? error(at);
  const bits = familyBits(c.family);
  const length = c.prefix + newbits;
  if (!Number.isInteger(newbits) || newbits < 0 || length > bits || netnum < 0 || BigInt(netnum) >= 1n << BigInt(newbits)) return error(at);
  const addr = c.addr | (BigInt(netnum) << BigInt(bits - length));
  return known(`${formatAddress(c.family, addr)}/${length}`, at);
}

function host(prefix: Data, hostnum: number, at: Span): EV {
  const c = cidrOf(prefix, at);
  if (isUnresolved(c) || !c) return c ?? error(at);
  const size = 1n << BigInt(familyBits(c.family) - c.prefix);
  const n = BigInt(hostnum);
  const offset = n < 0n ? size + n : n;
  if (offset < 0n || offset >= size) return error(at);
  return known(formatAddress(c.family, c.addr + offset), at);
}

function asList(d: Data): EV[] | null {
  if (isList(d)) return d;
  return null;
}

/** A function of one string; what it makes of the string keeps the string's origin (`split(",", var.cidrs)`). */
function stringFn(fn: (s: string, rest: Data[], at: Span) => Data | null): Fn {
  return (args, at) =>
    lifted((values) => {
      const s = text(values[0]);
      if (s === null) return error(at);
      const from = args[0] && args[0].k === 'known' ? withOrigin(at, args[0].at) : at;
      const out = fn(s, values.slice(1), from);
      return out === null ? error(at) : known(out, from);
    })(args, at);
}

const FUNCTIONS: Record<string, Fn> = {
  // An unknown list argument stays in the result as one unknown element: the known elements are still known.
  concat: (args, at) =>
    lift(
      args.map((a) => (a.k === 'unresolved' ? known([a], a.at) : a)),
      at,
      (values) => {
        const out: EV[] = [];
        for (const v of values) {
          const list = asList(v);
          if (!list) return error(at);
          appendAll(out, list);
        }
        return known(out, at);
      },
    ),
  flatten: lifted((values, at) => {
    const flat = (list: EV[]): EV[] | Unresolved => {
      const out: EV[] = [];
      for (const item of list) {
        if (item.k === 'known' && isList(item.v)) {
          const inner = flat(item.v);
          if (isUnresolved(inner)) return inner;
          appendAll(out, inner);
        } else if (item.k === 'unresolved') return { ...item, at };
        else if (item.k === 'oneOf' && item.options.some((o) => o.value.k !== 'known' || isList(o.value.v))) return unresolved('conditional', '', at);
        else out.push(item);
      }
      return out;
    };
    const list = asList(values[0]!);
    if (!list) return error(at);
    const out = flat(list);
    return isUnresolved(out) ? out : known(out, at);
  }, [1, 1]),
  merge: lifted((values, at) => {
    const out: Record<string, EV> = {};
    for (const v of values) {
      if (v === null) continue;
      if (!isMap(v)) return error(at);
      Object.assign(out, v);
    }
    return known(out, at);
  }),
  lookup: (args, at) => {
    if (args.length < 2 || args.length > 3) return error(at);
    return lift(args.slice(0, 2), at, ([map, key]) => {
      const k = text(key);
      if (!isMap(map!) || k === null) return error(at);
      if (Object.prototype.hasOwnProperty.call(map, k)) return map[k]!;
      return args[2] ?? error(at);
    });
  },
  element: lifted((values, at) => {
    const list = asList(values[0]!);
    const i = toNumber(values[1]!);
    if (!list || i === null || list.length === 0) return error(at);
    if (list.some(isConditional)) return unresolved('conditional', '', at);
    return list[((Math.trunc(i) % list.length) + list.length) % list.length]!;
  }, [2, 2]),
  distinct: lifted((values, at) => {
    const list = asList(values[0]!);
    if (!list) return error(at);
    const out = distinctItems(list, at);
    return isUnresolved(out) ? out : known(out, at);
  }, [1, 1]),
  compact: lifted((values, at) => {
    const list = asList(values[0]!);
    if (!list) return error(at);
    return known(
      list.filter((item) => !(item.k === 'known' && (item.v === null || item.v === ''))),
      at,
    );
  }, [1, 1]),
  split: stringFn((sep, [s], at) => {
    const str = text(s);
    if (str === null) return null;
    return (sep === '' ? [...str] : str.split(sep)).map((p): EV => known(p, at));
  }),
  join: lifted((values, at) => {
    const sep = text(values[0]);
    if (sep === null) return error(at);
    const parts: string[] = [];
    for (const v of values.slice(1)) {
      const list = asList(v);
      if (!list) return error(at);
      const items = knownItems(list, at);
      if (isUnresolved(items)) return items;
      for (const item of items) {
        const t = text(item);
        if (t === null) return error(at);
        parts.push(t);
      }
    }
    return known(parts.join(sep), at);
  }),
  format: lifted((values, at) => {
    const fmt = text(values[0]);
    return fmt === null ? error(at) : formatOne(fmt, values.slice(1), at);
  }),
  formatlist: lifted((values, at) => {
    const fmt = text(values[0]);
    if (fmt === null) return error(at);
    const rest = values.slice(1);
    const lengths = rest.filter(isList).map((l) => l.length);
    if (lengths.length === 0) return known([formatOne(fmt, rest, at)], at);
    if (lengths.some((n) => n !== lengths[0])) return error(at);
    const out: EV[] = [];
    for (let i = 0; i < lengths[0]!; i++) {
      const row: Data[] = [];
      for (const v of rest) {
        if (!isList(v)) {
          row.push(v);
          continue;
        }
        const item = v[i]!;
        if (item.k !== 'known') return item.k === 'unresolved' ? { ...item, at } : unresolved('conditional', '', at);
        row.push(item.v);
      }
      out.push(formatOne(fmt, row, at));
    }
    return known(out, at);
  }),
  replace: stringFn((s, [search, replacement]) => {
    const find = text(search);
    const by = text(replacement);
    if (find === null || by === null) return null;
    if (find.length > 1 && find.startsWith('/') && find.endsWith('/')) {
      const re = compileRe2(find.slice(1, -1));
      return re ? replaceAll(re, s, by) : null;
    }
    return s.split(find).join(by);
  }),
  regex: lifted((values, at) => {
    const [pattern, s] = [text(values[0]), text(values[1])];
    const re = pattern === null ? null : compileRe2(pattern);
    const match = re && s !== null ? firstMatch(re, s) : null;
    return match === null ? error(at) : fromPlain(match, at);
  }, [2, 2]),
  regexall: lifted((values, at) => {
    const [pattern, s] = [text(values[0]), text(values[1])];
    const re = pattern === null ? null : compileRe2(pattern);
    return re && s !== null ? fromPlain(allMatches(re, s), at) : error(at);
  }, [2, 2]),
  sensitive: lifted((values, at, args) => (args[0]!.k === 'known' ? args[0]! : known(values[0]!, at)), [1, 1]),
  nonsensitive: lifted((values, at, args) => (args[0]!.k === 'known' ? args[0]! : known(values[0]!, at)), [1, 1]),
  chomp: stringFn((s) => s.replace(/(\r?\n)+$/, '')),
  lower: stringFn((s) => s.toLowerCase()),
  upper: stringFn((s) => s.toUpperCase()),
  title: stringFn((s) => s.replace(/\b\w/g, (c) => c.toUpperCase())),
  trimspace: stringFn((s) => s.trim()),
  trim: stringFn((s, [chars]) => {
    const set = text(chars);
    if (set === null) return null;
    let a = 0;
    let b = s.length;
    while (a < b && set.includes(s[a]!)) a++;
    while (b > a && set.includes(s[b - 1]!)) b--;
    return s.slice(a, b);
  }),
  trimprefix: stringFn((s, [p]) => (text(p) === null ? null : s.startsWith(text(p)!) ? s.slice(text(p)!.length) : s)),
  trimsuffix: stringFn((s, [p]) => (text(p) === null ? null : text(p) && s.endsWith(text(p)!) ? s.slice(0, s.length - text(p)!.length) : s)),
  substr: stringFn((s, [offset, length]) => {
    const o = toNumber(offset!);
    const n = toNumber(length!);
    if (o === null || n === null) return null;
    const chars = [...s];
    const start = o < 0 ? chars.length + o : o;
    return chars.slice(start, n < 0 ? undefined : start + n).join('');
  }),
  startswith: stringFn((s, [p]) => (text(p) === null ? null : s.startsWith(text(p)!))),
  endswith: stringFn((s, [p]) => (text(p) === null ? null : s.endsWith(text(p)!))),
  strcontains: stringFn((s, [p]) => (text(p) === null ? null : s.includes(text(p)!))),
  tostring: lifted((values, at) => (values[0] === null ? known(null, at) : text(values[0]) === null ? error(at) : known(text(values[0])!, at)), [1, 1]),
  tonumber: lifted((values, at) => (values[0] === null ? known(null, at) : toNumber(values[0]!) === null ? error(at) : known(toNumber(values[0]!)!, at)), [1, 1]),
  tobool: lifted((values, at) => (values[0] === null ? known(null, at) : toBool(values[0]!) === null ? error(at) : known(toBool(values[0]!)!, at)), [1, 1]),
  tolist: lifted((values, at) => (isList(values[0]!) ? known(values[0], at) : error(at)), [1, 1]),
  toset: lifted((values, at) => {
    const list = asList(values[0]!);
    if (!list) return error(at);
    const out = distinctItems(list, at);
    if (isUnresolved(out)) return out;
    const allText = out.every((i) => i.k === 'known' && typeof i.v === 'string');
    return known(allText ? [...out].sort((a, b) => ((a as { v: string }).v < (b as { v: string }).v ? -1 : 1)) : out, at);
  }, [1, 1]),
  tomap: lifted((values, at) => (isMap(values[0]!) ? known(values[0], at) : error(at)), [1, 1]),
  keys: lifted((values, at) => {
    const m = values[0]!;
    if (!isMap(m)) return error(at);
    return hasConditionalMember(m) ? unresolved('conditional', '', at) : known(Object.keys(m).sort().map((k) => known(k, at)), at);
  }, [1, 1]),
  values: lifted((values, at) => {
    const m = values[0]!;
    if (!isMap(m)) return error(at);
    return hasConditionalMember(m) ? unresolved('conditional', '', at) : known(Object.keys(m).sort().map((k) => m[k]!), at);
  }, [1, 1]),
  contains: lifted((values, at) => {
    const list = asList(values[0]!);
    if (!list) return error(at);
    let unknown: EV | null = null;
    for (const item of list) {
      if (item.k !== 'known') {
        unknown ??= item;
        continue;
      }
      const eq = dataEqual(item.v, values[1]!);
      if (eq === true) return known(true, at);
      if (eq === null) unknown ??= item;
    }
    return unknown ? (unknown.k === 'unresolved' ? { ...unknown, at } : unresolved('conditional', '', at)) : known(false, at);
  }, [2, 2]),
  length: lifted((values, at) => {
    const v = values[0]!;
    if (typeof v === 'string') return known([...v].length, at);
    const items = isList(v) ? v : isMap(v) ? Object.values(v) : null;
    if (!items) return error(at);
    if (items.some(isConditional)) return unresolved('conditional', '', at);
    return known(items.length, at);
  }, [1, 1]),
  range: lifted((values, at) => {
    const nums = values.map(toNumber);
    if (nums.some((n) => n === null) || nums.length === 0 || nums.length > 3) return error(at);
    const [start, limit, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? (nums[1]! >= nums[0]! ? 1 : -1)];
    if (step === 0 || Math.abs((limit! - start!) / step!) > 10_000) return error(at);
    const out: EV[] = [];
    for (let i = start!; step! > 0 ? i < limit! : i > limit!; i += step!) out.push(known(i, at));
    return known(out, at);
  }),
  zipmap: lifted((values, at) => {
    const ks = asList(values[0]!);
    const vs = asList(values[1]!);
    if (!ks || !vs || ks.length !== vs.length) return error(at);
    const names = knownItems(ks, at);
    if (isUnresolved(names)) return names;
    const out: Record<string, EV> = {};
    for (let i = 0; i < names.length; i++) {
      const k = text(names[i]);
      if (k === null) return error(at);
      out[k] = vs[i]!;
    }
    return known(out, at);
  }, [2, 2]),
  coalesce: lifted((values, at, args) => {
    const i = values.findIndex((v) => v !== null && v !== '');
    return i < 0 ? error(at) : args[i]!.k === 'known' ? args[i]! : known(values[i]!, at);
  }),
  coalescelist: lifted((values, at, args) => {
    if (values.some((v) => !isList(v))) return error(at);
    const i = values.findIndex((v) => (v as EV[]).length > 0);
    return i < 0 ? error(at) : args[i]!.k === 'known' ? args[i]! : known(values[i]!, at);
  }),
  cidrsubnet: lifted((values, at) => {
    const [prefix, newbits, netnum] = [values[0]!, toNumber(values[1]!), toNumber(values[2]!)];
    return newbits === null || netnum === null ? error(at) : subnet(prefix, newbits, netnum, at);
  }, [3, 3]),
  cidrsubnets: lifted((values, at) => {
    const c = cidrOf(values[0]!, at);
    if (isUnresolved(c) || !c) return c ?? error(at);
    const out: EV[] = [];
    let next = c.addr;
    const bits = familyBits(c.family);
    for (const v of values.slice(1)) {
      const newbits = toNumber(v);
      if (newbits === null) return error(at);
      const length = c.prefix + newbits;
      if (length > bits) return error(at);
      const size = 1n << BigInt(bits - length);
      next = ((next + size - 1n) / size) * size;
      out.push(known(`${formatAddress(c.family, next)}/${length}`, at));
      next += size;
    }
    return known(out, at);
  }),
  cidrhost: lifted((values, at) => {
    const n = toNumber(values[1]!);
    return n === null ? error(at) : host(values[0]!, n, at);
  }, [2, 2]),
  cidrnetmask: lifted((values, at) => {
    const c = cidrOf(values[0]!, at);
    if (isUnresolved(c) || !c) return c ?? error(at);
    if (c.family !== 4) return error(at);
    const mask = c.prefix === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - c.prefix)) - 1n);
    return known(formatAddress(4, mask), at);
  }, [1, 1]),
  jsondecode: lifted((values, at) => {
    const s = text(values[0]);
    if (s === null) return error(at);
    try {
      return fromPlain(JSON.parse(s), at);
    } catch {
      return error(at);
    }
  }, [1, 1]),
  jsonencode: lifted((values, at) => {
    const plain = toPlain(values[0]!);
    return isUnresolved(plain) ? plain : known(JSON.stringify(plain), at);
  }, [1, 1]),
  sort: lifted((values, at) => {
    const list = asList(values[0]!);
    if (!list) return error(at);
    const items = knownItems(list, at);
    if (isUnresolved(items)) return items;
    const texts = items.map(text);
    if (texts.some((t) => t === null)) return error(at);
    return known(
      (texts as string[]).sort().map((t) => known(t, at)),
      at,
    );
  }, [1, 1]),
  reverse: lifted((values, at) => (isList(values[0]!) ? known([...values[0]].reverse(), at) : error(at)), [1, 1]),
  slice: lifted((values, at) => {
    const list = asList(values[0]!);
    const [a, b] = [toNumber(values[1]!), toNumber(values[2]!)];
    if (!list || a === null || b === null || a < 0 || b > list.length || a > b) return error(at);
    return known(list.slice(a, b), at);
  }, [3, 3]),
  index: lifted((values, at) => {
    const list = asList(values[0]!);
    if (!list) return error(at);
    const items = knownItems(list, at);
    if (isUnresolved(items)) return items;
    const i = items.findIndex((item) => dataEqual(item, values[1]!) === true);
    return i < 0 ? error(at) : known(i, at);
  }, [2, 2]),
  one: lifted((values, at) => {
    const list = asList(values[0]!);
    if (!list || list.length > 1) return error(at);
    return list[0] ?? known(null, at);
  }, [1, 1]),
  min: numbers((ns) => minOf(ns)),
  max: numbers((ns) => maxOf(ns)),
  sum: lifted((values, at) => {
    const list = asList(values[0]!);
    if (!list) return error(at);
    const items = knownItems(list, at);
    if (isUnresolved(items)) return items;
    const ns = items.map(toNumber);
    return ns.some((n) => n === null) ? error(at) : known((ns as number[]).reduce((a, b) => a + b, 0), at);
  }, [1, 1]),
  abs: numbers(([n]) => Math.abs(n!)),
  ceil: numbers(([n]) => Math.ceil(n!)),
  floor: numbers(([n]) => Math.floor(n!)),
  alltrue: booleans((bs) => bs.every(Boolean)),
  anytrue: booleans((bs) => bs.some(Boolean)),
  setunion: lifted((values, at) => {
    const all: EV[] = [];
    for (const v of values) {
      if (!isList(v)) return error(at);
      appendAll(all, v);
    }
    const out = distinctItems(all, at);
    return isUnresolved(out) ? out : known(out, at);
  }),
  chunklist: lifted((values, at) => {
    const list = asList(values[0]!);
    const size = toNumber(values[1]!);
    if (!list || size === null || size < 0) return error(at);
    if (size === 0) return known([known(list, at)], at);
    const out: EV[] = [];
    for (let i = 0; i < list.length; i += size) out.push(known(list.slice(i, i + size), at));
    return known(out, at);
  }, [2, 2]),
  list: (args, at) => known(args, at),
  map: (args, at) => {
    if (args.length % 2 !== 0) return error(at);
    return lift(
      args.filter((_, i) => i % 2 === 0),
      at,
      (keys) => {
        const out: Record<string, EV> = {};
        for (let i = 0; i < keys.length; i++) {
          const k = text(keys[i]);
          if (k === null) return error(at);
          out[k] = args[i * 2 + 1]!;
        }
        return known(out, at);
      },
    );
  },
  // Values only apply knows, or that read files sg-lint does not open.
  timestamp: (_, at) => notYet(at),
  uuid: (_, at) => notYet(at),
};

function numbers(fn: (ns: number[]) => number): Fn {
  return (args, at) =>
    lift(args, at, (values) => {
      const ns = values.map(toNumber);
      return ns.length === 0 || ns.some((n) => n === null) ? error(at) : known(fn(ns as number[]), at);
    });
}

function booleans(fn: (bs: boolean[]) => boolean): Fn {
  return lifted((values, at) => {
    const list = asList(values[0]!);
    if (!list) return error(at);
    const items = knownItems(list, at);
    if (isUnresolved(items)) return items;
    const bs = items.map(toBool);
    return bs.some((b) => b === null) ? error(at) : known(fn(bs as boolean[]), at);
  }, [1, 1]);
}

