import { compareSpans } from './location.js';
import type { Protocol } from './net.js';
import { emptyModel, type Facts, type Model, type SecurityGroup, type SgRule } from './types.js';
import { consistent, known } from './value.js';

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
    const when = implicitEgressConditions(model, group);
    if (when === null) group.implicitEgress = false;
    else addImplicitEgress(model, group, when);
  }
  return model;
}

/**
 * When AWS's default egress survives: always if the group has no egress rule; if every egress rule exists only under
 * a condition, when none of them exists (only simple true/false conditions can be negated); otherwise never (null).
 */
function implicitEgressConditions(model: Model, group: SecurityGroup): string[] | null {
  if (group.egress.length === 0) return [];
  const negated = new Set<string>();
  for (const id of group.egress) {
    const when = model.rules.get(id)!.entry.when ?? [];
    const labels = when.flatMap((w) => w.split(' and '));
    if (labels.length !== 1) return null;
    const m = /^(.+) is (true|false)$/.exec(labels[0]!);
    if (!m) return null;
    negated.add(`${m[1]} is ${m[2] === 'true' ? 'false' : 'true'}`);
  }
  return consistent([...negated]) ? [...negated] : null;
}

function addImplicitEgress(model: Model, group: SecurityGroup, when: string[]): void {
  const at = group.at;
  const world = known('0.0.0.0/0', at);
  const rule: SgRule = {
    id: `${group.id}#implicit-egress`,
    group: group.id,
    groupRef: { kind: 'model', id: group.id },
    direction: 'egress',
    protocol: known<Protocol>('all', at),
    fromPort: null,
    toPort: null,
    peer: { kind: 'cidr4', cidr: when.length === 0 ? world : { k: 'oneOf', at, options: [{ when: when.join(' and '), value: world }] } },
    peerAt: at,
    description: null,
    origin: 'default',
    entry: { id: `${group.id}#implicit-egress`, peerCount: 1, singlePeer: true, ...(when.length > 0 ? { when } : {}), at },
    resource: group.address,
    implicit: true,
    at,
  };
  model.rules.set(rule.id, rule);
  group.egress.push(rule.id);
}
