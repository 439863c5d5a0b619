import { describe, it, expect } from 'vitest';
import {
  ADMIN_PORTS,
  SENSITIVE_PORTS,
  addressCount,
  cidrContains,
  cidrOverlaps,
  classify,
  formatAddress,
  formatCidr,
  hostAddresses,
  isPrivate,
  isWorld,
  namePorts,
  normalizeProtocol,
  parseCidr,
  parsePortSpec,
  portSetOf,
  protocolLabel,
  sameProtocol,
  specialPurposeRange,
  unionCoversAll,
  PortSet,
  type Cidr,
  type Protocol,
} from '../../src/model/net.js';

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`test CIDR ${text} did not parse`);
  return c;
}

const ps = (...ranges: [number, number][]) => PortSet.of(...ranges.map(([from, to]) => ({ from, to })));

describe('parseCidr: valid IPv4', () => {
  it.each<[string, string, boolean]>([
    // input, canonical, hostBitsSet
    ['10.0.0.0/8', '10.0.0.0/8', false],
    ['0.0.0.0/0', '0.0.0.0/0', false],
    ['1.0.0.0/0', '0.0.0.0/0', true],
    ['255.255.255.255/0', '0.0.0.0/0', true],
    ['10.0.0.1/8', '10.0.0.0/8', true],
    ['10.1.2.3/16', '10.1.0.0/16', true],
    ['192.168.1.77/24', '192.168.1.0/24', true],
    ['172.16.0.0/12', '172.16.0.0/12', false],
    ['172.31.255.255/12', '172.16.0.0/12', true],
    ['1.2.3.4', '1.2.3.4/32', false],
    ['1.2.3.4/32', '1.2.3.4/32', false],
    ['0.0.0.0', '0.0.0.0/32', false],
    ['255.255.255.255', '255.255.255.255/32', false],
    ['255.255.255.255/32', '255.255.255.255/32', false],
    ['0.0.0.0/1', '0.0.0.0/1', false],
    ['128.0.0.0/1', '128.0.0.0/1', false],
    ['200.0.0.0/1', '128.0.0.0/1', true],
    ['203.0.113.5/31', '203.0.113.4/31', true],
    ['203.0.113.4/31', '203.0.113.4/31', false],
    ['100.64.0.0/10', '100.64.0.0/10', false],
    ['  10.0.0.0/8  ', '10.0.0.0/8', false],
    ['\t192.0.2.0/24\n', '192.0.2.0/24', false],
    ['0.1.2.3/0', '0.0.0.0/0', true],
    ['8.8.8.8/30', '8.8.8.8/30', false],
    ['8.8.8.9/30', '8.8.8.8/30', true],
    ['10.10.10.10/10', '10.0.0.0/10', true],
    ['1.1.1.1/25', '1.1.1.0/25', true],
  ])('%j -> %s (host bits %s)', (input, canonical, hostBitsSet) => {
    const c = parseCidr(input);
    expect(c).not.toBeNull();
    expect(c!.family).toBe(4);
    expect(formatCidr(c!)).toBe(canonical);
    expect(c!.hostBitsSet).toBe(hostBitsSet);
    expect(c!.text).toBe(input.trim());
  });
});

describe('parseCidr: invalid IPv4', () => {
  it.each([
    '',
    '   ',
    '/8',
    '10.0.0.0/',
    '10.0.0.0/33',
    '10.0.0.0/100',
    '10.0.0.0/-1',
    '10.0.0.0/+8',
    '10.0.0.0/8a',
    '10.0.0.0/a',
    '10.0.0.0/08',
    '10.0.0.0/8/8',
    '256.0.0.0/8',
    '10.0.0.999',
    '10.0.0/8',
    '10.0/8',
    '10/8',
    '10.0.0.0.0/8',
    '10.0.0.',
    '.10.0.0.0',
    '+10.0.0.0/8',
    '-10.0.0.0/8',
    '010.0.0.1',
    '10.00.0.1',
    '10.0.0.01/32',
    '0x0a.0.0.0/8',
    '10.0.0.0 /8',
    '10.0.0.0/ 8',
    '10. 0.0.0',
    '10.0.0.0/8,',
    '10.0.0.0%eth0',
    'a.b.c.d',
    'localhost',
    '1.2.3.4/32 # comment',
    '1e3.0.0.0',
  ])('%j is rejected', (input) => {
    expect(parseCidr(input)).toBeNull();
  });
});

