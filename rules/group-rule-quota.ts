import { defineRule } from '../src/engine/define-rule.js';
import { groupRuleCounts, prefixListSizesSchema, type PrefixListSize } from './_quota.js';

interface Options {
  quota: number;
  warnPercent: number;
  prefixListWeights: Record<string, PrefixListSize>;
}

export default defineRule<Options>({
  id: 'group-rule-quota',
  title: 'More rules in one direction and address family than the security group quota',
  description:
    "Flags a group with more inbound or outbound rule entries for IPv4 or IPv6 than AWS's quota (default 60 each), counted as AWS counts them: a CIDR 1 toward its family, a group reference 1 toward each, a prefix list its max entries or weight. Warns from 80% of the quota.",
  level: 'error',
  securitySeverity: 1.0,
  tags: ['quota', 'deploy-failure'],
  practice: 2,
  options: {
    schema: {
      type: 'object',
      properties: {
        quota: { type: 'integer', minimum: 1, maximum: 1000 },
        warnPercent: { type: 'integer', minimum: 1, maximum: 100 },
        prefixListWeights: prefixListSizesSchema,
      },
      additionalProperties: false,
    },
    defaults: { quota: 60, warnPercent: 80, prefixListWeights: {} },
  },
  messages: {
    over: 'Group `{group}` has {atLeast}{count} {direction} {family} rules, over the quota of {quota}{prefixLists}',
    near: 'Group `{group}` has {atLeast}{count} {direction} {family} rules, {percent}% of the quota of {quota}{prefixLists}',
  },
  check(ctx) {
    const { quota, warnPercent } = ctx.options;
    const warnAt = Math.ceil((quota * warnPercent) / 100);
    for (const group of ctx.model.groups.values()) {
      for (const c of groupRuleCounts(ctx.model, group, ctx.options.prefixListWeights)) {
        if (c.count < warnAt) {
          for (const u of c.unknowns) ctx.unresolved(u);
          continue;
        }
        const messageId = c.count > quota ? 'over' : 'near';
        ctx.report({
          messageId,
          data: {
            group: group.address,
            atLeast: c.atLeast ? 'at least ' : '',
            count: c.count,
            direction: c.direction === 'ingress' ? 'inbound' : 'outbound',
            family: c.family === 4 ? 'IPv4' : 'IPv6',
            quota,
            percent: Math.floor((c.count * 100) / quota),
            prefixLists: c.prefixLists > 0 ? ` (prefix lists count for ${c.prefixLists} of them)` : '',
          },
          at: group.at,
          resource: group.address,
          group: group.address,
          ...(c.when.length > 0 ? { when: c.when } : {}),
          ...(messageId === 'near' ? { levelOverride: 'warning' as const } : {}),
          key: `${c.direction}|${c.family}|${messageId}|${c.count}`,
        });
      }
    }
  },
});
