// Which rules admit a given traffic from every address of a given block: the maths behind "this rule can never matter".
import { ipv4Key, NumberIndex } from './block-keys.js';
import { subtractReach } from './exposure.js';
import { cidrsCover, familyBits, halves, type Cidr, type Family, type PortSet } from './net.js';
import { reachIsEmpty, type IcmpReach, type Reach } from './traffic.js';
import { addOneOrMore } from '../util/maps.js';

/** Traffic admitted from one address block: a rule variant with a CIDR peer. */
export interface Admission {
  cidr: Cidr;
  reach: Reach;
}

/**
 * How many admissions holding a block are looked at for one question: a group that states one block thousands of times
 * (each with other ports) must not make every question scan all of them. Fewer candidates can only mean fewer covers.
 */
export const MAX_CANDIDATES = 256;

/**
 * Admissions indexed by block, so that those holding a block and those inside it are found without scanning them all:
 * a block has at most one ancestor per prefix length, and the blocks inside it are one run of the address order.
 */
export class CidrIndex<T extends Admission> {
  /** IPv4 admissions by block number; IPv6 ones by block text (one admission, or the several that hold the block). */
  private readonly ipv4: NumberIndex<T>;
  private readonly ipv6 = new Map<string, T | T[]>();
  /** Each family's admissions, put in address order the first time a question needs that. */
  private readonly inOrder: Record<Family, { items: T[]; sorted: boolean }> = { 4: { items: [], sorted: false }, 6: { items: [], sorted: false } };
  private readonly prefixes: Record<Family, number[]> = { 4: [], 6: [] };
  /** Per block: whether everything strictly inside it, taken together, covers it. */
  private readonly filled = new Map<number | string, boolean>();

  constructor(items: readonly T[]) {
    const onlyIpv4 = items.every((item) => item.cidr.family === 4);
    this.inOrder[4].items = onlyIpv4 ? items.slice() : items.filter((item) => item.cidr.family === 4);
    this.inOrder[6].items = onlyIpv4 ? [] : items.filter((item) => item.cidr.family === 6);
    for (const item of this.inOrder[6].items) addOneOrMore(this.ipv6, ipv6Key(item.cidr.addr, item.cidr.prefix), item);
    this.ipv4 = new NumberIndex(this.inOrder[4].items, (item) => ipv4Key(item.cidr));
    for (const family of [4, 6] as const) {
      const seen = new Set<number>();
      let last = -1;
      for (const { cidr } of this.inOrder[family].items) if (cidr.prefix !== last) seen.add((last = cidr.prefix));
      this.prefixes[family] = [...seen].sort((a, b) => a - b);
    }
  }

  /** The admissions whose block holds all of `block`, its own block included; broadest blocks first, at most `limit`. */
  containing(block: Cidr, limit = Infinity): T[] {
    const out: T[] = [];
    // IPv4 blocks are worked out as numbers (exact below 2^53), without making a BigInt per prefix.
    const v4 = block.family === 4 ? Number(block.addr) : 0;
    for (const prefix of this.prefixes[block.family]) {
      if (prefix > block.prefix || out.length >= limit) break;
      if (block.family === 4) {
        this.ipv4.collect((v4 - (v4 % 2 ** (32 - prefix))) * 64 + prefix, out, limit);
        continue;
      }
      const shift = BigInt(128 - prefix);
      const held = this.ipv6.get(ipv6Key((block.addr >> shift) << shift, prefix));
      if (held === undefined) continue;
      if (!Array.isArray(held)) out.push(held);
      else for (let i = 0; i < held.length && out.length < limit; i++) out.push(held[i]!);
    }
    return out;
  }

