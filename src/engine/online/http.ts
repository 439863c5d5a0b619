// A small JSON-over-HTTP client for the reputation services, on Node's built-in fetch: bounded concurrency, a timeout
// per request, retries with exponential backoff and jitter on 429/5xx/network errors (honouring Retry-After), a time
// budget for the whole pass, and a rejected key (401/403) that stops every request at once.
import { setTimeout as delay } from 'node:timers/promises';
import { OnlineError, type Quota } from './provider.js';
import { cut } from '../../util/strings.js';

export interface HttpSettings {
  timeoutMs: number;
  budgetMs: number;
  concurrency: number;
  /** Retries after the first attempt (default 3). */
  retries?: number;
}

/** What tests replace: the network, the clock and the waits. */
export interface HttpRuntime {
  fetch?: typeof fetch;
  /** Waits `ms` milliseconds (tests pass one that returns at once and records the waits). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Epoch milliseconds. */
  now?: () => number;
  random?: () => number;
}

export interface JsonRequest {
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: unknown;
  /** On a 429 without Retry-After, give up at once instead of backing off (the caller has a better fallback). */
  noBackoffOn429?: boolean;
  /** The addresses the request discloses, counted when it actually goes out. */
  addresses?: string[];
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8000;

type Attempt = { ok: true; body: unknown } | { ok: false; error: OnlineError; retry: boolean; retryAfterMs?: number };

export class HttpClient {
  /** The quota the service reported last. */
  readonly quota: Quota = {};
  /** Requests that went out, retries included. */
  sent = 0;
  /** Distinct addresses that left the machine. */
  readonly disclosed = new Set<string>();
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private stopped: OnlineError | null = null;
  private readonly stop = new AbortController();
  private readonly deadline: number;
  private readonly now: () => number;

  constructor(
    /** "MetaDefender": used in messages. */
    private readonly service: string,
    private readonly settings: HttpSettings,
    private readonly runtime: HttpRuntime = {},
    /** Strings that must never appear in a message (the API key). */
    private readonly secrets: string[] = [],
  ) {
    this.now = runtime.now ?? Date.now;
    this.deadline = this.now() + settings.budgetMs;
  }

  /** Sends one request and returns its parsed JSON body, retrying what is worth retrying; throws OnlineError. */
  async json(url: string, req: JsonRequest, signal: AbortSignal): Promise<unknown> {
    const retries = this.settings.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      this.checkBeforeSending();
      await this.acquire();
      let result: Attempt;
      try {
        this.checkBeforeSending();
        result = await this.attempt(url, req, signal);
      } finally {
        this.release();
      }
      if (result.ok) return result.body;
      if (this.stopped) throw this.stopped;
      if (!result.retry || attempt >= retries || signal.aborted) throw result.error;
      if (result.error.reason === 'rate-limit' && result.retryAfterMs === undefined && req.noBackoffOn429) throw result.error;
      const wait = result.retryAfterMs ?? this.backoff(attempt);
      if (this.now() + wait >= this.deadline) {
        const reason = result.error.reason === 'rate-limit' ? 'rate-limit' : 'budget';
        throw new OnlineError(reason, `${result.error.message}; waiting ${seconds(wait)} to retry would exceed the time budget (${seconds(this.settings.budgetMs)})`, result.error.code);
      }
      try {
        await (this.runtime.sleep ?? sleep)(wait, AbortSignal.any([signal, this.stop.signal]));
      } catch {
        throw this.stopped ?? new OnlineError('budget', 'the online pass was cancelled');
      }
    }
  }

  private checkBeforeSending(): void {
    if (this.stopped) throw this.stopped;
    if (this.now() >= this.deadline) throw new OnlineError('budget', `the online pass ran out of its time budget (${seconds(this.settings.budgetMs)})`);
    if (this.quota.remaining === 0) {
      const reset = this.quota.resetIn ? `, resets in ${this.quota.resetIn}` : '';
      throw new OnlineError('quota', `${this.service} quota is used up (X-RateLimit-Remaining: 0${reset})`);
    }
  }

