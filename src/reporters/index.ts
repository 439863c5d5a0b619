import { docsUrl, type RuleModule } from '../engine/define-rule.js';
import type { Result } from '../engine/result.js';
import { packageVersion, ruleDoc } from '../util/package-files.js';
import { formatCheckstyle } from './checkstyle.js';
import { formatGithub } from './github.js';
import { formatGitlab } from './gitlab.js';
import { formatJson, jsonReportChunks } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown, MARKDOWN_COMMENT_BYTES } from './markdown.js';
import { pathMapper } from './paths.js';
import { ruleInfos, type RuleInfo } from './rule-info.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export const FORMATS = ['text', 'json', 'sarif', 'github', 'junit', 'markdown', 'checkstyle', 'gitlab'] as const;
export type FormatName = (typeof FORMATS)[number];

/** Formats whose paths are relative to the repository root (the others' are relative to the current directory). */
export const REPOSITORY_PATHS: readonly FormatName[] = ['sarif', 'github', 'gitlab'];

/** Formats with no place for run errors (`errors[]`): when only these are written, the CLI prints the errors on stderr. */
export const NO_RUN_ERRORS: readonly FormatName[] = ['github', 'gitlab'];

export interface ReportContext {
  version: string;
  cwd: string;
  /** The root of the git repository holding `cwd` (SARIF and `github` paths are relative to it). */
  repoRoot: string;
  rules: RuleInfo[];
  /** ANSI colors in the text format. */
  color: boolean;
  /** Lines changed by the pull request (repository path, line), when a base is known: annotations on them come first. */
  changed?(repoPath: string, line: number): boolean;
  /** Whether the `github` format's findings also go to the job summary. */
  summary?: boolean;
  /** A link to a line of a file in the repository, for the markdown formats. */
  link?(repoPath: string, line: number): string;
  /** Said under the markdown heading (e.g. "Only findings on lines changed since origin/main."). */
  scope?: string;
}

/** Renders one format. Reporters are pure: everything they need is in the Result and the context. */
export function renderReport(format: FormatName, result: Result, ctx: ReportContext): string {
  const repoPath = pathMapper(ctx.cwd, ctx.repoRoot);
  switch (format) {
    case 'text':
      return formatText(result, { color: ctx.color, codeFrames: true });
    case 'json':
      return formatJson(result, ctx.version);
    case 'sarif':
      return formatSarif(result, { version: ctx.version, rules: ctx.rules, repoPath });
    case 'github':
      return formatGithub(result, { repoPath, summary: Boolean(ctx.summary), ...(ctx.changed ? { changed: ctx.changed } : {}) });
    case 'junit':
      return formatJunit(result, { rules: ctx.rules });
    case 'markdown':
      return markdownReport(result, ctx, MARKDOWN_COMMENT_BYTES, (file) => file);
    case 'checkstyle':
      return formatCheckstyle(result);
    case 'gitlab':
      return formatGitlab(result, { repoPath });
  }
}

/** renderReport's text in pieces: the JSON report is written a few findings at a time, never held whole. */
export function reportChunks(format: FormatName, result: Result, ctx: ReportContext): Iterable<string> {
  return format === 'json' ? jsonReportChunks(result, ctx.version) : [renderReport(format, result, ctx)];
}

/** The `github` format's job summary: the markdown report with repository paths, within `maxBytes`. */
export function jobSummary(result: Result, ctx: ReportContext, maxBytes: number): string {
  return markdownReport(result, ctx, maxBytes, pathMapper(ctx.cwd, ctx.repoRoot)) + '\n';
}

function markdownReport(result: Result, ctx: ReportContext, maxBytes: number, path: (file: string) => string): string {
  const repoPath = pathMapper(ctx.cwd, ctx.repoRoot);
  const link = ctx.link;
  return formatMarkdown(result, {
    rules: ctx.rules,
    path,
    maxBytes,
    ...(link ? { link: (file: string, line: number) => link(repoPath(file), line) } : {}),
    ...(ctx.scope ? { scope: ctx.scope } : {}),
  });
}

/** Rule metadata for reporters, with each built-in rule's doc page (`rules/<id>.md`) as SARIF help. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function reportRules(rules: RuleModule<any>[]): RuleInfo[] {
  const version = packageVersion();
  return ruleInfos(rules, (id) => {
    const markdown = ruleDoc(id);
    return markdown === undefined ? undefined : { uri: docsUrl(id, version), markdown };
  });
}
