import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { comparePos, type Span } from '../../model/location.js';
import { readSource, type SourceOverlay, type SourceText } from '../read.js';
import { OUTSIDE_SCAN_ROOT, UNRESTRICTED, type ScanRoot } from '../../util/scan-root.js';
import { AnalysisBudget } from '../budget.js';
import { deepestNesting, failureDiagnostic } from '../guard.js';
import { diagnosticFile, emptyFacts, rollbackPoint, type Diagnostic, type FrontEndResult, type ParsedFile } from '../types.js';
import { parseHcl, type HclBody } from './hcl.js';
import { indexHcl, type HclIndex, type Located } from './locator.js';
import { mayHoldSuppression, maySuppress } from '../../engine/directive.js';
import { indexModule, Instance, type ModuleDir, type ModuleInputs, type TfFile, type VarSource, type World } from './module.js';
import { extractInstance } from './resources.js';
import { loadPlan, type PlanValues } from './plan.js';
import { extractPlanOnly } from './plan-only.js';
import { parseTfJson } from './tfjson.js';
import { readTextFile } from '../../util/files.js';
import { jsonSyntaxError } from '../../util/json-error.js';
import { addTo, GrowingIndex, memoized } from '../../util/maps.js';
import { displayPath } from '../../util/paths.js';
import { appendAll } from '../../util/arrays.js';

export interface TerraformOptions {
  /** Display paths are relative to this directory. */
  cwd: string;
  /** `--var k=v` values (strings; `[…]`/`{…}` are read as HCL). */
  vars: Record<string, string>;
  /** `--var-file` and config `terraform.varFiles`, absolute paths, in precedence order. */
  varFiles: string[];
  /** `TF_VAR_*` environment values, below every var file and `--var`. */
  envVars?: Record<string, string>;
  /** Where reads may go: files, module directories and var files outside it are refused. */
  scope?: ScanRoot;
  /** What analyzing one root module may cost (tests lower it); ANALYSIS_BUDGET by default. */
  budget?: { steps: number; ms: number };
  /** Unsaved editor buffers read instead of the files on disk. */
  overlay?: SourceOverlay;
}

export interface TerraformDir {
  /** Absolute path of a module directory with files selected for analysis. */
  dir: string;
  files: string[];
  options: Omit<TerraformOptions, 'cwd'>;
}

const AUTO_VARS = /^(terraform\.tfvars(\.json)?|.*\.auto\.tfvars(\.json)?)$/;
const ANY_VARS = /\.tfvars(\.json)?$/;
const CONFIG_FILE = /\.tf(\.json)?$/;
/** Resource and module instances one run analyzes at most (the SG module's whole corpus needs a few thousand). */
const MAX_INSTANCES = 100_000;

/** Parses one Terraform module directory as a root (tests and single-directory callers). */
export async function parseTerraformModule(dir: string, filePaths: string[], opts: TerraformOptions): Promise<FrontEndResult> {
  return parseTerraform([{ dir, files: filePaths, options: { vars: opts.vars, varFiles: opts.varFiles, ...(opts.envVars ? { envVars: opts.envVars } : {}), ...(opts.budget ? { budget: opts.budget } : {}) } }], opts.cwd);
}

/**
 * Parses the selected module directories and every local or downloaded module they call (each directory once), then
 * evaluates each root: a selected directory that no selected directory calls (RULES.md "Roots and calls").
 */
