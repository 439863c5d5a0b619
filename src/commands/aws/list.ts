// `sg-lint aws --list`: every group with the public addresses its rules name (world included), like mdcloud-go's sglist.
import { link } from '../../model/link.js';
import { classify, parseCidr } from '../../model/net.js';
import { describeReach, ruleTraffic } from '../../model/traffic.js';
import { alternatives } from '../../model/value.js';
import { analyzeExports } from '../../parsers/aws-export/index.js';
import type { RegionExport } from './fetch.js';

export function publicAddresses(regions: RegionExport[]): string {
  const lines: string[] = [];
  for (const r of regions) {
    const model = link([analyzeExports([{ path: r.region, text: JSON.stringify(r.data) }]).facts]);
    for (const group of model.groups.values()) {
      const found: string[] = [];
      for (const id of [...group.ingress, ...group.egress]) {
        const rule = model.rules.get(id)!;
        if (rule.peer.kind !== 'cidr4' && rule.peer.kind !== 'cidr6') continue;
        for (const alt of alternatives(rule.peer.cidr)) {
          const cidr = alt.value.k === 'known' ? parseCidr(alt.value.v) : null;
          if (!cidr || classify(cidr) === 'private') continue;
          const traffic = ruleTraffic(rule).flatMap((t) => (t.ok ? [describeReach(t.reach)] : [])).join(', ') || 'unknown traffic';
          found.push(`  ${rule.direction === 'ingress' ? 'from' : 'to  '} ${cidr.text.padEnd(20)} ${traffic}${classify(cidr) === 'world' ? '  (world)' : ''}`);
        }
      }
      const vpc = group.vpc?.k === 'known' ? `  ${group.vpc.v}` : '';
      lines.push(`${group.address}  ${r.region}${vpc}`, ...(found.length > 0 ? found : ['  (no public address)']));
    }
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
