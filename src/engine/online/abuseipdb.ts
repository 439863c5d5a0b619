// AbuseIPDB APIv2 check endpoint (ECOSYSTEM.md 3.3): `GET {base}/check?ipAddress=<ip>&maxAgeInDays=90` with the key in
// the `Key` header. An address is listed when its abuseConfidenceScore is at or above `minConfidence`.
import type { HttpClient } from './http.js';
import { inBatches, OnlineError, type Provider, type Verdict } from './provider.js';

export const ABUSEIPDB_URL = 'https://api.abuseipdb.com/api/v2';
export const DEFAULT_MIN_CONFIDENCE = 50;
const MAX_AGE_DAYS = 90;
const DETAILS = ['countryCode', 'usageType', 'isp', 'domain', 'isTor', 'isWhitelisted', 'lastReportedAt', 'totalReports', 'numDistinctUsers'];

export function abuseipdb(client: HttpClient, baseUrl: string, apiKey: string, minConfidence: number): Provider {
  const base = baseUrl.replace(/\/+$/, '');
  const headers = { Key: apiKey, accept: 'application/json' };
  const check = async (address: string, signal: AbortSignal): Promise<Map<string, Verdict>> => {
    const url = `${base}/check?ipAddress=${encodeURIComponent(address)}&maxAgeInDays=${MAX_AGE_DAYS}`;
    const body = (await client.json(url, { headers, addresses: [address] }, signal)) as { data?: Record<string, unknown> } | null;
    const data = body?.data;
    const score = data?.abuseConfidenceScore;
    if (typeof score !== 'number') throw new OnlineError('response', `AbuseIPDB answer for ${address} has no data.abuseConfidenceScore`);
    const reports = typeof data!.totalReports === 'number' ? data!.totalReports : 0;
    const reporters = typeof data!.numDistinctUsers === 'number' ? data!.numDistinctUsers : reports;
    const details: Record<string, string | number | boolean> = { abuseConfidenceScore: score };
    for (const key of DETAILS) {
      const v = data![key];
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') details[key] = v;
    }
    const summary = `abuse confidence ${score}% from ${reports} report${reports === 1 ? '' : 's'}`;
    return new Map([
      [
        address,
        {
          listed: score > 0 && score >= minConfidence,
          detectedBy: reporters,
          score,
          sources: reports > 0 ? [{ provider: 'abuseipdb', assessment: summary }] : [],
          summary,
          details,
        },
      ],
    ]);
  };
  return {
    name: 'abuseipdb',
    target: base,
    // The threshold decides `listed`, so verdicts cached under another threshold do not apply.
    cacheId: `abuseipdb/min${minConfidence}`,
    lookup: (addresses, signal, progress) => inBatches(addresses, 1, ([address]) => check(address!, signal), progress),
    quota: () => ({ ...client.quota }),
    sent: () => client.disclosed.size,
  };
}
