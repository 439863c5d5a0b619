// describe-security-groups output → groups and rules: one rule per range, prefix list or group pair of each
// IpPermissions / IpPermissionsEgress entry.
import type { Span } from '../../model/location.js';
import { normalizeProtocol, type Protocol } from '../../model/net.js';
import type { Direction, Facts, GroupRef, Peer, RuleEntry, SecurityGroup, SgRule } from '../../model/types.js';
import { known, unresolved, type Known, type Value } from '../../model/value.js';
import { field, itemsOf, NONE, pairSpan, spanOf, stringAt, type ExportDocument, type JsonValue } from './document.js';
import { directoryOf, type PrefixListInfo } from './inventory.js';

export interface ExportContext {
  facts: Facts;
  groups: GroupIndex;
  prefixList(file: string, id: string): PrefixListInfo | undefined;
  problem(doc: ExportDocument, at: JsonValue, message: string): void;
}

/** A group's model id: export file and group id (the same group exported twice is two groups, one per export). */
export const groupModelId = (file: string, groupId: string): string => `aws:${file}#${groupId}`;

/** `sg-0abc… (web)`: how findings and reports name a deployed group. */
export const groupAddress = (groupId: string, name: string | undefined): string => (name ? `${groupId} (${name})` : groupId);

/** The groups of every export of a run, to resolve a group id: in the same file, else beside it, else in any export. */
export class GroupIndex {
  private readonly byId = new Map<string, { file: string; owner: string | undefined; id: string }[]>();

  add(file: string, groupId: string, owner: string | undefined): void {
    const list = this.byId.get(groupId) ?? [];
    list.push({ file, owner, id: groupModelId(file, groupId) });
    this.byId.set(groupId, list);
  }

  /** The model id of a group of `owner` (any owner when not known), nearest to `file` first. */
  resolve(groupId: string, owner: string | undefined, file: string): string | undefined {
    const found = (this.byId.get(groupId) ?? []).filter((g) => owner === undefined || g.owner === undefined || g.owner === owner);
    const inFile = found.find((g) => g.file === file);
    if (inFile) return inFile.id;
    const dir = directoryOf(file);
    return (found.find((g) => directoryOf(g.file) === dir) ?? found[0])?.id;
  }
}

/** Registers the group ids of a describe-security-groups document (before any rule is read: rules name other groups). */
export function indexGroups(doc: ExportDocument, index: GroupIndex): void {
  for (const item of itemsOf(doc, field(doc, doc.root, 'SecurityGroups'))) {
    const id = stringAt(doc, item, 'GroupId');
    if (id !== undefined) index.add(doc.path, id, stringAt(doc, item, 'OwnerId'));
  }
}

export function extractGroups(ctx: ExportContext, doc: ExportDocument): void {
  const list = field(doc, doc.root, 'SecurityGroups');
  if (list === NONE) return;
  if (!doc.json.isArray(list)) return ctx.problem(doc, list, 'invalid export: SecurityGroups must be a list');
  itemsOf(doc, list).forEach((node, i) => {
    const groupId = stringAt(doc, node, 'GroupId');
    if (!doc.json.isObject(node) || groupId === undefined) return ctx.problem(doc, node, `invalid export: SecurityGroups[${i}] has no GroupId`);
    extractGroup(ctx, doc, node, i, groupId);
  });
}

