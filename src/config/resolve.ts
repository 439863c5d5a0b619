import type { ValidateFunction } from 'ajv';
import picomatch from 'picomatch';
import type { LevelSetting, RuleModule } from '../engine/define-rule.js';
import { presetLevels, type PresetName } from '../../rules/presets.js';
import { ConfigError, type LoadedConfig, type RuleSetting, type RuleSettings } from './load.js';
import { posixRelative } from '../util/paths.js';
import { SchemaCompiler } from './schema-validators.js';

export interface EffectiveRule {
  level: LevelSetting;
  options: Record<string, unknown>;
}

export interface FileSettings {
  rules: Map<string, EffectiveRule>;
  environments: string[];
}

export interface CliRuleInputs {
  preset?: PresetName;
  /** `--rule id=level`, applied last. */
  rules: Record<string, LevelSetting>;
  /** `--env name`: this environment profile for every file. */
  env?: string;
  /** The online pass runs: online rules get their preset level instead of off. */
  online?: boolean;
  /** Config files whose plugins were not loaded: rule ids they name that no loaded rule has are passed over, not errors. */
  withoutPlugins?: ReadonlySet<string>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRule = RuleModule<any>;

const globCache = new Map<string, (path: string) => boolean>();
export function matchesGlobs(globs: readonly string[], relPath: string): boolean {
  return globs.some((g) => {
    let m = globCache.get(g);
    if (!m) globCache.set(g, (m = picomatch(g, { dot: true })));
    return m(relPath);
  });
}

/** Computes each file's rule levels and options: preset, `rules`, environment, `overrides`, `--rule`, last one winning. */
export class RuleResolver {
  private readonly byId: Map<string, AnyRule>;
  private readonly schemas = new SchemaCompiler('ruleOptions');
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly cache = new Map<string, FileSettings>();

  constructor(
    private readonly registry: AnyRule[],
    private readonly cli: CliRuleInputs,
  ) {
    this.byId = new Map(registry.map((r) => [r.id, r]));
    for (const id of Object.keys(cli.rules)) if (!this.byId.has(id)) throw new ConfigError(`unknown rule id "${id}" in --rule`, '--rule');
  }

  /** Checks a config's rule ids and options up front, so a bad config fails before any file is analyzed. */
  check(loaded: LoadedConfig): void {
    const c = loaded.raw ?? loaded.config;
    const entries = (x: unknown): [string, unknown][] => (x && typeof x === 'object' && !Array.isArray(x) ? Object.entries(x) : []);
    const sets: [string, (string | number)[], unknown][] = [
      ['rules', ['rules'], c.rules],
      ...entries(c.environments).map(([name, e]): [string, (string | number)[], unknown] => [`environments.${name}.rules`, ['environments', name, 'rules'], (e as { rules?: unknown } | null)?.rules]),
      ...(Array.isArray(c.overrides) ? c.overrides : []).map((o, i): [string, (string | number)[], unknown] => [`overrides[${i}].rules`, ['overrides', i, 'rules'], (o as { rules?: unknown } | null)?.rules]),
    ];
    const at = (segments: (string | number)[]) => {
      const line = loaded.lineOf?.(segments);
      return line ? `line ${line}: ` : '';
    };
    const problems: string[] = [...(loaded.problems ?? [])];
    // Rule ids of plugins that were not loaded (not allowed, or named by a config that does not load) cannot be told from typos.
    const pluginRulesMissing = loaded.file !== null && (this.cli.withoutPlugins?.has(loaded.file) ?? false);
    const idsKnown = !pluginRulesMissing && (!loaded.problems || !Array.isArray(c.plugins) || c.plugins.length === 0);
    for (const [where, path, rules] of sets) {
      for (const [id, setting] of entries(rules)) {
        const rule = this.byId.get(id);
        if (!rule) {
          if (idsKnown) problems.push(`${at([...path, id])}${where}: unknown rule id "${id}"`);
          continue;
        }
        const options = Array.isArray(setting) ? setting[1] : undefined;
        if (options && typeof options === 'object') problems.push(...this.optionProblems(rule, options as Record<string, unknown>).map((p) => `${at([...path, id, 1])}${where}.${id}: ${p}`));
      }
    }
    for (const [i, entry] of (Array.isArray(c.ignore) ? c.ignore : []).entries()) {
      const rule = (entry as { rule?: unknown } | null)?.rule;
      if (typeof rule === 'string' && idsKnown && !this.byId.has(rule)) problems.push(`${at(['ignore', i, 'rule'])}ignore[${i}].rule: unknown rule id "${rule}"`);
    }
    if (this.cli.env && c.environments && !(this.cli.env in c.environments) && this.cli.env !== 'production') {
      problems.push(`--env ${this.cli.env}: no such environment in the config`);
    }
    const lineOf = (p: string) => Number(/^line (\d+):/.exec(p)?.[1] ?? Number.MAX_SAFE_INTEGER);
    if (problems.length > 0) throw new ConfigError(`invalid config ${loaded.file ?? ''}`.trim(), loaded.file ?? '', problems.sort((a, b) => lineOf(a) - lineOf(b)));
  }

