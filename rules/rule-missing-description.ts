import { defineRule } from '../src/engine/define-rule.js';
import { alternatives } from '../src/model/value.js';
import { groupAddress } from './_shared.js';

interface Options {
  cdkGenerated: boolean;
}

export default defineRule<Options>({
  id: 'rule-missing-description',
  title: 'Security group rule without a description',
  description:
    'Flags a written ingress or egress rule with no description or an empty one. CDK-generated descriptions count as descriptions unless `cdkGenerated` is set. AWS\'s implicit egress is not a written rule and is never reported.',
  level: 'warning',
  securitySeverity: 2.0,
  tags: ['hygiene', 'documentation'],
  practice: 2,
  options: {
    schema: { type: 'object', properties: { cdkGenerated: { type: 'boolean' } }, additionalProperties: false },
    defaults: { cdkGenerated: false },
  },
  messages: {
    missing: '{direction} rule on group `{group}` has no description',
    empty: '{direction} rule on group `{group}` has a blank description',
    generated: '{direction} rule on group `{group}` has only the description CDK generates ("{text}")',
  },
  check(ctx) {
    const seen = new Set<string>();
    for (const rule of ctx.model.rules.values()) {
      if (rule.implicit || seen.has(rule.entry.id)) continue;
      seen.add(rule.entry.id);
      // What a finding says of the rule, made only for a rule that has one.
      const finding = () => {
        const group = groupAddress(ctx.model, rule);
        return {
          base: { at: rule.at, resource: rule.resource, ...(group ? { group } : {}) },
          data: { direction: rule.direction === 'ingress' ? 'Ingress' : 'Egress', group: group ?? rule.resource },
        };
      };
      if (rule.origin === 'cdk-generated') {
        if (!ctx.options.cdkGenerated) continue;
        const text = rule.description?.k === 'known' ? rule.description.v : '';
        const { base, data } = finding();
        ctx.report({ ...base, messageId: 'generated', data: { ...data, text }, key: `${rule.direction}|generated|${entryKey(rule.entry.at.path)}|${text}`, levelOverride: 'note' });
        continue;
      }
      if (!rule.description) {
        const when = rule.entry.when ?? [];
        const { base, data } = finding();
        ctx.report({ ...base, messageId: 'missing', data, key: `${rule.direction}|missing|${entryKey(rule.entry.at.path)}`, ...(when.length > 0 ? { when } : {}) });
        continue;
      }
      if (rule.description.k === 'known' && typeof rule.description.v === 'string' && rule.description.v.trim() !== '') continue;
      for (const alt of alternatives(rule.description)) {
        if (alt.value.k === 'unresolved') {
          ctx.unresolved(alt.value);
          continue;
        }
        if (alt.value.v.trim() !== '') continue;
        const { base, data } = finding();
        ctx.report({ ...base, at: alt.value.at, messageId: 'empty', data, key: `${rule.direction}|empty|${entryKey(rule.entry.at.path)}`, ...(alt.when.length > 0 ? { when: alt.when } : {}) });
      }
    }
  },
});

/** The entry's logical path without list indexes, so the fingerprint survives reordering. */
function entryKey(path: string): string {
  if (!path.includes('[')) return path;
  return path.replace(/\[\d+\]/g, '');
}
