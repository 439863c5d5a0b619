import { defineRule, type RelatedLocation } from '../src/engine/define-rule.js';
import type { AttachedGroup, Attachment, TargetKind } from '../src/model/types.js';
import type { Unresolved } from '../src/model/value.js';
import { groupRuleCounts, type RuleCount } from './_quota.js';
import { conditionsOf, together, variantsOf } from './_rule-forms.js';
import { addTo } from './_shared.js';

interface Options {
  quota: number;
  ruleQuota: number;
}

/** AWS: security groups per network interface × rules per security group may not exceed this. */
const PRODUCT_LIMIT = 1000;

const KIND_LABEL: Record<TargetKind, string> = {
  instance: 'Instance',
  'network-interface': 'Network interface',
  'launch-template': 'Launch template',
  'launch-configuration': 'Launch configuration',
  'load-balancer': 'Load balancer',
  'db-instance': 'DB instance',
  'db-cluster': 'DB cluster',
  'cache-cluster': 'Cache cluster',
  'cache-replication-group': 'Cache replication group',
  'lambda-function': 'Lambda function',
  'ecs-service': 'ECS service',
  'eks-cluster': 'EKS cluster',
  'vpc-endpoint': 'VPC endpoint',
  other: 'Resource',
};

export default defineRule<Options>({
  id: 'attachment-group-quota',
  title: 'More security groups on one resource or network interface than the quota',
  description:
    'Flags a resource or network interface (instance, launch template, ENI, load balancer, database, cache, Lambda function, ECS service, EKS cluster, endpoint) with more security groups attached than the quota (default 5; AWS raises it up to 16), or whose groups and their rules together exceed the 1,000 that groups per interface × rules per group may reach.',
  level: 'error',
  securitySeverity: 1.0,
  tags: ['quota', 'deploy-failure'],
  practice: 2,
  options: {
    schema: {
      type: 'object',
      properties: { quota: { type: 'integer', minimum: 1, maximum: 16 }, ruleQuota: { type: 'integer', minimum: 1, maximum: 1000 } },
      additionalProperties: false,
    },
    defaults: { quota: 5, ruleQuota: 60 },
  },
  messages: {
    tooMany: '{kind} `{target}` has {atLeast}{count} security groups attached{where}, over the quota of {quota}',
    product:
      '{kind} `{target}` has {count} security groups attached{where} and `{group}` has {rules} {direction} {family} rules: {count} × {rules} exceeds the 1,000 that groups per network interface × rules per group may reach',
  },
  check(ctx) {
    const byTarget = new Map<string, Attachment[]>();
    for (const a of ctx.model.attachments) addTo(byTarget, targetKey(a), a);
    const ruleCounts = new Map<string, RuleCount | null>();
    const mostRules = (id: string): RuleCount | null => {
      if (!ruleCounts.has(id)) {
        const group = ctx.model.groups.get(id);
        const counts = group ? groupRuleCounts(ctx.model, group, {}) : [];
        ruleCounts.set(id, counts.reduce<RuleCount | null>((best, c) => (!best || c.count > best.count ? c : best), null));
      }
      return ruleCounts.get(id)!;
    };
    for (const attachments of byTarget.values()) {
      const main = attachments.find((a) => !a.additive) ?? attachments[0]!;
      const related: RelatedLocation[] = attachments.filter((a) => a !== main).map((a) => ({ at: a.at, message: 'more groups are attached here' }));
      for (const [iface, groups] of byInterface(attachments)) {
        const worst = mostGroups(groups);
        for (const u of worst.unknowns) ctx.unresolved(u);
        const where = iface ? ` on its network interface \`${iface}\`` : '';
        const data = { kind: KIND_LABEL[main.target.kind], target: main.target.address, count: worst.count, where };
        const base = { at: main.target.at, resource: main.target.address, related, ...(worst.when.length > 0 ? { when: worst.when } : {}) };
        if (worst.count > ctx.options.quota) {
          ctx.report({ messageId: 'tooMany', data: { ...data, atLeast: worst.atLeast ? 'at least ' : '', quota: ctx.options.quota }, ...base, key: `${iface}|tooMany|${worst.count}` });
          continue;
        }
        const largest = worst.models.map(mostRules).reduce<RuleCount | null>((best, c) => (c && (!best || c.count > best.count) ? c : best), null);
        // A group with more rules than the rule quota needs a raised quota, which lowers the groups an interface may carry.
        if (!largest || largest.count < ctx.options.ruleQuota || worst.count * largest.count <= PRODUCT_LIMIT) continue;
        const group = worst.models.find((id) => mostRules(id) === largest)!;
        ctx.report({
          messageId: 'product',
          data: { ...data, group: ctx.model.groups.get(group)!.address, rules: largest.count, direction: largest.direction === 'ingress' ? 'inbound' : 'outbound', family: largest.family === 4 ? 'IPv4' : 'IPv6' },
          ...base,
          key: `${iface}|product|${worst.count}|${largest.count}`,
        });
      }
    }
  },
});

/** One target: its address in the file that defines it, reached through the same module calls or nested stacks. */
function targetKey(a: Attachment): string {
  const at = a.target.at;
  return [a.target.address, at.file, ...(at.via ?? []).map((v) => `${v.file}:${v.start.line}:${v.start.column}`)].join('|');
}

/** The groups of a target by the network interface that carries them ('' for the target's own). */
function byInterface(attachments: Attachment[]): Map<string, AttachedGroup[]> {
  const out = new Map<string, AttachedGroup[]>();
  for (const a of attachments) for (const g of a.groups) addTo(out, g.networkInterface ?? '', g);
  return out;
}

/** Distinct groups in the deployment variant with the most; groups whose id is not known are not counted. */
function mostGroups(groups: AttachedGroup[]): { count: number; atLeast: boolean; when: string[]; models: string[]; unknowns: Unresolved[] } {
  const unknowns = groups.flatMap((g) => (g.ref.kind === 'external' && g.ref.id.k === 'unresolved' ? [g.ref.id] : []));
  const variants = variantsOf(groups.map((g) => g.when ?? [])) ?? [[]];
  let best = { count: -1, atLeast: false, when: [] as string[], models: [] as string[], unknowns };
  for (const variant of variants) {
    const keys = new Map<string, AttachedGroup>();
    let unknown = false;
    for (const g of groups) {
      const when = g.when ?? [];
      if (variant.length === 0 ? when.length > 0 : together(when, variant) === null) continue;
      // An empty id (`try(aws_security_group.x[0].id, "")` where no group is created) attaches nothing.
      if (g.ref.kind === 'external' && g.ref.id.k === 'known' && g.ref.id.v.trim() === '') continue;
      const key = g.ref.kind === 'model' ? `model:${g.ref.id}` : g.ref.id.k === 'known' ? `external:${g.ref.id.v}` : null;
      if (key === null) unknown = true;
      else if (!keys.has(key)) keys.set(key, g);
    }
    if (keys.size <= best.count) continue;
    const taken = [...keys.values()];
    best = { count: keys.size, atLeast: unknown, when: conditionsOf(taken.map((g) => ({ when: g.when ?? [] }))), models: taken.flatMap((g) => (g.ref.kind === 'model' ? [g.ref.id] : [])), unknowns };
  }
  return { ...best, count: Math.max(best.count, 0) };
}
