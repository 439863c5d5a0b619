// Drift between deployed groups (an AWS export, or the account read live) and the groups in infrastructure code:
// groups are matched by the tags deployment tools leave, or by name; their rules compare in the canonical form AWS
// compares rules in (rule-duplicate's: canonical CIDR, protocol and ports, the peer; descriptions play no part).
import { posix } from 'node:path';
import { compareSpans, type Span } from '../../model/location.js';
import type { Model, SecurityGroup, SgRule } from '../../model/types.js';
import { alternatives } from '../../model/value.js';
import { ruleForms } from '../../../rules/_rule-forms.js';

export interface DriftGroup {
  address: string;
  /** Where the group is written: the IaC resource, or the group in the export file (absent when read live). */
  at?: Span;
}

export interface DriftRule {
  direction: 'ingress' | 'egress';
  /** "TCP 22", "all traffic", … */
  traffic: string;
  /** The peer as the side that has the rule names it (a CIDR, a prefix list, a group's address). */
  peer: string;
  /** Where the rule is written on the side that has it. */
  at?: Span;
}

export interface MatchedGroup {
  live: DriftGroup;
  code: DriftGroup;
  /** How the two were matched: `tag aws:cloudformation:logical-id`, `tag Name`, `group name`, `default group`. */
  by: string;
  liveOnly: DriftRule[];
  codeOnly: DriftRule[];
  /** Rules in code whose peer, protocol or ports are not known, so they could not be compared. */
  uncompared: DriftRule[];
}

export interface Drift {
  matched: MatchedGroup[];
  liveOnlyGroups: DriftGroup[];
  codeOnlyGroups: DriftGroup[];
}

export function hasDrift(d: Drift): boolean {
  return d.liveOnlyGroups.length > 0 || d.codeOnlyGroups.length > 0 || d.matched.some((m) => m.liveOnly.length > 0 || m.codeOnly.length > 0);
}

/** Compares the deployed groups of `live` with the groups of `code` (groups of other formats in `live` are ignored). */
export function compareDrift(live: Model, code: Model, liveHasFiles: boolean): Drift {
  const liveGroups = [...live.groups.values()].filter((g) => g.format === 'aws');
  const codeGroups = [...code.groups.values()].filter((g) => g.format !== 'aws');
  const pairs = matchGroups(liveGroups, codeGroups);
  const liveToCode = new Map(pairs.map((p) => [p.live.id, p.code.id]));
  const codeToLive = new Map(pairs.map((p) => [p.code.id, p.live.id]));
  const side = (g: SecurityGroup, withAt: boolean): DriftGroup => ({ address: g.address, ...(withAt ? { at: g.at } : {}) });
  const matched: MatchedGroup[] = pairs.map(({ live: l, code: c, by }) => {
    const liveRules = keyedRules(live, l, (id) => `model:${id}`, liveHasFiles);
    const codeRules = keyedRules(code, c, (id) => (codeToLive.has(id) ? `model:${codeToLive.get(id)}` : `code:${id}`), true);
    return {
      live: side(l, liveHasFiles),
      code: side(c, true),
      by,
      liveOnly: [...liveRules.known].filter(([k]) => !codeRules.known.has(k)).map(([, r]) => r),
      codeOnly: [...codeRules.known].filter(([k]) => !liveRules.known.has(k)).map(([, r]) => r),
      uncompared: codeRules.unknown,
    };
  });
  return {
    matched: matched.sort((a, b) => compareOptionalSpans(a.code.at, b.code.at)),
    liveOnlyGroups: liveGroups.filter((g) => !liveToCode.has(g.id)).map((g) => side(g, liveHasFiles)),
    codeOnlyGroups: codeGroups.filter((g) => !codeToLive.has(g.id)).map((g) => side(g, true)).sort((a, b) => compareOptionalSpans(a.at, b.at)),
  };
}

function compareOptionalSpans(a: Span | undefined, b: Span | undefined): number {
  return a && b ? compareSpans(a, b) : a ? -1 : b ? 1 : 0;
}

/** A group's rules by canonical key (direction, traffic, peer); rules whose form is not known apart. */
function keyedRules(model: Model, group: SecurityGroup, groupKey: (id: string) => string, located: boolean): { known: Map<string, DriftRule>; unknown: DriftRule[] } {
  const known = new Map<string, DriftRule>();
  const unknown: DriftRule[] = [];
  for (const id of [...group.ingress, ...group.egress]) {
    const rule = model.rules.get(id)!;
    const forms = ruleForms(model, rule);
    const at = located ? rule.peerAt : undefined;
    for (const f of forms.forms) {
      // A prefix list the code names by reference (not by its pl- id) cannot be compared with a deployed one.
      const comparable = f.traffic !== null && !(f.peer.kind === 'prefixList' && !f.peer.key.startsWith('pl-'));
      const peer = f.peer.kind === 'securityGroup' && f.peer.key.startsWith('model:') ? groupKey(f.peer.key.slice('model:'.length)) : `${f.peer.kind}:${f.peer.key}`;
      const entry: DriftRule = { direction: rule.direction, traffic: f.traffic ?? 'unknown traffic', peer: peerLabel(model, rule, f.peer.label), ...(at ? { at: f.peer.at } : {}) };
      if (!comparable) unknown.push(entry);
      else if (!known.has(`${rule.direction}|${f.traffic}|${peer}`)) known.set(`${rule.direction}|${f.traffic}|${peer}`, entry);
    }
    if (forms.unknownPeers.length > 0 || forms.unknownTraffic.length > 0) unknown.push(unknownRule(rule, at));
  }
  return { known, unknown };
}

