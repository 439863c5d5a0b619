import { compareSpans } from './location.js';
import type { Protocol } from './net.js';
import { emptyModel, guardPeer, type Facts, type Model, type RuleEntry, type SecurityGroup, type SgRule } from './types.js';
import { consistent, known, under, type Value } from './value.js';
import { appendAll } from '../util/arrays.js';

/**
 * The single place where facts from every front end become one model: rules join their groups, references that name
 * no analyzed group become orphans, and AWS's implicit allow-all egress is added where nothing removed it. The facts are
 * used up: their rule objects become the model's.
 */
export function link(all: Facts[]): Model {
  const model = emptyModel();
  for (const facts of all) {
    for (const g of facts.groups) if (!model.groups.has(g.id)) model.groups.set(g.id, { ...g, ingress: [], egress: [] });
    appendAll(model.attachments, facts.attachments);
    appendAll(model.references, facts.references);
    appendAll(model.files, facts.files);
    appendAll(model.unresolved, facts.unresolved);
  }
  // concat copies each list whole; flatMap (or a push a rule) takes a fifth of a second for a million rules.
  const rules = ([] as SgRule[]).concat(...all.map((f) => f.rules));
  rules.sort((a, b) => compareSpans(a.at, b.at) || compareSpans(a.peerAt, b.peerAt));
  for (const rule of rules) {
    if (model.rules.has(rule.id)) continue;
    const group = rule.groupRef?.kind === 'model' ? model.groups.get(rule.groupRef.id) : undefined;
    // Joined in place, not copied: a million rules would make a million copies.
    const linked: SgRule = group?.when ? existingWith(rule, group.when) : rule;
    linked.group = group?.id ?? null;
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

/** What the rules of one written entry share, put under their group's conditions once (by the entry they came with). */
type EntryValues = Pick<SgRule, 'entry' | 'protocol' | 'fromPort' | 'toPort' | 'description'>;
const entriesUnder = new WeakMap<RuleEntry, EntryValues>();

/**
 * A rule exists only where its group does: its values are judged only in the variants where the group exists, so a
 * value that is null or odd only where nothing is created (`try(aws_vpc.this[0].cidr_block, null)` beside
 * `count = var.create ? 1 : 0`) is never judged. The rules of one entry (one per peer of one written rule, so with the
 * same protocol, ports and description) keep sharing one entry and one of each value, so what is derived from those
 * (their traffic) is still derived once per entry.
 */
function existingWith(rule: SgRule, when: string[]): SgRule {
  const guard = <T>(v: Value<T>): Value<T> => under(when, v);
  let shared = entriesUnder.get(rule.entry);
  if (!shared) {
    shared = {
      entry: { ...rule.entry, when: [...new Set([...when, ...(rule.entry.when ?? [])])] },
      protocol: guard(rule.protocol),
      fromPort: rule.fromPort && guard(rule.fromPort),
      toPort: rule.toPort && guard(rule.toPort),
      description: rule.description && guard(rule.description),
    };
    entriesUnder.set(rule.entry, shared);
  }
  return { ...rule, ...shared, peer: guardPeer(rule.peer, guard) };
}

/**
 * When AWS's default egress survives: always if the group has no egress rule; if every egress rule exists only under
 * a condition, when none of them exists (only simple true/false conditions can be negated); otherwise never (null).
 */
function implicitEgressConditions(model: Model, group: SecurityGroup): string[] | null {
  const own = group.when ?? [];
  if (group.egress.length === 0) return own;
  const ownLabels = new Set(own.flatMap((w) => w.split(' and ')));
  const negated = new Set<string>();
  for (const id of group.egress) {
    const when = model.rules.get(id)!.entry.when ?? [];
    const labels = when.flatMap((w) => w.split(' and ')).filter((l) => !ownLabels.has(l));
    if (labels.length !== 1) return null;
    const m = /^(.+) is (true|false)$/.exec(labels[0]!);
    if (!m) return null;
    negated.add(`${m[1]} is ${m[2] === 'true' ? 'false' : 'true'}`);
  }
  return consistent([...own, ...negated]) ? [...own, ...negated] : null;
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
