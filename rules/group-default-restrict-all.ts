import { defineRule, noOptions } from '../src/engine/define-rule.js';

export default defineRule({
  id: 'group-default-restrict-all',
  title: "A VPC's default security group keeps or gets rules",
  description:
    "Flags a VPC's default security group that is managed with any ingress or egress rule. Resources launched without a group land in it, so it should allow nothing.",
  level: 'warning',
  securitySeverity: 5.0,
  tags: ['exposure', 'cis-aws:5.4'],
  practice: 1,
  options: noOptions,
  messages: {
    hasRules: 'Default security group `{group}` has {count} ({directions}): anything launched without a group of its own gets this access',
  },
  check(ctx) {
    for (const group of ctx.model.groups.values()) {
      if (!group.isDefault) continue;
      // A rule that may not exist (a dynamic block over an unknown list) does not show that the group allows traffic.
      const rules = [...group.ingress, ...group.egress].map((id) => ctx.model.rules.get(id)!).filter((r) => !r.entry.uncertain);
      const entries = new Set(rules.map((r) => r.entry.id));
      if (entries.size === 0) continue;
      const directions = (['ingress', 'egress'] as const).filter((d) => rules.some((r) => r.direction === d)).join(' and ');
      const count = `${entries.size} rule${entries.size === 1 ? '' : 's'}`;
      // A group created only under a condition (`count = c ? 1 : 0`) has rules only under it.
      const when = rules[0]!.entry.when ?? [];
      const shared = rules.every((r) => (r.entry.when ?? []).join('&') === when.join('&'));
      ctx.report({
        messageId: 'hasRules',
        data: { group: group.address, count, directions },
        at: group.at,
        resource: group.address,
        group: group.address,
        key: `default|${directions}`,
        ...(shared && when.length > 0 ? { when } : {}),
      });
    }
  },
});
