import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BUILTIN_RULES } from './engine/builtins.js';
import { ConfigError, findConfig, readConfig, type LoadedConfig } from './config/load.js';
import { matchesGlobs, RuleResolver, type CliRuleInputs, type FileSettings } from './config/resolve.js';
import { discover, kindOf } from './discover/discover.js';
import { parseFrontEnds } from './front-ends.js';
import type { LevelSetting, RuleModule } from './engine/define-rule.js';
import type { Finding, Result, RunError, Stats } from './engine/result.js';
import type { OnlinePass } from './engine/online/pass.js';
import { admitOnlineConfig, onlineSettings, type OnlineOptions } from './engine/online/settings.js';
import type { PluginSpec } from './engine/plugins.js';
import { runRules } from './engine/run.js';
import { isExpired, type Suppression } from './engine/suppress.js';
import { todayUtc } from './engine/directive.js';
import { link } from './model/link.js';
import type { Facts, Model } from './model/types.js';
import type { Unresolved } from './model/value.js';
import { mayBeCdkSource } from './parsers/cdk/app.js';
import { oneCopyPerApp, type OneCopy } from './parsers/cdk/synthesized.js';
import { readTextWhenAsked } from './parsers/read.js';
import type { TerraformDir } from './parsers/terraform/index.js';
import type { ParsedFile } from './parsers/types.js';
import { RULES } from '../rules/index.js';
import type { PresetName } from '../rules/presets.js';
import { memoized } from './util/maps.js';
import { displayPath, posixRelative } from './util/paths.js';
import { OUTSIDE_SCAN_ROOT, ScanRoot } from './util/scan-root.js';

