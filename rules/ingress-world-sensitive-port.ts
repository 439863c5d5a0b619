import { defineRule } from '../src/engine/define-rule.js';
import { worldExposures } from '../src/model/exposure.js';
import { SENSITIVE_PORTS } from '../src/model/net.js';
import { portsOf } from '../src/model/traffic.js';
import { exposureSource, groupLabel, namedFromSpecs, portListSchema, portSetFromSpecs, reachedPorts, reportExposure, reportWorldUnknowns, type PortSpec } from './_shared.js';

interface Options {
  ports: PortSpec[];
  extraPorts: PortSpec[];
}

export default defineRule<Options>({
  id: 'ingress-world-sensitive-port',
  title: 'Ingress from the whole internet reaches a database, cache, queue or other sensitive port',
  description:
    'Flags ingress from 0.0.0.0/0 or ::/0 (or CIDRs whose union covers the whole address space) that reaches a port of the sensitive list: databases, caches, search, queues, cluster control planes, file sharing, directory and monitoring services.',
  level: 'error',
  securitySeverity: 8.5,
  tags: ['exposure'],
  practice: 1,
  exclusive: 'world-exposure',
  options: {
    schema: { type: 'object', properties: { ports: portListSchema, extraPorts: portListSchema }, additionalProperties: false },
    defaults: { ports: SENSITIVE_PORTS.map((p) => (p.from === p.to ? p.from : `${p.from}-${p.to}`)), extraPorts: [] },
  },
  messages: {
    sensitivePort: 'Ingress from {source} reaches {ports} on group `{group}`',
  },
  check(ctx) {
    const specs = [...ctx.options.ports, ...ctx.options.extraPorts];
    const sensitive = portSetFromSpecs(specs);
    const named = namedFromSpecs(specs, SENSITIVE_PORTS);
    for (const e of worldExposures(ctx.model, 'ingress')) {
      if (portsOf(e.reach).intersect(sensitive).isEmpty()) continue;
      reportExposure(ctx, e, 'sensitivePort', { source: exposureSource(e), ports: reachedPorts(e, [], named), group: groupLabel(ctx.model, e.variants[0]!.rule) });
    }
    reportWorldUnknowns(ctx, 'ingress', (r) => !portsOf(r).intersect(sensitive).isEmpty());
  },
});
