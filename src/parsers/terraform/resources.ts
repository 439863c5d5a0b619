import type { Span } from '../../model/location.js';
import { normalizeProtocol, type Protocol } from '../../model/net.js';
import { addressFamilyOf, awsManagedPrefixListFamily, awsManagedPrefixListWeight } from '../../model/prefix-lists.js';
import { guardPeer, peerValue, type Attachment, type AttachedGroup, type Direction, type Facts, type GroupRef, type Peer, type RuleEntry, type RuleOrigin, type SecurityGroup, type SgRule, type TargetKind } from '../../model/types.js';
import { alternatives, known, mapValue, under, unresolved, type Value } from '../../model/value.js';
import { evList, evNumber, evString, presentOnly, type Data, type EV } from '../values.js';
import { entriesOf, ID_MARKER, isIdMarker, toBool, withBindings } from './evaluate.js';
import { tryParseValueString, type Node } from './syntax.js';
import { asRecord, blocksOf, GROUP_TYPES, type Declared, type Instance, type TfFile } from './module.js';
import { extractGroupReferences } from './references.js';
import { appendAll } from '../../util/arrays.js';

/** Attribute paths (inside the resource body, nested blocks by name) that list the groups a resource carries. */
const ATTACHMENTS: Record<string, { kind: TargetKind; paths: string[][] }> = {
  aws_instance: { kind: 'instance', paths: [['vpc_security_group_ids'], ['security_groups']] },
  aws_spot_instance_request: { kind: 'instance', paths: [['vpc_security_group_ids'], ['security_groups']] },
  aws_network_interface: { kind: 'network-interface', paths: [['security_groups']] },
  aws_launch_template: {
    kind: 'launch-template',
    paths: [['vpc_security_group_ids'], ['security_group_names'], ['network_interfaces', 'security_groups']],
  },
  aws_launch_configuration: { kind: 'launch-configuration', paths: [['security_groups']] },
  aws_lb: { kind: 'load-balancer', paths: [['security_groups']] },
  aws_alb: { kind: 'load-balancer', paths: [['security_groups']] },
  aws_elb: { kind: 'load-balancer', paths: [['security_groups']] },
  aws_db_instance: { kind: 'db-instance', paths: [['vpc_security_group_ids']] },
  aws_rds_cluster: { kind: 'db-cluster', paths: [['vpc_security_group_ids']] },
  aws_docdb_cluster: { kind: 'db-cluster', paths: [['vpc_security_group_ids']] },
  aws_neptune_cluster: { kind: 'db-cluster', paths: [['vpc_security_group_ids']] },
  aws_redshift_cluster: { kind: 'db-cluster', paths: [['vpc_security_group_ids']] },
  aws_elasticache_cluster: { kind: 'cache-cluster', paths: [['security_group_ids']] },
  aws_elasticache_replication_group: { kind: 'cache-replication-group', paths: [['security_group_ids']] },
  aws_lambda_function: { kind: 'lambda-function', paths: [['vpc_config', 'security_group_ids']] },
  aws_ecs_service: { kind: 'ecs-service', paths: [['network_configuration', 'security_groups']] },
  aws_eks_cluster: { kind: 'eks-cluster', paths: [['vpc_config', 'security_group_ids']] },
  aws_vpc_endpoint: { kind: 'vpc-endpoint', paths: [['security_group_ids']] },
  aws_efs_mount_target: { kind: 'network-interface', paths: [['security_groups']] },
  aws_mq_broker: { kind: 'other', paths: [['security_groups']] },
  aws_msk_cluster: { kind: 'other', paths: [['broker_node_group_info', 'security_groups']] },
  aws_opensearch_domain: { kind: 'other', paths: [['vpc_options', 'security_group_ids']] },
  aws_elasticsearch_domain: { kind: 'other', paths: [['vpc_options', 'security_group_ids']] },
};

export interface ResourceContext {
  file: TfFile;
  instance: Instance;
  facts: Facts;
  /** `count`/`each` of the resource instance being read, and `dynamic` iterators inside it. */
  bindings: ReadonlyMap<string, EV>;
  /** Conditions under which this resource instance exists (module and resource `count = c ? 1 : 0`). */
  when: string[];
}

export interface Block {
  type: string;
  name: string;
  body: Record<string, unknown>;
  path: string;
  /** Full address: module path, type, name and instance key (`module.sg.aws_security_group.this[0]`). */
  address: string;
  /** Address within its module (`aws_security_group.this[0]`), for group ids. */
  local: string;
}