export interface LintOptions {
  cwd?: string;
  /** `-c`: one config for every file instead of the nearest one. */
  configFile?: string;
  preset?: PresetName;
  rules?: Record<string, LevelSetting>;
  env?: string;
  include?: string[];
  exclude?: string[];
  vars?: Record<string, string>;
  varFiles?: string[];
  /** `TF_VAR_*` environment values (the CLI passes them): Terraform's lowest-precedence explicit variable values. */
  envVars?: Record<string, string>;
  /** --plan: Terraform plan JSON whose values fill unknowns in the root module of its directory. */
  plan?: string;
  /** CloudFormation parameter values (--parameter), over config `cloudformation.parameters`. */
  parameters?: Record<string, string>;
  /** --parameters-file: `k=v` lines or the AWS CLI's JSON list. */
  parametersFiles?: string[];
  reportUnresolved?: boolean;
  /** `--strict-suppressions`: another scanner's suppression without a reason suppresses nothing and is reported. */
  strictSuppressions?: boolean;
  /** YYYY-MM-DD; suppression expiry is judged against it (tests fix it). */
  today?: string;
  /** Rules to run instead of the built-in registry (tests run one rule at a time). */
  registry?: RuleModule<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The online pass: --online, --offline, --dry-run, key, cache (it runs only when enabled here or in the config). */
  online?: OnlineOptions;
  /** `--allow-plugins`: load the plugins that repository configs name (a config given with -c from outside the scanned tree may always). */
  allowPlugins?: boolean;
  /** `--allow-outside`: read files outside the scan root (the git top level of the scanned paths) that the scanned files point at. */
  allowOutside?: boolean;
  /** `--jobs`: threads that parse, the main thread included (1: no worker thread); by default one per core (at most 4), or 1 for a small run. */
  jobs?: number;
  /**
   * Texts to read instead of the files on disk (path, absolute or relative to `cwd` → text): an editor's unsaved
   * buffers. Only files the run reads anyway are affected; the files must exist on disk to be found.
   */
  overlay?: Readonly<Record<string, string>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fullRegistry(extra: RuleModule<any>[] = []): RuleModule<any>[] {
  return [...BUILTIN_RULES, ...RULES, ...extra];
}

/** What a run reads: the files selected by paths, globs and configs, and where each file's config comes from. */
interface Inputs {
  cwd: string;
  scope: ScanRoot;
  configs: ConfigSource;
  selected: ReturnType<typeof discover>['files'];
  errors: RunError[];
  trustNote: (file: string | null, message: string) => void;
}

/** The linked model of the analyzed files, with the files read and the run problems met on the way (no rule runs). */
export interface Analysis {
  model: Model;
  files: ParsedFile[];
  errors: RunError[];
  /** Files whose contents the paths and globs asked about (display paths): the others were read only to follow references. */
  reportable: ReadonlySet<string>;
}

/**
 * Reads and links the model as lint() does (same inputs, configs, variables and parameters) without running rules:
 * for `sg-lint graph` and `sg-lint exposure`. Throws ConfigError for an invalid config.
 */
export async function analyze(paths: string[], options: LintOptions = {}): Promise<Analysis> {
  const inputs = selectInputs(paths, options);
  const read = await readModel(inputs, options);
  return { model: read.model, files: read.files, errors: inputs.errors, reportable: read.reportable };
}

function selectInputs(paths: string[], options: LintOptions): Inputs {
  if (options.jobs !== undefined && !(Number.isInteger(options.jobs) && options.jobs >= 1)) throw new RangeError(`jobs must be a whole number from 1, got ${options.jobs}`);
  const cwd = resolve(options.cwd ?? process.cwd());
  const named = [...paths, ...(options.varFiles ?? []), ...(options.parametersFiles ?? []), ...(options.plan ? [options.plan] : []), ...(options.configFile ? [options.configFile] : [])];
  const scope = ScanRoot.of(paths, cwd, named.map((p) => resolve(cwd, p)), Boolean(options.allowOutside));
  const configs = new ConfigSource(cwd, options.configFile, scope);
  const found = discover(paths, cwd, scope);
  const errors: RunError[] = [...found.errors];
  const trustNote = (file: string | null, message: string) => {
    const shown = file ? displayPath(cwd, file) : undefined;
    if (!errors.some((e) => e.kind === 'trust' && e.file === shown && e.message === message)) errors.push({ kind: 'trust', ...(shown ? { file: shown } : {}), message });
  };
  for (const m of found.missing) errors.push({ kind: 'io', file: m, message: 'no such file or directory' });
  const selected = found.files.filter((f) => {
    const rel = displayPath(cwd, f.abs);
    if (options.include?.length && !matchesGlobs(options.include, rel)) return false;
    if (options.exclude?.length && matchesGlobs(options.exclude, rel)) return false;
    const loaded = configs.forFile(f.abs);
    const relToConfig = posixRelative(loaded.dir, f.abs);
    if (loaded.config.include?.length && !matchesGlobs(loaded.config.include, relToConfig)) return false;
    if (loaded.config.exclude?.length && matchesGlobs(loaded.config.exclude, relToConfig)) return false;
    return true;
  });
  return { cwd, scope, configs, selected, errors, trustNote };
}

/** Lints files and directories; throws ConfigError for an invalid config (exit 2), reports everything else in the result. */
export async function lint(paths: string[], options: LintOptions = {}): Promise<Result> {
  const started = performance.now();
  const inputs = selectInputs(paths, options);
  const { cwd, scope, configs, errors, trustNote } = inputs;

  const base = options.registry ? [...BUILTIN_RULES, ...options.registry] : fullRegistry();
  const specs = configs.pluginSpecs();
  const refusedPlugins = specs.filter((p) => !options.allowPlugins && !configs.trusted(p.configFile));
  for (const p of refusedPlugins) {
    trustNote(p.configFile, `plugin "${p.spec}" not loaded: plugins run code, and this config is part of the scanned repository; allow them with --allow-plugins (Action input allow-plugins), or give a config from outside the repository with --config. The built-in rules ran.`);
  }
  const plugins = await loadAllowedPlugins(specs.filter((p) => !refusedPlugins.includes(p)), new Set(base.map((r) => r.id)));
  const registry = [...base, ...plugins];
  const cliRules: Record<string, LevelSetting> = { ...(options.rules ?? {}) };
  if (options.reportUnresolved) cliRules['unresolved-value'] ??= 'note';
  const onlineConfig = configs.online();
  const admitted = admitOnlineConfig(onlineConfig?.config.online, onlineConfig?.file ? configs.trusted(onlineConfig.file) : true, options.online ?? {});
  for (const note of admitted.notes) trustNote(onlineConfig?.file ?? null, note);
  const online = onlineSettings(admitted.config, onlineConfig?.dir ?? cwd, options.online ?? {}, cwd, scope);
  const cli: CliRuleInputs = {
    rules: cliRules,
    ...(options.preset ? { preset: options.preset } : {}),
    ...(options.env ? { env: options.env } : {}),
    online: online !== null,
    withoutPlugins: new Set(refusedPlugins.map((p) => p.configFile)),
  };
  const resolver = new RuleResolver(registry, cli);
  configs.check(resolver);

  const { model, files, reportable, absOf } = await readModel(inputs, options);
  const today = options.today ?? todayUtc();
  // Asked once per rule and file, and once per finding: each file's answers are worked out once.
  const settingsFor = memoized((file: string): FileSettings => configs.settings(resolver, absOf.get(file) ?? resolve(cwd, file)));
  // Only addresses in reported files for which an online rule is on may leave the machine.
  const onlineRules = registry.filter((r) => r.online).map((r) => r.id);
  const wanted = (file: string) => reportable.has(file) && onlineRules.some((id) => (settingsFor(file).rules.get(id)?.level ?? 'off') !== 'off');
  let pass: OnlinePass | undefined;
  if (online) {
    const { runOnlinePass } = await import('./engine/online/pass.js');
    pass = await runOnlinePass(model, online, wanted, options.online?.runtime);
  }
  if (pass) errors.push(...pass.errors);
  const run = runRules({
    model,
    files,
    registry,
    settingsFor,
    today,
    repoPath: memoized((file: string) => scope.repositoryRelative(resolve(cwd, file), file)),
    ...(pass?.lookup ? { online: pass.lookup } : {}),
    externalSuppression: (f) => configs.ignoreFor(f, absOf.get(f.at.file) ?? resolve(cwd, f.at.file), today),
    peerSuppressions: memoized((file: string) => configs.forFile(absOf.get(file) ?? resolve(cwd, file)).config.suppressions?.peers !== false),
    strictSuppressions: Boolean(options.strictSuppressions),
  });
  errors.push(...run.errors);
  const findings = run.findings.filter((f) => reportable.has(f.at.file));
  const unresolved = run.unresolved.filter((v) => reportable.has(v.at.file));
  return { findings, errors, stats: stats(model, files, unresolved, started), files, ...(pass ? { online: pass.summary } : {}), rules: registry };
}

/** Parses the selected files with every front end and links their facts into one model. */
async function readModel(inputs: Inputs, options: LintOptions): Promise<Analysis & { absOf: Map<string, string> }> {
  const { cwd, scope, configs, selected, errors, trustNote } = inputs;
  const facts: Facts[] = [];
  const files: ParsedFile[] = [];
  const moduleDirs = new Map<string, string[]>();
  for (const f of selected) {
    if (f.kind !== 'terraform' && !(f.kind === 'terraform-vars' && f.explicit)) continue;
    const dir = dirname(f.abs);
    if (!moduleDirs.has(dir)) moduleDirs.set(dir, siblingsOf(dir));
  }
  const plan = options.plan ? resolve(cwd, options.plan) : undefined;
  const planFound = plan !== undefined && existsSync(plan);
  if (plan && !planFound) errors.push({ kind: 'io', file: options.plan!, message: 'no such file or directory' });
  const planDir = planFound ? dirname(plan) : undefined;
  if (planDir && !moduleDirs.has(planDir)) moduleDirs.set(planDir, siblingsOf(planDir));
  const terraformDirs: TerraformDir[] = [...moduleDirs].map(([dir, tfFiles]) => {
    const loaded = configs.forFile(join(dir, '_'));
    const tf = loaded.config.terraform ?? {};
    const fromConfig = (tf.varFiles ?? []).filter((v) => {
      if (scope.allows(resolve(loaded.dir, v))) return true;
      trustNote(loaded.file, `terraform.varFiles: ${v} ${OUTSIDE_SCAN_ROOT}`);
      return false;
    });
    const varFiles = [...fromConfig.map((v) => resolve(loaded.dir, v)), ...(options.varFiles ?? []).map((v) => resolve(cwd, v))];
    const vars = { ...Object.fromEntries(Object.entries(tf.vars ?? {}).map(([k, v]) => [k, String(v)])), ...(options.vars ?? {}) };
    return { dir, files: tfFiles, options: { vars, varFiles, envVars: options.envVars ?? {} } };
  });
  const overlay = options.overlay ? Object.fromEntries(Object.entries(options.overlay).map(([p, text]) => [resolve(cwd, p), text])) : undefined;
  const copies = oneCopyPerApp(
    selected.filter((f) => f.kind === 'cloudformation-candidate').map((f) => f.abs),
    selected.filter((f) => f.kind === 'cdk-candidate' && mayBeCdkSource(f.abs, scope)).map((f) => f.abs),
    cwd,
    scope,
    (app) => configs.forFile(join(app, '_')).config.cdk?.prefer ?? 'source',
    overlay,
  );
  for (const s of copies.skipped) errors.push(skippedCopy(s, cwd));
  const exports = selected.filter((f) => f.kind === 'aws-export').map((f) => f.abs);
  const bytes = new Map(selected.map((f) => [f.abs, f.bytes]));
  const parameters = copies.cloudformation.length > 0 ? await cloudFormationParameters(configs, options, cwd) : {};
  const parsed = await parseFrontEnds({
    cwd,
    scope,
    ...(terraformDirs.length > 0 ? { terraform: { dirs: terraformDirs, ...(planDir ? { plan } : {}) } } : {}),
    ...(copies.cloudformation.length > 0 ? { cloudformation: { candidates: copies.cloudformation, parameters } } : {}),
    ...(copies.cdk.length > 0 ? { cdk: { candidates: copies.cdk } } : {}),
    ...(exports.length > 0 ? { awsExport: { candidates: exports } } : {}),
    bytes: (abs) => bytes.get(abs) ?? 0,
    ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
    ...(overlay ? { overlay } : {}),
  });
  for (const result of parsed) {
    facts.push(result.facts);
    for (const i of result.textsLeftOut ?? []) {
      const file = result.files[i]!;
      readTextWhenAsked(file, resolve(cwd, file.path), scope, overlay);
    }
    files.push(...result.files);
  }

  const reportable = new Set(selected.map((f) => displayPath(cwd, f.abs)));
  // Nested stacks, and modules reached only through calls, are reported where their findings are, with the call chain.
  const reachedOnlyByCalls = (abs: string) => !moduleDirs.has(dirname(abs)) || dirname(abs) === planDir;
  for (const f of files) if (f.format === 'cloudformation' || (f.format === 'terraform' && reachedOnlyByCalls(resolve(cwd, f.path)))) reportable.add(f.path);
  // A .tfvars file named on its own (a pre-commit hook passes just the changed files) stands for the module it sets values in.
  for (const f of selected) if (f.kind === 'terraform-vars' && f.explicit) for (const tf of moduleDirs.get(dirname(f.abs)) ?? []) reportable.add(displayPath(cwd, tf));
  const absOf = new Map(files.map((f) => [f.path, resolve(cwd, f.path)]));
  return { model: link(facts), files, errors, reportable, absOf };
}

/** Plugins run through ajv's schema compiler: only runs that load some pay for loading it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function loadAllowedPlugins(specs: PluginSpec[], taken: ReadonlySet<string>): Promise<RuleModule<any>[]> {
  if (specs.length === 0) return [];
  const { loadPlugins } = await import('./engine/plugins.js');
  return loadPlugins(specs, taken);
}

/** Parameter values for root templates: config `cloudformation.parameters`, then --parameters-file, then --parameter. */
async function cloudFormationParameters(configs: ConfigSource, options: LintOptions, cwd: string): Promise<Record<string, string>> {
  const { readParametersFile } = await import('./parsers/cloudformation/parameters.js');
  const loaded = options.configFile ? configs.forFile(resolve(cwd, options.configFile)) : configs.forFile(join(cwd, '_'));
  const fromConfig = Object.fromEntries(Object.entries(loaded.config.cloudformation?.parameters ?? {}).map(([k, v]) => [k, String(v)]));
  const fromFiles = Object.assign({}, ...(options.parametersFiles ?? []).map((f) => readParametersFile(resolve(cwd, f))));
  return { ...fromConfig, ...fromFiles, ...(options.parameters ?? {}) };
}

/** The note that says, once per CDK app, which copy of it was skipped and how to choose the other. */
function skippedCopy(s: OneCopy['skipped'][number], cwd: string): RunError {
  const app = displayPath(cwd, s.app) || '.';
  const files = s.files.map((f) => displayPath(cwd, f)).join(', ');
  const message =
    s.kept === 'source'
      ? `synthesized copy of the CDK app in ${app} skipped (${files}): its sources are analyzed and report the same problems; config cdk.prefer: synthesized lints the template instead`
      : `sources of the CDK app in ${app} skipped (${files}): its synthesized template is analyzed (config cdk.prefer: synthesized); cdk.prefer: source lints the sources instead`;
  return { kind: 'skipped', file: displayPath(cwd, s.files[0]!), message };
}

/** Every Terraform file of a module directory: a file is always evaluated with its whole module. */
function siblingsOf(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => kindOf(n) === 'terraform')
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

function stats(model: ReturnType<typeof link>, files: ParsedFile[], values: Unresolved[], started: number): Stats {
  const byFormat: Stats['byFormat'] = { terraform: 0, cloudformation: 0, cdk: 0, aws: 0 };
  for (const f of files) byFormat[f.format]++;
  const unresolvedByReason: Record<string, number> = {};
  for (const v of values) unresolvedByReason[v.why] = (unresolvedByReason[v.why] ?? 0) + 1;
  return {
    files: files.length,
    byFormat,
    groups: model.groups.size,
    rules: [...model.rules.values()].filter((r) => !r.implicit).length,
    unresolvedValues: values.length,
    unresolvedByReason,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Finds, loads and validates the config that applies to each file (the nearest one, or the one given with -c). */
class ConfigSource {
  private readonly dirCache = new Map<string, string | null>();
  /** Each file's config, asked for again by every finding in it (config `ignore` entries). */
  private readonly fileCache = new Map<string, LoadedConfig>();
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
    const loaded = this.forFile(abs);
    if (!loaded.config.ignore?.length) return undefined;
    const rel = posixRelative(loaded.dir, abs);
    for (const entry of loaded.config.ignore) {
      if (entry.rule !== f.ruleId) continue;
      if (entry.files && !matchesGlobs(entry.files, rel)) continue;
      if (entry.resource && entry.resource !== f.resource && entry.resource !== f.group) continue;
      if (entry.until && isExpired(entry.until, today)) continue;
      return { kind: 'config', reason: entry.reason, ...(entry.until ? { until: entry.until } : {}) };
    }
    return undefined;
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

export { ConfigError };
export type { Finding, FindingInstance, Result, RunError, Stats } from './engine/result.js';
export type { Level, LevelSetting, RuleModule } from './engine/define-rule.js';
