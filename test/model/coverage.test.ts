import { describe, expect, it } from 'vitest';
import { companionGroups, conditionsWithin } from '../../src/model/carriers.js';
import { CidrIndex, coveringReaches, MAX_CANDIDATES, type Admission } from '../../src/model/coverage.js';
import { reachCovered, sameReach } from '../../src/model/exposure.js';
import type { Span } from '../../src/model/location.js';
import { cidrsCover, formatCidr, halves, parseCidr, PortSet, type Cidr } from '../../src/model/net.js';
import { emptyReach, type Reach } from '../../src/model/traffic.js';
import { emptyModel, type Attachment, type AttachedGroup, type Model, type SecurityGroup } from '../../src/model/types.js';
import { known, unresolved } from '../../src/model/value.js';

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`test CIDR ${text} did not parse`);
  return c;
}

const tcp = (from: number, to = from): Reach => ({ ...emptyReach(), tcp: PortSet.of({ from, to }) });
const udp = (from: number, to = from): Reach => ({ ...emptyReach(), udp: PortSet.of({ from, to }) });
const all = (): Reach => ({ ...emptyReach(), allProtocols: true });
const icmp = (type: number, code = -1): Reach => ({ ...emptyReach(), icmp: [{ type, code }] });
const icmpv6 = (type: number, code = -1): Reach => ({ ...emptyReach(), icmpv6: [{ type, code }] });
const protocol = (n: number): Reach => ({ ...emptyReach(), protocols: [n] });
const admit = (text: string, reach: Reach): Admission & { name: string } => ({ name: `${text} ${JSON.stringify(reach.tcp.ranges)}`, cidr: cidr(text), reach });

