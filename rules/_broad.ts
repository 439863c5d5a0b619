// "Broad" as ingress-broad-source defines it, shared with ingress-world-icmp.
import { classify, type Cidr } from '../src/model/net.js';

export const DEFAULT_MAX_PREFIX = { 4: 16, 6: 48 } as const;

/** A public (neither private nor world) CIDR broader than /maxPrefix: a shorter prefix than /16 for IPv4, /48 for IPv6. */
export function isBroadPublic(cidr: Cidr, maxPrefix: number = DEFAULT_MAX_PREFIX[cidr.family]): boolean {
  return classify(cidr) === 'public' && cidr.prefix < maxPrefix;
}
