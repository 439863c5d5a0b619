import type { Span } from './location.js';
import { addressVariants, subtractReach, worldExposures, type RuleVariant, type WorldExposure } from './exposure.js';
import { formatCidr, isWorld, type Family } from './net.js';
import { carriersByGroup, groupKey, targetsOf, type Target } from './targets.js';
import { emptyReach, reachIsEmpty, ruleTraffic, unionReach, type Reach } from './traffic.js';
import type { GroupRef, Model, SgRule } from './types.js';
import { alternatives, consistent, type Unresolved } from './value.js';
import { addTo } from '../util/maps.js';

/** Who a grant admits. Group peers name the resources that carry the group. */
export type GrantPeer =
  | { kind: 'world'; family: Family; cidrs: string[]; byUnion: boolean }
  | { kind: 'cidr'; family: Family; cidr: string }
  | { kind: 'group'; group: string; self: boolean; carriers: Target[] }
  | { kind: 'prefix-list'; id: string }
  | { kind: 'unknown'; of: 'cidr' | 'group' | 'prefix-list'; value: Unresolved };

/** A rule a grant comes through, with the group (key) that holds it and, for address peers, the CIDR it contributes. */
export interface GrantSource {
  group: string;
  rule: SgRule;
  cidr?: string;
  /** What this rule admits of the grant, when the grant has several sources (world unions excepted). */
  reach?: Reach;
}

/** Ingress that one peer gets, in one deployment variant, through one or more rules. */
export interface Grant {
  peer: GrantPeer;
  reach: Reach;
  /** Protocols or ports of contributing rules that are not known: the grant may admit more than `reach`. */
  unknownTraffic: Unresolved[];
  /** Conditions under which the grant holds (atomic labels, sorted); empty when it always does. */
  when: string[];
  via: GrantSource[];
}

export interface CarriedGroup {
  /** Group key (see targets.ts groupKey); null when the attached id is not known. */
  key: string | null;
  ref: GroupRef;
  at: Span;
  /** Conditions under which the resource carries the group; empty when it always does. */
  when: string[];
  /** The analyzed configuration defines the group, so its rules are known. */
  defined: boolean;
}

export interface ResourceExposure {
  target: Target;
  groups: CarriedGroup[];
  /** False when some of its groups, or their rules, are not known: the grants are then a lower bound. */
  complete: boolean;
  grants: Grant[];
}

/** The effective ingress of every attached resource: the union of the ingress rules of all the groups it carries. */
export function effectiveExposure(model: Model): ResourceExposure[] {
  return targetsOf(model).map((target) => {
    const groups = target.groups.map((g): CarriedGroup => {
      const key = groupKey(g.ref);
      return { key, ref: g.ref, at: g.at, when: labels(g.when ?? []), defined: key !== null && model.groups.has(key) };
    });
    const attached = new Map(groups.flatMap((g) => (g.key === null ? [] : [[g.key, g.when] as const])));
    return { target, groups, complete: target.complete && groups.every((g) => g.defined), grants: grantsThrough(model, [...attached.keys()], attached) };
  });
}

/**
 * The ingress the rules of the given groups (by key) admit together, world unions across them included. A grant
 * through a group carried only under conditions (`attachedWhen`) holds only under them.
 */
