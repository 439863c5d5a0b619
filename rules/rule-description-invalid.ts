import { defineRule, noOptions } from '../src/engine/define-rule.js';
import { alternatives } from '../src/model/value.js';
import { invalidCharacters, MAX_DESCRIPTION_LENGTH, showCharacters } from './_description.js';
import { groupAddress, groupLabel } from './_shared.js';

export default defineRule({
  id: 'rule-description-invalid',
  title: 'Rule description that AWS rejects',
  description:
    "Flags a rule description longer than 255 characters or with characters outside AWS's allowed set (a-z A-Z 0-9, space and ._-:/()#,@[]+=&;{}!$*). An apostrophe is not allowed. Deploying it would fail.",
  level: 'error',
  securitySeverity: 1.0,
  tags: ['correctness', 'deploy-failure'],
  practice: 2,
  options: noOptions,
  messages: {
    tooLong: 'Rule description on group `{group}` is {length} characters long; AWS allows at most 255',
    badCharacters: 'Rule description on group `{group}` contains {characters}, which AWS does not allow in descriptions',
  },
  check(ctx) {
    const seen = new Set<string>();
    for (const rule of ctx.model.rules.values()) {
      if (!rule.description || seen.has(rule.entry.id) || rule.origin === 'cdk-generated') continue;
      seen.add(rule.entry.id);
      const group = groupAddress(ctx.model, rule);
      for (const alt of alternatives(rule.description)) {
        if (alt.value.k === 'unresolved') {
          ctx.unresolved(alt.value);
          continue;
        }
        const text = alt.value.v;
        const base = { at: alt.value.at, resource: rule.resource, ...(group ? { group } : {}), ...(alt.when.length > 0 ? { when: alt.when } : {}) };
        const bad = invalidCharacters(text);
        if (text.length > MAX_DESCRIPTION_LENGTH) ctx.report({ ...base, messageId: 'tooLong', data: { group: groupLabel(ctx.model, rule), length: text.length }, key: `length|${text}` });
        if (bad.length > 0) ctx.report({ ...base, messageId: 'badCharacters', data: { group: groupLabel(ctx.model, rule), characters: showCharacters(bad) }, key: `chars|${text}` });
      }
    }
  },
});
