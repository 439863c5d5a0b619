// Helpers shared by several rule modules: option schemas for port lists and the world-exposure report.
import type { ReportDescriptor, RuleContext } from '../src/engine/define-rule.js';
import { addressVariants, type RuleVariant, type WorldExposure } from '../src/model/exposure.js';
import type { Span } from '../src/model/location.js';
import { formatCidr, isWorld, namePorts, parsePortSpec, PortSet, type NamedPorts } from '../src/model/net.js';
import { describeReach, ruleTraffic, type Reach } from '../src/model/traffic.js';
import type { Direction, Model, SgRule } from '../src/model/types.js';
import { alternatives } from '../src/model/value.js';

export type PortSpec = number | string;

export const portListSchema = {
  type: 'array',
  items: { anyOf: [{ type: 'integer', minimum: 0, maximum: 65535 }, { type: 'string', pattern: '^\\s*\\d{1,5}\\s*(-\\s*\\d{1,5}\\s*)?$' }] },
} as const;

export function portSetFromSpecs(specs: readonly PortSpec[]): PortSet {
  return PortSet.of(...specs.flatMap((s) => parsePortSpec(s) ?? []));
}

/** Named ports from option specs: configured ports are named after the default list where they match it. */
export function namedFromSpecs(specs: readonly PortSpec[], defaults: readonly NamedPorts[]): NamedPorts[] {
  return specs.flatMap((s) => {
    const r = parsePortSpec(s);
    if (!r) return [];
    const known = defaults.find((d) => d.from === r.from && d.to === r.to);
    return [{ from: r.from, to: r.to, name: known?.name ?? 'configured' }];
  });
}

export function groupAddress(model: Model, rule: SgRule): string | undefined {
  return rule.group ? model.groups.get(rule.group)?.address : undefined;
}

/** The rule's group address for messages, or the rule's own resource when its group is not in the model. */
export function groupLabel(model: Model, rule: SgRule): string {
  return groupAddress(model, rule) ?? rule.resource;
}

/** "0.0.0.0/0", or for a union "0.0.0.0/1 + 128.0.0.0/1 (together all of IPv4)". */
export function exposureSource(e: WorldExposure): string {
  if (!e.byUnion) return e.variants[0]!.cidrValue.v;
  const list = [...new Set(e.variants.map((v) => formatCidr(v.cidr)))];
  const shown = list.length > 4 ? `${list.slice(0, 4).join(' + ')} + ${list.length - 4} more` : list.join(' + ');
  return `${shown} (together all of ${e.family === 4 ? 'IPv4' : 'IPv6'})`;
}

/**
 * Every admin and sensitive port an exposure reaches (RULES.md: the message lists them all), by protocol:
 * "TCP 22 (SSH), 23 (Telnet); sensitive ports: TCP 20-21 (FTP), …". Protocol -1 reaches them on every protocol.
 */
export function reachedPorts(e: WorldExposure, admin: readonly NamedPorts[], sensitive: readonly NamedPorts[]): string {
  const byProtocol: [string, PortSet][] = e.reach.allProtocols
    ? [['', PortSet.all()]]
    : [
        ['TCP ', e.reach.tcp],
        ['UDP ', e.reach.udp],
      ];
  const list = (named: readonly NamedPorts[]) =>
    byProtocol
      .map(([label, ports]) => ({ label, names: namePorts(ports, named) }))
      .filter((p) => p.names.length > 0)
      .map((p) => `${p.label}${p.names.join(', ')}`)
      .join('; ');
  const a = list(admin);
  const s = list(sensitive);
  return [a, s ? `${a ? 'sensitive ports: ' : ''}${s}` : ''].filter(Boolean).join('; ');
}

/** Reports a world exposure at its first contributing peer, with the others as related locations. */
export function reportExposure(
  ctx: RuleContext<unknown>,
  e: WorldExposure,
  messageId: string,
  data: Record<string, string | number>,
  extra: Partial<ReportDescriptor> = {},
): void {
  const first = e.variants[0]!.rule;
  const related = e.variants.slice(1).map((v) => ({ at: peerSpan(v), message: `${v.cidrValue.v} is part of the union that covers the whole address space` }));
  // Ports looked up elsewhere (a map of named rules such as `ssh-tcp = [22, 22, "tcp", …]`) point there too.
  const port = first.fromPort && alternatives(first.fromPort).find((a) => a.value.k === 'known')?.value.at.defined;
  const peerAt = peerSpan(e.variants[0]!);
  if (port && port.file !== peerAt.file && port.file !== peerAt.defined?.file) related.push({ at: port, message: 'the port is written here' });
  ctx.report({
    messageId,
    data,
    at: peerSpan(e.variants[0]!),
    resource: first.resource,
    ...(groupAddress(ctx.model, first) ? { group: groupAddress(ctx.model, first)! } : {}),
    related,
    ...(e.when.length > 0 ? { when: e.when } : {}),
    key: `${e.direction}|${exposureSource(e)}|${describeReach(e.reach)}`,
    claim: e.key,
    ...extra,
  });
}

/**
 * Unknown peers, and unknown traffic of world peers, that kept a world rule of a direction from deciding. An unknown
 * peer matters only when its rule's traffic could be what the rule looks for (`matters`), or is itself unknown.
 */
export function reportWorldUnknowns(ctx: RuleContext<unknown>, direction: Direction, matters: (reach: Reach) => boolean = () => true): void {
  for (const u of addressVariants(ctx.model, direction).unknowns) {
    if (u.cidr && !isWorld(u.cidr)) continue;
    if (!u.cidr && !ruleTraffic(u.rule).some((t) => !t.ok || matters(t.reach))) continue;
    ctx.unresolved(u.value);
  }
}

/** Where a finding about a peer points: the alternative that yields the address (an `Fn::If` branch), else the peer. */
export function peerSpan(v: RuleVariant): Span {
  const at = v.cidrValue.at;
  return at.file === v.rule.peerAt.file ? { ...at, path: v.rule.peerAt.path } : v.rule.peerAt;
}

/** An integer with `,` between groups of three digits ("65,536"), as `toLocaleString('en-US')` writes it without loading ICU's number formatting (tens of milliseconds on first use). */
export function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

const MAX_VARIANTS = 16;

/**
 * The deployment variants that the conditions in `whens` make ("IsProd is true", "with prod.tfvars"): every
 * combination of one value per condition, as label lists; `[[]]` when there is no condition, null when there are more
 * than 16 combinations. Something whose own conditions are `w` exists in variant `v` when `consistent([...w, ...v])`.
 */
export function deploymentVariants(whens: readonly (readonly string[])[]): string[][] | null {
  const values = new Map<string, Set<string>>();
  for (const label of whens.flat().flatMap((w) => w.split(' and '))) {
    const name = label.startsWith('with ') ? 'var file' : /^(.+?) is /.exec(label)?.[1];
    if (name !== undefined) values.set(name, (values.get(name) ?? new Set()).add(label));
  }
  let variants: string[][] = [[]];
  for (const labels of values.values()) {
    variants = variants.flatMap((v) => [...labels].map((l) => [...v, l]));
    if (variants.length > MAX_VARIANTS) return null;
  }
  return variants;
}

export { addTo } from '../src/util/maps.js';
