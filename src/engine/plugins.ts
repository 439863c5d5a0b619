import { Ajv } from 'ajv';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config/load.js';
import type { RuleModule } from './define-rule.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRule = RuleModule<any>;

export interface PluginSpec {
  /** As written in the config: a relative or absolute file path, or an npm package name. */
  spec: string;
  /** The config file's directory: paths and packages resolve from there. */
  baseDir: string;
  configFile: string;
}

const ID = /^(ingress|egress|rule|group|attachment)-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const LEVELS = new Set(['error', 'warning', 'note']);

/** Loads config `plugins`: each module's default export is a rule, a list of rules, or `{ rules: [...] }`, checked like built-in rules. */
export async function loadPlugins(specs: PluginSpec[], taken: ReadonlySet<string>): Promise<AnyRule[]> {
  const loaded: AnyRule[] = [];
  const ids = new Set(taken);
  const seen = new Set<string>();
  for (const p of specs) {
    const file = locate(p);
    if (seen.has(file)) continue;
    seen.add(file);
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (e) {
      throw new ConfigError(`plugin "${p.spec}" (${p.configFile}) cannot be loaded: ${(e as Error).message}`, p.configFile);
    }
    const exported = mod.default;
    const rules = Array.isArray(exported) ? exported : exported && typeof exported === 'object' && 'rules' in exported ? (exported as { rules: unknown }).rules : [exported];
    if (!Array.isArray(rules) || rules.length === 0) throw new ConfigError(`plugin "${p.spec}" exports no rules (default export: a rule, an array of rules, or { rules })`, p.configFile);
    for (const rule of rules) {
      const problems = ruleProblems(rule, ids);
      if (problems.length > 0) throw new ConfigError(`plugin "${p.spec}" has an invalid rule`, p.configFile, problems);
      ids.add((rule as AnyRule).id);
      loaded.push(rule as AnyRule);
    }
  }
  return loaded;
}

function locate(p: PluginSpec): string {
  if (p.spec.startsWith('.') || isAbsolute(p.spec)) {
    const file = resolve(p.baseDir, p.spec);
    if (!existsSync(file)) throw new ConfigError(`plugin "${p.spec}" not found at ${file}`, p.configFile);
    return file;
  }
  try {
    return createRequire(join(p.baseDir, 'noop.js')).resolve(p.spec);
  } catch {
    throw new ConfigError(`plugin package "${p.spec}" cannot be resolved from ${p.baseDir} (is it installed?)`, p.configFile);
  }
}

/** The checks the meta-tests make on built-in rules, made at load time for plugin rules. */
function ruleProblems(rule: unknown, taken: ReadonlySet<string>): string[] {
  if (!rule || typeof rule !== 'object') return ['a rule must be an object made with defineRule()'];
  const r = rule as Partial<AnyRule>;
  const problems: string[] = [];
  if (typeof r.id !== 'string' || !ID.test(r.id)) problems.push(`id "${String(r.id)}" must be kebab-case and start with ingress-, egress-, rule-, group- or attachment-`);
  else if (taken.has(r.id)) problems.push(`id "${r.id}" is already taken`);
  if (typeof r.title !== 'string' || r.title.trim() === '') problems.push('title is missing');
  if (typeof r.description !== 'string' || r.description.trim() === '') problems.push('description is missing');
  if (typeof r.level !== 'string' || !LEVELS.has(r.level)) problems.push('level must be error, warning or note');
  if (typeof r.check !== 'function') problems.push('check must be a function');
  if (!r.messages || typeof r.messages !== 'object' || Object.keys(r.messages).length === 0) problems.push('messages must map message ids to texts');
  if (!r.options || typeof r.options !== 'object' || !r.options.schema) problems.push('options must hold { schema, defaults }');
  else {
    try {
      const validate = new Ajv({ strict: true, allErrors: true }).compile(r.options.schema);
      if (!validate(structuredClone(r.options.defaults ?? {}))) problems.push(`options.defaults do not satisfy options.schema: ${JSON.stringify(validate.errors)}`);
    } catch (e) {
      problems.push(`options.schema does not compile: ${(e as Error).message}`);
    }
  }
  if (!Array.isArray(r.tags)) problems.push('tags must be an array');
  return problems;
}
