import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { Span } from '../../model/location.js';
import { normalizeProtocol, type Protocol } from '../../model/net.js';
import { addressFamilyOf } from '../../model/prefix-lists.js';
import { peerValue, type AttachedGroup, type Direction, type Facts, type GroupRef, type Peer, type RuleEntry, type RuleOrigin, type SecurityGroup, type SgRule, type TargetKind } from '../../model/types.js';
import { alternatives, known, mapValue, under, type Value } from '../../model/value.js';
import { evList, evNumber, evString, presentOnly, type EV } from '../values.js';
import { keyOf } from './document.js';
import { GROUP_MARK, intrinsicCall, type TemplateEvaluator } from './intrinsics.js';
import { extractGroupReferences } from './references.js';

/** Properties (dotted paths through nested objects and lists) that list the groups a resource carries. */
const ATTACHMENTS: Record<string, { kind: TargetKind; paths: string[][] }> = {
  'AWS::EC2::Instance': { kind: 'instance', paths: [['SecurityGroupIds'], ['SecurityGroups'], ['NetworkInterfaces', 'GroupSet']] },
  'AWS::EC2::NetworkInterface': { kind: 'network-interface', paths: [['GroupSet']] },
  'AWS::EC2::LaunchTemplate': {
    kind: 'launch-template',
    paths: [['LaunchTemplateData', 'SecurityGroupIds'], ['LaunchTemplateData', 'SecurityGroups'], ['LaunchTemplateData', 'NetworkInterfaces', 'Groups']],
  },
  'AWS::AutoScaling::LaunchConfiguration': { kind: 'launch-configuration', paths: [['SecurityGroups']] },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { kind: 'load-balancer', paths: [['SecurityGroups']] },
  'AWS::ElasticLoadBalancing::LoadBalancer': { kind: 'load-balancer', paths: [['SecurityGroups']] },
  'AWS::RDS::DBInstance': { kind: 'db-instance', paths: [['VPCSecurityGroups'], ['DBSecurityGroups']] },
  'AWS::RDS::DBCluster': { kind: 'db-cluster', paths: [['VpcSecurityGroupIds']] },
  'AWS::ElastiCache::CacheCluster': { kind: 'cache-cluster', paths: [['VpcSecurityGroupIds']] },
  'AWS::ElastiCache::ReplicationGroup': { kind: 'cache-replication-group', paths: [['SecurityGroupIds']] },
  'AWS::Lambda::Function': { kind: 'lambda-function', paths: [['VpcConfig', 'SecurityGroupIds']] },
  'AWS::Serverless::Function': { kind: 'lambda-function', paths: [['VpcConfig', 'SecurityGroupIds']] },
  'AWS::ECS::Service': { kind: 'ecs-service', paths: [['NetworkConfiguration', 'AwsvpcConfiguration', 'SecurityGroups']] },
  'AWS::EKS::Cluster': { kind: 'eks-cluster', paths: [['ResourcesVpcConfig', 'SecurityGroupIds']] },
  'AWS::EC2::VPCEndpoint': { kind: 'vpc-endpoint', paths: [['SecurityGroupIds']] },
  'AWS::EFS::MountTarget': { kind: 'network-interface', paths: [['SecurityGroups']] },
  'AWS::Batch::ComputeEnvironment': { kind: 'other', paths: [['ComputeResources', 'SecurityGroupIds']] },
  'AWS::OpenSearchService::Domain': { kind: 'other', paths: [['VPCOptions', 'SecurityGroupIds']] },
  'AWS::Elasticsearch::Domain': { kind: 'other', paths: [['VPCOptions', 'SecurityGroupIds']] },
  'AWS::MSK::Cluster': { kind: 'other', paths: [['BrokerNodeGroupInfo', 'SecurityGroups']] },
  'AWS::Neptune::DBCluster': { kind: 'db-cluster', paths: [['VpcSecurityGroupIds']] },
  'AWS::DocDB::DBCluster': { kind: 'db-cluster', paths: [['VpcSecurityGroupIds']] },
  'AWS::Redshift::Cluster': { kind: 'db-cluster', paths: [['VpcSecurityGroupIds']] },
};

export interface CfnResourceContext {
  ev: TemplateEvaluator;
  facts: Facts;
  /** Distinguishes the groups of one template analyzed through several nested-stack calls. */
  instance: string;
  /** Group names defined in this template, for `GroupName` and `SourceSecurityGroupName` references. */
  groupsByName: Map<string, string>;
}

