import { execFileSync } from 'node:child_process';

const IDENTITY = ['-c', 'user.name=sg-lint tests', '-c', 'user.email=tests@sg-lint.invalid', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main'];

/** Runs git in `cwd` with a fixed identity and no signing; returns stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...IDENTITY, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Makes `dir` a git repository whose first commit holds everything in it; returns that commit. */
export function initRepo(dir: string): string {
  git(dir, 'init', '-q');
  return commitAll(dir, 'base');
}

/** Commits every change in `dir`; returns the new commit. */
export function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
  return git(dir, 'rev-parse', 'HEAD').trim();
}