export function grantsThrough(model: Model, groupKeys: readonly string[], attachedWhen: ReadonlyMap<string, readonly string[]> = new Map()): Grant[] {
  const index = indexOf(model);
  const keys = new Set(groupKeys);
  const inSet = (rule: SgRule) => keys.has(ruleGroupKey(rule) ?? '');
  const through = (groups: string[]) => groups.flatMap((g) => attachedWhen.get(g) ?? []);
  const grants = new GrantSet(through);

  // The world exposures these groups make, with the conditions under which the resource has all the rules involved.
  const world = new Map<WorldExposure, string[]>();
  for (const k of keys) {
    for (const e of index.worldByGroup.get(k) ?? []) {
      if (world.has(e) || !e.variants.every((v) => inSet(v.rule))) continue;
      const when = labels(e.when, ...e.variants.map((v) => v.rule.entry.when ?? []), through(e.variants.map((v) => ruleGroupKey(v.rule)!)));
      if (consistent(when)) world.set(e, when);
    }
  }
  for (const [e, when] of world) {
    const cidrs = [...new Set(e.variants.map((v) => formatCidr(v.cidr)))];
    const via = e.variants.map((v) => (e.byUnion ? sourceOfVariant(v) : { ...sourceOfVariant(v), reach: e.reach }));
    grants.add({ kind: 'world', family: e.family, cidrs, byUnion: e.byUnion }, e.reach, null, when, via);
  }

  for (const k of keys) {
    for (const v of index.variantsByGroup.get(k) ?? []) {
      if (isWorld(v.cidr)) continue;
      const when = labels(v.when, v.rule.entry.when ?? []);
      // A CIDR that is part of a world union shows only what the union does not already admit wherever the CIDR does.
      const holds = labels(when, through([k]));
      const covering = (index.unionsOf.get(v) ?? []).filter((e) => world.get(e)?.every((w) => holds.includes(w)));
      const reach = covering.length > 0 ? subtractReach(v.reach, covering.map((e) => e.reach)) : v.reach;
      if (!reachIsEmpty(reach)) grants.add({ kind: 'cidr', family: v.family, cidr: formatCidr(v.cidr) }, reach, null, when, [{ ...sourceOfVariant(v), reach }]);
    }
    for (const u of index.unknownsByGroup.get(k) ?? []) {
      const via = [{ group: k, rule: u.rule, ...(u.cidr ? { cidr: formatCidr(u.cidr) } : {}) }];
      if (u.cidr) {
        const peer: GrantPeer = isWorld(u.cidr) ? { kind: 'world', family: u.cidr.family, cidrs: [formatCidr(u.cidr)], byUnion: false } : { kind: 'cidr', family: u.cidr.family, cidr: formatCidr(u.cidr) };
        grants.add(peer, emptyReach(), u.value, labels(u.when, u.rule.entry.when ?? []), via);
      } else {
        addWithTraffic(grants, { kind: 'unknown', of: 'cidr', value: u.value }, u.rule, u.when, via);
      }
    }
    for (const rule of index.otherIngressByGroup.get(k) ?? []) addOtherPeer(grants, index, rule, k);
  }
  return grants.sorted();
}

function addOtherPeer(grants: GrantSet, index: Index, rule: SgRule, key: string): void {
  const via = [{ group: key, rule }];
  const peer = rule.peer;
  if (peer.kind === 'self') {
    addWithTraffic(grants, { kind: 'group', group: key, self: true, carriers: index.carriers.get(key) ?? [] }, rule, [], via);
  } else if (peer.kind === 'securityGroup' && peer.ref.kind === 'model') {
    addWithTraffic(grants, { kind: 'group', group: peer.ref.id, self: false, carriers: index.carriers.get(peer.ref.id) ?? [] }, rule, [], via);
  } else if (peer.kind === 'securityGroup' || peer.kind === 'prefixList') {
    const value = peer.kind === 'securityGroup' ? (peer.ref as Extract<GroupRef, { kind: 'external' }>).id : peer.id;
    for (const alt of alternatives(value)) {
      let target: GrantPeer;
      if (alt.value.k === 'unresolved') target = { kind: 'unknown', of: peer.kind === 'securityGroup' ? 'group' : 'prefix-list', value: alt.value };
      else if (peer.kind === 'prefixList') target = { kind: 'prefix-list', id: alt.value.v };
      else target = { kind: 'group', group: `external:${alt.value.v}`, self: false, carriers: index.carriers.get(`external:${alt.value.v}`) ?? [] };
      addWithTraffic(grants, target, rule, alt.when, via);
    }
  }
}

/** Adds the grant for each alternative of the rule's protocol and ports. */
function addWithTraffic(grants: GrantSet, peer: GrantPeer, rule: SgRule, peerWhen: string[], via: GrantSource[]): void {
  for (const t of ruleTraffic(rule)) {
    const when = labels(peerWhen, t.when, rule.entry.when ?? []);
    if (!consistent(when)) continue;
    if (t.ok && reachIsEmpty(t.reach)) continue;
    grants.add(peer, t.ok ? t.reach : emptyReach(), t.ok ? null : t.unresolved, when, t.ok ? via.map((s) => ({ ...s, reach: t.reach })) : via);
  }
}

const sourceOfVariant = (v: RuleVariant): GrantSource => ({ group: ruleGroupKey(v.rule) ?? '', rule: v.rule, cidr: formatCidr(v.cidr) });

/** The key of the group a rule belongs to: its model group, or the external group it names by a known id. */
export function ruleGroupKey(rule: SgRule): string | null {
  return rule.group ?? (rule.groupRef ? groupKey(rule.groupRef) : null);
}

/** Conditions as atomic labels ("A is true and B is x" is two), each once, sorted. */
function labels(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat().flatMap((w) => w.split(' and ')))].filter((l) => l !== '').sort();
}

const PEER_ORDER: Record<GrantPeer['kind'], number> = { world: 0, cidr: 1, group: 2, 'prefix-list': 3, unknown: 4 };

