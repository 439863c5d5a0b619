import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/api.js';
import { runCli, workspace } from '../helpers/workspace.js';

const SSH_OPEN = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bastion:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: bastion
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
          Description: ssh
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/8
          Description: https inside
`;

const parseErrors = (report: { findings: { ruleId: string; file: string; line: number; message: string }[] }) =>
  Object.fromEntries(report.findings.filter((f) => f.ruleId === 'parse-error').map((f) => [f.file, `${f.line}: ${f.message.replace(/^File (cannot be analyzed|has errors \(the rest of it was analyzed\)): /, '')}`]));

describe('CloudFormation bad input', () => {
  it('reports invalid YAML and JSON templates with file:line and still lints the good one', async () => {
    const dir = workspace({
      'good.yaml': SSH_OPEN,
      'tabs.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n\tSg:\n\t\tType: AWS::EC2::SecurityGroup\n',
      'indent.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n   Properties:\n      GroupDescription: x\n',
      'dupkey.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n',
      'comma.json': '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {\n    "Sg": { "Type": "AWS::EC2::SecurityGroup", "Properties": { "GroupDescription": "x" } },\n  }\n}\n',
      'dupkey.json': '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {},\n  "Resources": {}\n}\n',
      'tag.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: !Frobnicate x\n',
    });
    const run = await runCli(dir, ['.', '-f', 'json']);
    expect(run.code).toBe(1);
    const errors = parseErrors(run.json());
    expect(errors['tabs.yaml']).toMatch(/^3: .*tab/i);
    expect(errors['indent.yaml']).toMatch(/^5: /);
    expect(errors['dupkey.yaml']).toMatch(/^5: Map keys must be unique/);
    expect(errors['comma.json']).toMatch(/^5: invalid JSON/);
    expect(errors['dupkey.json']).toMatch(/^4: Map keys must be unique/);
    expect(errors['tag.yaml']).toMatch(/^6: unknown tag !Frobnicate/);
    expect(run.json().findings.some((f) => f.ruleId === 'ingress-world-admin-port' && f.file === 'good.yaml')).toBe(true);
  });

  it('stops an alias bomb with an error instead of expanding it', async () => {
    const bomb = ['AWSTemplateFormatVersion: "2010-09-09"', 'x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 12; i++) bomb.push(`x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    bomb.push('Resources:', '  Sg:', '    Type: AWS::EC2::SecurityGroup', '    Properties:', '      GroupDescription: *a11');
    const dir = workspace({ 'bomb.yaml': bomb.join('\n') + '\n' });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    expect(parseErrors(report)['bomb.yaml']).toMatch(/alias/i);
  });

  it('lists the first 20 problems of a file in its parse-error and counts the rest, keeping one fingerprint for all', async () => {
    const template = (last: string) =>
      JSON.stringify({
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`Child${i}`, { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: `./${i === 24 ? last : `missing-${i}`}.yaml` } }])),
      });
    const report = (await runCli(workspace({ 'parent.json': template('missing-24') }), ['.', '-f', 'json'])).json();
    const message = parseErrors(report)['parent.json']!;
    expect(message.match(/TemplateURL \.\/missing-\d+\.yaml not found/g)).toHaveLength(20);
    expect(message).toContain('missing-19.yaml not found; and 5 more');
    expect(message).not.toContain('missing-20.yaml');
    // A problem left out of the message still counts toward the finding's identity.
    const other = (await runCli(workspace({ 'parent.json': template('elsewhere') }), ['.', '-f', 'json'])).json();
    const parseError = (r: typeof report) => r.findings.find((f) => f.ruleId === 'parse-error')!;
    expect(parseError(other).message).toBe(parseError(report).message);
    expect(parseError(other).fingerprint).not.toBe(parseError(report).fingerprint);
  });

  it('reports a Resources section that is not a map and a Ref to a missing resource, and skips YAML that is not CloudFormation', async () => {
    const dir = workspace({
      'list.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  - Type: AWS::EC2::SecurityGroup\n',
      'missing.yaml': SSH_OPEN.replace('CidrIp: 0.0.0.0/0', 'CidrIp: !Ref NoSuchThing'),
      'deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n',
      '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
      'package.json': '{ "name": "x", "version": "1.0.0" }\n',
      'cdk.json': '{ "app": "npx ts-node bin/app.ts", "context": {} }\n',
    });
    const run = await runCli(dir, ['.', '-f', 'json', '--report-unresolved']);
    const report = run.json();
    expect(parseErrors(report)).toEqual({
      'list.yaml': '2: Resources must be a map of logical ids to resources',
      'missing.yaml': '11: !Ref NoSuchThing names no parameter, resource or pseudo parameter of this template',
    });
    const unresolved = report.findings.filter((f) => f.ruleId === 'unresolved-value');
    expect(unresolved.map((f) => [f.file, f.line, f.message.replace(/, so .*$/, '')])).toEqual([['missing.yaml', 11, 'Value `!Ref NoSuchThing` is not known (unknown-reference)']]);
    expect(report.stats.files).toBe(2);
  });

  it('tolerates CRLF line endings and a byte-order mark', async () => {
    const dir = workspace({ 'crlf.template': '\ufeff' + SSH_OPEN.replace(/\n/g, '\r\n') });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    expect(report.findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([['ingress-world-admin-port', 11, 19]]);
  });
});

