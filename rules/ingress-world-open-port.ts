import { defineRule } from '../src/engine/define-rule.js';
import { worldExposures } from '../src/model/exposure.js';
import { portsOf } from '../src/model/traffic.js';
import { exposureSource, groupLabel, portListSchema, portSetFromSpecs, reportExposure, reportWorldUnknowns, type PortSpec } from './_shared.js';

interface Options {
  allowedPorts: PortSpec[];
}

export default defineRule<Options>({
  id: 'ingress-world-open-port',
  title: 'Ingress from the whole internet on a port that is not meant to be public',
  description:
    'Flags any other ingress from 0.0.0.0/0 or ::/0 (TCP, UDP or another IP protocol) except the ports in `allowedPorts` (by default 80 and 443). ICMP is left to `ingress-world-icmp`.',
  level: 'warning',
  securitySeverity: 5.3,
  tags: ['exposure'],
  practice: 1,
  exclusive: 'world-exposure',
  options: {
    schema: { type: 'object', properties: { allowedPorts: portListSchema }, additionalProperties: false },
    defaults: { allowedPorts: [80, 443] },
  },
  messages: {
    openPort: 'Ingress from {source} reaches {traffic} on group `{group}`',
  },
  check(ctx) {
    const allowed = portSetFromSpecs(ctx.options.allowedPorts);
    for (const e of worldExposures(ctx.model, 'ingress')) {
      const open = portsOf(e.reach).subtract(allowed);
      const parts = [
        ...(open.isEmpty() ? [] : [e.reach.allProtocols ? `ports ${open.toString()} of every protocol` : describePorts(e.reach.tcp.subtract(allowed), e.reach.udp.subtract(allowed))]),
        ...e.reach.protocols.map((n) => `IP protocol ${n}`),
      ];
      if (parts.length === 0) continue;
      reportExposure(ctx, e, 'openPort', { source: exposureSource(e), traffic: parts.join(', '), group: groupLabel(ctx.model, e.variants[0]!.rule) });
    }
    reportWorldUnknowns(ctx, 'ingress', (r) => !portsOf(r).subtract(allowed).isEmpty() || r.protocols.length > 0);
  },
});

function describePorts(tcp: { isEmpty(): boolean; toString(): string }, udp: { isEmpty(): boolean; toString(): string }): string {
  return [tcp.isEmpty() ? '' : `TCP ${tcp.toString()}`, udp.isEmpty() ? '' : `UDP ${udp.toString()}`].filter(Boolean).join(', ');
}
