// The front ends as tasks for the thread pool (src/engine/pool.ts): Terraform and CDK one task each, CloudFormation in
// chunks of templates. Results are put together in the order the one-thread run produces, so output is the same.
import { availableParallelism } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { dirname, extname } from 'node:path';
import { Pool, type Outcome } from './engine/pool.js';
import type { Facts } from './model/types.js';
import type { SourceOverlay } from './parsers/read.js';
import type { TerraformDir } from './parsers/terraform/index.js';
import { emptyFacts, type FrontEndResult, type ParsedFile } from './parsers/types.js';
import { maySuppress } from './engine/directive.js';
import type { CheckedResult, RuleSetup, RuleTaskSettings } from './check-model.js';
import { inBundle } from './util/package-files.js';
import { displayPath } from './util/paths.js';
import { ScanRoot, type ScanRootSpec } from './util/scan-root.js';

/** `rules`: the task's model is checked where it is parsed, and its findings come back instead of its facts. */
export type FrontEndTask = { cwd: string; scope: ScanRootSpec; overlay?: SourceOverlay; rules?: RuleTaskSettings } & (
  | { kind: 'terraform'; dirs: TerraformDir[]; plan?: string }
  | { kind: 'cloudformation'; candidates: string[]; parameters: Record<string, string> }
  | { kind: 'cdk'; candidates: string[] }
  | { kind: 'aws-export'; candidates: string[] }
);

export interface FrontEndInputs {
  cwd: string;
  scope: ScanRoot;
  terraform?: { dirs: TerraformDir[]; plan?: string };
  cloudformation?: { candidates: string[]; parameters: Record<string, string> };
  cdk?: { candidates: string[] };
  awsExport?: { candidates: string[] };
  /** Size of a file as discovery saw it (0 when unknown): the measure of the work. */
  bytes: (abs: string) => number;
  /** Threads, the main thread included (`--jobs`); by default one per core (at most 4), or 1 for a small run. */
  jobs?: number;
  /** Unsaved editor buffers read instead of the files on disk. */
  overlay?: SourceOverlay;
}

/**
 * The worker script beside this module: dist/src/front-end-worker.js, or the .ts source under a TypeScript loader. The
 * single-file bundle is its own worker script (src/bundle.ts serves tasks when it is not on the main thread).
 */
export const WORKER = inBundle ? new URL(import.meta.url) : new URL(`./front-end-worker${extname(new URL(import.meta.url).pathname)}`, import.meta.url);

/**
 * Work per byte, relative to CloudFormation, measured on the generated monorepo: Terraform evaluates modules and takes
 * about twice as long per byte, CDK sources about one and a half times; loading the TypeScript parser costs as much as
 * half a megabyte of templates.
 */
const COST_PER_BYTE = { terraform: 2, cloudformation: 1, cdk: 1.5, 'aws-export': 0.5 } as const;
const CDK_LOAD_COST = 500_000;

/**
 * Below this much work (about 5 MB of templates and modules) a run stays on the main thread. Measured on two cores by
 * the CPU time of each thread: V8's own helper threads (garbage collection, compilation) already keep the second core
 * about three quarters busy while the main thread parses, and a worker adds its start (0.3 s) and the copy of its
 * results (a tenth to a fifth of its parsing time, half of it on the main thread). At 3.4M (400 files of the generated
 * monorepo) the parse phase does not get shorter; at 7.6M (1,000 files, or ../shared/corpus) by 0 to 10%; at 72M
 * (10,000 files) by about a quarter.
 */
export const SMALL_RUN_COST = 8_000_000;

/**
 * By default no more threads than this: Terraform and CDK are one task each and linking stays on the main thread, so
 * more lanes gain little, while each worker costs its own heap.
 */
const MAX_DEFAULT_LANES = 4;

/**
 * A worker's old generation, at most (MB). Below 2 GB, V8 lets a heap grow to about twice what it held after its last
 * full collection instead of four times, which in a worker holding a large Terraform task is gigabytes of garbage
 * (30,000-file monorepo: peak RSS 3.6 to 2.7 GB). A task that needs more than this is done again on the main thread.
 */
const WORKER_OLD_GENERATION_MB = 2000;

/** CloudFormation chunks hold about this much work (up to twice as much, to keep a directory together), so that no thread waits long for another at the end. */
const MAX_CHUNK_COST = 1_000_000;
const MIN_CHUNK_COST = 100_000;

