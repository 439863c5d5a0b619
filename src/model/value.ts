import type { Span } from './location.js';
import { memoized } from '../util/maps.js';

/** Why a value could not be resolved. Rules stay quiet on unresolved values; users can see them with --report-unresolved. */
export type UnresolvedReason =
  | 'variable-no-default'
  | 'resource-attribute'
  | 'data-source'
  | 'module-output'
  | 'function-call'
  | 'conditional'
  | 'count-index'
  | 'each-value'
  | 'dynamic-block'
  | 'unknown-reference'
  | 'unsupported-expression'
  | 'wrong-type'
  | 'cfn-parameter'
  | 'pseudo-parameter'
  | 'import-value'
  | 'get-att'
  | 'unsupported-function'
  | 'remote-template'
  | 'remote-module'
  | 'outside-scan-root'
  | 'function-parameter'
  | 'loop-variable'
  | 'cdk-token'
  | 'not-exported';

export interface Known<T> {
  k: 'known';
  v: T;
  at: Span;
}
export interface Unresolved {
  k: 'unresolved';
  why: UnresolvedReason;
  /** The source text of the expression that could not be resolved. */
  expr: string;
  at: Span;
}
export interface OneOf<T> {
  k: 'oneOf';
  options: { when: string; value: Value<T> }[];
  at: Span;
}
export type Value<T> = Known<T> | Unresolved | OneOf<T>;

export const known = <T>(v: T, at: Span): Known<T> => ({ k: 'known', v, at });
export const unresolved = (why: UnresolvedReason, expr: string, at: Span): Unresolved => ({ k: 'unresolved', why, expr, at });

/** Wraps a value so it holds only under the given conditions (a resource's `Condition`, a conditional `count`). */
export function under<T>(when: readonly string[], v: Value<T>): Value<T> {
  return when.length === 0 ? v : { k: 'oneOf', at: v.at, options: [{ when: when.join(' and '), value: v }] };
}

export function mapValue<T, U>(value: Value<T>, fn: (v: T, at: Span) => Value<U>): Value<U> {
  switch (value.k) {
    case 'known':
      return fn(value.v, value.at);
    case 'unresolved':
      return value;
    case 'oneOf':
      return { k: 'oneOf', at: value.at, options: value.options.map((o) => ({ when: o.when, value: mapValue(o.value, fn) })) };
  }
}

/** One concrete alternative of a value: the known value, or the unresolved leaf, with the conditions that lead to it. */
export type Alternative<T> = { when: string[]; value: Known<T> | Unresolved };

/** The conditions of a value that holds everywhere: one list for them all (callers make new lists, never add to one). */
const ALWAYS: string[] = [];

export function alternatives<T>(value: Value<T>, when: string[] = ALWAYS): Alternative<T>[] {
  if (value.k !== 'oneOf') return [{ when, value }];
  return value.options.flatMap((o) => (o.when ? consistent([...when, o.when]) : true) ? alternatives(o.value, o.when ? [...when, o.when] : when) : []);
}

/**
 * False when conditions contradict each other, so that combination never deploys: "IsProd is true" with "IsProd is
 * false", two values of one parameter, two var files. Conditions read "<name> is <value>" or "with <file>".
 */
export function consistent(when: readonly string[]): boolean {
  if (when.length === 0) return true;
  // One label of one part cannot contradict itself.
  if (when.length === 1 && !when[0]!.includes(' and ')) return true;
  const seen = new Map<string, string>();
  for (const w of when) {
    for (const [name, value] of labelParts(w)) {
      const previous = seen.get(name);
      if (previous !== undefined && previous !== value) return false;
      seen.set(name, value);
    }
  }
  return true;
}

/** consistent([...a, ...b]) without making the list when either is empty. */
export function consistentWith(a: readonly string[], b: readonly string[]): boolean {
  if (b.length === 0) return consistent(a);
  if (a.length === 0) return consistent(b);
  return consistent([...a, ...b]);
}

/**
 * A label's parts as [name, value] ("IsProd is true" → IsProd, true; "with a.tfvars" → var file, a.tfvars). Labels are
 * few and asked about again and again (every pair of conditional rules): each is split once.
 */
const labelParts = memoized(
  (label: string): readonly (readonly [string, string])[] =>
    label.split(' and ').flatMap((part) => {
      if (/^with (.+)$/.test(part)) return [['var file', part.slice(5)] as const];
      const m = /^(.+?) is (.+)$/.exec(part);
      return m ? [[m[1]!, m[2]!] as const] : [];
    }),
  1 << 14,
);

export function isKnown<T>(value: Value<T> | null | undefined): value is Known<T> {
  return value?.k === 'known';
}
