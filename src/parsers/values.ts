import type { Span } from '../model/location.js';
import { known, unresolved, type Value } from '../model/value.js';

/** An evaluated IaC value: scalars, or lists and objects whose members are values themselves (each may be unknown). */
export type Data = string | number | boolean | null | EV[] | { [key: string]: EV };
export type EV = Value<Data>;

export function evString(v: EV): Value<string> {
  if (v.k === 'known') {
    if (typeof v.v === 'string') return v as Value<string>;
    if (typeof v.v === 'number' || typeof v.v === 'boolean') return { k: 'known', v: String(v.v), at: v.at };
    return unresolved('wrong-type', JSON.stringify(plain(v.v)), v.at);
  }
  if (v.k === 'oneOf') return { ...v, options: v.options.map((o) => ({ when: o.when, value: evString(o.value) })) };
  return v;
}

export function evNumber(v: EV): Value<number> {
  if (v.k === 'known') {
    if (typeof v.v === 'number') return { k: 'known', v: v.v, at: v.at };
    if (typeof v.v === 'string' && /^\s*-?\d+\s*$/.test(v.v)) return { k: 'known', v: Number(v.v), at: v.at };
    return unresolved('wrong-type', JSON.stringify(plain(v.v)), v.at);
  }
  if (v.k === 'oneOf') return { ...v, options: v.options.map((o) => ({ when: o.when, value: evNumber(o.value) })) };
  return v;
}

/** The elements of a list value. A list that is itself unknown yields one unknown element; alternatives yield conditional elements. */
export function evList(v: EV): EV[] {
  if (v.k === 'unresolved') return [v];
  if (v.k === 'oneOf') {
    return v.options.flatMap((o) => evList(o.value).map((item): EV => ({ k: 'oneOf', at: item.at, options: [{ when: o.when, value: item }] })));
  }
  if (Array.isArray(v.v)) return v.v;
  if (v.v === null) return [];
  return [v];
}

/** JSON of a value, with unknown parts as null (for messages and fingerprints only). */
export function plain(d: Data): unknown {
  if (Array.isArray(d)) return d.map((x) => (x.k === 'known' ? plain(x.v) : null));
  if (d && typeof d === 'object') return Object.fromEntries(Object.entries(d).map(([k, x]) => [k, x.k === 'known' ? plain(x.v) : null]));
  return d;
}

/**
 * A value reached through a reference is reported where the reference is written (RULES.md: at `var.ssh_cidr`, never at
 * the variable's default), so every part of it takes the reference's span.
 */
export function relocate(value: EV, at: Span, keepOrigin = false): EV {
  const here = keepOrigin ? withOrigin(at, value.at) : at;
  switch (value.k) {
    case 'unresolved':
      return { ...value, at: here };
    case 'oneOf':
      return { ...value, at: here, options: value.options.map((o) => ({ when: o.when, value: relocate(o.value, at, keepOrigin) })) };
    case 'known': {
      const data = value.v;
      if (Array.isArray(data)) return known(data.map((d) => relocate(d, at, keepOrigin)), here);
      if (data && typeof data === 'object') return known(Object.fromEntries(Object.entries(data).map(([k, d]) => [k, relocate(d, at, keepOrigin)])), here);
      return known(data, here);
    }
  }
}

/** The reference site, remembering where the value was first written (a default, a module argument, a named rule). */
export function withOrigin(at: Span, from: Span): Span {
  const origin = from.defined ?? from;
  const same = origin.file === at.file && origin.start.line === at.start.line && origin.start.column === at.start.column;
  if (same) return at;
  // Written out rather than spread (a spread of a span is slow); spans are never changed once made, so the origin is
  // shared (it holds no `defined` of its own).
  return at.via ? { file: at.file, start: at.start, end: at.end, path: at.path, via: at.via, defined: origin } : { file: at.file, start: at.start, end: at.end, path: at.path, defined: origin };
}

/** Drops null (AWS::NoValue, Terraform null) alternatives: the value exists only under the other conditions; null if none remain. */
export function presentOnly(v: EV): EV | null {
  if (v.k === 'known') return v.v === null ? null : v;
  if (v.k === 'unresolved') return v;
  const options = v.options.flatMap((o) => {
    const present = presentOnly(o.value);
    return present ? [{ when: o.when, value: present }] : [];
  });
  return options.length > 0 ? { ...v, options } : null;
}
