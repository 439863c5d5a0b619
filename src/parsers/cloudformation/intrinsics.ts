import { isAlias, isMap, isScalar, isSeq, type Alias, type Node, type YAMLMap } from 'yaml';
import type { Span } from '../../model/location.js';
import { formatCidr, parseCidr } from '../../model/net.js';
import { alternatives, consistent, known, unresolved, type Known, type UnresolvedReason } from '../../model/value.js';
import { allOf, among, anyOf, except, narrow, NO_NARROWING, type Equality, type Narrowing } from '../narrowing.js';
import { relocate, type Data, type EV } from '../values.js';
import { aliasTargets, keyOf, nodeSpan, RULE_FUNCTION_TAGS, type TemplateDocument } from './document.js';

/** How a model group is named inside an evaluated string: Ref/GetAtt of a security group in the same template. */
export const GROUP_MARK = '\u0000sg:';
/** AWS::NoValue: the property (or list item) is absent. */
const NO_VALUE = null;

const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);
const SG_TYPES = new Set(['AWS::EC2::SecurityGroup']);
const MAX_ALTERNATIVES = 32;
const MAX_ALIAS_EXPANSIONS = 10_000;
const SECTIONS_READ = new Set(['Parameters', 'Conditions', 'Resources', 'Mappings']);
/** `Fn::Equals` compares the string forms of its arguments. */
const sameText: Equality = (a, b) => String(a) === String(b);
/** `Fn::EachMemberIn`, `Fn::ValueOf`…: assertions of the `Rules` section, which is never evaluated. */
const RULE_FUNCTIONS = new Set([...RULE_FUNCTION_TAGS].map((tag) => `Fn::${tag.slice(1)}`));

export interface Parameter {
  name: string;
  type: string;
  defaultNode?: Node;
  allowedNode?: Node;
  /** A value given for this run (--parameter, a parameters file, the parent stack): it decides conditions. */
  explicit?: EV;
}

export interface ResourceInfo {
  type: string;
  node: YAMLMap;
}

/** Evaluates CloudFormation values (intrinsic functions included) over the YAML node tree, keeping positions. */
export class TemplateEvaluator {
  readonly params = new Map<string, Parameter>();
  readonly resources = new Map<string, ResourceInfo>();
  private readonly conditions = new Map<string, Node>();
  private readonly decided = new Map<string, boolean | undefined>();
  private readonly deciding = new Set<string>();
  /** Conditions ("IsProd is true") that hold where the value being evaluated is: they narrow parameters' values. */
  private assumed: readonly string[] = [];
  private readonly narrowings = new Map<string, Narrowing>();
  private mappings: YAMLMap | null = null;
  private aliasBudget = MAX_ALIAS_EXPANSIONS;
  /** Template errors CloudFormation would reject (a Ref to nothing, an unknown condition), once per place. */
  readonly problems = new Map<string, { at: Span; message: string }>();

  constructor(
    readonly t: TemplateDocument,
    /** The chain of nested-stack call sites that led here, outermost first. */
    readonly via: Span[],
  ) {
    const root = t.root;
    if (!isMap(root)) return;
    for (const pair of root.items) {
      const section = keyOf(pair.key);
      // Other sections (Metadata, Outputs…) are not read here, and their aliases must not spend the budget.
      if (!SECTIONS_READ.has(section)) continue;
      const value = this.deref(pair.value as Node | null);
      if (!isMap(value)) continue;
      for (const item of value.items) {
        const name = keyOf(item.key);
        const body = this.deref(item.value as Node | null);
        if (section === 'Parameters' && isMap(body)) {
          this.params.set(name, { name, type: String(body.get('Type') ?? 'String'), ...optional('defaultNode', body.get('Default', true) as Node | undefined), ...optional('allowedNode', body.get('AllowedValues', true) as Node | undefined) });
        } else if (section === 'Conditions' && body) this.conditions.set(name, body);
        else if (section === 'Resources' && isMap(body)) this.resources.set(name, { type: String(body.get('Type') ?? ''), node: body });
      }
      if (section === 'Mappings') this.mappings = value;
    }
  }

