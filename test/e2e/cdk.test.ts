import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, workspace } from '../helpers/workspace.js';

const STACK = `import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

export class BastionStack extends cdk.Stack {
  constructor(scope: cdk.App, id: string) {
    super(scope, id);
    const vpc = new ec2.Vpc(this, 'Vpc', { restrictDefaultSecurityGroup: true });
    const bastion = new ec2.SecurityGroup(this, 'Bastion', { vpc, description: 'bastion', allowAllOutbound: false });
    bastion.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'ssh');
  }
}
`;

const findings = (report: { findings: { ruleId: string; file: string; line: number }[] }, rule: string) =>
  report.findings.filter((f) => f.ruleId === rule).map((f) => `${f.file}:${f.line}`);

describe('CDK sources', () => {
  it('reports syntax errors with their line, still lints the rest of the file, and never runs the code', async () => {
    const dir = workspace({
      'lib/broken.ts': STACK.replace("'ssh');", "'ssh');\n    const x = ;"),
      'lib/good.ts': STACK,
    });
    const run = await runCli(dir, ['.', '-f', 'json']);
    const report = run.json();
    const parse = report.findings.find((f) => f.ruleId === 'parse-error');
    expect(parse).toMatchObject({ file: 'lib/broken.ts', line: 10 });
    expect(parse!.message).toMatch(/Expression expected/);
    expect(findings(report, 'ingress-world-admin-port')).toEqual(['lib/broken.ts:9', 'lib/good.ts:9']);
  });

  it('skips TypeScript that is not CDK, declaration files and node_modules, and reads .tsx', async () => {
    const dir = workspace({
      'src/handler.ts': "import { S3 } from '@aws-sdk/client-s3';\nexport const handler = async () => new S3({});\n",
      'lib/types.d.ts': "import * as ec2 from 'aws-cdk-lib/aws-ec2';\nexport declare const sg: ec2.SecurityGroup;\n",
      'node_modules/aws-cdk-lib/index.ts': STACK,
      'ui/Panel.tsx': `${STACK}\nexport const Panel = () => <div className="x">{1}</div>;\n`,
      'lib/stack.js': STACK.replace(/: cdk\.App, id: string/, ', id').replace('import * as cdk', "const cdk = require('aws-cdk-lib');\n//").replace("import * as ec2 from 'aws-cdk-lib/aws-ec2';", "const ec2 = require('aws-cdk-lib/aws-ec2');"),
    });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    expect(report.findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
    expect(findings(report, 'ingress-world-admin-port').sort()).toEqual(['lib/stack.js:10', 'ui/Panel.tsx:9']);
    expect(report.stats.files).toBe(2);
  });

  it('reads a very large generated stack', async () => {
    const rules = Array.from({ length: 20_000 }, (_, i) => `    sg.addIngressRule(ec2.Peer.ipv4('10.${i % 250}.0.0/16'), ec2.Port.tcp(${1024 + (i % 5000)}), 'r${i}');`).join('\n');
    const text = `import * as ec2 from 'aws-cdk-lib/aws-ec2';\nimport * as cdk from 'aws-cdk-lib';\nexport class Big extends cdk.Stack {\n  constructor(scope: cdk.App, id: string) {\n    super(scope, id);\n    const sg = new ec2.SecurityGroup(this, 'Sg', { vpc: undefined as never, description: 'generated', allowAllOutbound: false });\n${rules}\n  }\n}\n`;
    expect(text.length).toBeGreaterThan(1_000_000);
    const dir = workspace({ 'lib/big.ts': text });
    const run = await runCli(dir, ['.', '-f', 'json', '--fail-on', 'none']);
    expect(run.code).toBe(0);
    expect(run.json().findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
  });

  it('follows constants imported from a relative file and suppresses with // comments', async () => {
    const dir = workspace({
      'lib/config.ts': "export const ADMIN = { cidr: '0.0.0.0/0', port: 3389 };\n",
      'lib/stack.ts': STACK.replace("import * as ec2 from 'aws-cdk-lib/aws-ec2';", "import * as ec2 from 'aws-cdk-lib/aws-ec2';\nimport { ADMIN } from './config';").replace(
        "    bastion.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'ssh');",
        "    // sg-lint-ignore ingress-world-admin-port -- break-glass access, SEC-12\n    bastion.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'ssh');\n    bastion.addIngressRule(ec2.Peer.ipv4(ADMIN.cidr), ec2.Port.tcp(ADMIN.port), 'rdp');",
      ),
    });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    const admin = report.findings.filter((f) => f.ruleId === 'ingress-world-admin-port');
    expect(admin.map((f) => [f.line, f.message, f.suppressed?.reason ?? null])).toEqual([
      [11, 'Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `lib/stack.ts#Bastion`', 'break-glass access, SEC-12'],
      [12, 'Ingress from 0.0.0.0/0 reaches TCP 3389 (RDP) on group `lib/stack.ts#Bastion`', null],
    ]);
  });

  it('reads the restrictDefaultSecurityGroup feature flag from the nearest cdk.json', async () => {
    const stack = STACK.replace("{ restrictDefaultSecurityGroup: true }", '{}');
    const open = workspace({ 'app/cdk.json': '{ "app": "npx tsx bin/app.ts", "context": {} }', 'app/lib/stack.ts': stack });
    const flagged = workspace({ 'app/cdk.json': '{ "app": "x", "context": { "@aws-cdk/aws-ec2:restrictDefaultSecurityGroup": true } }', 'app/lib/stack.ts': stack });
    expect(findings((await runCli(open, ['.', '-f', 'json'])).json(), 'group-default-restrict-all')).toEqual(['app/lib/stack.ts:7']);
    expect(findings((await runCli(flagged, ['.', '-f', 'json'])).json(), 'group-default-restrict-all')).toEqual([]);
  });

  it('says what it could not see into with --report-unresolved', async () => {
    const dir = workspace({
      'lib/stack.ts': STACK.replace("    bastion.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'ssh');", '    props.sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));\n    bastion.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(22));').replace('id: string)', 'id: string, props: any)'),
    });
    const report = (await runCli(dir, ['.', '-f', 'json', '--report-unresolved'])).json();
    const notes = report.findings.filter((f) => f.ruleId === 'unresolved-value').map((f) => f.message.replace(/, so .*$/, ''));
    expect(notes).toEqual(['`props.sg` is not known (function-parameter)', 'Value `vpc.vpcCidrBlock` is not known (cdk-token)']);
    expect(findings(report, 'ingress-world-admin-port')).toEqual([]);
  });

  it('lints a CDK app once when its synthesized template is analyzed too, and says which copy was skipped', async () => {
    const template = JSON.stringify({
      Resources: {
        Bastion1A2B3C4D: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: {
            GroupDescription: 'bastion',
            SecurityGroupIngress: [{ CidrIp: '0.0.0.0/0', Description: 'ssh', FromPort: 22, IpProtocol: 'tcp', ToPort: 22 }],
            SecurityGroupEgress: [{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 }],
          },
          Metadata: { 'aws:cdk:path': 'BastionStack/Bastion/Resource' },
        },
      },
    }, null, 2);
    const files = { 'app/cdk.json': '{"app": "npx ts-node bin/app.ts"}', 'app/lib/stack.ts': STACK, 'app/cdk.out/BastionStack.template.json': template, 'app/synth/BastionStack.template.json': template };
    const dir = workspace(files);
    const run = await runCli(dir, ['app', 'app/cdk.out', '-f', 'json']);
    expect(findings(run.json(), 'ingress-world-admin-port')).toEqual(['app/lib/stack.ts:9']);
    const notes = run.json().errors.filter((e) => e.kind === 'skipped');
    expect(notes.map((e) => e.message)).toEqual([
      'synthesized copy of the CDK app in app skipped (app/cdk.out/BastionStack.template.json, app/synth/BastionStack.template.json): its sources are analyzed and report the same problems; config cdk.prefer: synthesized lints the template instead',
    ]);
    expect(run.code).toBe(1);

    const preferTemplate = workspace({ ...files, 'app/.sg-lint.yml': 'cdk: { prefer: synthesized }\n' });
    const other = await runCli(preferTemplate, ['app', 'app/cdk.out', '-f', 'json']);
    expect(findings(other.json(), 'ingress-world-admin-port')).toEqual(['app/cdk.out/BastionStack.template.json:9', 'app/synth/BastionStack.template.json:9']);
    expect(other.json().errors.map((e) => e.kind)).toEqual(['skipped']);
    // A template that is a link leading out of the scan root is not read to decide which copy to keep.
    const outside = workspace({ 'BastionStack.template.json': template });
    const linked = workspace({ 'app/cdk.json': '{}', 'app/lib/stack.ts': STACK });
    symlinkSync(join(outside, 'BastionStack.template.json'), join(linked, 'app/BastionStack.template.json'));
    const refused = (await runCli(linked, ['app', '-f', 'json'])).json();
    expect(refused.errors.filter((e) => e.kind === 'skipped')).toEqual([]);
    expect(refused.findings.find((f) => f.file === 'app/BastionStack.template.json')?.message).toMatch(/outside the scan root/);
    // A template of another app, or with no CDK metadata, is linted as it is.
    const alone = await runCli(workspace({ 'app/lib/stack.ts': STACK, 'other/BastionStack.template.json': template }), ['.', '-f', 'json']);
    expect(findings(alone.json(), 'ingress-world-admin-port')).toEqual(['app/lib/stack.ts:9', 'other/BastionStack.template.json:9']);
  });
});