function peerLabel(model: Model, rule: SgRule, label: string): string {
  return rule.peer.kind === 'self' ? `self (${model.groups.get(rule.group ?? '')?.address ?? 'its group'})` : label.replace(/^`(.*)`$/, '$1');
}

function unknownRule(rule: SgRule, at: Span | undefined): DriftRule {
  const value = (rule.peer.kind === 'cidr4' || rule.peer.kind === 'cidr6' ? alternatives(rule.peer.cidr) : []).find((a) => a.value.k === 'unresolved')?.value;
  return { direction: rule.direction, traffic: 'not known', peer: value && value.k === 'unresolved' ? value.expr : 'not known', ...(at ? { at } : {}) };
}

interface Pair {
  live: SecurityGroup;
  code: SecurityGroup;
  by: string;
}

/**
 * Pairs each deployed group with at most one group in code, by the first of: the CloudFormation logical id tag (and
 * the stack name, when several templates define that logical id), the `aws:cdk:path` tag, a Terraform address tag, the
 * `Name` tag, the group name (CloudFormation's generated `<stack>-<LogicalId>-<suffix>` included), and the VPC's
 * default group when each side has exactly one.
 */
export function matchGroups(live: SecurityGroup[], code: SecurityGroup[]): Pair[] {
  const pairs: Pair[] = [];
  const takenCode = new Set<string>();
  const takenLive = new Set<string>();
  const take = (l: SecurityGroup, c: SecurityGroup | undefined, by: string) => {
    if (!c || takenCode.has(c.id) || takenLive.has(l.id)) return;
    pairs.push({ live: l, code: c, by });
    takenCode.add(c.id);
    takenLive.add(l.id);
  };
  const unique = (candidates: SecurityGroup[]) => {
    const free = candidates.filter((c) => !takenCode.has(c.id));
    return free.length === 1 ? free[0] : undefined;
  };
  const strategies: [string, (l: SecurityGroup) => SecurityGroup | undefined][] = [
    ['tag aws:cloudformation:logical-id', (l) => {
      const logicalId = l.tags?.['aws:cloudformation:logical-id'];
      if (!logicalId) return undefined;
      const found = code.filter((c) => c.format !== 'terraform' && logicalIdOf(c) === logicalId);
      const stack = l.tags?.['aws:cloudformation:stack-name'];
      return unique(found) ?? unique(found.filter((c) => stack !== undefined && posix.basename(c.at.file).replace(/\.[^.]*$/, '').replace(/\.template$/, '') === stack));
    }],
    ['tag aws:cdk:path', (l) => {
      const path = l.tags?.['aws:cdk:path'];
      return path ? unique(code.filter((c) => c.address === path || `${c.address}/Resource` === path)) : undefined;
    }],
    ['Terraform address tag', (l) => {
      const addresses = Object.entries(l.tags ?? {}).filter(([k]) => /terraform|^tf[_:-]/i.test(k)).map(([, v]) => v);
      return addresses.length > 0 ? unique(code.filter((c) => c.format === 'terraform' && addresses.includes(c.address))) : undefined;
    }],
    ['tag Name', (l) => {
      const name = l.tags?.Name;
      return name ? unique(code.filter((c) => namesOf(c).includes(name))) : undefined;
    }],
    ['group name', (l) => {
      const name = l.name?.k === 'known' ? l.name.v : undefined;
      if (!name || l.isDefault) return undefined;
      return unique(code.filter((c) => namesOf(c).includes(name))) ?? unique(code.filter((c) => generatedNameOf(name, c)));
    }],
  ];
  for (const [by, find] of strategies) for (const l of live) if (!takenLive.has(l.id)) take(l, find(l), by);
  const liveDefaults = live.filter((g) => g.isDefault && !takenLive.has(g.id));
  const codeDefaults = code.filter((g) => g.isDefault && !takenCode.has(g.id));
  if (liveDefaults.length === 1 && codeDefaults.length === 1) take(liveDefaults[0]!, codeDefaults[0], 'default group');
  return pairs;
}

/** A CloudFormation group's logical id (its resource path `Resources.<id>`). */
function logicalIdOf(g: SecurityGroup): string | undefined {
  return /^Resources\.([^.]+)$/.exec(g.at.path)?.[1];
}

function namesOf(g: SecurityGroup): string[] {
  return g.name ? alternatives(g.name).flatMap((a) => (a.value.k === 'known' ? [a.value.v] : [])) : [];
}

/** CloudFormation names a group without GroupName `<stack>-<LogicalId>-<suffix>`. */
function generatedNameOf(name: string, g: SecurityGroup): boolean {
  const id = logicalIdOf(g);
  return id !== undefined && g.name === null && new RegExp(`^.+-${id.replace(/[^A-Za-z0-9]/g, '')}-[A-Z0-9]{8,}$`).test(name);
}
