// `sg-lint aws` against a fake EC2 endpoint on 127.0.0.1: no test touches a real account or the internet. The SDK
// reads its credentials and settings from the process environment, stubbed here with fake static keys.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { awsCommand, savedPaths } from '../../src/commands/aws.js';
import { startFakeEc2, type FakeEc2, type FakeEc2Options, type RegionData } from '../helpers/fake-ec2.js';
import { plainEnv, runCli, workspace } from '../helpers/workspace.js';

const ACCOUNT = join(import.meta.dirname, '..', '..', 'fixtures', 'aws-export', 'account');
const read = (name: string) => JSON.parse(readFileSync(join(ACCOUNT, name), 'utf8'));
const ACCOUNT_DATA: RegionData = {
  ...read('security-groups.json'),
  ...read('network-interfaces.json'),
  ...read('prefix-lists.json'),
  Entries: { 'pl-0b1c2d3e4f5a60001': read('pl-0b1c2d3e4f5a60001-entries.json').Entries },
};

let fake: FakeEc2 | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  vi.unstubAllEnvs();
});

beforeEach(() => {
  const missing = join(workspace({}), 'missing');
  const env: Record<string, string | undefined> = {
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE0001',
    AWS_SECRET_ACCESS_KEY: 'fakeSecretKeyForTheFakeEndpoint0000000000',
    AWS_SESSION_TOKEN: undefined,
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: undefined,
    AWS_PROFILE: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: missing,
    AWS_SHARED_CREDENTIALS_FILE: missing,
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_EC2: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  };
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
});

async function serve(options: FakeEc2Options): Promise<FakeEc2> {
  fake = await startFakeEc2(options);
  return fake;
}

/** Runs `sg-lint aws` in-process against the fake, with the SDK's retries 1 ms apart. */
async function aws(args: string[], cwd = workspace({}), tty = false) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true), isTTY: tty } };
  const code = await awsCommand(['--endpoint-url', fake!.url, ...args], io as never, cwd, plainEnv(), { retryDelayMs: 1 });
  return { code, stdout, stderr, cwd };
}