/** Reads every resource of a module instance, then the modules it calls, each instance with what its call passes. */
export function extractInstance(instance: Instance, facts: Facts, diagnostics: (file: string, at: Span, message: string) => void): void {
  const budget = instance.ctx.world.budget;
  const spend = (decl: Declared): boolean => {
    if (budget.left-- > 0) return true;
    if (budget.left === -1) diagnostics(decl.file.path, instance.span(decl.file, decl.path), `more than ${budget.limit.toLocaleString('en-US')} resource and module instances: the rest of the configuration was not analyzed`);
    return false;
  };
  const firstGroup = facts.groups.length;
  for (const decl of instance.mod.resources.values()) {
    for (const expansion of instance.expand(decl)) {
      if (!spend(decl)) return;
      const local = `${decl.type}.${decl.name}${expansion.suffix}`;
      const block: Block = { type: decl.type, name: decl.name, body: decl.body, path: decl.path, address: `${instance.ctx.prefix}${local}`, local };
      const ctx: ResourceContext = { file: decl.file, instance, facts, bindings: expansion.bindings, when: [...instance.ctx.when, ...expansion.when] };
      extractResource(ctx, block);
    }
  }
  extractGroupReferences(instance, facts.groups.slice(firstGroup).map((g) => g.id), facts);
  for (const [name, decl] of instance.mod.calls) {
    const site = instance.span(decl.file, decl.path);
    const target = instance.callTarget(name, decl);
    if (!('dir' in target)) {
      facts.unresolved.push(unresolved(target.why, target.detail, site));
      if (target.why === 'outside-scan-root') diagnostics(decl.file.path, site, target.detail);
      continue;
    }
    if (instance.ctx.stack.includes(target.dir.abs) || instance.ctx.stack.length > MAX_MODULE_DEPTH) {
      const why = instance.ctx.stack.includes(target.dir.abs) ? 'the module calls itself' : 'modules nested too deeply';
      diagnostics(decl.file.path, site, `module "${name}": ${why}; the call was not analyzed`);
      continue;
    }
    for (const expansion of instance.expand(decl)) {
      if (!spend(decl)) return;
      extractInstance(instance.child(name, decl, target.dir, expansion), facts, diagnostics);
    }
  }
}

const MAX_MODULE_DEPTH = 32;

export function extractResource(ctx: ResourceContext, block: Block): void {
  const type = block.type;
  if (GROUP_TYPES.has(type)) extractGroup(ctx, block);
  else if (type === 'aws_security_group_rule') extractSgRule(ctx, block);
  else if (type === 'aws_vpc_security_group_ingress_rule') extractVpcRule(ctx, block, 'ingress');
  else if (type === 'aws_vpc_security_group_egress_rule') extractVpcRule(ctx, block, 'egress');
  else if (type === 'aws_network_interface_sg_attachment') extractSgAttachment(ctx, block);
  const attachment = ATTACHMENTS[type] ?? otherAttachment(block);
  if (attachment) extractAttachment(ctx, block, attachment.kind, attachment.paths);
}

