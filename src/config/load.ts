import { Ajv, type ErrorObject } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { LevelSetting } from '../engine/define-rule.js';
import { loadJson } from '../util/package-files.js';

export type RuleSetting = LevelSetting | [LevelSetting] | [LevelSetting, Record<string, unknown>];
export type RuleSettings = Record<string, RuleSetting>;

export interface IgnoreEntry {
  rule: string;
  files?: string[];
  resource?: string;
  reason: string;
  until?: string;
}

export interface OnlineConfig {
  enabled?: boolean;
  provider?: 'metadefender' | 'abuseipdb' | 'file';
  baseUrl?: string;
  timeoutMs?: number;
  budgetMs?: number;
  concurrency?: number;
  cacheTtlHours?: number;
  maxAddressesPerCidr?: number;
  minConfidence?: number;
  file?: string;
}

export interface Config {
  preset?: 'recommended' | 'strict' | 'all';
  include?: string[];
  exclude?: string[];
  rules?: RuleSettings;
  environments?: Record<string, { files: string[]; rules?: RuleSettings }>;
  overrides?: { files: string[]; rules: RuleSettings }[];
  ignore?: IgnoreEntry[];
  plugins?: string[];
  terraform?: { varFiles?: string[]; vars?: Record<string, string | number | boolean> };
  cloudformation?: { parameters?: Record<string, string | number | boolean> };
  online?: OnlineConfig;
}

/** A loaded config file: its contents and the directory its globs are relative to. */
export interface LoadedConfig {
  file: string | null;
  dir: string;
  config: Config;
}

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length > 0 ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
  }
}

export const CONFIG_NAMES = ['.sg-lint.yml', '.sg-lint.yaml', '.sg-lint.json'];

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(data: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, strict: true, strictTuples: false, allowUnionTypes: true }).compile(loadJson('schemas/config.schema.json'));
  return validator(data) ? [] : (validator.errors ?? []);
}

/** Reads and validates one config file; throws ConfigError with every problem listed. */
export function readConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${(e as Error).message}`, file);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => `line ${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0]}`);
    throw new ConfigError(`invalid config ${file}: not valid YAML/JSON`, file, problems);
  }
  const data = (doc.toJS({ maxAliasCount: 100 }) ?? {}) as unknown;
  const errors = validate(data);
  if (errors.length > 0) {
    throw new ConfigError(`invalid config ${file}`, file, errors.map((e) => describeSchemaError(e, doc, lines)));
  }
  return { file, dir: dirname(file), config: data as Config };
}

function describeSchemaError(e: ErrorObject, doc: ReturnType<typeof parseDocument>, lines: LineCounter): string {
  const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const node = segments.length > 0 ? doc.getIn(segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s)), true) : doc.contents;
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  const where = range ? `line ${lines.linePos(range[0]).line}: ` : '';
  const path = segments.length > 0 ? segments.join('.') : '(top level)';
  const detail =
    e.keyword === 'additionalProperties'
      ? `unknown property "${(e.params as { additionalProperty: string }).additionalProperty}"`
      : e.keyword === 'enum'
        ? `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
        : e.message ?? 'is invalid';
  return `${where}${path}: ${detail}`;
}

/** The nearest config file in `dir` or above, or null. Results are cached per directory. */
export function findConfig(dir: string, cache: Map<string, string | null>): string | null {
  const seen: string[] = [];
  let current = resolve(dir);
  for (;;) {
    const cached = cache.get(current);
    if (cached !== undefined) {
      for (const d of seen) cache.set(d, cached);
      return cached;
    }
    seen.push(current);
    const found = CONFIG_NAMES.map((n) => join(current, n)).find((p) => existsSync(p));
    if (found) {
      for (const d of seen) cache.set(d, found);
      return found;
    }
    const parent = dirname(current);
    if (parent === current) {
      for (const d of seen) cache.set(d, null);
      return null;
    }
    current = parent;
  }
}
