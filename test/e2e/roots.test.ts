import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, git, initRepo } from '../helpers/git.js';
import { runCli, workspace } from '../helpers/workspace.js';

// CONTRACTS.md "Finding identity": findings never merge across roots; within a root, instances of one problem are one finding.
const BASTION = `variable "ssh_cidrs" { type = list(string) }
resource "aws_security_group" "this" {
  name        = "bastion"
  description = "Bastion host"
  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.ssh_cidrs
  }
}
`;
const CALL = `module "bastion" {
  source    = "../../modules/bastion"
  ssh_cidrs = ["0.0.0.0/0"]
}
`;
const twoRoots = { 'modules/bastion/main.tf': BASTION, 'examples/a/main.tf': CALL, 'examples/b/main.tf': CALL };
const admin = (run: Awaited<ReturnType<typeof runCli>>) => run.json().findings.filter((f) => f.ruleId === 'ingress-world-admin-port');

describe('roots', () => {
  it('gives two roots calling one module under the same name a finding each, in text, JSON and SARIF', async () => {
    const dir = workspace(twoRoots);
    const json = await runCli(dir, ['.', '-f', 'json']);
    const findings = admin(json);
    expect(findings.map((f) => `${f.file}:${f.line} ${f.root}`)).toEqual(['modules/bastion/main.tf:10 examples/a', 'modules/bastion/main.tf:10 examples/b']);
    // The location is outside both roots, so each message names its own; the fingerprints differ.
    expect(findings.map((f) => f.message)).toEqual([
      'Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `module.bastion.aws_security_group.this` (in examples/a)',
      'Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `module.bastion.aws_security_group.this` (in examples/b)',
    ]);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(2);
    expect(findings.map((f) => f.related.map((r) => `${r.file}:${r.line}`))).toEqual([
      ['examples/a/main.tf:3', 'examples/a/main.tf:1'],
      ['examples/b/main.tf:3', 'examples/b/main.tf:1'],
    ]);

    const text = await runCli(dir, ['.']);
    expect(text.stdout).toContain('✖ 2 problems (2 errors, 0 warnings, 0 notes)');
    const sarif = await runCli(dir, ['.', '-f', 'sarif']);
    const results = JSON.parse(sarif.stdout).runs[0].results as { ruleId: string; partialFingerprints: Record<string, string>; properties: { root: string } }[];
    const sarifAdmin = results.filter((r) => r.ruleId === 'ingress-world-admin-port');
    expect(sarifAdmin.map((r) => r.properties.root)).toEqual(['examples/a', 'examples/b']);
    expect(new Set(sarifAdmin.map((r) => r.partialFingerprints['sgLint/v1'])).size).toBe(2);
  });

  it('keeps a fingerprint when the working directory in the repository changes, and when an instance is added to a root', async () => {
    const dir = workspace(twoRoots);
    initRepo(dir);
    const fromTop = admin(await runCli(dir, ['.', '-f', 'json'])).map((f) => f.fingerprint);
    const fromExamples = admin(await runCli(join(dir, 'examples'), ['a', 'b', '-f', 'json'])).map((f) => f.fingerprint);
    expect(fromExamples).toEqual(fromTop);

    writeFileSync(join(dir, 'examples/a/main.tf'), CALL + CALL.replace('"bastion"', '"bastion2"'));
    const [merged, other] = admin(await runCli(dir, ['.', '-f', 'json']));
    expect(merged!.instances!.map((i) => i.resource)).toEqual(['module.bastion.aws_security_group.this', 'module.bastion2.aws_security_group.this']);
    expect(merged!.message).toBe(
      'Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `module.bastion.aws_security_group.this` (in examples/a) (in 2 instances: module.bastion.aws_security_group.this, module.bastion2.aws_security_group.this)',
    );
    expect(merged!.related.map((r) => `${r.file}:${r.line} ${r.message}`)).toEqual([
      'examples/a/main.tf:3 the value is written here',
      'examples/a/main.tf:1 reached through this call',
      'examples/a/main.tf:7 the value is written here',
      'examples/a/main.tf:5 reached through this call',
    ]);
    expect([merged!.fingerprint, other!.fingerprint]).toEqual(fromTop);
  });

  it('keeps the fingerprint of a CDK construct outside any app (no cdk.json) when the working directory changes', async () => {
    const stack = `import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Stack } from 'aws-cdk-lib';
export class Api extends Stack {
  constructor(scope: any, id: string, vpc: ec2.IVpc) {
    super(scope, id);
    const sg = new ec2.SecurityGroup(this, 'ApiSg', { vpc, description: 'api' });
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'ssh');
  }
}
`;
    const dir = workspace({ 'infra/lib/api.ts': stack });
    initRepo(dir);
    const fromTop = admin(await runCli(dir, ['infra', '-f', 'json']));
    const fromInfra = admin(await runCli(join(dir, 'infra'), ['.', '-f', 'json']));
    expect(fromTop.map((f) => f.resource)).toEqual(['infra/lib/api.ts#ApiSg']);
    expect(fromInfra.map((f) => f.resource)).toEqual(['lib/api.ts#ApiSg']);
    expect(fromInfra.map((f) => f.fingerprint)).toEqual(fromTop.map((f) => f.fingerprint));
  });

  it('counts a new root that repeats a baselined problem as a new finding', async () => {
    const dir = workspace({ 'modules/bastion/main.tf': BASTION, 'examples/a/main.tf': CALL });
    await runCli(dir, ['.', '--write-baseline', 'baseline.json']);
    mkdirSync(join(dir, 'examples/b'));
    writeFileSync(join(dir, 'examples/b/main.tf'), CALL);
    const run = await runCli(dir, ['.', '--baseline', 'baseline.json', '-f', 'json']);
    expect(run.code).toBe(1);
    expect(admin(run).map((f) => `${f.root} ${f.suppressed?.kind ?? 'new'}`)).toEqual(['examples/a baseline', 'examples/b new']);
  });

  it('reports a root added in a pull request under --changed-since, though the module line did not change', async () => {
    const dir = workspace({ 'modules/bastion/main.tf': BASTION, 'examples/a/main.tf': CALL });
    const base = initRepo(dir);
    git(dir, 'checkout', '-q', '-b', 'feature');
    writeFileSync(join(dir, 'examples/a/README.md'), 'unrelated\n');
    mkdirSync(join(dir, 'examples/b'));
    writeFileSync(join(dir, 'examples/b/main.tf'), CALL);
    commitAll(dir, 'add example b');
    const run = await runCli(dir, ['.', '--changed-since', base, '-f', 'json']);
    expect(run.code).toBe(1);
    expect(admin(run).map((f) => f.root)).toEqual(['examples/b']);
  });

  it('gives a nested template called twice in one root one finding with both calls, and each parent template its own', async () => {
    const child = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AdminCidr: { Type: String }
Resources:
  AdminSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: admin
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref AdminCidr, Description: ssh }
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8, Description: out }
`;
    const call = (name: string) => `  ${name}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./admin.yaml\n      Parameters: { AdminCidr: 0.0.0.0/0 }\n`;
    const parent = (...names: string[]) => `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n${names.map(call).join('')}`;
    const dir = workspace({ 'stacks/admin.yaml': child, 'stacks/prod.yaml': parent('Blue', 'Green'), 'stacks/test.yaml': parent('Only') });
    const findings = admin(await runCli(dir, ['.', '-f', 'json']));
    expect(findings.map((f) => `${f.file}:${f.line} ${f.root} ${f.related.map((r) => `${r.file}:${r.line}`).join(' ')}`)).toEqual([
      'stacks/admin.yaml:10 stacks/prod.yaml stacks/prod.yaml:3 stacks/prod.yaml:8',
      'stacks/admin.yaml:10 stacks/test.yaml stacks/test.yaml:3',
    ]);
  });
});
