import type { Facts } from '../../model/types.js';
import { idMarker } from './evaluate.js';
import { indexModule, Instance, type TfFile, type World } from './module.js';
import type { PlannedResource, PlanValues } from './plan.js';
import { extractResource } from './resources.js';

const GROUP_REFERENCE = /^(?:aws_security_group|aws_default_security_group)\.[\w-]+(?:\[[^\]]+\])?/;
const GROUP_ID_ATTRIBUTES = ['security_group_id', 'source_security_group_id', 'referenced_security_group_id'];
/** Top-level lists of group ids on the resources that carry groups (nested blocks keep what the plan knows). */
const GROUP_LIST_ATTRIBUTES = ['vpc_security_group_ids', 'security_groups', 'security_group_ids'];

/**
 * A plan with no configuration beside it: its planned resources are the model, at the plan file (RULES.md: findings then
 * point into the plan). A group created in the same plan has no id yet; the configuration's references in the plan
 * (`expressions.security_group_id.references`) say which group a rule belongs to.
 */
export function extractPlanOnly(plan: PlanValues, planDirAbs: string, rootDir: string, world: World, facts: Facts): void {
  const file: TfFile = { path: plan.path, text: '', body: {}, find: () => undefined };
  const instance = new Instance(indexModule(planDirAbs, rootDir, []), { world, rootDir, prefix: '', via: [], callKey: '', when: [], stack: [planDirAbs] });
  const addresses = new Set(plan.managed.map((r) => r.address));
  const firstGroup = facts.groups.length;
  for (const r of plan.managed) {
    const local = r.address;
    const body = escapeTemplates(linkGroups(r, plan, addresses, rootDir)) as Record<string, unknown>;
    extractResource({ file, instance, facts, bindings: new Map(), when: [] }, { type: r.type, name: local, body, path: local, address: local, local });
  }
  // A plan lists a group's rules, standalone ones included, whether or not the configuration states them inline.
  for (const g of facts.groups) if (g.at.file === plan.path) delete g.inlineRules;
  // A plan alone shows neither outputs nor module calls: its groups are taken as used (group-unattached stays quiet).
  const at = { file: plan.path, start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, path: '' };
  for (const g of facts.groups.slice(firstGroup)) facts.references.push({ ref: { kind: 'model', id: g.id }, at });
}

function linkGroups(r: PlannedResource, plan: PlanValues, addresses: Set<string>, rootDir: string): Record<string, unknown> {
  const values = { ...r.values };
  const configAddress = `${r.prefix.replace(/\[[^\]]*\]/g, '')}${r.address.slice(r.prefix.length).replace(/\[[^\]]*\]$/, '')}`;
  const refs = plan.references.get(configAddress) ?? {};
  const groupsOf = (attr: string): string[] => {
    const named = new Set((refs[attr] ?? []).map((x) => GROUP_REFERENCE.exec(x)?.[0]).filter((x): x is string => x !== undefined));
    // `aws_security_group.web[0].id` is listed with `aws_security_group.web` too: keep the most precise.
    const precise = [...named].filter((n) => ![...named].some((m) => m !== n && m.startsWith(`${n}[`)));
    return precise.flatMap((ref) => {
      const exact = `${r.prefix}${ref}`;
      const target = addresses.has(exact) ? exact : [...addresses].find((a) => a.startsWith(`${exact}[`));
      return target ? [idMarker(`tf:${rootDir}#${target}`)] : [];
    });
  };
  for (const attr of GROUP_ID_ATTRIBUTES) {
    if (values[attr] !== undefined && values[attr] !== null) continue;
    const [first] = groupsOf(attr);
    if (first) values[attr] = first;
  }
  for (const attr of GROUP_LIST_ATTRIBUTES) {
    if (Array.isArray(values[attr]) && (values[attr] as unknown[]).length > 0) continue;
    const linked = groupsOf(attr);
    if (linked.length > 0) values[attr] = linked;
  }
  return values;
}

/** Planned values are data: a `${` in a description is text, not an interpolation. */
function escapeTemplates(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/([$%])\{/g, '$1$1{');
  if (Array.isArray(v)) return v.map(escapeTemplates);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeTemplates(x)]));
  return v;
}