/** Attributes that list the groups a resource carries, for resource types the table above does not name. */
const GROUP_LIST_ATTRIBUTES = new Set(['security_groups', 'security_group_ids', 'vpc_security_group_ids']);
const NOT_CARRIERS = new Set([...GROUP_TYPES, 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', 'aws_network_interface_sg_attachment']);

/** A resource of another type that lists groups in a usual attribute (at the top or in nested blocks) carries them. */
function otherAttachment(block: Block): { kind: TargetKind; paths: string[][] } | undefined {
  if (NOT_CARRIERS.has(block.type)) return undefined;
  const paths = new Map<string, string[]>();
  const walk = (body: Record<string, unknown>, path: string[]) => {
    for (const key of Object.keys(body)) {
      if (GROUP_LIST_ATTRIBUTES.has(key)) paths.set([...path, key].join('.'), [...path, key]);
      else if (path.length < 4) for (const nested of blocksOf(body, key)) walk(nested, [...path, key]);
    }
  };
  walk(block.body, []);
  return paths.size > 0 ? { kind: 'other', paths: [...paths.values()] } : undefined;
}

const span = (ctx: ResourceContext, path: string): Span => ctx.instance.span(ctx.file, path);
/** Evaluates where the resource's own conditions hold (`count = c ? 1 : 0`, `dynamic` items); the module's come first in `when`. */
const evalAt = (ctx: ResourceContext, raw: unknown, path: string): EV => ctx.instance.evaluate(ctx.file, raw, path, 'normal', ctx.bindings, ctx.when.slice(ctx.instance.ctx.when.length));
function headerSpan(ctx: ResourceContext, path: string): Span {
  const h = ctx.file.header?.(path);
  return h ? { ...span(ctx, path), start: h.start, end: h.end } : span(ctx, path);
}

/** The value of an optional attribute; null when it is absent or evaluates to null (Terraform's "not set"). */
function optionalValue(ctx: ResourceContext, body: Record<string, unknown>, key: string, path: string, withoutIds = true): EV | null {
  if (!(key in body) || body[key] === null) return null;
  // A null alternative (`use_prefix ? null : local.name`) means the attribute is not set in that variant.
  const v = presentOnly(evalAt(ctx, body[key], `${path}.${key}`));
  return v && (withoutIds ? markerFree(v) : v);
}

function optionalString(ctx: ResourceContext, body: Record<string, unknown>, key: string, path: string): Value<string> | null {
  const v = optionalValue(ctx, body, key, path);
  return v && evString(v);
}

function optionalNumber(ctx: ResourceContext, body: Record<string, unknown>, key: string, path: string): Value<number> | null {
  const v = optionalValue(ctx, body, key, path);
  return v && evNumber(v);
}

function protocolValue(ctx: ResourceContext, body: Record<string, unknown>, key: string, path: string): Value<Protocol> {
  const raw = optionalString(ctx, body, key, path);
  if (!raw) return known<Protocol>({ invalid: '' }, span(ctx, path));
  return mapValue(raw, (v, at) => known(normalizeProtocol(v), at));
}

function extractGroup(ctx: ResourceContext, block: Block): void {
  const id = ctx.instance.groupId(block.local);
  const guard = <T>(v: Value<T> | null): Value<T> | null => v && under(ctx.when, v);
  const inlineRules = (['ingress', 'egress'] as const).flatMap((direction) => {
    const inline = inlinePresence(ctx, block, direction);
    return inline ? [{ direction, present: under(ctx.when, inline.present), at: inline.at }] : [];
  });
  const group: SecurityGroup = {
    id,
    address: block.address,
    format: 'terraform',
    name: guard(optionalString(ctx, block.body, 'name', block.path)),
    namePrefix: guard(optionalString(ctx, block.body, 'name_prefix', block.path)),
    description: guard(optionalString(ctx, block.body, 'description', block.path)),
    vpc: optionalString(ctx, block.body, 'vpc_id', block.path),
    isDefault: block.type === 'aws_default_security_group',
    implicitEgress: false,
    ingress: [],
    egress: [],
    ...(inlineRules.length > 0 ? { inlineRules } : {}),
    ...(ctx.when.length > 0 ? { when: ctx.when } : {}),
    at: headerSpan(ctx, block.path),
  };
  ctx.facts.groups.push(group);
  const ref: GroupRef = { kind: 'model', id };
  for (const direction of ['ingress', 'egress'] as const) {
    blocksOf(block.body, direction).forEach((rule, i) => {
      extractRuleEntry(ctx, { body: rule, path: `${block.path}.${direction}[${i}]`, direction, groupRef: ref, resource: block.address, origin: 'tf-inline' });
    });
    blocksOf(asRecord(block.body.dynamic), direction).forEach((dynamic, i) => {
      const path = `${block.path}.dynamic.${direction}[${i}]`;
      const content = blocksOf(dynamic, 'content')[0];
      if (!content) return;
      const iterator = iteratorName(dynamic.iterator) ?? direction;
      for (const item of dynamicItems(evalAt(ctx, dynamic.for_each, `${path}.for_each`))) {
        const inner: ResourceContext = { ...ctx, bindings: withBindings(ctx.bindings, [[iterator, known<Data>({ key: item.key, value: item.value }, item.key.at)]]), when: [...ctx.when, ...item.when] };
        const spec: EntrySpec = { body: content, path: `${path}.content[0]`, key: item.suffix, direction, groupRef: ref, resource: block.address, origin: 'tf-inline' };
        extractRuleEntry(inner, item.unknown ? { ...spec, uncertain: true } : spec);
      }
    });
  }
}

/**
 * Whether the group states its own rules of a direction, which makes Terraform manage all of them: blocks, the attribute
 * (`ingress = []` included; null leaves it unset), or a `dynamic` block that yields at least one block.
 */
function inlinePresence(ctx: ResourceContext, block: Block, direction: Direction): { present: Value<boolean>; at: Span } | null {
  const path = `${block.path}.${direction}`;
  const raw = block.body[direction];
  if (raw !== undefined && raw !== null) {
    if (Array.isArray(raw)) {
      const at = raw.length > 0 ? headerSpan(ctx, `${path}[0]`) : span(ctx, path);
      return { present: known(true, at), at };
    }
    return { present: mapValue(evalAt(ctx, raw, path), (v, at) => known(v !== null, at)), at: span(ctx, path) };
  }
  const dynamic = blocksOf(asRecord(block.body.dynamic), direction)[0];
  if (!dynamic) return null;
  const dynamicPath = `${block.path}.dynamic.${direction}[0]`;
  const forEach = evalAt(ctx, dynamic.for_each, `${dynamicPath}.for_each`);
  return { present: mapValue(forEach, (v, at) => known((entriesOf(v)?.length ?? 0) > 0, at)), at: headerSpan(ctx, dynamicPath) };
}

/** `iterator = rule` reaches us as the expression `${rule}`. */
function iteratorName(raw: unknown): string | null {
  const m = typeof raw === 'string' ? /^\$\{\s*([A-Za-z_][\w-]*)\s*\}$|^([A-Za-z_][\w-]*)$/.exec(raw) : null;
  return m ? (m[1] ?? m[2]!) : null;
}

interface DynamicItem {
  key: EV;
  value: EV;
  suffix: string;
  when: string[];
  unknown?: boolean;
}

/** The elements a `dynamic` block's `for_each` produces; one unknown element when the collection is not known. */
function dynamicItems(forEach: EV): DynamicItem[] {
  const out: DynamicItem[] = [];
  for (const alt of alternatives(forEach)) {
    if (alt.value.k === 'unresolved') {
      const unknown = { ...alt.value, why: 'dynamic-block' as const };
      out.push({ key: unknown, value: unknown, suffix: '[*]', when: [...alt.when, `${alt.value.expr} is not empty`], unknown: true });
      continue;
    }
    for (const [key, item] of entriesOf(alt.value.v) ?? []) {
      for (const element of alternatives(item)) {
        const k = (key as { v: Data }).v;
        out.push({ key, value: element.value, suffix: typeof k === 'number' ? `[${k}]` : `[${JSON.stringify(k)}]`, when: [...alt.when, ...element.when] });
      }
    }
  }
  return out;
}

interface EntrySpec {
  body: Record<string, unknown>;
  path: string;
  /** Element key of a `dynamic` block (`["ssh"]`), to tell its entries apart. */
  key?: string;
  uncertain?: boolean;
  direction: Direction;
  groupRef: GroupRef | null;
  resource: string;
  origin: RuleOrigin;
}

interface PeerAt {
  peer: Peer;
  at: Span;
}

/** Inline `ingress`/`egress` blocks and `aws_security_group_rule` share their attribute names. */
function extractRuleEntry(ctx: ResourceContext, spec: EntrySpec, extra: PeerAt[] = []): void {
  const { body, path } = spec;
  const peers: PeerAt[] = [
    ...listPeers(ctx, body, 'cidr_blocks', path, (cidr) => ({ kind: 'cidr4', cidr })),
    ...listPeers(ctx, body, 'ipv6_cidr_blocks', path, (cidr) => ({ kind: 'cidr6', cidr })),
    ...listPeers(ctx, body, 'prefix_list_ids', path, (id, item) => prefixListPeer(ctx, id, item)),
    ...groupListPeers(ctx, body, 'security_groups', path),
    ...extra,
  ];
  const self = 'self' in body ? evalAt(ctx, body.self, `${path}.self`) : null;
  // A `map(string)` variable turns `self = true` into "true"; the provider reads it as the boolean.
  const isSelf = self?.k === 'known' && toBool(self.v) === true;
  if (isSelf) peers.push({ peer: { kind: 'self' }, at: span(ctx, `${path}.self`) });
  const unknownPeers = (self !== null && self.k !== 'known') || peers.some((p) => mayBeAbsent(peerValue(p.peer)));
  pushRule(ctx, {
    direction: spec.direction,
    groupRef: spec.groupRef,
    resource: spec.resource,
    origin: spec.origin,
    path,
    ...(spec.key ? { key: spec.key } : {}),
    ...(spec.uncertain ? { uncertain: true } : {}),
    protocol: protocolValue(ctx, body, 'protocol', path),
    fromPort: optionalNumber(ctx, body, 'from_port', path),
    toPort: optionalNumber(ctx, body, 'to_port', path),
    description: optionalString(ctx, body, 'description', path),
    peers,
    singlePeer: spec.origin === 'tf-sg-rule' && (extra.length > 0 || isSelf),
    unknownPeers,
  });
}

function listPeers(ctx: ResourceContext, body: Record<string, unknown>, key: string, path: string, make: (v: Value<string>, item: EV) => Peer): PeerAt[] {
  const list = optionalValue(ctx, body, key, path, false);
  if (!list) return [];
  const listPath = `${path}.${key}`;
  const raw = body[key];
  const items = evList(list);
  // Sized once (and cut to what it holds): pushed one by one, a list of a million is copied each time it grows.
  const out = new Array<PeerAt>(items.length);
  let kept = 0;
  items.forEach((item, i) => {
    if (item.k === 'known' && item.v === null) return;
    // A literal element of a written list was located by the evaluator under the element's own path.
    const literal = Array.isArray(raw) && typeof raw[i] === 'string' && !raw[i].includes('${') && !raw[i].includes('%{');
    out[kept++] = { peer: make(evString(markerFree(item)), item), at: literal ? literalSpan(ctx, listPath, i, item.at) : elementSpan(ctx, listPath, i, item.at) };
  });
  out.length = kept;
  return out;
}

/**
 * A prefix list peer. One of this configuration (`aws_ec2_managed_prefix_list.x.id`) weighs its `max_entries`; an
 * AWS-managed one looked up by name (`data.aws_ec2_managed_prefix_list.x.id`) weighs what AWS documents for it.
 */
function prefixListPeer(ctx: ResourceContext, id: Value<string>, item: EV): Peer {
  const address = item.k === 'known' && isIdMarker(item.v) ? item.v.slice(item.v.indexOf('#') + 1 + ctx.instance.ctx.prefix.length).replace(/\[[^\]]*\]$/, '') : null;
  const decl = address ? ctx.instance.mod.resources.get(address) : undefined;
  if (decl?.type === 'aws_ec2_managed_prefix_list' && 'max_entries' in decl.body) {
    const family = evString(ctx.instance.evaluate(decl.file, decl.body.address_family, `${decl.path}.address_family`));
    const known = family.k === 'known' ? addressFamilyOf(family.v) : undefined;
    return { kind: 'prefixList', id, weight: evNumber(ctx.instance.evaluate(decl.file, decl.body.max_entries, `${decl.path}.max_entries`)), ...(known ? { family: known } : {}) };
  }
  const lookup = item.k === 'unresolved' ? /^data\.aws_ec2_managed_prefix_list\.([\w-]+)(?:\[[^\]]*\])?\.id$/.exec(item.expr) : null;
  for (const file of lookup ? ctx.instance.mod.files : []) {
    const raw = asRecord(blocksOf(asRecord(asRecord(file.body.data).aws_ec2_managed_prefix_list), lookup![1]!)[0]).name;
    if (raw === undefined) continue;
    const name = ctx.instance.evaluate(file, raw, `data.aws_ec2_managed_prefix_list.${lookup![1]}[0].name`);
    const text = name.k === 'known' && typeof name.v === 'string' ? name.v : null;
    const weight = text === null ? undefined : awsManagedPrefixListWeight(text);
    return weight === undefined ? { kind: 'prefixList', id } : { kind: 'prefixList', id, weight: known(weight, name.at), family: awsManagedPrefixListFamily(text!) };
  }
  return { kind: 'prefixList', id };
}

