import { conditionText } from '../engine/identity.js';
import type { CarriedGroup, Grant, GrantPeer } from '../model/effective.js';
import type { Span } from '../model/location.js';
import type { Target } from '../model/targets.js';
import { describeReach } from '../model/traffic.js';
import type { Model } from '../model/types.js';
import type { Unresolved } from '../model/value.js';

/** How the subcommands name groups, peers, traffic and places: one vocabulary for the exposure table and the graph. */

/** A group by key: its address when the configuration defines it, else the id it was named by. */
export function groupLabel(model: Model, key: string): string {
  const group = model.groups.get(key);
  if (group) return group.address;
  return key.startsWith('external:') ? key.slice('external:'.length) : key;
}

export function unknownLabel(value: Unresolved): string {
  return `${value.expr || 'a value'} (${value.why})`;
}

export function carriedGroupLabel(model: Model, g: CarriedGroup): string {
  const condition = g.when.length > 0 ? ` (${conditionLabel(g.when)})` : '';
  if (g.key === null) return `unknown: ${g.ref.kind === 'external' && g.ref.id.k === 'unresolved' ? unknownLabel(g.ref.id) : 'an id that is not known'}${condition}`;
  return `${groupLabel(model, g.key)}${g.defined ? '' : ' (defined elsewhere: its rules are not known)'}${condition}`;
}

export function targetLabel(t: Target): string {
  return `${t.address} (${t.kind})`;
}

export function where(span: Span): string {
  return `${span.file}:${span.start.line}`;
}

export function familyLabel(family: 4 | 6): string {
  return family === 4 ? 'IPv4' : 'IPv6';
}

/** "world (0.0.0.0/1 + 128.0.0.0/1)", "10.0.0.0/8", "group aws_security_group.alb", "self", "prefix list pl-…", "unknown …". */
export function peerLabel(model: Model, peer: GrantPeer): string {
  switch (peer.kind) {
    case 'world':
      return `world ${peer.cidrs.join(' + ')}`;
    case 'cidr':
      return peer.cidr;
    case 'group':
      return peer.self ? `self (${groupLabel(model, peer.group)})` : `group ${groupLabel(model, peer.group)}`;
    case 'prefix-list':
      return `prefix list ${peer.id}`;
    case 'unknown':
      return `unknown ${peer.of === 'cidr' ? 'CIDR' : peer.of === 'group' ? 'group' : 'prefix list'} ${unknownLabel(peer.value)}`;
  }
}

/** "TCP 22", "all traffic", with "unknown ports (…)" when some contributing rule's protocol or ports are not known. */
export function trafficLabel(grant: Pick<Grant, 'reach' | 'unknownTraffic'>): string {
  const known = describeReach(grant.reach);
  const unknown = grant.unknownTraffic.map((u) => `unknown ${unknownLabel(u)}`);
  return known === 'no traffic' ? unknown.join(', ') || known : [known, ...unknown].join(', ');
}

/** "when A is true and B is false", long ones shortened (the JSON outputs keep them whole). */
export function conditionLabel(when: readonly string[]): string {
  return conditionText(when);
}

/** " (through examples/complete/main.tf:12)": the module calls or nested stacks a resource was reached through. */
export function viaLabel(span: Span): string {
  return span.via?.length ? ` (through ${span.via.map(where).join(' > ')})` : '';
}
