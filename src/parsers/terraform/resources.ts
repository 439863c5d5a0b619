import type { Span } from '../../model/location.js';
import { normalizeProtocol, type Protocol } from '../../model/net.js';
import { peerValue, type Attachment, type AttachedGroup, type Direction, type Facts, type GroupRef, type Peer, type RuleEntry, type RuleOrigin, type SecurityGroup, type SgRule, type TargetKind } from '../../model/types.js';
import { known, mapValue, unresolved, type Value } from '../../model/value.js';
import { evList, evNumber, evString, type EV } from '../values.js';
import { evaluate, traversalSteps } from './expr.js';
import { asRecord, blocksOf, spanIn, type ModuleScope, type TfFile } from './module.js';

const GROUP_TYPES = new Set(['aws_security_group', 'aws_default_security_group']);

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
  scope: ModuleScope;
  /** Module directory as displayed, used to make group ids unique across root modules. */
  moduleDir: string;
  facts: Facts;
}

interface Block {
  type: string;
  name: string;
  body: Record<string, unknown>;
  path: string;
  address: string;
}

export function groupId(moduleDir: string, address: string): string {
  return `tf:${moduleDir}#${address}`;
}

export function extractResources(ctx: ResourceContext): void {
  for (const [type, byName] of Object.entries(asRecord(ctx.file.body.resource))) {
    for (const [name, list] of Object.entries(asRecord(byName))) {
      const body = Array.isArray(list) ? asRecord(list[0]) : {};
      const block: Block = { type, name, body, path: `resource.${type}.${name}[0]`, address: `${type}.${name}` };
      if (createsNothing(ctx, block)) continue;
      if (GROUP_TYPES.has(type)) extractGroup(ctx, block);
      else if (type === 'aws_security_group_rule') extractSgRule(ctx, block);
      else if (type === 'aws_vpc_security_group_ingress_rule') extractVpcRule(ctx, block, 'ingress');
      else if (type === 'aws_vpc_security_group_egress_rule') extractVpcRule(ctx, block, 'egress');
      else if (type === 'aws_network_interface_sg_attachment') extractSgAttachment(ctx, block);
      const attachment = ATTACHMENTS[type];
      if (attachment) extractAttachment(ctx, block, attachment.kind, attachment.paths);
    }
  }
}

/** `count = 0` or an empty `for_each` map: the resource does not exist. Anything unknown keeps it (never guess). */
function createsNothing(ctx: ResourceContext, block: Block): boolean {
  for (const meta of ['count', 'for_each'] as const) {
    if (!(meta in block.body)) continue;
    const v = evalAt(ctx, block.body[meta], `${block.path}.${meta}`);
    if (v.k !== 'known') continue;
    if (meta === 'count' && v.v === 0) return true;
    if (meta === 'for_each' && isEmptyCollection(v.v)) return true;
  }
  return false;
}

const isEmptyCollection = (v: unknown) => (Array.isArray(v) && v.length === 0) || (!!v && typeof v === 'object' && Object.keys(v).length === 0);
const span = (ctx: ResourceContext, path: string): Span => spanIn(ctx.file, path);
const evalAt = (ctx: ResourceContext, raw: unknown, path: string): EV => evaluate(raw, path, (p) => span(ctx, p), ctx.scope);
function headerSpan(ctx: ResourceContext, path: string): Span {
  const h = ctx.file.header?.(path);
  return h ? { file: ctx.file.path, start: h.start, end: h.end, path } : span(ctx, path);
}

