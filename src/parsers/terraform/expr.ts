import type { Span } from '../../model/location.js';
import { known, unresolved, type UnresolvedReason } from '../../model/value.js';
import { relocate, type EV } from '../values.js';

export interface Scope {
  /** The value of `var.name`, or undefined when no such variable is declared. */
  variable(name: string, at: Span): EV | undefined;
  /** The value of `local.name`, or undefined when no such local is defined. */
  local(name: string, at: Span): EV | undefined;
}

type Part = { literal: string } | { expr: string };

/** Splits an hcl2json string into literal text and `${…}` interpolations; null when it holds a `%{…}` directive. */
export function templateParts(s: string): Part[] | null {
  const parts: Part[] = [];
  let text = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if ((c === '$' || c === '%') && s[i + 1] === c && s[i + 2] === '{') {
      text += `${c}{`;
      i += 3;
      continue;
    }
    if (c === '%' && s[i + 1] === '{') return null;
    if (c === '$' && s[i + 1] === '{') {
      const end = closingBrace(s, i + 2);
      if (end < 0) return null;
      if (text) parts.push({ literal: text });
      text = '';
      parts.push({ expr: s.slice(i + 2, end).trim() });
      i = end + 1;
      continue;
    }
    text += c;
    i++;
  }
  if (text || parts.length === 0) parts.push({ literal: text });
  return parts;
}

function closingBrace(s: string, from: number): number {
  let depth = 0;
  let quote = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
      else if (c === '$' && s[i + 1] === '{') {
        const inner = closingBrace(s, i + 2);
        if (inner < 0) return -1;
        i = inner;
      }
      continue;
    }
    if (c === '"') quote = true;
    else if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

const TRAVERSAL = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\.\d+|\[\d+\]|\["[^"\\]*"\])*$/;

/** Splits `a.b[0]["c"]` into steps: names as strings, indexes as numbers. */
export function traversalSteps(expr: string): (string | number)[] | null {
  if (!TRAVERSAL.test(expr)) return null;
  const steps: (string | number)[] = [];
  for (const m of expr.matchAll(/([A-Za-z_][\w-]*)|\.(\d+)|\[(\d+)\]|\["([^"\\]*)"\]/g)) {
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else if (m[3] !== undefined) steps.push(Number(m[3]));
    else steps.push(m[4]!);
  }
  return steps;
}

/** Why an expression the issue-3 evaluator does not evaluate stays unknown. */
export function classifyExpression(expr: string): UnresolvedReason {
  const steps = traversalSteps(expr);
  if (steps) {
    const root = steps[0];
    if (root === 'count') return 'count-index';
    if (root === 'each') return 'each-value';
    if (root === 'data') return 'data-source';
    if (root === 'module') return 'module-output';
    if (root === 'var' || root === 'local') return 'unknown-reference';
    if (steps.length >= 3) return 'resource-attribute';
    return 'unsupported-expression';
  }
  const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  if (/\bcount\.index\b/.test(code)) return 'count-index';
  if (/\beach\.(?:key|value)\b/.test(code)) return 'each-value';
  if (/^[[{]\s*for\s/.test(code)) return 'for-expression';
  if (/\[\*\]|\.\*/.test(code)) return 'splat';
  if (/^[\w:]+\s*\(/.test(code)) return 'function-call';
  if (/\?[^:]*:/.test(code)) return 'conditional';
  if (/\b[\w:]+\s*\(/.test(code)) return 'function-call';
  return 'unsupported-expression';
}

/** Evaluates the JSON that hcl2json produced for an expression. `spanAt(path)` locates any sub-path. */
export function evaluate(raw: unknown, path: string, spanAt: (path: string) => Span, scope: Scope, depth = 0): EV {
  const at = spanAt(path);
  if (depth > 64) return unresolved('unsupported-expression', '(too deeply nested)', at);
  if (raw === null || typeof raw === 'number' || typeof raw === 'boolean') return known(raw, at);
  if (typeof raw === 'string') return evaluateString(raw, at, scope);
  if (Array.isArray(raw)) return known(raw.map((item, i) => evaluate(item, `${path}[${i}]`, spanAt, scope, depth + 1)), at);
  if (typeof raw === 'object') {
    const out: Record<string, EV> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = evaluate(v, `${path}.${k}`, spanAt, scope, depth + 1);
    return known(out, at);
  }
  return unresolved('unsupported-expression', String(raw), at);
}

function evaluateString(raw: string, at: Span, scope: Scope): EV {
  const parts = templateParts(raw);
  if (!parts) return unresolved('unsupported-expression', raw, at);
  const only = parts.length === 1 ? parts[0]! : undefined;
  if (only && 'literal' in only) return known(only.literal, at);
  if (only && 'expr' in only) return evaluateExpression(only.expr, at, scope);
  let text = '';
  for (const part of parts) {
    if ('literal' in part) {
      text += part.literal;
      continue;
    }
    const v = evaluateExpression(part.expr, at, scope);
    if (v.k !== 'known') return v.k === 'unresolved' ? { ...v, expr: raw } : unresolved('conditional', raw, at);
    if (typeof v.v === 'string' || typeof v.v === 'number' || typeof v.v === 'boolean') text += String(v.v);
    else return unresolved('wrong-type', raw, at);
  }
  return known(text, at);
}

function evaluateExpression(expr: string, at: Span, scope: Scope): EV {
  const steps = traversalSteps(expr);
  const [root, name, ...rest] = steps ?? [];
  if (steps && (root === 'var' || root === 'local') && typeof name === 'string') {
    const base = root === 'var' ? scope.variable(name, at) : scope.local(name, at);
    if (!base) return unresolved('unknown-reference', expr, at);
    return access(relocate(base, at), rest, expr, at);
  }
  const literal = /^-?\d+(?:\.\d+)?$/.test(expr) ? Number(expr) : /^"([^"\\$%]*)"$/.exec(expr)?.[1];
  if (literal !== undefined) return known(literal, at);
  return unresolved(classifyExpression(expr), expr, at);
}

function access(value: EV, steps: (string | number)[], expr: string, at: Span): EV {
  let current = value;
  for (const step of steps) {
    if (current.k !== 'known') return current;
    const data = current.v;
    const next = Array.isArray(data) && typeof step === 'number' ? data[step] : data && typeof data === 'object' && !Array.isArray(data) ? data[String(step)] : undefined;
    if (!next) return unresolved('wrong-type', expr, at);
    current = next;
  }
  return current;
}
