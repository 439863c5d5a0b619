import { compareSpans } from './location.js';
import type { Protocol } from './net.js';
import { emptyModel, type Facts, type Model, type SecurityGroup, type SgRule } from './types.js';
import { known } from './value.js';

/**
 * The single place where facts from every front end become one model: rules join their groups, references that name
 * no analyzed group become orphans, and AWS's implicit allow-all egress is added where nothing removed it.
 */
export function link(all: Facts[]): Model {
  const model = emptyModel();
  for (const facts of all) {
    for (const g of facts.groups) if (!model.groups.has(g.id)) model.groups.set(g.id, { ...g, ingress: [], egress: [] });
    model.attachments.push(...facts.attachments);
    model.files.push(...facts.files);
    model.unresolvedCount += facts.unresolvedCount;
    model.unresolved.push(...facts.unresolved);
  }
  const rules = all.flatMap((f) => f.rules).sort((a, b) => compareSpans(a.at, b.at) || compareSpans(a.peerAt, b.peerAt));
  for (const rule of rules) {
    if (model.rules.has(rule.id)) continue;
    const group = rule.groupRef?.kind === 'model' ? model.groups.get(rule.groupRef.id) : undefined;
    const linked: SgRule = { ...rule, group: group?.id ?? null };
    model.rules.set(linked.id, linked);
    if (group) group[rule.direction].push(linked.id);
    else model.orphanRules.push(linked.id);
  }
  for (const group of model.groups.values()) {
    if (!group.implicitEgress) continue;
    if (group.egress.length > 0) group.implicitEgress = false;
    else addImplicitEgress(model, group);
  }
  return model;
}

function addImplicitEgress(model: Model, group: SecurityGroup): void {
  const at = group.at;
  const rule: SgRule = {
    id: `${group.id}#implicit-egress`,
    group: group.id,
    groupRef: { kind: 'model', id: group.id },
    direction: 'egress',
    protocol: known<Protocol>('all', at),
    fromPort: null,
    toPort: null,
    peer: { kind: 'cidr4', cidr: known('0.0.0.0/0', at) },
    peerAt: at,
    description: null,
    origin: 'default',
    entry: { id: `${group.id}#implicit-egress`, peerCount: 1, singlePeer: true, at },
    resource: group.address,
    implicit: true,
    at,
  };
  model.rules.set(rule.id, rule);
  group.egress.push(rule.id);
}