export async function parseTerraform(selected: TerraformDir[], cwd: string, planFile?: string, scope: ScanRoot = UNRESTRICTED, overlay?: SourceOverlay): Promise<FrontEndResult> {
  const result: FrontEndResult = { facts: emptyFacts(), files: [] };
  const plan = planFile ? readPlan(planFile, cwd, result) : undefined;
  const planDir = planFile ? dirname(planFile) : undefined;
  const modules = new Map<string, ModuleDir>();
  let heldIndexBytes = 0;
  const manifests = new Map<string, Map<string, ManifestEntry>>();
  const load = async (abs: string, files?: string[]): Promise<void> => {
    if (modules.has(abs)) return;
    const tfFiles: TfFile[] = [];
    const indexes: LocatorIndex[] = [];
    const paths = files ?? configFilesIn(abs);
    for (const file of [...paths].sort()) {
      const loaded = await loadConfigFileGuarded(file, cwd, scope, overlay);
      result.files.push(loaded.parsed);
      result.facts.files.push({ path: loaded.parsed.path, format: 'terraform' });
      if (loaded.file) tfFiles.push(loaded.file);
      if (loaded.index) indexes.push(loaded.index);
    }
    reportDuplicates(tfFiles, result.files);
    for (const index of indexes) {
      if (heldIndexBytes + index.held <= HELD_INDEX_TEXT_BYTES) heldIndexBytes += index.held;
      else index.forget();
    }
    modules.set(abs, indexModule(abs, displayPath(cwd, abs) || '.', tfFiles));
  };

  const queue = [...selected.map((s) => s.dir)];
  for (const s of selected) await load(s.dir, s.files);
  for (const s of selected) {
    const manifest = readManifest(s.dir, scope);
    manifests.set(s.dir, manifest);
    for (const entry of manifest.values()) if (scope.allows(entry.abs)) queue.push(entry.abs);
  }
  const calledBySelected = new Set<string>();
  const selectedDirs = new Set(selected.map((s) => s.dir));
  while (queue.length > 0) {
    const abs = queue.shift()!;
    await load(abs);
    for (const decl of modules.get(abs)!.calls.values()) {
      const target = localSource(abs, decl.body.source);
      if (!target || !scope.allows(target)) continue;
      if (selectedDirs.has(abs)) calledBySelected.add(target);
      if (!modules.has(target) && isDirectory(target)) queue.push(target);
    }
  }

  const reached = new Set<string>();
  // Every instance of a call asks: the answer is looked up once per directory.
  const isModuleDirectory = memoized(isDirectory);
  const budget = { left: MAX_INSTANCES, limit: MAX_INSTANCES };
  const diagnostic = (file: string, at: Span, message: string) => {
    const list = fileNamed(result.files, file)?.diagnostics;
    // A call inside a module with several instances reaches the same refusal once per instance.
    if (list && !list.some((d) => d.line === at.start.line && d.column === at.start.column && d.message === message)) list.push({ line: at.start.line, column: at.start.column, message });
  };
  const analyze = async (root: TerraformDir) => {
    reached.add(root.dir);
    const mod = modules.get(root.dir)!;
    const manifest = manifests.get(root.dir) ?? new Map<string, ManifestEntry>();
    const analysis = new AnalysisBudget(root.options.budget);
    const world: World = {
      budget,
      analysis,
      resolveCall: (caller, name, source) => {
        const local = localSource(caller.mod.abs, source);
        const key = caller.ctx.callKey ? `${caller.ctx.callKey}.${name}` : name;
        const listed = local ? undefined : manifest.get(key);
        if (local && !scope.allows(local)) return { why: 'outside-scan-root', detail: `module "${name}": source ${source} ${OUTSIDE_SCAN_ROOT}` };
        if (listed && !scope.allows(listed.abs)) return { why: 'outside-scan-root', detail: `module "${name}": .terraform/modules/modules.json gives its directory as ${listed.dir}, which ${OUTSIDE_SCAN_ROOT}` };
        const abs = local ?? listed?.abs;
        const dir = abs ? modules.get(abs) : undefined;
        if (dir && isModuleDirectory(dir.abs)) {
          reached.add(dir.abs);
          return { dir };
        }
        if (local) return { why: 'module-output', detail: `module "${name}": ${source} is not a directory` };
        return { why: 'remote-module', detail: `module "${name}": ${source}` };
      },
    };
    const inputs = await moduleInputs(root.dir, { cwd, ...root.options, scope, ...(overlay ? { overlay } : {}) }, result);
    const rollback = rollbackPoint(result.facts);
    try {
      analyzeRoot(mod, root.dir, world, inputs);
    } catch (e) {
      // One module's failure (nesting too deep to evaluate, a bug) is reported on its files; the other roots are analyzed.
      rollback();
      reportFailure(e, mod.files, result.files);
    }
    if (analysis.exceeded) diagnostic(analysis.exceeded.at.file, analysis.exceeded.at, analysis.message());
  };
  const analyzeRoot = (mod: ModuleDir, dir: string, world: World, inputs: ModuleInputs) => {
    const withPlan = plan && dir === planDir ? plan : undefined;
    if (withPlan) inputs.sources.push({ label: withPlan.path, values: withPlan.variables, plain: true });
    const instance = new Instance(mod, { world, rootDir: mod.display, prefix: '', via: [], callKey: '', when: [], rootInputs: inputs, stack: [dir], ...(withPlan ? { plan: withPlan } : {}) });
    extractInstance(instance, result.facts, diagnostic);
  };
  if (plan && planDir && (modules.get(planDir)?.files.length ?? 0) === 0) {
    reached.add(planDir);
    extractPlanOnly(plan, planDir, displayPath(cwd, planDir) || '.', { budget, resolveCall: (_, name, source) => ({ why: 'remote-module', detail: `module "${name}": ${source}` }) }, result.facts);
  }
  const sorted = [...selected].sort((a, b) => (a.dir < b.dir ? -1 : 1));
  const roots = sorted.filter((root) => !calledBySelected.has(root.dir));
  const release = moduleReleaser(modules, manifests, reached, roots.map((root) => root.dir), sorted.filter((s) => calledBySelected.has(s.dir)).map((s) => s.dir));
  for (const [i, root] of roots.entries()) {
    await analyze(root);
    release(i);
  }
  // Directories that only call each other in a cycle have no root: analyze them on their own rather than not at all.
  for (const root of sorted) if (!reached.has(root.dir)) await analyze(root);
  for (const f of result.files) f.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return result;
}

