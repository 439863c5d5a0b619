// `sg-lint drift` on the demo: its Terraform against an export of it as deployed, with one rule added by hand in the
// console (live only) and one deleted (code only).
import { Ajv } from 'ajv';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { matchGroups } from '../../src/commands/drift/compare.js';
import type { SecurityGroup } from '../../src/model/types.js';
import { known } from '../../src/model/value.js';
import { startFakeEc2, type FakeEc2 } from '../helpers/fake-ec2.js';
import { runCli, workspace } from '../helpers/workspace.js';

const ROOT = join(import.meta.dirname, '..', '..');
const LIVE = 'fixtures/aws-export/demo-drift/security-groups.json';
const TERRAFORM = 'fixtures/demo/terraform';
const validateDrift = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas', 'drift.schema.json'), 'utf8')));
const Ajv04 = Ajv04Module.default;
const sarifAjv = new Ajv04({ allErrors: true, unicodeRegExp: false, strict: false });
addFormatsModule.default(sarifAjv);
const validateSarif = sarifAjv.compile(JSON.parse(readFileSync(join(ROOT, 'test', 'data', 'sarif-2.1.0-rtm.5.json'), 'utf8')));

let fake: FakeEc2 | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  vi.unstubAllEnvs();
});

describe('sg-lint drift', () => {
  it('reports the demo Terraform against its deployed export: one rule live only, one in code only, exit 1', async () => {
    const run = await runCli(ROOT, ['drift', TERRAFORM, '--live', LIVE]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        `aws_security_group.db (fixtures/demo/terraform/data.tf:3)  =  sg-05a6b7c8d9e0f1002 (shop-db) (${LIVE}:74), matched by group name`,
        `  + live only:  ingress TCP 5432 from 198.51.100.23/32  ${LIVE}:99`,
        '',
        `aws_security_group.web (fixtures/demo/terraform/web.tf:41)  =  sg-05a6b7c8d9e0f1005 (shop-web) (${LIVE}:208), matched by group name`,
        '  - code only:  egress TCP 8080 to 10.20.0.0/16  fixtures/demo/terraform/web.tf:58',
        '',
        '7 groups matched (5 without drift), 2 rules drifted, 0 deployed only, 0 in code only',
        '',
      ].join('\n'),
    );
  });

  it('writes JSON that its schema accepts, with how each pair was matched', async () => {
    const run = await runCli(ROOT, ['drift', TERRAFORM, '--live', 'fixtures/aws-export/demo-drift', '-f', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(validateDrift(report), JSON.stringify(validateDrift.errors)).toBe(true);
    expect(report.matched.map((m: { code: { address: string }; by: string }) => `${m.code.address} ${m.by}`)).toEqual([
      'aws_security_group.bastion group name',
      'aws_security_group.db group name',
      'aws_security_group.export group name',
      'aws_default_security_group.default default group',
      'aws_security_group.alb group name',
      'aws_security_group.web group name',
      'aws_security_group.app group name',
    ]);
    const db = report.matched.find((m: { code: { address: string } }) => m.code.address === 'aws_security_group.db');
    expect(db.liveOnly).toEqual([{ direction: 'ingress', traffic: 'TCP 5432', peer: '198.51.100.23/32', file: LIVE, line: 99, column: 39 }]);
    expect(report.liveOnlyGroups).toEqual([]);
    expect(report.codeOnlyGroups).toEqual([]);
  });

  it('writes valid SARIF located in the Terraform files, the deployed rule as a related location', async () => {
    const run = await runCli(ROOT, ['drift', TERRAFORM, '--live', LIVE, '-f', 'sarif']);
    expect(run.code).toBe(1);
    const log = JSON.parse(run.stdout);
    expect(validateSarif(log), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
    const results = log.runs[0].results;
    expect(results.map((r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }) => `${r.ruleId} ${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.locations[0]!.physicalLocation.region.startLine}`)).toEqual([
      'drift-live-only-rule fixtures/demo/terraform/data.tf:3',
      'drift-code-only-rule fixtures/demo/terraform/web.tf:58',
    ]);
    expect(results[0].relatedLocations[0].physicalLocation.artifactLocation.uri).toBe(LIVE);
    expect(results[0].message.text).toBe('Deployed group sg-05a6b7c8d9e0f1002 (shop-db) has ingress TCP 5432 from 198.51.100.23/32, which aws_security_group.db in code does not');
  });

  it('reports groups on one side only, and exits 0 when code and account agree', async () => {
    const live = JSON.parse(readFileSync(join(ROOT, LIVE), 'utf8'));
    const onlyLive = { ...live.SecurityGroups[0], GroupId: 'sg-0ffffffffffff0001', GroupName: 'hand-made', Description: 'Made in the console' };
    const dir = workspace({
      'main.tf': 'resource "aws_security_group" "web" {\n  name = "web"\n  description = "Web"\n  ingress {\n    description = "HTTPS"\n    from_port = 443\n    to_port = 443\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n\nresource "aws_security_group" "planned" {\n  name = "planned"\n  description = "Not applied yet"\n}\n',
      'live.json': JSON.stringify({ SecurityGroups: [{ ...live.SecurityGroups[5], GroupName: 'web', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }, onlyLive] }, null, 2),
    });
    const run = await runCli(dir, ['drift', 'main.tf', '--live', 'live.json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Deployed groups with no group in code:\n  + sg-0ffffffffffff0001 (hand-made)  live.json:');
    expect(run.stdout).toContain('Groups in code that are not deployed:\n  - aws_security_group.planned  main.tf:13');
    const agree = await runCli(dir, ['drift', 'main.tf', '--live', 'live.json', '-f', 'json']);
    expect(JSON.parse(agree.stdout).matched[0]).toMatchObject({ code: { address: 'aws_security_group.web' }, liveOnly: [], codeOnly: [] });
    const same = workspace({ 'main.tf': readFileSync(join(dir, 'main.tf'), 'utf8').replace(/\n\nresource "aws_security_group" "planned"[\s\S]*$/, '\n'), 'live.json': JSON.stringify({ SecurityGroups: [JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8')).SecurityGroups[0]] }) });
    const clean = await runCli(same, ['drift', 'main.tf', '--live', 'live.json']);
    expect(clean.stdout).toBe('1 group matched (1 without drift), 0 rules drifted, 0 deployed only, 0 in code only\n');
    expect(clean.code).toBe(0);
  });

  it('matches by CloudFormation logical id tag first, then by stack name when several templates define it, then by Name tag', () => {
    const group = (id: string, address: string, format: SecurityGroup['format'], extra: Partial<SecurityGroup> = {}): SecurityGroup => ({
      id,
      address,
      format,
      name: null,
      namePrefix: null,
      description: null,
      vpc: null,
      isDefault: false,
      implicitEgress: false,
      ingress: [],
      egress: [],
      at: { file: `${id}.yaml`, start: { line: 1, column: 1 }, end: { line: 1, column: 2 }, path: `Resources.${address}` },
      ...extra,
    });
    const code = [group('shop-network', 'WebSg', 'cloudformation'), group('shop-data', 'WebSg', 'cloudformation'), group('tf', 'aws_security_group.db', 'terraform', { name: known('db', group('x', 'x', 'terraform').at) })];
    const live = [
      group('l1', 'sg-1 (shop-data-WebSg-1ABCDEFGHIJK)', 'aws', { tags: { 'aws:cloudformation:logical-id': 'WebSg', 'aws:cloudformation:stack-name': 'shop-data' } }),
      group('l2', 'sg-2 (anything)', 'aws', { tags: { Name: 'db' } }),
    ];
    expect(matchGroups(live, code).map((p) => `${p.live.id}=${p.code.id} by ${p.by}`)).toEqual(['l1=shop-data by tag aws:cloudformation:logical-id', 'l2=tf by tag Name']);
  });

  it('refuses a missing --live, a --live without an export and no code paths, with exit 2', async () => {
    const dir = workspace({ 'main.tf': 'resource "aws_security_group" "x" {\n  name = "x"\n}\n', 'template.yaml': 'Resources: {}\n' });
    for (const [args, message] of [
      [['main.tf'], /--live <export\.json\|aws> is required/],
      [['--live', 'template.yaml'], /name the infrastructure code to compare/],
      [['main.tf', '--live', 'template.yaml'], /--live template\.yaml holds no AWS export/],
      [['main.tf', '--live', 'missing.json'], /--live missing\.json: no such file or directory/],
      [['main.tf', '--live', 'aws', '-f', 'dot'], /unknown format "dot"/],
    ] as const) {
      const run = await runCli(dir, ['drift', ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });

  it('reads the deployed side from the account with --live aws (fake EC2 endpoint)', async () => {
    const live = JSON.parse(readFileSync(join(ROOT, LIVE), 'utf8'));
    fake = await startFakeEc2({ regions: { 'eu-west-1': { SecurityGroups: live.SecurityGroups } } });
    const missing = join(workspace({}), 'missing');
    for (const [k, v] of Object.entries({ AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE0002', AWS_SECRET_ACCESS_KEY: 'fake', AWS_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: missing, AWS_SHARED_CREDENTIALS_FILE: missing, AWS_PROFILE: undefined, AWS_SESSION_TOKEN: undefined })) vi.stubEnv(k, v);
    const run = await runCli(ROOT, ['drift', TERRAFORM, '--live', 'aws', '--endpoint-url', fake.url, '-f', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(validateDrift(report), JSON.stringify(validateDrift.errors)).toBe(true);
    const db = report.matched.find((m: { code: { address: string } }) => m.code.address === 'aws_security_group.db');
    expect(db.live).toEqual({ address: 'sg-05a6b7c8d9e0f1002 (shop-db)' });
    expect(db.liveOnly).toEqual([{ direction: 'ingress', traffic: 'TCP 5432', peer: '198.51.100.23/32' }]);
  });
});
