import type { Finding, Result } from '../engine/result.js';
import { escapeData, escapeProperty } from '../util/github-env.js';

export { escapeData, escapeProperty };

export interface GithubOptions {
  /** A finding's file as a path relative to the repository root (GitHub places annotations by it). */
  repoPath(file: string): string;
  /** Whether a line (repository path, 1-based) was changed by the pull request; annotations on changed lines come first. */
  changed?(repoPath: string, line: number): boolean;
  /** Whether the findings are also in the job summary (the closing notice says where the rest are). */
  summary: boolean;
  /** GitHub shows at most 10 annotations of each level per step. */
  perLevel?: number;
}

const COMMAND = { error: 'error', warning: 'warning', note: 'notice' } as const;
const RELATED_SHOWN = 3;

/**
 * GitHub workflow commands (CONTRACTS.md "GitHub"): at most `perLevel` annotations of each level, those on lines the pull
 * request changed first and then in report order; when any are left out, at most `perLevel - 1` notices and a closing
 * notice that says how many were left out and where to find them. Suppressed findings are not annotated.
 */
export function formatGithub(result: Result, opts: GithubOptions): string {
  const perLevel = opts.perLevel ?? 10;
  const active = result.findings.filter((f) => !f.suppressed);
  const onChanged = (f: Finding) =>
    opts.changed !== undefined && [f.at, ...f.related.map((r) => r.at)].some((s) => opts.changed!(opts.repoPath(s.file), s.start.line));
  const ordered = opts.changed ? [...active.filter(onChanged), ...active.filter((f) => !onChanged(f))] : active;

  const picked = new Set<Finding>();
  for (const level of ['error', 'warning', 'note'] as const) {
    for (const f of ordered.filter((x) => x.level === level).slice(0, perLevel)) picked.add(f);
  }
  let left = active.length - picked.size;
  if (left > 0) {
    // Keep one notice slot for the pointer to the rest.
    const notes = ordered.filter((f) => f.level === 'note' && picked.has(f));
    for (const f of notes.slice(perLevel - 1)) {
      picked.delete(f);
      left++;
    }
  }

  const lines = ordered.filter((f) => picked.has(f)).map((f) => annotation(f, opts.repoPath));
  if (left > 0) {
    const where = opts.summary ? 'see the job summary for every finding' : 'the full report is in the log (and in the SARIF or JSON report)';
    lines.push(`::notice title=sg-lint::${escapeData(`${left} more finding${left === 1 ? ' is' : 's are'} not shown as annotations (GitHub shows at most ${perLevel} of each level per step): ${where}.`)}`);
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

function annotation(f: Finding, repoPath: (file: string) => string): string {
  const { start, end } = f.at;
  const line = Math.max(1, start.line);
  const props: [string, string | number][] = [['file', repoPath(f.at.file)], ['line', line]];
  // The runner drops columns on annotations that span several lines.
  const endLine = Math.max(line, end.line);
  if (endLine === line) {
    const col = Math.max(1, start.column);
    props.push(['col', col], ['endLine', endLine], ['endColumn', Math.max(col, end.column)]);
  } else props.push(['endLine', endLine]);
  props.push(['title', `sg-lint ${f.ruleId}`]);
  const related = f.related.slice(0, RELATED_SHOWN).map((r) => `↳ ${repoPath(r.at.file)}:${r.at.start.line}:${r.at.start.column} ${r.message}`);
  if (f.related.length > RELATED_SHOWN) related.push(`↳ … and ${f.related.length - RELATED_SHOWN} more`);
  const message = [f.message, ...related].join('\n');
  return `::${COMMAND[f.level]} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')}::${escapeData(message)}`;
}

