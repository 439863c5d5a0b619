import { PortSet, type Protocol } from './net.js';
import type { SgRule } from './types.js';
import { alternatives, consistent, type Known, type Unresolved, type Value } from './value.js';

/** ICMP reach: which message types a rule admits. */
export interface IcmpReach {
  /** -1 means every type. */
  type: number;
  /** -1 means every code. */
  code: number;
}

/** What traffic a rule (or a set of rules) admits, protocol by protocol. */
export interface Reach {
  allProtocols: boolean;
  tcp: PortSet;
  udp: PortSet;
  icmp: IcmpReach[];
  icmpv6: IcmpReach[];
  /** Other IP protocol numbers (GRE 47, ESP 50 …). */
  protocols: number[];
}

export const emptyReach = (): Reach => ({ allProtocols: false, tcp: PortSet.empty(), udp: PortSet.empty(), icmp: [], icmpv6: [], protocols: [] });

export function reachIsEmpty(r: Reach): boolean {
  return !r.allProtocols && r.tcp.isEmpty() && r.udp.isEmpty() && r.icmp.length === 0 && r.icmpv6.length === 0 && r.protocols.length === 0;
}

/** Everything either reach admits. */
export function unionReach(a: Reach, b: Reach): Reach {
  if (a.allProtocols || b.allProtocols) return { ...emptyReach(), allProtocols: true };
  const icmp = (x: IcmpReach[], y: IcmpReach[]) => {
    const all = [...x, ...y];
    if (all.some((i) => i.type === -1)) return [{ type: -1, code: -1 }];
    const seen = new Map(all.map((i) => [`${i.type}/${i.code}`, i]));
    return [...seen.values()].filter((i) => i.code === -1 || !seen.has(`${i.type}/-1`)).sort((p, q) => p.type - q.type || p.code - q.code);
  };
  return {
    allProtocols: false,
    tcp: a.tcp.union(b.tcp),
    udp: a.udp.union(b.udp),
    icmp: icmp(a.icmp, b.icmp),
    icmpv6: icmp(a.icmpv6, b.icmpv6),
    protocols: [...new Set([...a.protocols, ...b.protocols])].sort((p, q) => p - q),
  };
}

/** TCP and UDP ports the reach admits, protocol `all` included. */
export function portsOf(r: Reach): PortSet {
  return r.allProtocols ? PortSet.all() : r.tcp.union(r.udp);
}

export type TrafficResult = { ok: true; when: string[]; reach: Reach } | { ok: false; when: string[]; unresolved: Unresolved };

const isIcmpType = (n: number) => Number.isInteger(n) && n >= -1 && n <= 255;

/**
 * The traffic one rule admits, for each alternative of its protocol and ports.
 * A rule AWS would reject (invalid shape) admits nothing; `rule-shape-invalid` reports it.
 */
export function ruleTraffic(rule: SgRule): TrafficResult[] {
  // The rules of one written entry (one per peer: a list of 10^6 CIDRs makes 10^6 rules) share its protocol and port
  // values: their traffic is worked out, and held in memory, once. They come one after another, hence `last`.
  const from = rule.fromPort ?? NO_PORT;
  const to = rule.toPort ?? NO_PORT;
  if (lastProtocol === rule.protocol && lastFrom === from && lastTo === to) return lastTraffic;
  lastProtocol = rule.protocol;
  lastFrom = from;
  lastTo = to;
  // Known values without conditions, the common case, admit what their content says: entries that write the same
  // protocol and ports share one answer.
  const key = knownKey(rule);
  if (key !== null) {
    let traffic = byContent.get(key);
    if (!traffic) {
      if (byContent.size >= 1 << 14) byContent.clear();
      byContent.set(key, (traffic = trafficOf(rule)));
    }
    return (lastTraffic = traffic);
  }
  let byProtocol = trafficCache.get(rule.protocol);
  if (!byProtocol) trafficCache.set(rule.protocol, (byProtocol = new WeakMap()));
  let byFrom = byProtocol.get(from);
  if (!byFrom) byProtocol.set(from, (byFrom = new WeakMap()));
  let traffic = byFrom.get(to);
  if (!traffic) byFrom.set(to, (traffic = trafficOf(rule)));
  return (lastTraffic = traffic);
}

/** The content of a rule's protocol and ports when each is known (or absent), else null. */
function knownKey(rule: Pick<SgRule, 'protocol' | 'fromPort' | 'toPort'>): string | null {
  const { protocol, fromPort, toPort } = rule;
  if (protocol.k !== 'known' || (fromPort && fromPort.k !== 'known') || (toPort && toPort.k !== 'known')) return null;
  const p = protocol.v;
  return `${typeof p === 'string' ? p : 'number' in p ? p.number : `invalid:${p.invalid}`}|${fromPort ? fromPort.v : ''}|${toPort ? toPort.v : ''}`;
}

const byContent = new Map<string, TrafficResult[]>();