interface Resource {
  logicalId: string;
  type: string;
  node: YAMLMap;
  props: YAMLMap | null;
  path: string;
  /** The logical id, or the construct path of a CDK-synthesized resource. */
  address: string;
  at: Span;
  /** Conditions under which the resource exists (its `Condition`, when not decided for this run). */
  when: string[];
}

export function groupId(ctx: CfnResourceContext, logicalId: string): string {
  return `cfn:${ctx.ev.t.path}#${logicalId}${ctx.instance}`;
}

export function extractResources(ctx: CfnResourceContext): void {
  const groupsByName = ctx.groupsByName;
  const resources: Resource[] = [];
  const root = ctx.ev.t.root;
  const resourcesNode = isMap(root) ? ctx.ev.deref(root.get('Resources', true) as Node | undefined) : null;
  if (!isMap(resourcesNode)) return;
  for (const pair of resourcesNode.items) {
    const logicalId = keyOf(pair.key);
    const node = ctx.ev.deref(pair.value as Node | null);
    if (!isMap(node)) continue;
    const condition = node.get('Condition');
    const decided = typeof condition === 'string' ? ctx.ev.decide(condition) : true;
    if (decided === false) continue;
    const props = ctx.ev.deref(node.get('Properties', true) as Node | undefined);
    const cdkPath = cdkPathOf(ctx.ev, node);
    resources.push({
      logicalId,
      type: String(node.get('Type') ?? ''),
      node,
      props: isMap(props) ? props : null,
      path: `Resources.${logicalId}`,
      address: cdkPath ?? logicalId,
      at: ctx.ev.span(pair.key as Node, `Resources.${logicalId}`),
      when: typeof condition === 'string' && decided === undefined ? [`${condition} is true`] : [],
    });
  }
  // A resource's values are read where its condition holds: the condition narrows the parameters they use.
  for (const r of resources) {
    if (r.type !== 'AWS::EC2::SecurityGroup') continue;
    const group = ctx.ev.assuming(r.when, () => extractGroup(ctx, r));
    const name = r.props?.get('GroupName');
    if (typeof name === 'string') groupsByName.set(name, group.id);
  }
  for (const r of resources) {
    ctx.ev.assuming(r.when, () => {
      if (r.type === 'AWS::EC2::SecurityGroupIngress') extractStandalone(ctx, r, 'ingress');
      else if (r.type === 'AWS::EC2::SecurityGroupEgress') extractStandalone(ctx, r, 'egress');
      const attachment = ATTACHMENTS[r.type] ?? otherAttachment(r);
      if (attachment) extractAttachment(ctx, r, attachment.kind, attachment.paths);
    });
  }
  extractGroupReferences(ctx);
}

/** A VPC's default group, which a template can only reach through `!GetAtt Vpc.DefaultSecurityGroup` (created once). */
function defaultGroup(ctx: CfnResourceContext, address: string): void {
  const id = groupId(ctx, address);
  if (ctx.facts.groups.some((g) => g.id === id)) return;
  const vpc = address.slice(0, -'.DefaultSecurityGroup'.length);
  const root = ctx.ev.t.root;
  const resources = isMap(root) ? (root.get('Resources', true) as YAMLMap | undefined) : undefined;
  const pair = isMap(resources) ? resources.items.find((p) => keyOf(p.key) === vpc) : undefined;
  ctx.facts.groups.push({
    id,
    address,
    format: 'cloudformation',
    name: null,
    namePrefix: null,
    description: null,
    vpc: null,
    isDefault: true,
    implicitEgress: false,
    ingress: [],
    egress: [],
    at: ctx.ev.span(pair?.key as Node | undefined, `Resources.${vpc}`),
  });
}

function cdkPathOf(ev: TemplateEvaluator, node: YAMLMap): string | undefined {
  const metadata = ev.deref(node.get('Metadata', true) as Node | undefined);
  const path = isMap(metadata) ? metadata.get('aws:cdk:path') : undefined;
  return typeof path === 'string' ? path : undefined;
}

function prop(ctx: CfnResourceContext, r: Resource, key: string): EV | null {
  const node = r.props?.get(key, true) as Node | undefined;
  return node === undefined ? null : presentOnly(ctx.ev.evaluate(node, `${r.path}.Properties.${key}`));
}

function stringProp(ctx: CfnResourceContext, r: Resource, key: string): Value<string> | null {
  const v = prop(ctx, r, key);
  return v && under(r.when, evString(v));
}

/** The description CDK writes for a rule that has none: "from 0.0.0.0/0:22", "to sg-123:ALL TRAFFIC". */
const CDK_GENERATED = /^(from|to) \S+:/;

