import { defineRule, noOptions } from '../src/engine/define-rule.js';
import { alternatives } from '../src/model/value.js';

/** Descriptions tools fill in when the author wrote none. */
/** What Terraform writes when a group has no description: also what a deployed group shows (an AWS export). */
const TERRAFORM_DEFAULT = 'Managed by Terraform';

export default defineRule({
  id: 'group-missing-description',
  title: 'Security group without a meaningful description',
  description:
    'Flags a security group with no description, an empty one, or a tool default (Terraform\'s "Managed by Terraform", CDK\'s construct path).',
  level: 'warning',
  securitySeverity: 2.0,
  tags: ['hygiene', 'documentation'],
  practice: 2,
  options: noOptions,
  messages: {
    missing: 'Group `{group}` has no description{fallback}',
    empty: 'Group `{group}` has a blank description',
    toolDefault: 'Group `{group}` has only the tool default description "{text}"',
    constructPath: 'Group `{group}` has only the description CDK generates from its construct path ("{text}")',
    cdkConstructPath: 'Group `{group}` has no description: CDK will write its construct path ({text}) instead',
  },
  check(ctx) {
    for (const group of ctx.model.groups.values()) {
      if (group.isDefault) continue;
      const base = { resource: group.address, group: group.address, data: { group: group.address, fallback: '' } };
      if (!group.description) {
        const fallback =
          group.format === 'terraform'
            ? ` (Terraform sets "${TERRAFORM_DEFAULT}")`
            : (group.format === 'cloudformation' || group.format === 'cdk') && !group.generatedDescription
            ? ' (CloudFormation requires GroupDescription)'
            : '';
        ctx.report({ ...base, at: group.at, messageId: 'missing', data: { ...base.data, fallback }, key: 'missing' });
        continue;
      }
      for (const alt of alternatives(group.description)) {
        if (alt.value.k === 'unresolved') {
          ctx.unresolved(alt.value);
          continue;
        }
        const text = alt.value.v;
        const when = alt.when.length > 0 ? { when: alt.when } : {};
        if (text.trim() === '') ctx.report({ ...base, at: alt.value.at, messageId: 'empty', key: 'empty', ...when });
        else if (text === TERRAFORM_DEFAULT || text === group.generatedDescription) {
          const messageId = text === TERRAFORM_DEFAULT ? 'toolDefault' : group.format === 'cdk' ? 'cdkConstructPath' : 'constructPath';
          ctx.report({ ...base, at: alt.value.at, messageId, data: { ...base.data, text }, key: `default|${text}`, ...when });
        }
      }
    }
  },
});
