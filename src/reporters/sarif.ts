import { gzipSync } from 'node:zlib';
import type * as Sarif from 'sarif';
import type { Span } from '../model/location.js';
import { REPOSITORY_URL } from '../engine/define-rule.js';
import { isNote, LEVEL_RANK, type Finding, type Result } from '../engine/result.js';
import type { RuleInfo } from './rule-info.js';
import { isDownloadedModule } from '../util/paths.js';

export interface SarifOptions {
  version: string;
  rules: RuleInfo[];
  /** A finding's file (as in the Result: relative to the current directory) as a path relative to the repository root. */
  repoPath(file: string): string;
  /** GitHub's upload limits (defaults: 25,000 results per run, 10 MB gzipped); tests lower them. */
  limits?: { maxResults?: number; maxGzipBytes?: number };
}

export const SARIF_LIMITS = { maxResults: 25_000, maxGzipBytes: 10_000_000 };
const MAX_RELATED = 1_000;

/**
 * SARIF 2.1.0 for GitHub code scanning (CONTRACTS.md "SARIF"): plain repository-relative URIs (no uriBaseId), rules with
 * help and security-severity, partialFingerprints, suppressions; within GitHub's limits, dropping the lowest levels first.
 */
export function formatSarif(result: Result, opts: SarifOptions): string {
  const limits = { ...SARIF_LIMITS, ...opts.limits };
  const rules = sarifRules(result, opts.rules);
  const index = new Map(rules.map((r, i) => [r.descriptor.id, i]));
  // Made when kept: a run over GitHub's limits writes a part of its findings.
  const results: (Sarif.Result | undefined)[] = new Array(result.findings.length);
  const resultAt = (i: number): Sarif.Result => {
    const f = result.findings[i]!;
    return (results[i] ??= toResult(f, index.get(f.ruleId)!, rules[index.get(f.ruleId)!]!, opts.repoPath));
  };
  const notifications: Sarif.Notification[] = result.errors.map((e) => ({
    level: isNote(e) ? 'note' : e.kind === 'online' ? 'warning' : 'error',
    message: { text: `${e.kind} ${isNote(e) ? 'note' : 'error'}: ${e.message}` },
    ...(e.file ? { locations: [location({ file: e.file, line: e.line ?? 1, column: e.column ?? 1 }, opts.repoPath)] } : {}),
  }));
  const build = (kept: Sarif.Result[], note?: Sarif.Notification): string => {
    const run: Sarif.Run = {
      tool: { driver: { name: 'sg-lint', version: opts.version, semanticVersion: opts.version, informationUri: REPOSITORY_URL, rules: rules.map((r) => r.descriptor) } },
      invocations: [
        {
          executionSuccessful: !result.errors.some((e) => e.kind === 'config' || e.kind === 'internal'),
          toolExecutionNotifications: [...notifications, ...(note ? [note] : [])],
        },
      ],
      columnKind: 'utf16CodeUnits',
      results: kept,
    };
    const log: Sarif.Log = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] };
    return JSON.stringify(log, null, 2) + '\n';
  };

  // Rank: error > warning > note > suppressed; the stable order keeps report order within a rank.
  const rank = (f: Finding) => (f.suppressed ? 0 : LEVEL_RANK[f.level]);
  const byRank = result.findings.map((_f, i) => i).sort((a, b) => rank(result.findings[b]!) - rank(result.findings[a]!) || a - b);
  let keep = Math.min(results.length, limits.maxResults);
  for (;;) {
    const keptSet = new Set(byRank.slice(0, keep));
    const kept: Sarif.Result[] = [];
    for (let i = 0; i < results.length; i++) if (keptSet.has(i)) kept.push(resultAt(i));
    const dropped = result.findings.filter((_f, i) => !keptSet.has(i));
    const text = build(kept, dropped.length > 0 ? truncationNote(dropped, results.length, limits) : undefined);
    if (keep === 0) return text;
    const size = gzipSync(text).length;
    if (size <= limits.maxGzipBytes) return text;
    keep = Math.max(0, Math.min(keep - 1, Math.floor((keep * limits.maxGzipBytes * 0.95) / size)));
  }
}

function truncationNote(dropped: Finding[], total: number, limits: typeof SARIF_LIMITS): Sarif.Notification {
  const count = (pred: (f: Finding) => boolean) => dropped.filter(pred).length;
  const parts = [
    [count((f) => !f.suppressed && f.level === 'error'), 'error'],
    [count((f) => !f.suppressed && f.level === 'warning'), 'warning'],
    [count((f) => !f.suppressed && f.level === 'note'), 'note'],
    [count((f) => Boolean(f.suppressed)), 'suppressed'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} ${what}${what !== 'suppressed' && n !== 1 ? 's' : ''}`);
  return {
    level: 'warning',
    descriptor: { id: 'sarif-truncated' },
    message: {
      text:
        `${dropped.length} of ${total} results were left out to stay within GitHub's SARIF upload limits ` +
        `(${limits.maxResults.toLocaleString('en-US')} results per run, ${(limits.maxGzipBytes / 1_000_000).toLocaleString('en-US')} MB gzipped): ${parts.join(', ')}. ` +
        'Suppressed results and the lowest levels were dropped first; the JSON report lists every finding.',
    },
  };
}

interface RuleEntry {
  descriptor: Sarif.ReportingDescriptor;
  /** Per messageId, the placeholder names in SARIF argument order. */
  args: Map<string, string[]>;
}

