import { defineRule } from '../src/engine/define-rule.js';
import { addressVariants, type RuleVariant } from '../src/model/exposure.js';
import { compareSpans } from '../src/model/location.js';
import { distinctBlocks } from '../src/model/block-keys.js';
import { formatCidr } from '../src/model/net.js';
import { rootOf } from '../src/model/roots.js';
import { ruleTraffic, trafficLabel } from '../src/model/traffic.js';
import type { Direction, Model, SecurityGroup } from '../src/model/types.js';
import { consistentWith } from '../src/model/value.js';
import { groupBy } from '../src/util/maps.js';
import { addTo, deploymentVariants } from './_shared.js';

interface Options {
  minCidrs: number;
}

/** The CIDRs one group admits (or reaches) with one kind of traffic, in one deployment variant (`when`). */
interface CidrList {
  group: SecurityGroup;
  /** The rule variants that list them. */
  present: RuleVariant[];
  /** How many distinct CIDRs they list. */
  count: number;
  when: string[];
  /** Canonical CIDR → the first rule variant that lists it (see cidrsOf). */
  cidrs?: Map<string, RuleVariant>;
}

const SHOWN = 6;

export default defineRule<Options>({
  id: 'group-repeated-cidr-list',
  title: 'The same list of CIDRs repeated in several security groups',
  description:
    'Flags a group that lists the same set of 3 or more CIDRs (compared in canonical form) for one kind of traffic as another group does: one shared group (e.g. "Office IPs") or a managed prefix list would keep the list in one place.',
  level: 'note',
  securitySeverity: 1.0,
  tags: ['maintainability', 'quota'],
  practice: 3,
  options: {
    schema: { type: 'object', properties: { minCidrs: { type: 'integer', minimum: 2 } }, additionalProperties: false },
    defaults: { minCidrs: 3 },
  },
  messages: {
    repeated: 'Group `{group}` repeats the list of {count} CIDRs of group `{first}`: {cidrs}',
  },
  check(ctx) {
    // Groups of different deployment units (Terraform roots, top-level templates, CDK apps) cannot share a group.
    const files = new Map(ctx.model.files.map((f) => [f.path, f]));
    const all = (['ingress', 'egress'] as const).flatMap((direction) => cidrLists(ctx.model, direction, ctx.options.minCidrs).map((list) => {
      const unit = rootOf(list.group.at, files);
      return { list, unit, size: `${unit}|${list.count}` };
    }));
    // Only lists of one size can be the same list: the canonical set text, long for a long list, is made for those alone.
    const sizes = new Map<string, number>();
    for (const { size } of all) sizes.set(size, (sizes.get(size) ?? 0) + 1);
    const bySet = new Map<string, CidrList[]>();
    for (const { list, unit, size } of all) if (sizes.get(size)! > 1) addTo(bySet, `${unit}|${setText(cidrsOf(list))}`, list);
    for (const [unitAndSet, lists] of bySet) {
      const set = unitAndSet.slice(unitAndSet.lastIndexOf('|') + 1);
      // Instances of one written group (count, for_each, a module called twice) are one definition, not a repetition.
      const definitions = new Map<string, CidrList[]>();
      for (const list of [...lists].sort((a, b) => compareSpans(a.group.at, b.group.at))) {
        const at = list.group.at;
        const key = `${at.file}:${at.start.line}:${at.start.column}`;
        if (!definitions.get(key)?.some((l) => l.group.id === list.group.id)) addTo(definitions, key, list);
      }
      if (definitions.size < 2) continue;
      const [first, ...later] = [...definitions.values()];
      const original = first![0]!;
      for (const list of later.flat()) {
        const others = [original, ...later.flat().filter((l) => l.group.address !== list.group.address && l !== original)];
        const cidrs = [...cidrsOf(list).keys()];
        ctx.report({
          messageId: 'repeated',
          data: { group: list.group.address, first: original.group.address, count: cidrs.length, cidrs: cidrs.length > SHOWN ? `${cidrs.slice(0, SHOWN).join(', ')} and ${cidrs.length - SHOWN} more` : cidrs.join(', ') },
          at: list.group.at,
          resource: list.group.address,
          group: list.group.address,
          related: others.map((o) => ({ at: firstPeer(o), message: `group \`${o.group.address}\` lists the same CIDRs` })),
          key: `list|${set}`,
          ...(list.when.length > 0 ? { when: list.when } : {}),
        });
      }
    }
  },
});

