// What AWS compares to tell two rules of one group apart, and the deployment variants that conditions make.
import { comparePos, type Span } from '../src/model/location.js';
import { ipv4Key } from '../src/model/block-keys.js';
import { canonicalIpv4Block, formatCidr, parseCidr } from '../src/model/net.js';
import { reachIsEmpty, ruleTraffic, trafficLabel } from '../src/model/traffic.js';
import type { Model, SgRule } from '../src/model/types.js';
import { alternatives, consistent, consistentWith, type Known, type Unresolved } from '../src/model/value.js';

/** One concrete form of a rule in the deployment variants its conditions describe. */
export interface RuleForm {
  rule: SgRule;
  when: string[];
  /** Canonical protocol and ports ("TCP 22", "all traffic"), or null when they are not known. */
  traffic: string | null;
  /** Canonical peer: a CIDR with host bits cleared, a prefix list id, or a group (`self` is the group itself). */
  peer: PeerForm;
}

export interface PeerForm {
  kind: 'cidr4' | 'cidr6' | 'prefixList' | 'securityGroup';
  key: string;
  /** How messages name the peer: the address as written, a prefix list id, a group's address. */
  label: string;
  at: Span;
  /** Prefix lists: how many rule entries the list counts for, and its address family, when the configuration shows them. */
  weight?: number;
  family?: 4 | 6;
  /** IPv4 peers: the block as a number (model/block-keys.ts), which tells a long list of CIDRs apart faster than `key`. */
  ipv4?: number;
}

export interface RuleForms {
  forms: RuleForm[];
  /** Peers not known (an unknown CIDR list may hold any number of CIDRs, or none). */
  unknownPeers: Unresolved[];
  /** Protocols or ports not known; the rule's forms then have no traffic. */
  unknownTraffic: Unresolved[];
}

/**
 * Every form a rule takes: each alternative of its peer with each alternative of its protocol and ports, where their
 * conditions can hold together. Invalid shapes (which `rule-shape-invalid` reports) have no form; AWS's description
 * plays no part, as it plays none when AWS compares rules. The forms of a rule whose peer is one known CIDR are made
 * anew on each call, which costs less than keeping those of a million rules (callers keep what they need of them);
 * those of other rules (alternatives, conditions, references) are kept for the next caller.
 */
export function ruleForms(model: Model, rule: SgRule): RuleForms {
  const peer = rule.peer;
  return (peer.kind === 'cidr4' || peer.kind === 'cidr6') && peer.cidr.k === 'known' ? knownCidrForms(rule, peer.kind, peer.cidr) : allForms(model, rule);
}

/**
 * The one form of a rule whose peer is one IPv4 network written in canonical form, with one traffic alternative that
 * has no conditions and admits something (most rules, and every rule of a long list of CIDRs): its traffic and its
 * block's number (model/block-keys.ts), which tell it apart as its RuleForm would, without making that. Null for any
 * other rule: ruleForms gives its forms.
 */
export function plainIpv4Form(rule: SgRule): { traffic: string; block: number } | null {
  const peer = rule.peer;
  if (peer.kind !== 'cidr4' || peer.cidr.k !== 'known') return null;
  const block = canonicalIpv4Block(peer.cidr.v);
  if (block < 0) return null;
  const traffic = ruleTraffic(rule);
  const t = traffic.length === 1 ? traffic[0]! : null;
  if (!t?.ok || t.when.length > 0 || reachIsEmpty(t.reach)) return null;
  return { traffic: trafficLabel(t.reach), block };
}

/** The forms of a rule whose peer is one known CIDR (most rules): its traffic alternatives with that CIDR. */
function knownCidrForms(rule: SgRule, kind: 'cidr4' | 'cidr6', value: Known<string>): RuleForms {
  const peer = cidrPeer(rule, kind, value);
  if (!peer) return NO_FORMS;
  const traffic = ruleTraffic(rule);
  if (traffic.length === 1 && traffic[0]!.ok && traffic[0]!.when.length === 0) {
    const t = traffic[0]!;
    return reachIsEmpty(t.reach) ? NO_FORMS : { forms: [{ rule, when: NONE, traffic: trafficLabel(t.reach), peer }], unknownPeers: NONE, unknownTraffic: NONE };
  }
  return formsOf(rule, [{ when: NONE, peer }], NONE);
}