describe('parseCidr: valid IPv6', () => {
  it.each<[string, string, boolean]>([
    ['::/0', '::/0', false],
    ['::', '::/128', false],
    ['::1', '::1/128', false],
    ['::1/128', '::1/128', false],
    ['2001:db8::/32', '2001:db8::/32', false],
    ['2001:DB8::/32', '2001:db8::/32', false],
    ['2001:0db8:0000:0000:0000:0000:0000:0000/32', '2001:db8::/32', false],
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1/128', false],
    ['2001:db8::1', '2001:db8::1/128', false],
    ['2001:db8::1/32', '2001:db8::/32', true],
    ['ff:ff:ff:ff:ff:ff:ff:ff/0', '::/0', true],
    ['ff:ff::/0', '::/0', true],
    ['FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', false],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4/128', false],
    ['::FFFF:192.0.2.128/128', '::ffff:192.0.2.128/128', false],
    ['::ffff:0:0/96', '::ffff:0.0.0.0/96', false],
    ['0:0:0:0:0:ffff:1.2.3.4', '::ffff:1.2.3.4/128', false],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221/128', false],
    ['::1.2.3.4', '::102:304/128', false],
    ['1::', '1::/128', false],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0/128', false],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8/128', false],
    ['1:2:3:4:5:6::8', '1:2:3:4:5:6:0:8/128', false],
    ['fe80::1:2/10', 'fe80::/10', true],
    ['fc00::/7', 'fc00::/7', false],
    ['fd12:3456:789a:1::/64', 'fd12:3456:789a:1::/64', false],
    ['8000::/1', '8000::/1', false],
    ['  2600:1f18::/36 ', '2600:1f18::/36', false],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128', false],
    ['2001:0:0:1::1', '2001:0:0:1::1/128', false],
    ['a:b:c:d:e:f:0:1/127', 'a:b:c:d:e:f::/127', true],
  ])('%j -> %s (host bits %s)', (input, canonical, hostBitsSet) => {
    const c = parseCidr(input);
    expect(c).not.toBeNull();
    expect(c!.family).toBe(6);
    expect(formatCidr(c!)).toBe(canonical);
    expect(c!.hostBitsSet).toBe(hostBitsSet);
  });
});

describe('parseCidr: invalid IPv6', () => {
  it.each([
    ':',
    ':::',
    '::/129',
    '::/-1',
    '::/abc',
    '2001:db8::/0128',
    '1::2::3',
    '::1::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '12345::',
    '2001:db8:::1',
    ':1::',
    '1::2:',
    '1:2:3:4:5:6:7:',
    ':1:2:3:4:5:6:7',
    'g::1',
    '2001:db8::zz',
    'fe80::1%eth0',
    'fe80::1%25eth0/64',
    '::ffff:1.2.3',
    '::ffff:1.2.3.256',
    '::ffff:01.2.3.4',
    '::1.2.3.4:5',
    '1.2.3.4::',
    '1:2:3:4:5:6:7:1.2.3.4',
    '[::1]',
    '[::1]/128',
    '2001:db8:: 1',
    '+::1',
    '-::1',
    '::1/12 8',
    '2001:db8::/32/64',
  ])('%j is rejected', (input) => {
    expect(parseCidr(input)).toBeNull();
  });
});

