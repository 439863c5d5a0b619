import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/model/location.js';
import type { Finding } from '../../src/engine/result.js';
import { conditionText, insideRoot, mergeInstances, rootOf, stableResource, type Unmerged } from '../../src/engine/identity.js';

const span = (file: string, line: number, via: Span[] = []): Span => ({ file, start: { line, column: 1 }, end: { line, column: 9 }, path: '', ...(via.length > 0 ? { via } : {}) });

describe('finding identity', () => {
  const sources = new Map([
    ['examples/a/main.tf', { format: 'terraform' as const }],
    ['main.tf', { format: 'terraform' as const }],
    ['modules/sg/main.tf', { format: 'terraform' as const }],
    ['stacks/app.yaml', { format: 'cloudformation' as const }],
    ['apps/web/lib/stack.ts', { format: 'cdk' as const, root: 'apps/web' }],
  ]);

  it.each([
    ['a Terraform file stands in its module directory', span('examples/a/main.tf', 3), 'examples/a'],
    ['a file at the top is in root "."', span('main.tf', 3), '.'],
    ['a module file belongs to the root of its outermost call', span('modules/sg/main.tf', 9, [span('examples/a/main.tf', 1), span('modules/sg/main.tf', 2)]), 'examples/a'],
    ['a nested template belongs to its parent', span('stacks/db.yaml', 4, [span('stacks/app.yaml', 20)]), 'stacks/app.yaml'],
    ['a CDK source belongs to its app', span('apps/web/lib/stack.ts', 7), 'apps/web'],
  ])('%s', (_, at, root) => {
    expect(rootOf(at, sources)).toBe(root);
  });

  it('tells whether a location lies in its root', () => {
    expect(insideRoot('examples/a/main.tf', 'examples/a')).toBe(true);
    expect(insideRoot('examples/ab/main.tf', 'examples/a')).toBe(false);
    expect(insideRoot('modules/sg/main.tf', '.')).toBe(true);
    expect(insideRoot('../shared/main.tf', '.')).toBe(false);
    expect(insideRoot('stacks/app.yaml', 'stacks/app.yaml')).toBe(true);
  });

  it.each([
    ['module.a["x"].module.b[0].aws_security_group.this[0]', 'terraform', 'aws_security_group.this'],
    ['aws_security_group_rule.admin["ssh"]', 'terraform', 'aws_security_group_rule.admin'],
    ['WebSg', 'cloudformation', 'WebSg'],
    ['lib/stack.ts#Web[0]', 'cdk', 'lib/stack.ts#Web[0]'],
  ] as const)('the stable part of %s is %s', (resource, format, stable) => {
    expect(stableResource(resource, format)).toBe(stable);
  });

  it('names a CDK construct outside any app from the repository, and one inside an app from its app', () => {
    const fromRepo = (file: string) => `infra/${file}`;
    expect(stableResource('lib/stack.ts#Web', 'cdk', 'lib/stack.ts', fromRepo)).toBe('infra/lib/stack.ts#Web');
    expect(stableResource('lib/stack.ts#Web', 'cdk', 'app', fromRepo)).toBe('lib/stack.ts#Web');
  });

  it('shortens a long condition label to 120 characters and keeps var files apart', () => {
    const long = Array.from({ length: 12 }, (_, i) => `var.flag_${i} is true`).join(' and ');
    const text = conditionText([long, 'with prod.tfvars']);
    const [when, varFile] = text.split(', ');
    expect(when!.length).toBe(120);
    expect(when).toMatch(/^when var\.flag_0 is true and .*…$/);
    expect(varFile).toBe('with prod.tfvars');
    expect(conditionText(['IsProd is true', 'IsProd is true'])).toBe('when IsProd is true');
  });

  const finding = (resource: string, conditions: string[] = [], related: string[] = []): Unmerged => {
    const f: Finding = {
      ruleId: 'ingress-world-admin-port',
      level: 'error',
      messageId: 'adminPort',
      data: {},
      message: 'm',
      at: span('modules/sg/main.tf', 9),
      resource,
      related: related.map((file) => ({ at: span(file, 1), message: 'reached through this call' })),
      fingerprint: 'f',
      root: '.',
    };
    return { finding: f, base: 'Ingress from 0.0.0.0/0 reaches TCP 22 (SSH)', conditions };
  };

  it('merges instances, names the first four, and keeps every call site', () => {
    const list = ['e', 'd', 'c', 'b', 'a', 'f'].map((m) => finding(`module.${m}.aws_security_group.this`, [], [`calls/${m}.tf`]));
    const [merged, ...rest] = mergeInstances(list);
    expect(rest).toEqual([]);
    expect(merged!.message).toBe(
      'Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) (in 6 instances: module.a.aws_security_group.this, module.b.aws_security_group.this, module.c.aws_security_group.this, module.d.aws_security_group.this and 2 more)',
    );
    expect(merged!.resource).toBe('module.a.aws_security_group.this');
    expect(merged!.instances!.map((i) => i.resource)).toHaveLength(6);
    expect(merged!.related.map((r) => r.at.file)).toEqual(['calls/a.tf', 'calls/e.tf', 'calls/d.tf', 'calls/c.tf', 'calls/b.tf', 'calls/f.tf']);
  });

  it('names variants of one resource by their conditions, and shared conditions once', () => {
    const [variants] = mergeInstances([finding('aws_security_group.web', ['var.public is true']), finding('aws_security_group.web', ['with prod.tfvars'])]);
    expect(variants!.message).toBe('Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) (in 2 variants: when var.public is true, with prod.tfvars)');
    const [shared] = mergeInstances([finding('module.a.x', ['var.create is true']), finding('module.b.x', ['var.create is true'])]);
    expect(shared!.message).toBe('Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) (when var.create is true) (in 2 instances: module.a.x, module.b.x)');
  });

  it('keeps findings apart when their suppression, location or fingerprint differs', () => {
    const open = finding('module.a.x');
    const suppressed = finding('module.b.x');
    suppressed.finding.suppressed = { kind: 'inline', reason: 'lab' };
    const elsewhere = finding('module.c.x');
    elsewhere.finding.at = span('modules/sg/main.tf', 10);
    const other = finding('module.d.x');
    other.finding.fingerprint = 'g';
    expect(mergeInstances([open, suppressed, elsewhere, other])).toHaveLength(4);
  });
});
