import type { CarriedGroup, Grant, GrantPeer, ResourceExposure } from '../model/effective.js';
import type { Span } from '../model/location.js';
import type { Target } from '../model/targets.js';
import { describeReach, reachIsEmpty, type Reach } from '../model/traffic.js';
import type { Model } from '../model/types.js';
import { carriedGroupLabel, conditionLabel, groupLabel, peerLabel, trafficLabel, viaLabel, where } from './peer-labels.js';
import { neutraliseWorkflowCommands, printable } from './text.js';
import { appendAll, maxOf } from '../util/arrays.js';

/** A problem met while reading the inputs: a file that did not parse, a path that does not exist. */
export interface InputProblem {
  kind: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** `sg-lint exposure` as text: per resource, a table of what is open to whom, through which group and rule. */
export function exposureText(model: Model, exposures: ResourceExposure[]): string {
  const out: string[] = [];
  for (const e of exposures) {
    out.push(`${e.target.address}  ${e.target.kind}  ${where(e.target.at)}${viaLabel(e.target.at)}`);
    const groups = e.groups.map((g) => carriedGroupLabel(model, g));
    out.push(`  groups: ${groups[0] ?? 'none'}`);
    appendAll(out, groups.slice(1).map((g) => `          ${g}`));
    if (!e.target.complete) out.push('  note: part of its group list is not known, so it may be reachable in more ways');
    if (e.grants.length === 0) out.push(e.complete ? '  no ingress: nothing can reach it' : '  no known ingress');
    else appendAll(out, table(model, e.grants).map((l) => `  ${l}`));
    out.push('');
  }
  const world = exposures.filter((e) => e.grants.some((g) => g.peer.kind === 'world' && !reachIsEmpty(g.reach))).length;
  out.push(`${exposures.length} attached resource${exposures.length === 1 ? '' : 's'}, ${world} reachable from the whole internet`);
  return neutraliseWorkflowCommands(out.map(printable).join('\n') + '\n');
}

function table(model: Model, grants: Grant[]): string[] {
  const withWhen = grants.some((g) => g.when.length > 0);
  const rows: string[][] = [['PORTS', 'FROM', 'GROUP', 'RULE', ...(withWhen ? ['WHEN'] : [])]];
  for (const g of grants) {
    g.via.forEach((s, i) => {
      const own = g.peer.kind === 'world' && g.peer.byUnion ? s.cidr : g.via.length > 1 && s.reach ? describeReach(s.reach) : undefined;
      const rule = `${where(s.rule.peerAt)}${own ? ` (${own})` : ''}`;
      const first = i === 0;
      rows.push([first ? trafficLabel(g) : '', first ? fromLabel(model, g.peer) : '', groupLabel(model, s.group), rule, ...(withWhen ? [first ? conditionLabel(g.when) : ''] : [])]);
    });
  }
  const widths = rows[0]!.map((_, c) => maxOf(rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd());
}

/** The peer, and for a group the resources that carry it. */
function fromLabel(model: Model, peer: GrantPeer): string {
  const label = peerLabel(model, peer);
  if (peer.kind !== 'group') return label;
  return `${label}: ${peer.carriers.map((t) => t.address).join(', ') || 'attached to nothing analyzed'}`;
}

/** `sg-lint exposure --format json` (schemas/exposure.schema.json). */
export function exposureJson(model: Model, exposures: ResourceExposure[], problems: InputProblem[], version: string): string {
  const report = {
    schemaVersion: 1,
    tool: { name: 'sg-lint', version },
    resources: exposures.map((e) => ({
      ...targetJson(e.target),
      complete: e.complete,
      groups: e.groups.map((g) => carriedGroupJson(model, g)),
      grants: e.grants.map((g) => grantJson(model, g)),
    })),
    errors: problems,
  };
  return JSON.stringify(report, null, 2) + '\n';
}

const location = (at: Span) => ({ file: at.file, line: at.start.line, column: at.start.column });

function targetJson(t: Target) {
  return { resource: t.address, kind: t.kind, ...location(t.at), ...(t.at.via?.length ? { through: t.at.via.map(location) } : {}) };
}

function carriedGroupJson(model: Model, g: CarriedGroup) {
  if (g.key === null) {
    const id = g.ref.kind === 'external' ? g.ref.id : null;
    return { unknown: id?.k === 'unresolved' ? { expr: id.expr, reason: id.why } : { expr: '', reason: 'unknown-reference' }, defined: false, conditions: g.when, ...location(g.at) };
  }
  const group = model.groups.get(g.key);
  return { group: groupLabel(model, g.key), defined: g.defined, conditions: g.when, ...location(group?.at ?? g.at) };
}

function grantJson(model: Model, g: Grant) {
  return {
    from: peerJson(model, g.peer),
    ports: trafficLabel(g),
    traffic: reachJson(g.reach),
    unknownTraffic: g.unknownTraffic.map((u) => ({ expr: u.expr, reason: u.why })),
    conditions: g.when,
    via: g.via.map((s) => ({
      group: groupLabel(model, s.group),
      rule: s.rule.resource,
      path: s.rule.peerAt.path,
      ...location(s.rule.peerAt),
      ...(s.cidr ? { cidr: s.cidr } : {}),
      ...(s.reach ? { ports: describeReach(s.reach) } : {}),
    })),
  };
}

function peerJson(model: Model, peer: GrantPeer) {
  switch (peer.kind) {
    case 'world':
      return { kind: peer.kind, family: peer.family, cidrs: peer.cidrs, union: peer.byUnion };
    case 'cidr':
      return { kind: peer.kind, family: peer.family, cidr: peer.cidr };
    case 'group':
      return { kind: peer.kind, group: groupLabel(model, peer.group), defined: model.groups.has(peer.group), self: peer.self, resources: peer.carriers.map(targetJson) };
    case 'prefix-list':
      return { kind: peer.kind, id: peer.id };
    case 'unknown':
      return { kind: peer.kind, of: peer.of, expr: peer.value.expr, reason: peer.value.why };
  }
}

function reachJson(r: Reach) {
  return {
    allProtocols: r.allProtocols,
    tcp: r.tcp.ranges.map((p) => ({ from: p.from, to: p.to })),
    udp: r.udp.ranges.map((p) => ({ from: p.from, to: p.to })),
    icmp: r.icmp.map((i) => ({ type: i.type, code: i.code })),
    icmpv6: r.icmpv6.map((i) => ({ type: i.type, code: i.code })),
    protocols: r.protocols,
  };
}