function extractGroup(ctx: ExportContext, doc: ExportDocument, node: JsonValue, i: number, groupId: string): void {
  const path = `SecurityGroups[${i}]`;
  const name = stringAt(doc, node, 'GroupName');
  const owner = stringAt(doc, node, 'OwnerId');
  const id = groupModelId(doc.path, groupId);
  const value = (key: string): Value<string> | null => stringValue(doc, field(doc, node, key), `${path}.${key}`);
  const tags = tagsOf(doc, field(doc, node, 'Tags'));
  const group: SecurityGroup = {
    id,
    address: groupAddress(groupId, name),
    format: 'aws',
    name: value('GroupName'),
    namePrefix: null,
    description: value('Description'),
    vpc: value('VpcId'),
    // Only a VPC's default group (and EC2-Classic's) is named "default": AWS refuses the name for any other.
    isDefault: name === 'default',
    // AWS's default egress rule is listed in the export like any other rule.
    implicitEgress: false,
    ingress: [],
    egress: [],
    ...(tags ? { tags } : {}),
    at: pairSpan(doc, node, 'GroupId', path),
  };
  ctx.facts.groups.push(group);
  const self = { groupId, owner, address: group.address, isDefault: group.isDefault };
  for (const [key, direction] of [['IpPermissions', 'ingress'], ['IpPermissionsEgress', 'egress']] as const) {
    const list = field(doc, node, key);
    if (list !== NONE && !doc.json.isArray(list)) ctx.problem(doc, list, `invalid export: ${path}.${key} must be a list`);
    itemsOf(doc, list).forEach((perm, j) => {
      if (!doc.json.isObject(perm)) return ctx.problem(doc, perm, `invalid export: ${path}.${key}[${j}] must be an object`);
      extractPermission(ctx, doc, perm, `${path}.${key}[${j}]`, direction, { kind: 'model', id }, self);
    });
  }
}

/** A string value as the model holds it, located; null when the value is absent or not a string. */
function stringValue(doc: ExportDocument, value: JsonValue, path: string): Known<string> | null {
  const s = doc.json.string(value);
  return s !== undefined ? known(s, spanOf(doc, value, path)) : null;
}

function tagsOf(doc: ExportDocument, list: JsonValue): Record<string, string> | undefined {
  const tags: Record<string, string> = {};
  for (const tag of itemsOf(doc, list)) {
    const key = stringAt(doc, tag, 'Key');
    if (key !== undefined) tags[key] = stringAt(doc, tag, 'Value') ?? '';
  }
  return Object.keys(tags).length > 0 ? tags : undefined;
}

interface PeerAt {
  peer: Peer;
  at: Span;
  description: Value<string> | null;
}

interface Owner {
  groupId: string;
  owner: string | undefined;
  address: string;
  isDefault: boolean;
}

function extractPermission(ctx: ExportContext, doc: ExportDocument, perm: JsonValue, path: string, direction: Direction, groupRef: GroupRef, self: Owner): void {
  const protocolNode = field(doc, perm, 'IpProtocol');
  const at = protocolNode !== NONE ? pairSpan(doc, perm, 'IpProtocol', path) : spanOf(doc, perm, path);
  const protocolValue = doc.json.string(protocolNode) ?? doc.json.number(protocolNode);
  const protocol: Value<Protocol> =
    protocolValue !== undefined ? known(normalizeProtocol(protocolValue), spanOf(doc, protocolNode, `${path}.IpProtocol`)) : known<Protocol>({ invalid: '' }, at);
  const port = (key: string): Value<number> | null => {
    const v = field(doc, perm, key);
    if (v === NONE) return null;
    const span = spanOf(doc, v, `${path}.${key}`);
    const n = doc.json.number(v);
    return n !== undefined ? known(n, span) : unresolved('wrong-type', doc.text.slice(doc.json.start(v), doc.json.end(v)), span);
  };
  // One value object per entry, shared by its rules (a rule per peer): what is derived from them is derived once.
  const fromPort = port('FromPort');
  const toPort = port('ToPort');
  const peers = peersOf(ctx, doc, perm, path, self);
  const entry: RuleEntry = { id: `aws:${doc.path}#${path}`, peerCount: peers.length, singlePeer: false, at };
  // The protocol -1 (all traffic), written as a number or a string.
  const allTraffic = protocolValue !== undefined && String(protocolValue) === '-1';
  const list = peers.length > 0 ? peers : [{ peer: { kind: 'none' } as Peer, at, description: null }];
  list.forEach((p, k) => {
    // AWS adds allow-all egress to 0.0.0.0/0 (and ::/0 in a VPC with IPv6) to every new group, and all traffic from
    // the group itself to a VPC's default group, without a description: rules no one wrote.
    const isDefaultRule = allTraffic && p.description === null && (direction === 'egress' ? isWorldPeer(p.peer) : self.isDefault && p.peer.kind === 'self');
    const rule: SgRule = {
      id: `${entry.id}#${k}`,
      group: null,
      groupRef,
      direction,
      protocol,
      fromPort,
      toPort,
      peer: p.peer,
      peerAt: p.at,
      description: p.description,
      origin: isDefaultRule ? 'default' : 'aws',
      entry,
      resource: self.address,
      implicit: isDefaultRule,
      at,
    };
    ctx.facts.rules.push(rule);
  });
}