function sarifRules(result: Result, infos: RuleInfo[]): RuleEntry[] {
  const byId = new Map(infos.map((r) => [r.id, r]));
  // Every rule of the run, then any rule a finding names that the metadata does not know (never expected).
  const ids = [...new Set([...infos.map((r) => r.id), ...result.findings.map((f) => f.ruleId)])];
  return ids.map((id) => {
    const info = byId.get(id);
    if (!info) return { descriptor: { id, name: id, shortDescription: { text: id } }, args: new Map() };
    const args = new Map<string, string[]>();
    const messageStrings: Record<string, Sarif.MultiformatMessageString> = {};
    for (const [messageId, template] of Object.entries(info.messages)) {
      const converted = sarifTemplate(template);
      args.set(messageId, converted.names);
      messageStrings[messageId] = { text: converted.text };
    }
    const tags = [...info.tags, ...(info.securitySeverity !== undefined && !info.tags.includes('security') ? ['security'] : [])];
    const descriptor: Sarif.ReportingDescriptor = {
      id,
      name: id,
      shortDescription: { text: info.title },
      fullDescription: { text: info.description },
      ...(info.helpUri ? { helpUri: info.helpUri } : {}),
      help: {
        text: `${info.description}${info.helpUri ? `\n\nDocumentation: ${info.helpUri}` : ''}`,
        markdown: info.helpMarkdown ?? info.description,
      },
      messageStrings,
      defaultConfiguration: { level: info.level },
      properties: {
        tags,
        ...(info.securitySeverity !== undefined ? { 'security-severity': info.securitySeverity.toFixed(1) } : {}),
      },
    };
    return { descriptor, args };
  });
}

/** `{name}` placeholders become SARIF's `{0}`, `{1}`…; literal braces are doubled, as SARIF format strings require. */
export function sarifTemplate(template: string): { text: string; names: string[] } {
  const names: string[] = [];
  const text = template.replace(/\{(\w+)\}|[{}]/g, (m, name: string | undefined) => {
    if (name === undefined) return m + m;
    let i = names.indexOf(name);
    if (i < 0) i = names.push(name) - 1;
    return `{${i}}`;
  });
  return { text, names };
}

function toResult(f: Finding, ruleIndex: number, rule: RuleEntry, repoPath: (file: string) => string): Sarif.Result {
  const names = rule.args.get(f.messageId);
  const message: Sarif.Message = { text: f.message, ...(names ? { id: f.messageId, arguments: names.map((n) => String(f.data[n] ?? '')) } : {}) };
  const { primary, related } = placed(f, repoPath);
  const physical = location({ file: primary.file, line: primary.start.line, column: primary.start.column, endLine: primary.end.line, endColumn: primary.end.column }, repoPath);
  const out: Sarif.Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: f.level,
    message,
    locations: [{ ...physical, ...(f.resource ? { logicalLocations: [{ fullyQualifiedName: f.resource, kind: 'resource' }] } : {}) }],
    partialFingerprints: { 'sgLint/v1': f.fingerprint },
  };
  if (related.length > 0) {
    out.relatedLocations = related.slice(0, MAX_RELATED).map((r, i) => ({
      id: i + 1,
      ...location({ file: r.at.file, line: r.at.start.line, column: r.at.start.column, endLine: r.at.end.line, endColumn: r.at.end.column }, repoPath),
      message: { text: r.message },
    }));
  }
  if (f.suppressed) {
    const { kind, reason, until, origin } = f.suppressed;
    out.suppressions = [
      {
        kind: kind === 'inline' || kind === 'peer' ? 'inSource' : 'external',
        status: 'accepted',
        justification: reason,
        // Where another scanner's suppression is written, and which tool and check it names.
        ...(origin ? { location: location({ file: origin.file, line: origin.line, column: 1 }, repoPath) } : {}),
        properties: { sgLintKind: kind, ...(until ? { until } : {}), ...(origin ? { origin: { ...origin, file: repoPath(origin.file) } } : {}) },
      },
    ];
  }
  const properties = {
    ...(f.group ? { group: f.group } : {}),
    ...(f.at.path ? { logicalPath: f.at.path } : {}),
    root: repoPath(f.root) || '.',
    ...(f.instances ? { instances: f.instances } : {}),
    ...(f.conditions ? { conditions: f.conditions } : {}),
    ...(f.properties ?? {}),
  };
  if (Object.keys(properties).length > 0) out.properties = properties;
  return out;
}

const inRepository = (repoRelative: string) => !repoRelative.startsWith('../') && !isDownloadedModule(repoRelative);

/**
 * Where a result points: its own span, unless that lies outside the repository (a downloaded module under .terraform/),
 * in which case the outermost call site in the repository (RULES.md "Where a finding points"). Related locations outside
 * the repository are left out, since GitHub cannot show them.
 */
function placed(f: Finding, repoPath: (file: string) => string): { primary: Span; related: Finding['related'] } {
  const ok = (s: Span) => inRepository(repoPath(s.file));
  let primary = f.at;
  let related = f.related;
  if (!ok(primary)) {
    const call = (f.at.via ?? []).find(ok);
    if (call) {
      primary = call;
      related = related.filter((r) => r.at !== call);
    }
  }
  return { primary, related: related.filter((r) => ok(r.at)) };
}

function location(at: { file: string; line: number; column: number; endLine?: number; endColumn?: number }, repoPath: (file: string) => string): Sarif.Location {
  const startLine = Math.max(1, at.line);
  const startColumn = Math.max(1, at.column);
  let region: Sarif.Region = { startLine, startColumn };
  if (at.endLine !== undefined && at.endColumn !== undefined) {
    const endLine = Math.max(startLine, at.endLine);
    const endColumn = endLine === startLine ? Math.max(startColumn, at.endColumn) : Math.max(1, at.endColumn);
    region = { ...region, endLine, endColumn };
  }
  return { physicalLocation: { artifactLocation: { uri: toUri(repoPath(at.file)) }, region } };
}

/** A relative URI reference: each path segment percent-encoded, `/` kept. */
export function toUri(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
