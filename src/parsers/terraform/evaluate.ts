import type { AnalysisBudget } from '../budget.js';
import type { Span } from '../../model/location.js';
import { consistent, known, unresolved, type Unresolved, type UnresolvedReason } from '../../model/value.js';
import { allOf, among, anyOf, except, narrow, NO_NARROWING, type Equality, type Narrowing, type Scalar } from '../narrowing.js';
import { relocate, type Data, type EV } from '../values.js';
import { callFunction } from './functions.js';
import { parseExpression, parseValueString, SyntaxError as HclSyntaxError, type Node } from './syntax.js';

/**
 * `normal` evaluates as Terraform would with every value it has; `explicit` treats variable defaults as unknown. A
 * condition decides a conditional only when it is known in `explicit` mode (RULES.md "Unknown values": a condition that
 * depends on a default alone is a deployment variant, so both branches are judged).
 */
export type Mode = 'normal' | 'explicit';
export type Step = { attr: string } | { index: EV };

export interface ReferenceScope {
  /** Resolves a reference whose root the evaluator does not bind itself (`var`, `local`, `module`, `data`, resources…). */
  reference(root: string, steps: Step[], mode: Mode, at: Span): EV;
}

export interface Env {
  scope: ReferenceScope;
  mode: Mode;
  /** Names bound by `for` expressions, `dynamic` iterators and instance keys (`each`, `count`). */
  bindings?: ReadonlyMap<string, EV>;
  /**
   * Conditions ("var.cidr == \"\" is false") that hold where the expression is: a resource's own `count = c ? 1 : 0`.
   * They narrow the variables and locals they compare with a literal. Only conditions written in the same module.
   */
  assume?: readonly string[];
  /** The whole analysis's budget (steps and time), shared by every expression of it. */
  budget?: AnalysisBudget;
}

/**
 * A resource's `id` (`aws_security_group.web.id`) stays a reference to that resource: a marker string, holding the
 * group id sg-lint gives it, that no CIDR or text can equal (templates and text functions treat it as unknown).
 */
export const ID_MARKER = '\u0000tf-id:';
export const idMarker = (id: string): string => `${ID_MARKER}${id}`;
export const isIdMarker = (v: unknown): v is string => typeof v === 'string' && v.startsWith(ID_MARKER);

const MAX_OPTIONS = 64;
const MAX_DEPTH = 48;
const MAX_STEPS = 200_000;
/** Items one function may return in a list or map, at most: twice the 10^6 CIDRs of the largest list measured (bench). */
const MAX_RESULT_ITEMS = 2_000_000;

/**
 * Locates a sub-path of an attribute's JSON; for an element of a list, `list` and `index` name it too (a list of a
 * million CIDRs is located element by element without reading each element's path).
 */
export type SpanAt = (path: string, list?: string, index?: number) => Span;

/** Evaluates the JSON hcl2json produced for an attribute; `spanAt(path)` locates any sub-path. */
export function evaluateRaw(raw: unknown, path: string, spanAt: SpanAt, env: Env, depth = 0, list?: string, index?: number): EV {
  const at = spanAt(path, list, index);
  if (depth > MAX_DEPTH) return unresolved('unsupported-expression', '(too deeply nested)', at);
  if (raw === null || typeof raw === 'number' || typeof raw === 'boolean') return known(raw, at);
  if (typeof raw === 'string') {
    if (!raw.includes('${') && !raw.includes('%{')) return known(raw, at);
    let node: Node;
    try {
      node = parseValueString(raw);
    } catch (e) {
      return unresolved('unsupported-expression', e instanceof HclSyntaxError ? raw : String(e), at);
    }
    return evaluateNode(node, raw, at, env);
  }
  // `path + (…)`: each element's path is then the list's path and a short string, not a copy of both.
  if (Array.isArray(raw)) return known(raw.map((item, i) => evaluateRaw(item, path + ('[' + i + ']'), spanAt, env, depth + 1, path, i)), at);
  if (typeof raw === 'object') {
    const out: Record<string, EV> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = evaluateRaw(v, `${path}.${k}`, spanAt, env, depth + 1);
    return known(out, at);
  }
  return unresolved('unsupported-expression', String(raw), at);
}

