// How AWS counts the rules of a security group toward its quota, shared by the two quota rules.
import { countDistinct } from '../src/model/block-keys.js';
import { NumberList } from '../src/util/number-list.js';
import type { Direction, Model, SecurityGroup } from '../src/model/types.js';
import type { Unresolved } from '../src/model/value.js';
import { conditionsOf, plainIpv4Form, ruleForms, together, variantsOf, type RuleForm } from './_rule-forms.js';
import { appendAll } from '../src/util/arrays.js';

export type Family = 4 | 6;

/** A prefix list's size as the user states it: its weight, or its weight and address family. */
export type PrefixListSize = number | { weight: number; family: 'IPv4' | 'IPv6' };

const FAMILY = { IPv4: 4, IPv6: 6 } as const;

export const prefixListSizesSchema = {
  type: 'object',
  propertyNames: { pattern: '^pl-[0-9a-f]+$' },
  additionalProperties: {
    anyOf: [
      { type: 'integer', minimum: 1, maximum: 1000 },
      {
        type: 'object',
        properties: { weight: { type: 'integer', minimum: 1, maximum: 1000 }, family: { enum: ['IPv4', 'IPv6'] } },
        required: ['weight', 'family'],
        additionalProperties: false,
      },
    ],
  },
} as const;

/** The rule entries of one direction and address family of a group, in the deployment variant with the most. */
export interface RuleCount {
  direction: Direction;
  family: Family;
  count: number;
  /** Some entries are not known (an unknown CIDR list, a prefix list of unknown size): the count is a lower bound. */
  atLeast: boolean;
  /** What prefix lists add to the count (their max entries or weight). */
  prefixLists: number;
  /** Conditions of the variant counted; empty when the count holds in every variant. */
  when: string[];
  /** Values that kept the count from being exact. */
  unknowns: Unresolved[];
}

interface Entry {
  key: string;
  when: string[];
  whenKey: string;
  weight: Record<Family, number>;
  prefixList: boolean;
  unknownWeight: boolean;
}

/**
 * AWS's count (VPC quotas, "Inbound or outbound rules per security group"): each IPv4 CIDR counts 1 toward IPv4,
 * each IPv6 CIDR 1 toward IPv6, a group reference 1 toward each, and a prefix list reference its max entries (an
 * AWS-managed list its weight) toward its family, or toward each when its family is not known; a rule AWS already
 * holds counts once, whatever its description. `prefixListWeights` gives sizes by prefix list id; a list of unknown
 * size counts 1.
 */
export function groupRuleCounts(model: Model, group: SecurityGroup, prefixListWeights: Readonly<Record<string, PrefixListSize>>): RuleCount[] {
  let byWeights = countsCache.get(model);
  if (!byWeights) countsCache.set(model, (byWeights = new Map()));
  const weightsKey = JSON.stringify(prefixListWeights);
  let byGroup = byWeights.get(weightsKey);
  if (!byGroup) byWeights.set(weightsKey, (byGroup = new Map()));
  let counts = byGroup.get(group);
  if (!counts) byGroup.set(group, (counts = countRules(model, group, prefixListWeights)));
  return counts;
}

/** Both quota rules count every group's rules (with the same prefix list sizes, unless configured): once per model. */
const countsCache = new WeakMap<Model, Map<string, Map<SecurityGroup, RuleCount[]>>>();

function countRules(model: Model, group: SecurityGroup, prefixListWeights: Readonly<Record<string, PrefixListSize>>): RuleCount[] {
  const out: RuleCount[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = group[direction].map((id) => model.rules.get(id)!);
    const unknowns: Record<Family, Unresolved[]> = { 4: [], 6: [] };
    // Forms are tallied as they are made, unless conditions make deployment variants to count apart (or an odd entry
    // id could make two keys read alike): then they are made again, and counted variant by variant.
    const tally = new UnconditionalTally(prefixListWeights);
    let conditional = false;
    for (const rule of rules) {
      const plain = plainIpv4Form(rule);
      if (plain) {
        if (!conditional) tally.addIpv4(plain.traffic, plain.block);
        continue;
      }
      const own = ruleForms(model, rule);
      if (rule.peer.kind !== 'cidr6') appendAll(unknowns[4], own.unknownPeers);
      if (rule.peer.kind !== 'cidr4') appendAll(unknowns[6], own.unknownPeers);
      for (const f of own.forms) {
        if (f.when.length > 0 || (f.traffic === null && f.rule.entry.id.includes('|'))) conditional = true;
        if (!conditional) tally.add(f);
      }
    }
    const entries = conditional ? rules.flatMap((rule) => ruleForms(model, rule).forms.map((f) => entryOf(f, prefixListWeights))) : [];
    for (const family of [4, 6] as const) {
      const worst = conditional ? worstVariant(entries, family) : tally.worst(family);
      out.push({ direction, family, ...worst, atLeast: worst.atLeast || unknowns[family].length > 0, unknowns: unknowns[family] });
    }
  }
  return out;
}

/** What one form counts for: its weight toward each family, and whether it is a prefix list (of unknown size). */
function weightOf(f: RuleForm, prefixListWeights: Readonly<Record<string, PrefixListSize>>): { weight: Record<Family, number>; prefixList: boolean; unknownWeight: boolean } {
  if (f.peer.kind === 'cidr4') return CIDR4;
  if (f.peer.kind === 'cidr6') return CIDR6;
  const option = f.peer.kind === 'prefixList' ? prefixListWeights[f.peer.key] : undefined;
  const listed = f.peer.weight ?? (typeof option === 'number' ? option : option?.weight);
  const family = f.peer.family ?? (typeof option === 'object' ? FAMILY[option.family] : undefined);
  return { weight: familyWeight(listed ?? 1, family), prefixList: f.peer.kind === 'prefixList', unknownWeight: f.peer.kind === 'prefixList' && listed === undefined };
}

