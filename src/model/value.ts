import type { Span } from './location.js';

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
  const seen = new Map<string, string>();
  for (const w of when) {
    for (const part of w.split(' and ')) {
      const m = /^with (.+)$/.exec(part) ? (['', 'var file', part.slice(5)] as const) : /^(.+?) is (.+)$/.exec(part);
      if (!m) continue;
      const previous = seen.get(m[1]!);
      if (previous !== undefined && previous !== m[2]) return false;
      seen.set(m[1]!, m[2]!);
    }
  }
  return true;
}

export function isKnown<T>(value: Value<T> | null | undefined): value is Known<T> {
  return value?.k === 'known';
}