  span(node: Node | null | undefined, path: string): Span {
    return nodeSpan(this.t, node, path, this.via);
  }

  private targetOf: ((alias: Alias) => Node | undefined) | undefined;

  /** Follows YAML aliases, with a budget against alias bombs. */
  deref(node: Node | null | undefined): Node | null {
    let n = node ?? null;
    while (n && isAlias(n)) {
      if (--this.aliasBudget < 0) return null;
      if (!this.t.doc) return null;
      this.targetOf ??= aliasTargets(this.t.doc);
      n = this.targetOf(n) ?? null;
    }
    return n;
  }

  aliasBudgetExceeded(): boolean {
    return this.aliasBudget < 0;
  }

  isSecurityGroup(logicalId: string): boolean {
    return SG_TYPES.has(this.resources.get(logicalId)?.type ?? '');
  }

  evaluate(raw: Node | null | undefined, path: string, depth = 0): EV {
    const node = this.deref(raw);
    const at = this.span(node ?? raw, path);
    // An alias left unfollowed (the budget is spent) has a value, unknown: it is not absent.
    if (!node && isAlias(raw)) return unresolved('unsupported-expression', this.source(raw), at);
    if (!node) return known(NO_VALUE, at);
    if (depth > 64) return unresolved('unsupported-expression', '(too deeply nested)', at);
    const call = intrinsicCall(node);
    if (call) return this.call(call.name, call.args, node, path, at, depth);
    if (isScalar(node)) return known((node.value ?? null) as Data, at);
    if (isSeq(node)) return known(node.items.map((item, i) => this.evaluate(item as Node, `${path}[${i}]`, depth + 1)), at);
    if (isMap(node)) {
      const out: Record<string, EV> = {};
      for (const pair of node.items) out[keyOf(pair.key)] = this.evaluate(pair.value as Node, `${path}.${keyOf(pair.key)}`, depth + 1);
      return known(out, at);
    }
    return unresolved('unsupported-expression', this.source(node), at);
  }

  source(node: Node | null | undefined): string {
    const r = node?.range;
    const text = r ? this.t.text.slice(r[0], r[1]) : '';
    const tag = node && 'tag' in node && typeof node.tag === 'string' && node.tag.startsWith('!') ? `${node.tag} ` : '';
    return `${tag}${text}`.replace(/\s+/g, ' ').trim();
  }

  private call(name: string, args: Node | null, node: Node, path: string, at: Span, depth: number): EV {
    const expr = this.source(node);
    const items = (): (Node | null)[] => {
      const a = this.deref(args);
      return isSeq(a) ? a.items.map((i) => this.deref(i as Node)) : [];
    };
    const arg = (i: number) => this.evaluate(items()[i], `${path}[${i}]`, depth + 1);
    switch (name) {
      case 'Ref':
        return this.ref(String(isScalar(this.deref(args)) ? (this.deref(args) as { value: unknown }).value : ''), at, expr);
      case 'Fn::GetAtt': {
        const a = this.deref(args);
        const [res, attr] = isScalar(a) ? String(a.value).split(/\.(.*)/s) : items().map((i) => (isScalar(i) ? String(i.value) : ''));
        return this.getAtt(res ?? '', attr ?? '', at, expr);
      }
      case 'Fn::If':
        return this.ifValue(items(), path, at, expr, depth);
      case 'Fn::Sub':
        return this.sub(args, path, at, expr, depth);
      case 'Fn::Join':
        return lift([arg(0), this.evaluate(items()[1], `${path}[1]`, depth + 1)], at, expr, ([delim, list]) =>
          typeof delim === 'string' && Array.isArray(list) ? joinList(list, delim, at, expr) : unresolved('wrong-type', expr, at),
        );
      case 'Fn::Select':
        return this.select(arg(0), this.evaluate(items()[1], `${path}[1]`, depth + 1), at, expr);
      case 'Fn::Split':
        return lift([arg(0), arg(1)], at, expr, ([delim, text]) =>
          typeof delim === 'string' && typeof text === 'string' ? known(text.split(delim).map((s) => known(s, at)), at) : unresolved('wrong-type', expr, at),
        );
      case 'Fn::FindInMap':
        return lift([arg(0), arg(1), arg(2)], at, expr, (keys) => this.findInMap(keys.map(String), at, expr));
      case 'Fn::Cidr':
        return lift([arg(0), arg(1), arg(2)], at, expr, ([block, count, bits]) => cidrList(String(block), Number(count), Number(bits), at, expr));
      case 'Fn::ImportValue':
        return unresolved('import-value', expr, at);
      case 'Fn::Equals':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not':
      case 'Condition': {
        const v = this.condition(node, path, false);
        return v === undefined ? unresolved('conditional', expr, at) : known(v, at);
      }
      default:
        if (RULE_FUNCTIONS.has(name)) this.problem(at, `${name} is only valid in the Rules section of a template`);
        return unresolved('unsupported-function', expr, at);
    }
  }

