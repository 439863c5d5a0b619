import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkModel, concatenatedChecks, modelCounts, ruleSetupOf, type RuleTaskSettings } from './check-model.js';
import { BUILTIN_RULES } from './engine/builtins.js';
import { ConfigError } from './config/load.js';
import { matchesGlobs, RuleResolver, type CliRuleInputs } from './config/resolve.js';
import { ConfigSource } from './config/source.js';
import { discover, kindOf } from './discover/discover.js';
import { checkFrontEnds, frontEndLanes, parseFrontEnds, type FrontEndInputs } from './front-ends.js';
import type { LevelSetting, RuleModule } from './engine/define-rule.js';
import type { Result, RunError, Stats } from './engine/result.js';
import type { OnlinePass } from './engine/online/pass.js';
import { admitOnlineConfig, onlineSettings, type OnlineOptions } from './engine/online/settings.js';
import type { PluginSpec } from './engine/plugins.js';
import { compareFindings } from './engine/run.js';
import { todayUtc } from './engine/directive.js';
import { link } from './model/link.js';
import type { Model } from './model/types.js';
import type { Unresolved } from './model/value.js';
import { mayBeCdkSource } from './parsers/cdk/app.js';
import { oneCopyPerApp, type OneCopy } from './parsers/cdk/synthesized.js';
import { readTextWhenAsked } from './parsers/read.js';
import type { TerraformDir } from './parsers/terraform/index.js';
import type { FrontEndResult, ParsedFile } from './parsers/types.js';
import type { PresetName } from '../rules/presets.js';
import { fullRegistry } from './registry.js';
import { displayPath, posixRelative } from './util/paths.js';
import { OUTSIDE_SCAN_ROOT, ScanRoot } from './util/scan-root.js';
import { appendAll } from './util/arrays.js';

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
  /** `--jobs`: threads that parse and check, the main thread included (1: no worker thread); by default one per core (at most 4), or 1 for a small run. */
  jobs?: number;
  /**
   * Texts to read instead of the files on disk (path, absolute or relative to `cwd` → text): an editor's unsaved
   * buffers. Only files the run reads anyway are affected; the files must exist on disk to be found.
   */
  overlay?: Readonly<Record<string, string>>;
}

export { fullRegistry };

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
  const reading = await frontEndInputs(inputs, options);
  return readModel(inputs, reading, await parseFrontEnds(reading.frontEnds));
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

  const today = options.today ?? todayUtc();
  const strictSuppressions = Boolean(options.strictSuppressions);
  const setup = ruleSetupOf({ cwd, scope, configs, resolver, registry, today, strictSuppressions });
  const reading = await frontEndInputs(inputs, options);
  // With several threads, each checks the models of the tasks it parsed, unless something needs the whole model (the
  // online pass, a rule that relates deployment units) or rules that only the main thread has (plugins, or a registry
  // handed to the API). A file the selection did not name may have a config of its own that turns such a rule on: the
  // run is then done again over the whole model.
  const wholeRunRules = registry.filter((r) => r.wholeRun).map((r) => r.id);
  const needsWholeModel = (abs: string) => wholeRunRules.some((id) => (setup.settingsAt(abs).rules.get(id)?.level ?? 'off') !== 'off');
  if (!online && plugins.length === 0 && !options.registry && frontEndLanes(reading.frontEnds) > 1 && !inputs.selected.some((f) => needsWholeModel(f.abs))) {
    const settings: RuleTaskSettings = { ...(options.configFile ? { configFile: options.configFile } : {}), cli: { ...cli, withoutPlugins: [...cli.withoutPlugins!] }, today, strictSuppressions };
    const checked = concatenatedChecks(await checkFrontEnds(reading.frontEnds, settings));
    if (!checked.files.some((f) => needsWholeModel(resolve(cwd, f.path)))) {
      const { files, reportable } = filesRead(inputs, reading, checked);
      appendAll(errors, checked.errors);
      const findings = checked.findings.filter((f) => reportable.has(f.at.file)).sort(compareFindings);
      const unresolved = checked.unresolved.filter((v) => reportable.has(v.at.file));
      return { findings, errors, stats: stats(checked, files, unresolved, started), files, rules: registry };
    }
  }

  const { model, files, reportable } = readModel(inputs, reading, await parseFrontEnds(reading.frontEnds));
  // Only addresses in reported files for which an online rule is on may leave the machine.
  const onlineRules = registry.filter((r) => r.online).map((r) => r.id);
  const wanted = (file: string) => reportable.has(file) && onlineRules.some((id) => (setup.settingsAt(resolve(cwd, file)).rules.get(id)?.level ?? 'off') !== 'off');
  let pass: OnlinePass | undefined;
  if (online) {
    const { runOnlinePass } = await import('./engine/online/pass.js');
    pass = await runOnlinePass(model, online, wanted, options.online?.runtime);
  }
  if (pass) appendAll(errors, pass.errors);
  const run = checkModel(model, files, setup, pass?.lookup);
  appendAll(errors, run.errors);
  const findings = run.findings.filter((f) => reportable.has(f.at.file));
  const unresolved = run.unresolved.filter((v) => reportable.has(v.at.file));
  return { findings, errors, stats: stats(modelCounts(model), files, unresolved, started), files, ...(pass ? { online: pass.summary } : {}), rules: registry };
}

