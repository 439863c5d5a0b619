import { basename } from 'node:path';
import type { AnalysisBudget } from '../budget.js';
import type { Span } from '../../model/location.js';
import { alternatives, known, unresolved, type UnresolvedReason } from '../../model/value.js';
import { relocate, type Data, type EV } from '../values.js';
import { addTo } from '../../util/maps.js';
import { accessAll, COMPUTED, evaluateRaw, idMarker, isIdMarker, lift, toNumber, toText, type Env, type Mode, type ReferenceScope, type SpanAt, type Step } from './evaluate.js';
import type { HclBody } from './hcl.js';
import type { Located } from './locator.js';
import { fromPlain } from './functions.js';
import type { PlanValues } from './plan.js';
import { convertToType } from './types.js';

/** A parsed Terraform file: its values (hcl2json's JSON shape) and a locator for source positions. */
export interface TfFile {
  /** Display path (relative to the working directory, `/` separators). */
  path: string;
  text: string;
  body: HclBody;
  find(path: string): Located | undefined;
  /** The element `index` of the list at path `list`, when it is written as a list: `find` without the element's path. */
  element?(list: string, index: number): Located | undefined;
  /** A block's header (type keyword and labels), for findings about the block as a whole. */
  header?(path: string): Located | undefined;
}

/** Where variable values come from, besides defaults (Terraform's precedence: later wins). */
export interface VarSource {
  /** Display path of the file, or "--var". */
  label: string;
  values: Record<string, unknown>;
  file?: TfFile;
  /** Values that are plain JSON data (a plan's variables), not hcl2json's expression strings. */
  plain?: boolean;
}

export interface ModuleInputs {
  /** Auto-loaded and explicitly selected var files and --var values, lowest precedence first. */
  sources: VarSource[];
  /** Var files that Terraform does not load by itself and nobody selected: each is one deployment alternative. */
  alternatives: VarSource[];
}

/** A block found in a module's files: a resource, data source, module call, variable, local or output. */
export interface Declared {
  file: TfFile;
  path: string;
  body: Record<string, unknown>;
}

/** One module directory, parsed and indexed once however many times it is called. */
export interface ModuleDir {
  abs: string;
  /** Display path of the directory ("." for the working directory). */
  display: string;
  files: TfFile[];
  variables: Map<string, Declared>;
  locals: Map<string, { file: TfFile; path: string; raw: unknown }>;
  outputs: Map<string, Declared>;
  /** `type.name` of every managed resource, in file order. */
  resources: Map<string, Declared & { type: string; name: string }>;
  calls: Map<string, Declared>;
}

export function indexModule(abs: string, display: string, files: TfFile[]): ModuleDir {
  const mod: ModuleDir = { abs, display, files, variables: new Map(), locals: new Map(), outputs: new Map(), resources: new Map(), calls: new Map() };
  for (const file of files) {
    const first = (kind: string, into: Map<string, Declared>) => {
      for (const [name, list] of Object.entries(asRecord(file.body[kind]))) {
        if (!into.has(name)) into.set(name, { file, path: `${kind}.${name}[0]`, body: asRecord(Array.isArray(list) ? list[0] : undefined) });
      }
    };
    first('variable', mod.variables);
    first('output', mod.outputs);
    first('module', mod.calls);
    (Array.isArray(file.body.locals) ? file.body.locals : []).forEach((block, i) => {
      for (const [name, raw] of Object.entries(asRecord(block))) mod.locals.set(name, { file, path: `locals[${i}].${name}`, raw });
    });
    for (const [type, byName] of Object.entries(asRecord(file.body.resource))) {
      for (const [name, list] of Object.entries(asRecord(byName))) {
        const key = `${type}.${name}`;
        if (!mod.resources.has(key)) mod.resources.set(key, { file, type, name, path: `resource.${type}.${name}[0]`, body: asRecord(Array.isArray(list) ? list[0] : undefined) });
      }
    }
  }
  return mod;
}