/** The value of an optional attribute; null when it is absent or evaluates to null (Terraform's "not set"). */
function optionalValue(ctx: ResourceContext, body: Record<string, unknown>, key: string, path: string): EV | null {
  if (!(key in body) || body[key] === null) return null;
  const v = evalAt(ctx, body[key], `${path}.${key}`);
  return v.k === 'known' && v.v === null ? null : v;
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
  const id = groupId(ctx.moduleDir, block.address);
  const group: SecurityGroup = {
    id,
    address: block.address,
    format: 'terraform',
    name: optionalString(ctx, block.body, 'name', block.path),
    namePrefix: optionalString(ctx, block.body, 'name_prefix', block.path),
    description: optionalString(ctx, block.body, 'description', block.path),
    vpc: optionalString(ctx, block.body, 'vpc_id', block.path),
    isDefault: block.type === 'aws_default_security_group',
    implicitEgress: false,
    ingress: [],
    egress: [],
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
      const forEach = evalAt(ctx, dynamic.for_each, `${path}.for_each`);
      if (forEach.k === 'known' && isEmptyCollection(forEach.v)) return;
      const at = span(ctx, path);
      const unknown = unresolved('dynamic-block', `dynamic "${direction}"`, at);
      pushRule(ctx, {
        direction,
        groupRef: ref,
        resource: block.address,
        origin: 'tf-inline',
        path,
        protocol: unknown,
        fromPort: unknown,
        toPort: unknown,
        description: unknown,
        peers: [{ peer: { kind: 'cidr4', cidr: unknown }, at }],
        singlePeer: false,
        uncertain: true,
      });
    });
  }
}

interface EntrySpec {
  body: Record<string, unknown>;
  path: string;
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
    ...listPeers(ctx, body, 'prefix_list_ids', path, (id) => ({ kind: 'prefixList', id })),
    ...groupListPeers(ctx, body, 'security_groups', path),
    ...extra,
  ];
  const self = 'self' in body ? evalAt(ctx, body.self, `${path}.self`) : null;
  if (self?.k === 'known' && self.v === true) peers.push({ peer: { kind: 'self' }, at: span(ctx, `${path}.self`) });
  const unknownPeers = (self !== null && self.k !== 'known') || peers.some((p) => peerValue(p.peer)?.k === 'unresolved');
  pushRule(ctx, {
    direction: spec.direction,
    groupRef: spec.groupRef,
    resource: spec.resource,
    origin: spec.origin,
    path,
    protocol: protocolValue(ctx, body, 'protocol', path),
    fromPort: optionalNumber(ctx, body, 'from_port', path),
    toPort: optionalNumber(ctx, body, 'to_port', path),
    description: optionalString(ctx, body, 'description', path),
    peers,
    singlePeer: spec.origin === 'tf-sg-rule' && ('source_security_group_id' in body || self?.k === 'known' && self.v === true),
    unknownPeers,
  });
}

function listPeers(ctx: ResourceContext, body: Record<string, unknown>, key: string, path: string, make: (v: Value<string>) => Peer): PeerAt[] {
  const list = optionalValue(ctx, body, key, path);
  if (!list) return [];
  return evList(list).filter((item) => !(item.k === 'known' && item.v === null)).map((item, i) => ({ peer: make(evString(item)), at: elementSpan(ctx, `${path}.${key}`, i, item.at) }));
}

function elementSpan(ctx: ResourceContext, listPath: string, i: number, fallback: Span): Span {
  const found = ctx.file.find(`${listPath}[${i}]`);
  if (found) return { file: ctx.file.path, start: found.start, end: found.end, path: `${listPath}[${i}]` };
  return { ...fallback, path: `${listPath}[${i}]` };
}

function groupListPeers(ctx: ResourceContext, body: Record<string, unknown>, key: string, path: string): PeerAt[] {
  return groupRefs(ctx, body[key], `${path}.${key}`).map((g) => ({ peer: { kind: 'securityGroup', ref: g.ref }, at: g.at }));
}

/** Group references in an attribute that holds one group id or a list of them. */
function groupRefs(ctx: ResourceContext, raw: unknown, path: string): AttachedGroup[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) return raw.flatMap((item, i) => groupRefs(ctx, item, `${path}[${i}]`).map((g) => ({ ...g, at: elementSpan(ctx, path, i, g.at) })));
  const direct = typeof raw === 'string' ? modelGroupReference(ctx, raw) : null;
  const at = span(ctx, path);
  if (direct) return [{ ref: direct, at }];
  const value = evalAt(ctx, raw, path);
  if (value.k === 'known' && Array.isArray(value.v)) return value.v.map((item) => ({ ref: externalRef(item), at }));
  return [{ ref: externalRef(value), at }];
}

function externalRef(v: EV): GroupRef {
  return { kind: 'external', id: evString(v) };
}