describe('CloudFormation Rules section', () => {
  const fixture = (ext: string) => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', '_parsers', 'cloudformation', `rules-section.${ext}`), 'utf8');

  it('accepts the rule functions (short and long forms, YAML and JSON) and takes no findings from the section', async () => {
    const dir = workspace({ 'rules.yaml': fixture('yaml'), 'rules.json': fixture('json') });
    const run = await runCli(dir, ['.', '-f', 'json', '--preset', 'all']);
    expect(run.code).toBe(0);
    // The templates' only group is used by nothing: group-unattached is about Resources, not about the Rules section.
    expect(run.json().findings.filter((f) => f.ruleId !== 'group-unattached')).toEqual([]);
    expect(run.json().stats.files).toBe(2);
  });

  it('reports a rule function used outside the Rules section at its line, and lints the rest of the template', async () => {
    const misplaced = fixture('yaml').replace('CidrIp: !Ref AdminCidr', 'CidrIp: !ValueOf [AdminCidr, Value]').replace('      SecurityGroupEgress:', '        - { IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/0, Description: rdp }\n      SecurityGroupEgress:');
    const dir = workspace({ 'misplaced.yaml': misplaced });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    expect(parseErrors(report)).toEqual({ 'misplaced.yaml': '53: Fn::ValueOf is only valid in the Rules section of a template' });
    expect(report.findings.filter((f) => f.ruleId !== 'parse-error').map((f) => [f.ruleId, f.line])).toEqual([['ingress-world-admin-port', 55]]);
  });

  it('says the rest of a template with an unknown tag was analyzed, and cuts a long problem short in the message', async () => {
    const tag = `!${'Z'.repeat(10_000)}`;
    const dir = workspace({ 'tagged.yaml': SSH_OPEN.replace('GroupDescription: bastion', `GroupDescription: ${tag} bastion`) });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    const parseError = report.findings.find((f) => f.ruleId === 'parse-error')!;
    expect(parseError.message).toMatch(/^File has errors \(the rest of it was analyzed\): unknown tag !Z+\.\.\.$/);
    expect(parseError.message.length).toBeLessThan(400);
    expect(report.findings.some((f) => f.ruleId === 'ingress-world-admin-port')).toBe(true);
  });
});

