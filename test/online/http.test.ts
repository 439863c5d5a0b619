import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient, parseRetryAfter, type HttpSettings } from '../../src/engine/online/http.js';
import { OnlineError } from '../../src/engine/online/provider.js';
import { startFakeServer, type FakeServer } from './fake-server.js';

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  await server.close();
});

const SETTINGS: HttpSettings = { timeoutMs: 5000, budgetMs: 60_000, concurrency: 4 };

/** A client whose waits return at once and are recorded. */
function client(settings: Partial<HttpSettings> = {}, now?: () => number) {
  const waits: number[] = [];
  const c = new HttpClient('MetaDefender', { ...SETTINGS, ...settings }, { sleep: async (ms) => void waits.push(ms), random: () => 0.5, ...(now ? { now } : {}) }, [server.key]);
  return { c, waits };
}

const get = (c: HttpClient, address = '45.155.205.233') => c.json(`${server.metadefenderUrl}/ip/${address}`, { headers: { apikey: server.key } }, new AbortController().signal);

async function failure(p: Promise<unknown>): Promise<OnlineError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(OnlineError);
    return e as OnlineError;
  }
  throw new Error('expected a failure');
}

describe('HttpClient', () => {
  it('honours Retry-After on 429, then succeeds', async () => {
    server.next.push({ status: 429, headers: { 'retry-after': '2' }, body: { error: { code: 429001, messages: ['Your request has been throttled'], status: 429 } } });
    const { c, waits } = client();
    const body = (await get(c)) as { address: string };
    expect(body.address).toBe('45.155.205.233');
    expect(waits).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
  });

  it('retries a 500 with exponential backoff and jitter, then succeeds', async () => {
    server.next.push({ status: 500, body: 'oops' }, { status: 503, body: {} });
    const { c, waits } = client();
    await get(c);
    expect(server.requests).toHaveLength(3);
    // random() = 0.5: half the ceiling plus a quarter of it, for ceilings of 500 ms and 1000 ms.
    expect(waits).toEqual([375, 750]);
  });

  it('gives up after the retries with the last error', async () => {
    for (let i = 0; i < 4; i++) server.next.push({ status: 502, body: { error: { messages: ['bad gateway'] } } });
    const { c } = client();
    const e = await failure(get(c));
    expect(e.message).toBe('MetaDefender answered HTTP 502: bad gateway');
    expect(server.requests).toHaveLength(4);
  });

  it('times out a request that never answers, and retries it', async () => {
    server.next.push({ hang: true });
    const { c } = client({ timeoutMs: 100 });
    await get(c);
    expect(server.requests).toHaveLength(2);
  });

  it('reports a timeout when every attempt hangs', async () => {
    for (let i = 0; i < 2; i++) server.next.push({ hang: true });
    const { c } = client({ timeoutMs: 100, retries: 1 });
    const e = await failure(get(c));
    expect(e.reason).toBe('timeout');
    expect(e.message).toMatch(/^MetaDefender did not answer within 100 ms \(http:\/\/127\.0\.0\.1:\d+\)$/);
  });

  it('does not retry malformed JSON', async () => {
    server.next.push({ status: 200, body: '{"address": "45.155.205.233", "lookup_results": ' });
    const { c } = client();
    const e = await failure(get(c));
    expect(e.message).toBe('MetaDefender sent a response that is not valid JSON (HTTP 200)');
    expect(server.requests).toHaveLength(1);
  });

  it('stops every request at once on 401, sends nothing more, and never shows the key', async () => {
    server.next.push({ status: 401, body: { error: { code: 401006, messages: [`Invalid apikey ${server.key}`] } } });
    const { c } = client({ concurrency: 1 });
    const results = await Promise.allSettled(['5.1.1.1', '5.1.1.2', '5.1.1.3'].map((a) => get(c, a)));
    expect(server.requests).toHaveLength(1);
    const messages = results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'));
    expect(new Set(messages)).toEqual(new Set(['MetaDefender rejected the API key (HTTP 401: Invalid apikey ***); the online pass stopped']));
    expect(messages.join('\n')).not.toContain(server.key);
  });

  it('bounds concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const fetch: typeof globalThis.fetch = async (input, init) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return globalThis.fetch(input, init);
    };
    const c = new HttpClient('MetaDefender', { ...SETTINGS, concurrency: 2 }, { fetch }, [server.key]);
    await Promise.all(Array.from({ length: 8 }, (_, i) => get(c, `5.1.1.${i + 1}`)));
    expect(server.requests).toHaveLength(8);
    expect(peak).toBe(2);
  });

  it('stops when the time budget is spent instead of waiting past it', async () => {
    let t = 1_000_000;
    server.next.push({ status: 429, headers: { 'retry-after': '120' }, body: {} });
    const { c, waits } = client({ budgetMs: 60_000 }, () => t);
    const e = await failure(get(c));
    expect(e.reason).toBe('rate-limit');
    expect(e.message).toContain('waiting 120 s to retry would exceed the time budget (60 s)');
    expect(waits).toEqual([]);
    t += 61_000;
    expect((await failure(get(c))).reason).toBe('budget');
    expect(server.requests).toHaveLength(1);
  });

  it('stops before sending when the reported quota is used up', async () => {
    server.remaining = 1;
    const { c } = client();
    await get(c, '5.1.1.1');
    expect(c.quota).toEqual({ limit: 4000, remaining: 0, used: 4000, resetIn: '86400s' });
    const e = await failure(get(c, '5.1.1.2'));
    expect(e.reason).toBe('quota');
    expect(e.message).toBe('MetaDefender quota is used up (X-RateLimit-Remaining: 0, resets in 86400s)');
    expect(server.requests).toHaveLength(1);
  });

  it('reports a refused connection as a network error after retrying', async () => {
    const closed = server.origin;
    await server.close();
    const { c, waits } = client({ retries: 2 });
    const e = await failure(c.json(`${closed}/v4/ip/5.1.1.1`, { headers: { apikey: server.key } }, new AbortController().signal));
    expect(e.reason).toBe('network');
    expect(e.message).toMatch(/^cannot reach MetaDefender at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED$/);
    expect(waits).toHaveLength(2);
    server = await startFakeServer();
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});

describe('HttpClient response cap', () => {
  /** A server on 127.0.0.1 that streams up to 1 GiB of JSON-looking bytes (chunked, or with its length declared). */
  async function floodServer(declareLength: boolean) {
    const { createServer } = await import('node:http');
    const state = { sent: 0 };
    const chunk = Buffer.alloc(1 << 20, 0x20);
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(2 ** 30) } : {}) });
      const pump = () => {
        while (state.sent < 2 ** 30 && !res.destroyed) {
          state.sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => res.destroy());
      pump();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    return { url: `http://127.0.0.1:${port}/ip/1.2.3.4`, state, close: () => new Promise((ok) => server.close(ok)) };
  }

  it.each([false, true])('stops reading a response past the cap and reports it (length declared: %s)', async (declareLength) => {
    const flood = await floodServer(declareLength);
    try {
      const { c } = client();
      const e = await failure(c.json(flood.url, { headers: {} }, new AbortController().signal));
      expect(e.reason).toBe('response');
      expect(e.message).toMatch(/larger than 8 MiB/);
      expect(flood.state.sent).toBeLessThan(2 ** 30);
    } finally {
      await flood.close();
    }
  });
});
