import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { docsUrl } from '../../src/engine/define-rule.js';
import { assertBuilt } from '../helpers/built.js';
import { applyEdits, startLsp, type LspSession } from '../helpers/lsp-client.js';
import { runCli, workspace } from '../helpers/workspace.js';

// The language server driven over stdio by the protocol package's own client, as an editor drives it.

export const bastion = (cidr: string) => `resource "aws_security_group" "bastion" {
  description = "bastion"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["${cidr}"]
  }
}

resource "aws_instance" "bastion" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.bastion.id]
}
`;

export const template = (cidr: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  WebSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          Description: rdp
          FromPort: 3389
          ToPort: 3389
          CidrIp: ${cidr}
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8, Description: out }
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      SecurityGroupIds: [!GetAtt WebSg.GroupId]
`;

export const stack = (peer: string) => `import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

export class AppStack extends cdk.Stack {
  constructor(scope: cdk.App, id: string) {
    super(scope, id);
    const vpc = new ec2.Vpc(this, 'Vpc', { restrictDefaultSecurityGroup: true });
    const sg = new ec2.SecurityGroup(this, 'Web', { vpc, description: 'web', allowAllOutbound: false });
    sg.addIngressRule(${peer}, ec2.Port.tcp(22), 'ssh');
    sg.addEgressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(443), 'https inside');
    new ec2.Instance(this, 'Host', { vpc, securityGroup: sg, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2() });
  }
}
`;

const sessions: LspSession[] = [];
async function start(root: string, options: Record<string, unknown> = {}): Promise<LspSession> {
  const s = await startLsp(root, { debounceMs: 50, ...options });
  sessions.push(s);
  return s;
}
afterEach(async () => {
  while (sessions.length > 0) await sessions.pop()!.stop();
});
beforeAll(() => assertBuilt());

const withRule = (rule: string) => (ds: { code?: string | number }[]) => ds.some((d) => d.code === rule);

describe('sg-lint lsp: diagnostics of unsaved buffers', () => {
  it('Terraform: world SSH is reported at the CIDR with rule id and docs link; editing it away (unsaved) clears the list', async () => {
    const dir = workspace({ 'infra/main.tf': bastion('0.0.0.0/0') });
    const lsp = await start(dir);
    await lsp.open('infra/main.tf', bastion('0.0.0.0/0'));
    const [d, ...rest] = await lsp.diagnostics('infra/main.tf', withRule('ingress-world-admin-port'));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      code: 'ingress-world-admin-port',
      source: 'sg-lint',
      severity: 1,
      codeDescription: { href: docsUrl('ingress-world-admin-port') },
      range: { start: { line: 7, character: 19 }, end: { line: 7, character: 30 } },
    });
    expect(d!.message).toMatch(/0\.0\.0\.0\/0/);
    await lsp.change('infra/main.tf', bastion('10.20.30.0/24'));
    expect(await lsp.diagnostics('infra/main.tf')).toEqual([]);
    // Nothing was saved: the disk still has the world rule.
    expect(readFileSync(join(dir, 'infra/main.tf'), 'utf8')).toContain('0.0.0.0/0');
  });

  it('CloudFormation YAML: world RDP at the CidrIp value, then cleared', async () => {
    const dir = workspace({ 'template.yaml': template('10.20.30.0/24') });
    const lsp = await start(dir);
    await lsp.open('template.yaml', template('0.0.0.0/0'));
    const ds = await lsp.diagnostics('template.yaml', withRule('ingress-world-admin-port'));
    expect(ds).toHaveLength(1);
    expect(ds[0]!.range).toEqual({ start: { line: 11, character: 18 }, end: { line: 11, character: 27 } });
    await lsp.change('template.yaml', template('10.20.30.0/24'));
    expect(await lsp.diagnostics('template.yaml')).toEqual([]);
  });

  it('CDK TypeScript in its app (nearest cdk.json): Peer.anyIpv4() on SSH, then cleared', async () => {
    const dir = workspace({ 'app/cdk.json': '{ "app": "npx ts-node bin/app.ts" }\n', 'app/lib/stack.ts': stack("ec2.Peer.ipv4('10.1.0.0/16')") });
    const lsp = await start(dir);
    await lsp.open('app/lib/stack.ts', stack('ec2.Peer.anyIpv4()'));
    const ds = await lsp.diagnostics('app/lib/stack.ts', withRule('ingress-world-admin-port'));
    expect(ds).toHaveLength(1);
    expect(ds[0]!.range).toEqual({ start: { line: 8, character: 22 }, end: { line: 8, character: 40 } });
    await lsp.change('app/lib/stack.ts', stack("ec2.Peer.ipv4('10.1.0.0/16')"));
    expect(await lsp.diagnostics('app/lib/stack.ts')).toEqual([]);
  });
});