const NO_PORT = {};
let lastProtocol: object = NO_PORT;
let lastFrom: object = NO_PORT;
let lastTo: object = NO_PORT;
let lastTraffic: TrafficResult[] = [];
const trafficCache = new WeakMap<object, WeakMap<object, WeakMap<object, TrafficResult[]>>>();

function trafficOf(rule: Pick<SgRule, 'protocol' | 'fromPort' | 'toPort'>): TrafficResult[] {
  const out: TrafficResult[] = [];
  for (const p of alternatives(rule.protocol)) {
    if (p.value.k === 'unresolved') {
      out.push({ ok: false, when: p.when, unresolved: p.value });
      continue;
    }
    const proto = p.value.v;
    if (proto === 'all') {
      out.push({ ok: true, when: p.when, reach: { ...emptyReach(), allProtocols: true } });
      continue;
    }
    if (typeof proto === 'object') {
      const reach = emptyReach();
      if ('number' in proto) reach.protocols.push(proto.number);
      out.push({ ok: true, when: p.when, reach });
      continue;
    }
    for (const from of portAlternatives(rule.fromPort)) {
      for (const to of portAlternatives(rule.toPort)) {
        const when = [...p.when, ...from.when, ...to.when];
        if (!consistent(when)) continue;
        const bad = [from.value, to.value].find((v): v is Unresolved => v?.k === 'unresolved');
        if (bad) {
          out.push({ ok: false, when, unresolved: bad });
          continue;
        }
        const f = (from.value as Known<number> | null)?.v;
        const t = (to.value as Known<number> | null)?.v;
        out.push({ ok: true, when, reach: reachOf(proto, f, t) });
      }
    }
  }
  return out;
}

function portAlternatives(v: Value<number> | null): { when: string[]; value: Known<number> | Unresolved | null }[] {
  return v ? alternatives(v) : [{ when: [], value: null }];
}

function reachOf(proto: 'tcp' | 'udp' | 'icmp' | 'icmpv6', from: number | undefined, to: number | undefined): Reach {
  const reach = emptyReach();
  if (proto === 'tcp' || proto === 'udp') {
    if (from === undefined || to === undefined || !validPort(from) || !validPort(to) || from > to) return reach;
    reach[proto] = PortSet.of({ from, to });
    return reach;
  }
  // ICMPv6 without type/code means every type and code; ICMP needs them.
  if (from === undefined && to === undefined && proto === 'icmpv6') {
    reach.icmpv6.push({ type: -1, code: -1 });
    return reach;
  }
  const type = from ?? NaN;
  const code = to ?? -1;
  if (!isIcmpType(type) || !isIcmpType(code) || (type === -1 && code !== -1)) return reach;
  reach[proto].push({ type, code });
  return reach;
}

const validPort = (n: number) => Number.isInteger(n) && n >= 0 && n <= 65535;

export const ECHO_REQUEST = { icmp: 8, icmpv6: 128 } as const;

/** True when the ICMP reach admits echo requests (ping) or every type. */
export function admitsPing(r: Reach): boolean {
  return r.icmp.some((i) => i.type === -1 || i.type === ECHO_REQUEST.icmp) || r.icmpv6.some((i) => i.type === -1 || i.type === ECHO_REQUEST.icmpv6);
}

/** Short human description: "all traffic", "TCP 22", "TCP 20-25, UDP 53", "ICMP type 8". */
export function describeReach(r: Reach): string {
  if (r.allProtocols) return 'all traffic';
  const parts: string[] = [];
  if (!r.tcp.isEmpty()) parts.push(r.tcp.isAll() ? 'all TCP ports' : `TCP ${r.tcp.toString()}`);
  if (!r.udp.isEmpty()) parts.push(r.udp.isAll() ? 'all UDP ports' : `UDP ${r.udp.toString()}`);
  for (const [name, list] of [['ICMP', r.icmp], ['ICMPv6', r.icmpv6]] as const) {
    for (const i of list) {
      const echo = i.type === ECHO_REQUEST[name === 'ICMP' ? 'icmp' : 'icmpv6'] ? ' (echo request)' : '';
      parts.push(i.type === -1 ? `all ${name}` : `${name} type ${i.type}${i.code === -1 ? '' : ` code ${i.code}`}${echo}`);
    }
  }
  for (const n of r.protocols) parts.push(`protocol ${n}`);
  return parts.join(', ') || 'no traffic';
}

/**
 * describeReach of a reach that is never changed once made, such as ruleTraffic's answers (shared by every rule that
 * writes the same protocol and ports): each is described once.
 */
export function trafficLabel(reach: Reach): string {
  let text = labels.get(reach);
  if (text === undefined) labels.set(reach, (text = describeReach(reach)));
  return text;
}

const labels = new WeakMap<Reach, string>();

export function protocolIs(p: Value<Protocol>, want: Protocol): boolean {
  return p.k === 'known' && p.v === want;
}