/**
 * The span of a literal list element: the one the evaluator gave its value (located in this file at the element's
 * path, as the element of the list written here), unless that one came through a call site.
 */
function literalSpan(ctx: ResourceContext, listPath: string, i: number, at: Span): Span {
  return at.file === ctx.file.path && !at.via ? at : elementSpan(ctx, listPath, i, at);
}

function elementSpan(ctx: ResourceContext, listPath: string, i: number, fallback: Span): Span {
  const path = listPath + ('[' + i + ']');
  const found = ctx.file.element?.(listPath, i) ?? ctx.file.find(path);
  if (found) return { file: ctx.file.path, start: found.start, end: found.end, path };
  return { ...fallback, path };
}

function groupListPeers(ctx: ResourceContext, body: Record<string, unknown>, key: string, path: string): PeerAt[] {
  return groupRefs(ctx, body[key], `${path}.${key}`).map((g) => ({ peer: { kind: 'securityGroup', ref: g.ref }, at: g.at }));
}

/** Group references in an attribute that holds one group id or a list of them. */
function groupRefs(ctx: ResourceContext, raw: unknown, path: string): AttachedGroup[] {
  if (raw === undefined || raw === null) return [];
  const value = evalAt(ctx, raw, path);
  const listed = Array.isArray(raw) || isList(value);
  const items = listed ? evList(value) : [value];
  return items.flatMap((item, i) => {
    // An item that exists only under a condition (a list chosen by a conditional) is attached only under it.
    const only = item.k === 'oneOf' && item.options.length === 1 ? item.options[0]! : null;
    const inner = presentOnly(only ? only.value : item);
    if (!inner) return [];
    const at = Array.isArray(raw) ? elementSpan(ctx, path, i, inner.at) : inner.at;
    return [{ ref: groupRefOf(inner), at, ...(only?.when ? { when: [only.when] } : {}) }];
  });
}

