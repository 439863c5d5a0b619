import { effectiveExposure, grantsThrough, type Grant, type GrantPeer } from '../../model/effective.js';
import type { Span } from '../../model/location.js';
import type { Target } from '../../model/targets.js';
import type { Model } from '../../model/types.js';
import { conditionLabel, groupLabel, trafficLabel, unknownLabel } from '../peer-labels.js';

/**
 * Who can reach whom, format-independent: peers (world, CIDRs, prefix lists, unknowns, groups defined elsewhere) as
 * nodes, each security group as a cluster of the resources that carry it, and one edge per peer and group listing the
 * ports. Only ingress is drawn: an edge says the group's rules admit the peer.
 */
export interface Graph {
  nodes: PeerNode[];
  clusters: Cluster[];
  edges: Edge[];
}

export interface PeerNode {
  id: string;
  kind: 'world' | 'cidr' | 'prefix-list' | 'unknown' | 'group';
  label: string;
}

export interface Cluster {
  id: string;
  /** A group of the configuration, one named by an id it does not define, or one whose id is not known. */
  kind: 'group' | 'external-group' | 'unknown-group';
  label: string;
  at?: Span;
  /** What members of the group admit from each other (self references), when anything. */
  self?: string;
  members: Member[];
}

export interface Member {
  id: string;
  target: Target;
  /** Conditions under which the resource carries the group. */
  when: string[];
}

export interface Edge {
  id: string;
  from: string;
  to: string;
  world: boolean;
  /** Each deployment variant's traffic: unconditional first. */
  parts: { ports: string; when: string[]; via: Grant['via'] }[];
}

/** Builds the graph of the model, keeping the resources and groups of the files `shown` accepts (and what they refer to). */
export function buildGraph(model: Model, shown: (file: string) => boolean): Graph {
  const exposures = effectiveExposure(model).filter((e) => shown(e.target.at.file));
  const clusters = new Map<string, Cluster>();
  const nodes = new Map<string, PeerNode>();
  const edges = new Map<string, Edge>();

  const clusterOf = (key: string): Cluster => {
    let c = clusters.get(key);
    if (!c) {
      const group = model.groups.get(key);
      const kind = group ? 'group' : key.startsWith('unknown:') ? 'unknown-group' : 'external-group';
      const label = kind === 'unknown-group' ? `unknown group ${key.slice('unknown:'.length)}` : kind === 'external-group' ? `${groupLabel(model, key)} (defined elsewhere)` : groupLabel(model, key);
      c = { id: stableId('g', label, key), kind, label, ...(group ? { at: group.at } : {}), members: [] };
      clusters.set(key, c);
    }
    return c;
  };
  for (const g of model.groups.values()) if (shown(g.at.file)) clusterOf(g.id);
  for (const e of exposures) {
    for (const g of e.groups) {
      const key = g.key ?? `unknown:${g.ref.kind === 'external' && g.ref.id.k === 'unresolved' ? unknownLabel(g.ref.id) : '?'}`;
      const c = clusterOf(key);
      if (!c.members.some((m) => m.target === e.target)) c.members.push({ id: stableId('r', e.target.address, `${key}|${e.target.key}`), target: e.target, when: g.when });
    }
  }

  const addEdge = (from: string, to: string, world: boolean, grant: Grant, note = '') => {
    const key = `${from}>${to}`;
    let edge = edges.get(key);
    if (!edge) edges.set(key, (edge = { id: stableId('e', '', key), from, to, world, parts: [] }));
    edge.parts.push({ ports: trafficLabel(grant) + note, when: grant.when, via: grant.via });
  };
  const peerNode = (peer: Exclude<GrantPeer, { kind: 'group' }>): string => {
    const node = peerNodeOf(peer);
    if (!nodes.has(node.id)) nodes.set(node.id, node);
    return node.id;
  };

  for (const [key, cluster] of [...clusters]) {
    if (cluster.kind !== 'group') continue;
    const selfParts: string[] = [];
    for (const grant of grantsThrough(model, [key])) {
      const peer = grant.peer;
      if (peer.kind === 'group' && (peer.self || peer.group === key)) {
        selfParts.push([trafficLabel(grant), conditionLabel(grant.when)].filter(Boolean).join(' '));
        continue;
      }
      const from = peer.kind === 'group' ? groupSource(model, peer.group, clusters, nodes, clusterOf) : peerNode(peer);
      addEdge(from, cluster.id, peer.kind === 'world', grant, peer.kind === 'world' && peer.byUnion ? ` (${peer.cidrs.join(' + ')})` : '');
    }
    if (selfParts.length > 0) cluster.self = selfParts.join('; ');
  }

  // A world made by CIDRs in several groups of one resource reaches that resource only: the edge goes to it.
  for (const e of exposures) {
    for (const grant of e.grants) {
      if (grant.peer.kind !== 'world' || new Set(grant.via.map((s) => s.group)).size < 2) continue;
      const member = clusterOf(grant.via[0]!.group).members.find((m) => m.target === e.target);
      if (member) addEdge(peerNode(grant.peer), member.id, true, grant, ` (${grant.peer.cidrs.join(' + ')}, across its groups)`);
    }
  }

  const byLabel = <T extends { label: string; id: string }>(a: T, b: T) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.id < b.id ? -1 : 1);
  const kindRank = { world: 0, cidr: 1, 'prefix-list': 2, group: 3, unknown: 4 };
  const sortedNodes = [...nodes.values()].sort((a, b) => kindRank[a.kind] - kindRank[b.kind] || byLabel(a, b));
  const sortedClusters = [...clusters.values()].sort(byLabel);
  // Edges in the order of what they join: the world's first, then CIDRs, prefix lists, groups.
  const order = new Map([...sortedNodes.map((n) => n.id), ...sortedClusters.flatMap((c) => [c.id, ...c.members.map((m) => m.id)])].map((id, i) => [id, i]));
  const rank = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  return {
    nodes: sortedNodes,
    clusters: sortedClusters,
    edges: [...edges.values()]
      .map((e) => ({ ...e, parts: e.parts.sort((a, b) => a.when.length - b.when.length || a.when.join('&').localeCompare(b.when.join('&'))) }))
      .sort((a, b) => rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to)),
  };
}