function entryOf(f: RuleForm, prefixListWeights: Readonly<Record<string, PrefixListSize>>): Entry {
  // Entries whose ports are not known still count; they are told apart by the entry they come from.
  const traffic = f.traffic ?? `?${f.rule.entry.id}`;
  return { key: `${traffic}|${f.peer.kind}|${f.peer.key}`, when: f.when, whenKey: f.when.length === 1 ? f.when[0]! : f.when.join('\0'), ...weightOf(f, prefixListWeights) };
}

type Worst = Pick<RuleCount, 'count' | 'atLeast' | 'prefixLists' | 'when'>;

/**
 * worstVariant's answers when no form has conditions: one variant holds every entry, and of the entries with one key
 * that count toward a family, the first counts. Keys are looked up by their traffic and kind of peer (shared by runs
 * of forms: a long list of CIDRs is one run), then by the peer: an IPv4 block (which counts 1 toward IPv4, whichever
 * comes first) by number, another peer by key, with the families already counted for it.
 */
class UnconditionalTally {
  private readonly counts: Record<Family, Worst> = { 4: { count: 0, atLeast: false, prefixLists: 0, when: [] }, 6: { count: 0, atLeast: false, prefixLists: 0, when: [] } };
  private readonly byKind = new Map<string, { ipv4: NumberList; counted: Map<string, number> }>();
  private bucket: { ipv4: NumberList; counted: Map<string, number> } | undefined;
  private last: { traffic: string; kind: string } | undefined;

  constructor(private readonly prefixListWeights: Readonly<Record<string, PrefixListSize>>) {}

  /** A form whose peer is an IPv4 block (its number). */
  addIpv4(traffic: string, block: number): void {
    this.bucketOf(traffic, 'cidr4').ipv4.push(block);
  }

  add(f: RuleForm): void {
    const bucket = this.bucketOf(f.traffic ?? `?${f.rule.entry.id}`, f.peer.kind);
    if (f.peer.ipv4 !== undefined) {
      bucket.ipv4.push(f.peer.ipv4);
      return;
    }
    const { weight, prefixList, unknownWeight } = weightOf(f, this.prefixListWeights);
    const counted = bucket.counted.get(f.peer.key) ?? 0;
    let now = counted;
    for (const family of [4, 6] as const) {
      const bit = family === 4 ? 1 : 2;
      if (weight[family] === 0 || (counted & bit) !== 0) continue;
      now |= bit;
      const c = this.counts[family];
      c.count += weight[family];
      if (prefixList) c.prefixLists += weight[family];
      if (unknownWeight) c.atLeast = true;
    }
    if (now !== counted) bucket.counted.set(f.peer.key, now);
  }

  private bucketOf(traffic: string, kind: string): { ipv4: NumberList; counted: Map<string, number> } {
    if (!this.last || traffic !== this.last.traffic || kind !== this.last.kind) {
      const kindKey = `${traffic}|${kind}`;
      this.bucket = this.byKind.get(kindKey) ?? { ipv4: new NumberList(), counted: new Map() };
      this.byKind.set(kindKey, this.bucket);
      this.last = { traffic, kind };
    }
    return this.bucket!;
  }

  worst(family: Family): Worst {
    let blocks = 0;
    if (family === 4) for (const { ipv4 } of this.byKind.values()) blocks += countDistinct(ipv4.view());
    return { ...this.counts[family], count: this.counts[family].count + blocks };
  }
}

const IPV4: Record<Family, number> = { 4: 1, 6: 0 };
const IPV6: Record<Family, number> = { 4: 0, 6: 1 };
const CIDR4 = { weight: IPV4, prefixList: false, unknownWeight: false };
const CIDR6 = { weight: IPV6, prefixList: false, unknownWeight: false };
const BOTH: Record<Family, number> = { 4: 1, 6: 1 };

/** A prefix list counts toward its own family; toward both when its family is not known, as a group reference does. */
function familyWeight(weight: number, family: Family | undefined): Record<Family, number> {
  return weight === 1 && family === undefined ? BOTH : { 4: family === 6 ? 0 : weight, 6: family === 4 ? 0 : weight };
}

function worstVariant(entries: Entry[], family: Family): Worst {
  const counted = entries.filter((e) => e.weight[family] > 0);
  const variants = variantsOf(counted.map((e) => e.when)) ?? [[]];
  let best = { count: -1, atLeast: false, prefixLists: 0, when: [] as string[] };
  for (const variant of variants) {
    const seen = new Set<string>();
    const taken: Entry[] = [];
    const holds = new Map<string, boolean>();
    for (const e of counted) {
      if (seen.has(e.key)) continue;
      let ok = e.when.length === 0 ? true : holds.get(e.whenKey);
      if (ok === undefined) holds.set(e.whenKey, (ok = variant.length > 0 && together(e.when, variant) !== null));
      if (!ok) continue;
      seen.add(e.key);
      taken.push(e);
    }
    let count = 0;
    for (const e of taken) count += e.weight[family];
    if (count <= best.count) continue;
    const conditional = new Map<string, Entry>();
    for (const e of taken) if (e.when.length > 0 && !conditional.has(e.whenKey)) conditional.set(e.whenKey, e);
    best = {
      count,
      atLeast: taken.some((e) => e.unknownWeight),
      prefixLists: taken.filter((e) => e.prefixList).reduce((n, e) => n + e.weight[family], 0),
      when: conditionsOf([...conditional.values()]),
    };
  }
  return { ...best, count: Math.max(best.count, 0) };
}