describe('sg-lint aws', () => {
  it('reads every page of a region and lints it: findings located in <account>/<region>.json, named by group id and name', async () => {
    const ec2 = await serve({ regions: { 'eu-west-1': ACCOUNT_DATA }, pageSize: 2 });
    const run = await aws(['-f', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.findings.map((f: { ruleId: string; file: string; resource: string }) => `${f.ruleId} ${f.file} ${f.resource}`)).toEqual([
      'group-default-restrict-all 111122223333/eu-west-1.json sg-0a1b2c3d4e5f60001 (default)',
      'egress-unrestricted 111122223333/eu-west-1.json sg-0a1b2c3d4e5f60002 (shop-bastion)',
      'ingress-world-admin-port 111122223333/eu-west-1.json sg-0a1b2c3d4e5f60002 (shop-bastion)',
      'ingress-world-icmp 111122223333/eu-west-1.json sg-0a1b2c3d4e5f60003 (shop-alb)',
      'egress-unrestricted 111122223333/eu-west-1.json sg-0a1b2c3d4e5f60004 (shop-web)',
    ]);
    expect(report.stats).toMatchObject({ files: 1, byFormat: { aws: 1 }, groups: 5 });
    const pages = ec2.requests.filter((r) => r.action === 'DescribeSecurityGroups');
    expect(pages.map((r) => r.params.NextToken)).toEqual([undefined, '2', '4']);
    expect(ec2.requests.every((r) => r.region === 'eu-west-1' && r.params.Version === '2016-11-15')).toBe(true);
    expect(ec2.requests.map((r) => r.action)).toContain('GetManagedPrefixListEntries');
  });

  it('--save writes the export format, findings point into it, and linting the saved file offline gives the same report', async () => {
    await serve({ regions: { 'eu-west-1': ACCOUNT_DATA } });
    const dir = workspace({});
    const live = await aws(['--save', 'exports/live.json', '-f', 'json'], dir);
    expect(live.code).toBe(1);
    const saved = JSON.parse(readFileSync(join(dir, 'exports', 'live.json'), 'utf8'));
    expect(saved.SecurityGroups.map((g: { GroupId: string }) => g.GroupId)).toEqual(ACCOUNT_DATA.SecurityGroups!.map((g) => (g as { GroupId: string }).GroupId));
    expect(saved.PrefixLists[0]).toMatchObject({ PrefixListId: 'pl-0b1c2d3e4f5a60001', Entries: [{ Cidr: '198.51.100.0/24' }, { Cidr: '203.0.113.0/24' }] });
    const offline = await runCli(dir, ['exports/live.json', '-f', 'json']);
    const strip = (json: string) => JSON.parse(json).findings.map((f: { ruleId: string; file: string; line: number; message: string }) => `${f.ruleId} ${f.file}:${f.line} ${f.message}`);
    expect(strip(offline.stdout)).toEqual(strip(live.stdout));
    expect(strip(offline.stdout)[0]).toMatch(/^group-default-restrict-all exports\/live\.json:\d+ /);
  });

  it('retries a throttled request (RequestLimitExceeded) and then succeeds', async () => {
    const ec2 = await serve({
      regions: { 'eu-west-1': ACCOUNT_DATA },
      failures: { DescribeSecurityGroups: [{ status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' }] },
    });
    const run = await aws(['-f', 'json', '--fail-on', 'none']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).stats.groups).toBe(5);
    expect(ec2.requests.filter((r) => r.action === 'DescribeSecurityGroups')).toHaveLength(2);
  });

  it('ends with one clear line and exit 2 on expired or refused credentials, and on none at all', async () => {
    await serve({ regions: { 'eu-west-1': ACCOUNT_DATA }, failures: { DescribeSecurityGroups: [{ status: 400, code: 'ExpiredToken', message: 'The security token included in the request is expired' }] } });
    const expired = await aws([]);
    expect(expired.code).toBe(2);
    expect(expired.stdout).toBe('');
    expect(expired.stderr).toBe('sg-lint aws: AWS credentials expired (ExpiredToken: The security token included in the request is expired); refresh them (aws sso login, or new keys) and run again\n');
    await fake!.close();
    await serve({ regions: { 'eu-west-1': ACCOUNT_DATA }, failures: { DescribeSecurityGroups: [{ status: 401, code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials' }] } });
    const refused = await aws([]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^sg-lint aws: AWS credentials refused or missing \(AuthFailure: AWS was not able to validate the provided access credentials\); check AWS_PROFILE \/ --profile and the access keys\n$/);
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    const none = await aws([]);
    expect(none.code).toBe(2);
    expect(none.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(none.stderr).toMatch(/^sg-lint aws: AWS credentials refused or missing \(CredentialsProviderError/);
  });

  it('says so when a region has no groups, reads every enabled region with --all-regions, and keeps regions apart', async () => {
    const ec2 = await serve({ regions: { 'eu-west-1': ACCOUNT_DATA, 'eu-north-1': {} } });
    const empty = await aws(['--region', 'eu-north-1', '-f', 'json']);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toBe('sg-lint aws: note: eu-north-1: no security groups\n');
    expect(JSON.parse(empty.stdout)).toMatchObject({ findings: [], stats: { files: 1, groups: 0 } });
    const all = await aws(['--all-regions', '-f', 'json', '--save', 'sgs.json']);
    expect(all.code).toBe(1);
    expect(ec2.requests.some((r) => r.action === 'DescribeRegions')).toBe(true);
    expect([...new Set(ec2.requests.filter((r) => r.action === 'DescribeSecurityGroups').map((r) => r.region))].sort()).toEqual(['eu-north-1', 'eu-west-1']);
    expect([...new Set(JSON.parse(all.stdout).findings.map((f: { file: string }) => f.file))]).toEqual(['sgs.eu-west-1.json']);
    expect(savedPaths('out/{region}/sgs.json', ['a', 'b'])).toEqual(['out/a/sgs.json', 'out/b/sgs.json']);
    expect(savedPaths('sgs', ['a', 'b'])).toEqual(['sgs.a.json', 'sgs.b.json']);
  });

  it('--list prints each group with its public addresses; --include reads only the given groups', async () => {
    const ec2 = await serve({ regions: { 'eu-west-1': ACCOUNT_DATA } });
    const list = await aws(['--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('sg-0a1b2c3d4e5f60002 (shop-bastion)  eu-west-1  vpc-0f1e2d3c4b5a69788\n  from 0.0.0.0/0            TCP 22  (world)\n  to   0.0.0.0/0            all traffic  (world)\n');
    expect(list.stdout).toContain('sg-0a1b2c3d4e5f60005 (shop-partner-api)  eu-west-1  vpc-0f1e2d3c4b5a69788\n  (no public address)\n');
    const one = await aws(['--include', 'sg-0a1b2c3d4e5f60003', '-f', 'json', '--fail-on', 'none']);
    expect(JSON.parse(one.stdout).stats.groups).toBe(1);
    const last = ec2.requests.filter((r) => r.action === 'DescribeSecurityGroups').at(-1)!;
    expect(last.params['GroupId.1']).toBe('sg-0a1b2c3d4e5f60003');
  });

  it('refuses bad arguments with exit 2 before reading anything', async () => {
    const ec2 = await serve({ regions: {} });
    for (const args of [['--include', 'web'], ['--bogus'], ['--var', 'x=1'], ['positional']]) {
      const run = await aws(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/^sg-lint aws: .*\nRun sg-lint aws --help for usage\.\n$/);
    }
    expect(ec2.requests).toEqual([]);
    const help = await runCli(workspace({}), ['aws', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: sg-lint aws /);
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_EC2 as the SDK does', async () => {
    const ec2 = await serve({ regions: { 'eu-west-1': ACCOUNT_DATA } });
    vi.stubEnv('AWS_ENDPOINT_URL_EC2', ec2.url);
    const run = await runCli(workspace({}), ['aws', '-f', 'json', '--fail-on', 'none']);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).stats.groups).toBe(5);
    expect(ec2.requests.length).toBeGreaterThan(0);
  });

  it('goes on without prefix list entries when the policy allows only ec2:Describe*, and says so', async () => {
    await serve({ regions: { 'eu-west-1': ACCOUNT_DATA }, failures: { GetManagedPrefixListEntries: [{ status: 403, code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' }] } });
    const run = await aws(['-f', 'json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('sg-lint aws: note: eu-west-1: the entries of prefix list pl-0b1c2d3e4f5a60001 were not read (ec2:GetManagedPrefixListEntries is not allowed), so a world CIDR in it is not seen\n');
    expect(JSON.parse(run.stdout).stats.groups).toBe(5);
  });

  it('shows progress on a terminal (regions and pages) and clears it; a --save that cannot be written is exit 2', async () => {
    await serve({ regions: { 'eu-west-1': ACCOUNT_DATA }, pageSize: 3 });
    const tty = await aws(['--fail-on', 'none', '-f', 'json'], workspace({}), true);
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('\r\u001b[Ksg-lint aws: eu-west-1: security groups, page 2 (5)');
    expect(tty.stderr).toContain('\r\u001b[Ksg-lint aws: eu-west-1: prefix lists (2)');
    expect(tty.stderr.endsWith('\r\u001b[K')).toBe(true);
    const dir = workspace({ 'taken': 'a file, not a directory' });
    const blocked = await aws(['--save', 'taken/sgs.json'], dir);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/^sg-lint aws: cannot write taken\/sgs\.json: /);
  });
});
