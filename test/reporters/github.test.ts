import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/result.js';
import { escapeData, escapeProperty, formatGithub } from '../../src/reporters/github.js';
import { finding as findingAt, resultOf } from '../helpers/results.js';
import { plainEnv, runCli, workspace } from '../helpers/workspace.js';

const ROOT = join(import.meta.dirname, '..', '..');
const E2E = join(ROOT, 'fixtures', '_e2e');

const finding = (i: number, level: Finding['level'], extra: Partial<Finding> = {}) => findingAt(i, { level, message: `${level} ${i}`, ...extra });

/** The annotations' level and message data, one per line. */
const parse = (out: string) =>
  out
    .trimEnd()
    .split('\n')
    .map((l) => /^::(error|warning|notice) ([^:]*)::(.*)$/.exec(l)!)
    .map((m) => ({ level: m[1]!, props: m[2]!, data: m[3]! }));

describe('github annotations', () => {
  it('escapes message data and property values as the toolkit does', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('dir,with:odd%name\n')).toBe('dir%2Cwith%3Aodd%25name%0A');
    const out = formatGithub(
      resultOf([finding(4, 'error', { message: 'Rule "SSH: 100%, now"\nsecond line', at: { file: 'we,ird:dir/main.tf', start: { line: 4, column: 3 }, end: { line: 4, column: 9 }, path: '' } })]),
      { repoPath: (f) => `infra/${f}`, summary: true },
    );
    expect(out).toBe('::error file=infra/we%2Cird%3Adir/main.tf,line=4,col=3,endLine=4,endColumn=9,title=sg-lint ingress-world-open-port::Rule "SSH: 100%25, now"%0Asecond line\n');
  });

  it('leaves columns out of annotations that span several lines (the runner drops them) and lists related locations', () => {
    const f = finding(7, 'warning', {
      at: { file: 'main.tf', start: { line: 7, column: 3 }, end: { line: 12, column: 2 }, path: '' },
      related: [{ at: { file: 'app.yaml', start: { line: 20, column: 3 }, end: { line: 20, column: 9 }, path: '' }, message: 'reached through this call' }],
    });
    expect(formatGithub(resultOf([f]), { repoPath: (p) => p, summary: false })).toBe(
      '::warning file=main.tf,line=7,endLine=12,title=sg-lint ingress-world-open-port::warning 7%0A↳ app.yaml:20:3 reached through this call\n',
    );
  });

  it('emits at most 10 per level, 9 notices and a closing notice with the count when some are left out', () => {
    const findings = [...Array.from({ length: 14 }, (_v, i) => finding(i + 1, 'error')), ...Array.from({ length: 3 }, (_v, i) => finding(100 + i, 'warning')), ...Array.from({ length: 12 }, (_v, i) => finding(200 + i, 'note'))];
    findings.push(finding(300, 'error', { suppressed: { kind: 'baseline', reason: 'recorded in b.json' } }));
    const lines = parse(formatGithub(resultOf(findings), { repoPath: (p) => p, summary: true }));
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(10);
    expect(lines.filter((l) => l.level === 'warning')).toHaveLength(3);
    expect(lines.filter((l) => l.level === 'notice')).toHaveLength(10);
    expect(lines.filter((l) => l.level === 'error').map((l) => l.data)).toEqual(Array.from({ length: 10 }, (_v, i) => `error ${i + 1}`));
    expect(lines.at(-1)).toEqual({
      level: 'notice',
      props: 'title=sg-lint',
      data: '7 more findings are not shown as annotations (GitHub shows at most 10 of each level per step): see the job summary for every finding.',
    });
  });

  it('annotates nothing past the limits when everything fits, and no pointer', () => {
    const lines = parse(formatGithub(resultOf([finding(1, 'error'), finding(2, 'note')]), { repoPath: (p) => p, summary: true }));
    expect(lines.map((l) => l.level)).toEqual(['error', 'notice']);
  });

  it('puts findings on lines the pull request changed first', () => {
    const findings = Array.from({ length: 15 }, (_v, i) => finding(i + 1, 'error'));
    const changed = (path: string, line: number) => path === 'main.tf' && line >= 13;
    const lines = parse(formatGithub(resultOf(findings), { repoPath: (p) => p, summary: false, changed }));
    expect(lines.filter((l) => l.level === 'error').map((l) => l.data)).toEqual(['error 13', 'error 14', 'error 15', ...Array.from({ length: 7 }, (_v, i) => `error ${i + 1}`)]);
    expect(lines.at(-1)!.data).toMatch(/^5 more findings .*the full report is in the log/);
  });

  it('matches the snapshot for the mixed e2e project and writes the job summary', async () => {
    const summaryDir = workspace({});
    const summary = join(summaryDir, 'summary.md');
    const env = { ...plainEnv(), GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/infra', GITHUB_SHA: 'abc123' };
    const run = await runCli(join(E2E, 'mixed'), ['.', '-f', 'github'], env);
    expect(run.code).toBe(1);
    await expect(run.stdout).toMatchFileSnapshot('./__snapshots__/e2e-mixed.github.txt');
    expect(run.stderr).toMatch(/7 problems \(3 errors, 3 warnings, 1 note, 2 suppressed\)/);
    const text = readFileSync(summary, 'utf8');
    await expect(text).toMatchFileSnapshot('./__snapshots__/e2e-mixed.summary.md');
    expect(text).toContain('[`fixtures/_e2e/mixed/terraform/network/main.tf:10:20`](https://github.com/acme/infra/blob/abc123/fixtures/_e2e/mixed/terraform/network/main.tf#L10)');
  });
});
