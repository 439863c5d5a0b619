// Network maths: CIDRs (IPv4 and IPv6 as BigInt), port sets, protocols and well-known ports.
import { memoized } from '../util/maps.js';

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** Network address, host bits cleared. */
  addr: bigint;
  prefix: number;
  /** Original input, trimmed. */
  text: string;
  /** The input had host bits set, like 10.0.0.1/8. */
  hostBitsSet: boolean;
  /** formatCidr's answer, kept by it on the shared parsed objects (copy a Cidr field by field, never by spreading). */
  canonical?: string;
}

export function familyBits(family: Family): number {
  return family === 4 ? 32 : 128;
}

/** The host bits of a block of each prefix length, by family: masks are asked for per CIDR, and made once. */
const HOST_MASKS: Record<Family, readonly bigint[]> = {
  4: Array.from({ length: 33 }, (_, prefix) => (1n << BigInt(32 - prefix)) - 1n),
  6: Array.from({ length: 129 }, (_, prefix) => (1n << BigInt(128 - prefix)) - 1n),
};

/** The network bits of a block of each prefix length, by family (the complement of its host mask). */
const NETWORK_MASKS: Record<Family, readonly bigint[]> = {
  4: HOST_MASKS[4].map((host) => 0xffffffffn ^ host),
  6: HOST_MASKS[6].map((host) => ((1n << 128n) - 1n) ^ host),
};

function hostMask(family: Family, prefix: number): bigint {
  return HOST_MASKS[family][prefix]!;
}

const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/**
 * The dotted-quad IPv4 address in `s` before `end` as a number, or -1: four decimal octets of at most three digits,
 * each at most 255 and without leading zeros (ambiguous, octal in some parsers, and AWS rejects them).
 */
function parseV4(s: string, end = s.length): number {
  let value = 0;
  let octets = 0;
  let i = 0;
  for (;;) {
    const start = i;
    let octet = 0;
    while (i < end && i - start < 4) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || (digits > 1 && s.charCodeAt(start) === 48) || octet > 255) return -1;
    value = value * 256 + octet;
    if (++octets === 4) return i === end ? value : -1;
    if (i === end || s.charCodeAt(i) !== 46) return -1;
    i++;
  }
}

function parseV6(s: string): bigint | null {
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  const tail = groups[groups.length - 1]!;
  const last = tail[tail.length - 1];
  if (last?.includes('.')) {
    const v4 = parseV4(last);
    if (v4 < 0) return null;
    tail.splice(-1, 1, Math.floor(v4 / 65536).toString(16), (v4 % 65536).toString(16));
  }
  const count = groups.reduce((n, g) => n + g.length, 0);
  const compressed = groups.length === 2;
  if (compressed ? count > 7 : count !== 8) return null;
  const all = compressed ? [...groups[0]!, ...Array<string>(8 - count).fill('0'), ...groups[1]!] : groups[0]!;
  let v = 0n;
  for (const g of all) {
    if (!HEX_GROUP.test(g)) return null;
    v = (v << 16n) | BigInt('0x' + g);
  }
  return v;
}

/**
 * A CIDR from its text. An IPv4 network written as AWS writes it ("10.0.0.0/8", its own canonical text) is parsed
 * each time, as fast as a lookup would be (a list of a million addresses would otherwise be a million entries kept);
 * other texts are parsed once and shared. Treat the objects as read-only.
 */
export function parseCidr(text: string): Cidr | null {
  return canonicalIpv4(text) ?? parsedOnce(text);
}

const parsedOnce = memoized((text: string) => parseCidrText(text), 1 << 21);

function canonicalIpv4(text: string): Cidr | null {
  const block = canonicalIpv4Block(text);
  return block < 0 ? null : { family: 4, addr: BigInt(Math.floor(block / 64)), prefix: block % 64, text, hostBitsSet: false, canonical: text };
}

/**
 * The IPv4 network that `text` writes in canonical form ("10.0.0.0/8"), as a number (its address × 64 + its prefix,
 * as model/block-keys.ts numbers blocks); -1 for any other text. Parses without making objects.
 */
export function canonicalIpv4Block(text: string): number {
  const slash = text.indexOf('/');
  const digits = text.length - slash - 1;
  if (slash <= 0 || digits < 1 || digits > 2) return -1;
  const tens = digits === 2 ? text.charCodeAt(slash + 1) - 48 : 0;
  const ones = text.charCodeAt(text.length - 1) - 48;
  if (tens < 0 || tens > 9 || ones < 0 || ones > 9 || (digits === 2 && tens === 0)) return -1;
  const prefix = tens * 10 + ones;
  const raw = prefix > 32 ? -1 : parseV4(text, slash);
  return raw < 0 || raw % 2 ** (32 - prefix) !== 0 ? -1 : raw * 64 + prefix;
}