const EMPTY: ReadonlyMap<string, EV> = new Map();

/** Evaluates one parsed expression; `src` is its text, for messages and condition labels. */
export function evaluateNode(node: Node, src: string, at: Span, env: Env): EV {
  return new Evaluator(src, at, env).eval(node, env.bindings ?? EMPTY, 0);
}

class Evaluator {
  /** Nodes evaluated so far: a `for` over `range(10000)` inside another stops at MAX_STEPS instead of running for minutes. */
  private steps = 0;
  /** What the conditions that hold here (the branch being evaluated, `env.assume`) tell about references. */
  private narrowing: Narrowing;

  constructor(
    private readonly src: string,
    private readonly at: Span,
    private readonly env: Env,
  ) {
    this.narrowing = env.mode === 'normal' && env.assume ? assumedNarrowing(env.assume) : NO_NARROWING;
  }

  /** The source text of a node on one line, for condition labels. */
  private text(node: Node): string {
    return this.src.slice(node.s, node.e).replace(/\s+/g, ' ').trim() || this.src;
  }

  /** The source text of a node as written, for unresolved values' messages. */
  private raw(node: Node): string {
    return this.src.slice(node.s, node.e).trim() || this.src;
  }

  private fail(why: UnresolvedReason, node: Node): Unresolved {
    return unresolved(why, this.raw(node), this.at);
  }

  private get exhausted(): boolean {
    return this.steps > MAX_STEPS;
  }

  eval(node: Node, b: ReadonlyMap<string, EV>, depth: number): EV {
    if (depth > MAX_DEPTH || ++this.steps > MAX_STEPS || this.env.budget?.take(this.at) === false) return this.fail('unsupported-expression', node);
    const d = depth + 1;
    switch (node.t) {
      case 'lit':
        return known(node.v, this.at);
      case 'tpl':
        return this.template(node, b, d);
      case 'tif':
      case 'tfor':
        return this.template({ t: 'tpl', parts: [node], s: node.s, e: node.e }, b, d);
      case 'var':
      case 'attr':
      case 'index':
        return this.traversal(node, b, d);
      case 'splat':
        return this.splat(node, b, d);
      case 'item':
        return b.get('\u0000item') ?? this.fail('unsupported-expression', node);
      case 'call':
        return this.call(node, b, d);
      case 'tuple':
        return known(
          node.items.map((item) => this.eval(item, b, d)),
          this.at,
        );
      case 'object':
        return this.object(node, b, d);
      case 'for':
        return this.forExpression(node, b, d);
      case 'cond':
        return this.conditional(node, b, d);
      case 'bin':
        return this.binary(node, b, d);
      case 'un':
        return lift([this.eval(node.operand, b, d)], this.at, ([v]) => {
          if (node.op === '!') return typeof v === 'boolean' ? known(!v, this.at) : this.fail('wrong-type', node);
          const n = toNumber(v!);
          return n === null ? this.fail('wrong-type', node) : known(-n, this.at);
        });
    }
  }

  private template(node: Extract<Node, { t: 'tpl' }>, b: ReadonlyMap<string, EV>, d: number): EV {
    const pieces: EV[] = [];
    for (const part of node.parts) {
      if (part.t === 'lit') pieces.push(known(String(part.v ?? ''), this.at));
      else if (part.t === 'tif') pieces.push(this.templateIf(part, b, d));
      else if (part.t === 'tfor') pieces.push(this.templateFor(part, b, d));
      else pieces.push(this.eval(part, b, d));
    }
    return lift(pieces, this.at, (values) => {
      let out = '';
      for (const v of values) {
        const s = toText(v);
        if (s === null) return this.fail(isIdMarker(v) ? 'resource-attribute' : 'wrong-type', node);
        out += s;
      }
      return known(out, this.at);
    });
  }

  private templateIf(node: Extract<Node, { t: 'tif' }>, b: ReadonlyMap<string, EV>, d: number): EV {
    const empty: Node = { t: 'lit', v: '', s: node.e, e: node.e };
    return this.choose(node.cond, node.then, node.else ?? empty, b, d);
  }

