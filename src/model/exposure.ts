import { groupBy } from '../util/maps.js';
import { compareSpans } from './location.js';
import { isWorld, parseCidr, PortSet, unionCoversAll, type Cidr, type Family } from './net.js';
import { emptyReach, reachIsEmpty, ruleTraffic, type IcmpReach, type Reach, type TrafficResult } from './traffic.js';
import { targetsOf } from './targets.js';
import type { Direction, Model, SgRule } from './types.js';
import { alternatives, consistent, consistentWith, type Known, type Unresolved } from './value.js';

/** One CIDR alternative of one rule with one traffic alternative: the unit that exposure maths works on. */
export interface RuleVariant {
  rule: SgRule;
  family: Family;
  cidr: Cidr;
  cidrValue: Known<string>;
  reach: Reach;
  when: string[];
}

/** Traffic from (ingress) or to (egress) the whole address space of one family. */
export interface WorldExposure {
  /** Stable identity of the exposure, shared by the findings that describe it. */
  key: string;
  direction: Direction;
  family: Family;
  /** The rules that make the exposure, in source order; the first is where findings point. */
  variants: RuleVariant[];
  reach: Reach;
  when: string[];
  byUnion: boolean;
}

export interface AddressAnalysis {
  variants: RuleVariant[];
  /** Unresolved peers or traffic that kept the analysis from deciding, with the rule they belong to. */
  unknowns: { rule: SgRule; value: Unresolved; cidr?: Cidr; when: string[] }[];
}

const analysisCache = new WeakMap<Model, Map<Direction, AddressAnalysis>>();
const exposureCache = new WeakMap<Model, Map<Direction, WorldExposure[]>>();

/** Every rule of a direction with a CIDR peer, expanded into its known alternatives. */
export function addressVariants(model: Model, direction: Direction): AddressAnalysis {
  let byDir = analysisCache.get(model);
  if (!byDir) analysisCache.set(model, (byDir = new Map()));
  const cached = byDir.get(direction);
  if (cached) return cached;
  const result: AddressAnalysis = { variants: [], unknowns: [] };
  for (const rule of model.rules.values()) {
    if (rule.direction !== direction || (rule.peer.kind !== 'cidr4' && rule.peer.kind !== 'cidr6')) continue;
    const family: Family = rule.peer.kind === 'cidr4' ? 4 : 6;
    const traffic = ruleTraffic(rule);
    const value = rule.peer.cidr;
    // Most peers are one known CIDR: its alternatives are itself.
    if (value.k === 'known') addVariants(result, rule, family, traffic, value, NO_CONDITIONS);
    else for (const alt of alternatives(value)) addVariants(result, rule, family, traffic, alt.value, alt.when);
  }
  result.variants.sort((a, b) => compareSpans(a.rule.peerAt, b.rule.peerAt));
  byDir.set(direction, result);
  return result;
}

const NO_CONDITIONS: string[] = [];

/** The variants of one CIDR alternative of a rule: one per traffic alternative whose conditions can hold with it. */
function addVariants(result: AddressAnalysis, rule: SgRule, family: Family, traffic: TrafficResult[], value: Known<string> | Unresolved, when: string[]): void {
  if (value.k === 'unresolved') {
    result.unknowns.push({ rule, value, when });
    return;
  }
  const cidr = parseCidr(value.v);
  if (!cidr || cidr.family !== family) return;
  for (const t of traffic) {
    if (!t.ok) {
      result.unknowns.push({ rule, value: t.unresolved, cidr, when: [...new Set([...when, ...t.when])] });
      continue;
    }
    const both = t.when.length === 0 ? when : when.length === 0 ? t.when : [...new Set([...when, ...t.when])];
    if (reachIsEmpty(t.reach) || !consistent(both)) continue;
    result.variants.push({ rule, family, cidr, cidrValue: value, reach: t.reach, when: both });
  }
}

/**
 * Rules whose prefix list holds a world CIDR among its known entries (an export with the list's entries beside it):
 * the list is the whole internet. Named "0.0.0.0/0 in pl-…", and located at the rule's prefix list id.
 */
