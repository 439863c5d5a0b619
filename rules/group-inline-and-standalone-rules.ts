import { defineRule } from '../src/engine/define-rule.js';
import { rulesByEntry } from '../src/model/entries.js';
import { alternatives, consistentWith } from '../src/model/value.js';

interface Options {
  sameDirectionOnly: boolean;
}

const STANDALONE = new Set(['tf-sg-rule', 'tf-vpc-rule']);

export default defineRule<Options>({
  id: 'group-inline-and-standalone-rules',
  title: 'Terraform group with inline rules that standalone rule resources also change',
  description:
    'Flags an `aws_security_group_rule` or `aws_vpc_security_group_ingress_rule`/`egress_rule` on a Terraform `aws_security_group` that states its own rules of the same direction inline (blocks, or the attribute, `= []` included): each apply removes what the other form added.',
  level: 'warning',
  securitySeverity: 3.0,
  tags: ['correctness', 'terraform'],
  formats: ['terraform'],
  practice: 1,
  options: {
    schema: { type: 'object', properties: { sameDirectionOnly: { type: 'boolean' } }, additionalProperties: false },
    defaults: { sameDirectionOnly: false },
  },
  messages: {
    conflict: 'This `{type}` adds an {direction} rule to `{group}`, whose inline {direction} rules Terraform also manages: each apply removes the rules the other form added',
    mixed:
      'This `{type}` adds an {direction} rule to `{group}`, which states its {inlineDirection} rules inline: the AWS provider documents the two forms as conflicting, and an inline {direction} rule added later would remove this one on every apply',
  },
  check(ctx) {
    const entries = rulesByEntry(ctx.model.rules.values(), (rule) => STANDALONE.has(rule.origin) && rule.group !== null);
    for (const rules of entries.values()) {
      const rule = rules[0]!;
      const group = ctx.model.groups.get(rule.group!)!;
      if (group.isDefault) continue;
      // The same direction first: there the two forms rewrite each other's rules on every apply.
      const inlines = [...(group.inlineRules ?? [])].sort((a, b) => Number(b.direction === rule.direction) - Number(a.direction === rule.direction));
      for (const inline of inlines) {
        const same = inline.direction === rule.direction;
        if (ctx.options.sameDirectionOnly && !same) continue;
        const exists = rule.entry.when ?? [];
        const present = alternatives(inline.present).filter((a) => a.value.k === 'known' && a.value.v && consistentWith(a.when, exists));
        for (const u of alternatives(inline.present)) if (u.value.k === 'unresolved') ctx.unresolved(u.value);
        if (present.length === 0) continue;
        const when = present.every((a) => a.when.length > 0) ? [...new Set([...exists, ...present[0]!.when])] : exists;
        ctx.report({
          messageId: same ? 'conflict' : 'mixed',
          data: { type: rule.origin === 'tf-vpc-rule' ? `aws_vpc_security_group_${rule.direction}_rule` : 'aws_security_group_rule', direction: rule.direction, group: group.address, inlineDirection: inline.direction },
          at: rule.entry.at,
          resource: rule.resource,
          group: group.address,
          related: [{ at: inline.at, message: `the group's inline ${inline.direction} rules` }],
          ...(when.length > 0 ? { when } : {}),
          key: `${rule.direction}|${inline.direction}`,
        });
        break;
      }
    }
  },
});