  private templateFor(node: Extract<Node, { t: 'tfor' }>, b: ReadonlyMap<string, EV>, d: number): EV {
    return lift([this.eval(node.coll, b, d)], this.at, ([coll]) => {
      const entries = entriesOf(coll!);
      if (!entries) return this.fail('wrong-type', node);
      const pieces: EV[] = [];
      for (const [k, v] of entries) {
        if (this.exhausted) return this.fail('unsupported-expression', node);
        pieces.push(this.eval(node.body, withBindings(b, [[node.key, k], [node.value, v]]), d));
      }
      return lift(pieces, this.at, (texts) => known(texts.map((t) => toText(t) ?? '').join(''), this.at));
    });
  }

  private traversal(node: Node, b: ReadonlyMap<string, EV>, d: number): EV {
    const chain: Node[] = [];
    let root: Node = node;
    while (root.t === 'attr' || root.t === 'index') {
      chain.unshift(root);
      root = root.obj;
    }
    const steps: Step[] = chain.map((n) => (n.t === 'attr' ? { attr: n.name } : { index: this.eval((n as Extract<Node, { t: 'index' }>).key, b, d) }));
    if (root.t === 'var') {
      // A value bound by `for`, `each`, `count` or an iterator is reported where it is used, like a variable.
      const bound = b.get(root.name);
      if (bound) return relocate(accessAll(bound, steps, this.at, this.raw(node)), this.at, true);
      const value = this.env.scope.reference(root.name, steps, this.env.mode, this.at);
      const named = value.k === 'unresolved' && value.expr === '' ? { ...value, expr: this.raw(node) } : value;
      const key = narrowable(node, b);
      // A value this branch rules out (a default it contradicts) is whatever the deployment sets instead.
      return key ? narrow(named, this.narrowing.get(key), sameData, () => this.fail(root.name === 'var' ? 'variable-no-default' : 'conditional', node)) : named;
    }
    return accessAll(this.eval(root, b, d), steps, this.at, this.raw(node));
  }

  private splat(node: Extract<Node, { t: 'splat' }>, b: ReadonlyMap<string, EV>, d: number): EV {
    return lift([this.eval(node.obj, b, d)], this.at, ([v]) => {
      const items: EV[] = Array.isArray(v) ? v : v === null ? [] : [known(v!, this.at)];
      return known(
        items.map((item) => this.eval(node.each, withBindings(b, [['\u0000item', item]]), d)),
        this.at,
      );
    });
  }

  private object(node: Extract<Node, { t: 'object' }>, b: ReadonlyMap<string, EV>, d: number): EV {
    const out: Record<string, EV> = {};
    for (const item of node.items) {
      const key = this.eval(item.key, b, d);
      const k = key.k === 'known' ? toText(key.v) : null;
      if (k === null) return key.k === 'known' ? this.fail('wrong-type', item.key) : key.k === 'unresolved' ? key : this.fail('conditional', item.key);
      out[k] = this.eval(item.value, b, d);
    }
    return known(out, this.at);
  }

  private forExpression(node: Extract<Node, { t: 'for' }>, b: ReadonlyMap<string, EV>, d: number): EV {
    return lift([this.eval(node.coll, b, d)], this.at, ([coll]) => {
      const entries = entriesOf(coll!);
      if (!entries) return this.fail('wrong-type', node);
      const list: EV[] = [];
      const map: Record<string, EV> = {};
      for (const [k, v] of entries) {
        if (this.exhausted) return this.fail('unsupported-expression', node);
        const inner = withBindings(b, [[node.key, k], [node.value, v]]);
        let presence: string | null = null;
        if (node.cond) {
          const decided = this.decide(node.cond, inner, d);
          if (decided === false) continue;
          if (decided === null) return this.fail('conditional', node.cond);
          if (decided !== true) presence = decided;
        }
        const value = this.eval(node.body, inner, d);
        const element: EV = presence ? { k: 'oneOf', at: this.at, options: [{ when: presence, value }] } : value;
        if (!node.keyExpr) {
          list.push(element);
          continue;
        }
        const key = this.eval(node.keyExpr, inner, d);
        const keyText = key.k === 'known' ? toText(key.v) : null;
        if (keyText === null) return key.k === 'unresolved' ? key : this.fail('wrong-type', node.keyExpr);
        if (presence && node.group) return this.fail('conditional', node.cond!);
        if (node.group) {
          const group = map[keyText];
          map[keyText] = known([...(group && group.k === 'known' && Array.isArray(group.v) ? group.v : []), element], this.at);
        } else map[keyText] = element;
      }
      return known(node.keyExpr ? map : list, this.at);
    });
  }

