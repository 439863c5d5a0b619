import type { Finding } from './result.js';
import { UNSUPPRESSIBLE } from './suppress.js';
import { jsonSyntaxError } from '../util/json-error.js';
import { addTo } from '../util/maps.js';

/**
 * The baseline (CONTRACTS.md `--baseline`, `--write-baseline`, `--prune-baseline`): like ESLint's bulk suppressions, a
 * file of known findings keyed by file, rule and fingerprint (which holds the root, resource and content), with a count
 * and never a line number, so entries survive moved lines, reformatting and unrelated edits. Files are relative to the
 * baseline file's directory.
 */
export interface BaselineEntry {
  file: string;
  rule: string;
  /** The finding's resource, for readers; matching uses the fingerprint, which holds the instance-free resource and the root. */
  resource: string;
  fingerprint: string;
  count: number;
}

export interface Baseline {
  entries: BaselineEntry[];
}

export class BaselineError extends Error {}

/** 2: fingerprints hold the finding's root and are independent of the working directory and of instances. */
export const BASELINE_VERSION = 2;
const MARKER = 'sgLintBaseline';

const keyOf = (e: { file: string; rule: string; fingerprint: string }) => `${e.file}\0${e.rule}\0${e.fingerprint}`;

/** Parses and checks a baseline file; anything else (corrupt JSON, another tool's file, a newer version) is a BaselineError. */
export function parseBaseline(text: string, label: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const problem = jsonSyntaxError(text, e);
    throw new BaselineError(`baseline ${label} is not valid JSON (line ${problem.line}): ${problem.message}`);
  }
  const root = data as Record<string, unknown>;
  if (!root || typeof root !== 'object' || Array.isArray(root) || !(MARKER in root)) {
    throw new BaselineError(`${label} is not an sg-lint baseline (no "${MARKER}" version field); create one with --write-baseline`);
  }
  if (root[MARKER] === 1) throw new BaselineError(`baseline ${label} was written by an earlier sg-lint, whose fingerprints did not tell roots apart; re-create it with --write-baseline`);
  if (root[MARKER] !== BASELINE_VERSION) throw new BaselineError(`baseline ${label} has version ${JSON.stringify(root[MARKER])}; this sg-lint reads version ${BASELINE_VERSION}`);
  const bad = (where: string, what: string) => new BaselineError(`baseline ${label}: ${where} ${what}`);
  const files = root.files;
  if (!files || typeof files !== 'object' || Array.isArray(files)) throw bad('"files"', 'must be an object of file → rule → entries');
  const entries: BaselineEntry[] = [];
  for (const [file, rules] of Object.entries(files as Record<string, unknown>)) {
    if (!rules || typeof rules !== 'object' || Array.isArray(rules)) throw bad(`files["${file}"]`, 'must be an object of rule id → entries');
    for (const [rule, list] of Object.entries(rules as Record<string, unknown>)) {
      if (!Array.isArray(list)) throw bad(`files["${file}"]["${rule}"]`, 'must be a list');
      list.forEach((item: unknown, i) => {
        const e = item as Record<string, unknown>;
        const where = `files["${file}"]["${rule}"][${i}]`;
        if (!e || typeof e !== 'object') throw bad(where, 'must be an object');
        if (typeof e.resource !== 'string') throw bad(where, 'needs "resource" (a string)');
        if (typeof e.fingerprint !== 'string' || !/^[0-9a-f]{8,64}$/.test(e.fingerprint)) throw bad(where, 'needs "fingerprint" (hex digits)');
        if (!Number.isInteger(e.count) || (e.count as number) < 1) throw bad(where, 'needs "count" (a whole number of at least 1)');
        entries.push({ file, rule, resource: e.resource, fingerprint: e.fingerprint, count: e.count as number });
      });
    }
  }
  return { entries };
}

/** The file's JSON, sorted so that the same findings always give the same bytes. */
export function serializeBaseline(baseline: Baseline): string {
  const merged = new Map<string, BaselineEntry>();
  for (const e of baseline.entries) {
    const k = keyOf(e);
    const prev = merged.get(k);
    merged.set(k, prev ? { ...prev, count: prev.count + e.count } : { ...e });
  }
  const sorted = [...merged.values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const files: Record<string, Record<string, { resource: string; fingerprint: string; count: number }[]>> = {};
  for (const e of sorted) ((files[e.file] ??= {})[e.rule] ??= []).push({ resource: e.resource, fingerprint: e.fingerprint, count: e.count });
  return JSON.stringify({ [MARKER]: BASELINE_VERSION, files }, null, 2) + '\n';
}

const recordable = (f: Finding) => !f.suppressed && !UNSUPPRESSIBLE.has(f.ruleId);

/** A baseline of every active finding (suppressed findings and parse errors are never recorded). */
export function baselineOf(findings: Finding[], fileKey: (file: string) => string): Baseline {
  return { entries: findings.filter(recordable).map((f) => ({ file: fileKey(f.at.file), rule: f.ruleId, resource: f.resource, fingerprint: f.fingerprint, count: 1 })) };
}

export interface BaselineMatch {
  findings: Finding[];
  /** How many findings each entry (by index) suppressed. */
  used: number[];
}

/** Marks active findings recorded in the baseline as suppressed (kind baseline), each entry at most `count` times. */
export function applyBaseline(findings: Finding[], baseline: Baseline, fileKey: (file: string) => string, reason: string): BaselineMatch {
  const slots = new Map<string, number[]>();
  baseline.entries.forEach((e, i) => addTo(slots, keyOf(e), i));
  const used = baseline.entries.map(() => 0);
  const out = findings.map((f) => {
    if (!recordable(f)) return f;
    const candidates = slots.get(keyOf({ file: fileKey(f.at.file), rule: f.ruleId, fingerprint: f.fingerprint }));
    const slot = candidates?.find((i) => used[i]! < baseline.entries[i]!.count);
    if (slot === undefined) return f;
    used[slot]!++;
    return { ...f, suppressed: { kind: 'baseline' as const, reason } };
  });
  return { findings: out, used };
}

/**
 * The baseline without what no longer matches: entries of analyzed files shrink to the findings they matched (and go
 * when none); entries of files this run did not analyze stay while the file exists. Never adds or grows an entry.
 */
export function pruneBaseline(baseline: Baseline, used: number[], analyzed: ReadonlySet<string>, exists: (file: string) => boolean): { baseline: Baseline; removed: number } {
  const entries: BaselineEntry[] = [];
  let removed = 0;
  baseline.entries.forEach((e, i) => {
    const count = analyzed.has(e.file) ? Math.min(e.count, used[i] ?? 0) : exists(e.file) ? e.count : 0;
    removed += e.count - count;
    if (count > 0) entries.push({ ...e, count });
  });
  return { baseline: { entries }, removed };
}

/** How many recorded findings matched nothing in the analyzed files (a hint to prune). */
export function unmatchedCount(baseline: Baseline, used: number[], analyzed: ReadonlySet<string>): number {
  return baseline.entries.reduce((n, e, i) => n + (analyzed.has(e.file) ? e.count - (used[i] ?? 0) : 0), 0);
}
