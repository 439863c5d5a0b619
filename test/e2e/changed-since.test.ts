import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../../src/util/git.js';
import { commitAll, git, initRepo } from '../helpers/git.js';
import { group, ingress } from '../helpers/terraform-snippets.js';
import { runCli, workspace } from '../helpers/workspace.js';

const child = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ClientCidr: { Type: String }
Resources:
  DbSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: !Ref ClientCidr, Description: clients }
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8, Description: out }
`;
const parent = (call: boolean) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Logs:
    Type: AWS::S3::Bucket
${call ? '  Db:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./db.yaml\n      Parameters: { ClientCidr: 0.0.0.0/0 }\n' : ''}`;

const ids = (run: Awaited<ReturnType<typeof runCli>>) => run.json().findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`);

describe('--changed-since', () => {
  it('reports only findings on lines added or changed since the merge base, and drops the others from the count', async () => {
    const dir = workspace({ 'infra/main.tf': group('old', ingress(22, '0.0.0.0/0')), 'infra/other.tf': group('other', ingress(3389, '0.0.0.0/0')) });
    const base = initRepo(dir);
    git(dir, 'checkout', '-q', '-b', 'feature');
    writeFileSync(join(dir, 'infra/main.tf'), group('old', ingress(22, '0.0.0.0/0')) + group('new', ingress(23, '0.0.0.0/0')));
    commitAll(dir, 'add telnet');
    // An uncommitted edit counts too (the working tree is compared), and so does a new untracked file.
    writeFileSync(join(dir, 'infra/other.tf'), group('other', ingress(3389, '0.0.0.0/0')).replace('protocol    = "tcp"', 'protocol    = "tcp" # rdp'));
    writeFileSync(join(dir, 'infra/fresh.tf'), group('fresh', ingress(5900, '0.0.0.0/0')));

    const all = await runCli(dir, ['infra', '-f', 'json']);
    expect(all.json().findings).toHaveLength(4);
    const changed = await runCli(dir, ['infra', '-f', 'json', '--changed-since', 'main']);
    expect(ids(changed)).toEqual(['ingress-world-admin-port infra/fresh.tf:8', 'ingress-world-admin-port infra/main.tf:18']);
    expect(changed.code).toBe(1);
    expect((await runCli(dir, ['infra', '--changed-since', base])).stdout).toMatch(/2 problems \(2 errors/);
    // From a subdirectory, paths are still matched correctly.
    expect(ids(await runCli(join(dir, 'infra'), ['.', '-f', 'json', '--changed-since', 'main']))).toEqual(['ingress-world-admin-port fresh.tf:8', 'ingress-world-admin-port main.tf:18']);
  });

  it('keeps a finding in an unchanged file whose related location (a new nested stack call) was added', async () => {
    const dir = workspace({ 'stacks/parent.yaml': parent(false), 'stacks/db.yaml': child });
    initRepo(dir);
    writeFileSync(join(dir, 'stacks/parent.yaml'), parent(true));
    const run = await runCli(dir, ['stacks', '-f', 'json', '--changed-since', 'HEAD']);
    expect(ids(run)).toEqual(['ingress-world-sensitive-port stacks/db.yaml:10']);
  });

  it('nothing changed: nothing reported, exit 0', async () => {
    const dir = workspace({ 'main.tf': group('old', ingress(22, '0.0.0.0/0')) });
    initRepo(dir);
    const run = await runCli(dir, ['.', '--changed-since', 'HEAD']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/no problems/);
  });

  it('an unknown revision or a directory outside git is exit 2 with git\'s reason', async () => {
    const dir = workspace({ 'main.tf': group('old', ingress(22, '0.0.0.0/0')) });
    initRepo(dir);
    const bad = await runCli(dir, ['.', '--changed-since', 'no-such-branch', '-f', 'json=out.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^sg-lint: .*no-such-branch/);
    const outside = workspace({ 'main.tf': '' });
    const run = await runCli(outside, ['.', '--changed-since', 'main']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not a git repository/);
    expect((await runCli(dir, ['.', '--changed-since', '--output=x'])).code).toBe(2);
  });

  it('reads added lines from unified diffs, including quoted paths and pure deletions', () => {
    const diff = [
      'diff --git a/main.tf b/main.tf',
      '--- a/main.tf',
      '+++ b/main.tf',
      '@@ -3,0 +4,2 @@',
      '+a',
      '+b',
      '@@ -10 +12 @@',
      '-x',
      '+y',
      '@@ -20,3 +22,0 @@',
      'diff --git "a/caf\\303\\251.tf" "b/caf\\303\\251.tf"',
      '+++ "b/caf\\303\\251.tf"',
      '@@ -1 +1 @@',
      '+z',
    ].join('\n');
    const changed = parseUnifiedDiff(diff, '/repo');
    expect([...changed.get('/repo/main.tf')!].sort((a, b) => a - b)).toEqual([4, 5, 12]);
    expect([...changed.get('/repo/café.tf')!]).toEqual([1]);
  });
});

describe('file arguments', () => {
  it('reports only the files given, evaluating Terraform with its whole module and CDK with its relative imports', async () => {
    const dir = workspace({
      'tf/main.tf': group('web', '  ingress {\n    description = "ssh"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = [var.ssh_cidr]\n  }'),
      'tf/variables.tf': 'variable "ssh_cidr" {\n  default = "0.0.0.0/0"\n}\n' + group('other', ingress(3389, '0.0.0.0/0')),
      'cdk/stack.ts': "import * as ec2 from 'aws-cdk-lib/aws-ec2';\nimport { PORT } from './ports';\nexport function build(scope: any, vpc: ec2.IVpc) {\n  const sg = new ec2.SecurityGroup(scope, 'Sg', { vpc, description: 'admin', allowAllOutbound: false });\n  sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(PORT), 'admin');\n}\n",
      'cdk/ports.ts': 'export const PORT = 3389;\n',
      'cdk/other.ts': "import * as ec2 from 'aws-cdk-lib/aws-ec2';\nexport function b(scope: any, vpc: ec2.IVpc) {\n  const sg = new ec2.SecurityGroup(scope, 'Other', { vpc, description: 'other', allowAllOutbound: false });\n  sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'ssh');\n}\n",
    });
    const run = await runCli(dir, ['tf/main.tf', 'cdk/stack.ts', '-f', 'json']);
    expect(ids(run)).toEqual(['ingress-world-admin-port cdk/stack.ts:5', 'ingress-world-admin-port tf/main.tf:8']);
    expect((await runCli(dir, ['.', '-f', 'json'])).json().findings).toHaveLength(4);
  });

  it('a .tfvars file given on its own stands for its module', async () => {
    const dir = workspace({
      'main.tf': group('web', '  ingress {\n    description = "ssh"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = [var.ssh_cidr]\n  }'),
      'variables.tf': 'variable "ssh_cidr" {\n  default = "10.0.0.0/16"\n}\n',
      'terraform.tfvars': 'ssh_cidr = "0.0.0.0/0"\n',
    });
    expect(ids(await runCli(dir, ['terraform.tfvars', '-f', 'json']))).toEqual(['ingress-world-admin-port main.tf:8']);
  });
});