/** `${aws_security_group.web.id}` (also `[0]`/`["k"]` instances and `.name`) points at a group of this module. */
function modelGroupReference(ctx: ResourceContext, raw: string): GroupRef | null {
  const m = /^\$\{\s*([^}]*?)\s*\}$/.exec(raw);
  const steps = m ? traversalSteps(m[1]!) : null;
  if (!steps || steps.length < 3) return null;
  const [type, name] = steps;
  const attr = steps[steps.length - 1];
  if (typeof type !== 'string' || !GROUP_TYPES.has(type) || typeof name !== 'string' || (attr !== 'id' && attr !== 'name')) return null;
  return { kind: 'model', id: groupId(ctx.moduleDir, `${type}.${name}`) };
}

function singleGroupRef(ctx: ResourceContext, body: Record<string, unknown>, key: string, path: string): GroupRef | null {
  if (!(key in body)) return null;
  return groupRefs(ctx, body[key], `${path}.${key}`)[0]?.ref ?? null;
}

function extractSgRule(ctx: ResourceContext, block: Block): void {
  const type = evString(evalAt(ctx, block.body.type, `${block.path}.type`));
  const directions: Direction[] = type.k === 'known' && (type.v === 'ingress' || type.v === 'egress') ? [type.v] : [];
  if (directions.length === 0) return;
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
    ...one('prefix_list_id', (id) => ({ kind: 'prefixList', id })),
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
  });
}

interface RuleSpec {
  direction: Direction;
  groupRef: GroupRef | null;
  resource: string;
  origin: RuleOrigin;
  path: string;
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
  const definite = spec.peers.filter((p) => peerValue(p.peer)?.k !== 'unresolved');
  const entry: RuleEntry = { id: `tf:${ctx.file.path}#${spec.path}`, peerCount: definite.length, singlePeer: spec.singlePeer, ...(spec.uncertain ? { uncertain: true } : {}), ...(spec.unknownPeers ? { unknownPeers: true } : {}), at };
  const peers = spec.peers.length > 0 ? spec.peers : [{ peer: { kind: 'none' } as Peer, at }];
  peers.forEach((p, i) => {
    const rule: SgRule = {
      id: `${entry.id}#${i}`,
      group: null,
      groupRef: spec.groupRef,
      direction: spec.direction,
      protocol: spec.protocol,
      fromPort: spec.fromPort,
      toPort: spec.toPort,
      peer: p.peer,
      peerAt: p.at,
      description: spec.description,
      origin: spec.origin,
      entry,
      resource: spec.resource,
      implicit: false,
      at,
    };
    ctx.facts.rules.push(rule);
  });
}

function extractSgAttachment(ctx: ResourceContext, block: Block): void {
  const groups = groupRefs(ctx, block.body.security_group_id, `${block.path}.security_group_id`);
  const eni = block.body.network_interface_id;
  const m = typeof eni === 'string' ? /^\$\{\s*([^}]*?)\s*\}$/.exec(eni) : null;
  const steps = m ? traversalSteps(m[1]!) : null;
  const target =
    steps && typeof steps[0] === 'string' && typeof steps[1] === 'string' && steps[0].startsWith('aws_') ? `${steps[0]}.${steps[1]}` : block.address;
  const at = headerSpan(ctx, block.path);
  ctx.facts.attachments.push({ target: { kind: 'network-interface', address: target, at }, groups, complete: true, additive: true, at });
}

function extractAttachment(ctx: ResourceContext, block: Block, kind: TargetKind, paths: string[][]): void {
  const groups: AttachedGroup[] = [];
  for (const steps of paths) collectAttached(ctx, block.body, block.path, steps, groups);
  if (groups.length === 0) return;
  const at = headerSpan(ctx, block.path);
  const complete = groups.every((g) => g.ref.kind === 'model' || g.ref.id.k === 'known');
  const attachment: Attachment = { target: { kind, address: block.address, at }, groups, complete, additive: false, at };
  ctx.facts.attachments.push(attachment);
}

function collectAttached(ctx: ResourceContext, body: Record<string, unknown>, path: string, steps: string[], out: AttachedGroup[]): void {
  const [head, ...rest] = steps;
  if (head === undefined || !(head in body)) return;
  if (rest.length === 0) {
    out.push(...groupRefs(ctx, body[head], `${path}.${head}`));
    return;
  }
  blocksOf(body, head).forEach((nested, i) => collectAttached(ctx, nested, `${path}.${head}[${i}]`, rest, out));
}
