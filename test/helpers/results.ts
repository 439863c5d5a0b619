import type { Finding, Result } from '../../src/engine/result.js';

/** An `ingress-world-open-port` finding on line `i` of main.tf; `extra` overrides any field. */
export const finding = (i: number, extra: Partial<Finding> = {}): Finding => ({
  ruleId: 'ingress-world-open-port',
  level: 'warning',
  messageId: 'openPort',
  data: {},
  message: `finding ${i}`,
  at: { file: 'main.tf', start: { line: i, column: 3 }, end: { line: i, column: 9 }, path: '' },
  resource: 'aws_security_group.g',
  related: [],
  fingerprint: String(i),
  root: '.',
  ...extra,
});

/** A run's result holding just these findings, from one Terraform file. */
export const resultOf = (findings: Finding[]): Result => ({
  findings,
  errors: [],
  files: [],
  stats: { files: 1, byFormat: { terraform: 1, cloudformation: 0, cdk: 0, aws: 0 }, groups: 1, rules: 1, unresolvedValues: 0, unresolvedByReason: {}, durationMs: 0 },
});
