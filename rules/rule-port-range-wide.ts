import { defineRule } from '../src/engine/define-rule.js';
import { rulesByEntry } from '../src/model/entries.js';
import { singleRuleClaim } from '../src/model/exposure.js';
import { isWorld, parseCidr } from '../src/model/net.js';
import { ruleTraffic } from '../src/model/traffic.js';
import { peerValue, type SgRule } from '../src/model/types.js';
import { alternatives } from '../src/model/value.js';
import { groupAddress, groupLabel, withThousands } from './_shared.js';

interface Options {
  maxPorts: number;
}

const ADDRESS_RANGES = new Set(['cidr4', 'cidr6', 'prefixList']);

export default defineRule<Options>({
  id: 'rule-port-range-wide',
  title: 'TCP/UDP port range wider than needed for an address-range peer',
  description:
    'Flags a TCP or UDP rule whose port range spans more than `maxPorts` ports (default 1,024) when its peer is an address range (CIDR or prefix list) rather than a security group or the group itself.',
  level: 'warning',
  securitySeverity: 4.0,
  tags: ['least-privilege'],
  practice: 1,
  options: {
    schema: { type: 'object', properties: { maxPorts: { type: 'integer', minimum: 1, maximum: 65536 } }, additionalProperties: false },
    defaults: { maxPorts: 1024 },
  },
  messages: {
    wide: '{direction} rule opens {protocol} ports {from}-{to} ({count} ports) {preposition} {peer} on group `{group}`',
  },
  check(ctx) {
    const entries = rulesByEntry(ctx.model.rules.values(), (rule) => ADDRESS_RANGES.has(rule.peer.kind));
    for (const rules of entries.values()) {
      const rule = rules[0]!;
      for (const t of ruleTraffic(rule)) {
        if (!t.ok) {
          ctx.unresolved(t.unresolved);
          continue;
        }
        for (const protocol of ['tcp', 'udp'] as const) {
          const range = t.reach[protocol].ranges[0];
          if (!range || range.to - range.from + 1 <= ctx.options.maxPorts) continue;
          const peers = rules.map(peerText);
          const worldRule = rules.find((r) => r.direction === 'ingress' && peerIsWorld(r));
          const group = groupAddress(ctx.model, rule);
          ctx.report({
            messageId: 'wide',
            data: {
              direction: rule.direction === 'ingress' ? 'Ingress' : 'Egress',
              preposition: rule.direction === 'ingress' ? 'from' : 'to',
              protocol: protocol.toUpperCase(),
              from: range.from,
              to: range.to,
              count: withThousands(range.to - range.from + 1),
              peer: peers.join(', '),
              group: groupLabel(ctx.model, rule),
            },
            at: rule.fromPort?.at ?? rule.at,
            resource: rule.resource,
            ...(group ? { group } : {}),
            ...(t.when.length > 0 ? { when: t.when } : {}),
            key: `${rule.direction}|${protocol}|${range.from}-${range.to}|${peers.join(',')}`,
            ...(worldRule
              ? { yieldsTo: { rule: 'ingress-world-all-traffic', claim: singleRuleClaim(worldRule, worldRule.peer.kind === 'cidr6' ? 6 : 4, t.when) } }
              : {}),
          });
        }
      }
    }
  },
});

function peerText(rule: SgRule): string {
  const value = peerValue(rule.peer);
  if (!value) return '';
  return alternatives(value).map((a) => (a.value.k === 'known' ? a.value.v : a.value.expr)).join(' or ');
}

function peerIsWorld(rule: SgRule): boolean {
  if (rule.peer.kind !== 'cidr4' && rule.peer.kind !== 'cidr6') return false;
  return alternatives(rule.peer.cidr).some((a) => {
    const cidr = a.value.k === 'known' ? parseCidr(a.value.v) : null;
    return cidr !== null && isWorld(cidr);
  });
}