/** A list, or a choice between lists (`var.x ? [a] : [a, b]`). */
function isList(v: EV): boolean {
  if (v.k === 'known') return Array.isArray(v.v);
  return v.k === 'oneOf' && alternatives(v).some((a) => a.value.k === 'known' && Array.isArray(a.value.v));
}

/**
 * A group of this configuration when the value is its id. Alternatives that name groups of the configuration and
 * otherwise only ids not known (`create_sg ? concat(aws_security_group.this.*.id, …)[0] : var.security_group_id`, where
 * `this` and `this_name_prefix` exclude each other) are read as the first group's: one model rule has one group, and
 * the groups' own conditions say when each exists.
 */
function groupRefOf(v: EV): GroupRef {
  const alts = alternatives(v);
  const marked = alts.find((a) => a.value.k === 'known' && isIdMarker(a.value.v));
  const others = alts.filter((a) => !(a.value.k === 'known' && isIdMarker(a.value.v)));
  if (marked && others.every((a) => a.value.k !== 'known' || a.value.v === '' || a.value.v === null)) return { kind: 'model', id: (marked.value as { v: string }).v.slice(ID_MARKER.length) };
  return { kind: 'external', id: evString(markerFree(v)) };
}

/** A resource id where text is expected (a CIDR list, a description) is an attribute only apply knows. */
function markerFree(v: EV): EV {
  if (v.k === 'known' && isIdMarker(v.v)) return unresolved('resource-attribute', v.v.slice(v.v.indexOf('#') + 1).concat('.id'), v.at);
  if (v.k === 'known' && Array.isArray(v.v) && v.v.some((x) => x.k !== 'known' || isIdMarker(x.v))) return { ...v, v: v.v.map(markerFree) };
  if (v.k === 'oneOf') return { ...v, options: v.options.map((o) => ({ when: o.when, value: markerFree(o.value) })) };
  return v;
}