  private ref(name: string, at: Span, expr: string): EV {
    if (name === 'AWS::NoValue') return known(NO_VALUE, at);
    if (PSEUDO.has(name)) return unresolved('pseudo-parameter', expr, at);
    const param = this.params.get(name);
    if (param) return this.paramValue(param, at, expr);
    const resource = this.resources.get(name);
    if (resource) return SG_TYPES.has(resource.type) ? known(`${GROUP_MARK}${name}`, at) : unresolved('resource-attribute', expr, at);
    this.problem(at, `${expr} names no parameter, resource or pseudo parameter of this template`);
    return unresolved('unknown-reference', expr, at);
  }

  private problem(at: Span, message: string): void {
    if (this.via.length === 0) this.problems.set(`${at.start.line}:${at.start.column}`, { at, message });
  }

  private paramValue(param: Parameter, at: Span, expr: string): EV {
    const asType = (v: EV): EV => {
      const narrowed = narrow(v, this.narrowing(this.assumed).get(param.name), sameText, () => unresolved('cfn-parameter', expr, at));
      return relocate(isListType(param.type) ? splitList(narrowed) : narrowed, at);
    };
    if (param.explicit) return asType(param.explicit);
    if (param.defaultNode) return asType(this.evaluate(param.defaultNode, `Parameters.${param.name}.Default`));
    const allowed = this.deref(param.allowedNode);
    if (isSeq(allowed) && allowed.items.length > 0) {
      return {
        k: 'oneOf',
        at,
        options: allowed.items.map((item, i) => {
          const v = this.evaluate(item as Node, `Parameters.${param.name}.AllowedValues[${i}]`);
          return { when: `${param.name} is ${JSON.stringify(v.k === 'known' ? v.v : '?')}`, value: asType(v) };
        }),
      };
    }
    return unresolved('cfn-parameter', expr, at);
  }

  private getAtt(resource: string, attr: string, at: Span, expr: string): EV {
    if (this.isSecurityGroup(resource) && attr === 'GroupId') return known(`${GROUP_MARK}${resource}`, at);
    if (this.resources.get(resource)?.type === 'AWS::EC2::VPC' && attr === 'DefaultSecurityGroup') return known(`${GROUP_MARK}${resource}.${attr}`, at);
    if (this.resources.has(resource)) return unresolved('get-att', expr, at);
    this.problem(at, `${expr} names no resource of this template`);
    return unresolved('unknown-reference', expr, at);
  }

  private ifValue(items: (Node | null)[], path: string, at: Span, expr: string, depth: number): EV {
    const name = isScalar(items[0]) ? String(items[0].value) : '';
    const branch = (i: 1 | 2) => this.evaluate(items[i], `${path}[${i}]`, depth + 1);
    const decided = this.decide(name);
    if (decided === true) return branch(1);
    if (decided === false) return branch(2);
    if (!this.conditions.has(name)) {
      this.problem(at, `${expr} names no condition of this template`);
      return unresolved('unknown-reference', expr, at);
    }
    const [yes, no] = [`${name} is true`, `${name} is false`];
    return { k: 'oneOf', at, options: [{ when: yes, value: this.assuming([yes], () => branch(1)) }, { when: no, value: this.assuming([no], () => branch(2)) }] };
  }

