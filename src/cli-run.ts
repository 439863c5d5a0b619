import { dirname, resolve } from 'node:path';
import { ConfigError, fullRegistry, lint, type LintOptions } from './api.js';
import { findConfig, readConfig } from './config/load.js';
import { RuleResolver } from './config/resolve.js';
import type { Level, LevelSetting } from './engine/define-rule.js';
import { isNote, LEVEL_RANK, type Result } from './engine/result.js';
import { appendStepSummary, colorOnStdout, reportContext, writeFileAtomic, writeToStream } from './cli-output.js';
import { baselineStep, BaselineError, changedSince, keepChanged, readBaselineFile, type LoadedBaseline } from './postprocess.js';
import { FORMATS, NO_RUN_ERRORS, reportChunks, type FormatName } from './reporters/index.js';
import { neutraliseWorkflowCommands, onlineSummary, printable, summaryLine } from './reporters/text.js';
import { endpointProblem } from './engine/online/settings.js';
import { GitError, type ChangedLines } from './util/git.js';
import { packageVersion, ruleDoc } from './util/package-files.js';
import { PRESETS, presetsOf, type PresetName } from '../rules/presets.js';
import type { CliArgs, CliIo } from './cli.js';

const LEVELS: LevelSetting[] = ['error', 'warning', 'note', 'off'];

class UsageError extends Error {}

/** `TF_VAR_name` environment variables, as Terraform reads them (below var files and --var in precedence). */
function terraformEnvVars(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).flatMap(([k, v]) => (k.startsWith('TF_VAR_') && k.length > 7 && v !== undefined ? [[k.slice(7), v]] : [])));
}