  /** The admissions whose block lies strictly inside `block`, in address order. */
  inside(block: Cidr): T[] {
    const list = this.sorted(block.family);
    const last = block.addr | ((1n << BigInt(familyBits(block.family) - block.prefix)) - 1n);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.cidr.addr < block.addr) lo = mid + 1;
      else hi = mid;
    }
    const out: T[] = [];
    for (let i = lo; i < list.length && list[i]!.cidr.addr <= last; i++) if (list[i]!.cidr.prefix > block.prefix) out.push(list[i]!);
    return out;
  }

  private sorted(family: Family): T[] {
    const order = this.inOrder[family];
    if (!order.sorted) {
      order.items.sort((a, b) => (a.cidr.addr < b.cidr.addr ? -1 : a.cidr.addr > b.cidr.addr ? 1 : a.cidr.prefix - b.cidr.prefix));
      order.sorted = true;
    }
    return order.items;
  }

  /**
   * The admissions `keep` accepts that together admit `reach` from every address of `block`, or null when they do
   * not. The block is split in halves down to where the inner blocks sit, so a port range admitted by one rule on one
   * half and by others on the other half counts.
   */
  covering(block: Cidr, reach: Reach, keep: (a: T) => boolean): T[] | null {
    const used: T[] = [];
    const rest = subtractEach(reach, this.containing(block, MAX_CANDIDATES), used, keep);
    if (reachIsEmpty(rest) || !this.insideCovers(block)) return reachIsEmpty(rest) ? used : null;
    const inside = this.inside(block).filter(keep);
    return inside.length > 0 && cidrsCover(block, inside.map((a) => a.cidr)) && coverHalves(block, rest, inside, used) ? used : null;
  }

  private insideCovers(block: Cidr): boolean {
    if (block.prefix === familyBits(block.family)) return false;
    const key = block.family === 4 ? ipv4Key(block) : ipv6Key(block.addr, block.prefix);
    let filled = this.filled.get(key);
    if (filled === undefined) this.filled.set(key, (filled = cidrsCover(block, this.inside(block).map((a) => a.cidr))));
    return filled;
  }
}

function ipv6Key(addr: bigint, prefix: number): string {
  return `${addr}|${prefix}`;
}

/** Whether `within` (strictly inside `block`, in address order, covering it) admit `left` from all of it. */
function coverHalves<T extends Admission>(block: Cidr, left: Reach, within: readonly T[], used: T[]): boolean {
  if (reachIsEmpty(left)) return true;
  if (within.length === 0) return false;
  // Blocks are nested or disjoint, so each inner block lies in one half, and the halves are covered when the block is.
  const [low, high] = halves(block)!;
  const cut = within.findIndex((a) => a.cidr.addr >= high.addr);
  const parts: [Cidr, readonly T[]][] = [
    [low, cut < 0 ? within : within.slice(0, cut)],
    [high, cut < 0 ? [] : within.slice(cut)],
  ];
  return parts.every(([half, mine]) => {
    const whole = mine.filter((a) => a.cidr.prefix === half.prefix);
    const deeper = whole.length === 0 ? mine : mine.filter((a) => a.cidr.prefix > half.prefix);
    return coverHalves(half, subtractEach(left, whole, used), deeper, used);
  });
}

/** The ones among `others` that together admit all of `reach` (each takes something away), or null when they do not. */
export function coveringReaches<T extends { reach: Reach }>(reach: Reach, others: readonly T[], keep: (t: T) => boolean = () => true): T[] | null {
  const used: T[] = [];
  return reachIsEmpty(subtractEach(reach, others.slice(0, MAX_CANDIDATES), used, keep)) ? used : null;
}

/** What `reach` admits beyond those of `others` that `keep` accepts, noting in `used` each that took something away. */
function subtractEach<T extends { reach: Reach }>(reach: Reach, others: readonly T[], used: T[], keep: (t: T) => boolean = () => true): Reach {
  let left = reach;
  for (let i = 0; i < others.length; i++) {
    const o = others[i]!;
    if (!touches(o.reach, left) || !keep(o)) continue;
    left = subtractReach(left, [o.reach]);
    used.push(o);
    if (reachIsEmpty(left)) break;
  }
  return left;
}

/** True when `have` admits some of what `want` admits (so subtracting it takes something away). */
function touches(have: Reach, want: Reach): boolean {
  if (have.allProtocols) return true;
  if (want.allProtocols) return false;
  return (
    portsMeet(have.tcp, want.tcp) ||
    portsMeet(have.udp, want.udp) ||
    icmpMeets(have.icmp, want.icmp) ||
    icmpMeets(have.icmpv6, want.icmpv6) ||
    numbersMeet(have.protocols, want.protocols)
  );
}

function numbersMeet(have: readonly number[], want: readonly number[]): boolean {
  for (const n of want) if (have.includes(n)) return true;
  return false;
}

/** True when some ICMP kind of `have` covers a kind of `want`. */
function icmpMeets(have: readonly IcmpReach[], want: readonly IcmpReach[]): boolean {
  for (const w of want) for (const h of have) if (h.type === -1 || (h.type === w.type && (h.code === -1 || h.code === w.code))) return true;
  return false;
}

function portsMeet(a: PortSet, b: PortSet): boolean {
  const x = a.ranges;
  const y = b.ranges;
  for (let i = 0, j = 0; i < x.length && j < y.length; ) {
    if (x[i]!.to < y[j]!.from) i++;
    else if (y[j]!.to < x[i]!.from) j++;
    else return true;
  }
  return false;
}