function prefixListWorlds(model: Model, direction: Direction): RuleVariant[] {
  const out: RuleVariant[] = [];
  for (const rule of model.rules.values()) {
    const peer = rule.peer;
    if (rule.direction !== direction || peer.kind !== 'prefixList' || !peer.entries || peer.id.k !== 'known') continue;
    for (const entry of peer.entries) {
      const cidr = entry.k === 'known' ? parseCidr(entry.v) : null;
      if (!cidr || !isWorld(cidr)) continue;
      for (const t of ruleTraffic(rule)) {
        if (!t.ok || reachIsEmpty(t.reach) || !consistent(t.when)) continue;
        out.push({ rule, family: cidr.family, cidr, cidrValue: { k: 'known', v: `${entry.k === 'known' ? entry.v : ''} in ${peer.id.v}`, at: rule.peerAt }, reach: t.reach, when: t.when });
      }
    }
  }
  return out.sort((a, b) => compareSpans(a.rule.peerAt, b.rule.peerAt));
}

/** Key of the exposure a single world rule makes (other rules yield to findings with this claim). */
export function singleRuleClaim(rule: SgRule, family: Family, when: string[]): string {
  return `${rule.id}|${family}|${when.join('&')}`;
}

/**
 * Every world exposure of a direction: each rule whose peer is /0, and each set of rules in one group (or in the groups
 * attached to one resource) whose CIDRs together cover the whole address space for a common protocol and port.
 */