describe('CloudFormation evaluation', () => {
  const template = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AdminCidr: { Type: String, Default: 10.0.0.0/16 }
  Open: { Type: String, Default: "no", AllowedValues: ["yes", "no"] }
Conditions:
  IsOpen: !Equals [!Ref Open, "yes"]
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: !If [IsOpen, 0.0.0.0/0, !Ref AdminCidr]
          Description: ssh
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8, Description: out }
`;
  const admin = (report: { findings: { ruleId: string; message: string }[] }) => report.findings.filter((f) => f.ruleId === 'ingress-world-admin-port').map((f) => f.message);

  it('judges both branches when only a default decides the condition, and names the condition', async () => {
    const dir = workspace({ 't.yaml': template });
    expect(admin((await runCli(dir, ['.', '-f', 'json'])).json())).toEqual(['Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `Sg` (when IsOpen is true)']);
  });

  it('lets --parameter, a parameters file (both forms) and config decide conditions and supply values', async () => {
    const dir = workspace({
      't.yaml': template,
      'closed.properties': '# values for prod\nOpen=no\n',
      'open.json': '[{ "ParameterKey": "Open", "ParameterValue": "yes" }]',
      'cfg/.sg-lint.yml': 'cloudformation: { parameters: { AdminCidr: 0.0.0.0/0 } }\n',
    });
    expect(admin((await runCli(dir, ['.', '-f', 'json', '--parameter', 'Open=no'])).json())).toEqual([]);
    expect(admin((await runCli(dir, ['.', '-f', 'json', '--parameters-file', 'closed.properties'])).json())).toEqual([]);
    expect(admin((await runCli(dir, ['.', '-f', 'json', '--parameters-file', 'open.json'])).json())).toEqual(['Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `Sg`']);
    expect(admin((await runCli(dir, ['t.yaml', '-f', 'json', '-c', 'cfg/.sg-lint.yml', '--parameter', 'Open=no'])).json())).toEqual(['Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `Sg`']);
    expect((await runCli(dir, ['.', '--parameters-file', 'nope.json'])).code).toBe(2);
  });

  it('narrows a parameter inside a branch of a condition that compares it: no invalid CIDR "disabled", still world-open SSH', async () => {
    const narrowed = (cidr: string) => `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  RemoteCidr: { Type: String, Default: ${cidr} }
Conditions:
  HasRemoteCidr: !Not [!Equals [!Ref RemoteCidr, disabled]]
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !If [HasRemoteCidr, !Ref RemoteCidr, 10.0.0.0/24], Description: ssh }
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8, Description: out }
`;
    const dir = workspace({ 'disabled.yaml': narrowed('disabled'), 'world.yaml': narrowed('0.0.0.0/0') });
    const run = await runCli(dir, ['.', '-f', 'json']);
    expect(run.json().findings.map((f) => [f.file, f.ruleId, f.message])).toEqual([
      ['world.yaml', 'ingress-world-admin-port', 'Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `Sg` (when HasRemoteCidr is true)'],
    ]);
    expect(run.json().stats.unresolvedByReason).toEqual({ 'cfn-parameter': 1 });
  });

  it('judges 30 independent conditions value by value, never by combination', async () => {
    const rules = Array.from({ length: 30 }, (_, i) => `        - IpProtocol: tcp\n          FromPort: ${1000 + i}\n          ToPort: ${1000 + i}\n          CidrIp: !If [C${i}, 0.0.0.0/0, 10.${i}.0.0/16]\n          Description: r${i}`);
    const conditions = Array.from({ length: 30 }, (_, i) => `  C${i}: !Equals [!Ref P${i}, "on"]`);
    const params = Array.from({ length: 30 }, (_, i) => `  P${i}: { Type: String, Default: "off" }`);
    const text = ['AWSTemplateFormatVersion: "2010-09-09"', 'Parameters:', ...params, 'Conditions:', ...conditions, 'Resources:', '  Sg:', '    Type: AWS::EC2::SecurityGroup', '    Properties:', '      GroupDescription: many', '      SecurityGroupIngress:', ...rules].join('\n') + '\n';
    const dir = workspace({ 't.yaml': text });
    const result = await lint(['.'], { cwd: dir, rules: { 'egress-unrestricted': 'off' } });
    const open = result.findings.filter((f) => f.ruleId === 'ingress-world-open-port');
    // One finding per rule, each naming its own condition: 30, not 2^30 combinations.
    expect(open).toHaveLength(30);
    expect(open.map((f) => f.message.match(/\(when (C\d+) is true\)$/)?.[1])).toEqual(Array.from({ length: 30 }, (_, i) => `C${i}`));
    expect(result.stats.rules).toBe(30);
  });
});

describe('nested stacks', () => {
  const child = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AllowedCidr: { Type: String }
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: child
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: !Ref AllowedCidr
          Description: ssh
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8, Description: out }
`;
  const parent = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Open:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./nested/child.yaml
      Parameters: { AllowedCidr: 0.0.0.0/0 }
  Closed:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/child.yaml
      Parameters: { AllowedCidr: 10.1.0.0/16 }
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/bucket/other.yaml
`;

  it('lints a local child template once per call, with the parameters each call passes, and the call chain as related locations', async () => {
    const dir = workspace({ 'parent.yaml': parent, 'nested/child.yaml': child });
    const report = (await runCli(dir, ['.', '-f', 'json', '--report-unresolved'])).json();
    const admin = report.findings.filter((f) => f.ruleId === 'ingress-world-admin-port');
    expect(admin).toHaveLength(1);
    expect(admin[0]).toMatchObject({ file: 'nested/child.yaml', line: 13, related: [{ file: 'parent.yaml', line: 3, column: 3, message: 'reached through this call' }] });
    const remote = report.findings.find((f) => f.ruleId === 'unresolved-value');
    expect(remote).toMatchObject({ file: 'parent.yaml', line: 13 });
    expect(remote!.message).toMatch(/remote-template/);
  });

  it('a suppression on the nested stack resource covers findings inside the child', async () => {
    const dir = workspace({ 'parent.yaml': parent.replace('  Open:\n', '  # sg-lint-ignore ingress-world-admin-port -- break-glass stack (SEC-9)\n  Open:\n'), 'nested/child.yaml': child });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    expect(report.findings.find((f) => f.ruleId === 'ingress-world-admin-port')?.suppressed).toEqual({ kind: 'inline', reason: 'break-glass stack (SEC-9)' });
  });

  it('reads a broken child template once, however many calls lead to it', async () => {
    const broken = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n   bad: x\n';
    const dir = workspace({ 'parent.yaml': parent.replace(/\n {2}Remote:[^]*$/, '\n'), 'nested/child.yaml': broken });
    const report = (await runCli(dir, ['.', '-f', 'json', '--fail-on', 'none'])).json();
    expect(report.findings.map((f) => [f.ruleId, f.file, f.line])).toEqual([['parse-error', 'nested/child.yaml', 5]]);
    expect(report.stats.files).toBe(2);
  });

  it('lints a template that nothing calls on its own, with its defaults', async () => {
    const dir = workspace({ 'nested/child.yaml': child.replace('{ Type: String }', '{ Type: String, Default: 0.0.0.0/0 }') });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    expect(report.findings.filter((f) => f.ruleId === 'ingress-world-admin-port').map((f) => f.file)).toEqual(['nested/child.yaml']);
  });
});

describe('synthesized CDK templates (cdk.out)', () => {
  const synthesized = JSON.stringify(
    {
      Resources: {
        WebSg1234ABCD: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: {
            GroupDescription: 'MyStack/WebSg',
            SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', Description: 'Allow all outbound traffic by default', IpProtocol: '-1' }],
            SecurityGroupIngress: [{ CidrIp: '0.0.0.0/0', Description: 'from 0.0.0.0/0:22', FromPort: 22, IpProtocol: 'tcp', ToPort: 22 }],
          },
          Metadata: { 'aws:cdk:path': 'MyStack/WebSg/Resource' },
        },
      },
    },
    null,
    1,
  );

  it('is skipped when walking a directory and linted when named, reporting the construct path', async () => {
    const dir = workspace({ 'cdk.out/MyStack.template.json': synthesized });
    expect((await runCli(dir, ['.', '-f', 'json'])).json().stats.files).toBe(0);
    const report = (await runCli(dir, ['cdk.out', '-f', 'json'])).json();
    const byRule = Object.fromEntries(report.findings.map((f) => [f.ruleId, f.resource]));
    expect(byRule).toEqual({
      'ingress-world-admin-port': 'MyStack/WebSg/Resource',
      'egress-unrestricted': 'MyStack/WebSg/Resource',
      'group-missing-description': 'MyStack/WebSg/Resource',
    });
  });
});
