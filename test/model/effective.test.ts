import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/api.js';
import { effectiveExposure, type Grant, type ResourceExposure } from '../../src/model/effective.js';
import { describeReach } from '../../src/model/traffic.js';
import type { Model } from '../../src/model/types.js';
import { groupLabel } from '../../src/reporters/peer-labels.js';
import { workspace } from '../helpers/workspace.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The scenarios of fixtures/_exposure (see its README), by the names each format gives them. */
const FORMATS = {
  terraform: {
    dir: 'fixtures/_exposure/terraform',
    target: (name: string) => (name === 'lb' ? 'aws_lb.lb' : name === 'db' ? 'aws_db_instance.db' : name === 'eni' ? 'aws_network_interface.eni' : `aws_instance.${name}`),
    group: (name: string) => `aws_security_group.${name}`,
    unknownCidr: 'var.office_cidr',
    prod: 'var.prod',
  },
  cloudformation: {
    dir: 'fixtures/_exposure/cloudformation',
    target: (name: string) => name[0]!.toUpperCase() + name.slice(1),
    group: (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}Sg`,
    unknownCidr: '!Ref OfficeCidr',
    prod: 'IsProd',
  },
  cdk: {
    dir: 'fixtures/_exposure/cdk',
    target: (name: string) => `lib/stack.ts#${name[0]!.toUpperCase()}${name.slice(1)}`,
    group: (name: string) => `lib/stack.ts#${name[0]!.toUpperCase()}${name.slice(1)}Sg`,
    unknownCidr: 'props.officeCidr',
    prod: 'props.prod',
  },
} as const;

/** A grant as one line: "<peer> <ports> [<conditions>] via <groups>". */
function summary(model: Model, g: Grant): string {
  const p = g.peer;
  const peer =
    p.kind === 'world'
      ? `world(${p.cidrs.join('+')})`
      : p.kind === 'cidr'
        ? p.cidr
        : p.kind === 'group'
          ? `group ${groupLabel(model, p.group)} carried by [${p.carriers.map((t) => t.address).join(', ')}]`
          : p.kind === 'prefix-list'
            ? `pl ${p.id}`
            : `unknown ${p.of} ${p.value.expr}`;
  const when = g.when.length > 0 ? ` [${g.when.join(' and ')}]` : '';
  return `${peer} ${describeReach(g.reach)}${when} via ${[...new Set(g.via.map((s) => groupLabel(model, s.group)))].join(', ')}`;
}

async function exposures(dir: string): Promise<{ model: Model; of: (address: string) => ResourceExposure }> {
  const { model } = await analyze([dir], { cwd: ROOT });
  const all = effectiveExposure(model);
  return {
    model,
    of: (address) => {
      const found = all.filter((e) => e.target.address === address);
      expect(found, `${address} among ${all.map((e) => e.target.address).join(', ')}`).toHaveLength(1);
      return found[0]!;
    },
  };
}

