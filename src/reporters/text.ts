import type { OnlineSummary } from '../engine/online/pass.js';
import { isNote, type Finding, type Result } from '../engine/result.js';
import { addTo } from '../util/maps.js';
import { cut } from '../util/strings.js';

export interface TextOptions {
  color: boolean;
  /** Show a code frame under each finding. */
  codeFrames: boolean;
}

const COLORS = { red: 31, yellow: 33, cyan: 36, gray: 90, bold: 1, underline: 4 } as const;
type Color = keyof typeof COLORS;

/**
 * ESLint-"stylish" output: findings grouped by file, with a code frame, and a summary line. Suppressed findings are
 * counted, not shown. Code frames show only files that parsed as their format: a file that did not (a credentials
 * file behind a symbolic link, say) is never quoted.
 */
export function formatText(result: Result, opts: TextOptions): string {
  const paint = (c: Color, s: string) => (opts.color ? `\u001b[${COLORS[c]}m${s}\u001b[0m` : s);
  const analyzed = new Map(result.files.filter((f) => f.analyzed).map((f) => [f.path, f]));
  const shown = result.findings.filter((f) => !f.suppressed);
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of shown) addTo(byFile, f.at.file, f);
  for (const [file, findings] of byFile) {
    out.push(paint('underline', printable(file)));
    const text = opts.codeFrames ? analyzed.get(file)?.text : undefined;
    const lines = text?.split(/\r?\n/);
    for (const f of findings) {
      const level = f.level === 'error' ? paint('red', 'error  ') : f.level === 'warning' ? paint('yellow', 'warning') : paint('cyan', 'note   ');
      out.push(`  ${paint('gray', `${f.at.start.line}:${f.at.start.column}`.padEnd(7))} ${level}  ${printable(f.message)}  ${paint('gray', f.ruleId)}`);
      for (const r of f.related.slice(0, 5)) out.push(`           ${paint('gray', `↳ ${printable(r.at.file)}:${r.at.start.line}:${r.at.start.column} ${printable(r.message)}`)}`);
      if (f.related.length > 5) out.push(`           ${paint('gray', `↳ … and ${f.related.length - 5} more`)}`);
      if (opts.codeFrames && lines !== undefined && f.at.start.line > 0) out.push(codeFrame(lines, f, paint));
    }
    out.push('');
  }
  for (const e of result.errors) {
    const where = e.file ? `${printable(e.file)}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ` : '';
    out.push(`${isNote(e) ? paint('cyan', `${e.kind} note`) : paint('red', `${e.kind} error`)} ${where}${e.message}`);
  }
  if (result.errors.length > 0) out.push('');
  out.push(summary(result, paint));
  return neutraliseWorkflowCommands(out.join('\n') + '\n');
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One line of text whatever it holds: control characters (newlines, escape sequences) shown as escapes. */
export function printable(s: string): string {
  return s.replace(CONTROL, (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * GitHub Actions reads a log line that starts (after blanks) with `::` as a workflow command (`::add-mask::`,
 * `::stop-commands::`, `::error::`…). Such a line in our output can only come from a file name or message, so it is
 * shown with a leading backslash, which the runner does not take for a command.
 */
export function neutraliseWorkflowCommands(text: string): string {
  return text.replace(/^([ \t]*)::/gm, '$1\\::');
}

/** The closing summary alone, uncolored (printed on stderr when every report goes to a file). */
export function summaryLine(result: Result): string {
  return summary(result, (_c, s) => s) + '\n';
}

function summary(result: Result, paint: (c: Color, s: string) => string): string {
  const shown = result.findings.filter((f) => !f.suppressed);
  const count = (l: string) => shown.filter((f) => f.level === l).length;
  const suppressed = result.findings.length - shown.length;
  const problems = shown.length;
  const head = problems === 0 ? paint('bold', '✔ no problems') : paint(count('error') > 0 ? 'red' : 'yellow', `✖ ${problems} problem${problems === 1 ? '' : 's'}`);
  const parts = [`${count('error')} error${count('error') === 1 ? '' : 's'}`, `${count('warning')} warning${count('warning') === 1 ? '' : 's'}`, `${count('note')} note${count('note') === 1 ? '' : 's'}`];
  const tail = suppressed > 0 ? `, ${suppressed} suppressed` : '';
  const s = result.stats;
  const unresolved = s.unresolvedValues > 0 ? `; ${s.unresolvedValues} value${s.unresolvedValues === 1 ? '' : 's'} unresolved (${Object.entries(s.unresolvedByReason).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
  const online = result.online ? `\n${paint('gray', onlineSummary(result.online))}` : '';
  return `${head} (${parts.join(', ')}${tail})\n${paint('gray', `${s.files} file${s.files === 1 ? '' : 's'}, ${s.groups} group${s.groups === 1 ? '' : 's'}, ${s.rules} security group rule${s.rules === 1 ? '' : 's'} analyzed${unresolved}`)}${online}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`;

/** What the online pass did: addresses checked, sent, cached, not checked, quota used; then its warnings, one a line. */
export function onlineSummary(o: OnlineSummary): string {
  const service = o.provider === 'metadefender' ? 'MetaDefender' : o.provider === 'abuseipdb' ? 'AbuseIPDB' : `the blocklist ${o.target}`;
  const wide = o.notChecked.length === 0 ? '' : `; ${plural(o.notChecked.length, 'range')} not checked (wider than ${o.maxAddressesPerCidr} addresses): ${o.notChecked.slice(0, 5).join(', ')}${o.notChecked.length > 5 ? ` and ${o.notChecked.length - 5} more` : ''}`;
  let line: string;
  if (o.dryRun) {
    const would = o.wouldSend?.length ?? 0;
    line = o.provider === 'file'
      ? `online dry run: ${plural(would, 'public address')} would be checked against ${service} (locally: nothing leaves the machine)${wide}`
      : `online dry run: ${plural(would, 'public address')} would be sent to ${service} (${o.target})${o.fromCache > 0 ? `, ${o.fromCache} more answered from the cache` : ''}; nothing was sent${wide}`;
  } else {
    const how = o.provider === 'file' ? 'looked up locally, nothing sent' : `${o.sent} sent, ${o.fromCache} from cache`;
    const unanswered = o.unanswered > 0 ? `, ${o.unanswered} unanswered` : '';
    const q = o.quota;
    const left = q?.remaining !== undefined ? ` (${q.remaining}${q.limit !== undefined ? ` of ${q.limit}` : ''} left)` : '';
    const quota = q ? `; quota used ${q.usedByRun}${left}` : '';
    line = `online: ${plural(o.checked, 'public address')} checked with ${service} (${how}), ${o.flagged} flagged${unanswered}${wide}${quota}`;
  }
  return [line, ...o.warnings.map((w) => `online warning: ${w}`)].join('\n');
}

/** The lines around a finding, from its file's lines (split once per file: a file may have thousands of findings). */
function codeFrame(lines: readonly string[], f: Finding, paint: (c: Color, s: string) => string): string {
  const line = f.at.start.line;
  const first = Math.max(1, line - 1);
  const last = Math.min(lines.length, line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const src = printable((lines[n - 1] ?? '').replace(/\t/g, ' '));
    if (n !== line) {
      out.push(`      ${paint('gray', `${String(n).padStart(width)} |`)} ${cut(src, FRAME_WIDTH)}`);
      continue;
    }
    const endColumn = f.at.end.line === line ? f.at.end.column : src.length + 1;
    const shown = frameWindow(src, f.at.start.column, endColumn);
    out.push(`    ${paint('red', '>')} ${paint('gray', `${String(n).padStart(width)} |`)} ${shown.text}`);
    out.push(`      ${' '.repeat(width)} ${paint('gray', '|')} ${' '.repeat(shown.caretAt)}${paint('red', '^'.repeat(shown.caretLength))}`);
  }
  return out.join('\n');
}

/** Characters of a source line a code frame shows. */
const FRAME_WIDTH = 160;
/** Characters shown before the finding when the line is cut to show it. */
const FRAME_LEAD = 40;

/**
 * The part of a long line a code frame shows: its start, or a window around the finding when the finding lies further
 * on (a minified template is one line of megabytes), with `...` where the line is cut; where the caret goes under it.
 */
export function frameWindow(src: string, startColumn: number, endColumn: number): { text: string; caretAt: number; caretLength: number } {
  const start = Math.max(0, startColumn - 1);
  const from = src.length <= FRAME_WIDTH || start < FRAME_WIDTH - FRAME_LEAD ? 0 : start - FRAME_LEAD;
  const before = from > 0 ? '...' : '';
  const room = FRAME_WIDTH - before.length;
  const cut = src.length - from > room;
  const visible = cut ? src.slice(from, from + room - 3) : src.slice(from);
  const caretAt = before.length + start - from;
  // A span that goes on past the cut is underlined under the `...` too.
  const shownEnd = from + visible.length;
  const caretLength = Math.max(1, (endColumn - 1 > shownEnd && cut ? shownEnd + 3 : Math.min(endColumn - 1, shownEnd)) - start);
  return { text: `${before}${visible}${cut ? '...' : ''}`, caretAt, caretLength };
}
