import { dirname, resolve } from 'node:path';
import { ConfigError, findConfig, readConfig, type IgnoreEntry, type LoadedConfig } from './load.js';
import { matchesGlobs, RuleResolver, type FileSettings } from './resolve.js';
import type { Finding } from '../engine/result.js';
import type { PluginSpec } from '../engine/plugins.js';
import { isExpired, type Suppression } from '../engine/suppress.js';
import { addTo } from '../util/maps.js';
import { displayPath, posixRelative } from '../util/paths.js';
import { OUTSIDE_SCAN_ROOT, ScanRoot } from '../util/scan-root.js';

/** Finds, loads and validates the config that applies to each file (the nearest one, or the one given with -c). */
export class ConfigSource {
  private readonly dirCache = new Map<string, string | null>();
  /** Each file's config, asked for again by every finding in it (config `ignore` entries). */
  private readonly fileCache = new Map<string, LoadedConfig>();
  /** Each file's config `ignore` entries whose globs match it, by rule (matched once per file, not once per finding). */
  private readonly ignoreCache = new Map<string, ReadonlyMap<string, IgnoreEntry[]>>();
  private readonly loaded = new Map<string, LoadedConfig>();
  private readonly none: LoadedConfig;
  private resolver: RuleResolver | undefined;

  constructor(
    private readonly cwd: string,
    private readonly explicit: string | undefined,
    private readonly scope: ScanRoot,
  ) {
    this.none = { file: null, dir: cwd, config: {} };
    if (explicit) this.load(resolve(cwd, explicit));
  }

  /** A config the person running sg-lint chose: given with -c and lying outside the scanned tree (not the repository's own). */
  trusted(file: string): boolean {
    return this.explicitFile() === file && !this.scope.contains(file);
  }

  /** The `plugins` of every config loaded so far (the configs of the selected files). */
  pluginSpecs(): PluginSpec[] {
    return [...this.loaded.values()].flatMap((l) => (l.config.plugins ?? []).map((spec) => ({ spec, baseDir: l.dir, configFile: l.file ?? '' })));
  }

  /** The config whose `online` settings apply: of the loaded ones (`-c`, or the analyzed files'), the current directory's, else the first by path. */
  online(): LoadedConfig | undefined {
    const withOnline = [...this.loaded.values()].filter((l) => l.config.online).sort((a, b) => ((a.file ?? '') < (b.file ?? '') ? -1 : 1));
    return withOnline.find((l) => l.dir === this.cwd) ?? withOnline[0];
  }

  /** Validates rule ids and options of every loaded config against the registry (plugins included). */
  check(resolver: RuleResolver): void {
    this.resolver = resolver;
    for (const l of this.loaded.values()) resolver.check(l);
  }

  forFile(abs: string): LoadedConfig {
    let loaded = this.fileCache.get(abs);
    if (!loaded) {
      const file = this.explicit ? resolve(this.cwd, this.explicit) : findConfig(dirname(abs), this.dirCache);
      loaded = file ? this.load(file) : this.none;
      this.fileCache.set(abs, loaded);
    }
    return loaded;
  }

  settings(resolver: RuleResolver, abs: string): FileSettings {
    return resolver.forFile(abs, this.forFile(abs));
  }

  ignoreFor(f: Finding, abs: string, today: string): Suppression | undefined {
    if (f.ruleId === 'parse-error' || f.ruleId === 'suppression-invalid') return undefined;
    for (const entry of this.ignoresOf(abs).get(f.ruleId) ?? []) {
      if (entry.resource && entry.resource !== f.resource && entry.resource !== f.group) continue;
      if (entry.until && isExpired(entry.until, today)) continue;
      return { kind: 'config', reason: entry.reason, ...(entry.until ? { until: entry.until } : {}) };
    }
    return undefined;
  }

  private ignoresOf(abs: string): ReadonlyMap<string, IgnoreEntry[]> {
    let byRule = this.ignoreCache.get(abs);
    if (!byRule) {
      const loaded = this.forFile(abs);
      const rel = posixRelative(loaded.dir, abs);
      const matching = new Map<string, IgnoreEntry[]>();
      for (const entry of loaded.config.ignore ?? []) if (!entry.files || matchesGlobs(entry.files, rel)) addTo(matching, entry.rule, entry);
      this.ignoreCache.set(abs, (byRule = matching));
    }
    return byRule;
  }

  private explicitFile(): string | undefined {
    return this.explicit === undefined ? undefined : resolve(this.cwd, this.explicit);
  }

  private load(file: string): LoadedConfig {
    let loaded = this.loaded.get(file);
    if (!loaded) {
      if (file !== this.explicitFile() && this.scope.leadsOut(file)) {
        throw new ConfigError(`config ${displayPath(this.cwd, file)} is a symbolic link that ${OUTSIDE_SCAN_ROOT.replace(/^is /, 'leads ')}`, file);
      }
      loaded = readConfig(file);
      this.resolver?.check(loaded);
      this.loaded.set(file, loaded);
    }
    return loaded;
  }
}