  /** Runs `fn` where the given conditions hold (a branch of `Fn::If`, a resource's `Condition`). */
  assuming<T>(when: readonly string[], fn: () => T): T {
    if (when.length === 0) return fn();
    const before = this.assumed;
    this.assumed = [...before, ...when];
    try {
      return fn();
    } finally {
      this.assumed = before;
    }
  }

  /**
   * What conditions that hold tell about parameters. A condition reads "<condition> is true|false", or "<parameter> is
   * <JSON value>" (an `AllowedValues` alternative), possibly several joined by " and ".
   */
  private narrowing(when: readonly string[]): Narrowing {
    const parts = when.flatMap((w) => w.split(' and ')).map((part): Narrowing => {
      const m = /^(\S+) is (.+)$/.exec(part);
      if (!m) return NO_NARROWING;
      const [, name, value] = m as unknown as [string, string, string];
      if (this.conditions.has(name) && (value === 'true' || value === 'false')) return this.conditionNarrowing(name, value === 'true');
      const param = this.params.get(name);
      if (!param || isListType(param.type)) return NO_NARROWING;
      try {
        const v: unknown = JSON.parse(value);
        return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? among(name, [v]) : NO_NARROWING;
      } catch {
        return NO_NARROWING;
      }
    });
    return allOf(parts, sameText);
  }

  private conditionNarrowing(name: string, holds: boolean): Narrowing {
    const key = `${name} is ${holds}`;
    const hit = this.narrowings.get(key);
    if (hit) return hit;
    // A condition that refers to itself narrows nothing (CloudFormation rejects it anyway).
    this.narrowings.set(key, NO_NARROWING);
    const n = this.implied(this.conditions.get(name) ?? null, holds);
    this.narrowings.set(key, n);
    return n;
  }

  /** What a condition expression being `holds` tells: `Equals` of a parameter and a literal, through Not/And/Or. */
  private implied(raw: Node | null, holds: boolean): Narrowing {
    const node = this.deref(raw);
    const call = node ? intrinsicCall(node) : null;
    if (!call) return NO_NARROWING;
    const a = this.deref(call.args);
    const items = isSeq(a) ? a.items.map((i) => this.deref(i as Node)) : [];
    switch (call.name) {
      case 'Condition':
        return isScalar(a) ? this.conditionNarrowing(String(a.value), holds) : NO_NARROWING;
      case 'Fn::Not':
        return this.implied(items[0] ?? null, !holds);
      case 'Fn::And':
      case 'Fn::Or': {
        const parts = items.map((i) => this.implied(i, holds));
        // And holding, or Or failing, means every part does.
        return (call.name === 'Fn::And') === holds ? allOf(parts, sameText) : anyOf(parts, sameText);
      }
      case 'Fn::Equals': {
        const compared = this.parameterAndLiteral(items);
        if (!compared) return NO_NARROWING;
        return holds ? among(compared.name, [compared.literal]) : except(compared.name, [compared.literal]);
      }
      default:
        return NO_NARROWING;
    }
  }

  /** `[!Ref Param, literal]` in either order, for a parameter holding one value (not a list). */
  private parameterAndLiteral(items: (Node | null)[]): { name: string; literal: string } | null {
    if (items.length !== 2) return null;
    for (const [x, y] of [[items[0], items[1]], [items[1], items[0]]] as const) {
      const call = x ? intrinsicCall(x) : null;
      const target = call?.name === 'Ref' ? this.deref(call.args) : null;
      const param = isScalar(target) ? this.params.get(String(target.value)) : undefined;
      if (!param || isListType(param.type) || !isScalar(y) || intrinsicCall(y)) continue;
      const v = y.value;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return { name: param.name, literal: String(v) };
    }
    return null;
  }

  /**
   * A condition's value when values given for this run decide it; undefined when it depends on a default, a pseudo
   * parameter or anything unknown (then every branch is a deployment variant, RULES.md "Unknown values").
   */
  decide(name: string): boolean | undefined {
    if (this.decided.has(name)) return this.decided.get(name);
    const node = this.conditions.get(name);
    if (!node || this.deciding.has(name)) return undefined;
    this.deciding.add(name);
    const v = this.condition(node, `Conditions.${name}`, true);
    this.deciding.delete(name);
    this.decided.set(name, v);
    return v;
  }

