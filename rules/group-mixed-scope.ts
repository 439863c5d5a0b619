import { defineRule } from '../src/engine/define-rule.js';
import { addressVariants, worldExposures } from '../src/model/exposure.js';
import { ADMIN_PORTS, classify, namePorts, PortSet, SENSITIVE_PORTS, type NamedPorts } from '../src/model/net.js';
import { portsOf, ruleTraffic, type Reach } from '../src/model/traffic.js';
import type { Model, SgRule } from '../src/model/types.js';
import { alternatives, consistentWith } from '../src/model/value.js';
import { addTo, namedFromSpecs, portListSchema, portSetFromSpecs, type PortSpec } from './_shared.js';

interface Options {
  allowedPorts: PortSpec[];
  adminPorts: PortSpec[];
  dataPorts: PortSpec[];
}

/** One ingress rule with one known source and one known kind of traffic, in the deployment variants `when`. */
interface Ingress {
  rule: SgRule;
  reach: Reach;
  when: string[];
  source: 'world' | 'private' | 'other';
  label: string;
  /** portsOf(reach), and whether the reach serves one scope (isScoped): asked for each port list. */
  ports: PortSet;
  scoped: boolean;
}

/** Rules wider than this many TCP/UDP ports (or for every protocol) serve no single scope; `rule-port-range-wide` and the world rules judge them. */
const MAX_SCOPED_PORTS = 1024;
const WEB_PORTS: NamedPorts[] = [
  { from: 80, to: 80, name: 'HTTP' },
  { from: 443, to: 443, name: 'HTTPS' },
];
const spec = (p: NamedPorts) => (p.from === p.to ? p.from : `${p.from}-${p.to}`);

export default defineRule<Options>({
  id: 'group-mixed-scope',
  title: 'One security group mixes remote administration, data, public and private scopes',
  description:
    'Flags a group that combines remote-administration access with data ports or with public web ingress, or ingress from the whole internet with private-only ingress: one group per scope ("SSH", "Database", "Web") keeps each resource to the access it needs.',
  level: 'note',
  securitySeverity: 2.0,
  tags: ['least-privilege', 'maintainability'],
  practice: 3,
  options: {
    schema: { type: 'object', properties: { allowedPorts: portListSchema, adminPorts: portListSchema, dataPorts: portListSchema }, additionalProperties: false },
    defaults: { allowedPorts: [80, 443], adminPorts: ADMIN_PORTS.map(spec), dataPorts: SENSITIVE_PORTS.map(spec) },
  },
  messages: {
    adminWithData: 'Group `{group}` mixes remote administration ({admin}) with data ports ({other})',
    adminWithWeb: 'Group `{group}` mixes remote administration ({admin}) with public web ingress ({other})',
    worldWithPrivate: 'Group `{group}` mixes ingress from the whole internet ({world}) with private-only ingress ({other})',
  },
  check(ctx) {
    const admin = scope(ctx.options.adminPorts, ADMIN_PORTS);
    const data = scope(ctx.options.dataPorts, SENSITIVE_PORTS);
    const web = scope(ctx.options.allowedPorts, WEB_PORTS);
    for (const [groupId, list] of ingressByGroup(ctx.model)) {
      const group = ctx.model.groups.get(groupId)!;
      const scoped = (i: Ingress, ports: PortSet) => i.scoped && i.ports.overlaps(ports);
      const shown = (i: Ingress, ports: { ports: PortSet; names: NamedPorts[] }) => `${portLabel(i.ports.intersect(ports.ports), ports.names)} from ${i.label}`;
      const admins = list.filter((i) => scoped(i, admin.ports));
      const worlds = list.filter((i) => i.source === 'world');
      const pair =
        findPair(admins, list.filter((i) => scoped(i, data.ports)), (a, b) => ['adminWithData', shown(a, admin), shown(b, data)]) ??
        findPair(admins, worlds.filter((i) => scoped(i, web.ports)), (a, b) => ['adminWithWeb', shown(a, admin), shown(b, web)]) ??
        findPair(worlds, list.filter((i) => i.source === 'private' && !coveredByWorld(i, worlds)), (a, b) => ['worldWithPrivate', `${describe(a)} from ${a.label}`, `${describe(b)} from ${b.label}`]);
      if (!pair) continue;
      const [messageId, first, other, a, b] = pair;
      const when = [...new Set([...a.when, ...b.when])];
      ctx.report({
        messageId,
        data: { group: group.address, admin: first, world: first, other },
        at: group.at,
        resource: group.address,
        group: group.address,
        related: [a, b].map((i) => ({ at: i.rule.at, message: `${i === a ? first : other}` })),
        key: messageId,
        ...(when.length > 0 ? { when } : {}),
      });
    }
  },
});

