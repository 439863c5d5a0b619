import { defineRule } from '../src/engine/define-rule.js';
import { worldExposures } from '../src/model/exposure.js';
import { ADMIN_PORTS, SENSITIVE_PORTS } from '../src/model/net.js';
import { portsOf } from '../src/model/traffic.js';
import { exposureSource, groupLabel, namedFromSpecs, portListSchema, portSetFromSpecs, reachedPorts, reportExposure, reportWorldUnknowns, type PortSpec } from './_shared.js';

interface Options {
  ports: PortSpec[];
}

export default defineRule<Options>({
  id: 'ingress-world-admin-port',
  title: 'Ingress from the whole internet reaches a remote-administration port',
  description:
    'Flags ingress from 0.0.0.0/0 or ::/0 (or CIDRs whose union covers the whole address space) that reaches SSH, RDP, Telnet, WinRM or VNC, on TCP or UDP.',
  level: 'error',
  securitySeverity: 8.8,
  tags: ['exposure', 'cis-aws:5.2', 'cis-aws:5.3'],
  practice: 1,
  exclusive: 'world-exposure',
  options: {
    schema: { type: 'object', properties: { ports: portListSchema }, additionalProperties: false },
    defaults: { ports: ADMIN_PORTS.map((p) => (p.from === p.to ? p.from : `${p.from}-${p.to}`)) },
  },
  messages: {
    adminPort: 'Ingress from {source} reaches {ports} on group `{group}`',
  },
  check(ctx) {
    const admin = portSetFromSpecs(ctx.options.ports);
    const named = namedFromSpecs(ctx.options.ports, ADMIN_PORTS);
    for (const e of worldExposures(ctx.model, 'ingress')) {
      if (portsOf(e.reach).intersect(admin).isEmpty()) continue;
      reportExposure(ctx, e, 'adminPort', { source: exposureSource(e), ports: reachedPorts(e, named, SENSITIVE_PORTS), group: groupLabel(ctx.model, e.variants[0]!.rule) });
    }
    reportWorldUnknowns(ctx, 'ingress', (r) => !portsOf(r).intersect(admin).isEmpty());
  },
});