/**
 * A description that is absent in some deployment variants (`!If [C, "…", !Ref AWS::NoValue]`) is blank there, so the
 * description rules can report it under that condition; absent everywhere stays absent (null).
 */
function describedOrBlank(v: EV, written: boolean): EV | null {
  if (!written || (v.k === 'known' && v.v === null)) return null;
  const blank = (x: EV): EV => (x.k === 'known' && x.v === null ? { ...x, v: '' } : x.k === 'oneOf' ? { ...x, options: x.options.map((o) => ({ when: o.when, value: blank(o.value) })) } : x);
  return blank(v);
}

function extractGroup(ctx: CfnResourceContext, r: Resource): SecurityGroup {
  const id = groupId(ctx, r.logicalId);
  const raw = r.props?.get('GroupDescription', true) as Node | undefined;
  const blankable = describedOrBlank(ctx.ev.evaluate(raw, `${r.path}.Properties.GroupDescription`), raw !== undefined);
  const description = blankable && under(r.when, evString(blankable));
  const group: SecurityGroup = {
    id,
    address: r.address,
    format: 'cloudformation',
    name: stringProp(ctx, r, 'GroupName'),
    namePrefix: null,
    description,
    vpc: stringProp(ctx, r, 'VpcId'),
    isDefault: false,
    // CloudFormation keeps AWS's allow-all egress unless an egress rule (inline or standalone) replaces it; link.ts decides.
    implicitEgress: true,
    ingress: [],
    egress: [],
    ...(r.address !== r.logicalId ? { generatedDescription: r.address.split('/').slice(0, -1).join('/') } : {}),
    ...(r.when.length > 0 ? { when: r.when } : {}),
    at: r.at,
  };
  ctx.facts.groups.push(group);
  const ref: GroupRef = { kind: 'model', id };
  for (const [key, direction] of [['SecurityGroupIngress', 'ingress'], ['SecurityGroupEgress', 'egress']] as const) {
    const listPath = `${r.path}.Properties.${key}`;
    for (const item of structural(ctx.ev, r.props?.get(key, true) as Node | undefined, listPath, r.when)) {
      if (isSeq(item.node)) {
        item.node.items.forEach((entry, i) => {
          for (const e of structural(ctx.ev, entry as Node, `${item.path}[${i}]`, item.when)) {
            if (isMap(e.node)) extractEntry(ctx, r, e.node, e.path, direction, ref, 'cfn-inline', e.when);
          }
        });
      } else if (isMap(item.node) && !intrinsicCall(item.node)) {
        // A single rule written as a map instead of a one-item list: read it as that list (as CloudFormation tools do).
        extractEntry(ctx, r, item.node, `${item.path}[0]`, direction, ref, 'cfn-inline', item.when);
      }
    }
  }
  return group;
}

/** Follows `Fn::If` where a structure (a list of rules, a rule) is expected; `AWS::NoValue` branches disappear. */
function structural(ev: TemplateEvaluator, raw: Node | null | undefined, path: string, when: string[]): { node: Node; path: string; when: string[] }[] {
  const node = ev.deref(raw);
  if (!node) return [];
  const call = intrinsicCall(node);
  if (call?.name === 'Fn::If') {
    const args = ev.deref(call.args);
    const items = isSeq(args) ? args.items.map((i) => i as Node) : [];
    const name = isScalar(items[0]) ? String(items[0].value) : '';
    const decided = ev.decide(name);
    const pick = (i: 1 | 2, label: string) => structural(ev, items[i], `${path}[${i}]`, decided === undefined ? [...when, label] : when);
    if (decided === true) return pick(1, '');
    if (decided === false) return pick(2, '');
    return [...pick(1, `${name} is true`), ...pick(2, `${name} is false`)];
  }
  if (call?.name === 'Ref' && isScalar(ev.deref(call.args)) && String((ev.deref(call.args) as { value: unknown }).value) === 'AWS::NoValue') return [];
  return [{ node, path, when }];
}

function extractStandalone(ctx: CfnResourceContext, r: Resource, direction: Direction): void {
  if (!r.props) return;
  const groupRef = groupRefOf(ctx, prop(ctx, r, 'GroupId')) ?? groupRefOf(ctx, prop(ctx, r, 'GroupName'));
  extractEntry(ctx, r, r.props, `${r.path}.Properties`, direction, groupRef, 'cfn-standalone', r.when);
}