/** Threads for a run (the main thread included): `--jobs`, else one per core (at most 4), or 1 for a small run. */
export function frontEndLanes(inputs: FrontEndInputs): number {
  if (inputs.jobs !== undefined) return inputs.jobs;
  const cost = frontEndTasks(inputs).reduce((sum, t) => sum + costOf(t, inputs.bytes), 0);
  return cost < SMALL_RUN_COST ? 1 : Math.min(availableParallelism(), MAX_DEFAULT_LANES);
}

/** Parses with every front end that has input, in the order Terraform, CloudFormation, CDK, AWS exports. */
export function parseFrontEnds(inputs: FrontEndInputs): Promise<FrontEndResult[]> {
  return runTasks(frontEndTasks(inputs), inputs, (task) => runFrontEnd(task, inputs.scope), concatenated);
}

/**
 * As parseFrontEnds, and each task's model is checked by the thread that parsed it: the rules run on every thread, and
 * no thread holds the whole run's model. The results are those of checking the whole model, since every deployment
 * unit lies within one task (CloudFormation chunks are checked for that as when parsing).
 */
export function checkFrontEnds(inputs: FrontEndInputs, rules: RuleTaskSettings): Promise<CheckedResult[]> {
  const setups = new Map<string, RuleSetup>();
  const tasks = frontEndTasks(inputs).map((task) => ({ ...task, rules }));
  return runTasks(tasks, inputs, (task) => runTask(task, inputs.scope, setups) as Promise<CheckedResult>, async (results) => (await import('./check-model.js')).concatenatedChecks(results));
}

async function runTasks<O extends { files: ParsedFile[] }>(tasks: FrontEndTask[], inputs: FrontEndInputs, work: (task: FrontEndTask) => Promise<O>, concat: (results: O[]) => O | Promise<O>): Promise<O[]> {
  const lanes = frontEndLanes(inputs);
  if (lanes === 1 || tasks.length === 0) {
    const results: O[] = [];
    for (const task of tasks) results.push(await work(task));
    return results;
  }
  const strings = new Map<string, string>();
  const pool = new Pool<FrontEndTask, O>({
    lanes,
    entry: WORKER,
    inline: work,
    received: (result) => sharingStrings(result, strings),
    // The Terraform run is usually the costliest task, and its answer the largest (30,000-file monorepo: half the
    // findings): done on the main thread, it is not copied over from a worker whose heap still holds its model.
    mainClaims: 'costliest',
    // Never more than the main thread may hold (a smaller --max-old-space-size is kept).
    resourceLimits: { maxOldGenerationSizeMb: Math.min(WORKER_OLD_GENERATION_MB, Math.floor(getHeapStatistics().heap_size_limit / 1048576)) },
  });
  const outcomes = tasks.map((task) =>
    task.kind === 'cloudformation' ? submitInChunks(pool, task, inputs.bytes, chunkCost(costOf(task, inputs.bytes), lanes), concat) : pool.submit(task, costOf(task, inputs.bytes)).outcome,
  );
  await pool.run();
  const results: O[] = [];
  for (const outcome of outcomes) {
    const settled = await outcome;
    if (!settled.ok) throw settled.error;
    results.push(settled.value);
  }
  return results;
}

/** One front end's work, on whichever thread: the function the one-thread run calls. */
export async function runFrontEnd(task: FrontEndTask, scope: ScanRoot): Promise<FrontEndResult> {
  return withoutSpareTexts(await parseWith(task, scope));
}

/**
 * A task as a worker or the main thread does it: parsed, or parsed and checked (`setups` keeps each thread's rule setup
 * of the run, so that configs are read once per thread).
 */
export async function runTask(task: FrontEndTask, scope: ScanRoot, setups: Map<string, RuleSetup>): Promise<FrontEndResult | CheckedResult> {
  if (!task.rules) return runFrontEnd(task, scope);
  const { checkResult, ruleSetup } = await import('./check-model.js');
  const key = JSON.stringify(task.rules);
  let setup = setups.get(key);
  if (!setup) setups.set(key, (setup = ruleSetup(task.rules, task.cwd, scope)));
  return withoutSpareTexts(checkResult(await parseWith(task, scope), setup));
}

