// The reputation provider interface (ARCHITECTURE.md 3.8) and what providers share.

export type ProviderName = 'metadefender' | 'abuseipdb' | 'file';

export interface VerdictSource {
  provider: string;
  assessment?: string;
  status?: number;
}

/** One provider's opinion of one address. */
export interface Verdict {
  /** Reported as malicious or suspicious (RULES.md `rule-ip-reputation`). */
  listed: boolean;
  /** How many sources flagged it: MetaDefender `detected_by`, AbuseIPDB distinct reporters, 1 for a blocklist entry. */
  detectedBy: number;
  /** AbuseIPDB `abuseConfidenceScore` (0-100). */
  score?: number;
  /** The sources that flagged it. */
  sources: VerdictSource[];
  /** Short text for messages: "botnet, zeus (zeustracker.abuse.ch)". */
  summary: string;
  /** Further provider fields, carried into report properties. */
  details?: Record<string, string | number | boolean>;
}

/** Quota figures a service reports in `X-RateLimit-*` headers. */
export interface Quota {
  limit?: number;
  remaining?: number;
  used?: number;
  resetIn?: string;
}

export interface Provider {
  readonly name: ProviderName;
  /** Where lookups go ("https://api.metadefender.com/v4", a blocklist path); never holds a key. */
  readonly target: string;
  /** Cache key prefix: the provider and any setting that changes its verdicts; null when verdicts are not cached. */
  readonly cacheId: string | null;
  /** Looks addresses up. On failure throws an OnlineError whose `partial` holds the verdicts obtained before it. */
  lookup(addresses: string[], signal: AbortSignal, progress?: (done: number) => void): Promise<Map<string, Verdict>>;
  /** The quota the service reported last, if it reports one. */
  quota?(): Quota;
  /** How many distinct addresses were sent to the service (none for a local provider). */
  sent?(): number;
}

export type FailureReason = 'config' | 'auth' | 'quota' | 'rate-limit' | 'network' | 'timeout' | 'budget' | 'response';

/** A failure of the online pass. It becomes an `errors[]` entry of kind `online`; it never crashes the run. */
export class OnlineError extends Error {
  partial = new Map<string, Verdict>();

  constructor(
    readonly reason: FailureReason,
    message: string,
    /** The service's own error code, e.g. MetaDefender 429001 (throttled). */
    readonly code?: number,
  ) {
    super(message);
  }
}

/**
 * Looks addresses up in batches of at most `size` (the HTTP client bounds how many run at once) and keeps what
 * succeeded. When a batch fails, the first failure (a rejected key before anything else) is thrown with the verdicts
 * of the batches that did succeed.
 */
export async function inBatches(
  addresses: string[],
  size: number,
  lookupBatch: (batch: string[]) => Promise<Map<string, Verdict>>,
  progress?: (done: number) => void,
): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>();
  const batches: string[][] = [];
  for (let i = 0; i < addresses.length; i += size) batches.push(addresses.slice(i, i + size));
  const failures: unknown[] = [];
  await Promise.all(
    batches.map(async (batch) => {
      try {
        for (const [address, verdict] of await lookupBatch(batch)) verdicts.set(address, verdict);
      } catch (e) {
        failures.push(e);
      }
      progress?.(batch.length);
    }),
  );
  if (failures.length === 0) return verdicts;
  const first = failures.find((f) => f instanceof OnlineError && f.reason === 'auth') ?? failures[0];
  const error = first instanceof OnlineError ? first : new OnlineError('response', (first as Error)?.message ?? String(first));
  error.partial = verdicts;
  throw error;
}

/** "1 source", "3 sources". */
export function sourcesLabel(n: number): string {
  return `${n} source${n === 1 ? '' : 's'}`;
}