/** Runs the command the arguments name (all but --help and --version): a lint, --list-rules, --explain or --print-config. */
export async function run(args: CliArgs, io: CliIo, cwd: string, env: Record<string, string | undefined>): Promise<number> {
  const out = (s: string) => io.stdout.write(s);
  const err = (s: string) => io.stderr.write(neutraliseWorkflowCommands(s));
  const v = args.values;
  try {
    if (v['list-rules']) return out(listRules()), 0;
    if (v.explain !== undefined) return out(explain(v.explain)), 0;

    let progressShown = false;
    const onProgress = (done: number, total: number) => {
      progressShown = true;
      err(`\r\u001b[Ksg-lint: online lookups ${done}/${total}`);
    };
    const options = { ...lintOptions(v, env, io.stderr.isTTY ? onProgress : undefined), cwd, envVars: terraformEnvVars(env) };
    if (v['print-config'] !== undefined) return out(printConfig(v['print-config'], options)), 0;
    const outputs = parseFormats(v.format ?? [], v.output);
    const failOn = parseChoice(v['fail-on'] ?? 'error', ['error', 'warning', 'note', 'none'], '--fail-on');
    const maxWarnings = v['max-warnings'] === undefined ? undefined : parseCount(v['max-warnings']);
    // Baseline and git problems stop the run before anything is linted or written.
    if (v['prune-baseline'] && v.baseline === undefined) throw new UsageError('--prune-baseline needs --baseline <file>');
    if (v['prune-baseline'] && v['write-baseline'] !== undefined) throw new UsageError('--prune-baseline and --write-baseline do not go together: prune only shrinks a baseline');
    const loaded: LoadedBaseline | undefined = v.baseline !== undefined ? readBaselineFile(v.baseline, cwd) : undefined;
    const changedRef = v['changed-since'];
    const changed: ChangedLines | undefined = changedRef !== undefined ? changedSince(changedRef, cwd) : undefined;

    let result = await lint(args.positionals, options);
    if (progressShown) err('\r\u001b[K');
    // What the repository asked for and did not get (plugins, endpoints, reads outside): said on stderr unless the text report says it.
    if (v['dry-run'] || !outputs.some((o) => !o.file && o.format === 'text')) {
      for (const e of result.errors) if (isNote(e)) err(`sg-lint: note: ${e.file ? `${printable(e.file)}: ` : ''}${printable(e.message)}\n`);
    }
    const onlineRequired = Boolean(v['online-required']);
    if (v['dry-run']) return dryRun(result, onlineRequired, out, err);
    const baseline = baselineStep(result, cwd, { ...(loaded ? { loaded } : {}), ...(v['write-baseline'] !== undefined ? { writeTo: v['write-baseline'] } : {}), prune: Boolean(v['prune-baseline']) });
    result = baseline.result;
    if (changed) result = keepChanged(result, changed, cwd);
    if (v.quiet) result = { ...result, findings: result.findings.filter((f) => f.level === 'error') };
    const github = outputs.some((o) => o.format === 'github');
    const ctx = reportContext(result, { cwd, env, version: packageVersion(), formats: outputs.map((o) => o.format), ...(changed ? { changed } : {}), ...(changedRef ? { changedRef } : {}) });
    let writeFailed = false;
    const write = (file: string, text: string | Iterable<string>, what: string, shown = file) => {
      try {
        writeFileAtomic(resolve(cwd, file), text);
        return true;
      } catch (e) {
        err(`sg-lint: cannot write ${what} ${shown}: ${(e as Error).message}\n`);
        writeFailed = true;
        return false;
      }
    };
    const colorFlag = lastColorFlag(args);
    for (const o of outputs) {
      // A report written to a file is coloured only when --color asks for it.
      const color = o.file ? colorFlag === true : colorOnStdout(colorFlag, Boolean(io.stdout.isTTY), env);
      const text = reportChunks(o.format, result, { ...ctx, color });
      if (o.file) write(o.file, text, 'report');
      else await writeToStream(io.stdout, text);
    }
    if (outputs.every((o) => NO_RUN_ERRORS.includes(o.format))) {
      for (const e of result.errors) if (!isNote(e)) err(`sg-lint: ${e.kind} error: ${e.file ? `${printable(e.file)}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ` : ''}${printable(e.message)}\n`);
    }
    if (ctx.summary && env.GITHUB_STEP_SUMMARY) {
      try {
        appendStepSummary(env.GITHUB_STEP_SUMMARY, result, ctx);
      } catch (e) {
        err(`sg-lint: warning: job summary not written: ${(e as Error).message}\n`);
      }
    }
    if (baseline.write && write(baseline.write.file, baseline.write.text, 'baseline', baseline.write.label)) err(`sg-lint: ${baseline.write.note}\n`);
    if (baseline.unmatched > 0) err(`sg-lint: ${baseline.unmatched} finding${baseline.unmatched === 1 ? '' : 's'} recorded in ${v.baseline} no longer occur; remove them with --prune-baseline\n`);
    if (outputs.every((o) => o.file) || (github && outputs.every((o) => o.file || o.format === 'github'))) err(summaryLine(result));
    else if (result.online && !outputs.some((o) => !o.file && o.format === 'text')) err(onlineSummary(result.online) + '\n');
    return exitCode(result, failOn as Level | 'none', maxWarnings, writeFailed, onlineRequired);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`sg-lint: ${e.message}\nRun sg-lint --help for usage.\n`);
      return 2;
    }
    if (e instanceof ConfigError || e instanceof BaselineError || e instanceof GitError) {
      err(`sg-lint: ${e.message}\n`);
      return 2;
    }
    err(`sg-lint: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}

export function exitCode(result: Result, failOn: Level | 'none', maxWarnings: number | undefined, writeFailed = false, onlineRequired = false): number {
  if (writeFailed || result.errors.some((e) => e.kind === 'config' || e.kind === 'internal' || (e.kind === 'io' && e.message === 'no such file or directory'))) return 2;
  if (onlineRequired && result.errors.some((e) => e.kind === 'online')) return 2;
  const active = result.findings.filter((f) => !f.suppressed);
  if (failOn !== 'none' && active.some((f) => LEVEL_RANK[f.level] >= LEVEL_RANK[failOn])) return 1;
  if (maxWarnings !== undefined && active.filter((f) => f.level === 'warning').length > maxWarnings) return 1;
  return 0;
}

/** --dry-run: the addresses that would be sent, one a line on stdout; what the pass would do on stderr. Nothing is linted into a report. */
function dryRun(result: Result, onlineRequired: boolean, out: (s: string) => void, err: (s: string) => void): number {
  if (!result.online) throw new UsageError('--dry-run works with --online (or online.enabled in the config), and not with --offline');
  const list = result.online.wouldSend ?? [];
  out(list.map((a) => `${a}\n`).join(''));
  const problems = result.errors.filter((e) => e.kind === 'online');
  for (const e of problems) err(`online error ${e.file ? `${e.file}${e.line ? `:${e.line}` : ''}: ` : ''}${e.message}\n`);
  err(onlineSummary(result.online) + '\n');
  return onlineRequired && problems.length > 0 ? 2 : 0;
}

function lintOptions(v: Record<string, unknown>, env: Record<string, string | undefined>, onProgress?: (done: number, total: number) => void): LintOptions {
  const rules: Record<string, LevelSetting> = {};
  for (const r of (v.rule as string[] | undefined) ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(r);
    if (!m || !LEVELS.includes(m[2] as LevelSetting)) throw new UsageError(`--rule expects <id>=<error|warning|note|off>, got "${r}"`);
    rules[m[1]!.trim()] = m[2] as LevelSetting;
  }
  const vars: Record<string, string> = {};
  for (const kv of (v.var as string[] | undefined) ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`--var expects k=v, got "${kv}"`);
    vars[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const parameters: Record<string, string> = {};
  for (const kv of (v.parameter as string[] | undefined) ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`--parameter expects Key=Value, got "${kv}"`);
    parameters[kv.slice(0, i)] = kv.slice(i + 1);
  }
  // Endpoints come from the user (flag or environment), never from a repository's config.
  const baseUrl = (v['online-base-url'] as string | undefined) ?? (env.SG_LINT_ONLINE_BASE_URL || undefined);
  const endpoint = baseUrl === undefined ? null : endpointProblem(baseUrl);
  if (endpoint) throw new UsageError(`--online-base-url: ${endpoint}`);
  return {
    ...(v.jobs !== undefined ? { jobs: parseJobs(v.jobs as string) } : {}),
    ...(v.config ? { configFile: v.config as string } : {}),
    allowPlugins: Boolean(v['allow-plugins']),
    allowOutside: Boolean(v['allow-outside']),
    ...(v.preset ? { preset: parseChoice(v.preset as string, PRESETS, '--preset') as PresetName } : {}),
    rules,
    ...(v.env ? { env: v.env as string } : {}),
    include: (v.include as string[] | undefined) ?? [],
    exclude: (v.exclude as string[] | undefined) ?? [],
    vars,
    varFiles: (v['var-file'] as string[] | undefined) ?? [],
    ...(v.plan ? { plan: v.plan as string } : {}),
    parameters,
    parametersFiles: (v['parameters-file'] as string[] | undefined) ?? [],
    reportUnresolved: Boolean(v['report-unresolved']),
    strictSuppressions: Boolean(v['strict-suppressions']),
    online: {
      enable: Boolean(v.online),
      allowConfigEnable: /^(1|true|yes|on)$/i.test(env.SG_LINT_ONLINE ?? ''),
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      offline: Boolean(v.offline),
      dryRun: Boolean(v['dry-run']),
      noCache: Boolean(v['no-cache']),
      ...(v['mdcloud-apikey'] ? { mdcloudApiKey: v['mdcloud-apikey'] as string } : {}),
      ...(v['cache-dir'] ? { cacheDir: v['cache-dir'] as string } : {}),
      ...(onProgress ? { runtime: { onProgress } } : {}),
    },
  };
}

/** --color or --no-color, whichever is given last; undefined when neither is. */
function lastColorFlag(args: CliArgs): boolean | undefined {
  const last = args.tokens.filter((t) => t.kind === 'option' && (t.name === 'color' || t.name === 'no-color')).pop();
  return last === undefined ? undefined : last.kind === 'option' && last.name === 'color';
}

function parseFormats(specs: string[], output: string | undefined): { format: FormatName; file?: string }[] {
  const list = (specs.length > 0 ? specs : ['text']).map((s) => {
    const i = s.indexOf('=');
    const format = (i < 0 ? s : s.slice(0, i)) as FormatName;
    if (!FORMATS.includes(format)) throw new UsageError(`unknown format "${format}" (available: ${FORMATS.join(', ')})`);
    if (i >= 0 && i === s.length - 1) throw new UsageError(`--format ${s} names no file`);
    return i < 0 ? { format } : { format, file: s.slice(i + 1) };
  });
  const bare = list.filter((o) => !o.file);
  if (bare.length > 1) throw new UsageError('at most one --format may go to standard output; give the others a file (name=file)');
  if (output && bare[0]) bare[0].file = output;
  return list;
}

function parseChoice(value: string, choices: readonly string[], flag: string): string {
  if (!choices.includes(value)) throw new UsageError(`${flag} expects one of ${choices.join(', ')}, got "${value}"`);
  return value;
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--max-warnings expects a whole number, got "${value}"`);
  return Number(value);
}

