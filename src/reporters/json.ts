import type { Result } from '../engine/result.js';

export const JSON_SCHEMA_VERSION = 1;

/** The JSON report of CONTRACTS.md (schemas/report.schema.json). */
export function toJsonReport(result: Result, version: string) {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'sg-lint', version },
    findings: result.findings.map((f) => ({
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
    })),
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

export function formatJson(result: Result, version: string): string {
  return JSON.stringify(toJsonReport(result, version), null, 2) + '\n';
}