export function spanIn(file: TfFile, path: string, via?: Span[], list?: string, index?: number): Span {
  const element = list !== undefined && index !== undefined ? file.element?.(list, index) : undefined;
  if (element) return spanOf(file.path, element.start, element.end, path, via);
  let p = path;
  for (;;) {
    const found = file.find(p);
    if (found) return spanOf(file.path, found.start, found.end, path, via);
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return spanOf(file.path, { line: 1, column: 1 }, { line: 1, column: 1 }, path, via);
    p = p.slice(0, cut);
  }
}

/** Written out rather than spread: a list of a million CIDRs makes a million spans. */
function spanOf(file: string, start: Span['start'], end: Span['end'], path: string, via: Span[] | undefined): Span {
  return via && via.length > 0 ? { file, start, end, path, via } : { file, start, end, path };
}

/** One evaluated copy of a resource or module call: `[0]`, `["ssh"]`, or the only one. */
export interface Expansion {
  /** Address suffix, Terraform style: "", "[0]", `["ssh"]`. */
  suffix: string;
  bindings: ReadonlyMap<string, EV>;
  /** Conditions under which this instance exists (count = c ? 1 : 0 with c undecided). */
  when: string[];
  /** The number or keys of instances could not be known: this one stands for all of them. */
  unknown?: Unresolved;
}

type Unresolved = Extract<EV, { k: 'unresolved' }>;

/** What a module instance needs from the run: other module directories, and what a call's source resolves to. */
export interface World {
  /** Resource and module instances the run may still create: nested `count = 10000` modules stop here. */
  budget: { left: number; limit: number };
  /** Steps and time the analysis of this root may still take. */
  analysis?: AnalysisBudget;
  /** The directory of a module call's source, or why it cannot be analyzed. */
  resolveCall(caller: Instance, name: string, source: string): { dir: ModuleDir } | { why: UnresolvedReason; detail: string };
}

export interface InstanceContext {
  world: World;
  /** Display path of the root module directory: group ids are unique per root. */
  rootDir: string;
  /** `module.a["k"].module.b.` for a called module; "" for a root. */
  prefix: string;
  /** Call sites from the root down to this instance. */
  via: Span[];
  /** Module call keys from the root ("a.b"), as `.terraform/modules/modules.json` names them. */
  callKey: string;
  /** Conditions under which this whole instance exists. */
  when: string[];
  rootInputs?: ModuleInputs;
  /** Arguments of the call, evaluated lazily in the caller per mode. */
  args?: Map<string, (mode: Mode) => EV>;
  /** Plan-time values (`--plan`) for the configuration this instance belongs to. */
  plan?: PlanValues;
  /** Module directories from the root down to this one (absolute), to stop a module that calls itself. */
  stack: string[];
}

/** The values one instance of a module sees: its variables, locals, resources, and the outputs of modules it calls. */
export class Instance implements ReferenceScope {
  private readonly cache = new Map<string, EV>();
  private readonly evaluating = new Set<string>();
  private readonly children = new Map<string, { dir: ModuleDir } | { why: UnresolvedReason; detail: string }>();
  private readonly childInstances = new Map<string, Instance>();

  constructor(
    readonly mod: ModuleDir,
    readonly ctx: InstanceContext,
  ) {}

  span(file: TfFile, path: string, list?: string, index?: number): Span {
    return spanIn(file, path, this.ctx.via, list, index);
  }

  env(mode: Mode = 'normal', bindings?: ReadonlyMap<string, EV>): Env {
    const budget = this.ctx.world.analysis;
    // Written out rather than spread: every expression evaluated makes one.
    const env: Env = { scope: this, mode };
    if (bindings) env.bindings = bindings;
    if (budget) env.budget = budget;
    return env;
  }

  /** `assume`: conditions of this module that hold where the value is (they narrow what it compares, evaluate.ts). */
  evaluate(file: TfFile, raw: unknown, path: string, mode: Mode = 'normal', bindings?: ReadonlyMap<string, EV>, assume?: readonly string[]): EV {
    const env = this.env(mode, bindings);
    return evaluateRaw(raw, path, (p, list, index) => this.span(file, p, list, index), assume && assume.length > 0 ? { ...env, assume } : env);
  }

  /** Group id for a resource address of this instance (`aws_security_group.web[0]`). */
  groupId(address: string): string {
    return `tf:${this.ctx.rootDir}#${this.ctx.prefix}${address}`;
  }

