import type { ErrorObject, ValidateFunction } from 'ajv';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Document, LineCounter } from 'yaml';
import type { LevelSetting } from '../engine/define-rule.js';
import { addDuplicateKeyErrors } from '../parsers/unique-keys.js';
import { readTextFile } from '../util/files.js';
import { loadJson } from '../util/package-files.js';
import { SchemaCompiler } from './schema-validators.js';

const require = createRequire(import.meta.url);

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
  cdk?: { prefer?: 'source' | 'synthesized' };
  online?: OnlineConfig;
  /** `peers: false`: other scanners' suppressions (checkov, tfsec, trivy, …) do not count. */
  suppressions?: { peers?: boolean };
}

/** A loaded config file: its contents and the directory its globs are relative to. */
export interface LoadedConfig {
  file: string | null;
  dir: string;
  config: Config;
  /**
   * What is wrong with the file's shape (schema errors, each with its line). Then `config` is empty, so nothing reads
   * a malformed value, and `raw` holds the file's data for the rule checks, which report every problem at once.
   */
  problems?: string[];
  raw?: Config;
  /** The line of a value in the file (`["rules", "x"]`), for messages. */
  lineOf?: (segments: (string | number)[]) => number | undefined;
}

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length > 0 ? `${message}\n${listed(problems)}` : message);
  }
}

/** Problems a config error lists, at most: a config of 200,000 unknown rule ids would print 200,000 lines. */
const LISTED_PROBLEMS = 50;

function listed(problems: readonly string[]): string {
  const shown = problems.slice(0, LISTED_PROBLEMS).map((p) => `  - ${p}`);
  if (problems.length > LISTED_PROBLEMS) shown.push(`  - and ${problems.length - LISTED_PROBLEMS} more`);
  return shown.join('\n');
}

/**
 * A config larger than this is refused: a real one is a few kilobytes (3,000 `ignore` entries are 250 KB), and reading
 * YAML takes about 150 times its size in memory, so a 100 MB config in a pull request could exhaust a runner's.
 */
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

export const CONFIG_NAMES = ['.sg-lint.yml', '.sg-lint.yaml', '.sg-lint.json'];

let validator: ValidateFunction | undefined;

function validate(data: unknown): ErrorObject[] {
  validator ??= new SchemaCompiler('config').compile(loadJson('schemas/config.schema.json'));
  return validator(data) ? [] : (validator.errors ?? []);
}

/** Reads and validates one config file; throws ConfigError with every problem listed. */
export function readConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readTextFile(file, MAX_CONFIG_BYTES);
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${(e as Error).message}`, file);
  }
  // Loaded here, not at start: only runs that find a config file read YAML through this module.
  const { LineCounter, parseDocument } = require('yaml') as typeof import('yaml');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  addDuplicateKeyErrors(doc, lines);
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => `line ${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0]}`);
    throw new ConfigError(`invalid config ${file}: not valid YAML/JSON`, file, problems);
  }
  const data = (doc.toJS({ maxAliasCount: 100 }) ?? {}) as unknown;
  const errors = validate(data);
  const lineOf = lineFinder(doc, lines);
  if (errors.length > 0) return { file, dir: dirname(file), config: {}, raw: data as Config, problems: schemaProblems(errors, lineOf), lineOf };
  return { file, dir: dirname(file), config: data as Config, lineOf };
}

/** One line per problem, in file order; a value that fits none of a `oneOf`'s forms is one problem, not one per form. */
function schemaProblems(errors: ErrorObject[], lineAt: (segments: (string | number)[]) => number | undefined): string[] {
  const noForm = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const withinNoForm = (path: string) => {
    for (let p = path; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) if (noForm.has(p)) return true;
    return noForm.has('');
  };
  const kept = errors.filter((e) => e.keyword === 'oneOf' || !withinNoForm(e.instancePath));
  const described = kept.map((e) => describeSchemaError(e, lineAt));
  const lineOf = (text: string) => Number(/^line (\d+):/.exec(text)?.[1] ?? 0);
  return [...new Set(described)].sort((a, b) => lineOf(a) - lineOf(b));
}

/**
 * The line of the node at a path of keys and indexes in `doc`, through each map's keys indexed when first searched:
 * `doc.getIn` searches them one by one, and a config of 200,000 rule ids asks for each.
 */
function lineFinder(doc: Document, lines: LineCounter): (segments: (string | number)[]) => number | undefined {
  const { isMap, isScalar, isSeq } = require('yaml') as typeof import('yaml');
  const indexes = new WeakMap<object, Map<unknown, unknown>>();
  return (segments) => {
    let node: unknown = doc.contents;
    for (const segment of segments) {
      if (isMap(node)) {
        let index = indexes.get(node);
        if (!index) {
          index = new Map();
          // The first pair with the key wins, as in getIn.
          for (const pair of node.items) {
            const key = isScalar(pair.key) ? pair.key.value : pair.key;
            if (!index.has(key)) index.set(key, pair.value);
          }
          indexes.set(node, index);
        }
        node = index.get(segment);
      } else if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
      else return undefined;
    }
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return range ? lines.linePos(range[0]).line : undefined;
  };
}

function describeSchemaError(e: ErrorObject, lineAt: (segments: (string | number)[]) => number | undefined): string {
  const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const line = lineAt(segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s)));
  const where = line ? `line ${line}: ` : '';
  const path = segments.length > 0 ? segments.join('.') : '(top level)';
  const detail =
    e.keyword === 'oneOf' && /^rules$|\.rules$/.test(segments.slice(0, -1).join('.'))
      ? 'must be a level ("error", "warning", "note", "off") or [level, options]'
      : e.keyword === 'additionalProperties'
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