/**
 * Parse trees are large: a module directory's is dropped once no root left to analyze can reach it. What a root may
 * reach is worked out from its module calls as written (every local source, every directory of its manifest), which is
 * more than evaluation follows. A selected directory that some selected directory calls is analyzed as a root of its own
 * when no call reaches it after all (a cycle): until one does, what it may reach is kept.
 * Returns what to call once the i-th of `roots` is analyzed.
 */
export function moduleReleaser(modules: Map<string, ModuleDir>, manifests: Map<string, Map<string, ManifestEntry>>, reached: ReadonlySet<string>, roots: string[], mayBeRoots: string[]): (i: number) => void {
  const reachable = (dir: string): Set<string> => {
    const out = new Set<string>();
    const queue = [dir, ...[...(manifests.get(dir)?.values() ?? [])].map((entry) => entry.abs)];
    while (queue.length > 0) {
      const abs = queue.pop()!;
      const mod = modules.get(abs);
      if (!mod || out.has(abs)) continue;
      out.add(abs);
      for (const decl of mod.calls.values()) {
        const target = localSource(abs, decl.body.source);
        if (target) queue.push(target);
      }
    }
    return out;
  };
  const lastUse = new Map<string, number>();
  roots.forEach((dir, i) => {
    for (const abs of reachable(dir)) lastUse.set(abs, i);
  });
  const due = new Map<number, string[]>();
  for (const [abs, i] of lastUse) addTo(due, i, abs);
  const pending = new Map(mayBeRoots.map((dir) => [dir, reachable(dir)]));
  const heldBy = new Map<string, number>();
  for (const dirs of pending.values()) for (const abs of dirs) heldBy.set(abs, (heldBy.get(abs) ?? 0) + 1);
  const waiting = new Set<string>();
  return (i) => {
    for (const abs of due.get(i) ?? []) {
      if (heldBy.get(abs)) waiting.add(abs);
      else modules.delete(abs);
    }
    for (const [dir, dirs] of pending) {
      if (!reached.has(dir)) continue;
      pending.delete(dir);
      for (const abs of dirs) {
        const left = heldBy.get(abs)! - 1;
        heldBy.set(abs, left);
        if (left === 0 && waiting.delete(abs)) modules.delete(abs);
      }
    }
  };
}

