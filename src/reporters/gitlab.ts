import { createHash } from 'node:crypto';
import type { Level } from '../engine/define-rule.js';
import type { Result } from '../engine/result.js';

/** GitLab's severities run info, minor, major, critical, blocker. */
const SEVERITY: Record<Level, string> = { error: 'critical', warning: 'major', note: 'minor' };

export interface GitlabOptions {
  /** A finding's file as a path relative to the repository root (GitLab places issues by it). */
  repoPath(file: string): string;
}

/**
 * GitLab Code Quality (`artifacts:reports:codequality`): a JSON array of issues, each with the fields GitLab reads
 * (description, check_name, fingerprint, severity, location.path, location.lines.begin) and the ones the Code Climate
 * spec also asks for (type, categories), so other Code Climate readers take it too. The format has no mark for a
 * suppressed finding, so suppressed findings are left out, and no place for run errors (the CLI prints them on stderr).
 * GitLab shows issues that share a fingerprint as one, so a second finding with the same fingerprint (the same
 * problem written twice in one resource) gets one derived from it and its rank, which stays the same from run to run.
 */
export function toGitlabReport(result: Result, opts: GitlabOptions) {
  const seen = new Map<string, number>();
  return result.findings
    .filter((f) => !f.suppressed)
    .map((f) => {
      const rank = (seen.get(f.fingerprint) ?? 0) + 1;
      seen.set(f.fingerprint, rank);
      const begin = Math.max(1, f.at.start.line);
      return {
        type: 'issue',
        check_name: f.ruleId,
        description: f.message,
        categories: ['Security'],
        fingerprint: rank === 1 ? f.fingerprint : createHash('sha256').update(`${f.fingerprint}\0${rank}`).digest('hex').slice(0, 32),
        severity: SEVERITY[f.level],
        location: { path: opts.repoPath(f.at.file), lines: { begin, end: Math.max(begin, f.at.end.line) } },
      };
    });
}

export function formatGitlab(result: Result, opts: GitlabOptions): string {
  return JSON.stringify(toGitlabReport(result, opts), null, 2) + '\n';
}
