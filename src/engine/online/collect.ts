// Which addresses the online pass may look up: the public hosts of every hard-coded CIDR (both directions, every
// known alternative of a value). World, private and other special-purpose ranges never leave the machine.
import { formatCidr, hostAddresses, parseCidr, specialPurposeRange, type Cidr } from '../../model/net.js';
import type { Model } from '../../model/types.js';
import { alternatives } from '../../model/value.js';

export const DEFAULT_MAX_ADDRESSES_PER_CIDR = 16;

export type HostPlan = { kind: 'hosts'; hosts: string[] } | { kind: 'special'; range: string } | { kind: 'wide' };

/** The public host addresses of a CIDR to check, or why it is not checked. */
export function planCidr(cidr: Cidr, maxAddresses: number): HostPlan {
  const range = specialPurposeRange(cidr);
  if (range !== null) return { kind: 'special', range };
  const hosts = hostAddresses(cidr, maxAddresses);
  if (hosts === null) return { kind: 'wide' };
  if (hosts.length === 1) return { kind: 'hosts', hosts };
  // A small block may still hold a special address (`::/126` holds `::1`).
  return { kind: 'hosts', hosts: hosts.filter((h) => specialPurposeRange(parseCidr(h)!) === null) };
}

/** planCidr with a memory: the pass plans each CIDR once for collecting and again for every rule that asks. */
export function planner(maxAddresses: number): (cidr: Cidr) => HostPlan {
  const plans = new Map<string, HostPlan>();
  return (cidr) => {
    const key = `${cidr.family}/${cidr.addr}/${cidr.prefix}`;
    let plan = plans.get(key);
    if (!plan) plans.set(key, (plan = planCidr(cidr, maxAddresses)));
    return plan;
  };
}

export interface Collected {
  /** Public host addresses to check: canonical text, de-duplicated, sorted. */
  addresses: string[];
  /** Public CIDRs wider than the limit, listed in the summary as not checked (canonical, de-duplicated, sorted). */
  notChecked: string[];
}

/** Every public address of the rules whose file `wanted` accepts (the files an online rule is enabled for). */
export function collectAddresses(model: Model, plan: (cidr: Cidr) => HostPlan, wanted: (file: string) => boolean = () => true): Collected {
  const addresses = new Set<string>();
  const wide = new Set<string>();
  const byFile = new Map<string, boolean>();
  const fileWanted = (file: string) => byFile.get(file) ?? byFile.set(file, wanted(file)).get(file)!;
  for (const rule of model.rules.values()) {
    if (rule.implicit || (rule.peer.kind !== 'cidr4' && rule.peer.kind !== 'cidr6') || !fileWanted(rule.peerAt.file)) continue;
    for (const alt of alternatives(rule.peer.cidr)) {
      if (alt.value.k !== 'known') continue;
      const cidr = parseCidr(alt.value.v);
      if (!cidr) continue;
      const p = plan(cidr);
      if (p.kind === 'hosts') for (const h of p.hosts) addresses.add(h);
      else if (p.kind === 'wide') wide.add(formatCidr(cidr));
    }
  }
  return { addresses: sorted(addresses), notChecked: sorted(wide) };
}

/** IPv4 before IPv6, then numerically. */
function sorted(texts: Set<string>): string[] {
  return [...texts]
    .map((text) => ({ text, c: parseCidr(text)! }))
    .sort(({ c: x }, { c: y }) => x.family - y.family || (x.addr < y.addr ? -1 : x.addr > y.addr ? 1 : x.prefix - y.prefix))
    .map((e) => e.text);
}
