import { defineRule, noOptions } from '../src/engine/define-rule.js';
import type { Span } from '../src/model/location.js';
import { canonicalIpv4Block, parseCidr, type Protocol } from '../src/model/net.js';
import { peerCountsByVariant, rulesByEntry } from '../src/model/entries.js';
import type { SgRule } from '../src/model/types.js';
import { alternatives, consistent, type Value } from '../src/model/value.js';
import { groupAddress, groupLabel } from './_shared.js';

type Problem = { messageId: string; data: Record<string, string | number>; at: Span; when: string[] };

export default defineRule({
  id: 'rule-shape-invalid',
  title: 'Rule that AWS would reject',
  description:
    'Flags a rule AWS rejects at deploy time: an unknown protocol, TCP/UDP/ICMP without ports, TCP/UDP ports reversed or outside 0-65535, an ICMP type or code outside -1-255 (or type -1 with a specific code), an invalid CIDR, no source or destination at all, or several peers in an entry that allows one.',
  level: 'error',
  securitySeverity: 1.0,
  tags: ['correctness', 'deploy-failure'],
  practice: 1,
  options: noOptions,
  messages: {
    unknownProtocol: 'Protocol "{protocol}" on group `{group}` is not a protocol name (tcp, udp, icmp, icmpv6, -1) or number 0-255',
    missingPorts: '{protocol} rule on group `{group}` has no {missing}',
    reversedPorts: 'Port range {from}-{to} on group `{group}` is reversed: the start is greater than the end',
    portOutOfRange: 'Port {port} on group `{group}` is outside 0 to 65535',
    icmpOutOfRange: '{protocol} {field} {value} on group `{group}` is outside -1 to 255',
    icmpAnyTypeWithCode: '{protocol} type -1 (all types) with code {code} on group `{group}`: a code needs a specific type',
    invalidCidr: '"{cidr}" on group `{group}` is not a valid {family} CIDR',
    noPeer: 'This {direction} rule on group `{group}` names no {peers} (no CIDR, prefix list or security group): AWS rejects it or silently creates nothing',
    missingProtocol: 'This {direction} rule on group `{group}` has no protocol',
    severalPeers: 'This {direction} rule on group `{group}` lists {count} {peers}, but AWS allows only one in this kind of rule',
  },
  check(ctx) {
    const entries = rulesByEntry(ctx.model.rules.values(), (rule) => !rule.implicit);
    for (const rules of entries.values()) {
      const rule = rules[0]!;
      const group = groupAddress(ctx.model, rule);
      const report = (p: Problem) =>
        ctx.report({ messageId: p.messageId, data: p.data, at: p.at, resource: rule.resource, ...(group ? { group } : {}), ...(p.when.length > 0 ? { when: p.when } : {}), key: contentKey(p) });
      const label = groupLabel(ctx.model, rule);
      for (const r of rules) for (const p of cidrProblems(r, label)) report(p);
      for (const p of entryProblems(rule, label)) report(p);
      for (const p of peerProblems(rules, label)) report(p);
    }
  },
});

/** No peer at all, or several where AWS allows one, in each deployment variant of the entry. */
function peerProblems(rules: SgRule[], group: string): Problem[] {
  const entry = rules[0]!.entry;
  if (entry.unknownPeers) return [];
  const direction = rules[0]!.direction;
  const out: Problem[] = [];
  for (const { when, count } of peerCountsByVariant(rules)) {
    if (count === 0) out.push({ messageId: 'noPeer', data: { direction, group, peers: direction === 'ingress' ? 'source' : 'destination' }, at: entry.at, when });
    else if (count > 1 && entry.singlePeer) out.push({ messageId: 'severalPeers', data: { direction, group, count, peers: direction === 'ingress' ? 'sources' : 'destinations' }, at: entry.at, when });
  }
  return out;
}

