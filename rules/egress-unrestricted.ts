import { defineRule, noOptions } from '../src/engine/define-rule.js';
import { worldExposures } from '../src/model/exposure.js';
import { describeReach } from '../src/model/traffic.js';
import { exposureSource, groupLabel, reportExposure, reportWorldUnknowns } from './_shared.js';

export default defineRule({
  id: 'egress-unrestricted',
  title: 'Egress to the whole internet on all protocols, or all TCP or all UDP ports',
  description:
    "Flags egress to 0.0.0.0/0 or ::/0 that allows every protocol, every TCP port or every UDP port, including AWS's implicit allow-all egress where nothing removed it. Error in an environment marked production.",
  level: 'warning',
  securitySeverity: 4.0,
  tags: ['exfiltration'],
  practice: 1,
  options: noOptions,
  messages: {
    unrestricted: 'Egress to {destination} allows {traffic} from group `{group}`',
    implicit: "Group `{group}` keeps AWS's implicit allow-all egress to 0.0.0.0/0: no egress rule is written, so nothing removes the default",
    kept: "Group `{group}` keeps AWS's default allow-all egress to {destination}: the rule AWS adds to every new group was never removed",
    cdkDefault: 'Group `{group}` allows all outbound traffic to {destination}: CDK adds this rule for {setting}',
  },
  check(ctx) {
    for (const e of worldExposures(ctx.model, 'egress')) {
      if (!e.reach.allProtocols && !e.reach.tcp.isAll() && !e.reach.udp.isAll()) continue;
      const rule = e.variants[0]!.rule;
      const owner = rule.group ? ctx.model.groups.get(rule.group) : undefined;
      // A VPC's default group with rules is group-default-restrict-all's finding: one problem, one finding.
      if (owner?.isDefault) continue;
      const group = groupLabel(ctx.model, rule);
      const traffic = e.reach.allProtocols ? 'all traffic' : describeReach({ ...e.reach, icmp: [], icmpv6: [], protocols: [] });
      // CDK renders allowAllOutbound (true unless set to false) and allowAllIpv6Outbound as a written rule with this text.
      const cdkReason = owner?.format === 'cdk' && rule.description?.k === 'known' ? rule.description.v : undefined;
      if (rule.implicit && cdkReason) {
        const setting = /ipv6/i.test(cdkReason) ? 'allowAllIpv6Outbound: true' : 'allowAllOutbound (true unless set to false)';
        reportExposure(ctx, e, 'cdkDefault', { group, destination: exposureSource(e), setting }, { claim: undefined });
      } else if (rule.implicit && owner && !owner.implicitEgress) {
        // The default rule as a deployed group lists it (an export), not one the linker adds where nothing is written.
        reportExposure(ctx, e, 'kept', { group, destination: exposureSource(e) }, { claim: undefined });
      } else if (rule.implicit) reportExposure(ctx, e, 'implicit', { group }, { claim: undefined });
      else reportExposure(ctx, e, 'unrestricted', { destination: exposureSource(e), traffic, group }, { claim: undefined });
    }
    reportWorldUnknowns(ctx, 'egress', (r) => r.allProtocols || r.tcp.isAll() || r.udp.isAll());
  },
});
