import { describe, expect, it } from 'vitest';
import { blockKey, countDistinct, distinctBlocks, ipv4Key, NumberIndex, repeatedNumbers } from '../../src/model/block-keys.js';
import { canonicalIpv4Block, formatCidr, parseCidr, type Cidr } from '../../src/model/net.js';

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`test CIDR ${text} did not parse`);
  return c;
}

/** `n` distinct /32 addresses from 10.0.0.0, in order. */
const hosts = (n: number) => Array.from({ length: n }, (_, i) => `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}/32`);

describe('block keys', () => {
  it('are equal exactly when the canonical blocks are', () => {
    const texts = ['10.0.0.0/8', '10.1.2.3/8', '10.0.0.0/9', '10.0.0.1/32', '10.0.0.1', '0.0.0.0/0', '255.255.255.255/32', '2001:db8::/32', '2001:0db8::1/32', 'fd00::1/128'];
    for (const a of texts) {
      for (const b of texts) expect(blockKey(cidr(a)) === blockKey(cidr(b)), `${a} ~ ${b}`).toBe(formatCidr(cidr(a)) === formatCidr(cidr(b)));
    }
  });

  it('canonicalIpv4Block reads a network written in canonical form, and nothing else', () => {
    expect(canonicalIpv4Block('10.1.0.0/16')).toBe(ipv4Key(cidr('10.1.0.0/16')));
    expect(canonicalIpv4Block('255.255.255.255/32')).toBe(ipv4Key(cidr('255.255.255.255/32')));
    expect(canonicalIpv4Block('0.0.0.0/0')).toBe(0);
    for (const other of ['10.1.0.1/16', '10.1.0.0', '010.1.0.0/16', '10.1.0.0/016', '10.1.0.0/33', ' 10.1.0.0/16', '10.1.0.0/16 ', '256.0.0.0/8', '10.1.0/16', '::/0', '10.1.0.0/1a']) {
      expect(canonicalIpv4Block(other), other).toBe(-1);
    }
  });
});

describe('countDistinct and repeatedNumbers', () => {
  it.each([10, 5000])('count and find repeats in a list of %i numbers', (n) => {
    const keys = Array.from({ length: n }, (_, i) => (i * 7919) % Math.floor(n / 2));
    expect(countDistinct(keys)).toBe(new Set(keys).size);
    const seen = new Set<number>();
    const twice = new Set<number>();
    for (const k of keys) (seen.has(k) ? twice : seen).add(k);
    expect(repeatedNumbers(keys)).toEqual(twice);
    expect(repeatedNumbers(keys.slice(0, 1))).toEqual(new Set());
  });
});

describe('distinctBlocks', () => {
  it.each([4, 3000])('counts canonical blocks of both families in a list of %i', (n) => {
    const texts = [...hosts(n), '10.0.0.1', '10.0.0.0/31', '10.0.0.1/31', 'fd00::1/128', 'fd00:0::1/128', 'fd00::/64'];
    expect(distinctBlocks(texts, cidr)).toBe(new Set(texts.map((t) => formatCidr(cidr(t)))).size);
  });
});

describe('NumberIndex', () => {
  const keyOf = (item: { key: number; name: string }) => item.key;
  it.each([
    ['short', 20, false],
    ['long, in order', 400, false],
    ['long, shuffled, with repeated keys', 400, true],
  ] as const)('finds the items of a number, in their order (%s)', (_, n, shuffled) => {
    const items = Array.from({ length: n }, (_, i) => ({ key: shuffled ? (i * 37) % (n / 4) : i * 3, name: `item ${i}` }));
    const index = new NumberIndex(items, keyOf);
    for (const key of new Set(items.map(keyOf))) {
      const out: typeof items = [];
      index.collect(key, out);
      expect(out).toEqual(items.filter((item) => item.key === key));
    }
    const none: typeof items = [];
    index.collect(-1, none);
    index.collect(1e9, none);
    expect(none).toEqual([]);
  });

  it('stops at the limit and appends to what the list holds', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({ key: i % 3, name: `item ${i}` }));
    const index = new NumberIndex(items, keyOf);
    const out = [{ key: 9, name: 'already there' }];
    index.collect(1, out, 4);
    expect(out.map((i) => i.name)).toEqual(['already there', 'item 1', 'item 4', 'item 7']);
  });
});
