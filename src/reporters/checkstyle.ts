import type { Level } from '../engine/define-rule.js';
import { isNote, type Finding, type Result } from '../engine/result.js';
import { xmlAttr, xmlText } from './xml.js';
import { addTo } from '../util/maps.js';

/** Checkstyle's report schema allows the severities error, warning and info. */
const SEVERITY: Record<Level, string> = { error: 'error', warning: 'warning', note: 'info' };

/**
 * Checkstyle XML (`<checkstyle><file name><error line column severity message source/></file></checkstyle>`), the
 * dialect that ESLint, ShellCheck and others write and CI tools read. The version attribute is the dialect's, 4.3, as
 * those tools write it. Every analyzed file is listed, with one `<error>` per finding (source `sg-lint.<rule id>`).
 * The format has no mark for a suppressed finding, so suppressed findings are left out, as in the text report. Run
 * errors are `<exception>` elements, the schema's place for a problem with the run rather than with a file.
 */
export function formatCheckstyle(result: Result): string {
  const byFile = new Map<string, Finding[]>();
  for (const f of result.files) byFile.set(f.path, []);
  for (const f of result.findings) if (!f.suppressed) addTo(byFile, f.at.file, f);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  for (const [file, findings] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (findings.length === 0) {
      out.push(`  <file name="${xmlAttr(file)}"/>`);
      continue;
    }
    out.push(`  <file name="${xmlAttr(file)}">`);
    for (const f of findings) out.push(`    <error${position(f)} severity="${SEVERITY[f.level]}" message="${xmlAttr(f.message)}" source="sg-lint.${xmlAttr(f.ruleId)}"/>`);
    out.push('  </file>');
  }
  for (const e of result.errors.filter((x) => !isNote(x))) {
    const where = e.file ? `${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ` : '';
    out.push(`  <exception>${xmlText(`sg-lint ${e.kind} error: ${where}${e.message}`)}</exception>`);
  }
  out.push('</checkstyle>');
  return out.join('\n') + '\n';
}

/** Line and column are positive integers in the schema: a finding without a position has neither. */
function position(f: Finding): string {
  const { line, column } = f.at.start;
  if (line < 1) return '';
  return ` line="${line}"${column >= 1 ? ` column="${column}"` : ''}`;
}