/** A group reference from an evaluated value: a group of this template (by Ref, GetAtt or name), or an external one. */
function groupRefOf(ctx: CfnResourceContext, v: EV | null): GroupRef | null {
  if (!v) return null;
  if (v.k === 'known' && typeof v.v === 'string') {
    if (v.v.startsWith(GROUP_MARK)) {
      const target = v.v.slice(GROUP_MARK.length);
      if (target.endsWith('.DefaultSecurityGroup')) defaultGroup(ctx, target);
      return { kind: 'model', id: groupId(ctx, target) };
    }
    const byName = ctx.groupsByName.get(v.v);
    if (byName) return { kind: 'model', id: byName };
  }
  return { kind: 'external', id: evString(v) };
}

const PEER_KEYS: Record<Direction, [string, (v: Value<string>, ref: GroupRef | null) => Peer][]> = {
  ingress: [
    ['CidrIp', (cidr) => ({ kind: 'cidr4', cidr })],
    ['CidrIpv6', (cidr) => ({ kind: 'cidr6', cidr })],
    ['SourcePrefixListId', (id) => ({ kind: 'prefixList', id })],
    ['SourceSecurityGroupId', (_v, ref) => ({ kind: 'securityGroup', ref: ref! })],
    ['SourceSecurityGroupName', (_v, ref) => ({ kind: 'securityGroup', ref: ref! })],
  ],
  egress: [
    ['CidrIp', (cidr) => ({ kind: 'cidr4', cidr })],
    ['CidrIpv6', (cidr) => ({ kind: 'cidr6', cidr })],
    ['DestinationPrefixListId', (id) => ({ kind: 'prefixList', id })],
    ['DestinationSecurityGroupId', (_v, ref) => ({ kind: 'securityGroup', ref: ref! })],
  ],
};

function extractEntry(ctx: CfnResourceContext, r: Resource, node: YAMLMap, path: string, direction: Direction, groupRef: GroupRef | null, origin: RuleOrigin, when: string[]): void {
  const ev = ctx.ev;
  // Read where the conditions that lead to the entry hold (they narrow parameters).
  const evaluate = (key: string): EV => ev.assuming(when, () => ev.evaluate(node.get(key, true) as Node | undefined, `${path}.${key}`));
  const value = (key: string): EV | null => (node.has(key) ? presentOnly(evaluate(key)) : null);
  const at = origin === 'cfn-standalone' ? r.at : ev.span(node, path);
  const peers: { peer: Peer; at: Span }[] = [];
  for (const [key, make] of PEER_KEYS[direction]) {
    // One value per property: alternatives (Fn::If) stay one peer with alternatives.
    const v = value(key);
    if (!v) continue;
    const ref = key.includes('SecurityGroup') ? groupRefOf(ctx, v) : null;
    const peer = make(under(when, evString(v)), ref);
    const list = peer.kind === 'prefixList' ? prefixListOf(ctx, node.get(key, true) as Node) : undefined;
    peers.push({ peer: list && peer.kind === 'prefixList' ? { ...peer, ...list } : peer, at: ev.span(node.get(key, true) as Node, `${path}.${key}`) });
  }
  const protocolRaw = value('IpProtocol');
  const protocol: Value<Protocol> = protocolRaw
    ? mapValue(evString(protocolRaw), (p, pAt) => known(normalizeProtocol(p), pAt))
    : known<Protocol>({ invalid: '' }, at);
  const port = (key: string): Value<number> | null => {
    const v = value(key);
    return v ? evNumber(v) : null;
  };
  const description = describedOrBlank(evaluate('Description'), node.has('Description'));
  // Only peers that are there in every deployment count toward "more than one peer"; a conditional one may be the only one.
  const definite = peers.filter((p) => peerValue(p.peer)?.k !== 'unresolved' && peerValue(p.peer)?.k !== 'oneOf');
  const unknownPeers = peers.some((p) => peerValue(p.peer)?.k === 'unresolved');
  const entry: RuleEntry = {
    id: `cfn:${ev.t.path}#${path}${ctx.instance}`,
    peerCount: definite.length,
    singlePeer: true,
    ...(unknownPeers ? { unknownPeers } : {}),
    ...(when.length > 0 ? { when } : {}),
    at,
  };
  const list = peers.length > 0 ? peers : [{ peer: { kind: 'none' } as Peer, at }];
  list.forEach((p, i) => {
    const rule: SgRule = {
      id: `${entry.id}#${i}`,
      group: null,
      groupRef,
      direction,
      protocol,
      fromPort: port('FromPort'),
      toPort: port('ToPort'),
      peer: p.peer,
      peerAt: p.at,
      description: description ? under(when, evString(description)) : null,
      origin: r.address !== r.logicalId && description?.k === 'known' && typeof description.v === 'string' && CDK_GENERATED.test(description.v) ? 'cdk-generated' : origin,
      entry,
      resource: r.address,
      implicit: false,
      at,
    };
    ctx.facts.rules.push(rule);
  });
}