  /**
   * true/false when the condition is decided by explicitly given values; a label ("var.x is true") when it is not (a
   * deployment variant, or a value only apply would know); null when it cannot be a boolean at all.
   */
  /** The condition with variable defaults unknown: what values given for this run decide on their own. */
  private explicitly(cond: Node, b: ReadonlyMap<string, EV>, d: number): EV {
    return this.env.mode === 'explicit' ? this.eval(cond, b, d) : new Evaluator(this.src, this.at, { ...this.env, mode: 'explicit' }).eval(cond, b, d);
  }

  private decide(cond: Node, b: ReadonlyMap<string, EV>, d: number): boolean | string | null {
    const explicit = this.explicitly(cond, b, d);
    if (explicit.k === 'known') {
      const v = toBool(explicit.v);
      return v;
    }
    if (this.env.mode === 'explicit') return null;
    return `${this.text(cond)} is true`;
  }

  private choose(cond: Node, then: Node, otherwise: Node, b: ReadonlyMap<string, EV>, d: number): EV {
    const explicit = this.explicitly(cond, b, d);
    if (explicit.k !== 'unresolved') {
      // Alternatives from var files are explicit too: each picks its own branch.
      return lift([explicit], this.at, ([c]) => {
        const v = toBool(c!);
        return v === null ? this.fail('wrong-type', cond) : this.eval(v ? then : otherwise, b, d);
      });
    }
    if (this.env.mode === 'explicit') return this.fail('conditional', cond);
    const label = this.text(cond);
    return {
      k: 'oneOf',
      at: this.at,
      options: [
        { when: `${label} is true`, value: this.assuming(implied(cond, true, b), () => this.eval(then, b, d)) },
        { when: `${label} is false`, value: this.assuming(implied(cond, false, b), () => this.eval(otherwise, b, d)) },
      ],
    };
  }

  /** Evaluates where a condition holds: what it says about references narrows them. */
  private assuming(n: Narrowing, fn: () => EV): EV {
    if (n.size === 0) return fn();
    const before = this.narrowing;
    this.narrowing = allOf([before, n], sameData);
    try {
      return fn();
    } finally {
      this.narrowing = before;
    }
  }

  private conditional(node: Extract<Node, { t: 'cond' }>, b: ReadonlyMap<string, EV>, d: number): EV {
    return this.choose(node.cond, node.then, node.else, b, d);
  }

  private binary(node: Extract<Node, { t: 'bin' }>, b: ReadonlyMap<string, EV>, d: number): EV {
    const left = this.eval(node.left, b, d);
    // Terraform evaluates both sides, but a known false/true on the left already decides && and ||.
    if ((node.op === '&&' || node.op === '||') && left.k === 'known' && typeof left.v === 'boolean' && left.v === (node.op === '||')) return left;
    const right = this.eval(node.right, b, d);
    if ((node.op === '&&' || node.op === '||') && right.k === 'known' && typeof right.v === 'boolean' && right.v === (node.op === '||')) return right;
    return lift([left, right], this.at, ([l, r]) => {
      const op = node.op;
      if (op === '==' || op === '!=') {
        const eq = dataEqual(l!, r!);
        if (eq === null) return this.fail('unsupported-expression', node);
        return known(op === '==' ? eq : !eq, this.at);
      }
      if (op === '&&' || op === '||') {
        const lb = toBool(l!);
        const rb = toBool(r!);
        if (lb === null || rb === null) return this.fail('wrong-type', node);
        return known(op === '&&' ? lb && rb : lb || rb, this.at);
      }
      const ln = toNumber(l!);
      const rn = toNumber(r!);
      if (ln === null || rn === null) return this.fail('wrong-type', node);
      switch (op) {
        case '+':
          return known(ln + rn, this.at);
        case '-':
          return known(ln - rn, this.at);
        case '*':
          return known(ln * rn, this.at);
        case '/':
          return rn === 0 ? this.fail('wrong-type', node) : known(ln / rn, this.at);
        case '%':
          return rn === 0 ? this.fail('wrong-type', node) : known(ln % rn, this.at);
        case '<':
          return known(ln < rn, this.at);
        case '<=':
          return known(ln <= rn, this.at);
        case '>':
          return known(ln > rn, this.at);
        default:
          return known(ln >= rn, this.at);
      }
    });
  }

