// The online pass's effective settings: defaults, then the config's `online`, then the API's and CLI's options.
import { resolve } from 'node:path';
import { ConfigError, type OnlineConfig } from '../../config/load.js';
import { ABUSEIPDB_URL, DEFAULT_MIN_CONFIDENCE } from './abuseipdb.js';
import { defaultCacheDir } from './cache.js';
import { DEFAULT_MAX_ADDRESSES_PER_CIDR } from './collect.js';
import type { HttpRuntime } from './http.js';
import { METADEFENDER_URL } from './metadefender.js';
import type { ProviderName } from './provider.js';
import { posixRelative } from '../../util/paths.js';
import type { ScanRoot } from '../../util/scan-root.js';

/** What the CLI flags (and API callers) say about the online pass. */
export interface OnlineOptions {
  /** `--online`: run the online rules even when the config does not enable them. */
  enable?: boolean;
  /** `SG_LINT_ONLINE=1`: the user lets a repository config's `online.enabled` turn the pass on. */
  allowConfigEnable?: boolean;
  /** `--online-base-url` / `SG_LINT_ONLINE_BASE_URL`: the provider's endpoint (a repository's config cannot set one). */
  baseUrl?: string;
  /** `--offline`: never touch the network, whatever else says so. */
  offline?: boolean;
  /** `--dry-run`: collect the addresses that would be sent, send nothing, run no online rule. */
  dryRun?: boolean;
  /** `--mdcloud-apikey` (MDCLOUD_APIKEY otherwise). */
  mdcloudApiKey?: string;
  /** `--cache-dir`, relative to the current directory. */
  cacheDir?: string;
  /** `--no-cache`. */
  noCache?: boolean;
  /** Settings over the config's `online` section; a relative `file` is relative to the current directory. */
  settings?: OnlineConfig;
  runtime?: OnlineRuntime;
}

/** What tests and the CLI plug in: the network, clock and environment, and a progress callback. */
export interface OnlineRuntime extends HttpRuntime {
  env?: Record<string, string | undefined>;
  homedir?: string;
  /** Called as lookups complete, with how many of the addresses to send are done. */
  onProgress?(done: number, total: number): void;
}

export interface OnlineSettings {
  provider: ProviderName;
  baseUrl: string;
  timeoutMs: number;
  budgetMs: number;
  concurrency: number;
  maxAddressesPerCidr: number;
  minConfidence: number;
  /** The blocklist of the `file` provider: absolute, and as shown in messages; `refused` when it is outside the scan root. */
  file?: { path: string; display: string; refused?: boolean };
  apiKey?: string;
  /** null: neither read nor write the cache. */
  cache: { dir: string; ttlMs: number } | null;
  dryRun: boolean;
}

const DEFAULT_URLS: Record<ProviderName, string> = { metadefender: METADEFENDER_URL, abuseipdb: ABUSEIPDB_URL, file: '' };

/** Why an endpoint given by the user cannot be used, or null: https only, except plain http to this machine (for tests). */
export function endpointProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) return null;
  return `"${url}" must use https (plain http only to 127.0.0.1, localhost or [::1])`;
}

/**
 * What the online settings of a config may do: a trusted config (given with --config from outside the scanned tree)
 * everything; a repository's config neither sets an endpoint nor turns the pass on unless the user opted in.
 * Returns the settings to use and, for each one dropped, a note saying so.
 */
export function admitOnlineConfig(config: OnlineConfig | undefined, trusted: boolean, opts: OnlineOptions): { config: OnlineConfig | undefined; notes: string[] } {
  if (!config || trusted) return { config, notes: [] };
  const notes: string[] = [];
  const { baseUrl, enabled, ...rest } = config;
  if (baseUrl !== undefined) notes.push(`online.baseUrl ignored: a repository's config cannot choose where addresses and the API key are sent (use --online-base-url or SG_LINT_ONLINE_BASE_URL)`);
  const wantsPass = enabled === true && !opts.enable && !opts.offline;
  if (wantsPass && !opts.allowConfigEnable) notes.push(`online pass skipped: online.enabled in a repository's config turns it on only when the user opts in too (--online, or SG_LINT_ONLINE=1)`);
  const admitted: OnlineConfig = { ...rest, ...(enabled !== undefined && (opts.allowConfigEnable || !enabled) ? { enabled } : {}) };
  return { config: admitted, notes };
}

/**
 * The effective settings, or null when the online pass does not run: it runs with `--online` or `online.enabled`,
 * never with `--offline`. `configDir` is the directory a config `file` path is relative to; a config's blocklist
 * outside `scope` is marked refused. Throws ConfigError for an endpoint that is not https.
 */
export function onlineSettings(config: OnlineConfig | undefined, configDir: string, opts: OnlineOptions, cwd: string, scope?: ScanRoot): OnlineSettings | null {
  const merged: OnlineConfig = { ...config, ...opts.settings };
  if (opts.offline || !(opts.enable || merged.enabled)) return null;
  const env = opts.runtime?.env ?? process.env;
  const provider = merged.provider ?? 'metadefender';
  const fromOptions = opts.settings?.file !== undefined;
  const filePath = merged.file === undefined ? undefined : resolve(fromOptions ? cwd : configDir, merged.file);
  const refused = filePath !== undefined && !fromOptions && scope !== undefined && !scope.allows(filePath);
  const userUrl = opts.baseUrl ?? merged.baseUrl;
  const problem = userUrl === undefined ? null : endpointProblem(userUrl);
  if (problem) throw new ConfigError(`online endpoint ${problem}`, '--online-base-url');
  const baseUrl = userUrl ?? DEFAULT_URLS[provider];
  // A key read from a file often ends in a newline, which fetch rejects in a message that would quote the key.
  const key = (provider === 'metadefender' ? opts.mdcloudApiKey || env.MDCLOUD_APIKEY : provider === 'abuseipdb' ? env.ABUSEIPDB_API_KEY : undefined)?.trim();
  // The key goes to its provider's own host, or to an endpoint the user named; never anywhere else.
  const apiKey = key && (userUrl !== undefined || sameHost(baseUrl, DEFAULT_URLS[provider])) ? key : undefined;
  const ttlHours = merged.cacheTtlHours ?? 24;
  const cacheDir = opts.cacheDir ? resolve(cwd, opts.cacheDir) : defaultCacheDir(env, opts.runtime?.homedir);
  return {
    provider,
    baseUrl,
    timeoutMs: merged.timeoutMs ?? 5000,
    budgetMs: merged.budgetMs ?? 60_000,
    concurrency: merged.concurrency ?? 4,
    maxAddressesPerCidr: merged.maxAddressesPerCidr ?? DEFAULT_MAX_ADDRESSES_PER_CIDR,
    minConfidence: merged.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
    ...(filePath ? { file: { path: filePath, display: posixRelative(cwd, filePath), ...(refused ? { refused } : {}) } } : {}),
    ...(apiKey ? { apiKey } : {}),
    cache: opts.noCache || ttlHours <= 0 ? null : { dir: cacheDir, ttlMs: ttlHours * 3_600_000 },
    dryRun: Boolean(opts.dryRun),
  };
}

function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host === new URL(b).host;
  } catch {
    return false;
  }
}