  reference(root: string, steps: Step[], mode: Mode, at: Span): EV {
    const [first, ...rest] = steps;
    const name = first && 'attr' in first ? first.attr : null;
    const reach = (base: EV | undefined, remaining: Step[]): EV => {
      if (!base) return unresolved('unknown-reference', '', at);
      const value = accessAll(base, remaining, at, '');
      // A resource's id is written nowhere: the first place that referred to it is not where it comes from.
      return relocate(value, at, !(value.k === 'known' && isIdMarker(value.v)));
    };
    switch (root) {
      case 'var':
        return name === null ? unresolved('unknown-reference', '', at) : reach(this.variable(name, mode), rest);
      case 'local':
        return name === null ? unresolved('unknown-reference', '', at) : reach(this.local(name, mode), rest);
      case 'module':
        return name === null ? unresolved('unknown-reference', '', at) : reach(this.moduleValue(name, mode, at), rest);
      case 'data':
        return this.dataSource(steps, at);
      case 'count':
        return unresolved('count-index', '', at);
      case 'each':
        return unresolved('each-value', '', at);
      case 'self':
      case 'path':
      case 'terraform':
        return unresolved('unsupported-expression', '', at);
      default: {
        const decl = name === null ? undefined : this.mod.resources.get(`${root}.${name}`);
        if (!decl) return unresolved(root.includes('_') ? 'resource-attribute' : 'unknown-reference', '', at);
        return reach(this.resourceValue(decl, mode, at), rest);
      }
    }
  }

  /** A data source's attributes are known only from a plan (`--plan`), which read it. */
  private dataSource(steps: Step[], at: Span): EV {
    const [type, name, maybeKey, ...rest] = steps;
    if (!this.ctx.plan || !type || !name || !('attr' in type) || !('attr' in name)) return unresolved('data-source', '', at);
    const key = maybeKey && 'index' in maybeKey && maybeKey.index.k === 'known' ? maybeKey.index.v : undefined;
    const suffix = typeof key === 'number' || typeof key === 'string' ? suffixOf(key) : '';
    const values = this.ctx.plan.resources.get(`${this.ctx.prefix}data.${type.attr}.${name.attr}${suffix}`);
    if (!values) return unresolved('data-source', '', at);
    const remaining = suffix ? rest : [maybeKey, ...rest].filter((s): s is Step => s !== undefined);
    return relocate(accessAll(planObject(values, at), remaining, at, ''), at);
  }

  private cached(key: string, at: Span, compute: () => EV): EV {
    const hit = this.cache.get(key);
    if (hit) return hit;
    if (this.evaluating.has(key)) return unresolved('unsupported-expression', `${key} (refers to itself)`, at);
    this.evaluating.add(key);
    const value = compute();
    this.evaluating.delete(key);
    this.cache.set(key, value);
    return value;
  }

  variable(name: string, mode: Mode): EV | undefined {
    const decl = this.mod.variables.get(name);
    if (!decl) return undefined;
    const at = this.span(decl.file, decl.path);
    return this.cached(`var.${name}@${mode}`, at, () => convertToType(this.uncheckedVariable(name, decl, mode, at), decl.body.type, this.env(mode)));
  }

  private uncheckedVariable(name: string, decl: Declared, mode: Mode, at: Span): EV {
    const passed = this.ctx.args?.get(name);
    if (passed) {
      const v = passed(mode);
      return v.k === 'known' && v.v === null && 'default' in decl.body && decl.body.nullable === false ? this.defaultOf(decl, mode, name) : v;
    }
    const inputs = this.ctx.rootInputs;
    if (!inputs) return this.defaultOf(decl, mode, name);
    const base = this.rootBase(name, decl, mode, inputs);
    if (!inputs.alternatives.some((s) => name in s.values)) return base;
    return {
      k: 'oneOf',
      at,
      options: inputs.alternatives.map((s) => ({ when: `with ${basename(s.label)}`, value: name in s.values ? this.sourceValue(s, name) : base })),
    };
  }

  private defaultOf(decl: Declared, mode: Mode, name: string): EV {
    if (mode === 'explicit' || !('default' in decl.body)) return unresolved('variable-no-default', `var.${name}`, this.span(decl.file, decl.path));
    return this.evaluate(decl.file, decl.body.default, `${decl.path}.default`);
  }