function singleGroupRef(ctx: ResourceContext, body: Record<string, unknown>, key: string, path: string): GroupRef | null {
  if (!(key in body)) return null;
  return groupRefs(ctx, body[key], `${path}.${key}`)[0]?.ref ?? null;
}

function extractSgRule(ctx: ResourceContext, block: Block): void {
  const type = evString(evalAt(ctx, block.body.type, `${block.path}.type`));
  const directions: Direction[] = type.k === 'known' && (type.v === 'ingress' || type.v === 'egress') ? [type.v] : [];
  if (directions.length === 0) {
    // Neither direction can be checked; an invalid literal is AWS's to reject, an unknown one is reported as unknown.
    if (type.k !== 'known') ctx.facts.unresolved.push(type.k === 'unresolved' ? type : unresolved('conditional', `${block.address}.type`, type.at));
    return;
  }
  const source = 'source_security_group_id' in block.body ? groupRefs(ctx, block.body.source_security_group_id, `${block.path}.source_security_group_id`) : [];
  extractRuleEntry(
    ctx,
    {
      body: block.body,
      path: block.path,
      direction: directions[0]!,
      groupRef: singleGroupRef(ctx, block.body, 'security_group_id', block.path),
      resource: block.address,
      origin: 'tf-sg-rule',
    },
    source.map((g) => ({ peer: { kind: 'securityGroup', ref: g.ref }, at: g.at })),
  );
}

