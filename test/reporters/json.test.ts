import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/result.js';
import { jsonReportChunks, toJsonReport } from '../../src/reporters/json.js';
import { finding, resultOf } from '../helpers/results.js';

const whole = (findings: Finding[]) => {
  const result = { ...resultOf(findings), errors: [{ kind: 'io' as const, file: 'a "b".tf', line: 2, message: 'x\ny' }] };
  return { result, expected: JSON.stringify(toJsonReport(result, '1.2.3'), null, 2) + '\n' };
};

/** Findings with every optional field, and text JSON must escape. */
const varied = (n: number): Finding[] =>
  Array.from({ length: n }, (_v, i) =>
    finding(i + 1, {
      message: `line one\nline "two" \u2028 ${'é'.repeat(i % 3)}`,
      ...(i % 2 ? { group: 'aws_security_group.g', conditions: ['IsProd is true'], instances: [{ resource: 'r[0]' }, { resource: 'r[1]', conditions: [] }] } : {}),
      ...(i % 3 ? { related: [{ at: { file: 'x.tf', start: { line: 1, column: 2 }, end: { line: 1, column: 3 }, path: 'p' }, message: 'reached through this call' }] } : {}),
      ...(i % 5 === 0 ? { suppressed: { kind: 'inline' as const, reason: 'ok' }, properties: { nested: { list: [1, [], {}] } } } : {}),
    }),
  );

describe('the JSON report in pieces', () => {
  it('is byte for byte the report stringified whole, with no finding, one, or thousands', () => {
    for (const n of [0, 1, 3_000]) {
      const { result, expected } = whole(varied(n));
      expect([...jsonReportChunks(result, '1.2.3')].join('')).toBe(expected);
    }
  });

  it('never holds a large report as one piece', () => {
    const { result, expected } = whole(varied(3_000));
    const pieces = [...jsonReportChunks(result, '1.2.3')];
    expect(pieces.length).toBeGreaterThan(10);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(expected.length / 10);
  });
});