  private rootBase(name: string, decl: Declared, mode: Mode, inputs: ModuleInputs): EV {
    for (let i = inputs.sources.length - 1; i >= 0; i--) {
      const source = inputs.sources[i]!;
      if (name in source.values) return this.sourceValue(source, name);
    }
    return this.defaultOf(decl, mode, name);
  }

  private sourceValue(source: VarSource, name: string): EV {
    const file = source.file;
    const spanAt: SpanAt = (p, list, index) => (file ? spanIn(file, p, undefined, list, index) : { file: source.label, start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, path: p });
    if (source.plain) return fromPlain(source.values[name], spanAt(name));
    return evaluateRaw(source.values[name], name, spanAt, this.env());
  }

  local(name: string, mode: Mode): EV | undefined {
    const decl = this.mod.locals.get(name);
    if (!decl) return undefined;
    return this.cached(`local.${name}@${mode}`, this.span(decl.file, decl.path), () => this.evaluate(decl.file, decl.raw, decl.path, mode));
  }

  output(name: string, mode: Mode, at: Span): EV {
    const decl = this.mod.outputs.get(name);
    if (!decl) return unresolved('module-output', `output "${name}"`, at);
    return this.cached(`output.${name}@${mode}`, at, () => this.evaluate(decl.file, decl.body.value, `${decl.path}.value`, mode));
  }

  /** Instances of a resource or module call: `count` and `for_each` expanded, under the conditions that create them. */
  expand(decl: Declared): Expansion[] {
    const body = decl.body;
    if (!('count' in body) && !('for_each' in body)) return [{ suffix: '', bindings: new Map(), when: [] }];
    const isCount = 'count' in body;
    const value = this.evaluate(decl.file, isCount ? body.count : body.for_each, `${decl.path}.${isCount ? 'count' : 'for_each'}`);
    const out: Expansion[] = [];
    const alts = alternatives(value);
    for (const alt of alts) {
      const planned = alt.value.k === 'unresolved' ? this.plannedKeys(decl) : undefined;
      if (planned) {
        for (const key of planned) {
          const unknownValue = unresolved('each-value', 'each.value', alt.value.at);
          out.push({ suffix: suffixOf(key), bindings: countBindings(known(key, alt.value.at), isCount ? known(key, alt.value.at) : unknownValue, isCount), when: alt.when });
        }
        continue;
      }
      if (alt.value.k === 'unresolved') {
        const unknown = { ...alt.value, why: isCount ? ('count-index' as const) : ('each-value' as const) };
        // One instance stands for however many there are: what it shows holds whenever there is any.
        const any = `${alt.value.expr} is ${isCount ? 'not 0' : 'not empty'}`;
        out.push({ suffix: '', bindings: countBindings(unknown, unknown, isCount), when: [...alt.when, any], unknown });
        continue;
      }
      for (const [key, item, itemWhen] of instanceKeys(alt.value.v, isCount, alt.value.at)) {
        if (key.k === 'unresolved') {
          out.push({ suffix: '', bindings: countBindings(key, key, isCount), when: [...alt.when, ...itemWhen], unknown: key });
          continue;
        }
        out.push({ suffix: suffixOf(key.v), bindings: countBindings(key, item, isCount), when: [...alt.when, ...itemWhen] });
      }
    }
    // count = c ? 1 : 0 and count = c ? 2 : 1 share instances that exist whatever c is.
    if (isCount && alts.length > 1) {
      const bySuffix = new Map<string, Expansion[]>();
      for (const e of out) addTo(bySuffix, e.suffix, e);
      return [...bySuffix.values()].map((list) => (list.length === alts.length && !list[0]!.unknown ? { ...list[0]!, when: [] } : list)).flat();
    }
    return out;
  }