function parseCidrText(text: string): Cidr | null {
  const t = text.trim();
  const slash = t.indexOf('/');
  const end = slash < 0 ? t.length : slash;
  const prefixText = slash < 0 ? undefined : t.slice(slash + 1);
  // The address is not empty; the prefix, when written, is 0 or up to three digits without a leading zero.
  if (end === 0 || (prefixText !== undefined && !/^(?:0|[1-9]\d{0,2})$/.test(prefixText))) return null;
  const family: Family = t.lastIndexOf(':', end) >= 0 ? 6 : 4;
  const prefix = prefixText === undefined ? familyBits(family) : Number(prefixText);
  if (prefix > familyBits(family)) return null;
  if (family === 4) {
    const raw = parseV4(t, end);
    if (raw < 0) return null;
    const hosts = 2 ** (32 - prefix);
    const hostBitsSet = raw % hosts !== 0;
    // Octets are written without leading zeros, so a network address with its prefix written is its canonical text.
    return { family, addr: BigInt(raw - (raw % hosts)), prefix, text: t, hostBitsSet, canonical: hostBitsSet || prefixText === undefined ? undefined : t };
  }
  const raw = parseV6(t.slice(0, end));
  if (raw === null) return null;
  const host = hostMask(family, prefix);
  return { family, addr: raw & ~host, prefix, text: t, hostBitsSet: (raw & host) !== 0n, canonical: undefined };
}

function mustParse(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`bad built-in CIDR ${text}`);
  return c;
}