function extractVpcRule(ctx: ResourceContext, block: Block, direction: Direction): void {
  const b = block.body;
  const p = block.path;
  const one = (key: string, make: (v: Value<string>) => Peer): PeerAt[] => {
    const v = optionalString(ctx, b, key, p);
    return v ? [{ peer: make(v), at: span(ctx, `${p}.${key}`) }] : [];
  };
  const referenced = singleGroupRef(ctx, b, 'referenced_security_group_id', p);
  const peers: PeerAt[] = [
    ...one('cidr_ipv4', (cidr) => ({ kind: 'cidr4', cidr })),
    ...one('cidr_ipv6', (cidr) => ({ kind: 'cidr6', cidr })),
    ...one('prefix_list_id', (id) => prefixListPeer(ctx, id, optionalValue(ctx, b, 'prefix_list_id', p, false) ?? id)),
    ...(referenced ? [{ peer: { kind: 'securityGroup', ref: referenced } as Peer, at: span(ctx, `${p}.referenced_security_group_id`) }] : []),
  ];
  pushRule(ctx, {
    direction,
    groupRef: singleGroupRef(ctx, b, 'security_group_id', p),
    resource: block.address,
    origin: 'tf-vpc-rule',
    path: p,
    protocol: protocolValue(ctx, b, 'ip_protocol', p),
    fromPort: optionalNumber(ctx, b, 'from_port', p),
    toPort: optionalNumber(ctx, b, 'to_port', p),
    description: optionalString(ctx, b, 'description', p),
    peers,
    singlePeer: true,
    unknownPeers: peers.some((p) => mayBeAbsent(peerValue(p.peer))),
  });
}

/** A peer value not known in some alternative may turn out to be null, so the entry's peer count is not known. */
function mayBeAbsent(v: Value<string> | null): boolean {
  if (!v || v.k !== 'oneOf') return v?.k === 'unresolved';
  return alternatives(v).some((a) => a.value.k === 'unresolved');
}

interface RuleSpec {
  direction: Direction;
  groupRef: GroupRef | null;
  resource: string;
  origin: RuleOrigin;
  path: string;
  key?: string;
  protocol: Value<Protocol>;
  fromPort: Value<number> | null;
  toPort: Value<number> | null;
  description: Value<string> | null;
  peers: PeerAt[];
  singlePeer: boolean;
  uncertain?: boolean;
  unknownPeers?: boolean;
}

function pushRule(ctx: ResourceContext, spec: RuleSpec): void {
  const at = headerSpan(ctx, spec.path);
  let definite = 0;
  for (const p of spec.peers) if (peerValue(p.peer)?.k !== 'unresolved') definite++;
  // One written block yields an entry per root, module instance, resource instance and dynamic element.
  const instance = /^module\.|\]$/.test(spec.resource) ? `@${spec.resource}` : '';
  const entry: RuleEntry = {
    id: `tf:${ctx.instance.ctx.rootDir}#${ctx.file.path}#${spec.path}${spec.key ?? ''}${instance}`,
    peerCount: definite,
    singlePeer: spec.singlePeer,
    ...(spec.uncertain ? { uncertain: true } : {}),
    ...(spec.unknownPeers ? { unknownPeers: true } : {}),
    ...(ctx.when.length > 0 ? { when: ctx.when } : {}),
    at,
  };
  const guard = <T>(v: Value<T>): Value<T> => under(ctx.when, v);
  const peers = spec.peers.length > 0 ? spec.peers : [{ peer: { kind: 'none' } as Peer, at }];
  // One value object per entry, shared by its rules (a rule per peer): what is derived from them is derived once.
  const protocol = guard(spec.protocol);
  const fromPort = spec.fromPort && guard(spec.fromPort);
  const toPort = spec.toPort && guard(spec.toPort);
  const description = spec.description && guard(spec.description);
  const rules = ctx.facts.rules;
  let next = rules.length;
  // A long list's rules are added at once: pushed one by one, the run's list of rules is copied each time it grows.
  if (peers.length > 1024) rules.length = next + peers.length;
  peers.forEach((p, i) => {
    const rule: SgRule = {
      // The entry's id and a short string: one joining object per rule rather than two.
      id: entry.id + ('#' + i),
      group: null,
      groupRef: spec.groupRef,
      direction: spec.direction,
      protocol,
      fromPort,
      toPort,
      peer: ctx.when.length > 0 ? guardPeer(p.peer, guard) : p.peer,
      peerAt: p.at,
      description,
      origin: spec.origin,
      entry,
      resource: spec.resource,
      implicit: false,
      at,
    };
    rules[next++] = rule;
  });
}

