import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { docsUrl } from '../../src/engine/define-rule.js';
import { packageVersion } from '../../src/util/package-files.js';
import { assertBuilt, ROOT } from '../helpers/built.js';
import { applyEdits, LSP_WAIT_MS, startLsp, type LspSession } from '../helpers/lsp-client.js';
import { group, ingress } from '../helpers/terraform-snippets.js';
import { plainEnv, workspace, type JsonReport } from '../helpers/workspace.js';

// The language server driven over stdio by the protocol package's own client, as an editor drives it.

export const bastion = (cidr: string) => `${group('bastion', ingress(22, cidr, 'ssh'))}
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

/** A test waits for several analyses and runs the CLI: room for a few of the client's waits on a loaded machine. */
const LSP_TEST_MS = 4 * LSP_WAIT_MS;

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

describe('sg-lint lsp: diagnostics of unsaved buffers', { timeout: LSP_TEST_MS }, () => {
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
      codeDescription: { href: docsUrl('ingress-world-admin-port', packageVersion()) },
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

/** The built CLI on one file of the project, as a user would run it: exit code and JSON report. */
function cli(dir: string, file: string, extra: string[] = []): { code: number; report: JsonReport } {
  const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'src', 'bin.js'), file, '-f', 'json', ...extra], { cwd: dir, encoding: 'utf8', env: plainEnv() as NodeJS.ProcessEnv });
  return { code: run.status ?? -1, report: JSON.parse(run.stdout) as JsonReport };
}

/** Opens the file as it is on disk, takes the quick fix whose title matches, applies it and saves the result to disk. */
async function applyAction(lsp: LspSession, dir: string, file: string, rule: string, title: RegExp): Promise<string> {
  const text = readFileSync(join(dir, file), 'utf8');
  await lsp.open(file, text);
  const ds = await lsp.diagnostics(file, withRule(rule));
  const d = ds.find((x) => x.code === rule)!;
  const actions = await lsp.codeActions(file, d.range, [d]);
  const action = actions.find((a) => title.test(a.title));
  expect(action, `actions: ${actions.map((a) => a.title).join(' | ')}`).toBeDefined();
  const edits = action!.edit!.changes![lsp.uri(file)]!;
  const fixed = applyEdits(text, edits);
  writeFileSync(join(dir, file), fixed);
  return fixed;
}

describe('sg-lint lsp: quick fixes', { timeout: LSP_TEST_MS }, () => {
  const suppressed = /^Suppress ingress-world-admin-port /;

  it('a suppression comment above the finding (HCL #): the real CLI then lints the file clean, the finding kept as suppressed', async () => {
    const dir = workspace({ 'main.tf': bastion('0.0.0.0/0') });
    expect(cli(dir, 'main.tf').code).toBe(1);
    const lsp = await start(dir);
    const fixed = await applyAction(lsp, dir, 'main.tf', 'ingress-world-admin-port', suppressed);
    expect(fixed).toMatch(/\n {4}# sg-lint-ignore ingress-world-admin-port until=\d{4}-\d{2}-\d{2} -- TODO: say why this is accepted\n {4}cidr_blocks/);
    const run = cli(dir, 'main.tf');
    expect(run.code).toBe(0);
    expect(run.report.findings.map((f) => [f.ruleId, f.suppressed?.kind])).toEqual([['ingress-world-admin-port', 'inline']]);
  });

  it('a suppression comment in CloudFormation YAML (#) and in CDK TypeScript (//)', async () => {
    const dir = workspace({ 'template.yaml': template('0.0.0.0/0'), 'app/cdk.json': '{}\n', 'app/lib/stack.ts': stack('ec2.Peer.anyIpv4()') });
    const lsp = await start(dir);
    const yaml = await applyAction(lsp, dir, 'template.yaml', 'ingress-world-admin-port', suppressed);
    expect(yaml).toMatch(/\n {10}# sg-lint-ignore ingress-world-admin-port until=[\d-]+ -- TODO: say why this is accepted\n {10}CidrIp: 0\.0\.0\.0\/0/);
    const ts = await applyAction(lsp, dir, 'app/lib/stack.ts', 'ingress-world-admin-port', suppressed);
    expect(ts).toMatch(/\n {4}\/\/ sg-lint-ignore ingress-world-admin-port until=[\d-]+ -- TODO: say why this is accepted\n {4}sg\.addIngressRule/);
    for (const file of ['template.yaml', 'app/lib/stack.ts']) {
      const run = cli(dir, file);
      expect(run.code, file).toBe(0);
      expect(run.report.findings.every((f) => f.suppressed?.kind === 'inline'), file).toBe(true);
    }
  });

  it('a JSON template gets a Metadata entry (JSON has no comments), merged into Metadata that exists', async () => {
    const json = (metadata: string) =>
      JSON.stringify(
        {
          AWSTemplateFormatVersion: '2010-09-09',
          Resources: {
            WebSg: { Type: 'AWS::EC2::SecurityGroup', ...JSON.parse(metadata), Properties: { GroupDescription: 'web', SecurityGroupIngress: [{ IpProtocol: 'tcp', Description: 'ssh', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }], SecurityGroupEgress: [{ IpProtocol: 'tcp', Description: 'out', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8' }] } },
            Web: { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-12345678', SecurityGroupIds: [{ 'Fn::GetAtt': ['WebSg', 'GroupId'] }] } },
          },
        },
        null,
        2,
      ) + '\n';
    const dir = workspace({ 'bare.json': json('{}'), 'with-metadata.json': json('{ "Metadata": { "cfn-lint": { "config": { "ignore_checks": ["W1"] } } } }') });
    const lsp = await start(dir);
    for (const file of ['bare.json', 'with-metadata.json']) {
      const fixed = await applyAction(lsp, dir, file, 'ingress-world-admin-port', /^Suppress ingress-world-admin-port in the resource Metadata/);
      const resource = (JSON.parse(fixed) as { Resources: { WebSg: { Metadata: Record<string, unknown> } } }).Resources.WebSg;
      expect(resource.Metadata['sg-lint']).toEqual({ ignore: [{ rule: 'ingress-world-admin-port', reason: 'TODO: say why this is accepted', until: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }] });
      const run = cli(dir, file);
      expect(run.code, file).toBe(0);
      expect(run.report.findings.map((f) => f.suppressed?.kind)).toEqual(['inline']);
    }
    expect(JSON.parse(readFileSync(join(dir, 'with-metadata.json'), 'utf8')).Resources.WebSg.Metadata['cfn-lint']).toEqual({ config: { ignore_checks: ['W1'] } });
  });

  it('Terraform JSON gets a "//" property in the block holding the finding', async () => {
    const tfJson = JSON.stringify(
      {
        resource: {
          aws_security_group: { bastion: { description: 'bastion', ingress: [{ description: 'ssh', from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'], ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false }] } },
          aws_instance: { bastion: { ami: 'ami-12345678', instance_type: 't3.micro', vpc_security_group_ids: ['${aws_security_group.bastion.id}'] } },
        },
      },
      null,
      2,
    );
    const dir = workspace({ 'main.tf.json': tfJson });
    expect(cli(dir, 'main.tf.json').code).toBe(1);
    const lsp = await start(dir);
    const fixed = await applyAction(lsp, dir, 'main.tf.json', 'ingress-world-admin-port', /^Suppress ingress-world-admin-port with a "\/\/" property/);
    expect(JSON.parse(fixed).resource.aws_security_group.bastion.ingress[0]['//']).toMatch(/^sg-lint-ignore ingress-world-admin-port until=\d{4}-\d{2}-\d{2} -- TODO: say why this is accepted$/);
    const run = cli(dir, 'main.tf.json');
    expect(run.code).toBe(0);
    expect(run.report.findings.map((f) => [f.ruleId, f.suppressed?.kind])).toEqual([['ingress-world-admin-port', 'inline']]);
  });

  it('a missing rule description: the safe fix adds one derived from the rule (Terraform and CloudFormation), never a new peer or port', async () => {
    const tf = bastion('10.20.30.0/24').replace('    description = "ssh"\n', '');
    const yaml = template('10.20.30.0/24').replace('          Description: rdp\n', '');
    const dir = workspace({ 'main.tf': tf, 'template.yaml': yaml });
    const lsp = await start(dir);
    const fixedTf = await applyAction(lsp, dir, 'main.tf', 'rule-missing-description', /^Add the description/);
    expect(fixedTf).toBe(tf.replace('  ingress {\n', '  ingress {\n    description = "TCP 22 from 10.20.30.0/24"\n'));
    const fixedYaml = await applyAction(lsp, dir, 'template.yaml', 'rule-missing-description', /^Add the description/);
    expect(fixedYaml).toBe(yaml.replace('        - IpProtocol: tcp\n', '        - Description: "TCP 3389 from 10.20.30.0/24"\n          IpProtocol: tcp\n'));
    for (const file of ['main.tf', 'template.yaml']) expect(cli(dir, file).report.findings.filter((f) => f.ruleId === 'rule-missing-description'), file).toEqual([]);
  });

  it('a rule description AWS refuses: the safe fix writes it in plain characters (apostrophes and quotes dropped, accents and dashes in ASCII)', async () => {
    const tf = bastion('10.20.30.0/24').replace('description = "ssh"', 'description = "SSH from John’s home – café"');
    const yaml = template('10.20.30.0/24').replace('Description: rdp', 'Description: RDP for Bob’s “jump” host');
    const dir = workspace({ 'main.tf': tf, 'template.yaml': yaml });
    const lsp = await start(dir);
    const fixedTf = await applyAction(lsp, dir, 'main.tf', 'rule-description-invalid', /^Write the description in plain characters/);
    expect(fixedTf).toBe(tf.replace('"SSH from John’s home – café"', '"SSH from Johns home - cafe"'));
    const fixedYaml = await applyAction(lsp, dir, 'template.yaml', 'rule-description-invalid', /^Write the description in plain characters/);
    expect(fixedYaml).toBe(yaml.replace('RDP for Bob’s “jump” host', '"RDP for Bobs jump host"'));
    for (const file of ['main.tf', 'template.yaml']) expect(cli(dir, file).report.findings, file).toEqual([]);
  });

  it('no description fix for a group (a new group description replaces the group), only the suppression', async () => {
    const dir = workspace({ 'main.tf': bastion('10.20.30.0/24').replace('  description = "bastion tier"\n', '') });
    const lsp = await start(dir);
    await lsp.open('main.tf', readFileSync(join(dir, 'main.tf'), 'utf8'));
    const ds = await lsp.diagnostics('main.tf', withRule('group-missing-description'));
    const d = ds.find((x) => x.code === 'group-missing-description')!;
    const titles = (await lsp.codeActions('main.tf', d.range, [d])).map((a) => a.title);
    expect(titles).toEqual([expect.stringMatching(/^Suppress group-missing-description with a comment/)]);
  });
});

describe('sg-lint lsp: hover, project context, configuration', { timeout: LSP_TEST_MS }, () => {
  it('hover on a group shows its effective ingress, its egress and the exposure of what carries it', async () => {
    const dir = workspace({ 'main.tf': bastion('0.0.0.0/0') });
    const lsp = await start(dir);
    await lsp.open('main.tf', bastion('0.0.0.0/0'));
    await lsp.diagnostics('main.tf');
    const onHeader = await lsp.hover('main.tf', 0, 12);
    const text = (onHeader!.contents as { value: string }).value;
    expect(text).toContain('**Security group `aws_security_group.bastion`**');
    expect(text).toMatch(/Effective ingress:\n\n\| ports \| from \| rule \|\n\|---\|---\|---\|\n\| TCP 22 \| world 0\.0\.0\.0\/0 \| main\.tf:8 \|/);
    expect(text).toContain('_no egress_');
    expect(text).toMatch(/Carried by `aws_instance\.bastion` \(instance, main\.tf:\d+\)/);
    // On one of its rules too; on a line of no group, nothing.
    expect(((await lsp.hover('main.tf', 7, 22))!.contents as { value: string }).value).toContain('aws_security_group.bastion');
    expect(await lsp.hover('main.tf', 12, 5)).toBeNull();
  });

  it('hover in CloudFormation (on the logical id) and CDK (on the construct)', async () => {
    const dir = workspace({ 'template.yaml': template('0.0.0.0/0'), 'app/cdk.json': '{}\n', 'app/lib/stack.ts': stack('ec2.Peer.anyIpv4()') });
    const lsp = await start(dir);
    await lsp.open('template.yaml', template('0.0.0.0/0'));
    await lsp.diagnostics('template.yaml');
    const cfn = ((await lsp.hover('template.yaml', 2, 4))!.contents as { value: string }).value;
    expect(cfn).toContain('**Security group `WebSg`**');
    expect(cfn).toMatch(/\| TCP 3389 \| world 0\.0\.0\.0\/0 \| template\.yaml:12 \|/);
    expect(cfn).toMatch(/\| TCP 443 \| 10\.0\.0\.0\/8 \| template\.yaml:14 \|/);
    expect(cfn).toContain('Carried by `Web` (instance');
    await lsp.open('app/lib/stack.ts', stack('ec2.Peer.anyIpv4()'));
    await lsp.diagnostics('app/lib/stack.ts');
    const cdk = ((await lsp.hover('app/lib/stack.ts', 7, 20))!.contents as { value: string }).value;
    expect(cdk).toMatch(/\*\*Security group `[^`]*Web`\*\*/);
    expect(cdk).toMatch(/\| TCP 22 \| world 0\.0\.0\.0\/0 \| app\/lib\/stack\.ts:9 \|/);
  });

  it('a nested template is analyzed through its parent: the parameter the parent passes makes the finding, with the call as related location', async () => {
    const child = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AdminCidr:
    Type: String
    Default: 10.20.30.0/24
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
    const parent = (cidr: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Admin:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./stacks/admin.yaml
      Parameters:
        AdminCidr: ${cidr}
`;
    const dir = workspace({ 'parent.yaml': parent('0.0.0.0/0'), 'stacks/admin.yaml': child });
    const lsp = await start(dir);
    await lsp.open('stacks/admin.yaml', child);
    const [d] = await lsp.diagnostics('stacks/admin.yaml', withRule('ingress-world-admin-port'));
    expect(d!.range.start.line).toBe(11);
    expect(d!.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line])).toContainEqual([lsp.uri('parent.yaml'), 2]);
    // The parent's unsaved buffer counts too.
    await lsp.open('parent.yaml', parent('10.20.30.0/24'));
    await lsp.change('stacks/admin.yaml', child + '\n');
    expect((await lsp.diagnostics('stacks/admin.yaml')).filter((x) => x.code === 'ingress-world-admin-port')).toEqual([]);
  });

  it('a saved .sg-lint.yml change re-runs the open files (watched-files notification)', async () => {
    const dir = workspace({ 'main.tf': bastion('0.0.0.0/0') });
    const lsp = await start(dir);
    await lsp.open('main.tf', bastion('0.0.0.0/0'));
    await lsp.diagnostics('main.tf', withRule('ingress-world-admin-port'));
    expect(lsp.registrations).toContain('workspace/didChangeWatchedFiles');
    writeFileSync(join(dir, '.sg-lint.yml'), 'rules:\n  ingress-world-admin-port: warning\n');
    await lsp.filesChanged(['.sg-lint.yml']);
    const ds = await lsp.diagnostics('main.tf', (x) => x.some((d) => d.severity === 2));
    expect(ds.map((d) => [d.code, d.severity])).toEqual([['ingress-world-admin-port', 2]]);
  });

  it('a saved config buffer re-runs the open files; an invalid config is one diagnostic at the top, not a crash', async () => {
    const dir = workspace({ 'main.tf': bastion('0.0.0.0/0'), '.sg-lint.yml': 'rules:\n  no-such-rule: error\n' });
    const lsp = await start(dir);
    await lsp.open('main.tf', bastion('0.0.0.0/0'));
    const [problem] = await lsp.diagnostics('main.tf');
    expect(problem).toMatchObject({ code: 'config', severity: 1, range: { start: { line: 0, character: 0 } } });
    expect(problem!.message).toMatch(/no-such-rule/);
    writeFileSync(join(dir, '.sg-lint.yml'), 'preset: recommended\n');
    await lsp.open('.sg-lint.yml', 'preset: recommended\n');
    await lsp.save('.sg-lint.yml');
    const ds = await lsp.diagnostics('main.tf', withRule('ingress-world-admin-port'));
    expect(ds.map((d) => d.code)).toEqual(['ingress-world-admin-port']);
  });

  it('the online pass never runs from the editor unless the workspace setting enables it, even when the config does', async () => {
    const files = {
      // A public address (the online pass never looks up reserved ones); the file provider reads a local list: no network.
      'main.tf': bastion('8.8.4.4/32').replace('from_port   = 22', 'from_port   = 443').replace('to_port     = 22', 'to_port     = 443'),
      '.sg-lint.yml': 'online: { enabled: true, provider: file, file: blocklist.txt }\n',
      'blocklist.txt': '# test list\n8.8.4.4\n',
    };
    const dir = workspace(files);
    const off = await start(dir);
    await off.open('main.tf', files['main.tf']);
    expect(await off.diagnostics('main.tf')).toEqual([]);
    const on = await start(dir, { online: true });
    await on.open('main.tf', files['main.tf']);
    const ds = await on.diagnostics('main.tf', withRule('rule-ip-reputation'));
    expect(ds.map((d) => d.code)).toContain('rule-ip-reputation');
    // Turned off and on again while running: as VS Code and Neovim push settings, and as Helix does (no section).
    await on.configure({ sgLint: { online: false } });
    expect(await on.diagnostics('main.tf')).toEqual([]);
    await on.configure({ online: true });
    expect((await on.diagnostics('main.tf', withRule('rule-ip-reputation'))).map((d) => d.code)).toContain('rule-ip-reputation');
  });
});

describe('sg-lint lsp: bad input', { timeout: LSP_TEST_MS }, () => {
  it('a buffer that does not parse gets a parse-error diagnostic, and the server goes on serving', async () => {
    const dir = workspace({ 'main.tf': bastion('0.0.0.0/0') });
    const lsp = await start(dir);
    await lsp.open('main.tf', 'resource "aws_security_group" "x" {\n  ingress {\n');
    const [d] = await lsp.diagnostics('main.tf', withRule('parse-error'));
    expect(d).toMatchObject({ code: 'parse-error', severity: 1 });
    expect((await lsp.codeActions('main.tf', d!.range, [d!])).map((a) => a.title)).toEqual([]);
    await lsp.change('main.tf', bastion('0.0.0.0/0'));
    expect((await lsp.diagnostics('main.tf', withRule('ingress-world-admin-port'))).map((x) => x.code)).toEqual(['ingress-world-admin-port']);
  });

  it('files that are not infrastructure (a README, a Kubernetes manifest, a plain script) get no diagnostics or get an empty list', async () => {
    const dir = workspace({ 'deploy.yaml': 'apiVersion: v1\nkind: ConfigMap\n', 'tool.ts': 'export const x = 1;\n' });
    const lsp = await start(dir);
    await lsp.open('deploy.yaml', 'apiVersion: v1\nkind: ConfigMap\n');
    expect(await lsp.diagnostics('deploy.yaml')).toEqual([]);
    await lsp.open('tool.ts', 'export const x = 1;\n');
    expect(await lsp.diagnostics('tool.ts')).toEqual([]);
    expect(await lsp.hover('tool.ts', 0, 3)).toBeNull();
  });

  it('rapid edits: the diagnostics of the last text win (debounced, no result of an older text published after it)', async () => {
    const dir = workspace({ 'main.tf': bastion('10.20.30.0/24') });
    const lsp = await start(dir, { debounceMs: 200 });
    await lsp.open('main.tf', bastion('10.20.30.0/24'));
    await lsp.diagnostics('main.tf');
    for (const cidr of ['0.0.0.0/0', '10.1.0.0/24', '0.0.0.0/0', '10.2.0.0/24', '0.0.0.0/0']) await lsp.change('main.tf', bastion(cidr));
    const ds = await lsp.diagnostics('main.tf');
    expect(ds.map((d) => d.code)).toEqual(['ingress-world-admin-port']);
  });

  it('usage errors exit 2 with a message; --help describes the settings', () => {
    const bin = join(ROOT, 'dist', 'src', 'bin.js');
    const bad = spawnSync(process.execPath, [bin, 'lsp', '--port', '1'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/sg-lint lsp: .*port/);
    const help = spawnSync(process.execPath, [bin, 'lsp', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/online \(default false/);
  });
});
