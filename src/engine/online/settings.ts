// The online pass's effective settings: defaults, then the config's `online`, then the API's and CLI's options.
import { resolve } from 'node:path';
import type { OnlineConfig } from '../../config/load.js';
import { ABUSEIPDB_URL, DEFAULT_MIN_CONFIDENCE } from './abuseipdb.js';
import { defaultCacheDir } from './cache.js';
import { DEFAULT_MAX_ADDRESSES_PER_CIDR } from './collect.js';
import type { HttpRuntime } from './http.js';
import { METADEFENDER_URL } from './metadefender.js';
import type { ProviderName } from './provider.js';
import { posixRelative } from '../../util/paths.js';

/** What the CLI flags (and API callers) say about the online pass. */
export interface OnlineOptions {
  /** `--online`: run the online rules even when the config does not enable them. */
  enable?: boolean;
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
  /** The blocklist of the `file` provider: absolute, and as shown in messages. */
  file?: { path: string; display: string };
  apiKey?: string;
  /** null: neither read nor write the cache. */
  cache: { dir: string; ttlMs: number } | null;
  dryRun: boolean;
}

const DEFAULT_URLS: Record<ProviderName, string> = { metadefender: METADEFENDER_URL, abuseipdb: ABUSEIPDB_URL, file: '' };

/**
 * The effective settings, or null when the online pass does not run: it runs with `--online` or `online.enabled`,
 * never with `--offline`. `configDir` is the directory a config `file` path is relative to.
 */
export function onlineSettings(config: OnlineConfig | undefined, configDir: string, opts: OnlineOptions, cwd: string): OnlineSettings | null {
  const merged: OnlineConfig = { ...config, ...opts.settings };
  if (opts.offline || !(opts.enable || merged.enabled)) return null;
  const env = opts.runtime?.env ?? process.env;
  const provider = merged.provider ?? 'metadefender';
  const filePath = merged.file === undefined ? undefined : resolve(opts.settings?.file !== undefined ? cwd : configDir, merged.file);
  // A key read from a file often ends in a newline, which fetch rejects in a message that would quote the key.
  const apiKey = (provider === 'metadefender' ? opts.mdcloudApiKey || env.MDCLOUD_APIKEY : provider === 'abuseipdb' ? env.ABUSEIPDB_API_KEY : undefined)?.trim();
  const ttlHours = merged.cacheTtlHours ?? 24;
  const cacheDir = opts.cacheDir ? resolve(cwd, opts.cacheDir) : defaultCacheDir(env, opts.runtime?.homedir);
  return {
    provider,
    baseUrl: merged.baseUrl ?? DEFAULT_URLS[provider],
    timeoutMs: merged.timeoutMs ?? 5000,
    budgetMs: merged.budgetMs ?? 60_000,
    concurrency: merged.concurrency ?? 4,
    maxAddressesPerCidr: merged.maxAddressesPerCidr ?? DEFAULT_MAX_ADDRESSES_PER_CIDR,
    minConfidence: merged.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
    ...(filePath ? { file: { path: filePath, display: posixRelative(cwd, filePath) } } : {}),
    ...(apiKey ? { apiKey } : {}),
    cache: opts.noCache || ttlHours <= 0 ? null : { dir: cacheDir, ttlMs: ttlHours * 3_600_000 },
    dryRun: Boolean(opts.dryRun),
  };
}
