// Findings as LSP diagnostics: rule id as code, its doc page as codeDescription, related locations as related
// information. Positions: the model's are 1-based with an exclusive end, in UTF-16 code units like LSP's.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import { docsUrl, type Level } from '../engine/define-rule.js';
import { packageVersion } from '../util/package-files.js';
import type { Finding } from '../engine/result.js';
import type { Pos } from '../model/location.js';

export const SOURCE = 'sg-lint';

/** What a diagnostic carries back to the server in code action requests. */
export interface DiagnosticData {
  ruleId: string;
  fingerprint: string;
  messageId: string;
}

const SEVERITY: Record<Level, DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, note: DiagnosticSeverity.Information };

export function lspRange(start: Pos, end: Pos): Range {
  const from = { line: Math.max(0, start.line - 1), character: Math.max(0, start.column - 1) };
  const to = { line: Math.max(0, end.line - 1), character: Math.max(0, end.column - 1) };
  return { start: from, end: to.line < from.line || (to.line === from.line && to.character < from.character) ? from : to };
}

export function fileUri(abs: string): string {
  return pathToFileURL(abs).href;
}

/**
 * The diagnostic of a finding; `documented` says whether the rule has a doc page (built-in rules do, plugin rules
 * not). Suppressed findings are not shown: the caller leaves them out.
 */
export function toDiagnostic(f: Finding, cwd: string, documented: (ruleId: string) => boolean): Diagnostic {
  const related = f.related.filter((r) => r.at.start.line > 0);
  const data: DiagnosticData = { ruleId: f.ruleId, fingerprint: f.fingerprint, messageId: f.messageId };
  return {
    range: lspRange(f.at.start, f.at.end),
    severity: SEVERITY[f.level],
    source: SOURCE,
    code: f.ruleId,
    ...(documented(f.ruleId) ? { codeDescription: { href: docsUrl(f.ruleId, packageVersion()) } } : {}),
    message: f.message,
    ...(related.length > 0
      ? { relatedInformation: related.map((r) => ({ location: { uri: fileUri(resolve(cwd, r.at.file)), range: lspRange(r.at.start, r.at.end) }, message: r.message })) }
      : {}),
    data,
  };
}

/** A problem that stops every analysis (an invalid config): one diagnostic at the top of each open file. */
export function runProblem(message: string): Diagnostic {
  return { range: lspRange({ line: 1, column: 1 }, { line: 1, column: 1 }), severity: DiagnosticSeverity.Error, source: SOURCE, code: 'config', message };
}