  forFile(absFile: string, loaded: LoadedConfig): FileSettings {
    // Settings differ between files of one config only through environment and override globs.
    const c0 = loaded.config;
    const perFile = (c0.overrides?.length ?? 0) > 0 || (!this.cli.env && Object.keys(c0.environments ?? {}).length > 0);
    const key = `${loaded.file ?? ''}\0${perFile ? absFile : ''}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const c = loaded.config;
    const rel = posixRelative(loaded.dir, absFile);
    const rules = new Map<string, EffectiveRule>();
    const levels = presetLevels(this.cli.preset ?? c.preset ?? 'recommended', this.registry, this.cli.online);
    for (const rule of this.registry) rules.set(rule.id, { level: levels.get(rule.id) ?? 'off', options: { ...rule.options.defaults } });
    const apply = (settings: RuleSettings | undefined) => {
      for (const [id, setting] of Object.entries(settings ?? {})) {
        const current = rules.get(id);
        if (current) rules.set(id, merge(current, setting));
      }
    };
    apply(c.rules);
    const environments: string[] = [];
    const envName = this.cli.env ?? Object.entries(c.environments ?? {}).find(([, e]) => matchesGlobs(e.files, rel))?.[0];
    if (envName) {
      environments.push(envName);
      if (envName === 'production') apply({ 'egress-unrestricted': 'error' });
      apply(c.environments?.[envName]?.rules);
    }
    for (const o of c.overrides ?? []) if (matchesGlobs(o.files, rel)) apply(o.rules);
    for (const [id, level] of Object.entries(this.cli.rules)) rules.set(id, { ...rules.get(id)!, level });
    for (const [id, eff] of rules) {
      const rule = this.byId.get(id)!;
      const problems = this.optionProblems(rule, eff.options);
      if (problems.length > 0) throw new ConfigError(`invalid options for rule ${id}`, loaded.file ?? '', problems);
    }
    const result = { rules, environments };
    this.cache.set(key, result);
    return result;
  }

  private optionProblems(rule: AnyRule, options: Record<string, unknown>): string[] {
    let validate = this.validators.get(rule.id);
    if (!validate) this.validators.set(rule.id, (validate = this.schemas.compile(rule.options.schema)));
    const copy = { ...rule.options.defaults, ...options };
    if (validate(copy)) return [];
    return (validate.errors ?? []).map((e) => `options${e.instancePath.replace(/\//g, '.')} ${e.message ?? 'is invalid'}`);
  }
}

function merge(current: EffectiveRule, setting: RuleSetting): EffectiveRule {
  if (!Array.isArray(setting)) return { ...current, level: setting };
  const [level, options] = setting;
  return { level, options: options ? { ...current.options, ...options } : current.options };
}