/** The plan file is one of the run's files: a plan that cannot be read is its parse error. */
function readPlan(abs: string, cwd: string, result: FrontEndResult): PlanValues | undefined {
  const path = displayPath(cwd, abs);
  const loaded = loadPlan(abs, path);
  const parsed = diagnosticFile(path, 'terraform', '', 'plan' in loaded ? [] : [{ line: loaded.line, column: 1, message: loaded.error }]);
  parsed.analyzed = 'plan' in loaded;
  result.files.push(parsed);
  result.facts.files.push({ path, format: 'terraform' });
  return 'plan' in loaded ? loaded.plan : undefined;
}

function configFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => CONFIG_FILE.test(n))
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

function isDirectory(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/** The directory a `./…` or `../…` module source names. */
function localSource(callerDir: string, source: unknown): string | null {
  if (typeof source !== 'string' || !/^\.\.?[\\/]/.test(source)) return null;
  return resolve(callerDir, source);
}

export interface ManifestEntry {
  abs: string;
  /** `Dir` as the manifest writes it. */
  dir: string;
}

/** `.terraform/modules/modules.json` written by `terraform init`: module call key ("a.b") to the directory of its copy. */
function readManifest(rootDir: string, scope: ScanRoot): Map<string, ManifestEntry> {
  const out = new Map<string, ManifestEntry>();
  const file = join(rootDir, '.terraform', 'modules', 'modules.json');
  if (!scope.allows(file)) return out;
  try {
    const json = JSON.parse(readTextFile(file)) as { Modules?: { Key?: string; Dir?: string }[] };
    for (const m of json.Modules ?? []) if (m.Key && typeof m.Dir === 'string') out.set(m.Key, { abs: resolve(rootDir, m.Dir), dir: m.Dir });
  } catch {
    // No manifest (or an unreadable one): registry and git modules stay unresolved, with their reason.
  }
  return out;
}

/** A module failed as a whole: the failure is placed in the file it most likely comes from (the most deeply nested one). */
function reportFailure(e: unknown, files: TfFile[], parsed: ParsedFile[]): void {
  const culprit = [...files].sort((a, b) => deepestNesting(b.text).depth - deepestNesting(a.text).depth)[0];
  const target = culprit ? parsed.find((p) => p.path === culprit.path) : undefined;
  if (!target) throw e;
  target.diagnostics.push(failureDiagnostic(e, target.text));
  target.analyzed = false;
}

/** Reads and parses one configuration file; a throw while doing so becomes the file's diagnostic. */
interface LoadedFile {
  parsed: ParsedFile;
  file?: TfFile;
  index?: LocatorIndex;
}

async function loadConfigFileGuarded(abs: string, cwd: string, scope: ScanRoot, overlay?: SourceOverlay): Promise<LoadedFile> {
  try {
    return await loadConfigFile(abs, cwd, scope, overlay);
  } catch (e) {
    const text = readSource(abs, scope, overlay).text ?? '';
    return { parsed: diagnosticFile(displayPath(cwd, abs), 'terraform', text, [failureDiagnostic(e, text)]) };
  }
}

async function loadConfigFile(abs: string, cwd: string, scope: ScanRoot, overlay?: SourceOverlay): Promise<LoadedFile> {
  const path = displayPath(cwd, abs);
  const source = readSource(abs, scope, overlay);
  const parsed: ParsedFile = { path, format: 'terraform', text: source.text ?? '', comments: [], constructs: [], diagnostics: [], analyzed: false };
  if (source.error) {
    parsed.diagnostics.push({ line: 1, column: 1, message: source.error });
    return { parsed };
  }
  const text = source.text!;
  reportNotUtf8(source, parsed);
  if (abs.endsWith('.json')) {
    const json = parseTfJson(text);
    appendAll(parsed.diagnostics, json.diagnostics);
    parsed.comments = json.comments;
    parsed.constructs = json.constructs;
    if (json.diagnostics.length > 0) return { parsed };
    parsed.analyzed = true;
    return { parsed, file: { path, text, body: json.body, find: (p) => json.locations.get(p), header: (p) => json.headers.get(p) ?? json.locations.get(p) } };
  }
  // The index is built now only for its comments, which only a suppression needs; a file that cannot hold one is indexed
  // when a span is first asked for.
  let index = mayHoldComments(text) && mayHoldSuppression(text) ? indexHcl(text) : undefined;
  if (index) {
    parsed.comments = index.comments.map((c) => ({ text: c.text, at: c.at, ownLine: c.ownLine }));
    // Only a directive (ours or another scanner's) needs the constructs and resources it may cover.
    if (parsed.comments.some(maySuppress)) {
      parsed.constructs = index.constructs();
      parsed.resources = topLevelBlocks(index);
    }
  }
  const hcl = await parseHcl(path, text, text.length > PIECE_BYTES ? () => pieceCuts((index ??= indexHcl(text)), PIECE_BYTES) : undefined);
  if (!hcl.ok) {
    appendAll(parsed.diagnostics, hcl.diagnostics.length > 0 ? hcl.diagnostics : [{ line: 1, column: 1, message: hcl.message }]);
    return { parsed };
  }
  parsed.analyzed = true;
  const kept = new LocatorIndex(text, index);
  return { parsed, file: kept.file(path, hcl.body), index: kept };
}

/**
 * A file's locator index, dropped once its module is loaded and built again when a root's analysis asks for it: an
 * index weighs about eighteen times its text, and every module of a run is loaded before the first root is analyzed
 * (30,000-file monorepo: 440 MB of indexes at once), while analyzing a root needs only the indexes of what it reaches.
 * The first HELD_INDEX_TEXT_BYTES of text keep theirs, so that a run of ordinary size indexes no file twice.
 */
class LocatorIndex {
  constructor(
    private readonly text: string,
    private index: HclIndex | undefined,
  ) {}

  get(): HclIndex {
    return (this.index ??= indexHcl(this.text));
  }

  /** The file located by this index (made here: a closure beside one that holds the index itself would keep it alive). */
  file(path: string, body: HclBody): TfFile {
    return { path, text: this.text, body, find: (p) => this.get().find(p), element: (list, i) => this.get().element(list, i), header: (p) => this.get().blockAt(p)?.header };
  }

  /** Length of the text while the index is held, else 0. */
  get held(): number {
    return this.index ? this.text.length : 0;
  }

  forget(): void {
    this.index = undefined;
  }
}

/** `#`, `//` and `/*` start HCL comments: a text with none of them has none (a string may hold them, which costs an index). */
function mayHoldComments(text: string): boolean {
  return text.includes('#') || text.includes('//') || text.includes('/*');
}

/** Text whose locator indexes are kept from load to analysis (about 70 MB of indexes). */
const HELD_INDEX_TEXT_BYTES = 4 * 1024 * 1024;

/** Files larger than this go to hcl2json, when it must read them, in pieces of about this size. */
const PIECE_BYTES = 256 * 1024;

/** Offsets of the line starts after top-level blocks, about `size` bytes apart. */
function pieceCuts(index: HclIndex, size: number): number[] {
  const cuts: number[] = [];
  let last = 0;
  let topEnd = -1;
  for (const block of index.blocks) {
    const start = index.lineStarts[block.body.start.line - 1]!;
    if (start <= topEnd) continue; // nested in the previous top-level block
    const endLine = block.body.end.line; // the line after the closing brace starts the next piece
    topEnd = index.lineStarts[endLine] ?? Number.MAX_SAFE_INTEGER;
    if (topEnd - last >= size && topEnd < Number.MAX_SAFE_INTEGER) {
      cuts.push(topEnd);
      last = topEnd;
    }
  }
  return cuts;
}

/** Terraform rejects two resources (or data sources) with the same type and name in one module; so do we, and go on with the first. */
function reportDuplicates(files: TfFile[], parsed: ParsedFile[]): void {
  const seen = new Map<string, string>();
  for (const file of files) {
    for (const kind of ['resource', 'data'] as const) {
      const byType = file.body[kind];
      if (!byType || typeof byType !== 'object') continue;
      for (const [type, byName] of Object.entries(byType as Record<string, Record<string, unknown[]>>)) {
        for (const [name, list] of Object.entries(byName ?? {})) {
          const address = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
          (Array.isArray(list) ? list : []).forEach((_, i) => {
            const path = `${kind}.${type}.${name}[${i}]`;
            const at = file.header?.(path) ?? file.find(path);
            const where = `${file.path}:${at?.start.line ?? 1}`;
            const first = seen.get(address);
            if (first === undefined) {
              seen.set(address, where);
              return;
            }
            const target = parsed.find((p) => p.path === file.path);
            target?.diagnostics.push({
              line: at?.start.line ?? 1,
              column: at?.start.column ?? 1,
              message: `Duplicate ${kind} "${type}" configuration "${name}": first defined at ${first}`,
            });
          });
        }
      }
    }
  }
}

async function moduleInputs(dir: string, opts: TerraformOptions, result: FrontEndResult): Promise<ModuleInputs> {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => ANY_VARS.test(n)).sort();
  } catch {
    names = [];
  }
  const sources: VarSource[] = [];
  const alternatives: VarSource[] = [];
  const fromEnv: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts.envVars ?? {})) fromEnv[k] = await cliValue(v);
  if (Object.keys(fromEnv).length > 0) sources.push({ label: 'TF_VAR_*', values: fromEnv });
  // Terraform loads terraform.tfvars first, then *.auto.tfvars in lexical order.
  const auto = names.filter((n) => AUTO_VARS.test(n)).sort((a, b) => Number(b.startsWith('terraform.')) - Number(a.startsWith('terraform.')) || (a < b ? -1 : 1));
  for (const n of auto) pushIf(sources, await loadVarFileGuarded(join(dir, n), opts, result));
  const selected = opts.varFiles;
  for (const f of selected) pushIf(sources, await loadVarFileGuarded(f, opts, result));
  if (selected.length === 0) {
    for (const n of names.filter((n) => !AUTO_VARS.test(n))) pushIf(alternatives, await loadVarFileGuarded(join(dir, n), opts, result));
  }
  const cli: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts.vars)) cli[k] = await cliValue(v);
  if (Object.keys(cli).length > 0) sources.push({ label: '--var', values: cli });
  return { sources, alternatives };
}