describe.each(Object.entries(FORMATS))('effective exposure (%s)', (_format, f) => {
  it('unites the rules of two groups on one instance', async () => {
    const { model, of } = await exposures(f.dir);
    const web = of(f.target('web'));
    expect(web.groups.map((g) => groupLabel(model, g.key!))).toEqual([f.group('web'), f.group('admin')]);
    expect(web.complete).toBe(true);
    expect(web.grants.map((g) => summary(model, g))).toEqual([`world(0.0.0.0/0) TCP 443 via ${f.group('web')}`, `10.0.0.0/8 TCP 22 via ${f.group('admin')}`]);
  });

  it('shows 0.0.0.0/1 on one group and 128.0.0.0/1 on another group of the same interface as the world', async () => {
    const { model, of } = await exposures(f.dir);
    const eni = of(f.target('eni'));
    expect(eni.grants.map((g) => summary(model, g))).toEqual([`world(0.0.0.0/1+128.0.0.0/1) TCP 22 via ${f.group('low')}, ${f.group('high')}`]);
    expect(eni.grants[0]!.peer).toMatchObject({ kind: 'world', family: 4, byUnion: true });
  });

  it('names the resources that carry a referenced group', async () => {
    const { model, of } = await exposures(f.dir);
    expect(of(f.target('app')).grants.map((g) => summary(model, g))).toEqual([`group ${f.group('lb')} carried by [${f.target('lb')}] TCP 8080 via ${f.group('app')}`]);
    expect(of(f.target('lb')).grants).toEqual([]);
  });

  it('shows a CIDR that is not known as unknown', async () => {
    const { model, of } = await exposures(f.dir);
    expect(of(f.target('office')).grants.map((g) => summary(model, g))).toEqual([`unknown cidr ${f.unknownCidr} TCP 443 via ${f.group('office')}`]);
  });

  it('keeps a conditional rule with its condition', async () => {
    const { model, of } = await exposures(f.dir);
    expect(of(f.target('db')).grants.map((g) => summary(model, g))).toEqual([
      `10.0.0.0/8 TCP 5432 [${f.prod} is true] via ${f.group('db')}`,
      `10.1.0.0/16 TCP 5432 [${f.prod} is false] via ${f.group('db')}`,
    ]);
  });
});

