import { Ajv } from 'ajv';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dotProblems, mermaidProblems } from '../helpers/graph-syntax.js';
import { runCli, workspace } from '../helpers/workspace.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SNAPSHOTS = join(import.meta.dirname, '__snapshots__');
const schema = (name: string) => new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8')));
const validateExposure = schema('exposure.schema.json');
const validateGraph = schema('graph.schema.json');
const withoutVersion = (json: string) => json.replace(/"version": "[^"]*"/, '"version": "<version>"');

const dotVersion = spawnSync('dot', ['-V'], { encoding: 'utf8' });
const hasDot = !dotVersion.error && dotVersion.status === 0;
if (!hasDot) console.warn('Graphviz check skipped: `dot` is not installed (Debian package graphviz); the DOT output is still checked by the structural test');

describe('sg-lint exposure', () => {
  it('prints a table per attached resource of fixtures/demo', async () => {
    const run = await runCli(ROOT, ['exposure', 'fixtures/demo']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      [
        'aws_instance.bastion  instance  fixtures/demo/terraform/bastion.tf:43',
        '  groups: aws_security_group.bastion',
        '  PORTS     FROM                           GROUP                       RULE',
        '  TCP 22    world 0.0.0.0/0                aws_security_group.bastion  fixtures/demo/terraform/bastion.tf:13',
        '  TCP 3389  world 0.0.0.0/1 + 128.0.0.0/1  aws_security_group.bastion  fixtures/demo/terraform/bastion.tf:30 (0.0.0.0/1)',
        '                                           aws_security_group.bastion  fixtures/demo/terraform/bastion.tf:30 (128.0.0.0/1)',
        '  TCP 22    203.0.113.77/32                aws_security_group.bastion  fixtures/demo/terraform/bastion.tf:21',
      ].join('\n'),
    );
    expect(run.stdout).toMatch(/TCP 5432 +10\.0\.0\.0\/8 +DatabaseSg +fixtures\/demo\/cloudformation\/shop\.yaml:128 +when IsProduction is true\n/);
    await expect(run.stdout).toMatchFileSnapshot(join(SNAPSHOTS, 'exposure-demo.txt'));
  });

  it('writes JSON that its schema accepts, the same bytes on every run', async () => {
    const run = await runCli(ROOT, ['exposure', 'fixtures/demo', '--format', 'json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(validateExposure(report), JSON.stringify(validateExposure.errors)).toBe(true);
    const bastion = report.resources.find((r: { resource: string }) => r.resource === 'aws_instance.bastion');
    expect(bastion.grants[1]).toMatchObject({ from: { kind: 'world', family: 4, cidrs: ['0.0.0.0/1', '128.0.0.0/1'], union: true }, ports: 'TCP 3389' });
    expect((await runCli(ROOT, ['exposure', 'fixtures/demo', '-f', 'json'])).stdout).toBe(run.stdout);
    await expect(withoutVersion(run.stdout)).toMatchFileSnapshot(join(SNAPSHOTS, 'exposure-demo.json'));
  });

  it('takes the input options of linting: variables, parameters, include and exclude', async () => {
    const tf = await runCli(ROOT, ['exposure', 'fixtures/_exposure/terraform', '--var', 'prod=true', '--var', 'office_cidr=198.51.100.0/24']);
    expect(tf.stdout).toMatch(/TCP 5432 +10\.0\.0\.0\/8 +aws_security_group\.db/);
    expect(tf.stdout).not.toContain('10.1.0.0/16');
    expect(tf.stdout).toMatch(/TCP 443 +198\.51\.100\.0\/24 +aws_security_group\.office/);
    const cfn = await runCli(ROOT, ['exposure', 'fixtures/_exposure/cloudformation', '--parameter', 'Env=staging']);
    expect(cfn.stdout).toMatch(/TCP 5432 +10\.1\.0\.0\/16 +DbSg/);
    expect(cfn.stdout).not.toContain('IsProd');
    const only = await runCli(ROOT, ['exposure', 'fixtures/demo', '--include', 'fixtures/demo/cloudformation/**', '--exclude', '**/supplier-drop.json']);
    expect(only.stdout.split('\n').filter((l) => /^\S/.test(l))).toEqual(['Bastion  instance  fixtures/demo/cloudformation/shop.yaml:55', 'LoadBalancer  load-balancer  fixtures/demo/cloudformation/shop.yaml:80', 'AppLaunchTemplate  launch-template  fixtures/demo/cloudformation/shop.yaml:104', 'Database  db-instance  fixtures/demo/cloudformation/shop.yaml:137', '4 attached resources, 2 reachable from the whole internet']);
  });

  it('prints parse errors on standard error, still shows what it could read, and exits 1', async () => {
    const dir = workspace({
      'broken.tf': 'resource "aws_security_group" "x" {\n',
      'ok.yaml': 'Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }]\n  Host:\n    Type: AWS::EC2::Instance\n    Properties:\n      SecurityGroupIds: [!Ref Sg]\n',
    });
    const run = await runCli(dir, ['exposure', '.']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^sg-lint: error: broken\.tf:\d+:\d+: file cannot be analyzed: /);
    expect(run.stdout).toMatch(/^Host  instance  ok\.yaml:7\n/);
    const json = await runCli(dir, ['exposure', '.', '-f', 'json']);
    expect(validateExposure(JSON.parse(json.stdout)), JSON.stringify(validateExposure.errors)).toBe(true);
    expect(JSON.parse(json.stdout).errors).toEqual([expect.objectContaining({ kind: 'parse', file: 'broken.tf' })]);
  });

  it('exits 2 on usage errors and on a path that does not exist', async () => {
    const dir = workspace({});
    for (const args of [['--format', 'dot'], ['--var', 'novalue'], ['--bogus'], ['--parameter', '=x']]) {
      const run = await runCli(dir, ['exposure', ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^sg-lint exposure: .*\nRun sg-lint exposure --help for usage\.\n$/);
    }
    const missing = await runCli(dir, ['exposure', 'nowhere']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('sg-lint: error: nowhere: no such file or directory');
    const help = await runCli(dir, ['exposure', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: sg-lint exposure \[paths\.\.\.\]/);
  });
});

describe('sg-lint graph', () => {
  it('writes Mermaid by default, in the grammar Mermaid reads', async () => {
    const run = await runCli(ROOT, ['graph', 'fixtures/demo']);
    expect(run.code).toBe(0);
    expect(mermaidProblems(run.stdout)).toEqual([]);
    // Clusters per group with the resources that carry it; one edge per peer and group listing the ports; the world highlighted.
    expect(run.stdout).toContain('  subgraph g_aws_security_group_bastion_1wyh2c5 ["aws_security_group.bastion<br/>fixtures/demo/terraform/bastion.tf:3"]\n    r_aws_instance_bastion_');
    expect(run.stdout).toContain('  world4 -->|"TCP 22<br/>TCP 3389 (0.0.0.0/1 + 128.0.0.0/1)"| g_aws_security_group_bastion_1wyh2c5');
    expect(run.stdout).toMatch(/^ {2}class world4,world6 world$/m);
    expect(run.stdout).toMatch(/^ {2}linkStyle [\d,]+ stroke:#c62828/m);
    expect(run.stdout.match(/-->\|[^|]*\| g_aws_security_group_bastion_1wyh2c5$/gm)).toHaveLength(2);
    expect((await runCli(ROOT, ['graph', 'fixtures/demo', '-f', 'mermaid'])).stdout).toBe(run.stdout);
    await expect(run.stdout).toMatchFileSnapshot(join(SNAPSHOTS, 'graph-demo.mmd'));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const shown = /<!-- graph-demo:start -->\n```mermaid\n([\s\S]*?)```\n<!-- graph-demo:end -->/.exec(readme)?.[1];
    expect(shown, 'README.md shows the graph of fixtures/demo: paste test/e2e/__snapshots__/graph-demo.mmd between the graph-demo markers').toBe(run.stdout);
  });

  it('writes DOT with clusters per group', async () => {
    const run = await runCli(ROOT, ['graph', 'fixtures/demo', '--format', 'dot']);
    expect(run.code).toBe(0);
    expect(dotProblems(run.stdout)).toEqual([]);
    expect(run.stdout).toMatch(/^ {2}subgraph cluster_g_aws_security_group_bastion_1wyh2c5 \{$/m);
    expect(run.stdout).toMatch(/^ {2}world4 -> r_aws_instance_bastion_\w+ \[label="TCP 22\\nTCP 3389 \(0\.0\.0\.0\/1 \+ 128\.0\.0\.0\/1\)", lhead=cluster_g_aws_security_group_bastion_1wyh2c5, color="#c62828"/m);
    await expect(run.stdout).toMatchFileSnapshot(join(SNAPSHOTS, 'graph-demo.dot'));
  });

  it.skipIf(!hasDot)('renders the DOT output with Graphviz', async () => {
    for (const dir of ['fixtures/demo', 'fixtures/_exposure/terraform']) {
      const run = await runCli(ROOT, ['graph', dir, '-f', 'dot']);
      const rendered = spawnSync('dot', ['-Tsvg'], { input: run.stdout, encoding: 'utf8' });
      expect(rendered.status, rendered.stderr).toBe(0);
      expect(rendered.stderr).toBe('');
      expect(rendered.stdout).toContain('<svg');
    }
  });

  it('writes JSON that its schema accepts', async () => {
    const run = await runCli(ROOT, ['graph', 'fixtures/demo', '-f', 'json']);
    expect(run.code).toBe(0);
    const graph = JSON.parse(run.stdout);
    expect(validateGraph(graph), JSON.stringify(validateGraph.errors)).toBe(true);
    const ids = new Set([...graph.nodes.map((n: { id: string }) => n.id), ...graph.clusters.flatMap((c: { id: string; members: { id: string }[] }) => [c.id, ...c.members.map((m) => m.id)])]);
    for (const e of graph.edges) expect([ids.has(e.from), ids.has(e.to)], e.id).toEqual([true, true]);
    expect(graph.edges.filter((e: { world: boolean }) => e.world).length).toBeGreaterThan(0);
  });

  it('draws a world made across the groups of one resource to that resource, self references in the group, and unknowns as unknown', async () => {
    const run = await runCli(ROOT, ['graph', 'fixtures/_exposure/terraform', '-f', 'json']);
    const graph = JSON.parse(run.stdout);
    const eni = graph.clusters.find((c: { label: string }) => c.label === 'aws_security_group.low').members[0];
    expect(graph.edges.find((e: { to: string }) => e.to === eni.id)).toMatchObject({ from: 'world4', world: true, parts: [{ ports: 'TCP 22 (0.0.0.0/1 + 128.0.0.0/1, across its groups)' }] });
    expect(graph.nodes).toContainEqual({ id: expect.stringMatching(/^unknown_var_office_cidr_/), kind: 'unknown', label: 'unknown CIDR var.office_cidr (variable-no-default)' });
    const mermaid = await runCli(ROOT, ['graph', 'fixtures/_exposure/cloudformation']);
    expect(mermaidProblems(mermaid.stdout)).toEqual([]);
    // A conditional edge is dotted and says its condition.
    expect(mermaid.stdout).toMatch(/^ {2}cidr_10_0_0_0_8_\w+ -\.->\|"TCP 5432 when IsProd is true"\| g_DbSg_\w+$/m);
    const self = workspace({
      'main.tf':
        'resource "aws_security_group" "mesh" {\n  name = "mesh"\n  description = "mesh"\n  ingress {\n    description = "x"\n    from_port = 7000\n    to_port = 7001\n    protocol = "tcp"\n    self = true\n  }\n}\n' +
        'resource "aws_instance" "a" {\n  ami = "ami-1"\n  instance_type = "t3.micro"\n  vpc_security_group_ids = [aws_security_group.mesh.id]\n}\n',
    });
    const selfGraph = await runCli(self, ['graph', '.']);
    expect(mermaidProblems(selfGraph.stdout)).toEqual([]);
    expect(selfGraph.stdout).toContain('["aws_security_group.mesh<br/>main.tf:1<br/>members reach each other: TCP 7000-7001"]');
  });

  it('escapes what Mermaid and DOT would read in names', async () => {
    const dir = workspace({
      'template.yaml': 'Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, SourceSecurityGroupId: "sg-\\"quoted\\" #1 <b>|x|</b> back\\\\slash", Description: x }]\n  Host:\n    Type: AWS::EC2::Instance\n    Properties:\n      SecurityGroupIds: [!Ref Sg]\n',
    });
    const mermaid = await runCli(dir, ['graph', '.']);
    expect(mermaidProblems(mermaid.stdout)).toEqual([]);
    expect(mermaid.stdout).toContain('sg-#34;quoted#34; #35;1 #60;b#62;#124;x#124;#60;/b#62; back\\slash (defined elsewhere)');
    const dot = await runCli(dir, ['graph', '.', '-f', 'dot']);
    expect(dotProblems(dot.stdout)).toEqual([]);
    expect(dot.stdout).toContain('label="sg-\\"quoted\\" #1 <b>|x|</b> back\\\\slash (defined elsewhere)"');
  });

  it('exits 2 on an unknown format', async () => {
    const run = await runCli(workspace({}), ['graph', '--format', 'svg']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('sg-lint graph: unknown format "svg" (available: mermaid, dot, json)');
  });
});

describe('graph syntax checks', () => {
  it('find what Mermaid would reject', () => {
    expect(mermaidProblems('flowchart LR\n  a["x"]\n  subgraph end ["y"]\n  a --> b\n  c["say "hi""]\n  class a nope\n  linkStyle 3 stroke:#c00\n')).toEqual([
      'line 3: "end" is a reserved word',
      'line 5: not part of the grammar: c["say "hi""]',
      'subgraph end not closed',
      'line 4: edge end "b" is not defined',
      'line 6: class "nope" has no classDef',
      'line 7: linkStyle 3 but there are 1 edges',
    ]);
  });

  it('find what Graphviz would reject or draw wrongly', () => {
    expect(dotProblems('digraph g { a; a -> b [lhead=cluster_x]; }')).toEqual(['edge a -> b: b is not declared', 'edge a -> b: lhead without compound=true', 'edge a -> b: lhead names no cluster (cluster_x)']);
    expect(dotProblems('digraph g { a [label="unterminated]; }')[0]).toMatch(/unexpected character/);
    expect(dotProblems('digraph g { subgraph cluster_c { a; } b; b -> a; }')).toEqual([]);
  });
});
