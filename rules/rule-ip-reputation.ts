import { defineRule, noOptions } from '../src/engine/define-rule.js';
import { sourcesLabel } from '../src/engine/online/provider.js';
import type { Span } from '../src/model/location.js';
import { formatCidr, parseCidr } from '../src/model/net.js';
import type { SgRule } from '../src/model/types.js';
import { alternatives, type Known } from '../src/model/value.js';
import { groupAddress, groupLabel } from './_shared.js';

export default defineRule({
  id: 'rule-ip-reputation',
  title: 'Hard-coded public address with a bad reputation',
  description:
    'Flags a hard-coded public IP address or small CIDR, in any rule and either direction, that the reputation provider of the online pass (MetaDefender, AbuseIPDB or a blocklist file) reports as malicious or suspicious. Runs only with --online.',
  level: 'error',
  securitySeverity: 8.0,
  tags: ['exposure', 'reputation'],
  online: true,
  practice: 6,
  options: noOptions,
  messages: {
    listed: '{direction} {address} on group `{group}`, an address flagged by {provider} ({sources}): {verdict}',
    listedInRange: '{direction} {cidr} on group `{group}`, a range holding {flagged} of {checked} addresses flagged by {provider}; {address} ({sources}): {verdict}',
  },
  check(ctx) {
    for (const rule of ctx.model.rules.values()) {
      if (rule.implicit || (rule.peer.kind !== 'cidr4' && rule.peer.kind !== 'cidr6')) continue;
      for (const alt of alternatives(rule.peer.cidr)) {
        if (alt.value.k === 'unresolved') {
          ctx.unresolved(alt.value);
          continue;
        }
        const cidr = parseCidr(alt.value.v);
        if (!cidr) continue;
        const checked = ctx.online.verdicts(cidr);
        const flagged = checked.filter((c) => c.verdict.listed);
        const first = flagged[0];
        if (!first) continue;
        const single = checked.length === 1 && cidr.prefix === (cidr.family === 4 ? 32 : 128);
        const group = groupAddress(ctx.model, rule);
        ctx.report({
          messageId: single ? 'listed' : 'listedInRange',
          data: {
            direction: rule.direction === 'ingress' ? 'Ingress from' : 'Egress to',
            address: first.address,
            cidr: formatCidr(cidr),
            group: groupLabel(ctx.model, rule),
            provider: ctx.online.provider,
            sources: sourcesLabel(first.verdict.detectedBy),
            verdict: first.verdict.summary,
            flagged: flagged.length,
            checked: checked.length,
          },
          at: valueSpan(rule, alt.value),
          resource: rule.resource,
          ...(group ? { group } : {}),
          ...(alt.when.length > 0 ? { when: alt.when } : {}),
          key: `${rule.direction}|${formatCidr(cidr)}`,
          properties: {
            reputation: {
              provider: ctx.online.provider,
              checked: checked.length,
              flagged: flagged.map(({ address, verdict }) => ({
                address,
                detectedBy: verdict.detectedBy,
                ...(verdict.score === undefined ? {} : { score: verdict.score }),
                summary: verdict.summary,
                sources: verdict.sources,
                ...(verdict.details ? { details: verdict.details } : {}),
              })),
            },
          },
        });
      }
    }
  },
});

/** The alternative that yields the address when it is written in the rule's file (an `Fn::If` branch), else the peer. */
function valueSpan(rule: SgRule, value: Known<string>): Span {
  return value.at.file === rule.peerAt.file ? { ...value.at, path: rule.peerAt.path } : rule.peerAt;
}
