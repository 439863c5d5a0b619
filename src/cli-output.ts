import { appendFileSync, closeSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Result } from './engine/result.js';
import { fullRegistry } from './api.js';
import { jobSummary, reportRules, REPOSITORY_PATHS, type FormatName, type ReportContext } from './reporters/index.js';
import { STEP_SUMMARY_BYTES } from './reporters/markdown.js';
import { changedLines, isChanged, repositoryRoot, type ChangedLines } from './util/git.js';
import { blobLinker, pullRequestBase } from './util/github-env.js';

type Env = Record<string, string | undefined>;

/** Everything the reporters need besides the Result (CLI side: git root, GitHub environment, changed lines). */
export function reportContext(
  result: Result,
  opts: { cwd: string; env: Env; version: string; formats: readonly FormatName[]; changed?: ChangedLines; changedRef?: string },
): ReportContext {
  const github = opts.formats.includes('github');
  // Only SARIF, `github`, `gitlab` and the markdown links use repository paths: other formats need not ask git.
  const repoRoot = opts.formats.some((f) => f === 'markdown' || REPOSITORY_PATHS.includes(f)) ? repositoryRoot(opts.cwd) : resolve(opts.cwd);
  // Annotations on lines the pull request changed come first: from --changed-since, or from the PR base in Actions.
  let changed = opts.changed;
  if (!changed && github && opts.env.GITHUB_ACTIONS === 'true') {
    const base = pullRequestBase(opts.env);
    if (base) {
      try {
        changed = changedLines(base, opts.cwd);
      } catch {
        changed = undefined; // a shallow clone without the base: plain report order
      }
    }
  }
  const link = blobLinker(opts.env);
  return {
    version: opts.version,
    cwd: opts.cwd,
    repoRoot,
    rules: reportRules(result.rules ?? fullRegistry()),
    color: false,
    ...(changed ? { changed: (repoPath: string, line: number) => isChanged(changed, join(repoRoot, repoPath), line) } : {}),
    summary: github && Boolean(opts.env.GITHUB_STEP_SUMMARY),
    ...(link ? { link } : {}),
    ...(opts.changedRef ? { scope: `Only findings on lines changed since \`${opts.changedRef}\` are reported.` } : {}),
  };
}

/**
 * Whether the text report on standard output has ANSI colours: the last of --color and --no-color decides when one is
 * given; otherwise FORCE_COLOR when set and not empty (on, except 0 and false, which Node.js reads as off), then
 * NO_COLOR when set and not empty (off), then whether standard output is a terminal.
 */
export function colorOnStdout(flag: boolean | undefined, isTTY: boolean, env: Env): boolean {
  if (flag !== undefined) return flag;
  if (env.FORCE_COLOR) return !/^(0|false)$/i.test(env.FORCE_COLOR);
  if (env.NO_COLOR) return false;
  return isTTY;
}

/** Appends the job summary to $GITHUB_STEP_SUMMARY, keeping the step's file under GitHub's 1 MiB cap. */
export function appendStepSummary(file: string, result: Result, ctx: ReportContext): void {
  let used = 0;
  try {
    used = statSync(file).size;
  } catch {
    used = 0;
  }
  const budget = STEP_SUMMARY_BYTES - used;
  if (budget < 2_000) throw new Error(`${file} is already ${used} bytes, too close to GitHub's 1 MiB step summary limit`);
  appendFileSync(file, jobSummary(result, ctx, budget));
}

/**
 * Writes a file whole or not at all: a temporary file beside it, then a rename (devices and pipes are written directly).
 * The text may come in pieces (a large JSON report), which are written as they come.
 */
export function writeFileAtomic(path: string, text: string | Iterable<string>): void {
  const abs = resolve(path);
  const existing = statSync(abs, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) {
    writePieces(abs, text);
    return;
  }
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.tmp`);
  try {
    writePieces(tmp, text);
    renameSync(tmp, abs);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function writePieces(file: string, text: string | Iterable<string>): void {
  if (typeof text === 'string') {
    writeFileSync(file, text);
    return;
  }
  const fd = openSync(file, 'w');
  try {
    for (const piece of text) {
      const bytes = Buffer.from(piece);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes pieces of text to a stream, waiting whenever its buffer is full, so that they are not all queued at once. */
export async function writeToStream(stream: NodeJS.WritableStream, pieces: Iterable<string>): Promise<void> {
  for (const piece of pieces) {
    if (!stream.write(piece)) await drained(stream);
  }
}

function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
    stream.on('close', done);
  });
}
