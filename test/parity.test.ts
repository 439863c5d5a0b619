import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { link } from '../src/model/link.js';
import type { Model, Peer, SgRule } from '../src/model/types.js';
import type { Value } from '../src/model/value.js';
import { parseAwsExport } from '../src/parsers/aws-export/index.js';
import { parseCdk } from '../src/parsers/cdk/index.js';
import { parseCloudFormation } from '../src/parsers/cloudformation/index.js';
import { parseTerraformModule } from '../src/parsers/terraform/index.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', '_parity');

const plain = (v: Value<unknown> | null): unknown => (v === null ? null : v.k === 'known' ? v.v : v.k === 'unresolved' ? { unresolved: v.why } : { oneOf: v.options.map((o) => [o.when, plain(o.value)]) });

/** The model without what legitimately differs between formats: ids, spans, origins, addresses and entry grouping. */
function normalize(model: Model): unknown {
  const nameOf = (id: string) => plain(model.groups.get(id)?.name ?? null) as string;
  const peer = (p: Peer, rule: SgRule): unknown => {
    if (p.kind === 'self' || (p.kind === 'securityGroup' && p.ref.kind === 'model' && p.ref.id === rule.group)) return 'self';
    if (p.kind === 'securityGroup') return p.ref.kind === 'model' ? { group: nameOf(p.ref.id) } : { external: plain(p.ref.id) };
    if (p.kind === 'prefixList') return { prefixList: plain(p.id) };
    if (p.kind === 'none') return 'none';
    return { [p.kind]: plain(p.cidr) };
  };
  const rule = (r: SgRule) => {
    const protocol = plain(r.protocol);
    const ports = protocol === 'all' ? null : [plain(r.fromPort), plain(r.toPort)];
    return JSON.stringify({ group: r.group ? nameOf(r.group) : null, direction: r.direction, protocol, ports, peer: peer(r.peer, r), description: plain(r.description) });
  };
  return {
    // VPC ids are left out: CDK passes a Vpc object, whose id is a token until synth.
    groups: [...model.groups.values()].map((g) => ({ name: plain(g.name), description: plain(g.description), isDefault: g.isDefault })).sort((a, b) => String(a.name).localeCompare(String(b.name))),
    rules: [...model.rules.values()].map(rule).sort(),
    attachments: model.attachments.map((a) => ({ kind: a.target.kind, groups: a.groups.map((g) => (g.ref.kind === 'model' ? nameOf(g.ref.id) : plain(g.ref.id))) })),
    orphans: model.orphanRules.length,
  };
}

// The same intent written in every format must give the same model: the cheapest guard against per-format drift.
describe('parity between formats', () => {
  for (const scenario of readdirSync(DIR)) {
    it(scenario, async () => {
      const dir = join(DIR, scenario);
      const models: Record<string, unknown> = {};
      const tf = await parseTerraformModule(dir, [join(dir, 'main.tf')], { cwd: dir, vars: {}, varFiles: [] });
      models['main.tf'] = normalize(link([tf.facts]));
      for (const name of ['template.yaml', 'template.json']) {
        const cfn = parseCloudFormation([join(dir, name)], { cwd: dir, parameters: {} });
        expect(cfn.files.flatMap((f) => f.diagnostics)).toEqual([]);
        models[name] = normalize(link([cfn.facts]));
      }
      const cdk = parseCdk([join(dir, 'stack.ts')], { cwd: dir });
      expect(cdk.files.flatMap((f) => f.diagnostics)).toEqual([]);
      models['stack.ts'] = normalize(link([cdk.facts]));
      expect(models['template.yaml']).toEqual(models['main.tf']);
      expect(models['template.json']).toEqual(models['main.tf']);
      expect(models['stack.ts']).toEqual(models['main.tf']);
      // The same groups as deployed (describe-security-groups): an export names network interfaces, not the resources
      // behind them, so attachments are left out.
      const exported = parseAwsExport([join(dir, 'export.json')], { cwd: dir });
      expect(exported.files.flatMap((f) => f.diagnostics)).toEqual([]);
      const { attachments: _a, ...deployed } = normalize(link([exported.facts])) as Record<string, unknown>;
      const { attachments: _b, ...written } = models['main.tf'] as Record<string, unknown>;
      expect(deployed).toEqual(written);
      expect((models['main.tf'] as { rules: unknown[] }).rules.length).toBeGreaterThan(2);
    });
  }
});
