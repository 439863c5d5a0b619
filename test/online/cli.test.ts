import dns from 'node:dns';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { runCli, workspace } from '../helpers/workspace.js';
import { startFakeServer, type FakeServer } from './fake-server.js';

let server: FakeServer;
let cacheDir: string;
beforeEach(async () => {
  server = await startFakeServer();
  cacheDir = mkdtempSync(join(tmpdir(), 'sg-cache-'));
  // Keys and cache location must come only from what each test sets.
  vi.stubEnv('MDCLOUD_APIKEY', '');
  vi.stubEnv('ABUSEIPDB_API_KEY', '');
  vi.stubEnv('XDG_CACHE_HOME', cacheDir);
  // Endpoints come from the user's environment (or --online-base-url), never from a repository's config.
  vi.stubEnv('SG_LINT_ONLINE_BASE_URL', server.metadefenderUrl);
  vi.stubEnv('SG_LINT_ONLINE', '');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await server.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

const TF = `resource "aws_security_group" "web" {
  description = "web tier"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    description = "partner"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["45.155.205.233/32", "10.0.0.0/8", "5.10.20.0/31"]
  }
}
`;
const CLEAN = TF.replace('"0.0.0.0/0"', '"10.1.0.0/16"');
const config = (_s: FakeServer, extra = '') => `online: { concurrency: 4${extra} }\n`;
const NO_KEY = 'online pass skipped: no MetaDefender API key (set MDCLOUD_APIKEY or --mdcloud-apikey)';

describe('--online from the command line', () => {
  it('without a key: a clear error, the offline findings still printed, the exit code of the offline findings', async () => {
    const dir = workspace({ 'main.tf': TF, '.sg-lint.yml': config(server) });
    const run = await runCli(dir, ['.', '--online']);
    expect(run.stdout).toContain(`online error ${NO_KEY}`);
    expect(run.stdout).toContain('ingress-world-admin-port');
    expect(run.code).toBe(1);
    const clean = workspace({ 'main.tf': CLEAN, '.sg-lint.yml': config(server) });
    const json = await runCli(clean, ['.', '--online', '-f', 'json']);
    expect(json.code).toBe(0);
    expect(json.json().errors).toEqual([{ kind: 'online', message: NO_KEY }]);
    expect(json.stderr).toContain('online: 0 public addresses checked with MetaDefender');
    expect(server.requests).toEqual([]);
  });

  it('--online-required turns a failed pass into exit 2', async () => {
    const clean = workspace({ 'main.tf': CLEAN, '.sg-lint.yml': config(server) });
    expect((await runCli(clean, ['.', '--online', '--online-required'])).code).toBe(2);
    vi.stubEnv('MDCLOUD_APIKEY', server.key);
    expect((await runCli(clean, ['.', '--online', '--online-required', '--cache-dir', cacheDir])).code).toBe(0);
  });

  it('finds a flagged address with the key from MDCLOUD_APIKEY and says what the pass did', async () => {
    vi.stubEnv('MDCLOUD_APIKEY', server.key);
    server.flagged.set('45.155.205.233', [{ provider: 'zeustracker.abuse.ch', assessment: 'botnet, zeus' }]);
    const dir = workspace({ 'main.tf': CLEAN, '.sg-lint.yml': config(server) });
    const run = await runCli(dir, ['.', '--online', '--cache-dir', 'cache']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '15:20   error    Ingress from 45.155.205.233 on group `aws_security_group.web`, an address flagged by MetaDefender (1 source): botnet, zeus (zeustracker.abuse.ch)  rule-ip-reputation',
    );
    expect(run.stdout).toContain('online: 3 public addresses checked with MetaDefender (3 sent, 0 from cache), 1 flagged; quota used 3 (3997 of 4000 left)');
    expect(readdirSync(join(dir, 'cache'))).toEqual(['online-cache.json']);
    expect(server.requests.flatMap((r) => r.addresses).sort()).toEqual(['45.155.205.233', '5.10.20.0', '5.10.20.1']);
  });

  it('a rejected --mdcloud-apikey: one error, exit per the offline findings, the key nowhere in the output', async () => {
    const key = 'cli-flag-key-5f4e3d2c1b';
    const dir = workspace({ 'main.tf': CLEAN, '.sg-lint.yml': config(server) });
    for (const format of ['text', 'json']) {
      const run = await runCli(dir, ['.', '--online', '--mdcloud-apikey', key, '--no-cache', '-f', format]);
      expect(run.code).toBe(0);
      expect(run.stdout + run.stderr).toContain('MetaDefender rejected the API key (HTTP 401: Invalid apikey); the online pass stopped');
      expect(run.stdout + run.stderr).not.toContain(key);
    }
    expect(server.requests.every((r) => r.headers.apikey === key)).toBe(true);
    expect((await runCli(dir, ['.', '--online', '--mdcloud-apikey', key, '--no-cache', '--online-required'])).code).toBe(2);
  });

  it('--dry-run prints the addresses that would be sent, one a line, and sends nothing', async () => {
    const dir = workspace({ 'main.tf': TF, '.sg-lint.yml': config(server) });
    const run = await runCli(dir, ['.', '--online', '--dry-run', '--no-cache']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('5.10.20.0\n5.10.20.1\n45.155.205.233\n');
    expect(run.stderr).toContain(`online dry run: 3 public addresses would be sent to MetaDefender (${server.metadefenderUrl}); nothing was sent`);
    expect(server.requests).toEqual([]);
    const off = await runCli(dir, ['.', '--dry-run']);
    expect(off.code).toBe(2);
    expect(off.stderr).toContain('--dry-run works with --online');
  });

  it('draws a progress line only on a terminal', async () => {
    vi.stubEnv('MDCLOUD_APIKEY', server.key);
    const dir = workspace({ 'main.tf': CLEAN, '.sg-lint.yml': config(server) });
    let stderr = '';
    const io = {
      stdout: { write: () => true, isTTY: false },
      stderr: { write: (s: string) => ((stderr += s), true), isTTY: true },
    } as unknown as Parameters<typeof main>[1];
    await main(['.', '--online', '--no-cache'], io, dir);
    expect(stderr).toContain('\r\u001b[Ksg-lint: online lookups 3/3');
    expect(stderr.endsWith('\r\u001b[K')).toBe(true);
    expect((await runCli(dir, ['.', '--online', '--no-cache'])).stderr).toBe('');
  });
});

describe('offline runs never touch the network', () => {
  /** Makes any network use throw, and counts the attempts. */
  function forbidNetwork() {
    const attempts: string[] = [];
    const refuse = (what: string) => () => {
      attempts.push(what);
      throw new Error(`network use in an offline run: ${what}`);
    };
    vi.spyOn(globalThis, 'fetch').mockImplementation(refuse('fetch'));
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(refuse('socket connect'));
    vi.spyOn(dns, 'lookup').mockImplementation(refuse('dns lookup'));
    return attempts;
  }

  it('opens no socket without --online, even with online settings and a key, nor with --offline when the config enables the pass', async () => {
    vi.stubEnv('MDCLOUD_APIKEY', server.key);
    const attempts = forbidNetwork();
    const settings = workspace({ 'main.tf': TF, '.sg-lint.yml': config(server, ', provider: metadefender, enabled: false, timeoutMs: 1000') });
    const plain = await runCli(settings, ['.', '-f', 'json']);
    expect(plain.code).toBe(1);
    expect(plain.json().errors).toEqual([]);
    // A budget no loaded machine runs out of before the refused fetches (with 0.5 s, CI on a busy host ran out first).
    const enabled = workspace({ 'main.tf': TF, '.sg-lint.yml': config(server, ', enabled: true, budgetMs: 10000') });
    const offline = await runCli(enabled, ['.', '--offline', '-f', 'json']);
    expect(offline.json().errors).toEqual([]);
    const both = await runCli(enabled, ['.', '--online', '--offline', '-f', 'json']);
    expect(both.json().errors).toEqual([]);
    expect(attempts).toEqual([]);
    expect(server.requests).toEqual([]);

    // The stubs sit on the path the online pass takes: with the pass on (the config's online.enabled, which the user
    // allows with SG_LINT_ONLINE=1), they are hit.
    vi.stubEnv('SG_LINT_ONLINE', '1');
    const on = await runCli(enabled, ['.', '-f', 'json', '--no-cache']);
    expect(attempts.length).toBeGreaterThan(0);
    expect(on.json().errors[0]!.message).toMatch(/^online pass \(metadefender\): cannot reach MetaDefender at http:\/\/127\.0\.0\.1:\d+: network use in an offline run: fetch/);
  });
});
