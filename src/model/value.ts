import type { Span } from './location.js';

/** Why a value could not be resolved. Rules stay quiet on unresolved values; users can see them with --report-unresolved. */
export type UnresolvedReason =
  | 'variable-no-default'
  | 'resource-attribute'
  | 'data-source'
  | 'module-output'
  | 'function-call'
  | 'conditional'
  | 'for-expression'
  | 'splat'
  | 'count-index'
  | 'each-value'
  | 'dynamic-block'
  | 'unknown-reference'
  | 'unsupported-expression'
  | 'wrong-type'
  | 'cfn-parameter'
  | 'import-value'
  | 'get-att'
  | 'cdk-token';

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

export function alternatives<T>(value: Value<T>, when: string[] = []): Alternative<T>[] {
  if (value.k !== 'oneOf') return [{ when, value }];
  return value.options.flatMap((o) => alternatives(o.value, o.when ? [...when, o.when] : when));
}

export function isKnown<T>(value: Value<T> | null | undefined): value is Known<T> {
  return value?.k === 'known';
}
