import { defineRule } from '../src/engine/define-rule.js';
import { addressVariants, worldExposures } from '../src/model/exposure.js';
import { ADMIN_PORTS, classify, namePorts, portSetOf, SENSITIVE_PORTS, type PortSet } from '../src/model/net.js';
import { portsOf, trafficLabel, type Reach } from '../src/model/traffic.js';
import { groupAddress, groupLabel, peerSpan, withThousands } from './_shared.js';
import { isBroadPublic } from './_broad.js';

interface Options {
  maxPrefix: number;
  maxPrefixIpv6: number;
  maxPrivatePrefix: number;
}

export default defineRule<Options>({
  id: 'ingress-broad-source',
  title: 'Ingress from a broad address range',
  description:
    'Flags ingress from a public CIDR broader than /16 (IPv6 /48), and ingress to an admin or sensitive port from any CIDR broader than a single host unless it is a private range no broader than /16. World sources are left to the world rules, ICMP to `ingress-world-icmp`.',
  level: 'warning',
  securitySeverity: 5.0,
  tags: ['exposure'],
  practice: 1,
  options: {
    schema: {
      type: 'object',
      properties: {
        maxPrefix: { type: 'integer', minimum: 1, maximum: 32 },
        maxPrefixIpv6: { type: 'integer', minimum: 1, maximum: 128 },
        maxPrivatePrefix: { type: 'integer', minimum: 1, maximum: 32 },
      },
      additionalProperties: false,
    },
    defaults: { maxPrefix: 16, maxPrefixIpv6: 48, maxPrivatePrefix: 16 },
  },
  messages: {
    broadPublic: 'Ingress from {source}, a public range of {size} addresses, allows {traffic} on group `{group}`{reaching}',
    broadToSensitive: 'Ingress from {source}, a range of {size} addresses, reaches {ports} on group `{group}`',
  },
  check(ctx) {
    const sensitive = portSetOf([...ADMIN_PORTS, ...SENSITIVE_PORTS]);
    const inUnion = new Set(worldExposures(ctx.model, 'ingress').filter((e) => e.byUnion).flatMap((e) => e.variants));
    // The variants of one rule (one per address) share its reach: its ports are worked out once.
    const byReach = new Map<Reach, { ports: PortSet; reached: PortSet; names: string }>();
    const portsFor = (reach: Reach) => {
      let found = byReach.get(reach);
      if (!found) {
        const ports = portsOf(reach);
        const reached = ports.intersect(sensitive);
        found = { ports, reached, names: reached.isEmpty() ? '' : portNames(reached) };
        byReach.set(reach, found);
      }
      return found;
    };
    for (const v of addressVariants(ctx.model, 'ingress').variants) {
      const cls = classify(v.cidr);
      if (cls === 'world' || inUnion.has(v)) continue;
      const { ports, reached, names } = portsFor(v.reach);
      if (ports.isEmpty() && v.reach.protocols.length === 0) continue;
      const maxPrefix = v.family === 4 ? ctx.options.maxPrefix : ctx.options.maxPrefixIpv6;
      const hostPrefix = v.family === 4 ? 32 : 128;
      const privateOk = cls === 'private' && v.cidr.prefix >= ctx.options.maxPrivatePrefix;
      const broadPublic = isBroadPublic(v.cidr, maxPrefix);
      if (!broadPublic && (reached.isEmpty() || v.cidr.prefix >= hostPrefix || privateOk)) continue;
      const common = {
        at: peerSpan(v),
        resource: v.rule.resource,
        ...(groupAddress(ctx.model, v.rule) ? { group: groupAddress(ctx.model, v.rule)! } : {}),
        ...(v.when.length > 0 ? { when: v.when } : {}),
      };
      const size = sizeLabel(v.cidr.prefix, hostPrefix);
      if (broadPublic) {
        const reaching = reached.isEmpty() ? '' : `; it reaches ${names}`;
        ctx.report({ ...common, messageId: 'broadPublic', data: { source: v.cidrValue.v, size, traffic: trafficLabel(v.reach), reaching, group: groupLabel(ctx.model, v.rule) }, key: `ingress|${v.cidrValue.v}|${trafficLabel(v.reach)}` });
      } else {
        ctx.report({ ...common, messageId: 'broadToSensitive', data: { source: v.cidrValue.v, size, ports: names, group: groupLabel(ctx.model, v.rule) }, key: `ingress|${v.cidrValue.v}|${reached.toString()}` });
      }
    }
    for (const u of addressVariants(ctx.model, 'ingress').unknowns) ctx.unresolved(u.value);
  },
});

/** "22 (SSH), 3306 (MySQL/MariaDB)"; long lists are cut after a few names with a count of the rest. */
function portNames(ports: PortSet): string {
  const names = [...namePorts(ports, ADMIN_PORTS), ...namePorts(ports, SENSITIVE_PORTS)];
  const shown = 6;
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more admin and sensitive ports`;
}

function sizeLabel(prefix: number, hostPrefix: number): string {
  const bits = hostPrefix - prefix;
  return bits <= 52 ? withThousands(2 ** bits) : `2^${bits}`;
}
