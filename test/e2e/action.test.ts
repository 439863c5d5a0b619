import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from '../helpers/built.js';
import { commitAll, git, initRepo } from '../helpers/git.js';
import { workspace } from '../helpers/workspace.js';
import { runAction } from '../helpers/action.js';

const group = (name: string, port: number, cidr = '0.0.0.0/0') => `resource "aws_security_group" "${name}" {
  description = "${name} tier"
  ingress {
    description = "access"
    from_port   = ${port}
    to_port     = ${port}
    protocol    = "tcp"
    cidr_blocks = ["${cidr}"]
  }
}
`;

/** A pull request: the base commit on main has one old finding; the PR branch adds a group with a new one. */
function pullRequest(): { dir: string; base: string } {
  const dir = workspace({ 'infra/main.tf': group('old', 22) + group('fine', 443, '10.0.0.0/16') });
  const base = initRepo(dir);
  git(dir, 'checkout', '-q', '-b', 'feature');
  writeFileSync(join(dir, 'infra/main.tf'), group('old', 22) + group('fine', 443, '10.0.0.0/16') + group('added', 3389));
  commitAll(dir, 'open RDP');
  writeFileSync(join(dir, 'event.json'), JSON.stringify({ pull_request: { number: 7, base: { sha: base, ref: 'main' } } }));
  return { dir, base };
}

const annotations = (stdout: string) => stdout.split('\n').filter((l) => /^::(error|warning|notice) /.test(l));