/** A stable key of the peer, ordered world, CIDRs, groups, prefix lists, unknowns. */
export function peerKey(peer: GrantPeer): string {
  const rank = PEER_ORDER[peer.kind];
  switch (peer.kind) {
    case 'world':
      return `${rank}|${peer.family}|${peer.byUnion ? 1 : 0}|${peer.cidrs.join(',')}`;
    case 'cidr':
      return `${rank}|${peer.family}|${peer.cidr}`;
    case 'group':
      return `${rank}|${peer.self ? 0 : 1}|${peer.group}`;
    case 'prefix-list':
      return `${rank}|${peer.id}`;
    case 'unknown':
      return `${rank}|${peer.of}|${peer.value.expr}|${peer.value.why}`;
  }
}

class GrantSet {
  private readonly byKey = new Map<string, Grant>();

  /** `through` gives the conditions under which the resource carries the given groups. */
  constructor(private readonly through: (groups: string[]) => readonly string[]) {}

  add(peer: GrantPeer, reach: Reach, unknown: Unresolved | null, ruleWhen: string[], via: GrantSource[]): void {
    const when = labels(ruleWhen, this.through(via.map((s) => s.group)));
    if (!consistent(when)) return;
    const key = `${peerKey(peer)}#${when.join('&')}`;
    let grant = this.byKey.get(key);
    if (!grant) this.byKey.set(key, (grant = { peer, reach: emptyReach(), unknownTraffic: [], when, via: [] }));
    grant.reach = unionReach(grant.reach, reach);
    if (unknown && !grant.unknownTraffic.some((u) => u.expr === unknown.expr && u.why === unknown.why)) grant.unknownTraffic.push(unknown);
    for (const s of via) {
      const same = grant.via.find((o) => o.rule === s.rule && o.cidr === s.cidr);
      if (!same) grant.via.push({ ...s });
      else if (s.reach) same.reach = same.reach ? unionReach(same.reach, s.reach) : s.reach;
    }
  }

  sorted(): Grant[] {
    return [...this.byKey.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, g]) => ({ ...g, via: g.via.sort((a, b) => compareRules(a.rule, b.rule) || (a.cidr ?? '').localeCompare(b.cidr ?? '')) }));
  }
}

function compareRules(a: SgRule, b: SgRule): number {
  const x = a.peerAt;
  const y = b.peerAt;
  if (x.file !== y.file) return x.file < y.file ? -1 : 1;
  return x.start.line - y.start.line || x.start.column - y.start.column || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Per-model lookups, by group key: address variants, unknown addresses, other ingress rules, world exposures, carriers. */
interface Index {
  variantsByGroup: Map<string, RuleVariant[]>;
  unknownsByGroup: Map<string, ReturnType<typeof addressVariants>['unknowns']>;
  otherIngressByGroup: Map<string, SgRule[]>;
  worldByGroup: Map<string, WorldExposure[]>;
  /** The world unions each address variant takes part in. */
  unionsOf: Map<RuleVariant, WorldExposure[]>;
  carriers: Map<string, Target[]>;
}

const indexes = new WeakMap<Model, Index>();

function indexOf(model: Model): Index {
  const cached = indexes.get(model);
  if (cached) return cached;
  const index: Index = { variantsByGroup: new Map(), unknownsByGroup: new Map(), otherIngressByGroup: new Map(), worldByGroup: new Map(), unionsOf: new Map(), carriers: carriersByGroup(model) };
  const { variants, unknowns } = addressVariants(model, 'ingress');
  for (const v of variants) {
    const k = ruleGroupKey(v.rule);
    if (k !== null) addTo(index.variantsByGroup, k, v);
  }
  for (const u of unknowns) {
    const k = ruleGroupKey(u.rule);
    if (k !== null) addTo(index.unknownsByGroup, k, u);
  }
  for (const rule of model.rules.values()) {
    if (rule.direction !== 'ingress' || rule.peer.kind === 'cidr4' || rule.peer.kind === 'cidr6' || rule.peer.kind === 'none') continue;
    const k = ruleGroupKey(rule);
    if (k !== null) addTo(index.otherIngressByGroup, k, rule);
  }
  for (const e of worldExposures(model, 'ingress')) {
    for (const k of new Set(e.variants.map((v) => ruleGroupKey(v.rule)))) if (k !== null) addTo(index.worldByGroup, k, e);
    if (e.byUnion) for (const v of e.variants) addTo(index.unionsOf, v, e);
  }
  indexes.set(model, index);
  return index;
}