function extractSgAttachment(ctx: ResourceContext, block: Block): void {
  const groups = attachedGroups(ctx, block.body.security_group_id, `${block.path}.security_group_id`).map((g) => (ctx.when.length > 0 ? { ...g, when: [...ctx.when, ...(g.when ?? [])] } : g));
  const target = referencedResource(ctx, block.body.network_interface_id) ?? block.address;
  const at = headerSpan(ctx, block.path);
  // The target is where the interface is defined, so that everything attached to it is counted together.
  const decl = ctx.instance.mod.resources.get(target.slice(ctx.instance.ctx.prefix.length).replace(/\[[^\]]*\]$/, ''));
  const targetAt = decl ? headerSpan({ ...ctx, file: decl.file }, decl.path) : at;
  ctx.facts.attachments.push({ target: { kind: 'network-interface', address: target, at: targetAt }, groups, complete: true, additive: true, at });
}

/** `aws_instance.web.primary_network_interface_id` names the resource `aws_instance.web` (with this instance's module path). */
function referencedResource(ctx: ResourceContext, raw: unknown): string | null {
  let node = typeof raw === 'string' ? tryParseValueString(raw) : null;
  if (!node) return null;
  const chain: Node[] = [];
  while (node.t === 'attr' || node.t === 'index') {
    chain.unshift(node);
    node = node.obj;
  }
  const name = chain[0];
  if (node.t !== 'var' || !node.name.includes('_') || name?.t !== 'attr') return null;
  const key = chain[1]?.t === 'index' && chain[1].key.t === 'lit' ? chain[1].key.v : undefined;
  const suffix = typeof key === 'number' ? `[${key}]` : typeof key === 'string' ? `[${JSON.stringify(key)}]` : '';
  return `${ctx.instance.ctx.prefix}${node.name}.${name.name}${suffix}`;
}

function extractAttachment(ctx: ResourceContext, block: Block, kind: TargetKind, paths: string[][]): void {
  const groups: AttachedGroup[] = [];
  for (const steps of paths) collectAttached(ctx, block.body, block.path, steps, groups);
  if (groups.length === 0) return;
  if (ctx.when.length > 0) for (const g of groups) g.when = [...ctx.when, ...(g.when ?? [])];
  const at = headerSpan(ctx, block.path);
  const complete = groups.every((g) => g.ref.kind === 'model' || g.ref.id.k === 'known');
  const attachment: Attachment = { target: { kind, address: block.address, at }, groups, complete, additive: false, at };
  ctx.facts.attachments.push(attachment);
}

function collectAttached(ctx: ResourceContext, body: Record<string, unknown>, path: string, steps: string[], out: AttachedGroup[]): void {
  const [head, ...rest] = steps;
  if (head === undefined || !(head in body)) return;
  if (rest.length === 0) {
    appendAll(out, attachedGroups(ctx, body[head], `${path}.${head}`));
    return;
  }
  blocksOf(body, head).forEach((nested, i) => collectAttached(ctx, nested, `${path}.${head}[${i}]`, rest, out));
}

/** The groups an attribute attaches: each alternative of each item (`var.x ? [a, b] : [a]`) with its conditions. */
function attachedGroups(ctx: ResourceContext, raw: unknown, path: string): AttachedGroup[] {
  if (raw === undefined || raw === null) return [];
  const networkInterface = /\.(network_interfaces\[\d+\])/.exec(path)?.[1];
  return evList(evalAt(ctx, raw, path)).flatMap((item, i) =>
    alternatives(item).flatMap((alt): AttachedGroup[] => {
      // null and "" (the usual `cond ? id : ""`) attach nothing.
      if (alt.value.k === 'known' && (alt.value.v === null || alt.value.v === '')) return [];
      return [
        {
          ref: groupRefOf(alt.value),
          at: Array.isArray(raw) ? elementSpan(ctx, path, i, item.at) : item.at,
          ...(alt.when.length > 0 ? { when: alt.when } : {}),
          ...(networkInterface ? { networkInterface } : {}),
        },
      ];
    }),
  );
}
