// Quick fixes for sg-lint diagnostics: an inline suppression (always, where the syntax allows one), and the safe
// mechanical fix a rule's doc gives (a missing rule description). Nothing here changes who can reach what.
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { Analysis } from '../api.js';
import { todayUtc } from '../engine/directive.js';
import type { Finding } from '../engine/result.js';
import { UNSUPPRESSIBLE } from '../engine/suppress.js';
import { SOURCE, type DiagnosticData } from './diagnostics.js';
import { safeFix } from './fixes.js';
import { daysAfter, suppressionEdits, suppressionSyntax } from './suppression-edit.js';

/** How long an editor-added suppression holds: it is a reviewed exception, not a permanent one. */
export const SUPPRESSION_DAYS = 90;
export const REASON_PLACEHOLDER = 'TODO: say why this is accepted';

export interface ActionRequest {
  uri: string;
  path: string;
  text: string;
  cwd: string;
  /** The findings last published for the buffer. */
  findings: Finding[];
  /** The diagnostics the client asks about (those under the cursor). */
  diagnostics: Diagnostic[];
  analysis: () => Promise<Analysis | null>;
  today?: string;
}

export async function codeActions(req: ActionRequest): Promise<CodeAction[]> {
  const actions: CodeAction[] = [];
  const until = daysAfter(req.today ?? todayUtc(), SUPPRESSION_DAYS);
  const syntax = suppressionSyntax(req.path, req.text);
  for (const diagnostic of req.diagnostics) {
    const data = diagnostic.data as DiagnosticData | undefined;
    if (diagnostic.source !== SOURCE || !data?.fingerprint) continue;
    const finding = req.findings.find((f) => f.fingerprint === data.fingerprint && f.ruleId === data.ruleId);
    if (!finding) continue;
    const fix = await safeFix(finding, req);
    if (fix) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: { changes: { [req.uri]: fix.edits } } });
    if (UNSUPPRESSIBLE.has(finding.ruleId)) continue;
    const edits = suppressionEdits({ file: req.path, text: req.text, ruleId: finding.ruleId, line: diagnostic.range.start.line, character: diagnostic.range.start.character, path: finding.at.path, until, reason: REASON_PLACEHOLDER });
    if (!edits) continue;
    const how = syntax.kind === 'metadata' ? 'in the resource Metadata' : syntax.kind === 'json-comment' ? 'with a "//" property' : 'with a comment';
    actions.push({ title: `Suppress ${finding.ruleId} ${how} (until ${until}, reason to fill in)`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: { changes: { [req.uri]: edits } } });
  }
  return actions;
}