  private call(node: Extract<Node, { t: 'call' }>, b: ReadonlyMap<string, EV>, d: number): EV {
    const name = node.name.replace(/^core::/, '');
    if (name === 'try' || name === 'can') return this.tryOrCan(name, node, b, d);
    let args = node.args.map((a) => this.eval(a, b, d));
    if (node.expand && args.length > 0) {
      const last = args[args.length - 1]!;
      if (last.k !== 'known' || !Array.isArray(last.v)) return last.k === 'unresolved' ? last : this.fail('function-call', node);
      args = [...args.slice(0, -1), ...last.v];
    }
    const result = callFunction(name, args, this.at);
    if (result === undefined) return this.fail('unsupported-function', node);
    if (!this.affordable(result)) return this.fail('unsupported-expression', node);
    return withExpr(result, this.raw(node));
  }

  /**
   * A function's result costs the analysis budget a step per item: `concat(local.a, local.a)`, written again on each
   * line over the last, doubles a list each time, and nothing else stops it before memory runs out.
   */
  private affordable(result: EV): boolean {
    const v = result.k === 'known' ? result.v : null;
    const items = v !== null && typeof v === 'object' ? (Array.isArray(v) ? v.length : Object.keys(v).length) : 0;
    return items <= MAX_RESULT_ITEMS && this.env.budget?.take(this.at, items) !== false;
  }

  /** `try` and `can` judge each alternative on its own: a branch that fails falls back, the others keep their value. */
  private tryOrCan(name: 'try' | 'can', node: Extract<Node, { t: 'call' }>, b: ReadonlyMap<string, EV>, d: number): EV {
    if (name === 'can') return node.args.length === 1 ? this.canOf(this.eval(node.args[0]!, b, d), node) : this.fail('wrong-type', node);
    const attempt = (i: number, v: EV | undefined): EV => {
      if (i >= node.args.length) return this.fail('wrong-type', node);
      const value = v ?? this.eval(node.args[i]!, b, d);
      if (!hasError(value)) return value;
      if (value.k === 'oneOf') return { ...value, options: value.options.map((o) => ({ when: o.when, value: attempt(i, o.value) })) };
      return attempt(i + 1, undefined);
    };
    return attempt(0, undefined);
  }

  private canOf(v: EV, node: Extract<Node, { t: 'call' }>): EV {
    if (v.k === 'oneOf' && hasError(v)) return { ...v, options: v.options.map((o) => ({ when: o.when, value: this.canOf(o.value, node) })) };
    return hasError(v) ? known(false, this.at) : isWhollyKnown(v) ? known(true, this.at) : this.fail('function-call', node);
  }
}

/** `==` as this evaluator decides it. */
const sameData: Equality = (a, b) => dataEqual(a, b);

/** `var.x` or `local.x.y`: the references a condition narrows (never a name a `for` or an iterator binds). */
function narrowable(node: Node, b: ReadonlyMap<string, EV>): string | null {
  const names: string[] = [];
  let n = node;
  while (n.t === 'attr') {
    names.unshift(n.name);
    n = n.obj;
  }
  if (n.t !== 'var' || (n.name !== 'var' && n.name !== 'local') || b.has(n.name) || names.length === 0) return null;
  return [n.name, ...names].join('.');
}

