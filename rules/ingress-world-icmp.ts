import { defineRule, noOptions } from '../src/engine/define-rule.js';
import { addressVariants, worldExposures } from '../src/model/exposure.js';
import { isWorld } from '../src/model/net.js';
import { admitsPing, describeReach, emptyReach } from '../src/model/traffic.js';
import { exposureSource, groupAddress, groupLabel, peerSpan, reportExposure, reportWorldUnknowns } from './_shared.js';
import { isBroadPublic } from './_broad.js';

export default defineRule({
  id: 'ingress-world-icmp',
  title: 'ICMP echo (ping) or all ICMP types allowed from the whole internet or a broad range',
  description:
    'Flags ICMP or ICMPv6 ingress rules that admit echo requests or every type from 0.0.0.0/0 or ::/0 (error), or from a broad public range (warning). Path-MTU discovery types are not reported.',
  level: 'error',
  securitySeverity: 5.0,
  tags: ['exposure', 'icmp'],
  practice: 4,
  exclusive: 'world-exposure',
  options: noOptions,
  messages: {
    worldIcmp: 'Ingress from {source} allows {traffic} on group `{group}`',
    broadIcmp: 'Ingress from the broad public range {source} allows {traffic} on group `{group}`',
  },
  check(ctx) {
    for (const e of worldExposures(ctx.model, 'ingress')) {
      if (e.reach.allProtocols || !admitsPing(e.reach)) continue;
      const traffic = describeReach({ ...emptyReach(), icmp: e.reach.icmp, icmpv6: e.reach.icmpv6 });
      reportExposure(ctx, e, 'worldIcmp', { source: exposureSource(e), traffic, group: groupLabel(ctx.model, e.variants[0]!.rule) });
    }
    const inUnion = new Set(worldExposures(ctx.model, 'ingress').filter((e) => e.byUnion).flatMap((e) => e.variants));
    for (const v of addressVariants(ctx.model, 'ingress').variants) {
      if (isWorld(v.cidr) || inUnion.has(v) || v.reach.allProtocols || !admitsPing(v.reach) || !isBroadPublic(v.cidr)) continue;
      const group = groupAddress(ctx.model, v.rule);
      ctx.report({
        messageId: 'broadIcmp',
        data: { source: v.cidrValue.v, traffic: describeReach({ ...emptyReach(), icmp: v.reach.icmp, icmpv6: v.reach.icmpv6 }), group: groupLabel(ctx.model, v.rule) },
        at: peerSpan(v),
        resource: v.rule.resource,
        ...(group ? { group } : {}),
        ...(v.when.length > 0 ? { when: v.when } : {}),
        key: `ingress|${v.cidrValue.v}|icmp`,
        levelOverride: 'warning',
      });
    }
    reportWorldUnknowns(ctx, 'ingress', (r) => !r.allProtocols && admitsPing(r));
  },
});
