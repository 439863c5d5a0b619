import { parseArgs } from 'node:util';
import { analyze, ConfigError, type Analysis, type LintOptions } from '../api.js';
import type { InputProblem } from '../reporters/exposure.js';
import { neutraliseWorkflowCommands, printable } from '../reporters/text.js';
import { READ_OPTIONS } from '../read-options.js';

/** The options `sg-lint graph` and `sg-lint exposure` share with linting: what to read and with which values. */
export const INPUT_OPTIONS = {
  ...READ_OPTIONS,
  format: { type: 'string', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const INPUT_HELP = `Input (as for linting):
  -c, --config <file>           use this config for every file (include/exclude, Terraform and CloudFormation values)
      --include <glob>          only files matching (repeatable)
      --exclude <glob>          skip files matching (repeatable)
      --var <k=v>, --var-file <file>               Terraform variables (TF_VAR_* are read too)
      --plan <file>             Terraform plan JSON (terraform show -json)
      --parameter <Key=Value>, --parameters-file <file>   CloudFormation parameters
      --allow-outside           read files outside the scan root that scanned files point at
  -h, --help

Exit codes: 0 done; 1 some input could not be parsed (what could be read is still shown, the problems are on
standard error); 2 usage or config error, or a path that does not exist.`;

export class UsageError extends Error {}

export interface Io {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export type SubcommandArgs = ReturnType<typeof parseInputArgs>;

export function parseInputArgs(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: INPUT_OPTIONS });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Reads and links the model; throws UsageError or ConfigError for problems that stop the command. */
export async function readInputs(args: SubcommandArgs, cwd: string, env: Record<string, string | undefined>): Promise<Analysis> {
  const v = args.values;
  const options: LintOptions = {
    cwd,
    ...(v.config ? { configFile: v.config } : {}),
    include: v.include ?? [],
    exclude: v.exclude ?? [],
    vars: pairs(v.var ?? [], '--var', 'k=v'),
    varFiles: v['var-file'] ?? [],
    envVars: Object.fromEntries(Object.entries(env).flatMap(([k, val]) => (k.startsWith('TF_VAR_') && k.length > 7 && val !== undefined ? [[k.slice(7), val]] : []))),
    ...(v.plan ? { plan: v.plan } : {}),
    parameters: pairs(v.parameter ?? [], '--parameter', 'Key=Value'),
    parametersFiles: v['parameters-file'] ?? [],
    allowOutside: Boolean(v['allow-outside']),
  };
  return analyze(args.positionals, options);
}

function pairs(list: string[], flag: string, shape: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} expects ${shape}, got "${kv}"`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** Files that did not parse and run problems (a missing path, a config that could not be trusted), in path order. */
export function inputProblems(analysis: Analysis): InputProblem[] {
  const parse: InputProblem[] = analysis.files.flatMap((f) =>
    f.diagnostics.map((d) => ({ kind: 'parse', file: f.path, line: d.line, column: d.column, message: `${f.analyzed ? 'file has errors (the rest of it was analyzed)' : 'file cannot be analyzed'}: ${d.message}` })),
  );
  const run: InputProblem[] = analysis.errors.map((e) => ({ kind: e.kind, message: e.message, ...(e.file ? { file: e.file } : {}), ...(e.line ? { line: e.line } : {}), ...(e.column ? { column: e.column } : {}) }));
  return [...parse, ...run].sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

export function printProblems(problems: InputProblem[], io: Io): void {
  for (const p of problems) {
    const severity = p.kind === 'trust' || p.kind === 'skipped' ? 'note' : 'error';
    const at = p.file ? `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}: ` : '';
    io.stderr.write(neutraliseWorkflowCommands(`sg-lint: ${severity}: ${printable(at + p.message)}\n`));
  }
}

/** Exit code of a subcommand that produced its output: 2 for a missing path or a config problem, 1 when an input did not parse. */
export function exitCodeOf(problems: InputProblem[]): number {
  if (problems.some((p) => p.kind === 'config' || p.kind === 'internal' || (p.kind === 'io' && p.message === 'no such file or directory'))) return 2;
  return problems.some((p) => p.kind === 'parse') ? 1 : 0;
}

/** Runs a subcommand body, turning usage and config problems into exit code 2 with one line on standard error. */
export async function guarded(name: string, io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`sg-lint ${name}: ${printable(e.message)}\nRun sg-lint ${name} --help for usage.\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.stderr.write(`sg-lint: ${printable(e.message)}\n`);
      return 2;
    }
    io.stderr.write(`sg-lint: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}

export function parseFormat<T extends string>(value: string | undefined, formats: readonly T[]): T {
  const format = (value ?? formats[0]!) as T;
  if (!formats.includes(format)) throw new UsageError(`unknown format "${value}" (available: ${formats.join(', ')})`);
  return format;
}