/**
 * What a condition being `holds` tells about references: `var.x == "lit"` / `!=` (either order, `null` too), a bare
 * `var.enabled`, through `!`, `&&` and `||`. A condition read back from its label (`fromLabel`) had its whitespace
 * collapsed, so a literal holding whitespace tells nothing.
 */
function implied(node: Node, holds: boolean, b: ReadonlyMap<string, EV>, fromLabel = false): Narrowing {
  switch (node.t) {
    case 'un':
      return node.op === '!' ? implied(node.operand, !holds, b, fromLabel) : NO_NARROWING;
    case 'attr': {
      const key = narrowable(node, b);
      return key ? among(key, holds ? [true, 'true'] : [false, 'false']) : NO_NARROWING;
    }
    case 'bin': {
      if (node.op === '&&' || node.op === '||') {
        const parts = [implied(node.left, holds, b, fromLabel), implied(node.right, holds, b, fromLabel)];
        // && holding, or || failing, means both sides do.
        return (node.op === '&&') === holds ? allOf(parts, sameData) : anyOf(parts, sameData);
      }
      if (node.op !== '==' && node.op !== '!=') return NO_NARROWING;
      const compared = referenceAndLiteral(node.left, node.right, b, fromLabel) ?? referenceAndLiteral(node.right, node.left, b, fromLabel);
      if (!compared) return NO_NARROWING;
      return (node.op === '==') === holds ? among(compared.key, [compared.literal]) : except(compared.key, [compared.literal]);
    }
    default:
      return NO_NARROWING;
  }
}

function referenceAndLiteral(ref: Node, lit: Node, b: ReadonlyMap<string, EV>, fromLabel: boolean): { key: string; literal: Scalar } | null {
  const key = narrowable(ref, b);
  if (!key || lit.t !== 'lit' || (fromLabel && typeof lit.v === 'string' && /\s/.test(lit.v))) return null;
  return { key, literal: lit.v };
}

const labelNarrowings = new Map<string, Narrowing>();

/** What conditions given by their labels ("<expression> is true") tell; a label that does not parse tells nothing. */
function assumedNarrowing(labels: readonly string[]): Narrowing {
  const parts = labels.map((label) => {
    let n = labelNarrowings.get(label);
    if (!n) {
      const m = /^(.+) is (true|false)$/s.exec(label);
      let node: Node | null = null;
      try {
        node = m ? parseExpression(m[1]!) : null;
      } catch {
        node = null;
      }
      n = node ? implied(node, m![2] === 'true', EMPTY, true) : NO_NARROWING;
      if (labelNarrowings.size > 10_000) labelNarrowings.clear();
      labelNarrowings.set(label, n);
    }
    return n;
  });
  return allOf(parts, sameData);
}

function membersEqual(pairs: [EV, EV][]): boolean | null {
  for (const [x, y] of pairs) {
    if (x.k !== 'known' || y.k !== 'known') return null;
    const eq = dataEqual(x.v, y.v);
    if (eq !== true) return eq;
  }
  return true;
}

/** Functions report problems without the source text; the call's text fills it in, in every alternative. */
function withExpr(v: EV, expr: string): EV {
  if (v.k === 'unresolved') return v.expr === '' ? { ...v, expr } : v;
  if (v.k === 'oneOf') return { ...v, options: v.options.map((o) => ({ when: o.when, value: withExpr(o.value, expr) })) };
  return v;
}

/** An evaluation error (Terraform would fail the plan): what `try` skips and `can` reports as false. */
function hasError(v: EV): boolean {
  if (v.k === 'unresolved') return v.why === 'wrong-type' || v.why === 'unsupported-expression';
  if (v.k === 'oneOf') return v.options.some((o) => hasError(o.value));
  return false;
}

function isWhollyKnown(v: EV): boolean {
  if (v.k !== 'known') return false;
  if (Array.isArray(v.v)) return v.v.every(isWhollyKnown);
  if (v.v && typeof v.v === 'object') return Object.values(v.v).every(isWhollyKnown);
  return true;
}

