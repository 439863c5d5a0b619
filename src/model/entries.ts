import { peerValue, type SgRule } from './types.js';
import { alternatives, consistentWith } from './value.js';
import { groupBy } from '../util/maps.js';

const MAX_ASSIGNMENTS = 16;

/** The rules of each written entry (one SgRule per peer), in model order; linear in the number of rules. */
export function rulesByEntry(rules: Iterable<SgRule>, keep: (rule: SgRule) => boolean = () => true): Map<string, SgRule[]> {
  return groupBy(Array.isArray(rules) ? (rules as SgRule[]) : [...rules], (rule) => (keep(rule) ? rule.entry.id : null));
}

/**
 * How many peers one written entry has in each deployment variant. Peers that exist only under conditions (an
 * `Fn::If` with `AWS::NoValue`, a conditional resource) count only where their conditions hold; with no conditions
 * involved there is one variant. `rules` are the SgRules of one entry (one per peer).
 */
export function peerCountsByVariant(rules: SgRule[]): { when: string[]; count: number }[] {
  const exists = rules[0]?.entry.when ?? [];
  if (rules.every((r) => peerValue(r.peer)?.k !== 'oneOf')) {
    // No peer depends on a condition: one variant, in which every peer is there (if the entry itself can exist).
    let count = 0;
    for (const r of rules) if (r.peer.kind !== 'none') count++;
    return consistentWith(exists, []) ? [{ when: [], count }] : [];
  }
  const peers = rules.filter((r) => r.peer.kind !== 'none');
  const presence = peers.map((r) => {
    const v = peerValue(r.peer);
    return v ? alternatives(v).map((a) => a.when) : [[]];
  });
  const values = new Map<string, Set<string>>();
  for (const whens of presence) {
    for (const label of whens.flat().flatMap((w) => w.split(' and '))) {
      const m = /^(.+?) is (.+)$/.exec(label);
      if (!m) continue;
      const set = values.get(m[1]!) ?? new Set<string>(m[2] === 'true' || m[2] === 'false' ? ['true', 'false'] : []);
      set.add(m[2]!);
      values.set(m[1]!, set);
    }
  }
  let assignments: string[][] = [[]];
  for (const [name, set] of values) {
    assignments = assignments.flatMap((a) => [...set].map((v) => [...a, `${name} is ${v}`]));
    if (assignments.length > MAX_ASSIGNMENTS) return [{ when: [], count: peers.filter((_, i) => presence[i]!.some((w) => w.length === 0)).length }];
  }
  // Variants in which the entry itself does not exist (its resource's count is 0 there) have nothing to count.
  return assignments
    .filter((when) => consistentWith(exists, when))
    .map((when) => ({ when, count: presence.filter((whens) => whens.some((w) => consistentWith(w, when))).length }));
}
