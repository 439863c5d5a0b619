// MetaDefender Cloud API v4 IP reputation (ECOSYSTEM.md 3.2): `GET {base}/ip/{ip}`, bulk `POST {base}/ip` with
// `{"address": [...]}` (at most 50), key in the `apikey` header. The verdict is `lookup_results.detected_by`.
import { parseCidr, formatAddress } from '../../model/net.js';
import type { HttpClient } from './http.js';
import { inBatches, OnlineError, type Provider, type Verdict, type VerdictSource } from './provider.js';

export const METADEFENDER_URL = 'https://api.metadefender.com/v4';
export const BULK_MAX = 50;
/** MetaDefender's code for a throttled bulk request (free keys get a few bulk calls an hour). */
const THROTTLED = 429001;

interface IpRecord {
  address?: unknown;
  lookup_results?: { detected_by?: unknown; sources?: unknown };
  geo_info?: { country?: { code?: unknown } };
}

export function metadefender(client: HttpClient, baseUrl: string, apiKey: string): Provider {
  const base = baseUrl.replace(/\/+$/, '');
  const headers = { apikey: apiKey, accept: 'application/json' };

  const single = async (address: string, signal: AbortSignal): Promise<Map<string, Verdict>> => {
    const body = (await client.json(`${base}/ip/${encodeURIComponent(address)}`, { headers, addresses: [address] }, signal)) as IpRecord | null;
    return new Map([[address, verdictOf(body, address)]]);
  };

  const bulk = async (batch: string[], signal: AbortSignal): Promise<Map<string, Verdict>> => {
    let body: unknown;
    try {
      body = await client.json(`${base}/ip`, { method: 'POST', headers, body: { address: batch }, addresses: batch, noBackoffOn429: true }, signal);
    } catch (e) {
      // Bulk calls are throttled per hour, single lookups only count against the daily quota: fall back to those.
      if (e instanceof OnlineError && e.reason === 'rate-limit' && (e.code === THROTTLED || e.code === undefined)) {
        return inBatches(batch, 1, ([address]) => single(address!, signal));
      }
      throw e;
    }
    const data = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw new OnlineError('response', 'MetaDefender bulk answer has no `data` list');
    const wanted = new Map(batch.map((a) => [canonical(a), a]));
    const out = new Map<string, Verdict>();
    for (const record of data as IpRecord[]) {
      const address = typeof record?.address === 'string' ? wanted.get(canonical(record.address)) : undefined;
      if (address) out.set(address, verdictOf(record, address));
    }
    return out;
  };

  return {
    name: 'metadefender',
    target: base,
    cacheId: 'metadefender',
    lookup: (addresses, signal, progress) =>
      inBatches(addresses, BULK_MAX, (batch) => (batch.length === 1 ? single(batch[0]!, signal) : bulk(batch, signal)), progress),
    quota: () => ({ ...client.quota }),
    sent: () => client.disclosed.size,
  };
}

function verdictOf(record: IpRecord | null, address: string): Verdict {
  const results = record?.lookup_results;
  const detectedBy = results?.detected_by;
  if (typeof detectedBy !== 'number') throw new OnlineError('response', `MetaDefender answer for ${address} has no lookup_results.detected_by`);
  const sources: VerdictSource[] = (Array.isArray(results?.sources) ? (results.sources as Record<string, unknown>[]) : [])
    .filter((s) => typeof s?.status === 'number' && s.status !== 0)
    .map((s) => ({
      provider: String(s.provider ?? 'unknown'),
      ...(typeof s.assessment === 'string' && s.assessment.trim() ? { assessment: s.assessment.trim() } : {}),
      status: s.status as number,
    }));
  const listed = detectedBy > 0;
  const named = sources.map((s) => (s.assessment ? `${s.assessment} (${s.provider})` : s.provider)).join('; ');
  const country = record?.geo_info?.country?.code;
  return {
    listed,
    detectedBy,
    sources,
    summary: listed ? named || `flagged by ${detectedBy} source${detectedBy === 1 ? '' : 's'}` : 'no reports',
    details: { detected_by: detectedBy, ...(typeof country === 'string' ? { country } : {}) },
  };
}

/** The service may write an IPv6 address differently from the way it was sent. */
function canonical(address: string): string {
  const c = parseCidr(address);
  return c ? formatAddress(c.family, c.addr) : address;
}