/** Canonical text of a single address (RFC 5952 for IPv6). */
export function formatAddress(family: Family, addr: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 0xffn)).join('.');
  // RFC 5952 section 5: IPv4-mapped addresses use mixed notation.
  if (addr >> 32n === 0xffffn) return '::ffff:' + formatAddress(4, addr & 0xffffffffn);
  const groups = Array.from({ length: 8 }, (_, i) => Number((addr >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1; // a lone zero group is never compressed
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = Math.max(j, i + 1);
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function formatCidr(c: Cidr): string {
  if (c.canonical !== undefined) return c.canonical;
  const text = `${formatAddress(c.family, c.addr)}/${c.prefix}`;
  if ('canonical' in c) c.canonical = text;
  return text;
}

/** Last address of the block. */
export function lastAddress(c: Cidr): bigint {
  return c.addr | hostMask(c.family, c.prefix);
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.family === inner.family &&
    outer.prefix <= inner.prefix &&
    (inner.addr & NETWORK_MASKS[outer.family][outer.prefix]!) === outer.addr
  );
}

/** CIDR blocks are either nested or disjoint. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

export function isWorld(c: Cidr): boolean {
  return c.prefix === 0;
}

export function unionCoversAll(cidrs: Cidr[], family: Family): boolean {
  const spans = cidrs
    .filter((c) => c.family === family)
    .map((c) => [c.addr, lastAddress(c)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let next = 0n; // first address not yet covered
  for (const [lo, hi] of spans) {
    if (lo > next) return false;
    if (hi >= next) next = hi + 1n;
  }
  return next === 1n << BigInt(familyBits(family));
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'].map(mustParse);

export function isPrivate(c: Cidr): boolean {
  return PRIVATE.some((p) => cidrContains(p, c));
}

export type AddressClass = 'world' | 'private' | 'public';

export function classify(c: Cidr): AddressClass {
  return isWorld(c) ? 'world' : isPrivate(c) ? 'private' : 'public';
}

const SPECIAL: readonly (readonly [Cidr, string])[] = (
  [
    ['0.0.0.0/8', 'this network'],
    ['10.0.0.0/8', 'private'],
    ['172.16.0.0/12', 'private'],
    ['192.168.0.0/16', 'private'],
    ['100.64.0.0/10', 'CGNAT (shared address space)'],
    ['127.0.0.0/8', 'loopback'],
    ['169.254.0.0/16', 'link-local'],
    ['192.0.0.0/24', 'IETF protocol assignments'],
    ['192.0.2.0/24', 'documentation'],
    ['198.51.100.0/24', 'documentation'],
    ['203.0.113.0/24', 'documentation'],
    ['198.18.0.0/15', 'benchmarking'],
    ['192.88.99.0/24', '6to4 relay anycast (deprecated)'],
    ['224.0.0.0/4', 'multicast'],
    ['240.0.0.0/4', 'reserved'],
    ['255.255.255.255/32', 'broadcast'],
    ['::/128', 'unspecified'],
    ['::1/128', 'loopback'],
    ['::ffff:0:0/96', 'IPv4-mapped'],
    ['64:ff9b::/96', 'NAT64'],
    ['64:ff9b:1::/48', 'NAT64'],
    ['100::/64', 'discard-only'],
    ['2001::/23', 'IETF protocol assignments'],
    ['2001:db8::/32', 'documentation'],
    ['3fff::/20', 'documentation'],
    ['2001:2::/48', 'benchmarking'],
    ['2002::/16', '6to4'],
    ['fc00::/7', 'unique local (private)'],
    ['fe80::/10', 'link-local'],
    ['ff00::/8', 'multicast'],
  ] as const
)
  .map(([text, name]) => [mustParse(text), name] as const)
  .sort((a, b) => b[0].prefix - a[0].prefix); // most specific first (2001:2::/48 inside 2001::/23; 255.255.255.255 inside 240/4)

export function specialPurposeRange(c: Cidr): string | null {
  if (isWorld(c)) return 'world';
  return SPECIAL.find(([range]) => cidrContains(range, c))?.[1] ?? null;
}

export function addressCount(c: Cidr): bigint {
  return 1n << BigInt(familyBits(c.family) - c.prefix);
}

export function hostAddresses(c: Cidr, max: number): string[] | null {
  const count = addressCount(c);
  if (Number(count) > max) return null;
  const out: string[] = [];
  for (let a = c.addr; a < c.addr + count; a++) out.push(formatAddress(c.family, a));
  return out;
}

// ---- ports ----

export interface PortRange {
  from: number;
  to: number;
}

const MAX_PORT = 65535;

function formatRange(r: PortRange): string {
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}

/** Immutable set of ports, stored as sorted, disjoint, non-adjacent inclusive ranges. */
export class PortSet {
  readonly ranges: readonly PortRange[];

  /** `ranges` must be sorted, disjoint, non-adjacent and new (they are frozen in place, not copied). */
  private constructor(ranges: PortRange[]) {
    for (const r of ranges) Object.freeze(r);
    this.ranges = Object.freeze(ranges);
  }

  /** Sets are immutable: every empty set, and every set of all ports, is one object. */
  private static readonly EMPTY = new PortSet([]);
  private static readonly ALL = new PortSet([{ from: 0, to: MAX_PORT }]);

  static empty(): PortSet {
    return PortSet.EMPTY;
  }

  static all(): PortSet {
    return PortSet.ALL;
  }

  static of(...ranges: PortRange[]): PortSet {
    const sorted = ranges
      .map((r) => ({ from: Math.max(0, Math.ceil(r.from)), to: Math.min(MAX_PORT, Math.floor(r.to)) }))
      .filter((r) => r.from <= r.to) // also drops NaN
      .sort((a, b) => a.from - b.from);
    const out: PortRange[] = [];
    for (const r of sorted) {
      const last = out[out.length - 1];
      if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
      else out.push(r);
    }
    return out.length === 0 ? PortSet.EMPTY : new PortSet(out);
  }

  /** The set of one range of whole ports (`from` ≤ `to`, both within 0-65535): what PortSet.of makes of it, without sorting. */
  static range(from: number, to: number): PortSet {
    return from === 0 && to === MAX_PORT ? PortSet.ALL : new PortSet([{ from, to }]);
  }

  has(port: number): boolean {
    return this.ranges.some((r) => r.from <= port && port <= r.to);
  }

  isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  size(): number {
    return this.ranges.reduce((n, r) => n + r.to - r.from + 1, 0);
  }

  union(o: PortSet): PortSet {
    // Sets are immutable: when one holds the other, it is the union.
    if (o.ranges.length === 0 || this.isAll() || this === o) return this;
    if (this.ranges.length === 0 || o.isAll()) return o;
    return PortSet.of(...this.ranges, ...o.ranges);
  }

  /** True when some port is in both sets (what `!a.intersect(b).isEmpty()` says, without making the intersection). */
  overlaps(o: PortSet): boolean {
    const a = this.ranges;
    const b = o.ranges;
    for (let i = 0, j = 0; i < a.length && j < b.length; ) {
      const x = a[i]!;
      const y = b[j]!;
      if (Math.max(x.from, y.from) <= Math.min(x.to, y.to)) return true;
      if (x.to < y.to) i++;
      else j++;
    }
    return false;
  }

  intersect(o: PortSet): PortSet {
    if (this.ranges.length === 0 || o.isAll()) return this;
    if (o.ranges.length === 0 || this.isAll()) return o;
    const out: PortRange[] = [];
    const a = this.ranges;
    const b = o.ranges;
    for (let i = 0, j = 0; i < a.length && j < b.length; ) {
      const x = a[i]!;
      const y = b[j]!;
      const from = Math.max(x.from, y.from);
      const to = Math.min(x.to, y.to);
      if (from <= to) out.push({ from, to });
      if (x.to < y.to) i++;
      else j++;
    }
    return out.length === 0 ? PortSet.EMPTY : new PortSet(out);
  }

  complement(): PortSet {
    const out: PortRange[] = [];
    let next = 0;
    for (const r of this.ranges) {
      if (r.from > next) out.push({ from: next, to: r.from - 1 });
      next = r.to + 1;
    }
    if (next <= MAX_PORT) out.push({ from: next, to: MAX_PORT });
    return out.length === 0 ? PortSet.EMPTY : new PortSet(out);
  }

  subtract(o: PortSet): PortSet {
    return this.intersect(o.complement());
  }

  containsAll(o: PortSet): boolean {
    if (o.ranges.length === 0 || this.isAll()) return true;
    return o.subtract(this).isEmpty();
  }

  equals(o: PortSet): boolean {
    return (
      this === o ||
      this.ranges.length === o.ranges.length &&
      this.ranges.every((r, i) => r.from === o.ranges[i]!.from && r.to === o.ranges[i]!.to)
    );
  }

  isAll(): boolean {
    return this.ranges.length === 1 && this.ranges[0]!.from === 0 && this.ranges[0]!.to === MAX_PORT;
  }

  /** "22", "20-25", "22, 80-81", "all"; "none" when empty. */
  toString(): string {
    if (this.isAll()) return 'all';
    if (this.isEmpty()) return 'none';
    return this.ranges.map(formatRange).join(', ');
  }
}

// ---- protocols ----

export type Protocol = 'all' | 'tcp' | 'udp' | 'icmp' | 'icmpv6' | { number: number } | { invalid: string };

const PROTOCOL_NAMES = new Map<string, Protocol>([
  ['-1', 'all'],
  ['all', 'all'],
  ['tcp', 'tcp'],
  ['udp', 'udp'],
  ['icmp', 'icmp'],
  ['icmpv6', 'icmpv6'],
  ['icmp-v6', 'icmpv6'],
]);
const PROTOCOL_NUMBERS = new Map<number, Protocol>([
  [1, 'icmp'],
  [6, 'tcp'],
  [17, 'udp'],
  [58, 'icmpv6'],
]);

export function normalizeProtocol(raw: string | number): Protocol {
  const s = String(raw).toLowerCase();
  const named = PROTOCOL_NAMES.get(s);
  if (named) return named;
  if (/^\d+$/.test(s) && Number(s) <= 255) {
    const n = Number(s);
    return PROTOCOL_NUMBERS.get(n) ?? { number: n };
  }
  return { invalid: String(raw) };
}

const PROTOCOL_LABELS = { all: 'all traffic', tcp: 'TCP', udp: 'UDP', icmp: 'ICMP', icmpv6: 'ICMPv6' } as const;

export function protocolLabel(p: Protocol): string {
  if (typeof p === 'string') return PROTOCOL_LABELS[p];
  if ('number' in p) return `protocol ${p.number}`;
  return `invalid protocol ${JSON.stringify(p.invalid)}`;
}

export function sameProtocol(a: Protocol, b: Protocol): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if ('number' in a) return 'number' in b && a.number === b.number;
  return 'invalid' in b && a.invalid === b.invalid;
}

// ---- well-known ports ----

export interface NamedPorts {
  from: number;
  to: number;
  name: string;
}

function named(entries: [string, string][]): readonly NamedPorts[] {
  return Object.freeze(
    entries.map(([spec, name]) => {
      const r = parsePortSpec(spec);
      if (!r) throw new Error(`bad built-in port ${spec}`);
      return Object.freeze({ ...r, name });
    }),
  );
}

export const ADMIN_PORTS: readonly NamedPorts[] = named([
  ['22', 'SSH'],
  ['23', 'Telnet'],
  ['3389', 'RDP'],
  ['5900', 'VNC'],
  ['5985-5986', 'WinRM'],
]);

export const SENSITIVE_PORTS: readonly NamedPorts[] = named([
  ['20-21', 'FTP'],
  ['69', 'TFTP'],
  ['111', 'rpcbind'],
  ['135', 'MS RPC'],
  ['137-139', 'NetBIOS'],
  ['161-162', 'SNMP'],
  ['389', 'LDAP'],
  ['445', 'SMB'],
  ['636', 'LDAPS'],
  ['873', 'rsync'],
  ['1433-1434', 'SQL Server'],
  ['1521', 'Oracle'],
  ['2049', 'NFS'],
  ['2181', 'ZooKeeper'],
  ['2375-2376', 'Docker API'],
  ['2379-2380', 'etcd'],
  ['2383', 'SQL Server Analysis Services'],
  ['2483-2484', 'Oracle'],
  ['3000', 'Grafana'],
  ['3306', 'MySQL/MariaDB'],
  ['4369', 'Erlang epmd'],
  ['5432', 'PostgreSQL'],
  ['5601', 'Kibana'],
  ['5672', 'AMQP'],
  ['5984', 'CouchDB'],
  ['6379', 'Redis'],
  ['6443', 'Kubernetes API'],
  ['7000-7001', 'Cassandra inter-node'],
  ['7199', 'Cassandra JMX'],
  ['7474', 'Neo4j'],
  ['8020', 'HDFS'],
  ['8086', 'InfluxDB'],
  ['8200', 'Vault'],
  ['8500', 'Consul'],
  ['8888', 'Jupyter'],
  ['9000', 'HDFS/Hadoop UI'],
  ['9042', 'Cassandra CQL'],
  ['9090', 'Prometheus'],
  ['9092', 'Kafka'],
  ['9200', 'Elasticsearch/OpenSearch'],
  ['9300', 'Elasticsearch/OpenSearch'],
  ['9870', 'HDFS/Hadoop UI'],
  ['10250', 'kubelet'],
  ['11211', 'Memcached'],
  ['15672', 'RabbitMQ management'],
  ['26257', 'CockroachDB'],
  ['27017-27019', 'MongoDB'],
  ['50000', 'DB2'],
  ['61616', 'ActiveMQ'],
]);

export function portSetOf(list: readonly NamedPorts[]): PortSet {
  return PortSet.of(...list);
}

/** The entries of `list` that `ports` reaches, each shown as the part reached: "22 (SSH)", "5986 (WinRM)". */
export function namePorts(ports: PortSet, list: readonly NamedPorts[]): string[] {
  const out: string[] = [];
  for (const e of sortedNamed(list)) {
    if (ports.overlaps(e.set)) out.push(`${ports.intersect(e.set).toString()} (${e.name})`);
  }
  return out;
}

/** Named port lists are constants: each is sorted, and its entries made port sets, once. */
const sortedLists = new WeakMap<readonly NamedPorts[], (NamedPorts & { set: PortSet })[]>();
function sortedNamed(list: readonly NamedPorts[]): (NamedPorts & { set: PortSet })[] {
  let sorted = sortedLists.get(list);
  if (!sorted) sortedLists.set(list, (sorted = [...list].sort((a, b) => a.from - b.from).map((e) => ({ ...e, set: PortSet.of(e) }))));
  return sorted;
}

export function parsePortSpec(spec: number | string): PortRange | null {
  if (typeof spec === 'number') {
    return Number.isInteger(spec) && spec >= 0 && spec <= MAX_PORT ? { from: spec, to: spec } : null;
  }
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(spec);
  if (!m) return null;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from <= to && to <= MAX_PORT ? { from, to } : null;
}

// ---- coverage of one block ----

/** True when the union of `cidrs` holds every address of `block` (CIDRs of the other family are ignored). */
export function cidrsCover(block: Cidr, cidrs: readonly Cidr[]): boolean {
  const end = lastAddress(block);
  const spans = cidrs
    .filter((c) => c.family === block.family && c.addr <= end && lastAddress(c) >= block.addr)
    .map((c) => [c.addr, lastAddress(c)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let next = block.addr; // first address of the block not yet covered
  for (const [lo, hi] of spans) {
    if (lo > next) return false;
    if (hi >= next) next = hi + 1n;
    if (next > end) return true;
  }
  return false;
}

/** The two blocks of the next longer prefix that make up `block`; none for a single address. */
export function halves(block: Cidr): [Cidr, Cidr] | null {
  if (block.prefix === familyBits(block.family)) return null;
  const prefix = block.prefix + 1;
  const half = (addr: bigint): Cidr => {
    const c: Cidr = { family: block.family, addr, prefix, text: '', hostBitsSet: false };
    return { ...c, text: formatCidr(c) };
  };
  return [half(block.addr), half(block.addr | (1n << BigInt(familyBits(block.family) - prefix)))];
}