  /** Instance keys the plan expanded a resource to, when its own `count`/`for_each` is not known here. */
  private plannedKeys(decl: Declared): (number | string)[] | undefined {
    const m = /^resource\.([^.]+)\.([^.[]+)/.exec(decl.path);
    return m ? this.ctx.plan?.instances.get(`${this.ctx.prefix}${m[1]}.${m[2]}`) : undefined;
  }

  /** The value a reference to a resource yields: its arguments as written, computed attributes unknown, group ids as markers. */
  private resourceValue(decl: Declared & { type: string; name: string }, mode: Mode, at: Span): EV {
    const address = `${decl.type}.${decl.name}`;
    return this.cached(`resource.${address}@${mode}`, at, () => {
      const build = (suffix: string, bindings: ReadonlyMap<string, EV>): EV => {
        const out: Record<string, EV> = {};
        const planned = this.ctx.plan?.resources.get(`${this.ctx.prefix}${address}${suffix}`);
        for (const key of Object.keys(decl.body)) {
          if (META.has(key)) continue;
          let memo: EV | undefined;
          const compute = (): EV => {
            const ours = this.evaluate(decl.file, decl.body[key], `${decl.path}.${key}`, mode, bindings);
            return planned && key in planned && alternatives(ours).some((a) => a.value.k === 'unresolved') ? fromPlain(planned[key], at) : ours;
          };
          Object.defineProperty(out, key, { enumerable: true, get: () => (memo ??= compute()) });
        }
        for (const [key, value] of Object.entries(planned ?? {})) if (!(key in out) && key !== 'id') out[key] = fromPlain(value, at);
        out.id = known(idMarker(this.groupId(`${address}${suffix}`)), at);
        COMPUTED.add(out);
        return known(out, at);
      };
      return this.instancesValue(decl, mode, at, build);
    });
  }

  /** A called module's instances (a list for count, a map for for_each), each an object of its outputs. */
  private moduleValue(name: string, mode: Mode, at: Span): EV {
    const decl = this.mod.calls.get(name);
    if (!decl) return unresolved('unknown-reference', '', at);
    const target = this.callTarget(name, decl);
    if (!('dir' in target)) return unresolved('module-output', target.detail, at);
    return this.cached(`module.${name}@${mode}`, at, () => {
      const outputsOf = (suffix: string, bindings: ReadonlyMap<string, EV>): EV => {
        const child = this.child(name, decl, target.dir, { suffix, bindings, when: [] });
        const out: Record<string, EV> = {};
        for (const output of target.dir.outputs.keys()) {
          let memo: EV | undefined;
          Object.defineProperty(out, output, { enumerable: true, get: () => (memo ??= child.output(output, mode, at)) });
        }
        COMPUTED.add(out);
        return known(out, at);
      };
      return this.instancesValue(decl, mode, at, outputsOf);
    });
  }

  /** A resource's or module call's value: one object, or a list (`count`) or map (`for_each`) of instance objects. */
  private instancesValue(decl: Declared, mode: Mode, at: Span, build: (suffix: string, bindings: ReadonlyMap<string, EV>) => EV): EV {
    const body = decl.body;
    if (!('count' in body) && !('for_each' in body)) return build('', new Map());
    const isCount = 'count' in body;
    const meta = this.evaluate(decl.file, isCount ? body.count : body.for_each, `${decl.path}.${isCount ? 'count' : 'for_each'}`, mode);
    return lift([meta], at, ([v]) => keyed(instanceKeys(v!, isCount, at), isCount, at, build));
  }

  callTarget(name: string, decl: Declared): { dir: ModuleDir } | { why: UnresolvedReason; detail: string } {
    let target = this.children.get(name);
    if (!target) {
      const source = decl.body.source;
      target = typeof source === 'string' && !source.includes('${') ? this.ctx.world.resolveCall(this, name, source) : { why: 'module-output', detail: 'module source is not a literal string' };
      this.children.set(name, target);
    }
    return target;
  }

  /** The instance a call creates for one expansion (cached: references and extraction share it). */
  child(name: string, decl: Declared, dir: ModuleDir, expansion: Pick<Expansion, 'suffix' | 'bindings' | 'when'>): Instance {
    // An instance read for its outputs has no conditions; the one extracted carries its expansion's.
    const key = `${name}${expansion.suffix}|${expansion.when.join('&')}`;
    let child = this.childInstances.get(key);
    if (child) return child;
    const args = new Map<string, (mode: Mode) => EV>();
    for (const arg of Object.keys(decl.body)) {
      if (CALL_META.has(arg)) continue;
      const memo = new Map<Mode, EV>();
      args.set(arg, (mode) => {
        let v = memo.get(mode);
        if (!v) {
          v = this.evaluate(decl.file, decl.body[arg], `${decl.path}.${arg}`, mode, expansion.bindings);
          memo.set(mode, v);
        }
        return v;
      });
    }
    child = new Instance(dir, {
      world: this.ctx.world,
      rootDir: this.ctx.rootDir,
      prefix: `${this.ctx.prefix}module.${name}${expansion.suffix}.`,
      via: [...this.ctx.via, this.span(decl.file, decl.path)],
      callKey: this.ctx.callKey ? `${this.ctx.callKey}.${name}` : name,
      when: [...this.ctx.when, ...expansion.when],
      args,
      ...(this.ctx.plan ? { plan: this.ctx.plan } : {}),
      stack: [...this.ctx.stack, dir.abs],
    });
    this.childInstances.set(key, child);
    return child;
  }
}

const META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection', 'dynamic']);
const CALL_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
export const GROUP_TYPES = new Set(['aws_security_group', 'aws_default_security_group']);

/** Bindings for one instance: `count.index`, or `each.key`/`each.value`. */
export function countBindings(key: EV, value: EV, isCount: boolean): Map<string, EV> {
  const data: Record<string, EV> = isCount ? { index: key } : { key, value };
  return new Map([[isCount ? 'count' : 'each', known(data, key.at)]]);
}

/** Plan values are plain JSON; an attribute the plan leaves out is one only apply knows. */
function planObject(values: Record<string, unknown>, at: Span): EV {
  const v = fromPlain(values, at);
  if (v.k === 'known' && v.v && typeof v.v === 'object') COMPUTED.add(v.v);
  return v;
}

const suffixOf = (key: Data): string => (typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`);

type InstanceKey = [Extract<EV, { k: 'known' }> | Unresolved, EV, string[]];

/** A resource's or module's value: a list of instances for count, a map for for_each; unknown if one key is. */
function keyed(keys: InstanceKey[], isCount: boolean, at: Span, build: (suffix: string, bindings: ReadonlyMap<string, EV>) => EV): EV {
  const unknown = keys.find(([k]) => k.k === 'unresolved');
  if (unknown) return unknown[0];
  const built = keys.map(([k, item]) => [String((k as { v: Data }).v), build(suffixOf((k as { v: Data }).v), countBindings(k, item, isCount))] as const);
  return known(isCount ? built.map(([, v]) => v) : Object.fromEntries(built), at);
}

/**
 * Keys of the instances a `count` number or `for_each` collection creates. A conditional element of a for_each list
 * (from a `for … if` filter) creates its instance under that condition; an unknown element stands for unknown keys.
 */
function instanceKeys(v: Data, isCount: boolean, at: Span): InstanceKey[] {
  if (isCount) {
    const n = toNumber(v);
    if (n === null || n < 0 || !Number.isInteger(n)) return [];
    return Array.from({ length: Math.min(n, 10_000) }, (_, i): InstanceKey => [known(i, at), known(i, at), []]);
  }
  if (Array.isArray(v)) {
    const out: InstanceKey[] = [];
    for (const item of v) {
      for (const alt of alternatives(item)) {
        if (alt.value.k === 'unresolved') {
          out.push([{ ...alt.value, why: 'each-value' }, alt.value, alt.when]);
          continue;
        }
        const text = toText(alt.value.v);
        if (text !== null) out.push([known(text, at), alt.value, alt.when]);
      }
    }
    return out;
  }
  if (v && typeof v === 'object') {
    return Object.keys(v)
      .sort()
      .flatMap((k) => alternatives(v[k]!).map((alt): InstanceKey => [known(k, at), alt.value, alt.when]));
  }
  return [];
}

export function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Blocks of one type inside a body, as hcl2json nests them (always an array of objects). */
export function blocksOf(body: Record<string, unknown>, type: string): Record<string, unknown>[] {
  const v = body[type];
  return Array.isArray(v) ? v.filter((b): b is Record<string, unknown> => !!b && typeof b === 'object' && !Array.isArray(b)) : [];
}