function listRules(): string {
  const rows = fullRegistry().map((r) => [r.id, r.level, r.online ? 'online only' : presetsOf(r).join(', ') || '-', r.title]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ')).join('\n') + '\n';
}

function explain(id: string): string {
  const doc = ruleDoc(id);
  if (doc === undefined) throw new UsageError(`unknown rule "${id}" (see --list-rules)`);
  return doc;
}

function printConfig(file: string, options: LintOptions & { cwd: string }): string {
  const abs = resolve(options.cwd, file);
  const configFile = options.configFile ? resolve(options.cwd, options.configFile) : findConfig(dirname(abs), new Map());
  const loaded = configFile ? readConfig(configFile) : { file: null, dir: options.cwd, config: {} };
  const resolver = new RuleResolver(fullRegistry(), { rules: options.rules ?? {}, ...(options.preset ? { preset: options.preset } : {}), ...(options.env ? { env: options.env } : {}) });
  resolver.check(loaded);
  const settings = resolver.forFile(abs, loaded);
  const rules = Object.fromEntries([...settings.rules].map(([id, r]) => [id, Object.keys(r.options).length > 0 ? [r.level, r.options] : r.level]));
  const { rules: _omit, environments: _envs, overrides: _ov, ...rest } = loaded.config;
  return JSON.stringify({ configFile: loaded.file, preset: options.preset ?? loaded.config.preset ?? 'recommended', environments: settings.environments, ...rest, rules }, null, 2) + '\n';
}

function parseJobs(value: string): number {
  if (!/^[1-9]\d{0,3}$/.test(value)) throw new UsageError(`--jobs expects a whole number from 1 to 9999, got "${value}"`);
  return Number(value);
}