describe('GitHub Action', () => {
  beforeAll(() => assertBuilt());

  it('action.yml declares node24, its inputs with descriptions and defaults, and the outputs', () => {
    const action = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
    expect(action.runs).toEqual({ using: 'node24', main: 'action/main.mjs' });
    expect(action.name).toBe('sg-lint');
    expect(action.branding).toEqual({ icon: 'shield', color: 'orange' });
    for (const name of ['paths', 'config', 'allow-plugins', 'fail-on', 'format', 'sarif-file', 'baseline', 'changed-only', 'online', 'mdcloud-apikey']) {
      expect(action.inputs[name]?.description, name).toBeTruthy();
      expect(typeof action.inputs[name]?.default, name).toBe('string');
    }
    expect(action.inputs['changed-only'].default).toBe('false');
    expect(action.inputs.online.default).toBe('false');
    expect(action.inputs['allow-plugins'].default).toBe('false');
    expect(Object.keys(action.outputs).sort()).toEqual(['exit-code', 'findings', 'sarif-file']);
  });

  it('the README shows a complete workflow that uses only real inputs and grants security-events: write to the upload job alone', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = (marker: string) => parseYaml(/```yaml\n(# [^\n]*\n[\s\S]*?)```/g.exec(readme.slice(readme.indexOf(marker) - 8))![1]!);
    const workflow = block('# .github/workflows/sg-lint.yml');
    const inputs = Object.keys(parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')).inputs);
    const step = workflow.jobs.lint.steps.find((s: { uses?: string }) => s.uses?.startsWith('sg-lint/sg-lint@'));
    expect(Object.keys(step.with).every((k) => inputs.includes(k))).toBe(true);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.jobs.lint.permissions).toBeUndefined();
    expect(workflow.jobs['code-scanning'].permissions['security-events']).toBe('write');
    expect(workflow.jobs['code-scanning'].steps.map((s: { uses: string }) => s.uses.split('@')[0])).toContain('github/codeql-action/upload-sarif');
    const precommit = block('# .pre-commit-config.yaml');
    const hookIds = (parseYaml(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string }[]).map((h) => h.id);
    expect(precommit.repos[0].hooks.every((h: { id: string }) => hookIds.includes(h.id))).toBe(true);
  });

  it('annotates (changed lines first), writes the job summary, SARIF and outputs, prints the report, and fails the step', () => {
    const { dir } = pullRequest();
    const run = runAction(dir, { paths: 'infra' });
    expect(run.code).toBe(1);
    expect(annotations(run.stdout)).toEqual([
      '::error file=infra/main.tf,line=28,col=20,endLine=28,endColumn=31,title=sg-lint ingress-world-admin-port::Ingress from 0.0.0.0/0 reaches TCP 3389 (RDP) on group `aws_security_group.added`',
      '::error file=infra/main.tf,line=8,col=20,endLine=8,endColumn=31,title=sg-lint ingress-world-admin-port::Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `aws_security_group.old`',
    ]);
    // The full report in the log, shielded from being read as workflow commands.
    expect(run.stdout).toMatch(/::stop-commands::[0-9a-f-]{36}\ninfra\/main\.tf\n {2}8:20 {4}error/);
    // sg-lint's own stderr (the summary line) is in the log too, shielded the same way.
    expect(run.stdout).toMatch(/::stop-commands::([0-9a-f-]{36})\n[^]*2 problems \(2 errors, 0 warnings, 0 notes\)[^]*\n::\1::\n/);
    expect(run.summary).toContain('### sg-lint: ❌ 2 problems (2 errors, 0 warnings, 0 notes)');
    expect(run.summary).toContain('[`infra/main.tf:28:20`](https://github.com/acme/infra/blob/feedface/infra/main.tf#L28)');
    expect(run.outputs).toEqual({ findings: '2', 'sarif-file': join(dir, 'sg-lint.sarif'), 'exit-code': '1' });
    const sarif = JSON.parse(readFileSync(join(dir, 'sg-lint.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['infra/main.tf', 'infra/main.tf']);
  });

  it('changed-only reports only findings on lines the pull request changed', () => {
    const { dir } = pullRequest();
    const run = runAction(dir, { paths: 'infra', 'changed-only': 'true' });
    expect(run.code).toBe(1);
    expect(annotations(run.stdout).map((l) => l.slice(0, l.indexOf('::', 2)))).toEqual(['::error file=infra/main.tf,line=28,col=20,endLine=28,endColumn=31,title=sg-lint ingress-world-admin-port']);
    expect(run.summary).toContain('Only findings on lines changed since');
    expect(run.outputs.findings).toBe('1');
  });

  it('changed-only without the base in the clone reports everything, with a notice', () => {
    const { dir } = pullRequest();
    writeFileSync(join(dir, 'event.json'), JSON.stringify({ pull_request: { base: { sha: 'a'.repeat(40) } } }));
    const run = runAction(dir, { paths: 'infra', 'changed-only': 'true' });
    expect(run.stdout).toMatch(/^::notice title=sg-lint::changed-only: the pull request base a{40} .*fetch-depth: 0/m);
    expect(run.outputs.findings).toBe('2');
  });

  it('honours fail-on and works from a working directory; online without a key is skipped with a notice', () => {
    const { dir } = pullRequest();
    const run = runAction(dir, { 'working-directory': 'infra', 'fail-on': 'none', online: 'true', format: 'none', 'sarif-file': '' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^::notice title=sg-lint::online: no MetaDefender key .*skipped\.$/m);
    expect(annotations(run.stdout).filter((l) => l.startsWith('::error'))).toHaveLength(2);
    expect(annotations(run.stdout)[1]).toMatch(/^::error file=infra\/main\.tf,/);
    // No report in the log (format none): only sg-lint's summary line from stderr.
    expect(run.stdout).not.toMatch(/^infra\/main\.tf$/m);
    expect(run.stdout).toContain('2 problems (2 errors, 0 warnings, 0 notes)');
    expect(run.outputs).toEqual({ findings: '2', 'sarif-file': '', 'exit-code': '0' });
    expect(existsSync(join(dir, 'sg-lint.sarif'))).toBe(false);
  });

  it('a baseline suppresses the old finding; a config error is exit code 2 and fails the step', () => {
    const { dir } = pullRequest();
    git(dir, 'checkout', '-q', 'main');
    expect(spawnSync(process.execPath, [join(ROOT, 'dist', 'src', 'bin.js'), 'infra', '--write-baseline', 'baseline.json'], { cwd: dir }).status).toBe(0);
    git(dir, 'checkout', '-q', 'feature');
    const run = runAction(dir, { paths: 'infra', baseline: 'baseline.json' });
    expect(run.outputs.findings).toBe('1');
    expect(run.code).toBe(1);
    writeFileSync(join(dir, 'infra', '.sg-lint.yml'), 'rules: { no-such-rule: error }\n');
    const broken = runAction(dir, { paths: 'infra' });
    expect(broken.code).toBe(1);
    expect(broken.outputs['exit-code']).toBe('2');
    expect(broken.stdout).toMatch(/^::error title=sg-lint::sg-lint could not complete the run \(exit code 2\)/m);
  });
});