describe('effective exposure details', () => {
  const tfGroup = (name: string, rules: string) => `resource "aws_security_group" "${name}" {\n  name = "${name}"\n  description = "${name}"\n${rules}}\n`;
  const tfIngress = (from: number, to: number, cidr: string) =>
    `  ingress {\n    description = "x"\n    from_port = ${from}\n    to_port = ${to}\n    protocol = "tcp"\n    cidr_blocks = ["${cidr}"]\n  }\n`;
  const tfInstance = (name: string, groups: string[]) =>
    `resource "aws_instance" "${name}" {\n  ami = "ami-1"\n  instance_type = "t3.micro"\n  vpc_security_group_ids = [${groups.map((g) => `aws_security_group.${g}.id`).join(', ')}]\n}\n`;

  it('lists a CIDR of a world union only for the traffic the union does not cover', async () => {
    const dir = workspace({ 'main.tf': tfGroup('a', tfIngress(0, 65535, '0.0.0.0/1')) + tfGroup('b', tfIngress(22, 22, '128.0.0.0/1')) + tfInstance('x', ['a', 'b']) });
    const { model } = await analyze(['.'], { cwd: dir });
    const [x] = effectiveExposure(model);
    expect(x!.grants.map((g) => summary(model, g))).toEqual([
      'world(0.0.0.0/1+128.0.0.0/1) TCP 22 via aws_security_group.a, aws_security_group.b',
      '0.0.0.0/1 TCP 0-21, 23-65535 via aws_security_group.a',
    ]);
  });

  it('does not make a world of halves carried by different resources', async () => {
    const dir = workspace({ 'main.tf': tfGroup('a', tfIngress(22, 22, '0.0.0.0/1')) + tfGroup('b', tfIngress(22, 22, '128.0.0.0/1')) + tfInstance('x', ['a']) + tfInstance('y', ['b']) });
    const { model } = await analyze(['.'], { cwd: dir });
    expect(effectiveExposure(model).map((e) => e.grants.map((g) => summary(model, g)))).toEqual([['0.0.0.0/1 TCP 22 via aws_security_group.a'], ['128.0.0.0/1 TCP 22 via aws_security_group.b']]);
  });

  it('merges one peer across groups and rules into one grant that names each rule', async () => {
    const dir = workspace({ 'main.tf': tfGroup('a', tfIngress(22, 22, '10.0.0.0/8')) + tfGroup('b', tfIngress(80, 80, '10.0.0.0/8') + tfIngress(443, 443, '10.0.0.0/8')) + tfInstance('x', ['a', 'b']) });
    const { model } = await analyze(['.'], { cwd: dir });
    const [grant] = effectiveExposure(model)[0]!.grants;
    expect(summary(model, grant!)).toBe('10.0.0.0/8 TCP 22, 80, 443 via aws_security_group.a, aws_security_group.b');
    expect(grant!.via.map((s) => describeReach(s.reach!))).toEqual(['TCP 22', 'TCP 80', 'TCP 443']);
  });

  it('shows self references, groups defined elsewhere and group lists that are not known', async () => {
    const dir = workspace({
      'main.tf':
        'variable "extra" {\n  type = list(string)\n}\n' +
        tfGroup('a', '  ingress {\n    description = "x"\n    from_port = 0\n    to_port = 0\n    protocol = "-1"\n    self = true\n  }\n') +
        'resource "aws_instance" "x" {\n  ami = "ami-1"\n  instance_type = "t3.micro"\n  vpc_security_group_ids = [aws_security_group.a.id, "sg-0123456789abcdef0"]\n}\n' +
        'resource "aws_instance" "y" {\n  ami = "ami-1"\n  instance_type = "t3.micro"\n  vpc_security_group_ids = var.extra\n}\n',
    });
    const { model } = await analyze(['.'], { cwd: dir });
    const [x, y] = effectiveExposure(model);
    expect(x!.grants.map((g) => summary(model, g))).toEqual(['group aws_security_group.a carried by [aws_instance.x] all traffic via aws_security_group.a']);
    expect(x!.grants[0]!.peer).toMatchObject({ self: true });
    expect(x!.groups.map((g) => [g.key, g.defined])).toEqual([[expect.stringContaining('aws_security_group.a'), true], ['external:sg-0123456789abcdef0', false]]);
    expect(x!.complete).toBe(false);
    expect(y!.groups.map((g) => g.key)).toEqual([null]);
    expect(y!.complete).toBe(false);
  });

  it('puts grants through a group attached under a condition under that condition', async () => {
    const dir = workspace({
      'template.yaml': `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Base:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: base
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8, Description: x }]
  Debug:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: debug
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0, Description: x }]
  Host:
    Type: AWS::EC2::Instance
    Properties:
      SecurityGroupIds: [!Ref Base, !If [IsProd, !Ref AWS::NoValue, !Ref Debug]]
`,
    });
    const { model } = await analyze(['.'], { cwd: dir });
    const [host] = effectiveExposure(model);
    expect(host!.groups.map((g) => [groupLabel(model, g.key!), g.when])).toEqual([['Base', []], ['Debug', ['IsProd is false']]]);
    expect(host!.grants.map((g) => summary(model, g))).toEqual(['world(0.0.0.0/0) TCP 22 [IsProd is false] via Debug', '10.0.0.0/8 TCP 443 via Base']);
  });

  it('makes no world of halves that are never attached together', async () => {
    const dir = workspace({
      'template.yaml': `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Low:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: low
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/1, Description: x }]
  High:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: high
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 128.0.0.0/1, Description: x }]
  Host:
    Type: AWS::EC2::Instance
    Properties:
      SecurityGroupIds: [!If [IsProd, !Ref Low, !Ref High]]
`,
    });
    const { model } = await analyze(['.'], { cwd: dir });
    expect(effectiveExposure(model)[0]!.grants.map((g) => summary(model, g))).toEqual(['0.0.0.0/1 TCP 22 [IsProd is true] via Low', '128.0.0.0/1 TCP 22 [IsProd is false] via High']);
  });

  it('keeps ports that are not known as unknown traffic', async () => {
    const dir = workspace({ 'main.tf': 'variable "port" {\n  type = number\n}\n' + tfGroup('a', tfIngress(0, 0, '10.0.0.0/8').replace(/from_port = 0\n    to_port = 0/, 'from_port = var.port\n    to_port = var.port')) + tfInstance('x', ['a']) });
    const { model } = await analyze(['.'], { cwd: dir });
    const [grant] = effectiveExposure(model)[0]!.grants;
    expect(grant!.peer).toMatchObject({ kind: 'cidr', cidr: '10.0.0.0/8' });
    expect(grant!.unknownTraffic.map((u) => u.expr)).toEqual(['var.port']);
  });
});