function allForms(model: Model, rule: SgRule): RuleForms {
  let cache = formsCache.get(model);
  if (!cache) formsCache.set(model, (cache = new Map()));
  let forms = cache.get(rule);
  if (!forms) {
    const unknownPeers: Unresolved[] = [];
    cache.set(rule, (forms = formsOf(rule, peerForms(model, rule, unknownPeers), unknownPeers)));
  }
  return forms;
}

/** Forms kept by rule, a map per model (rules are read-only objects of one model). */
const formsCache = new WeakMap<Model, Map<SgRule, RuleForms>>();

/** Each peer alternative with each traffic alternative, where their conditions can hold together. */
function formsOf(rule: SgRule, peers: { when: string[]; peer: PeerForm }[], unknownPeers: Unresolved[]): RuleForms {
  const forms: RuleForm[] = [];
  const unknownTraffic: Unresolved[] = [];
  for (const t of peers.length > 0 ? ruleTraffic(rule) : []) {
    if (!t.ok) unknownTraffic.push(t.unresolved);
    else if (reachIsEmpty(t.reach)) continue;
    const traffic = t.ok ? trafficLabel(t.reach) : null;
    for (const p of peers) {
      const when = together(p.when, t.when);
      if (when) forms.push({ rule, when, traffic, peer: p.peer });
    }
  }
  // Most rules have one form and no unknowns: empty lists are shared to keep a large model's forms small.
  return { forms: forms.length > 0 ? forms : NONE, unknownPeers: unknownPeers.length > 0 ? unknownPeers : NONE, unknownTraffic: unknownTraffic.length > 0 ? unknownTraffic : NONE };
}

const NONE: never[] = [];
const NO_FORMS: RuleForms = { forms: NONE, unknownPeers: NONE, unknownTraffic: NONE };

const togetherCache = new Map<string, string[] | null>();

/**
 * The conditions of two things that must both hold, or null when they never do. Rules of one entry share their
 * condition lists, so the answer is remembered by content.
 */
export function together(a: readonly string[], b: readonly string[]): string[] | null {
  if (b.length === 0 || a === b) return a as string[];
  if (a.length === 0) return b as string[];
  const key = `${a.join('\0')}\u0001${b.join('\0')}`;
  let hit = togetherCache.get(key);
  if (hit === undefined) {
    if (togetherCache.size >= 1 << 14) togetherCache.clear();
    const merged = [...new Set([...a, ...b])];
    hit = consistent(merged) ? merged : null;
    togetherCache.set(key, hit);
  }
  return hit;
}

function peerForms(model: Model, rule: SgRule, unknowns: Unresolved[]): { when: string[]; peer: PeerForm }[] {
  const peer = rule.peer;
  switch (peer.kind) {
    case 'cidr4':
    case 'cidr6': {
      const kind = peer.kind;
      return alternatives(peer.cidr).flatMap((alt) => {
        if (alt.value.k === 'unresolved') return (unknowns.push(alt.value), []);
        const form = cidrPeer(rule, kind, alt.value);
        return form ? [{ when: alt.when, peer: form }] : [];
      });
    }
    case 'prefixList': {
      const weights = peer.weight ? alternatives(peer.weight) : [];
      return alternatives(peer.id).flatMap((alt) => {
        const weight = weights.find((w) => w.value.k === 'known' && consistentWith(w.when, alt.when))?.value;
        const known = { ...(weight?.k === 'known' ? { weight: weight.v } : {}), ...(peer.family ? { family: peer.family } : {}) };
        if (alt.value.k === 'unresolved') {
          // A list the configuration defines or looks up is known by where that happens, though its id is not.
          if (weight?.k !== 'known') return (unknowns.push(alt.value), []);
          return [{ when: alt.when, peer: { kind: 'prefixList' as const, key: `${weight.at.file}#${weight.at.path}@${weight.at.start.line}:${weight.at.start.column}`, label: alt.value.expr, at: rule.peerAt, ...known } }];
        }
        const id = alt.value.v.trim();
        return id === '' ? [] : [{ when: alt.when, peer: { kind: 'prefixList' as const, key: id, label: id, at: rule.peerAt, ...known } }];
      });
    }
    case 'securityGroup': {
      const ref = peer.ref;
      if (ref.kind === 'model') return [{ when: [], peer: groupPeer(model, ref.id, rule.peerAt) }];
      return alternatives(ref.id).flatMap((alt) => {
        if (alt.value.k === 'unresolved') return (unknowns.push(alt.value), []);
        // An empty id (`try(aws_security_group.x[0].id, "")` where no group is created) is no peer.
        if (alt.value.v.trim() === '') return [];
        return [{ when: alt.when, peer: { kind: 'securityGroup' as const, key: `external:${alt.value.v.trim()}`, label: alt.value.v, at: rule.peerAt } }];
      });
    }
    case 'self':
      // `self = true` and a reference to the group's own id are one rule for AWS.
      return rule.group ? [{ when: [], peer: groupPeer(model, rule.group, rule.peerAt) }] : [];
    default:
      return [];
  }
}


