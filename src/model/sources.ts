// Every rule of a direction as the sources it admits traffic from, in canonical form, with the traffic it admits.
import { addressVariants, type RuleVariant } from './exposure.js';
import { formatCidr } from './net.js';
import { ruleTraffic, type Reach } from './traffic.js';
import type { Direction, Model, SgRule } from './types.js';
import { alternatives, consistent, type Unresolved } from './value.js';

/**
 * One alternative of one rule: where its traffic comes from, and which traffic. A CIDR source is the address variant
 * itself (a list of a million CIDRs is a million variants already); a group or prefix list source is a ReferenceSource.
 */
export type RuleSource = RuleVariant | ReferenceSource;

export interface ReferenceSource {
  rule: SgRule;
  /** The source in canonical form: `group:<id>` (`self` is its own group), `prefix-list:<id>`, `external-group:<id>`. */
  peer: string;
  /** The source as written: `self`, "group `web`", the prefix list or external group id. */
  label: string;
  reach: Reach;
  when: string[];
}

export function isCidrSource(s: RuleSource): s is RuleVariant {
  return 'cidr' in s;
}

/** The source in canonical form: a CIDR (`10.0.0.0/8`), or a ReferenceSource's peer. */
export function sourcePeer(s: RuleSource): string {
  return isCidrSource(s) ? formatCidr(s.cidr) : s.peer;
}

/** The source as written: the CIDR text, or a ReferenceSource's label. */
export function sourceLabel(s: RuleSource): string {
  return isCidrSource(s) ? s.cidrValue.v : s.label;
}

/** Every alternative of every rule of a direction with a known source and traffic; rules with an unknown one apart. */
export function ruleSources(model: Model, direction: Direction): { sources: RuleSource[]; unknown: Map<SgRule, Unresolved> } {
  const addresses = addressVariants(model, direction);
  const unknown = new Map(addresses.unknowns.map((u) => [u.rule, u.value] as const));
  const sources: RuleSource[] = [...addresses.variants];
  for (const rule of model.rules.values()) {
    // CIDR peers are the address variants above; a rule without a peer admits nothing.
    if (rule.direction !== direction || rule.peer.kind === 'cidr4' || rule.peer.kind === 'cidr6' || rule.peer.kind === 'none') continue;
    for (const p of referencedSources(model, rule)) {
      if ('k' in p) {
        unknown.set(rule, p);
        continue;
      }
      for (const t of ruleTraffic(rule)) {
        if (!t.ok) unknown.set(rule, t.unresolved);
        const when = p.when.length === 0 && t.when.length === 0 ? NO_CONDITIONS : [...new Set([...p.when, ...t.when])];
        if (t.ok && consistent(when)) sources.push({ rule, peer: p.peer, label: p.label, reach: t.reach, when });
      }
    }
  }
  return { sources, unknown };
}

/** Conditions of a source that holds in every variant: one list for them all (sources only read it). */
const NO_CONDITIONS: string[] = [];

/** The group or prefix list a rule admits traffic from, per alternative; the unresolved value where one is unknown. */
function referencedSources(model: Model, rule: SgRule): ({ peer: string; label: string; when: string[] } | Unresolved)[] {
  const p = rule.peer;
  if (p.kind === 'self') return rule.group ? [{ peer: `group:${rule.group}`, label: 'self', when: [] }] : [];
  if (p.kind === 'securityGroup' && p.ref.kind === 'model') {
    const id = p.ref.id;
    return [{ peer: `group:${id}`, label: `group \`${model.groups.get(id)?.address ?? id}\``, when: [] }];
  }
  const value = p.kind === 'prefixList' ? p.id : p.kind === 'securityGroup' && p.ref.kind === 'external' ? p.ref.id : null;
  if (!value) return [];
  const kind = p.kind === 'prefixList' ? 'prefix-list' : 'external-group';
  return alternatives(value).map((alt) => (alt.value.k === 'unresolved' ? alt.value : { peer: `${kind}:${alt.value.v}`, label: alt.value.v, when: alt.when }));
}
