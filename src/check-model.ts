// Running the rules over a linked model: the whole run's model on the main thread, or, in a run with worker threads,
// the model of one front-end task (a deployment unit never spans two tasks), on whichever thread did the task.
import { resolve } from 'node:path';
import { ConfigSource } from './config/source.js';
import { RuleResolver, type CliRuleInputs, type FileSettings } from './config/resolve.js';
import type { RuleModule, OnlineLookup } from './engine/define-rule.js';
import type { Finding, RunError } from './engine/result.js';
import { runRules } from './engine/run.js';
import { fullRegistry } from './registry.js';
import { link } from './model/link.js';
import type { Model } from './model/types.js';
import type { Unresolved } from './model/value.js';
import { concatenatedFiles } from './front-ends.js';
import type { FrontEndResult, ParsedFile } from './parsers/types.js';
import { memoized } from './util/maps.js';
import type { ScanRoot } from './util/scan-root.js';

/** What the rules need besides the model: the configs and the rules' settings. */
export interface RuleSetup {
  cwd: string;
  scope: ScanRoot;
  configs: ConfigSource;
  resolver: RuleResolver;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  registry: RuleModule<any>[];
  today: string;
  strictSuppressions: boolean;
  /** Each file's rule settings by its absolute path, worked out once (asked once per rule and file, and once per finding). */
  settingsAt: (abs: string) => FileSettings;
}

/** A RuleSetup, with each file's settings worked out on first use. */
export function ruleSetupOf(parts: Omit<RuleSetup, 'settingsAt'>): RuleSetup {
  return { ...parts, settingsAt: memoized((abs: string) => parts.configs.settings(parts.resolver, abs)) };
}

/** A RuleSetup as plain data a worker thread can be handed: the built-in rules only (a run with plugins keeps its rules on the main thread). */
export interface RuleTaskSettings {
  configFile?: string;
  cli: Omit<CliRuleInputs, 'withoutPlugins' | 'online'> & { withoutPlugins: string[] };
  today: string;
  strictSuppressions: boolean;
}

/** The setup of a run of the built-in rules (configs are read again, and checked, by the thread that needs them). */
export function ruleSetup(settings: RuleTaskSettings, cwd: string, scope: ScanRoot): RuleSetup {
  const configs = new ConfigSource(cwd, settings.configFile, scope);
  const registry = fullRegistry();
  const resolver = new RuleResolver(registry, { ...settings.cli, online: false, withoutPlugins: new Set(settings.cli.withoutPlugins) });
  configs.check(resolver);
  return ruleSetupOf({ cwd, scope, configs, resolver, registry, today: settings.today, strictSuppressions: settings.strictSuppressions });
}

/** Every enabled rule over the model, with suppressions applied (the findings of every file, reported or not). */
export function checkModel(model: Model, files: ParsedFile[], setup: RuleSetup, online?: OnlineLookup) {
  const { cwd, scope, configs, today } = setup;
  const absOf = new Map(files.map((f) => [f.path, resolve(cwd, f.path)]));
  return runRules({
    model,
    files,
    registry: setup.registry,
    settingsFor: memoized((file: string) => setup.settingsAt(absOf.get(file) ?? resolve(cwd, file))),
    today,
    repoPath: memoized((file: string) => scope.repositoryRelative(resolve(cwd, file), file)),
    ...(online ? { online } : {}),
    externalSuppression: (f) => configs.ignoreFor(f, absOf.get(f.at.file) ?? resolve(cwd, f.at.file), today),
    peerSuppressions: memoized((file: string) => configs.forFile(absOf.get(file) ?? resolve(cwd, file)).config.suppressions?.peers !== false),
    strictSuppressions: setup.strictSuppressions,
  });
}

/** A front-end task's outcome once its own model has been checked: its findings instead of its facts. */
export interface CheckedResult {
  files: ParsedFile[];
  textsLeftOut?: number[];
  findings: Finding[];
  unresolved: Unresolved[];
  errors: RunError[];
  /** The model's groups, and its rules that are not implicit (the run summary counts them). */
  groups: number;
  rules: number;
}

/** Links a front end's facts and runs the rules over them, while the files still have their texts. */
export function checkResult(parsed: FrontEndResult, setup: RuleSetup): CheckedResult {
  const model = link([parsed.facts]);
  const run = checkModel(model, parsed.files, setup);
  return { files: parsed.files, findings: run.findings, unresolved: run.unresolved, errors: run.errors, ...modelCounts(model) };
}

export function modelCounts(model: Model): { groups: number; rules: number } {
  let rules = 0;
  for (const r of model.rules.values()) if (!r.implicit) rules++;
  return { groups: model.groups.size, rules };
}

/** Checked results of several tasks as one (their findings in task order: the caller sorts them). */
export function concatenatedChecks(results: CheckedResult[]): CheckedResult {
  return {
    ...concatenatedFiles(results),
    findings: results.flatMap((r) => r.findings),
    unresolved: results.flatMap((r) => r.unresolved),
    errors: results.flatMap((r) => r.errors),
    groups: results.reduce((n, r) => n + r.groups, 0),
    rules: results.reduce((n, r) => n + r.rules, 0),
  };
}