/**
 * A file's text, comments and constructs are kept only when one of its comments may be a suppression (sg-lint's or
 * another scanner's): the directives need them, and nothing else after parsing does. A text left out is read again
 * for a code frame. The texts and constructs of a large repository weigh as much as a good part of its model, and a
 * worker would copy them all over.
 */
function withoutSpareTexts<R extends { files: ParsedFile[] }>(result: R): R & { textsLeftOut: number[] } {
  const textsLeftOut: number[] = [];
  result.files.forEach((file, i) => {
    if (file.comments.some(maySuppress)) return;
    file.comments = [];
    file.constructs = [];
    delete file.resources;
    if (file.text === '') return;
    file.text = '';
    textsLeftOut.push(i);
  });
  return { ...result, textsLeftOut };
}

async function parseWith(task: FrontEndTask, scope: ScanRoot): Promise<FrontEndResult> {
  switch (task.kind) {
    // Each front end is loaded by the first run that needs it (a run with only templates never loads the others).
    case 'terraform': {
      const { parseTerraform } = await import('./parsers/terraform/index.js');
      return parseTerraform(task.dirs, task.cwd, task.plan, scope, task.overlay);
    }
    case 'cloudformation': {
      const { parseCloudFormation } = await import('./parsers/cloudformation/index.js');
      return parseCloudFormation(task.candidates, { cwd: task.cwd, parameters: task.parameters, scope, ...(task.overlay ? { overlay: task.overlay } : {}) });
    }
    case 'cdk': {
      // The TypeScript parser costs half a second and 70 MB to load: only runs with CDK candidates pay for it.
      const { parseCdk } = await import('./parsers/cdk/index.js');
      return parseCdk(task.candidates, { cwd: task.cwd, scope, ...(task.overlay ? { overlay: task.overlay } : {}) });
    }
    case 'aws-export': {
      const { parseAwsExport } = await import('./parsers/aws-export/index.js');
      return parseAwsExport(task.candidates, { cwd: task.cwd, scope, ...(task.overlay ? { overlay: task.overlay } : {}) });
    }
  }
}

function frontEndTasks(inputs: FrontEndInputs): FrontEndTask[] {
  const common = { cwd: inputs.cwd, scope: inputs.scope.toSpec(), ...(inputs.overlay ? { overlay: inputs.overlay } : {}) };
  const tasks: FrontEndTask[] = [];
  if (inputs.terraform) tasks.push({ ...common, kind: 'terraform', dirs: inputs.terraform.dirs, ...(inputs.terraform.plan ? { plan: inputs.terraform.plan } : {}) });
  if (inputs.cloudformation) tasks.push({ ...common, kind: 'cloudformation', ...inputs.cloudformation });
  if (inputs.cdk) tasks.push({ ...common, kind: 'cdk', ...inputs.cdk });
  if (inputs.awsExport) tasks.push({ ...common, kind: 'aws-export', ...inputs.awsExport });
  return tasks;
}

function costOf(task: FrontEndTask, bytes: (abs: string) => number): number {
  const files = task.kind === 'terraform' ? task.dirs.flatMap((d) => d.files) : task.candidates;
  const sum = files.reduce((total, abs) => total + bytes(abs), 0);
  return sum * COST_PER_BYTE[task.kind] + (task.kind === 'cdk' ? CDK_LOAD_COST : 0);
}

function chunkCost(total: number, lanes: number): number {
  return Math.min(MAX_CHUNK_COST, Math.max(MIN_CHUNK_COST, total / (4 * lanes)));
}

/**
 * CloudFormation templates are analyzed each on its own unless one is a nested stack of another: chunks of them are
 * parsed apart and their results concatenated, which is exactly the one-thread result as long as no chunk read a
 * template of another chunk or outside all of them (see confined()). If one did, or a chunk failed, the chunks are
 * dropped and all templates are parsed as one task.
 */
