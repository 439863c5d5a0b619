import { isNote, type Finding, type Result } from '../engine/result.js';
import type { RuleInfo } from './rule-info.js';

export interface MarkdownOptions {
  rules: RuleInfo[];
  /** A finding's file as the table shows it. */
  path(file: string): string;
  /** A link to a line of a finding's file (as the Result holds it), e.g. on github.com; without it locations are plain text. */
  link?(file: string, line: number): string;
  /** Size cap in bytes (UTF-8); rows past it are left out with a note. */
  maxBytes: number;
  /** Said under the heading, e.g. that only changed lines were reported. */
  scope?: string;
}

/** A PR comment's cap is 65,536 characters; the default `markdown` format stays below it. */
export const MARKDOWN_COMMENT_BYTES = 60_000;
/** GitHub aborts a step summary over 1 MiB (1,048,576 bytes); stay below it with room for other steps' lines. */
export const STEP_SUMMARY_BYTES = 1_000_000;

const ICON = { error: '🔴 error', warning: '🟡 warning', note: '🔵 note' } as const;

/** A markdown report: a heading with the counts, a table of the findings, the suppressed ones folded away, run errors. */
export function formatMarkdown(result: Result, opts: MarkdownOptions): string {
  const docs = new Map(opts.rules.map((r) => [r.id, r.helpUri]));
  const active = result.findings.filter((f) => !f.suppressed);
  const suppressed = result.findings.filter((f) => f.suppressed);
  const count = (level: string) => active.filter((f) => f.level === level).length;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const counts = `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('note'), 'note')}${suppressed.length > 0 ? `, ${suppressed.length} suppressed` : ''}`;
  const head = [`### sg-lint: ${active.length === 0 ? '✅ no problems' : `❌ ${plural(active.length, 'problem')}`} (${counts})`, ''];
  if (opts.scope) head.push(opts.scope, '');
  const s = result.stats;
  const footer = ['', `<sub>${plural(s.files, 'file')}, ${plural(s.groups, 'group')}, ${plural(s.rules, 'security group rule')} analyzed</sub>`, ''];
  const errors = result.errors.map((e) => `- **${e.kind} ${isNote(e) ? 'note' : 'error'}** ${e.file ? `\`${e.file}${e.line ? `:${e.line}` : ''}\`: ` : ''}${cell(e.message)}`);
  if (errors.length > 0) footer.unshift('', '**Run errors**', '', ...errors);

  const rule = (id: string) => (docs.get(id) ? `[\`${id}\`](${docs.get(id)})` : `\`${id}\``);
  const where = (f: Finding) => {
    const path = opts.path(f.at.file);
    const text = `\`${path}:${f.at.start.line}:${f.at.start.column}\``;
    return opts.link ? `[${text}](${opts.link(f.at.file, f.at.start.line)})` : text;
  };
  const activeRows = active.map((f) => `| ${ICON[f.level]} | ${rule(f.ruleId)} | ${where(f)} | ${cell(f.message)} |`);
  const suppressedRows = suppressed.map((f) => `| ${rule(f.ruleId)} | ${where(f)} | ${f.suppressed!.origin ? `peer (${f.suppressed!.origin.tool} ${cell(f.suppressed!.origin.id)})` : f.suppressed!.kind} | ${cell(f.suppressed!.reason)}${f.suppressed!.until ? ` (until ${f.suppressed!.until})` : ''} |`);

  // Fill rows while they fit; the active findings come first, then the suppressed ones.
  const reserve = 400;
  let budget = opts.maxBytes - bytes([...head, ...footer].join('\n')) - reserve;
  const take = (rows: string[], extra: number) => {
    const kept: string[] = [];
    for (const row of rows) {
      const size = bytes(row) + 1;
      if (budget - size - extra < 0) break;
      budget -= size;
      kept.push(row);
    }
    return kept;
  };
  const activeHeader = ['| level | rule | where | finding |', '|---|---|---|---|'];
  const suppressedHeader = ['', `<details><summary>${plural(suppressed.length, 'suppressed finding')}</summary>`, '', '| rule | where | kind | reason |', '|---|---|---|---|'];
  const keptActive = take(activeRows, bytes(activeHeader.join('\n')));
  const keptSuppressed = keptActive.length === activeRows.length ? take(suppressedRows, bytes(suppressedHeader.join('\n')) + 20) : [];
  const left = activeRows.length - keptActive.length + (suppressedRows.length - keptSuppressed.length);

  const body: string[] = [];
  if (activeRows.length > 0) body.push(...activeHeader, ...keptActive);
  if (keptSuppressed.length > 0) body.push(...suppressedHeader, ...keptSuppressed, '', '</details>');
  if (left > 0) {
    body.push('', `_${plural(left, 'more finding')} not listed: this summary is limited to ${Math.floor(opts.maxBytes / 1000).toLocaleString('en-US')} kB. The SARIF and JSON reports (and the log) list every finding._`);
  }
  return [...head, ...body, ...footer].join('\n');
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Makes text safe inside a table cell: no pipes, no raw HTML outside `code spans`, no line breaks. */
export function cell(text: string): string {
  return text
    .split('`')
    .map((part, i, all) => (i % 2 === 1 && i < all.length - 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('`')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}
