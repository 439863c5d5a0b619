import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/discover/discover.js';
import { link } from '../../src/model/link.js';
import { analyzeExports, parseAwsExport } from '../../src/parsers/aws-export/index.js';
import { exportKindOf } from '../../src/parsers/aws-export/prefilter.js';
import { modelSnapshot } from '../helpers/model-snapshot.js';
// @ts-expect-error: a script of the repository, without types
import { generateExport } from '../../scripts/gen-aws-export.mjs';
import { runCli, workspace } from '../helpers/workspace.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ACCOUNT = join(ROOT, 'fixtures', 'aws-export', 'account');
const FILES = ['network-interfaces.json', 'pl-0b1c2d3e4f5a60001-entries.json', 'prefix-lists.json', 'security-groups.json'];

const group = (id: string, extra = '') =>
  `{"GroupId": "${id}", "GroupName": "g-${id}", "Description": "d", "OwnerId": "111122223333", "VpcId": "vpc-1", "IpPermissions": [${extra}], "IpPermissionsEgress": []}`;
const exportOf = (...groups: string[]) => `{\n  "SecurityGroups": [\n    ${groups.join(',\n    ')}\n  ]\n}\n`;

describe('AWS export front end', () => {
  it('turns the account fixture into groups, rules and attachments (model snapshot)', async () => {
    const result = parseAwsExport(
      FILES.map((f) => join(ACCOUNT, f)),
      { cwd: ROOT },
    );
    expect(result.files.flatMap((f) => f.diagnostics)).toEqual([]);
    expect(result.files.map((f) => [f.path, f.format])).toEqual(FILES.map((f) => [`fixtures/aws-export/account/${f}`, 'aws']));
    const model = link([result.facts]);
    await expect(JSON.stringify(modelSnapshot(model), null, 1)).toMatchFileSnapshot(join(ACCOUNT, '..', '__snapshots__', 'account.model.json'));
  });

  it('reads peers as AWS lists them: self, groups of the export, other accounts, peered VPCs, prefix lists with their sizes and entries', () => {
    const model = link([parseAwsExport(FILES.map((f) => join(ACCOUNT, f)), { cwd: ROOT }).facts]);
    const rules = [...model.rules.values()];
    const peerOf = (path: string) => rules.find((r) => r.peerAt.path === path)!.peer;
    expect(peerOf('SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0].GroupId')).toEqual({ kind: 'self' });
    expect(peerOf('SecurityGroups[2].IpPermissionsEgress[0].UserIdGroupPairs[0].GroupId')).toEqual({
      kind: 'securityGroup',
      ref: { kind: 'model', id: 'aws:fixtures/aws-export/account/security-groups.json#sg-0a1b2c3d4e5f60004' },
    });
    const partner = peerOf('SecurityGroups[4].IpPermissions[0].UserIdGroupPairs[0].GroupId');
    expect(partner).toMatchObject({ kind: 'securityGroup', ref: { kind: 'external', id: { k: 'known', v: '444455556666/sg-0c9d8e7f6a5b40001' } } });
    const peered = peerOf('SecurityGroups[4].IpPermissions[1].UserIdGroupPairs[0].GroupId');
    expect(peered).toMatchObject({ kind: 'securityGroup', ref: { kind: 'external', id: { k: 'known', v: 'sg-0d8e7f6a5b4c30001' } } });
    const office = peerOf('SecurityGroups[3].IpPermissions[1].PrefixListIds[0].PrefixListId');
    expect(office).toMatchObject({ kind: 'prefixList', weight: { v: 10 }, family: 4, entries: [{ v: '198.51.100.0/24' }, { v: '203.0.113.0/24' }] });
    const s3 = peerOf('SecurityGroups[4].IpPermissionsEgress[0].PrefixListIds[0].PrefixListId');
    expect(s3).toMatchObject({ kind: 'prefixList', weight: { v: 1 }, family: 4 });
    const defaults = rules.filter((r) => r.implicit).map((r) => `${r.resource} ${r.direction}`);
    expect(defaults).toEqual([
      'sg-0a1b2c3d4e5f60001 (default) egress',
      'sg-0a1b2c3d4e5f60001 (default) ingress',
      'sg-0a1b2c3d4e5f60002 (shop-bastion) egress',
      'sg-0a1b2c3d4e5f60004 (shop-web) egress',
    ]);
    expect([...model.groups.values()].filter((g) => g.isDefault).map((g) => g.address)).toEqual(['sg-0a1b2c3d4e5f60001 (default)']);
    expect(model.groups.get('aws:fixtures/aws-export/account/security-groups.json#sg-0a1b2c3d4e5f60002')!.tags).toEqual({
      Name: 'shop-bastion',
      'aws:cloudformation:stack-name': 'shop-network',
      'aws:cloudformation:logical-id': 'BastionSg',
    });
  });

  it('recognises exports by their first key, never as CloudFormation candidates', () => {
    expect(exportKindOf('{\n    "SecurityGroups": [\n', 'sgs.json')).toBe('security-groups');
    expect(exportKindOf('\uFEFF{"NetworkInterfaces":[', 'x.json')).toBe('network-interfaces');
    expect(exportKindOf('{ "PrefixLists" : [ ]}', 'x.json')).toBe('prefix-lists');
    expect(exportKindOf('{"Entries": [', 'pl-0b1c2d3e4f5a60001.json')).toBe('prefix-list-entries');
    expect(exportKindOf('{"Entries": [', 'entries.json'), 'an entries file must name its list').toBeNull();
    expect(exportKindOf('{"Resources": {"SecurityGroups": [', 'x.json')).toBeNull();
    expect(exportKindOf('{"name": "x", "SecurityGroups": [', 'x.json')).toBeNull();
    const kinds = discover([ACCOUNT], ROOT).files.map((f) => f.kind);
    expect(kinds).toEqual(['aws-export', 'aws-export', 'aws-export', 'aws-export']);
    const dir = workspace({ 'template.json': '{"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x"}}}}', 'sgs.json': exportOf(group('sg-1')) });
    expect(discover(['.'], dir).files.map((f) => [f.abs.slice(dir.length + 1), f.kind])).toEqual([
      ['sgs.json', 'aws-export'],
      ['template.json', 'cloudformation-candidate'],
    ]);
  });

  it('reports broken JSON and shapes it cannot read as located parse errors, and analyzes the rest', () => {
    const broken = analyzeExports([{ path: 'a.json', text: '{\n  "SecurityGroups": [\n    {"GroupId": "sg-1",}\n  ]\n}\n' }]);
    expect(broken.files[0]!.analyzed).toBe(false);
    expect(broken.files[0]!.diagnostics).toEqual([{ line: 3, column: 24, message: expect.stringMatching(/^invalid JSON: /) }]);
    const twice = analyzeExports([{ path: 'b.json', text: '{"SecurityGroups": [{"GroupId": "sg-1", "GroupId": "sg-2"}]}' }]);
    expect(twice.files[0]!.diagnostics).toEqual([{ line: 1, column: 41, message: 'invalid export: "GroupId" is defined twice' }]);
    const shapes = analyzeExports([
      {
        path: 'c.json',
        text: exportOf('"sg-not-an-object"', group('sg-2', '{"IpProtocol": "tcp", "FromPort": "22", "ToPort": 22, "IpRanges": [{"Description": "no cidr"}, {"CidrIp": "10.0.0.0/8"}]}'), '{"GroupName": "no-id"}'),
      },
    ]);
    const file = shapes.files[0]!;
    expect(file.analyzed).toBe(true);
    expect(file.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '3:5 invalid export: SecurityGroups[0] has no GroupId',
      '4:198 invalid export: SecurityGroups[1].IpPermissions[0].IpRanges[0] has no CidrIp',
      '5:5 invalid export: SecurityGroups[2] has no GroupId',
    ]);
    const [rule] = shapes.facts.rules;
    expect(rule).toMatchObject({ peer: { kind: 'cidr4', cidr: { v: '10.0.0.0/8' } }, fromPort: { k: 'unresolved', why: 'wrong-type', expr: '"22"' }, toPort: { v: 22 } });
    const notObject = analyzeExports([{ path: 'd.json', text: '{"SecurityGroups": {"GroupId": "sg-1"}}' }]);
    expect(notObject.files[0]!.diagnostics.map((d) => d.message)).toEqual(['invalid export: SecurityGroups must be a list']);
  });

  it('lints an export with the CLI: findings at the offending entry, named by group id and name, parse errors as findings', async () => {
    const dir = workspace({
      'exports/sgs.json': exportOf(group('sg-0aa', '{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "SSH"}]}')),
      'exports/broken.json': '{"SecurityGroups": [\n',
    });
    const run = await runCli(dir, ['exports', '-f', 'json']);
    expect(run.code).toBe(1);
    const findings = run.json().findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column} ${f.resource} ${f.path}`);
    expect(findings).toEqual([
      'parse-error exports/broken.json:1:1  ',
      'ingress-world-admin-port exports/sgs.json:3:211 sg-0aa (g-sg-0aa) SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp',
    ]);
    expect(JSON.parse(run.stdout).stats.byFormat).toEqual({ terraform: 0, cloudformation: 0, cdk: 0, aws: 2 });
  });

  it('keeps group-unattached quiet without describe-network-interfaces beside the export, and says why with --report-unresolved', async () => {
    const text = readFileSync(join(ACCOUNT, 'security-groups.json'), 'utf8');
    const alone = workspace({ 'sgs.json': text });
    const quiet = await runCli(alone, ['.', '--rule', 'group-unattached=note', '--report-unresolved', '-f', 'json', '--fail-on', 'none']);
    const ids = quiet.json().findings.map((f) => f.ruleId);
    expect(ids).not.toContain('group-unattached');
    expect(quiet.json().findings.filter((f) => f.ruleId === 'unresolved-value').map((f) => f.message)).toEqual(['Value `describe-network-interfaces` is not known (not-exported), so group-unattached could not decide']);
    const beside = workspace({ 'sgs.json': text, 'enis.json': readFileSync(join(ACCOUNT, 'network-interfaces.json'), 'utf8') });
    const found = await runCli(beside, ['.', '--rule', 'group-unattached=note', '-f', 'json', '--fail-on', 'none']);
    expect(found.json().findings.filter((f) => f.ruleId === 'group-unattached').map((f) => f.resource)).toEqual(['sg-0a1b2c3d4e5f60005 (shop-partner-api)']);
  });

  it("reads the bench's generated 1,000-group export whole: every group, peers resolved across it, no diagnostics", () => {
    const text = (generateExport as (n: number) => string)(1000);
    const result = analyzeExports([{ path: 'account.json', text }]);
    expect(result.files[0]!.diagnostics).toEqual([]);
    const model = link([result.facts]);
    expect(model.groups.size).toBe(1000);
    expect(model.orphanRules).toEqual([]);
    const pairs = [...model.rules.values()].filter((r) => r.peer.kind === 'securityGroup');
    expect(pairs.length).toBeGreaterThan(400);
    expect(pairs.every((r) => r.peer.kind === 'securityGroup' && r.peer.ref.kind === 'model')).toBe(true);
  });
});
