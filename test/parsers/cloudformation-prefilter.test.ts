import { describe, expect, it } from 'vitest';
import { mayBeTemplate } from '../../src/parsers/cloudformation/prefilter.js';
import { runCli, workspace } from '../helpers/workspace.js';

const SG = 'Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x, SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}]}';

/** Templates without a format version, in the layouts a prefilter could miss. */
const UNUSUAL = {
  'flow.yaml': `Resources: {Sg: {${SG}}}\n`,
  'explicit-key.yaml': `? Resources\n: Sg: {${SG}}\n`,
  'quoted-key.yml': `"Resources":\n  'Sg': {${SG}}\n`,
  'sam.yaml': `Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      VpcConfig: {SecurityGroupIds: [!Ref Sg], SubnetIds: []}\n  Sg: {${SG}}\n`,
  'cdk.out/App.template.json': '{"Resources":{"Sg":{"Type":"AWS::EC2::SecurityGroup","Properties":{"GroupDescription":"x","SecurityGroupIngress":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIp":"0.0.0.0/0"}]},"Metadata":{"aws:cdk:path":"App/Sg/Resource"}}}}',
  'escaped.json': '{"Resources": {"Sg": {"Type": "AWS\\u003a:EC2::SecurityGroup", "Properties": {"GroupDescription": "x", "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]}}}}',
};

describe('mayBeTemplate', () => {
  it('keeps every template layout: version only, flow style, explicit and quoted keys, SAM, cdk.out, JSON, escapes, Alexa', () => {
    for (const text of Object.values(UNUSUAL)) expect(mayBeTemplate(text), text).toBe(true);
    expect(mayBeTemplate('AWSTemplateFormatVersion: "2010-09-09"\n')).toBe(true);
    expect(mayBeTemplate('Resources:\n  Skill:\n    Type: Alexa::ASK::Skill\n')).toBe(true);
    expect(mayBeTemplate('Resources:\n  Sg:\n    Type: "AWS:\\\n      :EC2::SecurityGroup"\n')).toBe(true);
  });

  it('drops texts that cannot be a template: no Resources key text, or no AWS:: or Alexa:: type text', () => {
    expect(mayBeTemplate('apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - resources: {limits: {cpu: 1}}\n')).toBe(false);
    expect(mayBeTemplate('{ "name": "x", "dependencies": { "aws-cdk-lib": "^2" } }')).toBe(false);
    expect(mayBeTemplate('Resources:\n  Thing:\n    Type: Custom::Thing\n')).toBe(false);
    expect(mayBeTemplate('# Resources\nsteps:\n  - run: aws cloudformation deploy\n')).toBe(false);
    expect(mayBeTemplate('Type: AWS::EC2::SecurityGroup\n')).toBe(false);
  });
});

describe('CloudFormation prefilter in a run', () => {
  it('still reads templates of unusual layout, and reports nothing for files that are not templates', async () => {
    const dir = workspace({
      ...UNUSUAL,
      'k8s/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: x\n          resources: {}\n',
      'notes.yaml': 'Resources:\n  - the wiki\n  - "AWS console"\n',
      'custom.yaml': 'Resources:\n  Thing:\n    Type: Custom::Thing\n    Properties: {CidrIp: 0.0.0.0/0}\n',
      'broken-fragment.yaml': 'Type: AWS::EC2::SecurityGroup\n  bad: [\n',
    });
    const report = (await runCli(dir, ['.', 'cdk.out/App.template.json', '-f', 'json', '--fail-on', 'none'])).json();
    const admin = report.findings.filter((f) => f.ruleId === 'ingress-world-admin-port').map((f) => f.file);
    expect([...new Set(admin)].sort()).toEqual(['cdk.out/App.template.json', 'escaped.json', 'explicit-key.yaml', 'flow.yaml', 'quoted-key.yml', 'sam.yaml']);
    expect(report.findings.filter((f) => ['k8s/deploy.yaml', 'notes.yaml', 'custom.yaml', 'broken-fragment.yaml'].includes(f.file))).toEqual([]);
    expect(report.stats.files).toBe(6);
  });
});
