import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { applyBaseline, baselineOf, BaselineError, parseBaseline, pruneBaseline, serializeBaseline, unmatchedCount, type Baseline } from './engine/baseline.js';
import type { Result } from './engine/result.js';
import { readTextFile } from './util/files.js';
import { changedLines, isChanged, type ChangedLines } from './util/git.js';
import { posixRelative } from './util/paths.js';

/**
 * What happens to a Result between lint() and the reporters: the baseline (CONTRACTS.md `--baseline`,
 * `--write-baseline`, `--prune-baseline`) and `--changed-since`.
 */

export interface LoadedBaseline {
  /** Absolute path of the file. */
  file: string;
  /** As given on the command line, for messages and the suppression reason. */
  label: string;
  baseline: Baseline;
}

/** Reads and checks a baseline file; a missing, unreadable, corrupt or foreign file is a BaselineError. */
export function readBaselineFile(label: string, cwd: string): LoadedBaseline {
  const file = resolve(cwd, label);
  let text: string;
  try {
    text = readTextFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BaselineError(`cannot read baseline ${label}: ${code === 'ENOENT' ? 'no such file (create it with --write-baseline)' : (code ?? (e as Error).message)}`);
  }
  return { file, label, baseline: parseBaseline(text, label) };
}

/** Baseline entries name files relative to the baseline file's directory, so the file can live anywhere. */
export function baselineFileKey(cwd: string, baselineFile: string): (file: string) => string {
  const dir = dirname(baselineFile);
  return (file) => posixRelative(dir, resolve(cwd, file));
}

export interface BaselineOutcome {
  result: Result;
  /** Recorded findings that matched nothing in the files analyzed (a hint to prune). */
  unmatched: number;
  /** The baseline file's new text, for --write-baseline and --prune-baseline. */
  write?: { file: string; label: string; text: string; note: string };
}

/**
 * Applies the baseline (`loaded`) and prepares `--write-baseline` (every active finding, which then counts as baselined)
 * or `--prune-baseline` (the loaded file less what no longer matches; it never grows).
 */
export function baselineStep(result: Result, cwd: string, opts: { loaded?: LoadedBaseline; writeTo?: string; prune?: boolean }): BaselineOutcome {
  let current = result;
  let unmatched = 0;
  let write: BaselineOutcome['write'];
  if (opts.loaded) {
    const key = baselineFileKey(cwd, opts.loaded.file);
    const match = applyBaseline(current.findings, opts.loaded.baseline, key, `recorded in ${opts.loaded.label}`);
    current = { ...current, findings: match.findings };
    const analyzed = new Set(result.files.map((f) => key(f.path)));
    unmatched = unmatchedCount(opts.loaded.baseline, match.used, analyzed);
    if (opts.prune) {
      const pruned = pruneBaseline(opts.loaded.baseline, match.used, analyzed, (f) => existsSync(resolve(dirname(opts.loaded!.file), f)));
      write = { file: opts.loaded.file, label: opts.loaded.label, text: serializeBaseline(pruned.baseline), note: `pruned ${pruned.removed} finding${pruned.removed === 1 ? '' : 's'} from ${opts.loaded.label}` };
      unmatched = 0;
    }
  }
  if (opts.writeTo) {
    // Every finding no inline directive or config entry suppressed: also those the loaded baseline already covered.
    const file = resolve(cwd, opts.writeTo);
    const key = baselineFileKey(cwd, file);
    const recorded = baselineOf(result.findings, key);
    current = { ...current, findings: applyBaseline(current.findings, recorded, key, `recorded in ${opts.writeTo}`).findings };
    const n = recorded.entries.length;
    write = { file, label: opts.writeTo, text: serializeBaseline(recorded), note: `recorded ${n} finding${n === 1 ? '' : 's'} in ${opts.writeTo}` };
    unmatched = 0;
  }
  return { result: current, unmatched, ...(write ? { write } : {}) };
}

/** The lines changed since `ref` (CONTRACTS.md `--changed-since`); throws GitError. */
export function changedSince(ref: string, cwd: string): ChangedLines {
  return changedLines(ref, cwd);
}

/** Keeps the findings with a primary or related location on a changed line; the others are dropped and not counted. */
export function keepChanged(result: Result, changed: ChangedLines, cwd: string): Result {
  const on = (file: string, line: number) => isChanged(changed, resolve(cwd, file), line);
  return { ...result, findings: result.findings.filter((f) => [f.at, ...f.related.map((r) => r.at)].some((s) => on(s.file, s.start.line))) };
}

export { BaselineError };