function cidrPeer(rule: SgRule, kind: 'cidr4' | 'cidr6', value: Known<string>): PeerForm | null {
  // Most IPv4 peers are written in canonical form: their text is their key, read without making a Cidr.
  const block = kind === 'cidr4' ? canonicalIpv4Block(value.v) : -1;
  const cidr = block >= 0 ? null : parseCidr(value.v);
  if (block < 0 && (!cidr || cidr.family !== (kind === 'cidr4' ? 4 : 6))) return null;
  const at = value.at.file !== rule.peerAt.file || comparePos(value.at.start, rule.peerAt.start) === 0 ? rule.peerAt : { ...value.at, path: rule.peerAt.path };
  if (!cidr) return { kind, key: value.v, label: value.v, at, ipv4: block };
  return cidr.family === 4 ? { kind, key: formatCidr(cidr), label: value.v, at, ipv4: ipv4Key(cidr) } : { kind, key: formatCidr(cidr), label: value.v, at };
}

function groupPeer(model: Model, id: string, at: Span): PeerForm {
  return { kind: 'securityGroup', key: `model:${id}`, label: `\`${model.groups.get(id)?.address ?? id}\``, at };
}

const MAX_VARIANTS = 16;

/**
 * The deployment variants the conditions in `whens` describe: every combination of the values each condition takes
 * ("IsProd is true" and "IsProd is false", one var file or another). One variant without conditions when there are none;
 * null when there are more than a reader could follow (callers then count only what holds in every variant).
 */
export function variantsOf(whens: Iterable<readonly string[]>): string[][] | null {
  const values = new Map<string, Set<string>>();
  const seen = new Set<string>();
  for (const when of whens) {
    if (when.length === 0) continue;
    const key = when.join('\0');
    if (seen.has(key)) continue;
    seen.add(key);
    for (const label of when.flatMap((w) => w.split(' and '))) {
      const m = /^with (.+)$/.exec(label) ? (['', 'var file', label] as const) : /^(.+?) is (.+)$/.exec(label);
      if (!m) continue;
      const set = values.get(m[1]!) ?? new Set<string>(m[2] === 'true' || m[2] === 'false' ? ['true', 'false'] : []);
      values.set(m[1]!, set.add(m[2]!));
    }
  }
  let variants: string[][] = [[]];
  for (const [name, set] of values) {
    variants = variants.flatMap((v) => [...set].map((value) => [...v, name === 'var file' ? value : `${name} is ${value}`]));
    if (variants.length > MAX_VARIANTS) return null;
  }
  return variants;
}

/** The conditions that the chosen items need, as one list of labels (for a finding's "when …"). */
export function conditionsOf(items: readonly { when: readonly string[] }[]): string[] {
  return [...new Set(items.flatMap((i) => i.when.flatMap((w) => w.split(' and '))))];
}
