// The online pass (CONTRACTS.md "Online pass"): collect public addresses, answer what the cache can, ask the provider
// for the rest, and hand the verdicts to the engine. Any failure is an `errors[]` entry of kind `online`, never a throw.
import type { OnlineLookup } from '../define-rule.js';
import type { RunError } from '../result.js';
import type { Model } from '../../model/types.js';
import { abuseipdb } from './abuseipdb.js';
import { VerdictCache } from './cache.js';
import { collectAddresses, planner } from './collect.js';
import { fileProvider } from './file.js';
import { HttpClient } from './http.js';
import { metadefender } from './metadefender.js';
import { OUTSIDE_SCAN_ROOT } from '../../util/scan-root.js';
import { OnlineError, type Provider, type ProviderName, type Quota, type Verdict } from './provider.js';
import type { OnlineRuntime, OnlineSettings } from './settings.js';

export interface OnlineSummary {
  provider: ProviderName;
  /** Where lookups go: the service's base URL, or the blocklist. */
  target: string;
  dryRun: boolean;
  /** Public addresses in the analyzed files, de-duplicated. */
  addresses: number;
  /** Addresses with a verdict: from the cache or from the provider. */
  checked: number;
  fromCache: number;
  /** Distinct addresses that left the machine in this run (none with the blocklist). */
  sent: number;
  /** Addresses that got no verdict because the pass failed. */
  unanswered: number;
  /** Public CIDRs wider than `maxAddressesPerCidr`, not checked. */
  notChecked: string[];
  maxAddressesPerCidr: number;
  /** Checked addresses the provider flags. */
  flagged: number;
  /** What the run used of the service's quota (one per address answered), and what the service says is left. */
  quota?: Quota & { usedByRun: number };
  warnings: string[];
  /** With --dry-run: the addresses that would be sent. */
  wouldSend?: string[];
}

export interface OnlinePass {
  /** Absent when nothing was looked up (pass skipped, dry run): online rules then do not run. */
  lookup?: OnlineLookup;
  errors: RunError[];
  summary: OnlineSummary;
}

const NAMES: Record<ProviderName, string> = { metadefender: 'MetaDefender', abuseipdb: 'AbuseIPDB', file: 'blocklist' };

/** `wanted(file)`: whether an online rule is enabled for a file; addresses of other files are never collected. */
export async function runOnlinePass(model: Model, s: OnlineSettings, wanted: (file: string) => boolean, runtime: OnlineRuntime = {}): Promise<OnlinePass> {
  const plan = planner(s.maxAddressesPerCidr);
  const { addresses, notChecked } = collectAddresses(model, plan, wanted);
  const summary: OnlineSummary = {
    provider: s.provider,
    target: s.provider === 'file' ? (s.file?.display ?? '') : s.baseUrl,
    dryRun: s.dryRun,
    addresses: addresses.length,
    checked: 0,
    fromCache: 0,
    sent: 0,
    unanswered: 0,
    notChecked,
    maxAddressesPerCidr: s.maxAddressesPerCidr,
    flagged: 0,
    warnings: [],
  };
  const errors: RunError[] = [];
  let made: { provider: Provider; errors: RunError[] };
  try {
    made = makeProvider(s, runtime);
  } catch (e) {
    errors.push({ kind: 'online', message: `online pass skipped: ${(e as Error).message}` });
    summary.unanswered = addresses.length;
    return { errors, summary };
  }
  const { provider } = made;
  errors.push(...made.errors);

  const verdicts = new Map<string, Verdict>();
  const cache = provider.cacheId && s.cache ? new VerdictCache(s.cache.dir, s.cache.ttlMs, runtime.now) : null;
  const toSend: string[] = [];
  for (const address of addresses) {
    const cached = cache?.get(provider.cacheId!, address);
    if (cached) verdicts.set(address, cached);
    else toSend.push(address);
  }
  summary.fromCache = verdicts.size;
  if (s.dryRun) {
    summary.wouldSend = toSend;
    summary.warnings.push(...(cache?.warnings ?? []));
    return { errors, summary };
  }

  if (toSend.length > 0) {
    let fetched: Map<string, Verdict>;
    let done = 0;
    runtime.onProgress?.(0, toSend.length);
    try {
      fetched = await provider.lookup(toSend, AbortSignal.timeout(s.budgetMs + s.timeoutMs), (n) => runtime.onProgress?.((done += n), toSend.length));
    } catch (e) {
      fetched = e instanceof OnlineError ? e.partial : new Map();
      const missing = toSend.length - fetched.size;
      errors.push({ kind: 'online', message: `online pass (${s.provider}): ${(e as Error).message}; ${missing} of ${toSend.length} addresses not checked` });
    }
    for (const [address, verdict] of fetched) {
      verdicts.set(address, verdict);
      if (cache) cache.set(provider.cacheId!, address, verdict);
    }
    summary.sent = provider.sent?.() ?? 0;
    summary.unanswered = toSend.length - fetched.size;
    cache?.save();
    const quota = provider.quota?.();
    if (quota && (fetched.size > 0 || Object.keys(quota).length > 0)) summary.quota = { ...quota, usedByRun: fetched.size };
  }
  summary.warnings.push(...(cache?.warnings ?? []));
  summary.checked = verdicts.size;
  summary.flagged = [...verdicts.values()].filter((v) => v.listed).length;

  const label = s.provider === 'file' ? `the blocklist ${provider.target}` : NAMES[s.provider];
  const lookup: OnlineLookup = {
    provider: label,
    verdicts(cidr) {
      const p = plan(cidr);
      if (p.kind !== 'hosts') return [];
      return p.hosts.flatMap((address) => {
        const verdict = verdicts.get(address);
        return verdict ? [{ address, verdict }] : [];
      });
    },
  };
  return { lookup, errors, summary };
}

function makeProvider(s: OnlineSettings, runtime: OnlineRuntime): { provider: Provider; errors: RunError[] } {
  if (s.provider === 'file') {
    if (!s.file) throw new OnlineError('config', 'the file provider needs online.file (the blocklist path)');
    if (s.file.refused) throw new OnlineError('config', `the blocklist ${s.file.display} ${OUTSIDE_SCAN_ROOT}`);
    const { provider, invalid } = fileProvider(s.file.path, s.file.display);
    const first = invalid[0];
    const errors: RunError[] = first
      ? [{ kind: 'online', file: s.file.display, line: first.line, column: 1, message: `${invalid.length} blocklist line${invalid.length === 1 ? ' is' : 's are'} neither an IP address nor a CIDR and ${invalid.length === 1 ? 'was' : 'were'} ignored (first: "${first.text}")` }]
      : [];
    return { provider, errors };
  }
  if (!s.apiKey && !s.dryRun) {
    throw new OnlineError(
      'config',
      s.provider === 'metadefender' ? 'no MetaDefender API key (set MDCLOUD_APIKEY or --mdcloud-apikey)' : 'no AbuseIPDB API key (set ABUSEIPDB_API_KEY)',
    );
  }
  const key = s.apiKey ?? '';
  const client = new HttpClient(NAMES[s.provider], s, runtime, [key]);
  return { provider: s.provider === 'metadefender' ? metadefender(client, s.baseUrl, key) : abuseipdb(client, s.baseUrl, key, s.minConfidence), errors: [] };
}