function cidrProblems(rule: SgRule, group: string): Problem[] {
  if (rule.peer.kind !== 'cidr4' && rule.peer.kind !== 'cidr6') return NO_PROBLEMS;
  const family = rule.peer.kind === 'cidr4' ? 4 : 6;
  // Most peers are one valid CIDR, most IPv4 ones written in canonical form.
  const value = rule.peer.cidr;
  if (value.k === 'known' && ((family === 4 && canonicalIpv4Block(value.v) >= 0) || parseCidr(value.v)?.family === family)) return NO_PROBLEMS;
  return alternatives(rule.peer.cidr).flatMap((alt) => {
    if (alt.value.k !== 'known') return [];
    const cidr = parseCidr(alt.value.v);
    if (cidr && cidr.family === family) return [];
    return [{ messageId: 'invalidCidr', data: { cidr: alt.value.v, group, family: family === 4 ? 'IPv4' : 'IPv6' }, at: rule.peerAt, when: alt.when }];
  });
}

function entryProblems(rule: SgRule, group: string): Problem[] {
  const out: Problem[] = [];
  for (const p of alternatives(rule.protocol)) {
    if (p.value.k !== 'known') continue;
    const proto: Protocol = p.value.v;
    if (typeof proto === 'object' && 'invalid' in proto) {
      if (proto.invalid === '') out.push({ messageId: 'missingProtocol', data: { direction: rule.direction, group }, at: rule.entry.at, when: p.when });
      else out.push({ messageId: 'unknownProtocol', data: { protocol: proto.invalid, group }, at: p.value.at, when: p.when });
      continue;
    }
    if (proto !== 'tcp' && proto !== 'udp' && proto !== 'icmp' && proto !== 'icmpv6') continue;
    const label = proto === 'icmpv6' ? 'ICMPv6' : proto.toUpperCase();
    const isIcmp = proto === 'icmp' || proto === 'icmpv6';
    if (!rule.fromPort || !rule.toPort) {
      if (proto === 'icmpv6' && !rule.fromPort && !rule.toPort) continue;
      const missing = isIcmp ? (rule.fromPort ? 'ICMP code' : 'ICMP type') : !rule.fromPort && !rule.toPort ? 'port range' : rule.fromPort ? 'to port' : 'from port';
      if (!(isIcmp && rule.fromPort)) out.push({ messageId: 'missingPorts', data: { protocol: label, group, missing }, at: rule.at, when: p.when });
      if (!rule.fromPort) continue;
    }
    for (const from of alternatives(rule.fromPort)) {
      for (const to of rule.toPort ? alternatives(rule.toPort as Value<number>) : [{ when: [], value: null }]) {
        if (from.value.k !== 'known' || (to.value && to.value.k !== 'known')) continue;
        const when = p.when.length + from.when.length + to.when.length === 0 ? NO_CONDITIONS : [...new Set([...p.when, ...from.when, ...to.when])];
        if (!consistent(when)) continue;
        const f = from.value.v;
        const t = to.value?.k === 'known' ? to.value.v : -1;
        const fromAt = from.value.at;
        const toAt = to.value?.k === 'known' ? to.value.at : fromAt;
        if (isIcmp) {
          for (const [field, value, at] of [['type', f, fromAt], ['code', t, toAt]] as const) {
            if (value < -1 || value > 255 || !Number.isInteger(value)) out.push({ messageId: 'icmpOutOfRange', data: { protocol: label, field, value, group }, at, when });
          }
          if (f === -1 && t !== -1) out.push({ messageId: 'icmpAnyTypeWithCode', data: { protocol: label, code: t, group }, at: fromAt, when });
          continue;
        }
        const same = f === t && fromAt.start.line === toAt.start.line && fromAt.start.column === toAt.start.column;
        if (outOfRange(f)) out.push({ messageId: 'portOutOfRange', data: { port: f, group }, at: fromAt, when });
        if (!same && outOfRange(t)) out.push({ messageId: 'portOutOfRange', data: { port: t, group }, at: toAt, when });
        if (!outOfRange(f) && !outOfRange(t) && f > t) out.push({ messageId: 'reversedPorts', data: { from: f, to: t, group }, at: fromAt, when });
      }
    }
  }
  return out;
}

const outOfRange = (n: number) => n < 0 || n > 65535 || !Number.isInteger(n);

const NO_PROBLEMS: Problem[] = [];

/** Conditions of a problem that holds in every variant: one list for them all (problems only read it). */
const NO_CONDITIONS: string[] = [];

/** What the problem is, without the group or the conditions that tell instances and variants apart (they merge). */
function contentKey(p: Problem): string {
  const { group: _group, ...content } = p.data;
  return `${p.messageId}|${JSON.stringify(content)}`;
}
