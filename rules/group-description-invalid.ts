import { defineRule, noOptions } from '../src/engine/define-rule.js';
import { alternatives, type Value } from '../src/model/value.js';
import { invalidCharacters, MAX_DESCRIPTION_LENGTH, showCharacters } from './_description.js';

/** AWS appends a 26-character unique suffix to a name prefix. */
const MAX_PREFIX_LENGTH = MAX_DESCRIPTION_LENGTH - 26;

export default defineRule({
  id: 'group-description-invalid',
  title: 'Group description or name that AWS rejects',
  description:
    "Flags a group description or name longer than 255 characters or with characters outside AWS's allowed set, a group name that starts with `sg-`, and the reserved name `default`. Deploying it would fail.",
  level: 'error',
  securitySeverity: 1.0,
  tags: ['correctness', 'deploy-failure'],
  practice: 2,
  options: noOptions,
  messages: {
    tooLong: 'Group {field} of `{group}` is {length} characters long; AWS allows at most {max}',
    badCharacters: 'Group {field} of `{group}` contains {characters}, which AWS does not allow',
    reservedPrefix: 'Group name "{name}" of `{group}` starts with "sg-", which AWS reserves for group ids',
    reservedName: 'Group name "default" of `{group}` is reserved: every VPC already has a group with that name',
  },
  check(ctx) {
    for (const group of ctx.model.groups.values()) {
      const fields: [string, Value<string> | null][] = [
        ['description', group.description],
        ['name', group.name],
        ['name prefix', group.namePrefix],
      ];
      for (const [field, value] of fields) {
        // CDK's stand-in for a missing description is group-missing-description's finding, not an invalid text.
        if (!value || (field === 'description' && value.k === 'known' && value.v === group.generatedDescription)) continue;
        for (const alt of alternatives(value)) {
          if (alt.value.k === 'unresolved') {
            ctx.unresolved(alt.value);
            continue;
          }
          const text = alt.value.v;
          const base = { at: alt.value.at, resource: group.address, group: group.address, ...(alt.when.length > 0 ? { when: alt.when } : {}) };
          const bad = invalidCharacters(text);
          const max = field === 'name prefix' ? MAX_PREFIX_LENGTH : MAX_DESCRIPTION_LENGTH;
          if (text.length > max) ctx.report({ ...base, messageId: 'tooLong', data: { field, group: group.address, length: text.length, max }, key: `${field}|length|${text}` });
          if (bad.length > 0) ctx.report({ ...base, messageId: 'badCharacters', data: { field, group: group.address, characters: showCharacters(bad) }, key: `${field}|chars|${text}` });
          if (field !== 'description' && text.startsWith('sg-')) ctx.report({ ...base, messageId: 'reservedPrefix', data: { name: text, group: group.address }, key: `${field}|sg-|${text}` });
          if (field === 'name' && text.toLowerCase() === 'default' && !group.isDefault) ctx.report({ ...base, messageId: 'reservedName', data: { group: group.address }, key: `${field}|default` });
        }
      }
    }
  },
});