  private condition(raw: Node | null, path: string, explicitOnly: boolean): boolean | undefined {
    const node = this.deref(raw);
    if (!node) return undefined;
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    const call = intrinsicCall(node);
    if (!call) return undefined;
    const a = this.deref(call.args);
    const items = isSeq(a) ? a.items.map((i) => this.deref(i as Node)) : [];
    switch (call.name) {
      case 'Condition':
        return this.decide(isScalar(a) ? String(a.value) : '');
      case 'Fn::Not': {
        const v = this.condition(items[0] ?? null, `${path}[0]`, explicitOnly);
        return v === undefined ? undefined : !v;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const vs = items.map((i, k) => this.condition(i, `${path}[${k}]`, explicitOnly));
        const short = call.name === 'Fn::And' ? false : true;
        if (vs.includes(short)) return short;
        return vs.every((v) => v !== undefined) ? !short : undefined;
      }
      case 'Fn::Equals': {
        const [x, y] = items.map((i, k) => this.scalarForCondition(i, `${path}[${k}]`, explicitOnly));
        return x === undefined || y === undefined ? undefined : x === y;
      }
      default:
        return undefined;
    }
  }

  /** A value inside a condition, as a string; with `explicitOnly`, parameters count only when given for this run. */
  private scalarForCondition(node: Node | null, path: string, explicitOnly: boolean): string | undefined {
    const call = node ? intrinsicCall(node) : null;
    if (call?.name === 'Ref' && explicitOnly) {
      const name = isScalar(this.deref(call.args)) ? String((this.deref(call.args) as { value: unknown }).value) : '';
      const param = this.params.get(name);
      if (!param) return undefined;
      const v = param.explicit;
      return v?.k === 'known' && (typeof v.v === 'string' || typeof v.v === 'number' || typeof v.v === 'boolean') ? String(v.v) : undefined;
    }
    const v = this.evaluate(node, path);
    if (v.k !== 'known' || (typeof v.v !== 'string' && typeof v.v !== 'number' && typeof v.v !== 'boolean')) return undefined;
    return String(v.v);
  }

  private select(index: EV, list: EV, at: Span, expr: string): EV {
    if (index.k !== 'known' || list.k !== 'known' || !Array.isArray(list.v)) return lift([index, list], at, expr, ([i, l]) => (Array.isArray(l) ? (l[Number(i)] ?? unresolved('wrong-type', expr, at)) : unresolved('wrong-type', expr, at)));
    return list.v[Number(index.v)] ?? unresolved('wrong-type', expr, at);
  }

  private findInMap(keys: string[], at: Span, expr: string): EV {
    let node: Node | null = this.mappings;
    const path = ['Mappings'];
    for (const k of keys) {
      node = isMap(node) ? this.deref(node.get(k, true) as Node | undefined) : null;
      path.push(k);
      if (!node) return unresolved('unknown-reference', expr, at);
    }
    return relocate(this.evaluate(node, path.join('.')), at);
  }

  private sub(args: Node | null, path: string, at: Span, expr: string, depth: number): EV {
    const a = this.deref(args);
    const templateNode = isSeq(a) ? this.deref(a.items[0] as Node) : a;
    const vars = isSeq(a) ? this.deref(a.items[1] as Node) : null;
    if (!isScalar(templateNode) || typeof templateNode.value !== 'string') return unresolved('wrong-type', expr, at);
    const parts: EV[] = [];
    const text = templateNode.value;
    let last = 0;
    for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
      parts.push(known(text.slice(last, m.index), at));
      last = m.index + m[0].length;
      const name = m[1]!.trim();
      if (name.startsWith('!')) {
        parts.push(known(`\${${name.slice(1)}}`, at));
        continue;
      }
      const given = isMap(vars) ? (vars.get(name, true) as Node | undefined) : undefined;
      if (given !== undefined) parts.push(this.evaluate(given, `${path}[1].${name}`, depth + 1));
      else if (name.includes('.')) {
        const [res, attr] = name.split(/\.(.*)/s);
        parts.push(this.getAtt(res ?? '', attr ?? '', at, expr));
      } else parts.push(this.ref(name, at, expr));
    }
    parts.push(known(text.slice(last), at));
    return lift(parts, at, expr, (values) =>
      values.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        ? known(values.join(''), at)
        : unresolved('wrong-type', expr, at),
    );
  }
}

