import { defineRule, noOptions } from '../src/engine/define-rule.js';
import { rootOf } from '../src/model/roots.js';
import type { GroupRef, Model, SecurityGroup } from '../src/model/types.js';
import { alternatives, type Value } from '../src/model/value.js';

export default defineRule({
  id: 'group-unattached',
  title: 'Security group that nothing attaches or references',
  description:
    'Flags a security group that no resource attaches, no rule names as a peer, and nothing else in the analyzed configuration references or exports (a module output, a stack output, a construct property).',
  level: 'note',
  securitySeverity: 1.0,
  tags: ['hygiene', 'quota'],
  practice: 3,
  wholeRun: true,
  options: noOptions,
  messages: {
    unattached: 'Group `{group}` is not attached to anything, and nothing in the analyzed configuration references or exports it',
  },
  check(ctx) {
    const { model } = ctx;
    const used = usedGroups(model);
    const names = externalNames(model);
    // A lookup whose name or filter is not known (a data source by tags, a name from a variable) may find any group of its root.
    const files = new Map(model.files.map((f) => [f.path, f]));
    const unknownLookups = new Set(model.references.filter((r) => r.ref.kind === 'external' && alternatives(r.ref.id).some((a) => a.value.k !== 'known')).map((r) => rootOf(r.at, files)));
    for (const group of model.groups.values()) {
      if (group.isDefault || used.has(group.id) || namedElsewhere(group, names)) continue;
      const root = rootOf(group.at, files);
      if (unknownLookups.has(root)) {
        for (const r of model.references) {
          if (r.ref.kind !== 'external' || rootOf(r.at, files) !== root) continue;
          for (const a of alternatives(r.ref.id)) if (a.value.k === 'unresolved') ctx.unresolved(a.value);
        }
        continue;
      }
      ctx.report({
        messageId: 'unattached',
        data: { group: group.address },
        at: group.at,
        resource: group.address,
        group: group.address,
        key: 'unattached',
        ...(group.when ? { when: group.when } : {}),
      });
    }
  },
});

/** Groups attached to a resource, named as a peer by another group's rule (or an orphan rule), or referenced. */
function usedGroups(model: Model): Set<string> {
  const used = new Set<string>();
  const mark = (ref: GroupRef | null) => {
    if (ref?.kind === 'model') used.add(ref.id);
  };
  for (const a of model.attachments) for (const g of a.groups) mark(g.ref);
  for (const r of model.references) mark(r.ref);
  for (const rule of model.rules.values()) {
    if (rule.peer.kind !== 'securityGroup' || rule.peer.ref.kind !== 'model' || rule.peer.ref.id === rule.group) continue;
    mark(rule.peer.ref);
  }
  return used;
}

/** Known strings that name a group from outside the model (a group name in an attachment, a peer or a lookup). */
function externalNames(model: Model): Set<string> {
  const names = new Set<string>();
  const add = (ref: GroupRef | null) => {
    if (ref?.kind !== 'external') return;
    for (const alt of alternatives(ref.id)) if (alt.value.k === 'known') names.add(alt.value.v);
  };
  for (const a of model.attachments) for (const g of a.groups) add(g.ref);
  for (const r of model.references) add(r.ref);
  for (const rule of model.rules.values()) add(rule.peer.kind === 'securityGroup' ? rule.peer.ref : null);
  return names;
}

/** A group whose name (in any deployment variant) is used by name somewhere: EC2-Classic style `security_groups = ["web"]`. */
function namedElsewhere(group: SecurityGroup, names: Set<string>): boolean {
  if (names.size === 0) return false;
  const patterns = [...names].filter((n) => n.includes('*')).map(globPattern);
  const matches = (name: string) => names.has(name) || patterns.some((p) => p.test(name));
  // A generated name starts with the prefix: any name or pattern that could be it counts.
  const prefixed = (prefix: string) => [...names].some((n) => n.startsWith(prefix) || globPattern(n).test(prefix));
  return knownValues(group.name).some(matches) || knownValues(group.namePrefix).some(prefixed);
}

/** A lookup's `*` wildcard pattern (`web-*`) as a regular expression over whole names. */
function globPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function knownValues(v: Value<string> | null): string[] {
  return v ? alternatives(v).flatMap((a) => (a.value.k === 'known' ? [a.value.v] : [])) : [];
}