function submitInChunks<O extends { files: ParsedFile[] }>(
  pool: Pool<FrontEndTask, O>,
  task: Extract<FrontEndTask, { kind: 'cloudformation' }>,
  bytes: (abs: string) => number,
  target: number,
  concat: (results: O[]) => O | Promise<O>,
): Promise<Outcome<O>> {
  const chunks = chunksOf([...task.candidates].sort(), bytes, target);
  if (chunks.length <= 1) return pool.submit(task, costOf(task, bytes)).outcome;
  const parts = chunks.map((candidates) => ({ candidates, handle: pool.submit({ ...task, candidates }, costOf({ ...task, candidates }, bytes)) }));
  let whole: Promise<Outcome<O>> | undefined;
  const asOneTask = () => {
    if (whole) return;
    for (const part of parts) part.handle.cancel();
    whole = pool.submit(task, costOf(task, bytes)).outcome;
  };
  const checked = parts.map((part) =>
    part.handle.outcome.then((outcome) => {
      if (!outcome.ok || !confined(outcome.value, part.candidates, task.cwd)) asOneTask();
      return outcome;
    }),
  );
  return Promise.all(checked).then(async (outcomes) => whole ?? { ok: true, value: await concat(outcomes.map((o) => (o as { value: O }).value)) });
}

/**
 * Consecutive runs of the sorted candidates, each of about `target` work, cut where the directory changes when
 * possible (nested stacks mostly sit beside their parent).
 */
export function chunksOf(sorted: string[], bytes: (abs: string) => number, target: number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const abs of sorted) {
    const last = current[current.length - 1];
    if (last !== undefined && size >= target && (dirname(abs) !== dirname(last) || size >= 2 * target)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(abs);
    size += bytes(abs) * COST_PER_BYTE.cloudformation;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Whether a chunk's result is the one-thread run's share of it: parseCloudFormation reads every candidate once, in
 * sorted order, and adds a file while doing so; any other file it adds comes from a nested stack it followed (outside
 * the chunk, or read a second time), and so does anything the chunk's templates took from another chunk.
 */
export function confined(result: { files: ParsedFile[] }, candidates: string[], cwd: string): boolean {
  const position = new Map(candidates.map((abs, i) => [displayPath(cwd, abs), i]));
  let previous = -1;
  for (const file of result.files) {
    const i = position.get(file.path);
    if (i === undefined || i <= previous) return false;
    previous = i;
  }
  return true;
}

export function concatenated(results: FrontEndResult[]): FrontEndResult {
  const facts: Facts = emptyFacts();
  const keys = Object.keys(facts) as (keyof Facts)[];
  for (const r of results) for (const key of keys) for (const item of r.facts[key]) (facts[key] as unknown[]).push(item);
  return { facts, ...concatenatedFiles(results) };
}

/** The files of several results as one list, with the indices of the texts left out shifted to match. */
export function concatenatedFiles(results: { files: ParsedFile[]; textsLeftOut?: number[] }[]): { files: ParsedFile[]; textsLeftOut: number[] } {
  const textsLeftOut: number[] = [];
  let offset = 0;
  for (const r of results) {
    for (const i of r.textsLeftOut ?? []) textsLeftOut.push(offset + i);
    offset += r.files.length;
  }
  return { files: results.flatMap((r) => r.files), textsLeftOut };
}

/** Strings longer than this (a file's text) are left as they are: they are seldom repeated, and costly to look up. */
const MAX_SHARED_STRING = 256;

/**
 * Objects walked before the walk starts remembering where it has been. A worker's answer is a tree in which some
 * objects (spans) are shared; walking a shared object again is cheaper than remembering every object, until the count
 * says the answer is not shaped like that (or has a cycle).
 */
const WALK_WITHOUT_MEMORY = 20_000_000;

/**
 * A worker's answer comes as a copy in which every string is a string of its own ("known" in each value, a file's path
 * in each of its spans): equal strings are made one again, which saves about a sixth of what the facts weigh.
 */
export function sharingStrings<T>(value: T, strings: Map<string, string>, walkWithoutMemory = WALK_WITHOUT_MEMORY): T {
  const share = (s: string): string => {
    if (s.length > MAX_SHARED_STRING) return s;
    const known = strings.get(s);
    if (known !== undefined) return known;
    strings.set(s, s);
    return s;
  };
  let seen: Set<object> | undefined;
  let walked = 0;
  const pending: object[] = [value as object];
  while (pending.length > 0) {
    const node = pending.pop()! as Record<string, unknown>;
    if (seen) {
      if (seen.has(node)) continue;
      seen.add(node);
    } else if (++walked > walkWithoutMemory) seen = new Set([node]);
    for (const key in node) {
      const v = node[key];
      if (typeof v === 'string') node[key] = share(v);
      else if (v !== null && typeof v === 'object') pending.push(v);
    }
  }
  return value;
}
