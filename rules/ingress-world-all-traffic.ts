import { defineRule, noOptions } from '../src/engine/define-rule.js';
import { worldExposures } from '../src/model/exposure.js';
import { describeReach } from '../src/model/traffic.js';
import { exposureSource, groupLabel, reportExposure, reportWorldUnknowns } from './_shared.js';

export default defineRule({
  id: 'ingress-world-all-traffic',
  title: 'Ingress from the whole internet on all protocols, or all TCP or all UDP ports',
  description:
    'Flags ingress from 0.0.0.0/0 or ::/0 (or CIDRs whose union covers the whole address space) that allows every protocol, every TCP port or every UDP port.',
  level: 'error',
  securitySeverity: 9.0,
  tags: ['exposure', 'cis-aws:5.2', 'cis-aws:5.3'],
  practice: 1,
  exclusive: 'world-exposure',
  options: noOptions,
  messages: {
    allTraffic: 'Ingress from {source} allows {traffic} on group `{group}`',
  },
  check(ctx) {
    for (const e of worldExposures(ctx.model, 'ingress')) {
      if (!e.reach.allProtocols && !e.reach.tcp.isAll() && !e.reach.udp.isAll()) continue;
      const traffic = e.reach.allProtocols ? 'all traffic' : describeReach({ ...e.reach, icmp: [], icmpv6: [], protocols: [] });
      reportExposure(ctx, e, 'allTraffic', { source: exposureSource(e), traffic, group: groupLabel(ctx.model, e.variants[0]!.rule) });
    }
    reportWorldUnknowns(ctx, 'ingress', (r) => r.allProtocols || r.tcp.isAll() || r.udp.isAll());
  },
});