/** Terraform refuses a file that is not UTF-8; the rest of it is still analyzed here. */
function reportNotUtf8(source: SourceText, parsed: ParsedFile): void {
  if (source.notUtf8) parsed.diagnostics.push({ ...source.notUtf8, message: 'not valid UTF-8, the only encoding Terraform reads: these bytes were read as U+FFFD' });
}

function pushIf(list: VarSource[], source: VarSource | null): void {
  if (source) list.push(source);
}

/** Indexes of parsed-file lists by display path, following each list as it grows. */
const fileIndexes = new WeakMap<ParsedFile[], GrowingIndex<ParsedFile, string>>();

/** The first file of `files` with this display path (a run has thousands, and each var file and refusal asks). */
function fileNamed(files: ParsedFile[], path: string): ParsedFile | undefined {
  let index = fileIndexes.get(files);
  if (!index) fileIndexes.set(files, (index = new GrowingIndex(files, (f) => f.path)));
  return index.get(path);
}

/** A variables file that fails to load is reported as its own diagnostic, and its values are not used. */
async function loadVarFileGuarded(abs: string, opts: TerraformOptions, result: FrontEndResult): Promise<VarSource | null> {
  try {
    return await loadVarFile(abs, opts, result);
  } catch (e) {
    const path = displayPath(opts.cwd, abs);
    const parsed = fileNamed(result.files, path);
    const text = parsed?.text ?? '';
    if (parsed) {
      parsed.diagnostics.push(failureDiagnostic(e, text));
      parsed.analyzed = false;
    } else result.files.push(diagnosticFile(path, 'terraform', text, [failureDiagnostic(e, text)]));
    return null;
  }
}

