// `sg-lint drift` reports: text, JSON (schemas/drift.schema.json) and SARIF 2.1.0 (located in the IaC file where
// there is one).
import { createHash } from 'node:crypto';
import type { DriftGroup, DriftRule, Drift } from '../commands/drift/compare.js';
import type { Span } from '../model/location.js';
import type { InputProblem } from './exposure.js';
import { pathMapper } from './paths.js';
import { REPOSITORY_URL } from '../engine/define-rule.js';
import { toUri } from './sarif.js';
import { neutraliseWorkflowCommands, printable } from './text.js';

const where = (at: Span | undefined) => (at ? `${at.file}:${at.start.line}` : 'read live');
const ruleText = (r: DriftRule) => `${r.direction} ${r.traffic} ${r.direction === 'ingress' ? 'from' : 'to'} ${r.peer}`;

export function driftText(d: Drift): string {
  const out: string[] = [];
  for (const m of d.matched) {
    if (m.liveOnly.length === 0 && m.codeOnly.length === 0 && m.uncompared.length === 0) continue;
    out.push(`${m.code.address} (${where(m.code.at)})  =  ${m.live.address} (${where(m.live.at)}), matched by ${m.by}`);
    for (const r of m.liveOnly) out.push(`  + live only:  ${ruleText(r)}  ${where(r.at)}`);
    for (const r of m.codeOnly) out.push(`  - code only:  ${ruleText(r)}  ${where(r.at)}`);
    for (const r of m.uncompared) out.push(`  ? not compared (not known in code): ${ruleText(r)}  ${where(r.at)}`);
    out.push('');
  }
  if (d.liveOnlyGroups.length > 0) out.push('Deployed groups with no group in code:', ...d.liveOnlyGroups.map((g) => `  + ${g.address}  ${where(g.at)}`), '');
  if (d.codeOnlyGroups.length > 0) out.push('Groups in code that are not deployed:', ...d.codeOnlyGroups.map((g) => `  - ${g.address}  ${where(g.at)}`), '');
  const rules = d.matched.reduce((n, m) => n + m.liveOnly.length + m.codeOnly.length, 0);
  const same = d.matched.filter((m) => m.liveOnly.length === 0 && m.codeOnly.length === 0).length;
  out.push(
    `${d.matched.length} group${d.matched.length === 1 ? '' : 's'} matched (${same} without drift), ${rules} rule${rules === 1 ? '' : 's'} drifted, ` +
      `${d.liveOnlyGroups.length} deployed only, ${d.codeOnlyGroups.length} in code only`,
  );
  return neutraliseWorkflowCommands(out.map(printable).join('\n') + '\n');
}

const spanJson = (at: Span | undefined) => (at ? { file: at.file, line: at.start.line, column: at.start.column } : {});
const groupJson = (g: DriftGroup) => ({ address: g.address, ...spanJson(g.at) });
const ruleJson = (r: DriftRule) => ({ direction: r.direction, traffic: r.traffic, peer: r.peer, ...spanJson(r.at) });

export function driftJson(d: Drift, problems: InputProblem[], version: string): string {
  return (
    JSON.stringify(
      {
        schemaVersion: 1,
        tool: { name: 'sg-lint', version },
        matched: d.matched.map((m) => ({ live: groupJson(m.live), code: groupJson(m.code), by: m.by, liveOnly: m.liveOnly.map(ruleJson), codeOnly: m.codeOnly.map(ruleJson), notCompared: m.uncompared.map(ruleJson) })),
        liveOnlyGroups: d.liveOnlyGroups.map(groupJson),
        codeOnlyGroups: d.codeOnlyGroups.map(groupJson),
        errors: problems,
      },
      null,
      2,
    ) + '\n'
  );
}

const DRIFT_RULES = [
  { id: 'drift-live-only-rule', text: 'A deployed rule that the code does not have' },
  { id: 'drift-code-only-rule', text: 'A rule in code that is not deployed' },
  { id: 'drift-live-only-group', text: 'A deployed group with no group in code' },
  { id: 'drift-code-only-group', text: 'A group in code that is not deployed' },
] as const;

type DriftRuleId = (typeof DRIFT_RULES)[number]['id'];

/** SARIF 2.1.0: one result per drifted rule or unmatched group, located in the IaC file where there is one. */
export function driftSarif(d: Drift, opts: { version: string; cwd: string; repoRoot: string }): string {
  const repoPath = pathMapper(opts.cwd, opts.repoRoot);
  const results: object[] = [];
  const add = (ruleId: DriftRuleId, message: string, at: Span | undefined, logical: string, key: string, related?: Span) => {
    results.push({
      ruleId,
      ruleIndex: DRIFT_RULES.findIndex((r) => r.id === ruleId),
      level: 'warning',
      message: { text: message },
      ...(at ? { locations: [{ physicalLocation: physical(at, repoPath), logicalLocations: [{ fullyQualifiedName: logical }] }] } : { locations: [{ logicalLocations: [{ fullyQualifiedName: logical }] }] }),
      ...(related ? { relatedLocations: [{ id: 1, physicalLocation: physical(related, repoPath), message: { text: 'the deployed rule, in the export' } }] } : {}),
      partialFingerprints: { 'sgLint/v1': createHash('sha256').update(`${ruleId}\0${logical}\0${key}`).digest('hex').slice(0, 32) },
    });
  };
  for (const m of d.matched) {
    for (const r of m.liveOnly) add('drift-live-only-rule', `Deployed group ${m.live.address} has ${ruleText(r)}, which ${m.code.address} in code does not`, m.code.at, m.code.address, ruleText(r), r.at);
    for (const r of m.codeOnly) add('drift-code-only-rule', `${m.code.address} in code has ${ruleText(r)}, which deployed group ${m.live.address} does not`, r.at, m.code.address, ruleText(r));
  }
  for (const g of d.liveOnlyGroups) add('drift-live-only-group', `Deployed group ${g.address} has no group in code`, g.at, g.address, 'group');
  for (const g of d.codeOnlyGroups) add('drift-code-only-group', `${g.address} in code is not deployed`, g.at, g.address, 'group');
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sg-lint',
            version: opts.version,
            informationUri: REPOSITORY_URL,
            rules: DRIFT_RULES.map((r) => ({ id: r.id, name: r.id, shortDescription: { text: r.text }, defaultConfiguration: { level: 'warning' } })),
          },
        },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function physical(at: Span, repoPath: (file: string) => string): object {
  return {
    artifactLocation: { uri: toUri(repoPath(at.file)) },
    region: { startLine: at.start.line, startColumn: at.start.column, endLine: at.end.line, endColumn: at.end.column },
  };
}