/** `!Ref List` or `!GetAtt List.PrefixListId` of an `AWS::EC2::PrefixList` of the template: its `MaxEntries` and family. */
function prefixListOf(ctx: CfnResourceContext, raw: Node): { weight: Value<number>; family?: 4 | 6 } | undefined {
  const node = ctx.ev.deref(raw);
  const call = node ? intrinsicCall(node) : null;
  if (call?.name !== 'Ref' && call?.name !== 'Fn::GetAtt') return undefined;
  const args = ctx.ev.deref(call.args);
  const name = isScalar(args) ? String(args.value).split('.')[0]! : isSeq(args) && isScalar(args.items[0]) ? String(args.items[0].value) : '';
  const list = ctx.ev.resources.get(name);
  const props = list?.type === 'AWS::EC2::PrefixList' ? ctx.ev.deref(list.node.get('Properties', true) as Node | undefined) : null;
  const max = isMap(props) ? (props.get('MaxEntries', true) as Node | undefined) : undefined;
  if (max === undefined || !isMap(props)) return undefined;
  const family = ctx.ev.evaluate(props.get('AddressFamily', true) as Node | undefined, `Resources.${name}.Properties.AddressFamily`);
  const known = family.k === 'known' && typeof family.v === 'string' ? addressFamilyOf(family.v) : undefined;
  return { weight: evNumber(ctx.ev.evaluate(max, `Resources.${name}.Properties.MaxEntries`)), ...(known ? { family: known } : {}) };
}

function extractAttachment(ctx: CfnResourceContext, r: Resource, kind: TargetKind, paths: string[][]): void {
  const groups: AttachedGroup[] = [];
  let complete = true;
  const walk = (node: Node | null, path: string, steps: string[]) => {
    const n = ctx.ev.deref(node);
    const [head, ...rest] = steps;
    if (!head) {
      const v = ctx.ev.evaluate(n, path);
      const networkInterface = /\.(NetworkInterfaces\[\d+\])/.exec(path)?.[1];
      for (const item of evList(v)) {
        // Each deployment variant of an item (Fn::If) attaches its own group; AWS::NoValue attaches none.
        const present = presentOnly(item);
        for (const alt of present ? alternatives(present) : []) {
          const ref = groupRefOf(ctx, alt.value);
          if (!ref) continue;
          if (ref.kind === 'external' && ref.id.k !== 'known') complete = false;
          const when = [...new Set([...r.when, ...alt.when])];
          groups.push({ ref, at: item.at, ...(when.length > 0 ? { when } : {}), ...(networkInterface ? { networkInterface } : {}) });
        }
      }
      return;
    }
    if (isSeq(n)) n.items.forEach((item, i) => walk(item as Node, `${path}[${i}]`, steps));
    else if (isMap(n) && n.has(head)) walk(n.get(head, true) as Node, `${path}.${head}`, rest);
  };
  for (const steps of paths) walk(r.props, `${r.path}.Properties`, steps);
  if (groups.length === 0) return;
  ctx.facts.attachments.push({ target: { kind, address: r.address, at: r.at }, groups, complete, additive: false, at: r.at });
}


/** Properties that list the groups a resource carries, for resource types the table above does not name. */
const GROUP_LIST_KEYS = new Set(['SecurityGroupIds', 'SecurityGroups', 'VpcSecurityGroupIds', 'VPCSecurityGroups', 'GroupSet']);
const NOT_CARRIERS = /^AWS::EC2::SecurityGroup|^AWS::CloudFormation::Stack$|^AWS::Serverless::Application$/;

/** A resource of another type that lists groups in a usual property (at any depth) carries them. */
function otherAttachment(r: Resource): { kind: TargetKind; paths: string[][] } | undefined {
  if (!r.props || NOT_CARRIERS.test(r.type)) return undefined;
  const paths = new Map<string, string[]>();
  const walk = (node: unknown, path: string[]) => {
    if (isSeq(node)) node.items.forEach((item) => walk(item, path));
    if (!isMap(node) || path.length > 4) return;
    for (const pair of node.items) {
      const key = keyOf(pair.key);
      if (typeof key !== 'string') continue;
      if (GROUP_LIST_KEYS.has(key)) paths.set([...path, key].join('.'), [...path, key]);
      else walk(pair.value, [...path, key]);
    }
  };
  walk(r.props, []);
  return paths.size > 0 ? { kind: 'other', paths: [...paths.values()] } : undefined;
}