/** What the front ends are handed, and what tells the files read to follow references from those asked about. */
interface Reading {
  frontEnds: FrontEndInputs;
  /** The Terraform module directories of the selected files, with their Terraform files. */
  moduleDirs: Map<string, string[]>;
  planDir: string | undefined;
  overlay: Record<string, string> | undefined;
}

/** The selected files as the front ends' inputs: Terraform module directories with their variables, templates, CDK apps, exports. */
async function frontEndInputs(inputs: Inputs, options: LintOptions): Promise<Reading> {
  const { cwd, scope, configs, selected, errors, trustNote } = inputs;
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
  const frontEnds: FrontEndInputs = {
    cwd,
    scope,
    ...(terraformDirs.length > 0 ? { terraform: { dirs: terraformDirs, ...(planDir ? { plan } : {}) } } : {}),
    ...(copies.cloudformation.length > 0 ? { cloudformation: { candidates: copies.cloudformation, parameters } } : {}),
    ...(copies.cdk.length > 0 ? { cdk: { candidates: copies.cdk } } : {}),
    ...(exports.length > 0 ? { awsExport: { candidates: exports } } : {}),
    bytes: (abs) => bytes.get(abs) ?? 0,
    ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
    ...(overlay ? { overlay } : {}),
  };
  return { frontEnds, moduleDirs, planDir, overlay };
}

/** Links the front ends' facts into one model. */
function readModel(inputs: Inputs, reading: Reading, parsed: FrontEndResult[]): Analysis {
  const { files, reportable } = filesRead(inputs, reading, ...parsed);
  return { model: link(parsed.map((p) => p.facts)), files, errors: inputs.errors, reportable };
}

/**
 * The files the front ends read, whose texts left out are read again when asked for, and those of them whose findings
 * are reported: the files the paths and globs asked about, and the files their findings reach (nested stacks, modules).
 */
function filesRead(inputs: Inputs, reading: Reading, ...results: { files: ParsedFile[]; textsLeftOut?: number[] }[]): { files: ParsedFile[]; reportable: Set<string> } {
  const { cwd, scope, selected } = inputs;
  const { moduleDirs, planDir, overlay } = reading;
  const files: ParsedFile[] = [];
  for (const result of results) {
    for (const i of result.textsLeftOut ?? []) {
      const file = result.files[i]!;
      readTextWhenAsked(file, resolve(cwd, file.path), scope, overlay);
    }
    appendAll(files, result.files);
  }
  const reportable = new Set(selected.map((f) => displayPath(cwd, f.abs)));
  // Nested stacks, and modules reached only through calls, are reported where their findings are, with the call chain.
  const reachedOnlyByCalls = (abs: string) => !moduleDirs.has(dirname(abs)) || dirname(abs) === planDir;
  for (const f of files) if (f.format === 'cloudformation' || (f.format === 'terraform' && reachedOnlyByCalls(resolve(cwd, f.path)))) reportable.add(f.path);
  // A .tfvars file named on its own (a pre-commit hook passes just the changed files) stands for the module it sets values in.
  for (const f of selected) if (f.kind === 'terraform-vars' && f.explicit) for (const tf of moduleDirs.get(dirname(f.abs)) ?? []) reportable.add(displayPath(cwd, tf));
  return { files, reportable };
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

function stats(counts: { groups: number; rules: number }, files: ParsedFile[], values: Unresolved[], started: number): Stats {
  const byFormat: Stats['byFormat'] = { terraform: 0, cloudformation: 0, cdk: 0, aws: 0 };
  for (const f of files) byFormat[f.format]++;
  const byReason = new Map<string, number>();
  for (const v of values) byReason.set(v.why, (byReason.get(v.why) ?? 0) + 1);
  // Most frequent first: the order does not depend on how the run was divided between threads.
  const unresolvedByReason = Object.fromEntries([...byReason].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
  return {
    files: files.length,
    byFormat,
    groups: counts.groups,
    rules: counts.rules,
    unresolvedValues: values.length,
    unresolvedByReason,
    durationMs: Math.round(performance.now() - started),
  };
}

export { ConfigError };
export type { Finding, FindingInstance, Result, RunError, Stats } from './engine/result.js';
export type { Level, LevelSetting, RuleModule } from './engine/define-rule.js';
