import { defineRule } from '../src/engine/define-rule.js';
import { addressVariants, type RuleVariant } from '../src/model/exposure.js';
import { blockKey, distinctBlocks } from '../src/model/block-keys.js';
import { cidrContains, isPrivate, parseCidr, type Cidr } from '../src/model/net.js';
import type { Span } from '../src/model/location.js';
import { consistentWith } from '../src/model/value.js';
import { groupBy } from '../src/util/maps.js';
import { deploymentVariants } from './_shared.js';

interface Options {
  minHosts: number;
}

/** RFC 6598 shared address space (carrier-grade NAT), private to the network like RFC 1918. */
const SHARED_ADDRESS_SPACE = parseCidr('100.64.0.0/10')!;
const SHOWN = 6;

export default defineRule<Options>({
  id: 'ingress-prefer-group-reference',
  title: 'Many private single-host sources where a security group reference would do',
  description:
    'Flags a group whose ingress lists `minHosts` (default 5) or more private single-host CIDRs (/32 in RFC 1918 or RFC 6598 space, /128 in fc00::/7): the instances behind those addresses are better named by the security group they carry, or by the group itself.',
  level: 'note',
  securitySeverity: 1.0,
  tags: ['maintainability'],
  practice: 5,
  options: {
    schema: { type: 'object', properties: { minHosts: { type: 'integer', minimum: 2 } }, additionalProperties: false },
    defaults: { minHosts: 5 },
  },
  messages: {
    privateHosts: 'Group `{group}` admits {count} private single-host addresses: {hosts}',
  },
  check(ctx) {
    const { variants, unknowns } = addressVariants(ctx.model, 'ingress');
    const byGroup = groupBy(variants, (v) => (v.rule.group && isPrivateHost(v.cidr) ? v.rule.group : null));
    const reported = new Set<string>();
    for (const [id, hosts] of byGroup) {
      const found = largestVariant(hosts, ctx.options.minHosts);
      if (!found) continue;
      const group = ctx.model.groups.get(id)!;
      reported.add(id);
      const names = take(firstOfEach(found.hosts), SHOWN).map((v) => v.cidrValue.v);
      const shown = found.count > SHOWN ? `${names.join(', ')} and ${found.count - SHOWN} more` : names.join(', ');
      const when = new Set<string>();
      if (found.hosts.some((v) => v.when.length > 0)) for (const v of firstOfEach(found.hosts)) for (const w of v.when) when.add(w);
      ctx.report({
        messageId: 'privateHosts',
        data: { group: group.address, count: found.count, hosts: shown },
        at: group.at,
        resource: group.address,
        group: group.address,
        related: relatedHosts(firstOfEach(found.hosts)),
        key: 'private-hosts',
        ...(when.size > 0 ? { when: [...when] } : {}),
      });
    }
    for (const u of unknowns) if (u.rule.group && !reported.has(u.rule.group)) ctx.unresolved(u.value);
  },
});

/** Where the first hosts are written, one location per list or rule (a list of six hosts is one place, not six). */
function relatedHosts(hosts: Iterable<RuleVariant>): { at: Span; message: string }[] {
  const byPlace = new Map<string, { at: Span; hosts: string[] }>();
  for (const v of hosts) {
    const at = v.rule.peerAt;
    const key = `${at.file}:${at.start.line}:${at.start.column}`;
    const place = byPlace.get(key);
    if (place) place.hosts.push(v.cidrValue.v);
    else if (byPlace.size === SHOWN) break;
    else byPlace.set(key, { at, hosts: [v.cidrValue.v] });
  }
  return [...byPlace.values()].map((p) => ({ at: p.at, message: p.hosts.length === 1 ? `${p.hosts[0]} is a single private host` : `${p.hosts.length} single private hosts are listed here` }));
}

/** A single address (/32, /128) in RFC 1918, RFC 6598 or unique-local IPv6 space. */
function isPrivateHost(c: Cidr): boolean {
  return c.prefix === (c.family === 4 ? 32 : 128) && (isPrivate(c) || cidrContains(SHARED_ADDRESS_SPACE, c));
}

/**
 * The hosts of the first deployment variant with at least `min` distinct ones (hosts present in every variant first,
 * so a finding names a condition only when it needs one), with how many distinct ones; null when none has enough.
 */
function largestVariant(hosts: RuleVariant[], min: number): { hosts: RuleVariant[]; count: number } | null {
  const always = hosts.every((v) => v.when.length === 0) ? hosts : hosts.filter((v) => v.when.length === 0);
  const count = distinctBlocks(always, cidrOf);
  if (count >= min) return { hosts: always, count };
  for (const variant of deploymentVariants(hosts.map((v) => v.when)) ?? []) {
    const present = hosts.filter((v) => consistentWith(v.when, variant));
    const n = distinctBlocks(present, cidrOf);
    if (n >= min) return { hosts: present, count: n };
  }
  return null;
}

const cidrOf = (v: RuleVariant) => v.cidr;

/** The first host of each address, in order (as far as the caller reads). */
function* firstOfEach(hosts: RuleVariant[]): Generator<RuleVariant> {
  const seen = new Set<number | string>();
  for (const v of hosts) {
    const key = blockKey(v.cidr);
    if (seen.has(key)) continue;
    seen.add(key);
    yield v;
  }
}

function take<T>(items: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  if (n <= 0) return out;
  for (const item of items) if (out.push(item) >= n) break;
  return out;
}