export function worldExposures(model: Model, direction: Direction): WorldExposure[] {
  let byDir = exposureCache.get(model);
  if (!byDir) exposureCache.set(model, (byDir = new Map()));
  const cached = byDir.get(direction);
  if (cached) return cached;
  const { variants } = addressVariants(model, direction);
  const out: WorldExposure[] = [];
  for (const v of variants) {
    if (!isWorld(v.cidr)) continue;
    out.push({
      key: singleRuleClaim(v.rule, v.family, v.when),
      direction,
      family: v.family,
      variants: [v],
      reach: v.reach,
      when: v.when,
      byUnion: false,
    });
  }
  for (const v of prefixListWorlds(model, direction)) {
    out.push({ key: singleRuleClaim(v.rule, v.family, v.when), direction, family: v.family, variants: [v], reach: v.reach, when: v.when, byUnion: false });
  }
  const seen = new Set<string>();
  for (const pool of unionPools(model, variants)) {
    for (const family of [4, 6] as const) {
      const candidate = (v: RuleVariant) => v.family === family && !isWorld(v.cidr);
      // A union takes two rules or more; every union below holds the unconditional candidates, so no more than that.
      if (countOf(pool.variants, candidate) < 2 || countOf(pool.variants, (v) => v.when.length === 0 && candidate(v)) > MAX_UNION_POOL) continue;
      const candidates = pool.variants.filter(candidate);
      const unconditional = unionExposure(candidates.filter((v) => v.when.length === 0));
      const found = unconditional ? [{ ...unconditional, when: [] as string[] }] : [];
      // Pieces that exist only under conditions make a union in the deployment variants where they all exist.
      for (const when of assignments(candidates.flatMap((v) => v.when))) {
        const union = unionExposure(candidates.filter((v) => consistentWith(v.when, when)));
        if (!union) continue;
        const reach = unconditional ? subtractReach(union.reach, [unconditional.reach]) : union.reach;
        const labels = [...new Set(union.variants.flatMap((v) => v.when))];
        if (!reachIsEmpty(reach) && labels.length > 0) found.push({ variants: union.variants, reach, when: labels });
      }
      for (const f of found) {
        // Across the groups of one resource, report only what no single group already exposes on its own.
        const others = out.filter((e) => e.family === family && pool.groups.has(e.variants[0]!.rule.group ?? '') && consistentWith(e.when, f.when));
        const reach = pool.crossGroup ? subtractReach(f.reach, others.map((e) => e.reach)) : f.reach;
        if (reachIsEmpty(reach)) continue;
        const key = `${f.variants.map((v) => v.rule.id).join('+')}|${family}|${f.when.join('&')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ key, direction, family, variants: f.variants, reach, when: f.when, byUnion: true });
      }
    }
  }
  byDir.set(direction, out);
  return out;
}

const MAX_ASSIGNMENTS = 16;

/** Every full assignment of the conditions named in `labels` ("IsProd is true" …), bounded; none without conditions. */
function assignments(labels: string[]): string[][] {
  const values = new Map<string, Set<string>>();
  for (const label of labels.flatMap((l) => l.split(' and '))) {
    const m = /^(.+?) is (.+)$/.exec(label) ?? /^(with) (.+)$/.exec(label);
    if (!m) continue;
    values.set(m[1]!, (values.get(m[1]!) ?? new Set()).add(m[2]!));
  }
  if (values.size === 0) return [];
  let out: string[][] = [[]];
  for (const [name, set] of values) {
    const options = [...set].map((v) => (name === 'with' ? `with ${v}` : `${name} is ${v}`));
    out = out.flatMap((a) => options.map((o) => [...a, o]));
    if (out.length > MAX_ASSIGNMENTS) return [];
  }
  return out;
}

interface Pool {
  variants: RuleVariant[];
  groups: Set<string>;
  crossGroup: boolean;
}

/** Rule pools whose union matters: each group's rules first, then the rules of all groups attached to one resource. */
function unionPools(model: Model, variants: RuleVariant[]): Pool[] {
  const byGroup = groupBy(variants, (v) => v.rule.group || null);
  const pools: Pool[] = [];
  for (const [id, vs] of byGroup) if (vs.length >= 2) pools.push({ variants: vs, groups: new Set([id]), crossGroup: false });
  for (const target of targetsOf(model)) {
    const attached = new Map<string, string[]>();
    for (const g of target.groups) if (g.ref.kind === 'model' && !attached.has(g.ref.id)) attached.set(g.ref.id, g.when ?? []);
    if (attached.size < 2) continue;
    // A group attached only under a condition adds its rules to the union only where that condition holds.
    const vs = [...attached]
      .flatMap(([id, when]) => (byGroup.get(id) ?? []).map((v) => (when.length === 0 ? v : { ...v, when: [...new Set([...v.when, ...when])] })))
      .filter((v) => consistent(v.when))
      .sort((a, b) => compareSpans(a.rule.peerAt, b.rule.peerAt));
    if (vs.length >= 2) pools.push({ variants: vs, groups: new Set(attached.keys()), crossGroup: true });
  }
  return pools;
}

/** What `reach` admits beyond everything in `others`. */
export function subtractReach(reach: Reach, others: Reach[]): Reach {
  if (others.some((o) => o.allProtocols)) return emptyReach();
  const out: Reach = { ...reach, icmp: [...reach.icmp], icmpv6: [...reach.icmpv6], protocols: [...reach.protocols] };
  for (const o of others) {
    out.tcp = out.tcp.subtract(o.tcp);
    out.udp = out.udp.subtract(o.udp);
    out.icmp = out.icmp.filter((i) => !o.icmp.some((c) => icmpCovers(c, i)));
    out.icmpv6 = out.icmpv6.filter((i) => !o.icmpv6.some((c) => icmpCovers(c, i)));
    out.protocols = out.protocols.filter((n) => !o.protocols.includes(n));
  }
  return out;
}

const MAX_UNION_POOL = 2000;

function countOf<T>(list: readonly T[], test: (t: T) => boolean): number {
  let n = 0;
  for (const t of list) if (test(t)) n++;
  return n;
}

function unionExposure(pool: RuleVariant[]): { variants: RuleVariant[]; reach: Reach } | null {
  if (pool.length < 2 || pool.length > MAX_UNION_POOL) return null;
  const family = pool[0]!.family;
  if (!unionCoversAll(pool.map((v) => v.cidr), family)) return null;
  const reach = emptyReach();
  const contributors = new Set<RuleVariant>();
  const covers = (vs: RuleVariant[]) => vs.length > 0 && unionCoversAll(vs.map((v) => v.cidr), family);
  // Only the rules the union needs contribute: a redundant private range beside two /1 halves is not part of the problem.
  const take = (vs: RuleVariant[]) => minimalCover(vs, covers).forEach((v) => contributors.add(v));

  const allProto = pool.filter((v) => v.reach.allProtocols);
  if (covers(allProto)) {
    reach.allProtocols = true;
    take(allProto);
    return { variants: [...contributors], reach };
  }
  for (const proto of ['tcp', 'udp'] as const) {
    const relevant = pool.filter((v) => v.reach.allProtocols || !v.reach[proto].isEmpty());
    const bounds = new Set<number>([0, 65536]);
    for (const v of relevant) for (const r of (v.reach.allProtocols ? PortSet.all() : v.reach[proto]).ranges) bounds.add(r.from).add(r.to + 1);
    const sorted = [...bounds].sort((a, b) => a - b);
    for (let i = 0; i + 1 < sorted.length; i++) {
      const from = sorted[i]!;
      const to = sorted[i + 1]! - 1;
      const covering = relevant.filter((v) => v.reach.allProtocols || v.reach[proto].has(from));
      if (!covers(covering)) continue;
      reach[proto] = reach[proto].union(PortSet.of({ from, to }));
      take(covering);
    }
  }
  for (const proto of ['icmp', 'icmpv6'] as const) {
    const kinds: IcmpReach[] = [{ type: -1, code: -1 }, ...distinctTypes(pool.flatMap((v) => v.reach[proto]))];
    for (const kind of kinds) {
      const covering = pool.filter((v) => v.reach.allProtocols || v.reach[proto].some((i) => icmpCovers(i, kind)));
      if (!covers(covering)) continue;
      reach[proto].push(kind);
      take(covering);
      if (kind.type === -1) break;
    }
  }
  for (const n of new Set(pool.flatMap((v) => v.reach.protocols))) {
    const covering = pool.filter((v) => v.reach.allProtocols || v.reach.protocols.includes(n));
    if (!covers(covering)) continue;
    reach.protocols.push(n);
    take(covering);
  }
  if (reachIsEmpty(reach)) return null;
  return { variants: pool.filter((v) => contributors.has(v)), reach };
}

function minimalCover(vs: RuleVariant[], covers: (vs: RuleVariant[]) => boolean): RuleVariant[] {
  if (vs.length > MAX_MINIMIZE) return vs;
  let kept = vs;
  for (const v of vs) {
    const without = kept.filter((k) => k !== v);
    if (covers(without)) kept = without;
  }
  return kept;
}

const MAX_MINIMIZE = 200;

function icmpCovers(have: IcmpReach, want: IcmpReach): boolean {
  if (have.type === -1) return true;
  if (have.type !== want.type) return false;
  return have.code === -1 || have.code === want.code;
}

function distinctTypes(list: IcmpReach[]): IcmpReach[] {
  const seen = new Map<string, IcmpReach>();
  for (const i of list) if (i.type !== -1) seen.set(`${i.type}/${i.code}`, i);
  return [...seen.values()];
}

/** True when `others` together admit everything `reach` admits (protocol `all` only under protocol `all`). */
export function reachCovered(reach: Reach, others: Reach[]): boolean {
  return reachIsEmpty(subtractReach(reach, others));
}

/** True when two reaches admit the same traffic. */
export function sameReach(a: Reach, b: Reach): boolean {
  if (a === b) return true;
  if (a.allProtocols || b.allProtocols) return a.allProtocols === b.allProtocols;
  const sameIcmp = (x: IcmpReach[], y: IcmpReach[]) => x.every((i) => y.some((c) => icmpCovers(c, i))) && y.every((i) => x.some((c) => icmpCovers(c, i)));
  const sameNumbers = a.protocols.every((n) => b.protocols.includes(n)) && b.protocols.every((n) => a.protocols.includes(n));
  return a.tcp.equals(b.tcp) && a.udp.equals(b.udp) && sameNumbers && sameIcmp(a.icmp, b.icmp) && sameIcmp(a.icmpv6, b.icmpv6);
}