async function loadVarFile(abs: string, opts: TerraformOptions, result: FrontEndResult): Promise<VarSource | null> {
  const path = displayPath(opts.cwd, abs);
  if (fileNamed(result.files, path)) return null;
  const source = readSource(abs, opts.scope, opts.overlay);
  const parsed: ParsedFile = { path, format: 'terraform', text: source.text ?? '', comments: [], constructs: [], diagnostics: [], analyzed: false };
  result.files.push(parsed);
  if (source.error) {
    parsed.diagnostics.push({ line: 1, column: 1, message: source.error });
    return null;
  }
  reportNotUtf8(source, parsed);
  let body: HclBody;
  let find: (p: string) => Located | undefined;
  let element: TfFile['element'];
  if (abs.endsWith('.json')) {
    const json = parseTfJsonVars(source.text!);
    if ('error' in json) {
      parsed.diagnostics.push(json.error);
      return null;
    }
    body = json.body;
    find = () => undefined;
  } else {
    const hcl = await parseHcl(path, source.text!);
    if (!hcl.ok) {
      appendAll(parsed.diagnostics, hcl.diagnostics.length > 0 ? hcl.diagnostics : [{ line: 1, column: 1, message: hcl.message }]);
      return null;
    }
    let index: HclIndex | undefined;
    const indexed = () => (index ??= indexHcl(source.text!));
    if (mayHoldSuppression(source.text!)) parsed.comments = indexed().comments.map((c) => ({ text: c.text, at: c.at, ownLine: c.ownLine }));
    body = hcl.body;
    find = (p) => indexed().find(p);
    element = (list, i) => indexed().element(list, i);
  }
  parsed.analyzed = true;
  return { label: path, values: body, file: { path, text: source.text!, body, find, ...(element ? { element } : {}) } };
}

/** The blocks not nested in another (`index.blocks` is in source order): resources, modules, data sources, variables… */
function topLevelBlocks(index: HclIndex): Located[] {
  const out: Located[] = [];
  for (const b of index.blocks) {
    const last = out[out.length - 1];
    if (last && comparePos(b.body.start, last.end) < 0) continue;
    out.push(b.body);
  }
  return out;
}

function parseTfJsonVars(text: string): { body: HclBody } | { error: Diagnostic } {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return { body: body as HclBody };
    return { error: { line: 1, column: 1, message: 'a .tfvars.json file must hold one JSON object' } };
  } catch (e) {
    const problem = jsonSyntaxError(text, e);
    return { error: { line: problem.line, column: problem.column, message: `invalid JSON: ${problem.message}` } };
  }
}

async function cliValue(v: string): Promise<unknown> {
  const t = v.trim();
  if (!t.startsWith('[') && !t.startsWith('{')) return v;
  const hcl = await parseHcl('--var', `value = ${t}\n`);
  return hcl.ok ? hcl.body.value : v;
}
