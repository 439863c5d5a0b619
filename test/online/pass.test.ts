import { Ajv } from 'ajv';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lint, type LintOptions } from '../../src/api.js';
import { CACHE_FILE } from '../../src/engine/online/cache.js';
import type { OnlineOptions } from '../../src/engine/online/settings.js';
import { parseCidr, specialPurposeRange } from '../../src/model/net.js';
import { formatJson } from '../../src/reporters/json.js';
import { formatText } from '../../src/reporters/text.js';
import { workspace } from '../helpers/workspace.js';
import { startFakeServer, type FakeServer } from './fake-server.js';

const ROOT = join(import.meta.dirname, '..', '..');
let server: FakeServer;
let cacheDir: string;
beforeEach(async () => {
  server = await startFakeServer();
  cacheDir = mkdtempSync(join(tmpdir(), 'sg-cache-'));
});
afterEach(async () => {
  await server.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** Lints with the online pass against the fake server (key from the runtime's environment, waits skipped). */
function online(dir: string, extra: Partial<OnlineOptions> = {}, options: LintOptions = {}) {
  const { settings, runtime, ...rest } = extra;
  return lint(['.'], {
    cwd: dir,
    today: '2026-11-30',
    ...options,
    online: {
      enable: true,
      cacheDir,
      settings: { baseUrl: server.metadefenderUrl, ...settings },
      runtime: { env: { MDCLOUD_APIKEY: server.key }, sleep: async () => undefined, ...runtime },
      ...rest,
    },
  });
}

const group = (name: string, body: string) => `resource "aws_security_group" "${name}" {\n  description = "${name} tier"\n${body}}\n`;
const rule = (dir: 'ingress' | 'egress', port: number, cidrs: string, attr = 'cidr_blocks') =>
  `  ${dir} {\n    description = "r"\n    from_port   = ${port}\n    to_port     = ${port}\n    protocol    = "tcp"\n    ${attr} = ${cidrs}\n  }\n`;

describe('what the online pass collects and sends', () => {
  it('sends only public addresses: both directions, every format, variables, tfvars and parameters, de-duplicated', async () => {
    const dir = workspace({
      'tf/main.tf':
        'variable "partner" {\n  type    = string\n  default = "91.92.240.17/32"\n}\n' +
        group(
          'web',
          rule('ingress', 443, '["45.155.205.233/32", "10.0.0.0/8", "100.64.1.1/32", "192.0.2.10/32", "198.51.100.7/32", "203.0.113.9/32", "127.0.0.1/32", "169.254.169.254/32"]') +
            rule('ingress', 22, '[var.partner]') +
            rule('ingress', 80, '["0.0.0.0/0", "52.94.0.0/24", "5.10.20.0/30", "224.0.0.1/32", "198.18.0.1/32", "240.0.0.1/32"]') +
            rule('ingress', 443, '["::/0", "2a0b:f4c0:2::1/128", "2001:db8::1/128", "fe80::1/128", "fd00::1/128", "ff02::1/128", "::1/128"]', 'ipv6_cidr_blocks') +
            rule('egress', 514, '["45.155.205.233/32", "185.220.101.8/31"]'),
        ),
      'tf/prod.tfvars': 'partner = "91.92.241.5/32"\n',
      'cfn/template.yaml': [
        'AWSTemplateFormatVersion: "2010-09-09"',
        'Parameters:',
        '  Office: { Type: String, Default: 37.120.5.6/32 }',
        'Resources:',
        '  Sg:',
        '    Type: AWS::EC2::SecurityGroup',
        '    Properties:',
        '      GroupDescription: cfn',
        '      SecurityGroupIngress:',
        '        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: !Ref Office, Description: office }',
        '        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 45.155.205.233/32, Description: dup }',
        '        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 172.16.0.5/32, Description: private }',
      ].join('\n'),
    });
    const result = await online(dir);
    const sent = server.requests.flatMap((r) => r.addresses);
    expect(sent.sort()).toEqual(
      // prod.tfvars is the deployment alternative that sets `partner`, so the default is not used.
      ['185.220.101.8', '185.220.101.9', '2a0b:f4c0:2::1', '37.120.5.6', '45.155.205.233', '5.10.20.0', '5.10.20.1', '5.10.20.2', '5.10.20.3', '91.92.241.5'].sort(),
    );
    for (const a of sent) expect(specialPurposeRange(parseCidr(a)!), a).toBeNull();
    expect(server.requests).toHaveLength(1);
    expect(result.online).toMatchObject({ addresses: 10, checked: 10, sent: 10, fromCache: 0, notChecked: ['52.94.0.0/24'], flagged: 0 });
    expect(result.errors).toEqual([]);
  });

  it('never collects from files where the online rule is off', async () => {
    const dir = workspace({
      '.sg-lint.yml': 'overrides:\n  - files: ["legacy/**"]\n    rules: { rule-ip-reputation: off }\n',
      'app/main.tf': group('app', rule('ingress', 443, '["45.155.205.233/32"]')),
      'legacy/main.tf': group('old', rule('ingress', 443, '["91.92.240.17/32"]')),
    });
    await online(dir);
    expect(server.requests.flatMap((r) => r.addresses)).toEqual(['45.155.205.233']);
  });

  it('sends nothing at all with --rule rule-ip-reputation=off, or when nothing public is written', async () => {
    const dir = workspace({ 'main.tf': group('app', rule('ingress', 443, '["45.155.205.233/32"]')) });
    await online(dir, {}, { rules: { 'rule-ip-reputation': 'off' } });
    const priv = workspace({ 'main.tf': group('app', rule('ingress', 443, '["10.0.0.0/8", "0.0.0.0/0"]')) });
    const result = await online(priv);
    expect(server.requests).toEqual([]);
    expect(result.online).toMatchObject({ addresses: 0, sent: 0 });
  });

  it('--dry-run lists the addresses that would be sent and sends nothing, without needing a key', async () => {
    const dir = workspace({ 'main.tf': group('app', rule('ingress', 443, '["45.155.205.233/32", "10.0.0.0/8", "5.10.20.0/31"]')) });
    const result = await online(dir, { dryRun: true, runtime: { env: {} } });
    expect(server.requests).toEqual([]);
    expect(result.online?.wouldSend).toEqual(['5.10.20.0', '5.10.20.1', '45.155.205.233']);
    expect(result.findings.filter((f) => f.ruleId === 'rule-ip-reputation')).toEqual([]);
    expect(result.errors).toEqual([]);
  });
});

describe('findings from the online pass', () => {
  it('reports a flagged address at its value, with the verdict, the sources and details in the JSON properties', async () => {
    server.flagged.set('45.155.205.233', [{ provider: 'zeustracker.abuse.ch', assessment: 'botnet, zeus' }]);
    const dir = workspace({ 'main.tf': group('web', rule('ingress', 22, '["0.0.0.0/0"]') + rule('ingress', 443, '["52.94.76.10/32", "45.155.205.233/32"]')) });
    const result = await online(dir);
    const mine = result.findings.filter((f) => f.ruleId === 'rule-ip-reputation');
    expect(mine.map((f) => `${f.at.start.line}:${f.at.start.column} ${f.level} ${f.message}`)).toEqual([
      '15:38 error Ingress from 45.155.205.233 on group `aws_security_group.web`, an address flagged by MetaDefender (1 source): botnet, zeus (zeustracker.abuse.ch)',
    ]);
    expect(result.findings.some((f) => f.ruleId === 'ingress-world-admin-port')).toBe(true);
    const json = JSON.parse(formatJson(result, '0.0.0'));
    const validate = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas/report.schema.json'), 'utf8')));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.findings.find((f: { ruleId: string }) => f.ruleId === 'rule-ip-reputation').properties).toEqual({
      reputation: {
        provider: 'MetaDefender',
        checked: 1,
        flagged: [
          {
            address: '45.155.205.233',
            detectedBy: 1,
            summary: 'botnet, zeus (zeustracker.abuse.ch)',
            sources: [{ provider: 'zeustracker.abuse.ch', assessment: 'botnet, zeus', status: 1 }],
            details: { detected_by: 1, country: 'NL' },
          },
        ],
      },
    });
    expect(formatText(result, { color: false, codeFrames: false })).toContain(
      'online: 2 public addresses checked with MetaDefender (2 sent, 0 from cache), 1 flagged; quota used 2 (3998 of 4000 left)',
    );
  });

  it('uses AbuseIPDB with its key and minConfidence from the config', async () => {
    server.scores.set('45.155.205.233', 30);
    const dir = workspace({ 'main.tf': group('web', rule('ingress', 443, '["45.155.205.233/32"]')) });
    const low = await online(dir, { settings: { provider: 'abuseipdb', baseUrl: server.abuseipdbUrl, minConfidence: 25 }, runtime: { env: { ABUSEIPDB_API_KEY: server.key } } });
    expect(low.findings.filter((f) => f.ruleId === 'rule-ip-reputation').map((f) => f.message)).toEqual([
      'Ingress from 45.155.205.233 on group `aws_security_group.web`, an address flagged by AbuseIPDB (3 sources): abuse confidence 30% from 60 reports',
    ]);
    const high = await online(dir, { settings: { provider: 'abuseipdb', baseUrl: server.abuseipdbUrl, minConfidence: 75 }, runtime: { env: { ABUSEIPDB_API_KEY: server.key } } });
    expect(high.findings.filter((f) => f.ruleId === 'rule-ip-reputation')).toEqual([]);
    expect(server.requests).toHaveLength(2);
  });
});

describe('failures', () => {
  it('without a key: one clear error, the offline findings, no request', async () => {
    const dir = workspace({ 'main.tf': group('web', rule('ingress', 22, '["0.0.0.0/0"]') + rule('ingress', 443, '["45.155.205.233/32"]')) });
    const result = await online(dir, { runtime: { env: {} } });
    expect(result.errors).toEqual([{ kind: 'online', message: 'online pass skipped: no MetaDefender API key (set MDCLOUD_APIKEY or --mdcloud-apikey)' }]);
    expect(result.findings.map((f) => f.ruleId)).toContain('ingress-world-admin-port');
    expect(server.requests).toEqual([]);
    expect(existsSync(join(cacheDir, CACHE_FILE))).toBe(false);
  });

  it('a rejected key stops the pass at once; the key appears nowhere', async () => {
    const many = Array.from({ length: 120 }, (_, i) => `"5.8.${Math.floor(i / 100)}.${(i % 100) + 1}/32"`).join(', ');
    const dir = workspace({ 'main.tf': group('web', rule('ingress', 22, '["0.0.0.0/0"]') + rule('ingress', 443, `[${many}]`)) });
    const wrong = 'wrong-key-fedcba9876543210';
    const result = await online(dir, { runtime: { env: { MDCLOUD_APIKEY: wrong } }, settings: { baseUrl: server.metadefenderUrl, concurrency: 1 } });
    expect(server.requests).toHaveLength(1);
    expect(result.online).toMatchObject({ sent: 50, checked: 0, unanswered: 120 });
    expect(result.errors).toEqual([
      { kind: 'online', message: 'online pass (metadefender): MetaDefender rejected the API key (HTTP 401: Invalid apikey); the online pass stopped; 120 of 120 addresses not checked' },
    ]);
    expect(result.findings.map((f) => f.ruleId)).toContain('ingress-world-admin-port');
    const everything = formatJson(result, '0.0.0') + formatText(result, { color: false, codeFrames: true }) + JSON.stringify(result.online);
    expect(everything).not.toContain(wrong);
  });

  it('trims a key read with its trailing newline, and never shows a key fetch refuses', async () => {
    const dir = workspace({ 'main.tf': group('web', rule('ingress', 443, '["45.155.205.233/32"]')) });
    const trimmed = await online(dir, { noCache: true, runtime: { env: { MDCLOUD_APIKEY: `${server.key}\n` } } });
    expect(trimmed.errors).toEqual([]);
    expect(server.requests[0]!.headers.apikey).toBe(server.key);
    const bad = 'bad\u0007key-with-a-control-character';
    const refused = await online(dir, { noCache: true, mdcloudApiKey: bad });
    expect(refused.errors).toEqual([
      { kind: 'online', message: 'online pass (metadefender): the request to MetaDefender could not be made (UND_ERR_INVALID_ARG): check the API key and the endpoint (--online-base-url); 1 of 1 addresses not checked' },
    ]);
    expect(server.requests).toHaveLength(1);
  });

  it('a malformed answer is an online error, never a crash', async () => {
    server.next.push({ body: '<html>maintenance</html>' });
    const dir = workspace({ 'main.tf': group('web', rule('ingress', 443, '["45.155.205.233/32"]')) });
    const result = await online(dir);
    expect(result.errors).toEqual([{ kind: 'online', message: 'online pass (metadefender): MetaDefender sent a response that is not valid JSON (HTTP 200); 1 of 1 addresses not checked' }]);
  });

  it('reports an unreadable blocklist and the lines it could not use', async () => {
    const dir = workspace({ 'main.tf': group('web', rule('ingress', 443, '["45.155.205.233/32"]')), 'bad.txt': '45.155.205.233\nnope\n' });
    const missing = await online(dir, { settings: { provider: 'file', file: 'missing.txt' } });
    expect(missing.errors).toEqual([{ kind: 'online', message: 'online pass skipped: cannot read the blocklist missing.txt: ENOENT' }]);
    const bad = await online(dir, { settings: { provider: 'file', file: 'bad.txt' } });
    expect(bad.errors).toEqual([{ kind: 'online', file: 'bad.txt', line: 2, column: 1, message: '1 blocklist line is neither an IP address nor a CIDR and was ignored (first: "nope")' }]);
    expect(bad.findings.filter((f) => f.ruleId === 'rule-ip-reputation')).toHaveLength(1);
  });
});

describe('cache', () => {
  const dirWith = () => workspace({ 'main.tf': group('web', rule('ingress', 443, '["45.155.205.233/32", "52.94.76.10/32"]')) });

  it('answers from the cache within the TTL, asks again after it, and writes the file with mode 0600 and no key', async () => {
    server.flagged.set('45.155.205.233', [{ provider: 'spamhaus.org', assessment: 'spam' }]);
    let now = Date.UTC(2026, 10, 30);
    const dir = dirWith();
    const first = await online(dir, { runtime: { now: () => now } });
    expect(server.requests).toHaveLength(1);
    const file = join(cacheDir, CACHE_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain(server.key);
    now += 23 * 3_600_000;
    const second = await online(dir, { runtime: { now: () => now } });
    expect(server.requests).toHaveLength(1);
    expect(second.online).toMatchObject({ checked: 2, fromCache: 2, sent: 0, flagged: 1 });
    expect(second.findings.filter((f) => f.ruleId === 'rule-ip-reputation').map((f) => f.message)).toEqual(
      first.findings.filter((f) => f.ruleId === 'rule-ip-reputation').map((f) => f.message),
    );
    now += 2 * 3_600_000;
    await online(dir, { runtime: { now: () => now } });
    expect(server.requests).toHaveLength(2);
  });

  it('rebuilds a corrupt cache file with a warning', async () => {
    writeFileSync(join(cacheDir, CACHE_FILE), '{"version": 1, "entries": {"metadefender|1.2.3.4": {"t": "yesterday"');
    const result = await online(dirWith());
    expect(result.online?.warnings).toEqual([`the online cache ${join(cacheDir, CACHE_FILE)} was corrupt and has been rebuilt`]);
    expect(result.errors).toEqual([]);
    const rebuilt = JSON.parse(readFileSync(join(cacheDir, CACHE_FILE), 'utf8'));
    expect(Object.keys(rebuilt.entries).sort()).toEqual(['metadefender|45.155.205.233', 'metadefender|52.94.76.10']);
    expect(formatText(result, { color: false, codeFrames: false })).toContain('online warning: the online cache');
  });

  it('--no-cache neither reads nor writes it', async () => {
    const dir = dirWith();
    await online(dir, { noCache: true });
    await online(dir, { noCache: true });
    expect(server.requests).toHaveLength(2);
    expect(existsSync(join(cacheDir, CACHE_FILE))).toBe(false);
  });

  it('--dry-run leaves cached addresses out of the list, and writes nothing', async () => {
    const dir = dirWith();
    await online(dir);
    writeFileSync(join(dir, 'more.tf'), group('more', rule('ingress', 443, '["91.92.240.17/32"]')));
    const mtime = statSync(join(cacheDir, CACHE_FILE)).mtimeMs;
    const dry = await online(dir, { dryRun: true });
    expect(dry.online).toMatchObject({ wouldSend: ['91.92.240.17'], fromCache: 2 });
    expect(statSync(join(cacheDir, CACHE_FILE)).mtimeMs).toBe(mtime);
    expect(server.requests).toHaveLength(1);
  });
});
