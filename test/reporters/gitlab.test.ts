import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatGitlab, toGitlabReport } from '../../src/reporters/gitlab.js';
import { initRepo } from '../helpers/git.js';
import { group, ingress } from '../helpers/terraform-snippets.js';
import { finding, resultOf } from '../helpers/results.js';
import { runCli, workspace } from '../helpers/workspace.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MIXED = join(ROOT, 'fixtures', '_e2e', 'mixed');

// schemas/gitlab-code-quality.schema.json holds the fields GitLab's Code Quality documentation requires of a report.
const validate = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas', 'gitlab-code-quality.schema.json'), 'utf8')));

interface Issue {
  check_name: string;
  description: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number; end: number } };
}

function expectValid(report: unknown): Issue[] {
  expect(validate(report), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
  const issues = report as Issue[];
  // GitLab shows issues that share a fingerprint as one.
  expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
  return issues;
}

const GOOD = { description: 'd', check_name: 'c', fingerprint: 'f', severity: 'major', location: { path: 'main.tf', lines: { begin: 1 } } };

describe('the GitLab Code Quality schema', () => {
  it.each([
    ['a severity GitLab does not know', { severity: 'error' }],
    ['no fingerprint', { fingerprint: undefined }],
    ['an absolute path', { location: { path: '/home/me/main.tf', lines: { begin: 1 } } }],
    ['a path that leaves the repository', { location: { path: '../main.tf', lines: { begin: 1 } } }],
    ['line 0', { location: { path: 'main.tf', lines: { begin: 0 } } }],
    ['no line at all', { location: { path: 'main.tf' } }],
  ])('refuses an issue with %s', (_what, change) => {
    const issue = { ...GOOD, ...change };
    expect(validate([JSON.parse(JSON.stringify(issue))])).toBe(false);
  });

  it('accepts the line as lines.begin or as positions.begin.line', () => {
    expect(validate([GOOD])).toBe(true);
    expect(validate([{ ...GOOD, location: { path: 'a/main.tf', positions: { begin: { line: 2, column: 3 } } } }])).toBe(true);
  });
});

describe('gitlab format', () => {
  it('matches the snapshot for the mixed e2e project, fits the schema, and holds every unsuppressed finding with its fingerprint', async () => {
    const run = await runCli(MIXED, ['.', '-f', 'gitlab']);
    expect(run.code).toBe(1);
    await expect(run.stdout).toMatchFileSnapshot('./__snapshots__/e2e-mixed.gitlab.json');
    const issues = expectValid(JSON.parse(run.stdout));
    const json = (await runCli(MIXED, ['.', '-f', 'json'])).json();
    const active = json.findings.filter((f) => !f.suppressed);
    expect(json.findings.length - active.length).toBe(2);
    const severity = { error: 'critical', warning: 'major', note: 'minor' } as Record<string, string>;
    // Paths are relative to the repository root (this checkout), not to the current directory.
    expect(issues.map((i) => [i.check_name, i.fingerprint, i.severity, i.location.path, i.location.lines.begin, i.description])).toEqual(
      active.map((f) => [f.ruleId, f.fingerprint, severity[f.level], `fixtures/_e2e/mixed/${f.file}`, f.line, f.message]),
    );
  });

  it('is the same from run to run, and places issues the same from another directory of the repository', async () => {
    const inside = (await runCli(MIXED, ['.', '-f', 'gitlab'])).stdout;
    expect((await runCli(MIXED, ['.', '-f', 'gitlab'])).stdout).toBe(inside);
    // Messages name other files relative to the current directory, so only the places are compared.
    const places = (text: string) => (JSON.parse(text) as Issue[]).map((i) => [i.check_name, i.location]);
    expect(places((await runCli(ROOT, ['fixtures/_e2e/mixed', '-f', 'gitlab'])).stdout)).toEqual(places(inside));
  });

  it('uses paths relative to the git repository root when run in a subdirectory', async () => {
    const dir = workspace({ 'infra/main.tf': group('web', ingress(22, '0.0.0.0/0')) });
    initRepo(dir);
    const run = await runCli(join(dir, 'infra'), ['.', '-f', 'gitlab']);
    const issues = expectValid(JSON.parse(run.stdout));
    expect(issues.map((i) => [i.location.path, i.check_name, i.severity])).toEqual([['infra/main.tf', 'ingress-world-admin-port', 'critical']]);
  });

  it('keeps fingerprints unique when two findings share one, and the same across runs', () => {
    const twins = [finding(1, { fingerprint: 'aaaa' }), finding(5, { fingerprint: 'aaaa' }), finding(9, { fingerprint: 'bbbb' })];
    const first = toGitlabReport(resultOf(twins), { repoPath: (f) => f });
    expect(first.map((i) => i.fingerprint)).toEqual(['aaaa', expect.stringMatching(/^[0-9a-f]{32}$/), 'bbbb']);
    expect(first[1]!.fingerprint).not.toBe('aaaa');
    expect(toGitlabReport(resultOf(twins), { repoPath: (f) => f })).toEqual(first);
    expectValid(first);
  });

  it('leaves suppressed findings out, gives a finding without a position line 1, and is [] without findings', () => {
    const report = toGitlabReport(
      resultOf([
        finding(2, { suppressed: { kind: 'baseline', reason: 'recorded in b.json' } }),
        finding(0, { ruleId: 'parse-error', level: 'error', at: { file: 'main.tf', start: { line: 0, column: 0 }, end: { line: 0, column: 0 }, path: '' } }),
      ]),
      { repoPath: (f) => `infra/${f}` },
    );
    expect(report.map((i) => [i.check_name, i.location])).toEqual([['parse-error', { path: 'infra/main.tf', lines: { begin: 1, end: 1 } }]]);
    expectValid(report);
    expect(formatGitlab(resultOf([]), { repoPath: (f) => f })).toBe('[]\n');
  });

  it('prints run errors on stderr, since the format has no place for them', async () => {
    const dir = workspace({ 'main.tf': group('web', ingress(22, '0.0.0.0/0')) });
    const run = await runCli(dir, ['.', 'missing-dir', '-f', 'gitlab']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('sg-lint: io error: missing-dir: no such file or directory');
    expectValid(JSON.parse(run.stdout));
    // With a format that carries them, they are not repeated on stderr.
    const json = await runCli(dir, ['.', 'missing-dir', '-f', 'gitlab', '-f', 'json=report.json']);
    expect(json.stderr).not.toContain('io error');
  });
});
