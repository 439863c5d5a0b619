import { defineRule, noOptions, type RuleContext } from '../src/engine/define-rule.js';
import { companionGroups, conditionsWithin } from '../src/model/carriers.js';
import { CidrIndex, coveringReaches } from '../src/model/coverage.js';
import { sameReach, type RuleVariant } from '../src/model/exposure.js';
import type { SgRule } from '../src/model/types.js';
import { isCidrSource, ruleSources, sourceLabel, sourcePeer, type RuleSource as Source } from '../src/model/sources.js';
import { trafficLabel, type Reach } from '../src/model/traffic.js';
import { groupBy } from '../src/util/maps.js';
import { groupAddress, groupLabel, peerSpan } from './_shared.js';

interface Pool {
  cidrs: CidrIndex<RuleVariant>;
  references: Map<string, Source[]>;
}

export default defineRule({
  id: 'ingress-shadowed-rule',
  title: 'Ingress rule shadowed by broader rules',
  description:
    'Flags an ingress rule that never matters because other rules of its group, or of groups every resource carrying it also carries, already admit its whole source on all its protocols and ports. Identical rules are left to `rule-duplicate`.',
  level: 'warning',
  securitySeverity: 2.0,
  tags: ['hygiene'],
  practice: 1,
  options: noOptions,
  messages: {
    shadowed: 'Ingress from {source} ({traffic}) on group `{group}` is shadowed by {winners} in the same group',
    shadowedAcrossGroups: 'Ingress from {source} ({traffic}) on group `{group}` is shadowed by {winners}; every resource that carries `{group}` also carries {companions}',
  },
  check(ctx) {
    const { sources, unknown } = ruleSources(ctx.model, 'ingress');
    const companions = companionGroups(ctx.model);
    const byGroup = groupBy(sources, (s) => s.rule.group);
    const pools = new Map<string, Pool>();
    const poolOfGroup = new Map<string, Pool>();
    const poolOf = (group: string): Pool => {
      let pool = poolOfGroup.get(group);
      if (pool) return pool;
      const members = [group, ...[...(companions.get(group) ?? [])].sort()];
      const key = members.join('\0');
      pool = pools.get(key);
      if (!pool) pools.set(key, (pool = buildPool(members.length === 1 ? (byGroup.get(group) ?? []) : members.flatMap((g) => byGroup.get(g) ?? []))));
      poolOfGroup.set(group, pool);
      return pool;
    };
    const removed = new Set<Source>();
    const winnersOf = (s: Source): Source[] | null => {
      const pool = poolOf(s.rule.group!);
      const eligible = (w: Source) => w.rule !== s.rule && !removed.has(w) && !w.rule.entry.uncertain && conditionsWithin(w.when, s.when) && !duplicate(w, s);
      return isCidrSource(s) ? pool.cidrs.covering(s.cidr, s.reach, eligible) : coveringReaches(s.reach, pool.references.get(s.peer) ?? [], eligible);
    };
    // Narrow rules first, so that of rules that cover each other the broadest stays and the others are reported. The
    // order matters only once a rule is found moot (it is then no winner for the others): until one is, any order
    // finds the same, so the sources are first checked as they come, and put in order only when one is moot.
    const candidate = (s: Source) => Boolean(s.rule.group) && !s.rule.implicit && !unknown.has(s.rule);
    if (sources.some((s) => candidate(s) && winnersOf(s) !== null)) {
      const candidates = sources.filter(candidate).sort(narrowestFirst);
      for (const s of candidates) if (winnersOf(s)) removed.add(s);
    }
    // Checked again against what is left, so that the rules reported together can all go.
    const found = groupBy([...removed].map((source) => ({ source, winners: winnersOf(source) })), (m) => (m.winners ? m.source.rule : null));
    const alternatives = new Map<SgRule, number>();
    if (found.size > 0) for (const s of sources) if (found.has(s.rule)) alternatives.set(s.rule, (alternatives.get(s.rule) ?? 0) + 1);
    for (const [rule, moot] of found) {
      const every = moot.length === alternatives.get(rule);
      for (const m of every ? moot.slice(0, 1) : moot) report(ctx, m.source, m.winners!, every ? [] : m.source.when);
    }
    for (const [rule, value] of unknown) if ((byGroup.get(rule.group ?? '')?.length ?? 0) > 0) ctx.unresolved(value);
  },
});

function report(ctx: RuleContext<unknown>, s: Source, winners: Source[], when: string[]): void {
  const model = ctx.model;
  const group = groupLabel(model, s.rule);
  const others = [...new Set(winners.filter((w) => w.rule.group !== s.rule.group).map((w) => `\`${groupLabel(model, w.rule)}\``))];
  const named = winners.map((w) => `${sourceLabel(w)} (${trafficLabel(w.reach)})${others.length === 0 ? '' : w.rule.group === s.rule.group ? ' in the same group' : ` in group \`${groupLabel(model, w.rule)}\``}`);
  const shown = named.length > 3 ? `${named.slice(0, 3).join(', ')} and ${named.length - 3} more` : named.join(' and ');
  ctx.report({
    messageId: others.length === 0 ? 'shadowed' : 'shadowedAcrossGroups',
    data: { source: sourceLabel(s), traffic: trafficLabel(s.reach), group, winners: shown, companions: others.join(' and ') },
    at: spanOf(s),
    resource: s.rule.resource,
    ...(groupAddress(model, s.rule) ? { group: groupAddress(model, s.rule)! } : {}),
    related: winners.map((w) => ({ at: spanOf(w), message: `${sourceLabel(w)} (${trafficLabel(w.reach)}) is admitted here, on group \`${groupLabel(model, w.rule)}\`` })),
    ...(when.length > 0 ? { when } : {}),
    key: `ingress|${sourcePeer(s)}|${trafficLabel(s.reach)}`,
  });
}

function buildPool(sources: Source[]): Pool {
  const references = groupBy(sources, (s) => (isCidrSource(s) ? null : s.peer));
  return { cidrs: new CidrIndex(sources.every(isCidrSource) ? sources : sources.filter(isCidrSource)), references };
}

/** Where a finding about a source points: the CIDR alternative that yields it, or the rule's peer. */
function spanOf(s: Source) {
  return isCidrSource(s) ? peerSpan(s) : s.rule.peerAt;
}

/** Same group, source and traffic: `rule-duplicate`'s finding, not a shadow. */
function duplicate(a: Source, b: Source): boolean {
  return a.rule.group === b.rule.group && sourcePeer(a) === sourcePeer(b) && sameReach(a.reach, b.reach);
}

function narrowestFirst(a: Source, b: Source): number {
  return prefixOf(b) - prefixOf(a) || (a.reach === b.reach ? 0 : weight(a.reach) - weight(b.reach)) || compareLater(a, b);
}

function prefixOf(s: Source): number {
  return isCidrSource(s) ? s.cidr.prefix : 0;
}

function weight(r: Reach): number {
  return r.allProtocols ? Infinity : r.tcp.size() + r.udp.size() + 256 * (r.icmp.length + r.icmpv6.length + r.protocols.length);
}

/** Later in source order first: of two equal rules, the first written is the one kept. */
function compareLater(a: Source, b: Source): number {
  const x = a.rule.peerAt;
  const y = b.rule.peerAt;
  if (x.file !== y.file) return x.file < y.file ? 1 : -1;
  return y.start.line - x.start.line || y.start.column - x.start.column;
}