  private async attempt(url: string, req: JsonRequest, signal: AbortSignal): Promise<Attempt> {
    const timeoutMs = Math.max(1, Math.min(this.settings.timeoutMs, this.deadline - this.now()));
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = AbortSignal.any([signal, timeout, this.stop.signal]);
    const where = new URL(url).origin;
    let status: number;
    let text: string;
    let headers: Headers;
    try {
      this.sent++;
      for (const a of req.addresses ?? []) this.disclosed.add(a);
      const res = await (this.runtime.fetch ?? globalThis.fetch)(url, {
        method: req.method ?? 'GET',
        headers: req.body === undefined ? req.headers : { ...req.headers, 'content-type': 'application/json' },
        ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
        signal: combined,
        redirect: 'error',
      });
      status = res.status;
      headers = res.headers;
      const body = await readCapped(res, MAX_RESPONSE_BYTES);
      if (body === null) {
        return { ok: false, error: new OnlineError('response', `${this.service} sent a response larger than ${MAX_RESPONSE_BYTES / 1048576} MiB (${where}); it was not read`), retry: false };
      }
      text = body;
    } catch (e) {
      if (this.stopped) return { ok: false, error: this.stopped, retry: false };
      if (signal.aborted) return { ok: false, error: new OnlineError('budget', 'the online pass was cancelled'), retry: false };
      if (timeout.aborted) return { ok: false, error: new OnlineError('timeout', `${this.service} did not answer within ${timeoutMs} ms (${where})`), retry: true };
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      if (cause?.code === 'UND_ERR_INVALID_ARG') {
        return { ok: false, error: new OnlineError('config', `the request to ${this.service} could not be made (${cause.code}): check the API key and the endpoint (--online-base-url)`), retry: false };
      }
      const detail = cause?.code ?? cause?.message ?? (e as Error).message;
      return { ok: false, error: new OnlineError('network', this.redact(`cannot reach ${this.service} at ${where}: ${detail}`)), retry: true };
    }
    this.readQuota(headers);
    const problem = errorDetail(text);
    const detail = problem.message ? `: ${this.redact(problem.message)}` : '';
    if (status === 401 || status === 403) {
      this.stopped = new OnlineError('auth', `${this.service} rejected the API key (HTTP ${status}${detail}); the online pass stopped`);
      this.stop.abort();
      return { ok: false, error: this.stopped, retry: false };
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(headers.get('retry-after'), this.now());
      return { ok: false, error: new OnlineError('rate-limit', `${this.service} is rate-limiting requests (HTTP 429${detail})`, problem.code), retry: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    }
    if (status >= 500) return { ok: false, error: new OnlineError('response', `${this.service} answered HTTP ${status}${detail}`), retry: true };
    if (status < 200 || status >= 300) return { ok: false, error: new OnlineError('response', `${this.service} answered HTTP ${status}${detail}`), retry: false };
    try {
      return { ok: true, body: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, error: new OnlineError('response', `${this.service} sent a response that is not valid JSON (HTTP ${status})`), retry: false };
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
    return Math.round(ceiling / 2 + (this.runtime.random ?? Math.random)() * (ceiling / 2));
  }

  private readQuota(headers: Headers): void {
    const num = (name: string) => {
      const v = headers.get(name);
      return v !== null && /^\d+$/.test(v.trim()) ? Number(v) : undefined;
    };
    const set = <K extends keyof Quota>(key: K, value: Quota[K] | undefined) => {
      if (value !== undefined) this.quota[key] = value;
    };
    set('limit', num('x-ratelimit-limit'));
    set('remaining', num('x-ratelimit-remaining'));
    set('used', num('x-ratelimit-used'));
    set('resetIn', headers.get('x-ratelimit-reset-in') ?? headers.get('x-ratelimit-reset') ?? undefined);
  }

  private redact(s: string): string {
    return this.secrets.filter((k) => k.length > 0).reduce((out, k) => out.split(k).join('***'), s);
  }

  private acquire(): Promise<void> {
    if (this.active < this.settings.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Retry-After as delay-seconds or an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** No answer of the lookup services comes near this; a larger one is refused rather than held in memory. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** The response body as text, or null (and the rest left unread) once it is over `cap` bytes. */
async function readCapped(res: Response, cap: number): Promise<string | null> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > cap) {
    await res.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The message and code of a service's error body: MetaDefender `{error: {code, messages}}`, AbuseIPDB `{errors: [{detail}]}`. */
function errorDetail(text: string): { message?: string; code?: number } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  const b = body as { error?: { code?: unknown; messages?: unknown; message?: unknown }; errors?: { detail?: unknown }[]; message?: unknown };
  const raw = b.error?.messages ?? b.error?.message ?? b.errors?.[0]?.detail ?? b.message;
  const message = Array.isArray(raw) ? raw.map(String).join('; ') : typeof raw === 'string' ? raw : undefined;
  const code = typeof b.error?.code === 'number' ? b.error.code : undefined;
  return { ...(message ? { message: cut(message, 200) } : {}), ...(code === undefined ? {} : { code }) };
}