/** A scope's ports, and the names messages give them: configured ports that match no default entry go unnamed. */
function scope(specs: readonly PortSpec[], defaults: readonly NamedPorts[]): { ports: PortSet; names: NamedPorts[] } {
  return { ports: portSetFromSpecs(specs), names: namedFromSpecs(specs, defaults).filter((n) => n.name !== 'configured') };
}

/** Every ingress rule of each group with its known sources and traffic; unknown ones take no part. */
function ingressByGroup(model: Model): Map<string, Ingress[]> {
  const out = new Map<string, Ingress[]>();
  // One per written entry, source kind and variant: the CIDRs of one entry share its traffic, so one stands for all.
  const seen = new Map<string, Set<string>>();
  const ports = new Map<Reach, { ports: PortSet; scoped: boolean }>();
  const add = (rule: SgRule, reach: Reach, when: string[], source: Ingress['source'], label: () => string) => {
    const key = when.length === 0 ? source : `${source}|${when.join('&')}`;
    const entry = seen.get(rule.entry.id);
    if (entry?.has(key)) return;
    if (entry) entry.add(key);
    else seen.set(rule.entry.id, new Set([key]));
    let p = ports.get(reach);
    if (!p) ports.set(reach, (p = { ports: portsOf(reach), scoped: isScoped(reach) }));
    addTo(out, rule.group!, { rule, reach, when, source, label: label(), ...p });
  };
  // A union of CIDRs that covers the whole address space is world ingress too (RULES.md), within one group.
  const inWorldUnion = new Set(worldExposures(model, 'ingress').filter((e) => e.byUnion && new Set(e.variants.map((v) => v.rule.group)).size === 1).flatMap((e) => e.variants));
  for (const v of addressVariants(model, 'ingress').variants) {
    if (!v.rule.group) continue;
    const cls = classify(v.cidr);
    const source = cls === 'world' || inWorldUnion.has(v) ? 'world' : cls === 'private' ? 'private' : 'other';
    add(v.rule, v.reach, v.when, source, () => v.cidrValue.v);
  }
  for (const rule of model.rules.values()) {
    if (rule.direction !== 'ingress' || !rule.group || (rule.peer.kind !== 'securityGroup' && rule.peer.kind !== 'self' && rule.peer.kind !== 'prefixList')) continue;
    for (const t of ruleTraffic(rule)) if (t.ok) add(rule, t.reach, t.when, 'other', () => peerLabel(model, rule));
  }
  return out;
}

/** The first pair of distinct written rules, one from each list, that exist together in some deployment variant. */
function findPair<M extends string>(as: Ingress[], bs: Ingress[], describePair: (a: Ingress, b: Ingress) => [M, string, string]): [M, string, string, Ingress, Ingress] | null {
  for (const a of as) {
    for (const b of bs) {
      if (a.rule.entry.id === b.rule.entry.id || !consistentWith(a.when, b.when)) continue;
      return [...describePair(a, b), a, b];
    }
  }
  return null;
}

/** A rule for a bounded set of TCP/UDP ports: one purpose, unlike all traffic or wide ranges. */
function isScoped(r: Reach): boolean {
  return !r.allProtocols && !portsOf(r).isEmpty() && r.tcp.size() + r.udp.size() <= MAX_SCOPED_PORTS;
}

/** Private ingress whose ports the group's world ingress already admits is moot, not a second scope. */
function coveredByWorld(i: Ingress, worlds: Ingress[]): boolean {
  const open = worlds.filter((w) => consistentWith(w.when, i.when));
  if (open.some((w) => w.reach.allProtocols)) return true;
  const ports = i.ports;
  // Private ICMP (or another protocol without ports) is not a scope of its own.
  if (ports.isEmpty() && !i.reach.allProtocols) return true;
  return open.reduce((all, w) => all.union(w.ports), PortSet.empty()).containsAll(ports);
}

function portLabel(ports: PortSet, names: NamedPorts[]): string {
  const named = namePorts(ports, names);
  return named.length > 0 ? named.join(', ') : ports.toString();
}

function describe(i: Ingress): string {
  if (i.reach.allProtocols) return 'all traffic';
  const ports = portsOf(i.reach);
  return ports.isEmpty() ? 'other protocols' : `port${ports.size() === 1 ? '' : 's'} ${ports.toString()}`;
}

function peerLabel(model: Model, rule: SgRule): string {
  const peer = rule.peer;
  if (peer.kind === 'self') return 'the group itself';
  if (peer.kind === 'prefixList') return alternatives(peer.id).map((a) => (a.value.k === 'known' ? a.value.v : a.value.expr)).join(' or ');
  if (peer.kind !== 'securityGroup') return 'unknown';
  if (peer.ref.kind === 'model') return `group ${model.groups.get(peer.ref.id)?.address ?? peer.ref.id}`;
  return `group ${alternatives(peer.ref.id).map((a) => (a.value.k === 'known' ? a.value.v : a.value.expr)).join(' or ')}`;
}