/** The id edges from a group start at: its cluster when something carries it, else a node of its own. */
function groupSource(model: Model, key: string, clusters: Map<string, Cluster>, nodes: Map<string, PeerNode>, clusterOf: (key: string) => Cluster): string {
  const existing = clusters.get(key);
  if (existing) return existing.id;
  if (model.groups.has(key)) return clusterOf(key).id;
  const label = `${groupLabel(model, key)} (defined elsewhere)`;
  const id = stableId('g', label, key);
  if (!nodes.has(id)) nodes.set(id, { id, kind: 'group', label });
  return id;
}

function peerNodeOf(peer: Exclude<GrantPeer, { kind: 'group' }>): PeerNode {
  switch (peer.kind) {
    case 'world':
      return { id: `world${peer.family}`, kind: 'world', label: `world ${peer.family === 4 ? '0.0.0.0/0' : '::/0'}` };
    case 'cidr':
      return { id: stableId('cidr', peer.cidr, peer.cidr), kind: 'cidr', label: peer.cidr };
    case 'prefix-list':
      return { id: stableId('pl', peer.id, peer.id), kind: 'prefix-list', label: `prefix list ${peer.id}` };
    case 'unknown':
      return { id: stableId('unknown', peer.value.expr, `${peer.of}|${unknownLabel(peer.value)}`), kind: 'unknown', label: `unknown ${peer.of === 'cidr' ? 'CIDR' : peer.of === 'group' ? 'group' : 'prefix list'} ${unknownLabel(peer.value)}` };
  }
}

/**
 * An id made of a readable slug and a hash of the thing's identity: the same input gives the same id on every run,
 * and adding a group does not renumber the others. Letters, digits and `_` only, so every output format takes it bare.
 */
export function stableId(prefix: string, readable: string, identity: string): string {
  const slug = readable
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  return `${prefix}_${slug}${slug ? '_' : ''}${fnv1a(identity)}`;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/** The lines of an edge's label: each variant's ports, with its condition. */
export function edgeLines(edge: Edge): string[] {
  return edge.parts.map((p) => [p.ports, conditionLabel(p.when)].filter(Boolean).join(' '));
}

/** The lines of a cluster's title: the group, where it is defined, and what its members admit from each other. */
export function clusterLines(cluster: Cluster): string[] {
  return [cluster.label, ...(cluster.at ? [`${cluster.at.file}:${cluster.at.start.line}`] : []), ...(cluster.self ? [`members reach each other: ${cluster.self}`] : [])];
}

export function memberLines(member: Member): string[] {
  return [member.target.address, member.target.kind, ...(member.when.length > 0 ? [conditionLabel(member.when)] : [])];
}
