import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Lines added or changed, by absolute file path. */
export type ChangedLines = Map<string, Set<number>>;

export class GitError extends Error {}

function git(args: string[], cwd: string): string {
  return execFileSync('git', ['-c', 'core.quotePath=false', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}

const realOrSame = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** Answers of gitTopLevel kept by a long-lived process (the language server); null while not kept. */
let topLevels: Map<string, string | null> | null = null;

/**
 * Keeps gitTopLevel's answers from now on (each costs a git process, tens of milliseconds on a busy machine), until
 * forgetGitTopLevels(): for a process that lints the same directories again and again.
 */
export function keepGitTopLevels(): void {
  topLevels ??= new Map();
}

/** Drops the kept answers (a repository may have been created or moved). */
export function forgetGitTopLevels(): void {
  topLevels?.clear();
}

/**
 * The top level of the git work tree holding `dir`, or null when there is none. Found the way git finds it, without
 * starting git (a git process costs tens of milliseconds): from `dir`'s real path upwards, the first directory holding
 * a `.git` directory with a HEAD, or a `.git` file naming one (a linked worktree or a submodule). When the environment
 * changes how git finds a repository (GIT_DIR, GIT_WORK_TREE, GIT_CEILING_DIRECTORIES), git itself is asked.
 */
export function gitTopLevel(dir: string): string | null {
  const kept = topLevels?.get(dir);
  if (kept !== undefined) return kept;
  const top = GIT_DISCOVERY_ENV.some((name) => process.env[name]) ? askGit(dir) : workTreeAbove(realOrSame(resolve(dir)));
  topLevels?.set(dir, top);
  return top;
}

const GIT_DISCOVERY_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM'];

function askGit(dir: string): string | null {
  try {
    return git(['rev-parse', '--show-toplevel'], dir).trim() || null;
  } catch {
    return null;
  }
}

function workTreeAbove(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    if (holdsRepository(d)) return d;
    if (dirname(d) === d) return null;
  }
}

function holdsRepository(dir: string): boolean {
  const dotGit = join(dir, '.git');
  try {
    const stat = statSync(dotGit, { throwIfNoEntry: false });
    if (stat === undefined) return false;
    if (stat.isDirectory()) return existsSync(join(dotGit, 'HEAD'));
    return stat.isFile() && readFileSync(dotGit, 'utf8').startsWith('gitdir:');
  } catch {
    return false;
  }
}

/** The root of the git work tree holding `cwd`, or `cwd` itself when there is none (or git is missing). */
export function repositoryRoot(cwd: string): string {
  return gitTopLevel(cwd) ?? resolve(cwd);
}

/**
 * The lines `git diff --merge-base <ref>` shows as added or changed (the working tree against the merge base of `ref` and
 * HEAD), plus every line of untracked files that are not ignored. Throws GitError with git's own message on failure.
 */
export function changedLines(ref: string, cwd: string): ChangedLines {
  if (ref.startsWith('-')) throw new GitError(`"${ref}" is not a git revision`);
  let root: string;
  let diff: string;
  let untracked: string;
  try {
    root = git(['rev-parse', '--show-toplevel'], cwd).trim();
    diff = git(['diff', '--unified=0', '--no-color', '--no-ext-diff', '--diff-filter=AMRC', '--merge-base', '--end-of-options', ref, '--'], root);
    untracked = git(['ls-files', '--others', '--exclude-standard', '-z'], root);
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim();
    throw new GitError(stderr.split('\n').filter(Boolean).pop() ?? (e as Error).message);
  }
  // Keys use the real path so that a cwd reached through a symbolic link (macOS /tmp) still matches.
  const base = realOrSame(root);
  const changed = parseUnifiedDiff(diff, base);
  for (const rel of untracked.split('\0').filter(Boolean)) changed.set(join(base, rel), ALL_LINES);
  return changed;
}

/** Marks a file whose every line counts as changed (an untracked file). */
export const ALL_LINES: Set<number> = new Set<number>();

export function isChanged(changed: ChangedLines, absFile: string, line: number): boolean {
  const lines = changed.get(absFile) ?? changed.get(realOrSame(absFile));
  return lines !== undefined && (lines === ALL_LINES || lines.has(line));
}

/** Added lines per file from `git diff --unified=0` output (paths joined to `root`). */
export function parseUnifiedDiff(diff: string, root: string): ChangedLines {
  const changed: ChangedLines = new Map();
  let current: Set<number> | null = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = line.slice(4).replace(/\t$/, '');
      if (target === '/dev/null') {
        current = null;
        continue;
      }
      const path = target.startsWith('"') ? unquote(target) : target;
      const rel = path.startsWith('b/') ? path.slice(2) : path;
      const abs = join(root, rel);
      current = changed.get(abs) ?? new Set<number>();
      changed.set(abs, current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let n = start; n < start + count; n++) current.add(n);
    }
  }
  return changed;
}

/** git's C-style quoting of unusual paths ("b/caf\303\251.tf"). */
function unquote(s: string): string {
  const inner = s.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = inner[++i]!;
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(inner.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(({ n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}
