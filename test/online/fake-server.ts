// A local stand-in for MetaDefender Cloud v4 and AbuseIPDB v2 on 127.0.0.1, answering as their documentation shows
// (ECOSYSTEM.md 3.2, 3.3) and recording every request, so tests can assert on exactly what left the process.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Every address the request asked about (path, query or bulk body). */
  addresses: string[];
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  /** Never answer (a timeout). */
  hang?: boolean;
}

export interface FakeServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  metadefenderUrl: string;
  abuseipdbUrl: string;
  requests: Recorded[];
  /** Replies used first, in order, before the documented behaviour. */
  next: Reply[];
  /** MetaDefender: flagged addresses and their sources; AbuseIPDB: scores. */
  flagged: Map<string, { provider: string; assessment: string }[]>;
  scores: Map<string, number>;
  /** The key both services accept. */
  key: string;
  /** Remaining quota reported in X-RateLimit-Remaining (decremented per address answered). */
  remaining: number;
  close(): Promise<void>;
}

const MD_SOURCES = ['alienvault.com', 'danger.rulez.sk', 'feodotracker.abuse.ch', 'malc0de.com', 'phishtank.com', 'spamhaus.org', 'zeustracker.abuse.ch'];

export async function startFakeServer(): Promise<FakeServer> {
  const fake: Omit<FakeServer, 'origin' | 'metadefenderUrl' | 'abuseipdbUrl' | 'close'> = {
    requests: [],
    next: [],
    flagged: new Map(),
    scores: new Map(),
    key: 'test-key-0123456789abcdef',
    remaining: 4000,
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // kept as text
      }
      const addresses = addressesOf(url, body);
      fake.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, addresses });
      const scripted = fake.next.shift();
      if (scripted?.hang) return;
      if (scripted) return send(res, scripted);
      send(res, documented(fake, req.method ?? 'GET', url, req.headers, body, addresses));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return Object.assign(fake, {
    origin,
    metadefenderUrl: `${origin}/v4`,
    abuseipdbUrl: `${origin}/api/v2`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function addressesOf(url: URL, body: unknown): string[] {
  const single = /^\/v4\/ip\/(.+)$/.exec(url.pathname);
  if (single) return [decodeURIComponent(single[1]!)];
  const q = url.searchParams.get('ipAddress');
  if (q) return [q];
  const list = (body as { address?: unknown } | undefined)?.address;
  return Array.isArray(list) ? list.map(String) : [];
}

function send(res: ServerResponse, r: Reply): void {
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {});
  res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...r.headers });
  res.end(text);
}

type Fake = Omit<FakeServer, 'origin' | 'metadefenderUrl' | 'abuseipdbUrl' | 'close'>;

function documented(fake: Fake, method: string, url: URL, headers: IncomingHttpHeaders, body: unknown, addresses: string[]): Reply {
  const quota = () => ({
    'x-ratelimit-for': 'reputation_api',
    'x-ratelimit-limit': '4000',
    'x-ratelimit-remaining': String(fake.remaining),
    'x-ratelimit-used': String(4000 - fake.remaining),
    'x-ratelimit-reset-in': '86400s',
  });
  if (url.pathname.startsWith('/v4/ip')) {
    if (headers.apikey !== fake.key) return { status: 401, body: { error: { code: 401006, messages: ['Invalid apikey'] } } };
    const bulk = method === 'POST';
    if (bulk && addresses.length > 50) return { status: 400, body: { error: { code: 400064, messages: ['The maximum number of observables that can be requested at once is 50'] } } };
    if (!bulk && addresses.length !== 1) return { status: 404, body: { error: { code: 404000, messages: ['Endpoint not found'] } } };
    fake.remaining = Math.max(0, fake.remaining - addresses.length);
    const records = addresses.map((a) => metadefenderRecord(a, fake.flagged.get(a) ?? [], bulk));
    return { headers: quota(), body: bulk ? { data: records } : records[0] };
  }
  if (url.pathname === '/api/v2/check') {
    if (headers.key !== fake.key) return { status: 401, body: { errors: [{ detail: 'Authentication failed. Your API key is either missing, incorrect, or revoked.', status: 401 }] } };
    const ip = addresses[0] ?? '';
    const score = fake.scores.get(ip) ?? 0;
    fake.remaining = Math.max(0, fake.remaining - 1);
    return {
      headers: { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': String(fake.remaining) },
      body: {
        data: {
          ipAddress: ip,
          isPublic: true,
          ipVersion: ip.includes(':') ? 6 : 4,
          isWhitelisted: false,
          abuseConfidenceScore: score,
          countryCode: 'NL',
          usageType: 'Data Center/Web Hosting/Transit',
          isp: 'Example Hosting',
          domain: 'example.net',
          hostnames: [],
          isTor: false,
          totalReports: score > 0 ? score * 2 : 0,
          numDistinctUsers: score > 0 ? Math.ceil(score / 10) : 0,
          lastReportedAt: score > 0 ? '2026-11-29T10:00:00+00:00' : null,
        },
      },
    };
  }
  void body;
  return { status: 404, body: { error: { code: 404000, messages: ['Endpoint not found'] } } };
}

function metadefenderRecord(address: string, flagged: { provider: string; assessment: string }[], bulk: boolean) {
  const sources = MD_SOURCES.map((provider) => {
    const hit = flagged.find((f) => f.provider === provider);
    return { provider, assessment: hit?.assessment ?? '', detect_time: '', update_time: '2026-11-29T00:00:00.000Z', status: hit ? (bulk ? 1 : 3) : 0 };
  });
  return {
    address,
    lookup_results: { start_time: '2026-11-30T10:00:00.000Z', detected_by: flagged.length, sources },
    geo_info: { continent: { code: 'EU', name: 'Europe' }, country: { code: 'NL', name: 'Netherlands' }, city: { name: 'Amsterdam' }, location: { latitude: 52.37, longitude: 4.9 } },
  };
}
