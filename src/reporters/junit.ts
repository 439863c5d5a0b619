import { isNote, type Finding, type Result } from '../engine/result.js';
import { xmlAttr as attr, xmlText as text } from './xml.js';
import { addTo } from '../util/maps.js';

/**
 * JUnit XML for CI systems that read it: one test suite per analyzed file, one failing test case per finding (its type is
 * the level), suppressed findings as skipped test cases, and one passing case for a file without findings. Run errors
 * become an `sg-lint` suite of errored cases.
 */
export function formatJunit(result: Result, opts: { rules: { id: string; helpUri?: string }[] }): string {
  const docs = new Map(opts.rules.map((r) => [r.id, r.helpUri]));
  const byFile = new Map<string, Finding[]>();
  for (const f of result.files) byFile.set(f.path, []);
  for (const f of result.findings) addTo(byFile, f.at.file, f);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const [file, findings] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const cases = findings.map((f) => {
      const name = `${f.ruleId} ${f.at.start.line}:${f.at.start.column}${f.resource ? ` ${f.resource}` : ''}`;
      const open = `    <testcase classname="${attr(file)}" name="${attr(name)}" file="${attr(file)}" line="${f.at.start.line}">`;
      if (f.suppressed) return `${open}\n      <skipped message="${attr(`suppressed (${f.suppressed.kind}): ${f.suppressed.reason}`)}"/>\n    </testcase>`;
      const detail = [`${f.level} ${file}:${f.at.start.line}:${f.at.start.column} ${f.message}`, ...f.related.map((r) => `  ↳ ${r.at.file}:${r.at.start.line}:${r.at.start.column} ${r.message}`), ...(docs.get(f.ruleId) ? [`Docs: ${docs.get(f.ruleId)}`] : [])];
      return `${open}\n      <failure type="${f.level}" message="${attr(f.message)}">${text(detail.join('\n'))}</failure>\n    </testcase>`;
    });
    if (cases.length === 0) cases.push(`    <testcase classname="${attr(file)}" name="sg-lint" file="${attr(file)}"/>`);
    const fileFailures = findings.filter((f) => !f.suppressed).length;
    const fileSkipped = findings.length - fileFailures;
    tests += cases.length;
    failures += fileFailures;
    skipped += fileSkipped;
    suites.push(`  <testsuite name="${attr(file)}" tests="${cases.length}" failures="${fileFailures}" errors="0" skipped="${fileSkipped}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  // Notes (trust, skipped) are not failures, and JUnit has no place for them.
  const runErrors = result.errors.filter((e) => !isNote(e));
  if (runErrors.length > 0) {
    const cases = runErrors.map(
      (e, i) => `    <testcase classname="sg-lint" name="${attr(`${e.kind} error ${i + 1}${e.file ? ` ${e.file}` : ''}`)}">\n      <error type="${e.kind}" message="${attr(e.message)}"/>\n    </testcase>`,
    );
    tests += cases.length;
    suites.push(`  <testsuite name="sg-lint" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  const errors = runErrors.length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sg-lint" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}">\n${suites.join('\n')}${suites.length > 0 ? '\n' : ''}</testsuites>\n`;
}