describe('formatAddress (RFC 5952)', () => {
  it.each([
    // RFC 5952 examples and edge cases
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // longest run wins
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // ties: first run wins
    ['2001:DB8::AAAA', '2001:db8::aaaa'],
    ['2001:0db8::0001', '2001:db8::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['0:1:0:0:0:0:0:0', '0:1::'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    ['0:0:1:0:0:0:1:0', '0:0:1::1:0'],
    ['::ffff:c000:280', '::ffff:192.0.2.128'],
  ])('%s -> %s', (input, expected) => {
    const c = cidr(input);
    expect(formatAddress(6, c.addr)).toBe(expected);
  });

  it('formats IPv4 dotted quads', () => {
    expect(formatAddress(4, 0x0a000001n)).toBe('10.0.0.1');
    expect(formatAddress(4, 0xffffffffn)).toBe('255.255.255.255');
  });

  it('round-trips canonical text', () => {
    for (const t of ['10.0.0.0/8', '::/0', '2001:db8::/32', 'fe80::/10', '2001:db8:1:2:3:4:5:6/128']) {
      expect(formatCidr(cidr(t))).toBe(t);
      expect(formatCidr(cidr(formatCidr(cidr(t))))).toBe(t);
    }
  });
});

describe('cidrContains / cidrOverlaps', () => {
  it.each<[string, string, boolean, boolean]>([
    // outer, inner, contains, overlaps
    ['10.0.0.0/8', '10.1.2.0/24', true, true],
    ['10.1.2.0/24', '10.0.0.0/8', false, true],
    ['10.0.0.0/8', '10.0.0.0/8', true, true],
    ['10.0.0.0/8', '11.0.0.0/8', false, false],
    ['10.0.0.0/8', '10.255.255.255', true, true],
    ['10.0.0.0/8', '9.255.255.255', false, false],
    ['0.0.0.0/0', '203.0.113.7/32', true, true],
    ['1.0.0.0/0', '203.0.113.7/32', true, true],
    ['0.0.0.0/1', '128.0.0.0/1', false, false],
    ['192.168.0.0/16', '192.168.0.0/15', false, true],
    ['10.0.0.1/8', '10.9.9.9', true, true], // host bits are cleared before comparing
    ['2001:db8::/32', '2001:db8:1::/48', true, true],
    ['2001:db8:1::/48', '2001:db8::/32', false, true],
    ['2001:db8::/32', '2001:db9::/32', false, false],
    ['::/0', '2001:db8::1', true, true],
    ['ff:ff::/0', 'fe80::1', true, true],
    // across families never
    ['0.0.0.0/0', '::/0', false, false],
    ['::/0', '0.0.0.0/0', false, false],
    ['::/0', '10.0.0.0/8', false, false],
    ['::ffff:0:0/96', '1.2.3.4/32', false, false],
    ['0.0.0.0/0', '::ffff:1.2.3.4', false, false],
  ])('%s contains %s: %s, overlaps: %s', (outer, inner, contains, overlaps) => {
    expect(cidrContains(cidr(outer), cidr(inner))).toBe(contains);
    expect(cidrOverlaps(cidr(outer), cidr(inner))).toBe(overlaps);
    expect(cidrOverlaps(cidr(inner), cidr(outer))).toBe(overlaps);
  });
});

describe('isWorld', () => {
  it.each<[string, boolean]>([
    ['0.0.0.0/0', true],
    ['1.0.0.0/0', true],
    ['255.255.255.255/0', true],
    ['::/0', true],
    ['ff:ff::/0', true],
    ['ff:ff:ff:ff:ff:ff:ff:ff/0', true],
    ['0.0.0.0/1', false],
    ['0.0.0.0', false],
    ['::', false],
    ['::/1', false],
  ])('%s -> %s', (text, world) => {
    expect(isWorld(cidr(text))).toBe(world);
  });
});

describe('unionCoversAll', () => {
  const slash23s = Array.from({ length: 2000 }, (_, i) => `10.${i >> 7}.${(i & 127) * 2}.0/23`);

  it.each<[string, string[], 4 | 6, boolean]>([
    ['two IPv4 halves', ['0.0.0.0/1', '128.0.0.0/1'], 4, true],
    ['halves in reverse order', ['128.0.0.0/1', '0.0.0.0/1'], 4, true],
    ['a single /0', ['0.0.0.0/0'], 4, true],
    ['/0 written with host bits', ['1.0.0.0/0'], 4, true],
    ['four /2s', ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2'], 4, true],
    ['three of four /2s', ['0.0.0.0/2', '64.0.0.0/2', '192.0.0.0/2'], 4, false],
    ['nested and duplicate blocks', ['0.0.0.0/1', '10.0.0.0/8', '0.0.0.0/1', '128.0.0.0/1', '200.0.0.0/8'], 4, true],
    ['a long list of /23s is not world (trivy #7267)', slash23s, 4, false],
    ['only the lower half', ['0.0.0.0/1'], 4, false],
    ['empty list', [], 4, false],
    ['IPv6 halves', ['::/1', '8000::/1'], 6, true],
    ['IPv6 /0', ['::/0'], 6, true],
    ['IPv6 world is not IPv4 world', ['::/0'], 4, false],
    ['IPv4 world is not IPv6 world', ['0.0.0.0/0'], 6, false],
    ['mixed families: IPv4 halves and IPv6 half', ['0.0.0.0/1', '128.0.0.0/1', '::/1'], 4, true],
    ['mixed families: IPv6 incomplete', ['0.0.0.0/1', '128.0.0.0/1', '::/1'], 6, false],
    ['mixed families do not combine', ['0.0.0.0/1', '8000::/1'], 6, false],
  ])('%s', (_name, list, family, expected) => {
    expect(unionCoversAll(list.map(cidr), family)).toBe(expected);
  });

  // Every sibling block along the path to `missing`: covers the whole space except that one address.
  function allBut(family: 4 | 6, missing: bigint): Cidr[] {
    const bits = family === 4 ? 32 : 128;
    return Array.from({ length: bits }, (_, i) => {
      const size = 1n << BigInt(bits - i - 1);
      return cidr(`${formatAddress(family, (missing ^ size) & ~(size - 1n))}/${i + 1}`);
    });
  }

  it.each<[4 | 6, string]>([
    [4, '0.0.0.0'],
    [4, '10.0.0.5'],
    [4, '255.255.255.255'],
    [6, '::'],
    [6, '2001:db8::1'],
    [6, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ])('IPv%s: a gap of the single address %s is not world', (family, missing) => {
    const m = cidr(missing);
    const list = allBut(family, m.addr);
    expect(unionCoversAll(list, family)).toBe(false);
    expect(list.some((c) => cidrContains(c, m))).toBe(false);
    expect(unionCoversAll([...list, m], family)).toBe(true);
  });

  it('handles tens of thousands of CIDRs', () => {
    const many = Array.from({ length: 65536 }, (_, i) => cidr(`${i >> 8}.${i & 255}.0.0/16`)).reverse();
    expect(unionCoversAll(many, 4)).toBe(true);
    expect(unionCoversAll(many.slice(1), 4)).toBe(false);
  });
});

describe('isPrivate / classify', () => {
  it.each<[string, boolean, string]>([
    ['10.0.0.0/8', true, 'private'],
    ['10.20.30.0/24', true, 'private'],
    ['10.0.0.0/7', false, 'public'], // not entirely private
    ['172.16.0.0/12', true, 'private'],
    ['172.31.255.255/32', true, 'private'],
    ['172.32.0.0/16', false, 'public'],
    ['172.15.0.0/16', false, 'public'],
    ['192.168.0.0/16', true, 'private'],
    ['192.168.0.0/15', false, 'public'],
    ['192.169.0.0/16', false, 'public'],
    ['8.8.8.8', false, 'public'],
    ['0.0.0.0/1', false, 'public'],
    ['0.0.0.0/0', false, 'world'],
    ['1.0.0.0/0', false, 'world'],
    ['fd00::/8', true, 'private'],
    ['fc00::/7', true, 'private'],
    ['fdff:ffff::1', true, 'private'],
    ['fc00::/6', false, 'public'],
    ['fe80::/10', false, 'public'],
    ['2001:db8::/32', false, 'public'],
    ['::/0', false, 'world'],
    ['::/1', false, 'public'],
  ])('%s private=%s class=%s', (text, priv, cls) => {
    expect(isPrivate(cidr(text))).toBe(priv);
    expect(classify(cidr(text))).toBe(cls);
  });
});

describe('specialPurposeRange', () => {
  it.each<[string, string | null]>([
    ['0.0.0.0/0', 'world'],
    ['::/0', 'world'],
    ['0.0.0.0/8', 'this network'],
    ['0.0.0.0/32', 'this network'],
    ['10.1.0.0/16', 'private'],
    ['172.20.0.0/16', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.0/10', 'CGNAT (shared address space)'],
    ['100.127.255.255', 'CGNAT (shared address space)'],
    ['100.128.0.0/32', null],
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['192.0.0.0/24', 'IETF protocol assignments'],
    ['192.0.2.0/24', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.0/25', 'documentation'],
    ['198.18.0.0/15', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['192.88.99.1', '6to4 relay anycast (deprecated)'],
    ['224.0.0.251', 'multicast'],
    ['239.0.0.0/8', 'multicast'],
    ['240.0.0.0/4', 'reserved'],
    ['250.1.2.3', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['8.8.8.8', null],
    ['10.0.0.0/7', null], // only partly private
    ['192.0.0.0/16', null],
    ['224.0.0.0/3', null], // multicast + reserved together
    ['0.0.0.0/1', null],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::/127', null],
    ['::ffff:10.0.0.1', 'IPv4-mapped'],
    ['::ffff:0:0/96', 'IPv4-mapped'],
    ['64:ff9b::8.8.8.8', 'NAT64'],
    ['64:ff9b:1::/48', 'NAT64'],
    ['100::/64', 'discard-only'],
    ['100::/63', null],
    ['2001::/23', 'IETF protocol assignments'],
    ['2001:1::1', 'IETF protocol assignments'],
    ['2001:2::/48', 'benchmarking'],
    ['2001:db8::/32', 'documentation'],
    ['2001:db8:abcd::1', 'documentation'],
    ['3fff::/20', 'documentation'],
    ['3fff:1000::/20', null],
    ['2002::/16', '6to4'],
    ['fd00::/8', 'unique local (private)'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2600:1f18::/36', null],
    ['2000::/3', null],
  ])('%s -> %s', (text, expected) => {
    expect(specialPurposeRange(cidr(text))).toBe(expected);
  });
});

describe('addressCount / hostAddresses', () => {
  it.each<[string, bigint]>([
    ['1.2.3.4', 1n],
    ['10.0.0.0/31', 2n],
    ['10.0.0.0/24', 256n],
    ['10.0.0.0/8', 16777216n],
    ['0.0.0.0/0', 4294967296n],
    ['::1', 1n],
    ['2001:db8::/64', 1n << 64n],
    ['::/0', 1n << 128n],
  ])('%s has %s addresses', (text, count) => {
    expect(addressCount(cidr(text))).toBe(count);
  });

  it.each<[string, number, string[] | null]>([
    ['1.2.3.4', 1, ['1.2.3.4']],
    ['1.2.3.4/30', 4, ['1.2.3.4', '1.2.3.5', '1.2.3.6', '1.2.3.7']],
    ['1.2.3.5/30', 10, ['1.2.3.4', '1.2.3.5', '1.2.3.6', '1.2.3.7']],
    ['1.2.3.4/30', 3, null],
    ['10.0.0.255/31', 2, ['10.0.0.254', '10.0.0.255']],
    ['1.2.3.4', 0, null],
    ['2001:db8::/127', 2, ['2001:db8::', '2001:db8::1']],
    ['::ffff:1.2.3.4/127', 2, ['::ffff:1.2.3.4', '::ffff:1.2.3.5']],
    ['::/0', 1000, null],
    ['0.0.0.0/0', 1_000_000, null],
    ['2001:db8::/64', Number.MAX_SAFE_INTEGER, null],
  ])('%s with max %s', (text, max, expected) => {
    expect(hostAddresses(cidr(text), max)).toEqual(expected);
  });
});

describe('PortSet', () => {
  it.each<[string, PortSet, string, number]>([
    ['empty', PortSet.empty(), 'none', 0],
    ['all', PortSet.all(), 'all', 65536],
    ['single', ps([22, 22]), '22', 1],
    ['range', ps([20, 25]), '20-25', 6],
    ['merges adjacent', ps([22, 22], [80, 80], [81, 81]), '22, 80-81', 3],
    ['merges overlapping and sorts', ps([100, 200], [10, 20], [150, 300], [21, 21]), '10-21, 100-300', 213],
    ['merges contained', ps([1, 1000], [5, 6]), '1-1000', 1000],
    ['clamps', ps([-5, 10], [65000, 70000]), '0-10, 65000-65535', 547],
    ['ignores reversed', ps([30, 20], [5, 5]), '5', 1],
    ['ignores NaN', ps([NaN, 5], [7, 7]), '7', 1],
    ['covering ranges become all', ps([0, 1000], [1001, 65535]), 'all', 65536],
  ])('%s', (_name, set, text, size) => {
    expect(set.toString()).toBe(text);
    expect(set.size()).toBe(size);
    expect(set.isEmpty()).toBe(size === 0);
    expect(set.isAll()).toBe(size === 65536);
  });

  it('has', () => {
    const s = ps([20, 25], [80, 80]);
    expect([19, 20, 22, 25, 26, 79, 80, 81].map((p) => s.has(p))).toEqual([false, true, true, true, false, false, true, false]);
  });

  it.each<[string, PortSet, PortSet, string, string, string, string]>([
    // name, a, b, a∪b, a∩b, a−b, b−a
    ['disjoint', ps([22, 22]), ps([80, 80]), '22, 80', 'none', '22', '80'],
    ['adjacent', ps([20, 21]), ps([22, 23]), '20-23', 'none', '20-21', '22-23'],
    ['overlapping', ps([10, 20]), ps([15, 30]), '10-30', '15-20', '10-14', '21-30'],
    ['subtract splits', ps([0, 100]), ps([50, 50]), '0-100', '50', '0-49, 51-100', 'none'],
    ['all minus ssh', PortSet.all(), ps([22, 22]), 'all', '22', '0-21, 23-65535', 'none'],
    ['multi', ps([1, 10], [20, 30], [40, 50]), ps([5, 25], [45, 60]), '1-30, 40-60', '5-10, 20-25, 45-50', '1-4, 26-30, 40-44', '11-19, 51-60'],
    ['with empty', ps([1, 2]), PortSet.empty(), '1-2', 'none', '1-2', 'none'],
  ])('%s', (_name, a, b, union, inter, aMinusB, bMinusA) => {
    expect(a.union(b).toString()).toBe(union);
    expect(b.union(a).toString()).toBe(union);
    expect(a.intersect(b).toString()).toBe(inter);
    expect(b.intersect(a).toString()).toBe(inter);
    expect(a.subtract(b).toString()).toBe(aMinusB);
    expect(b.subtract(a).toString()).toBe(bMinusA);
  });

  it.each<[PortSet, PortSet, boolean]>([
    [PortSet.all(), ps([22, 22]), true],
    [ps([22, 22]), PortSet.all(), false],
    [ps([0, 100]), ps([10, 20], [30, 40]), true],
    [ps([0, 100]), ps([10, 20], [90, 101]), false],
    [ps([1, 5], [7, 9]), ps([4, 8]), false],
    [ps([1, 9]), PortSet.empty(), true],
    [PortSet.empty(), PortSet.empty(), true],
    [PortSet.empty(), ps([1, 1]), false],
  ])('%s containsAll %s -> %s', (a, b, expected) => {
    expect(a.containsAll(b)).toBe(expected);
  });

  it('equals and immutability', () => {
    expect(ps([1, 2], [3, 4]).equals(ps([1, 4]))).toBe(true);
    expect(ps([1, 2]).equals(ps([1, 3]))).toBe(false);
    expect(ps([1, 2]).equals(ps([1, 2], [5, 5]))).toBe(false);
    expect(PortSet.all().equals(ps([0, 65535]))).toBe(true);
    const s = ps([1, 2]);
    expect(Object.isFrozen(s.ranges)).toBe(true);
    expect(Object.isFrozen(s.ranges[0])).toBe(true);
    s.union(ps([3, 3]));
    expect(s.toString()).toBe('1-2');
    expect(PortSet.all().complement().isEmpty()).toBe(true);
  });
});

describe('normalizeProtocol / protocolLabel / sameProtocol', () => {
  it.each<[string | number, Protocol, string]>([
    ['-1', 'all', 'all traffic'],
    [-1, 'all', 'all traffic'],
    ['all', 'all', 'all traffic'],
    ['ALL', 'all', 'all traffic'],
    ['All', 'all', 'all traffic'],
    ['tcp', 'tcp', 'TCP'],
    ['TCP', 'tcp', 'TCP'],
    [6, 'tcp', 'TCP'],
    ['6', 'tcp', 'TCP'],
    ['udp', 'udp', 'UDP'],
    [17, 'udp', 'UDP'],
    ['17', 'udp', 'UDP'],
    ['icmp', 'icmp', 'ICMP'],
    [1, 'icmp', 'ICMP'],
    ['1', 'icmp', 'ICMP'],
    ['icmpv6', 'icmpv6', 'ICMPv6'],
    ['ICMPv6', 'icmpv6', 'ICMPv6'],
    ['icmp-v6', 'icmpv6', 'ICMPv6'],
    [58, 'icmpv6', 'ICMPv6'],
    ['58', 'icmpv6', 'ICMPv6'],
    [47, { number: 47 }, 'protocol 47'],
    ['50', { number: 50 }, 'protocol 50'],
    [0, { number: 0 }, 'protocol 0'],
    [255, { number: 255 }, 'protocol 255'],
    ['tcpp', { invalid: 'tcpp' }, 'invalid protocol "tcpp"'],
    [300, { invalid: '300' }, 'invalid protocol "300"'],
    ['256', { invalid: '256' }, 'invalid protocol "256"'],
    ['-2', { invalid: '-2' }, 'invalid protocol "-2"'],
    [-2, { invalid: '-2' }, 'invalid protocol "-2"'],
    ['', { invalid: '' }, 'invalid protocol ""'],
    [6.5, { invalid: '6.5' }, 'invalid protocol "6.5"'],
    ['+6', { invalid: '+6' }, 'invalid protocol "+6"'],
    [' tcp', { invalid: ' tcp' }, 'invalid protocol " tcp"'],
    ['constructor', { invalid: 'constructor' }, 'invalid protocol "constructor"'],
  ])('%j -> %j (%s)', (raw, expected, label) => {
    const p = normalizeProtocol(raw);
    expect(p).toEqual(expected);
    expect(protocolLabel(p)).toBe(label);
    expect(sameProtocol(p, expected)).toBe(true);
  });

  it.each<[Protocol, Protocol, boolean]>([
    ['tcp', 'tcp', true],
    ['tcp', 'udp', false],
    ['all', { number: 6 }, false],
    [{ number: 47 }, { number: 47 }, true],
    [{ number: 47 }, { number: 50 }, false],
    [{ invalid: 'x' }, { invalid: 'x' }, true],
    [{ invalid: 'x' }, { invalid: 'y' }, false],
    [{ number: 1 }, { invalid: '1' }, false],
    [{ invalid: '1' }, { number: 1 }, false],
  ])('sameProtocol(%j, %j) = %s', (a, b, expected) => {
    expect(sameProtocol(a, b)).toBe(expected);
    expect(sameProtocol(b, a)).toBe(expected);
  });
});

describe('well-known ports', () => {
  it('lists are sorted, disjoint and frozen', () => {
    for (const list of [ADMIN_PORTS, SENSITIVE_PORTS]) {
      expect(Object.isFrozen(list)).toBe(true);
      for (let i = 1; i < list.length; i++) expect(list[i]!.from).toBeGreaterThan(list[i - 1]!.to);
      expect(portSetOf(list).size()).toBe(list.reduce((n, e) => n + e.to - e.from + 1, 0));
    }
    expect(portSetOf(ADMIN_PORTS).toString()).toBe('22-23, 3389, 5900, 5985-5986');
  });

  it.each<[string, PortSet, string[]]>([
    ['tcp 20-3306', ps([20, 3306]), ['22 (SSH)', '23 (Telnet)']],
    ['all ports', PortSet.all(), ['22 (SSH)', '23 (Telnet)', '3389 (RDP)', '5900 (VNC)', '5985-5986 (WinRM)']],
    ['partial WinRM (only the part reached is named)', ps([5986, 5986]), ['5986 (WinRM)']],
    ['https only', ps([443, 443]), []],
    ['empty', PortSet.empty(), []],
  ])('admin ports in %s', (_name, ports, expected) => {
    expect(namePorts(ports, ADMIN_PORTS)).toEqual(expected);
  });

  it.each<[string, PortSet, string[]]>([
    [
      'tcp 20-3306',
      ps([20, 3306]),
      [
        '20-21 (FTP)', '69 (TFTP)', '111 (rpcbind)', '135 (MS RPC)', '137-139 (NetBIOS)', '161-162 (SNMP)', '389 (LDAP)',
        '445 (SMB)', '636 (LDAPS)', '873 (rsync)', '1433-1434 (SQL Server)', '1521 (Oracle)', '2049 (NFS)', '2181 (ZooKeeper)',
        '2375-2376 (Docker API)', '2379-2380 (etcd)', '2383 (SQL Server Analysis Services)', '2483-2484 (Oracle)',
        '3000 (Grafana)', '3306 (MySQL/MariaDB)',
      ],
    ],
    ['redis and postgres', ps([5432, 5432], [6379, 6379]), ['5432 (PostgreSQL)', '6379 (Redis)']],
    ['edge of a range', ps([27019, 27020]), ['27019 (MongoDB)']],
    ['high ports', ps([50000, 65535]), ['50000 (DB2)', '61616 (ActiveMQ)']],
    ['web only', ps([80, 80], [443, 443]), []],
  ])('sensitive ports in %s', (_name, ports, expected) => {
    expect(namePorts(ports, SENSITIVE_PORTS)).toEqual(expected);
  });

  it('names every sensitive port when all ports are open', () => {
    expect(namePorts(PortSet.all(), SENSITIVE_PORTS)).toHaveLength(SENSITIVE_PORTS.length);
    expect(namePorts(PortSet.all(), SENSITIVE_PORTS)).toContain('9870 (HDFS/Hadoop UI)');
  });

  it('sorts by port even when the list is not sorted', () => {
    const list = [{ from: 80, to: 80, name: 'HTTP' }, { from: 22, to: 22, name: 'SSH' }];
    expect(namePorts(PortSet.all(), list)).toEqual(['22 (SSH)', '80 (HTTP)']);
  });
});

describe('parsePortSpec', () => {
  it.each<[number | string, { from: number; to: number } | null]>([
    [22, { from: 22, to: 22 }],
    [0, { from: 0, to: 0 }],
    [65535, { from: 65535, to: 65535 }],
    ['22', { from: 22, to: 22 }],
    ['8000-8100', { from: 8000, to: 8100 }],
    [' 8000 - 8100 ', { from: 8000, to: 8100 }],
    ['5-5', { from: 5, to: 5 }],
    [65536, null],
    [-1, null],
    [22.5, null],
    [NaN, null],
    ['', null],
    ['ssh', null],
    ['8100-8000', null],
    ['1-65536', null],
    ['-5', null],
    ['1-', null],
    ['1-2-3', null],
    ['+22', null],
    ['22,80', null],
  ])('%j -> %j', (spec, expected) => {
    expect(parsePortSpec(spec)).toEqual(expected);
  });
});