function isListType(type: string): boolean {
  return type.startsWith('List<') || type === 'CommaDelimitedList';
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The intrinsic a node calls: a short-form tag, or a one-key map `{ Ref: … }` / `{ "Fn::X": … }` / `{ Condition: … }`. */
export function intrinsicCall(node: Node): { name: string; args: Node | null } | null {
  const tag = 'tag' in node && typeof node.tag === 'string' ? node.tag : undefined;
  if (tag?.startsWith('!') && !tag.startsWith('!!')) {
    const short = tag.slice(1);
    return { name: short === 'Ref' || short === 'Condition' ? short : `Fn::${short}`, args: node };
  }
  if (isMap(node) && node.items.length === 1) {
    const key = keyOf(node.items[0]!.key);
    if (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::')) return { name: key, args: (node.items[0]!.value as Node | null) ?? null };
  }
  return null;
}

/** Applies `fn` to known inputs; an unknown input makes the result unknown, alternatives make alternatives (bounded). */
function lift(inputs: EV[], at: Span, expr: string, fn: (values: Data[]) => EV): EV {
  const bad = inputs.find((i) => i.k === 'unresolved');
  if (bad && bad.k === 'unresolved') return unresolved(bad.why, expr, at);
  if (inputs.every((i): i is Known<Data> => i.k === 'known')) return fn(inputs.map((i) => i.v));
  let combos: { when: string[]; values: Data[] }[] = [{ when: [], values: [] }];
  for (const input of inputs) {
    const alts = alternatives(input);
    if (alts.some((a) => a.value.k === 'unresolved')) return unresolved('conditional', expr, at);
    combos = combos.flatMap((c) => alts.map((a) => ({ when: [...c.when, ...a.when], values: [...c.values, (a.value as Known<Data>).v] }))).filter((c) => consistent(c.when));
    if (combos.length > MAX_ALTERNATIVES) return unresolved('conditional', expr, at);
  }
  return { k: 'oneOf', at, options: combos.map((c) => ({ when: [...new Set(c.when)].join(' and '), value: fn(c.values) })) };
}

function joinList(list: EV[], delim: string, at: Span, expr: string): EV {
  return lift(list, at, expr, (values) => {
    const present = values.filter((v) => v !== NO_VALUE);
    return present.every((v) => typeof v === 'string' || typeof v === 'number') ? known(present.join(delim), at) : unresolved('wrong-type', expr, at);
  });
}

function splitList(v: EV): EV {
  if (v.k === 'known' && typeof v.v === 'string') return known(v.v.split(',').map((s) => known(s.trim(), v.at)), v.at);
  if (v.k === 'oneOf') return { ...v, options: v.options.map((o) => ({ when: o.when, value: splitList(o.value) })) };
  return v;
}

/** Fn::Cidr: `count` subnets with `bits` host bits each, carved from the start of `block`. */
function cidrList(block: string, count: number, bits: number, at: Span, expr: string): EV {
  const cidr = parseCidr(block);
  const width = cidr ? (cidr.family === 4 ? 32 : 128) : 0;
  if (!cidr || !Number.isInteger(count) || !Number.isInteger(bits) || count < 1 || count > 256 || bits < 0 || width - bits < cidr.prefix) {
    return unresolved('wrong-type', expr, at);
  }
  const prefix = width - bits;
  const step = 1n << BigInt(bits);
  const out: EV[] = [];
  for (let i = 0n; i < BigInt(count); i++) out.push(known(formatCidr({ family: cidr.family, addr: cidr.addr + i * step, prefix, hostBitsSet: false, text: '' }), at));
  return known(out, at);
}

export type { UnresolvedReason };
