import type { Finding, Result } from '../engine/result.js';

export const JSON_SCHEMA_VERSION = 1;

/** The JSON report of CONTRACTS.md (schemas/report.schema.json). */
export function toJsonReport(result: Result, version: string) {
  return { ...reportWithout(result, version), findings: result.findings.map(jsonFinding) };
}

export function formatJson(result: Result, version: string): string {
  return [...jsonReportChunks(result, version)].join('');
}

/** Where the findings go in the report without them: a literal newline never occurs inside a JSON string. */
const EMPTY_FINDINGS = '\n  "findings": []';

/** Pieces of this much text or more: a large report goes out without ever being one string. */
const CHUNK_CHARS = 1 << 16;

/** Findings written out by one JSON.stringify call. */
const BATCH = 64;

/** How a batch of findings reads inside `{"findings": [...]}`: two levels deep, as in the report. */
const BATCH_HEAD = '{\n  "findings": [\n';
const BATCH_TAIL = '\n  ]\n}';

/**
 * formatJson's text in pieces, one finding at a time, so that a report with a hundred thousand findings is never held
 * whole (nor as an object tree): exactly the bytes of `JSON.stringify(toJsonReport(…), null, 2)` and a newline.
 */
export function* jsonReportChunks(result: Result, version: string): Generator<string> {
  const skeleton = JSON.stringify(reportWithout(result, version), null, 2) + '\n';
  if (result.findings.length === 0) {
    yield skeleton;
    return;
  }
  const cut = skeleton.indexOf(EMPTY_FINDINGS);
  let chunk = skeleton.slice(0, cut) + '\n  "findings": [';
  for (let i = 0; i < result.findings.length; i += BATCH) {
    // Written inside a list inside an object, the findings are indented as the report indents them.
    const text = JSON.stringify({ findings: result.findings.slice(i, i + BATCH).map(jsonFinding) }, null, 2);
    chunk += (i === 0 ? '\n' : ',\n') + text.slice(BATCH_HEAD.length, text.length - BATCH_TAIL.length);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk + '\n  ]' + skeleton.slice(cut + EMPTY_FINDINGS.length);
}

/** The report with `findings` in its place (an empty list stands for them while the rest is written). */
function reportWithout(result: Result, version: string) {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'sg-lint', version },
    findings: [],
    errors: result.errors.map((e) => ({ kind: e.kind, ...(e.file ? { file: e.file } : {}), ...(e.line ? { line: e.line, column: e.column ?? 1 } : {}), message: e.message })),
    stats: {
      files: result.stats.files,
      byFormat: result.stats.byFormat,
      groups: result.stats.groups,
      rules: result.stats.rules,
      unresolvedValues: result.stats.unresolvedValues,
      unresolvedByReason: result.stats.unresolvedByReason,
      durationMs: result.stats.durationMs,
    },
  };
}

function jsonFinding(f: Finding) {
  return {
    ruleId: f.ruleId,
    level: f.level,
    message: f.message,
    file: f.at.file,
    line: f.at.start.line,
    column: f.at.start.column,
    endLine: f.at.end.line,
    endColumn: f.at.end.column,
    resource: f.resource,
    ...(f.group ? { group: f.group } : {}),
    path: f.at.path,
    fingerprint: f.fingerprint,
    root: f.root,
    ...(f.instances ? { instances: f.instances } : {}),
    ...(f.conditions ? { conditions: f.conditions } : {}),
    related: f.related.map((r) => ({ file: r.at.file, line: r.at.start.line, column: r.at.start.column, message: r.message })),
    ...(f.suppressed ? { suppressed: f.suppressed } : {}),
    ...(f.properties ? { properties: f.properties } : {}),
  };
}
