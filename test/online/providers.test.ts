import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abuseipdb } from '../../src/engine/online/abuseipdb.js';
import { fileProvider, parseBlocklist } from '../../src/engine/online/file.js';
import { HttpClient } from '../../src/engine/online/http.js';
import { metadefender } from '../../src/engine/online/metadefender.js';
import { OnlineError } from '../../src/engine/online/provider.js';
import { formatAddress } from '../../src/model/net.js';
import { startFakeServer, type FakeServer } from './fake-server.js';

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  await server.close();
});

const signal = () => new AbortController().signal;
const http = (service: string) => new HttpClient(service, { timeoutMs: 5000, budgetMs: 60_000, concurrency: 4 }, { sleep: async () => undefined }, [server.key]);

describe('metadefender', () => {
  it('reads a clean and a malicious verdict from single lookups, with the sources that flagged it', async () => {
    server.flagged.set('45.155.205.233', [{ provider: 'zeustracker.abuse.ch', assessment: 'botnet, zeus' }]);
    const md = metadefender(http('MetaDefender'), server.metadefenderUrl, server.key);
    const bad = await md.lookup(['45.155.205.233'], signal());
    const good = await md.lookup(['52.94.76.10'], signal());
    expect(bad.get('45.155.205.233')).toEqual({
      listed: true,
      detectedBy: 1,
      sources: [{ provider: 'zeustracker.abuse.ch', assessment: 'botnet, zeus', status: 3 }],
      summary: 'botnet, zeus (zeustracker.abuse.ch)',
      details: { detected_by: 1, country: 'NL' },
    });
    expect(good.get('52.94.76.10')).toMatchObject({ listed: false, detectedBy: 0, sources: [], summary: 'no reports' });
    expect(server.requests.map((r) => `${r.method} ${r.path} apikey=${r.headers.apikey === server.key}`)).toEqual([
      'GET /v4/ip/45.155.205.233 apikey=true',
      'GET /v4/ip/52.94.76.10 apikey=true',
    ]);
    expect(md.quota!()).toMatchObject({ limit: 4000, remaining: 3998 });
  });

  it('splits more than 50 addresses into bulk calls of at most 50 and reads mixed results', async () => {
    const addresses = Array.from({ length: 120 }, (_, i) => `5.8.${Math.floor(i / 100)}.${(i % 100) + 1}`);
    server.flagged.set('5.8.0.7', [{ provider: 'spamhaus.org', assessment: 'spam' }, { provider: 'alienvault.com', assessment: 'scanner' }]);
    server.flagged.set('5.8.1.20', [{ provider: 'feodotracker.abuse.ch', assessment: '' }]);
    const md = metadefender(http('MetaDefender'), server.metadefenderUrl, server.key);
    let progress = 0;
    const verdicts = await md.lookup(addresses, signal(), (n) => (progress += n));
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.addresses.length}`)).toEqual(['POST /v4/ip 50', 'POST /v4/ip 50', 'POST /v4/ip 20']);
    expect(server.requests.flatMap((r) => r.addresses).sort()).toEqual([...addresses].sort());
    expect(server.requests[0]!.headers['content-type']).toBe('application/json');
    expect(verdicts.size).toBe(120);
    expect([...verdicts].filter(([, v]) => v.listed).map(([a, v]) => `${a} ${v.detectedBy} ${v.summary}`)).toEqual([
      '5.8.0.7 2 scanner (alienvault.com); spam (spamhaus.org)',
      '5.8.1.20 1 feodotracker.abuse.ch',
    ]);
    expect(progress).toBe(120);
  });

  it('falls back to single lookups when bulk calls are throttled (429001)', async () => {
    server.next.push({ status: 429, body: { error: { name: 'ClientError', messages: 'Your request has been throttled, maximum requests per hour: 9 for free users', code: 429001, status: 429 } } });
    const md = metadefender(http('MetaDefender'), server.metadefenderUrl, server.key);
    const verdicts = await md.lookup(['5.1.1.1', '5.1.1.2', '5.1.1.3'], signal());
    expect(verdicts.size).toBe(3);
    expect(server.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /v4/ip/5.1.1.1', 'GET /v4/ip/5.1.1.2', 'GET /v4/ip/5.1.1.3', 'POST /v4/ip']);
  });

  it('keeps the verdicts of the batches that succeeded when another fails', async () => {
    server.next.push({ status: 400, body: { error: { code: 400000, messages: ['Bad request'] } } });
    const md = metadefender(http('MetaDefender'), server.metadefenderUrl, server.key);
    const addresses = Array.from({ length: 60 }, (_, i) => `5.9.0.${i + 1}`);
    const e = await md.lookup(addresses, signal()).then(
      () => null,
      (err: unknown) => err as OnlineError,
    );
    expect(e?.message).toBe('MetaDefender answered HTTP 400: Bad request');
    expect(e?.partial.size).toBe(10);
  });

  it('matches IPv6 answers written differently from the question', async () => {
    server.next.push({ body: { data: [{ address: '2a0b:f4c0:0002:0000:0000:0000:0000:0001', lookup_results: { detected_by: 0, sources: [] } }, { address: '2a0b:f4c0:2::2', lookup_results: { detected_by: 0, sources: [] } }] } });
    const md = metadefender(http('MetaDefender'), server.metadefenderUrl, server.key);
    expect([...(await md.lookup(['2a0b:f4c0:2::1', '2a0b:f4c0:2::2'], signal())).keys()].sort()).toEqual(['2a0b:f4c0:2::1', '2a0b:f4c0:2::2']);
  });
});

describe('abuseipdb', () => {
  it('calls the check endpoint with the Key header and flags scores at or above minConfidence', async () => {
    server.scores.set('45.155.205.233', 87);
    server.scores.set('5.1.1.1', 25);
    const provider = abuseipdb(http('AbuseIPDB'), server.abuseipdbUrl, server.key, 50);
    const verdicts = await provider.lookup(['45.155.205.233', '5.1.1.1', '2a0b:f4c0:2::1'], signal());
    expect(verdicts.get('45.155.205.233')).toMatchObject({ listed: true, score: 87, detectedBy: 9, summary: 'abuse confidence 87% from 174 reports' });
    expect(verdicts.get('5.1.1.1')).toMatchObject({ listed: false, score: 25 });
    expect(verdicts.get('2a0b:f4c0:2::1')).toMatchObject({ listed: false, score: 0, sources: [] });
    const paths = server.requests.map((r) => `${r.path}?${r.query.toString()} key=${r.headers.key === server.key}`).sort();
    expect(paths).toEqual([
      '/api/v2/check?ipAddress=2a0b%3Af4c0%3A2%3A%3A1&maxAgeInDays=90 key=true',
      '/api/v2/check?ipAddress=45.155.205.233&maxAgeInDays=90 key=true',
      '/api/v2/check?ipAddress=5.1.1.1&maxAgeInDays=90 key=true',
    ]);
    expect(provider.cacheId).toBe('abuseipdb/min50');
  });

  it('reports a rejected key once, naming AbuseIPDB', async () => {
    const provider = abuseipdb(http('AbuseIPDB'), server.abuseipdbUrl, 'wrong-key', 50);
    const e = await provider.lookup(['5.1.1.1'], signal()).catch((err: unknown) => err as OnlineError);
    expect((e as OnlineError).message).toBe('AbuseIPDB rejected the API key (HTTP 401: Authentication failed. Your API key is either missing, incorrect, or revoked.); the online pass stopped');
  });
});

describe('file provider', () => {
  it('reads IPs and CIDRs with # and ; comments, keeps the outer of nested entries and reports bad lines', () => {
    const list = parseBlocklist(['# FireHOL-style header', '1.10.16.0/20 ; SBL256894', '1.10.20.0/24', '45.155.205.233  # scanner', '', 'not-an-ip', '2a0b:f4c0::/32', '10.0.0.300', '\r'].join('\n'));
    expect(list.size).toBe(3);
    expect(list.invalid).toEqual([
      { line: 6, text: 'not-an-ip' },
      { line: 8, text: '10.0.0.300' },
    ]);
    expect(list.match('1.10.20.5')).toEqual({ entry: '1.10.16.0/20', line: 2 });
    expect(list.match('1.10.31.255')).toEqual({ entry: '1.10.16.0/20', line: 2 });
    expect(list.match('1.10.32.0')).toBeNull();
    expect(list.match('45.155.205.233')).toEqual({ entry: '45.155.205.233', line: 4 });
    expect(list.match('45.155.205.234')).toBeNull();
    expect(list.match('2a0b:f4c0:2::1')).toEqual({ entry: '2a0b:f4c0::/32', line: 7 });
    expect(list.match('2a0b:f4c1::1')).toBeNull();
  });

  it('answers every address of a 10,000-entry list exactly as a linear scan would', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const addr = BigInt(Math.floor(rand() * 2 ** 32));
      const prefix = [32, 32, 24, 28, 16][i % 5]!;
      const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n);
      lines.push(`${formatAddress(4, addr & mask)}/${prefix}`);
    }
    const list = parseBlocklist(lines.join('\n'));
    const ranges = lines.map((l) => {
      const [ip, p] = l.split('/');
      const lo = ip!.split('.').reduce((v, o) => v * 256n + BigInt(o), 0n);
      return [lo, lo + (1n << BigInt(32 - Number(p))) - 1n] as const;
    });
    for (let i = 0; i < 600; i++) {
      const a = i % 2 === 0 ? ranges[i]![0] + 1n : BigInt(Math.floor(rand() * 2 ** 32));
      const expected = ranges.some(([lo, hi]) => lo <= a && a <= hi);
      expect(list.match(formatAddress(4, a)) !== null, formatAddress(4, a)).toBe(expected);
    }
  });

  it('is a provider that reads the file once and says where a hit came from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-blocklist-'));
    try {
      writeFileSync(join(dir, 'drop.txt'), '91.92.240.0/24 ; SBL-1\n');
      const { provider } = fileProvider(join(dir, 'drop.txt'), 'lists/drop.txt');
      const verdicts = await provider.lookup(['91.92.240.17', '52.94.76.10'], signal());
      expect(verdicts.get('91.92.240.17')).toEqual({
        listed: true,
        detectedBy: 1,
        sources: [{ provider: 'lists/drop.txt', assessment: 'listed as 91.92.240.0/24 (line 1)' }],
        summary: 'listed as 91.92.240.0/24 (line 1)',
        details: { entry: '91.92.240.0/24', line: 1 },
      });
      expect(verdicts.get('52.94.76.10')?.listed).toBe(false);
      expect(provider.cacheId).toBeNull();
      expect(() => fileProvider(join(dir, 'missing.txt'), 'lists/missing.txt')).toThrow('cannot read the blocklist lists/missing.txt: ENOENT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