/** The bindings with more names bound (a `for` key and value, a splat item, a `dynamic` iterator); a null name binds nothing. */
export function withBindings(b: ReadonlyMap<string, EV>, entries: [string | null, EV][]): ReadonlyMap<string, EV> {
  const next = new Map(b);
  for (const [name, value] of entries) if (name) next.set(name, value);
  return next;
}

/** [key, value] pairs of a list (index keys) or map (string keys, in lexical order, as Terraform iterates). */
export function entriesOf(v: Data): [EV, EV][] | null {
  if (Array.isArray(v)) return v.map((item, i) => [known(i, item.at), item]);
  if (v && typeof v === 'object') return Object.keys(v).sort().map((k) => [known(k, v[k]!.at), v[k]!]);
  return null;
}

/** Applies attribute and index steps. */
export function accessAll(value: EV, steps: Step[], at: Span, expr: string): EV {
  let current = value;
  for (const step of steps) current = access(current, step, at, expr);
  return current;
}

export function access(value: EV, step: Step, at: Span, expr: string): EV {
  if ('index' in step) {
    return lift([value, step.index], at, ([container, key]) => member(container!, key!, at, expr));
  }
  return lift([value], at, ([container]) => member(container!, step.attr, at, expr));
}

function member(container: Data, key: Data, at: Span, expr: string): EV {
  if (Array.isArray(container)) {
    const i = typeof key === 'number' ? key : typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : NaN;
    const item = Number.isInteger(i) ? container[i] : undefined;
    return item ?? unresolved('wrong-type', expr, at);
  }
  if (container && typeof container === 'object' && (typeof key === 'string' || typeof key === 'number')) {
    const item = Object.prototype.hasOwnProperty.call(container, String(key)) ? container[String(key)] : undefined;
    if (item) return item;
    return unresolved(COMPUTED.has(container) ? 'resource-attribute' : 'wrong-type', expr, at);
  }
  return unresolved('wrong-type', expr, at);
}

/** Objects that stand for a resource: a missing attribute is one the provider computes at apply time. */
export const COMPUTED = new WeakSet<object>();

/**
 * Applies `fn` to the known values of `args`. An unresolved argument makes the result unresolved; alternatives are
 * distributed (each option is evaluated on its own and keeps its condition), up to a bound.
 */
export function lift(args: EV[], at: Span, fn: (values: Data[]) => EV, when: string[] = []): EV {
  const first = args.findIndex((a) => a.k !== 'known');
  if (first < 0) return fn(args.map((a) => (a as { v: Data }).v));
  const arg = args[first] as Exclude<EV, { k: 'known' }>;
  if (arg.k === 'unresolved') return arg.at === at ? arg : { ...arg, at };
  if (arg.options.length > MAX_OPTIONS) return unresolved('conditional', '(too many alternatives)', at);
  const options: { when: string; value: EV }[] = [];
  for (const o of arg.options) {
    const path = o.when ? [...when, o.when] : when;
    if (o.when && !consistent(path)) continue;
    const rest = [...args];
    rest[first] = o.value;
    options.push({ when: o.when, value: lift(rest, at, fn, path) });
    if (options.length > MAX_OPTIONS) return unresolved('conditional', '(too many alternatives)', at);
  }
  if (options.length === 1 && !options[0]!.when) return options[0]!.value;
  return { k: 'oneOf', at, options };
}

export function toBool(v: Data): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}

export function toNumber(v: Data): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return null;
}

/** The string form Terraform gives a primitive; null for null, collections and group markers. */
export function toText(v: Data): string | null {
  if (typeof v === 'string') return isIdMarker(v) ? null : v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return null;
}

/** Deep equality of known data; null when an unknown part keeps it from being decided. */
export function dataEqual(a: Data, b: Data): boolean | null {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return membersEqual(a.map((x, i) => [x, b[i]!]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    if (ka.join('\u0000') !== Object.keys(b).sort().join('\u0000')) return false;
    return membersEqual(ka.map((k) => [a[k]!, b[k]!]));
  }
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b;
  if (typeof a === 'string' && typeof b === 'number') return a === String(b);
  return a === b;
}