function isWorldPeer(peer: Peer): boolean {
  if (peer.kind === 'cidr4') return peer.cidr.k === 'known' && peer.cidr.v === '0.0.0.0/0';
  if (peer.kind === 'cidr6') return peer.cidr.k === 'known' && peer.cidr.v === '::/0';
  return false;
}

/** Each peer of an entry, in the order the export lists them: IPv4 ranges, IPv6 ranges, prefix lists, group pairs. */
function peersOf(ctx: ExportContext, doc: ExportDocument, perm: JsonValue, path: string, self: Owner): PeerAt[] {
  const out: PeerAt[] = [];
  const each = (listKey: string, valueKey: string, make: (v: Value<string>) => Peer | null) => {
    itemsOf(doc, field(doc, perm, listKey)).forEach((item, k) => {
      const itemPath = `${path}.${listKey}[${k}]`;
      const v = stringValue(doc, field(doc, item, valueKey), `${itemPath}.${valueKey}`);
      if (!v) return ctx.problem(doc, item, `invalid export: ${itemPath} has no ${valueKey}`);
      const peer = make(v);
      if (!peer) return;
      out.push({ peer, at: v.at, description: stringValue(doc, field(doc, item, 'Description'), `${itemPath}.Description`) });
    });
  };
  each('IpRanges', 'CidrIp', (cidr) => ({ kind: 'cidr4', cidr }));
  each('Ipv6Ranges', 'CidrIpv6', (cidr) => ({ kind: 'cidr6', cidr }));
  each('PrefixListIds', 'PrefixListId', (id) => {
    const info = ctx.prefixList(doc.path, id.k === 'known' ? id.v : '');
    return {
      kind: 'prefixList',
      id,
      ...(info?.weight ? { weight: info.weight } : {}),
      ...(info?.family ? { family: info.family } : {}),
      ...(info?.entries ? { entries: info.entries.map((e) => known(e.cidr, e.at)) } : {}),
    };
  });
  itemsOf(doc, field(doc, perm, 'UserIdGroupPairs')).forEach((pair, k) => {
    const itemPath = `${path}.UserIdGroupPairs[${k}]`;
    const key = stringAt(doc, pair, 'GroupId') !== undefined ? 'GroupId' : 'GroupName';
    const v = stringValue(doc, field(doc, pair, key), `${itemPath}.${key}`);
    if (!v) return ctx.problem(doc, pair, `invalid export: ${itemPath} has no GroupId`);
    const description = stringValue(doc, field(doc, pair, 'Description'), `${itemPath}.Description`);
    out.push({ peer: groupPeer(ctx, doc, v.v, stringAt(doc, pair, 'UserId'), self, v.at), at: v.at, description });
  });
  return out;
}

/**
 * A group pair: the group itself (`self`), a group of the exports (same account), or one outside them: another
 * account's (named `account/sg-…`, as the console shows it) or one of a peered VPC, which is a group peer, never world.
 */
function groupPeer(ctx: ExportContext, doc: ExportDocument, groupId: string, userId: string | undefined, self: Owner, at: Span): Peer {
  const otherAccount = userId !== undefined && self.owner !== undefined && userId !== self.owner;
  if (!otherAccount && groupId === self.groupId) return { kind: 'self' };
  const model = ctx.groups.resolve(groupId, userId ?? self.owner, doc.path);
  if (model) return { kind: 'securityGroup', ref: { kind: 'model', id: model } };
  return { kind: 'securityGroup', ref: { kind: 'external', id: known(otherAccount ? `${userId}/${groupId}` : groupId, at) } };
}