/** The one deployment variant of things without conditions (read, never changed). */
const ONE_VARIANT: string[][] = [[]];

/**
 * Each group's lists of at least `min` distinct CIDRs, one per kind of traffic and deployment variant. A list with an
 * unknown member (an unresolved CIDR, or a rule whose traffic is unknown) is left out: it may not be the same list.
 */
function cidrLists(model: Model, direction: Direction, min: number): CidrList[] {
  const { variants, unknowns } = addressVariants(model, direction);
  // Groups with a list of unknown members for any traffic, and for some traffic.
  const unknownAny = new Set<string>();
  const unknownTraffic = new Set<string>();
  for (const u of unknowns) {
    if (!u.rule.group) continue;
    const known = ruleTraffic(u.rule).flatMap((t) => (t.ok ? [trafficLabel(t.reach)] : []));
    if (u.cidr || known.length === 0) unknownAny.add(u.rule.group);
    for (const traffic of known) unknownTraffic.add(`${u.rule.group}|${traffic}`);
  }
  const byTraffic = groupBy(
    variants,
    (v) => {
      if (!v.rule.group || v.rule.implicit || unknownAny.has(v.rule.group)) return null;
      const key = `${v.rule.group}|${trafficLabel(v.reach)}`;
      return unknownTraffic.has(key) ? null : key;
    },
    // Variants that come together with one group and traffic (those of one list of CIDRs) share a key.
    (a, b) => a.rule.group === b.rule.group && a.rule.implicit === b.rule.implicit && a.reach === b.reach,
  );
  const lists: CidrList[] = [];
  for (const items of byTraffic.values()) {
    // One list per deployment variant: a CIDR under a condition belongs to the variants where it holds.
    const seen = new Set<string>();
    const variants = items.every((v) => v.when.length === 0) ? ONE_VARIANT : (deploymentVariants(items.map((v) => v.when)) ?? ONE_VARIANT);
    for (const variant of variants) {
      // Variants hold only consistent conditions, so without a variant's own there is nothing to check.
      const present = variant.length === 0 ? items : items.filter((v) => consistentWith(v.when, variant));
      const labels = new Set<string>();
      for (const v of present) for (const w of v.when) labels.add(w);
      const when = [...labels];
      const list: CidrList = { group: model.groups.get(items[0]!.rule.group!)!, present, count: distinctBlocks(present, (v) => v.cidr), when };
      if (list.count < min) continue;
      if (variants.length > 1) {
        const key = `${setText(cidrsOf(list))}|${when.join('&')}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      lists.push(list);
    }
  }
  return lists;
}

/** The list's CIDRs: canonical text → the first rule variant that lists it. Made only for lists that may be reported. */
function cidrsOf(list: CidrList): Map<string, RuleVariant> {
  if (!list.cidrs) {
    list.cidrs = new Map();
    for (const v of list.present) {
      const key = formatCidr(v.cidr);
      if (!list.cidrs.has(key)) list.cidrs.set(key, v);
    }
  }
  return list.cidrs;
}

/** A list's CIDRs in canonical form, sorted: equal texts, equal lists. */
function setText(cidrs: Map<string, RuleVariant>): string {
  return [...cidrs.keys()].sort().join(',');
}

function firstPeer(list: CidrList) {
  return [...cidrsOf(list).values()].map((v) => v.rule.peerAt).sort(compareSpans)[0]!;
}