describe('cidrsCover', () => {
  it.each<[string, string[], boolean]>([
    ['10.0.0.0/24', ['10.0.0.0/24'], true],
    ['10.0.0.7/32', ['10.0.0.0/24'], true],
    ['10.0.0.0/24', ['10.0.0.0/25', '10.0.0.128/25'], true],
    ['10.0.0.0/24', ['10.0.0.128/25', '10.0.0.0/25'], true],
    ['10.0.0.0/24', ['10.0.0.0/25', '10.0.0.128/26'], false],
    ['10.0.0.0/24', ['10.0.0.0/25', '10.0.0.128/26', '10.0.0.192/26'], true],
    ['10.0.0.0/24', ['10.0.0.0/25'], false],
    ['10.0.0.0/24', ['10.0.1.0/24', '10.0.0.0/25'], false],
    ['10.0.0.0/24', ['0.0.0.0/1', '128.0.0.0/1'], true],
    ['10.0.0.0/24', ['10.0.0.0/23'], true],
    ['10.0.0.0/24', [], false],
    ['10.0.0.0/24', ['::/0'], false],
    ['2001:db8::/32', ['2001:db8::/33', '2001:db8:8000::/33'], true],
    ['2001:db8::/32', ['2001:db8::/33'], false],
    ['0.0.0.0/0', ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2'], true],
    ['255.255.255.0/24', ['255.255.255.0/25', '255.255.255.128/25'], true],
  ])('%s by %j is %s', (block, list, expected) => {
    expect(cidrsCover(cidr(block), list.map(cidr))).toBe(expected);
  });
});

describe('halves', () => {
  it('splits a block into its two halves, and a host into none', () => {
    expect(halves(cidr('10.0.0.0/24'))!.map(formatCidr)).toEqual(['10.0.0.0/25', '10.0.0.128/25']);
    expect(halves(cidr('0.0.0.0/0'))!.map(formatCidr)).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
    expect(halves(cidr('2001:db8::/32'))!.map(formatCidr)).toEqual(['2001:db8::/33', '2001:db8:8000::/33']);
    expect(halves(cidr('10.0.0.1/32'))).toBeNull();
  });
});

describe('reachCovered / sameReach', () => {
  it.each<[string, Reach, Reach[], boolean]>([
    ['all traffic covers TCP', tcp(22), [all()], true],
    ['all traffic covers UDP', udp(53), [all()], true],
    ['all traffic covers ICMP', icmp(8), [all()], true],
    ['all traffic covers ICMPv6', icmpv6(128), [all()], true],
    ['all traffic covers a protocol number', protocol(47), [all()], true],
    ['TCP all ports does not cover all traffic', all(), [tcp(0, 65535), udp(0, 65535)], false],
    ['a wider TCP range covers a narrower one', tcp(22), [tcp(20, 25)], true],
    ['two TCP ranges cover one range across them', tcp(20, 30), [tcp(20, 25), tcp(26, 30)], true],
    ['a gap in TCP ranges', tcp(20, 30), [tcp(20, 25), tcp(27, 30)], false],
    ['TCP does not cover UDP', udp(53), [tcp(53)], false],
    ['ICMP all types covers echo request', icmp(8), [icmp(-1)], true],
    ['ICMP type with any code covers one code', icmp(3, 4), [icmp(3)], true],
    ['ICMP one code does not cover the type', icmp(3), [icmp(3, 4)], false],
    ['ICMP other type', icmp(8), [icmp(0)], false],
    ['ICMP does not cover ICMPv6', icmpv6(128), [icmp(-1)], false],
    ['same protocol number', protocol(50), [protocol(50)], true],
    ['other protocol number', protocol(50), [protocol(47)], false],
    ['nothing covers something', tcp(22), [], false],
  ])('%s', (_, reach, others, expected) => {
    expect(reachCovered(reach, others)).toBe(expected);
  });

  it('tells equal traffic from different traffic', () => {
    expect(sameReach(tcp(22), tcp(22))).toBe(true);
    expect(sameReach(all(), all())).toBe(true);
    expect(sameReach(tcp(22), tcp(22, 23))).toBe(false);
    expect(sameReach(tcp(22), udp(22))).toBe(false);
    expect(sameReach(all(), tcp(0, 65535))).toBe(false);
    expect(sameReach(icmp(8), { ...emptyReach(), icmp: [{ type: 8, code: -1 }, { type: 8, code: 0 }] })).toBe(true);
    expect(sameReach(protocol(47), protocol(50))).toBe(false);
  });
});

describe('CidrIndex', () => {
  const items = [
    admit('10.0.0.0/8', tcp(22)),
    admit('10.0.0.0/24', tcp(443)),
    admit('10.0.0.0/25', tcp(80)),
    admit('10.0.0.128/25', tcp(80, 81)),
    admit('10.0.1.5/32', tcp(22)),
    admit('192.168.0.0/16', all()),
    admit('2001:db8::/32', tcp(22)),
  ];
  const index = new CidrIndex(items);
  const names = (list: { name: string }[] | null) => list?.map((a) => a.name.split(' ')[0]) ?? null;

  it('finds the blocks that hold a block, broadest first, its own included', () => {
    expect(names(index.containing(cidr('10.0.0.7/32')))).toEqual(['10.0.0.0/8', '10.0.0.0/24', '10.0.0.0/25']);
    expect(names(index.containing(cidr('10.0.0.0/24')))).toEqual(['10.0.0.0/8', '10.0.0.0/24']);
    expect(names(index.containing(cidr('172.16.0.0/12')))).toEqual([]);
    expect(names(index.containing(cidr('2001:db8:1::/48')))).toEqual(['2001:db8::/32']);
    expect(index.containing(cidr('10.0.0.7/32'), 1)).toHaveLength(1);
  });

  it('finds the blocks strictly inside a block, in address order', () => {
    expect(names(index.inside(cidr('10.0.0.0/8')))).toEqual(['10.0.0.0/24', '10.0.0.0/25', '10.0.0.128/25', '10.0.1.5/32']);
    expect(names(index.inside(cidr('10.0.0.0/24')))).toEqual(['10.0.0.0/25', '10.0.0.128/25']);
    expect(names(index.inside(cidr('10.0.0.0/25')))).toEqual([]);
    expect(names(index.inside(cidr('0.0.0.0/0')))).toHaveLength(6);
  });

  it('covers a host inside a block with a covering reach', () => {
    expect(names(index.covering(cidr('10.0.1.5/32'), tcp(22), (a) => a.cidr.prefix !== 32))).toEqual(['10.0.0.0/8']);
    expect(index.covering(cidr('10.0.1.5/32'), tcp(23), () => true)).toBeNull();
  });

  it('covers a block with the union of smaller blocks, port ranges split between them', () => {
    expect(names(index.covering(cidr('10.0.0.0/24'), tcp(80), () => true))).toEqual(['10.0.0.0/25', '10.0.0.128/25']);
    // TCP 81 is admitted on the upper half only.
    expect(index.covering(cidr('10.0.0.0/24'), tcp(80, 81), () => true)).toBeNull();
  });

  it('combines blocks that hold the block with blocks inside it', () => {
    const mixed = new CidrIndex([admit('10.0.0.0/24', tcp(20, 25)), admit('10.0.0.0/25', tcp(26, 30)), admit('10.0.0.128/26', tcp(26, 30)), admit('10.0.0.192/26', tcp(0, 65535))]);
    expect(names(mixed.covering(cidr('10.0.0.0/24'), tcp(20, 30), (a) => a.cidr.prefix > 24))).toBeNull();
    expect(mixed.covering(cidr('10.0.0.0/24'), tcp(20, 30), () => true)).toHaveLength(4);
    expect(mixed.covering(cidr('10.0.0.0/24'), udp(20), () => true)).toBeNull();
  });

  it('leaves out what the filter rejects', () => {
    expect(index.covering(cidr('10.0.0.0/24'), tcp(80), (a) => a.cidr.text !== '10.0.0.128/25')).toBeNull();
  });

  it('answers alike among many blocks, listed in address order or not', () => {
    // Past a few dozen blocks, IPv4 blocks are found by binary search among their sorted numbers.
    const filler = Array.from({ length: 500 }, (_, i) => admit(`172.16.${i >> 8}.${i & 255}/32`, tcp(22)));
    for (const list of [[...items, ...filler], [...filler.slice(250), ...items, ...filler.slice(0, 250)].reverse()]) {
      const big = new CidrIndex(list);
      expect(names(big.containing(cidr('10.0.0.7/32')))).toEqual(['10.0.0.0/8', '10.0.0.0/24', '10.0.0.0/25']);
      expect(names(big.containing(cidr('172.16.1.3/32')))).toEqual(['172.16.1.3/32']);
      expect(names(big.inside(cidr('10.0.0.0/8')))).toEqual(['10.0.0.0/24', '10.0.0.0/25', '10.0.0.128/25', '10.0.1.5/32']);
      expect(names(big.covering(cidr('10.0.0.0/24'), tcp(80), () => true))).toEqual(['10.0.0.0/25', '10.0.0.128/25']);
    }
  });

  it('looks at a bounded number of admissions of one block', () => {
    const many = Array.from({ length: MAX_CANDIDATES + 10 }, (_, i) => admit('10.0.0.0/24', tcp(1000 + i)));
    const bounded = new CidrIndex([...many, admit('10.0.0.0/24', tcp(22))]);
    expect(bounded.covering(cidr('10.0.0.1/32'), tcp(22), () => true)).toBeNull();
    expect(bounded.covering(cidr('10.0.0.1/32'), tcp(1000), () => true)).toHaveLength(1);
  });
});

describe('coveringReaches', () => {
  it('names the reaches that take part, or null', () => {
    const list = [{ reach: tcp(20, 25) }, { reach: udp(20, 30) }, { reach: tcp(26, 30) }];
    expect(coveringReaches(tcp(22, 28), list)).toEqual([list[0], list[2]]);
    expect(coveringReaches(tcp(22, 31), list)).toBeNull();
    expect(coveringReaches(tcp(22, 28), list, (r) => r !== list[2])).toBeNull();
  });
});

describe('conditionsWithin', () => {
  it('holds when every condition of the first is one of the second', () => {
    expect(conditionsWithin([], ['IsProd is true'])).toBe(true);
    expect(conditionsWithin(undefined, undefined)).toBe(true);
    expect(conditionsWithin(['IsProd is true'], ['IsProd is true', 'with prod.tfvars'])).toBe(true);
    expect(conditionsWithin(['IsProd is true and HasDb is true'], ['HasDb is true', 'IsProd is true'])).toBe(true);
    expect(conditionsWithin(['IsProd is true'], [])).toBe(false);
    expect(conditionsWithin(['IsProd is true'], ['IsProd is false'])).toBe(false);
  });
});

describe('companionGroups', () => {
  const span = (file: string, line = 1): Span => ({ file, start: { line, column: 1 }, end: { line, column: 2 }, path: '' });
  const group = (id: string, file = 'main.tf'): SecurityGroup => ({
    id, address: id, format: 'terraform', name: null, namePrefix: null, description: null, vpc: null, isDefault: false, implicitEgress: false, ingress: [], egress: [], at: span(file),
  });
  const on = (target: string, groups: (string | AttachedGroup)[], file = 'main.tf'): Attachment => ({
    target: { kind: 'instance', address: target, at: span(file) },
    groups: groups.map((g) => (typeof g === 'string' ? { ref: { kind: 'model', id: g }, at: span(file) } : g)),
    complete: true,
    additive: false,
    at: span(file),
  });
  const model = (attachments: Attachment[], groups = ['a', 'b', 'c']): Model => {
    const m = emptyModel();
    for (const id of groups) m.groups.set(id, group(id));
    m.files.push({ path: 'main.tf', format: 'terraform' }, { path: 'other/main.tf', format: 'terraform' });
    m.attachments.push(...attachments);
    return m;
  };
  const of = (m: Model, id: string) => [...(companionGroups(m).get(id) ?? [])].sort();

  it('gives the groups every carrier also carries', () => {
    const m = model([on('i1', ['a', 'b', 'c']), on('i2', ['a', 'b'])]);
    expect(of(m, 'a')).toEqual(['b']);
    expect(of(m, 'b')).toEqual(['a']);
    expect(of(m, 'c')).toEqual(['a', 'b']);
  });

  it('gives none to a group that no resource carries', () => {
    expect(companionGroups(model([on('i1', ['a'])])).has('b')).toBe(false);
  });

  it('gives none when a carrier lacks the other group', () => {
    expect(of(model([on('i1', ['a', 'b']), on('i2', ['a'])]), 'a')).toEqual([]);
  });

  it('gives none when an attachment of the same unit cannot be resolved', () => {
    const unknown: AttachedGroup = { ref: { kind: 'external', id: unresolved('variable-no-default', 'var.ids', span('main.tf')) }, at: span('main.tf') };
    expect(of(model([on('i1', ['a', 'b']), on('i2', [unknown])]), 'a')).toEqual([]);
    expect(of(model([on('i1', ['a', 'b']), on('i2', [unknown], 'other/main.tf')]), 'a')).toEqual(['b']);
    const literal: AttachedGroup = { ref: { kind: 'external', id: known('sg-0123456789abcdef0', span('main.tf')) }, at: span('main.tf') };
    expect(of(model([on('i1', ['a', 'b', literal])]), 'a')).toEqual(['b']);
  });

  it('gives none when part of the unit was not analyzed', () => {
    const m = model([on('i1', ['a', 'b'])]);
    m.unresolved.push(unresolved('remote-module', 'terraform-aws-modules/ec2-instance/aws', span('main.tf', 9)));
    expect(of(m, 'a')).toEqual([]);
  });

  it('keeps a group listed under a condition out of the company of one listed always', () => {
    const conditional: AttachedGroup = { ref: { kind: 'model', id: 'b' }, at: span('main.tf'), when: ['IsProd is true'] };
    const m = model([on('i1', ['a', conditional])]);
    expect(of(m, 'a')).toEqual([]);
    expect(of(m, 'b')).toEqual(['a']);
  });
});
