import { Ajv } from 'ajv';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { group, ingress } from '../helpers/terraform-snippets.js';
import { runCli, workspace } from '../helpers/workspace.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('exit codes and output selection', () => {
  it('exits 1 on an error finding, 0 with --fail-on none, and honours --fail-on warning and --max-warnings', async () => {
    const dir = workspace({ 'main.tf': group('web', ingress(22, '0.0.0.0/0')) });
    expect((await runCli(dir, ['.'])).code).toBe(1);
    expect((await runCli(dir, ['.', '--fail-on', 'none'])).code).toBe(0);
    const warnOnly = workspace({ 'main.tf': group('web', ingress(8080, '0.0.0.0/0')) });
    expect((await runCli(warnOnly, ['.'])).code).toBe(0);
    expect((await runCli(warnOnly, ['.', '--fail-on', 'warning'])).code).toBe(1);
    expect((await runCli(warnOnly, ['.', '--max-warnings', '0'])).code).toBe(1);
    expect((await runCli(warnOnly, ['.', '--max-warnings', '1'])).code).toBe(0);
  });

  it('--quiet reports only errors', async () => {
    const dir = workspace({ 'main.tf': group('web', `${ingress(22, '0.0.0.0/0')}\n${ingress(8080, '0.0.0.0/0')}`) });
    const all = (await runCli(dir, ['.', '-f', 'json'])).json();
    const quiet = (await runCli(dir, ['.', '-f', 'json', '-q'])).json();
    expect(all.findings.map((f) => f.level).sort()).toEqual(['error', 'warning']);
    expect(quiet.findings.map((f) => f.level)).toEqual(['error']);
  });

  it('writes several formats at once and a summary on stderr when nothing goes to stdout', async () => {
    const dir = workspace({ 'main.tf': group('web', ingress(22, '0.0.0.0/0')) });
    const run = await runCli(dir, ['.', '-f', 'json=out.json', '-f', 'text', '-o', 'out.txt']);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/1 problem \(1 error, 0 warnings, 0 notes\)/);
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).findings).toHaveLength(1);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toContain('ingress-world-admin-port');
  });

  it('prints a stylish text report with a code frame and no colour when not on a terminal', async () => {
    const dir = workspace({ 'main.tf': group('web', ingress(22, '0.0.0.0/0')) });
    const run = await runCli(dir, ['.']);
    expect(run.stdout).toContain('main.tf\n  8:20    error    Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `aws_security_group.web`  ingress-world-admin-port');
    expect(run.stdout).toContain('    > 8 |     cidr_blocks = ["0.0.0.0/0"]\n        |                    ^^^^^^^^^^^');
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('rejects bad usage with exit 2', async () => {
    const dir = workspace({ 'main.tf': group('web', ingress(22, '0.0.0.0/0')) });
    for (const args of [['--format', 'yaml'], ['--fail-on', 'fatal'], ['--rule', 'ingress-world-admin-port'], ['--rule', 'no-such-rule=off'], ['--bogus'], ['--max-warnings', 'x']]) {
      const run = await runCli(dir, args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^sg-lint: /);
    }
  });

  it('lists rules, explains one and prints the version', async () => {
    const dir = workspace({});
    const list = await runCli(dir, ['--list-rules']);
    expect(list.stdout).toMatch(/^ingress-world-all-traffic\s+error\s+recommended, strict, all\s+/m);
    expect(list.stdout).toMatch(/^unresolved-value\s+note\s+-\s+/m);
    expect((await runCli(dir, ['--explain', 'ingress-world-admin-port'])).stdout).toContain('## Rule details');
    expect((await runCli(dir, ['--explain', 'nope'])).code).toBe(2);
    expect((await runCli(dir, ['--version'])).stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('writes JSON that validates against the published schema', async () => {
    const dir = workspace({
      'main.tf': group('web', `${ingress(22, '0.0.0.0/0')}\n${ingress(3306, '10.0.0.0/8', '')}`) + 'resource "aws_security_group" "x" {\n',
      'ok.tf': '# sg-lint-ignore rule-missing-description -- documented elsewhere\n' + group('db', ingress(5432, '10.1.0.0/16', '')),
    });
    const run = await runCli(dir, ['.', '-f', 'json', '--report-unresolved']);
    const validate = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas/report.schema.json'), 'utf8')));
    expect(validate(run.json()), JSON.stringify(validate.errors)).toBe(true);
    expect(run.json().findings.some((f) => f.suppressed?.kind === 'inline')).toBe(true);
  });

  it('runs through the built bin as `npx sg-lint` would', () => {
    const bin = join(ROOT, 'dist', 'src', 'bin.js');
    if (!existsSync(bin)) throw new Error('dist/ is missing: npm ci builds it (prepare)');
    const dir = workspace({ 'main.tf': group('web', ingress(22, '0.0.0.0/0')) });
    let code = 0;
    let stdout = '';
    try {
      stdout = execFileSync(process.execPath, [bin, '.', '-f', 'json'], { cwd: dir, encoding: 'utf8' });
    } catch (e) {
      code = (e as { status: number }).status;
      stdout = (e as { stdout: string }).stdout;
    }
    expect(code).toBe(1);
    expect(JSON.parse(stdout).findings[0].ruleId).toBe('ingress-world-admin-port');
  });
});

describe('configuration', () => {
  it('applies the nearest config: rules, overrides and environments', async () => {
    const dir = workspace({
      '.sg-lint.yml': [
        'rules:',
        '  ingress-world-open-port: error',
        'environments:',
        '  production: { files: ["prod/**"] }',
        'overrides:',
        '  - files: ["sandbox/**"]',
        '    rules: { ingress-world-open-port: off }',
      ].join('\n'),
      'prod/main.tf': group('web', ingress(8080, '0.0.0.0/0')) + 'resource "aws_security_group_rule" "out" {\n  type = "egress"\n  security_group_id = aws_security_group.web.id\n  description = "all"\n  from_port = 0\n  to_port = 0\n  protocol = "-1"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n',
      'sandbox/main.tf': group('web', ingress(8080, '0.0.0.0/0')),
      'team/.sg-lint.yml': 'preset: strict\nrules:\n  ingress-world-open-port: note\n',
      'team/main.tf': group('web', ingress(8080, '0.0.0.0/0')),
    });
    const report = (await runCli(dir, ['.', '-f', 'json', '--fail-on', 'none'])).json();
    const summary = report.findings.map((f) => `${f.file} ${f.ruleId} ${f.level}`).sort();
    expect(summary).toEqual([
      'prod/main.tf egress-unrestricted error',
      'prod/main.tf group-inline-and-standalone-rules warning',
      'prod/main.tf ingress-world-open-port error',
      'team/main.tf group-unattached note',
      'team/main.tf ingress-world-open-port note',
    ]);
  });

  it('--print-config shows the effective settings for a file', async () => {
    const dir = workspace({ '.sg-lint.yml': 'environments:\n  production: { files: ["prod/**"] }\n', 'prod/main.tf': '' });
    const printed = JSON.parse((await runCli(dir, ['--print-config', 'prod/main.tf'])).stdout);
    expect(printed.environments).toEqual(['production']);
    expect(printed.rules['egress-unrestricted']).toBe('error');
    expect(printed.rules['group-unattached']).toBe('off');
    expect(printed.rules['ingress-world-admin-port'][0]).toBe('error');
  });

  it('rejects an invalid config with exit 2 and lists every problem with its line', async () => {
    const dir = workspace({
      '.sg-lint.yml': 'preset: lenient\nrules:\n  no-such-rule: error\n  ingress-world-open-port: loud\nextra: 1\n',
      'main.tf': group('web', ingress(22, '0.0.0.0/0')),
    });
    const run = await runCli(dir, ['.']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('line 1: preset: must be one of "recommended", "strict", "all"');
    expect(run.stderr).toContain('unknown property "extra"');
    // Every problem at once, in file order: the schema's, the unknown rule id, a bad level and bad options.
    const bad = workspace({
      '.sg-lint.yml': 'rules:\n  no-such-rule: error\n  ingress-world-open-port: loud\n  rule-port-range-wide: [warning, { maxPorts: "many" }]\npreset: nope\n',
      'main.tf': group('web', ingress(22, '0.0.0.0/0')),
    });
    const all = await runCli(bad, ['.']);
    expect(all.code).toBe(2);
    expect(all.stderr.split('\n').filter((l) => l.startsWith('  - '))).toEqual([
      '  - line 2: rules: unknown rule id "no-such-rule"',
      '  - line 3: rules.ingress-world-open-port: must be a level ("error", "warning", "note", "off") or [level, options]',
      '  - line 4: rules.rule-port-range-wide: options.maxPorts must be integer',
      '  - line 5: preset: must be one of "recommended", "strict", "all"',
    ]);
  });

  it('lists the first 50 problems of a config with thousands, at their lines, and refuses a config over 2 MB', async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `  rule-${i}: ${i % 2 ? 'loud' : 'off'}\n`).join('');
    const many = workspace({ '.sg-lint.yml': `preset: strict\nrules:\n${ids}`, 'main.tf': '' });
    const run = await runCli(many, ['.']);
    expect(run.code).toBe(2);
    const listed = run.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(listed).toHaveLength(51);
    expect(listed[0]).toBe('  - line 3: rules: unknown rule id "rule-0"');
    expect(listed[1]).toBe('  - line 4: rules.rule-1: must be a level ("error", "warning", "note", "off") or [level, options]');
    expect(listed[50]).toMatch(/^ {2}- and \d+ more$/);
    // A key written twice is a YAML error, reported at its line before anything else is checked.
    const repeated = workspace({ '.sg-lint.yml': `preset: strict\nrules:\n${ids}  rule-0: error\n`, 'main.tf': '' });
    const twice = await runCli(repeated, ['.']);
    expect(twice.code).toBe(2);
    expect(twice.stderr.split('\n').filter((l) => l.startsWith('  - '))).toEqual(['  - line 5003: Map keys must be unique at line 5003, column 3:']);
    const tooLarge = workspace({ '.sg-lint.yml': `# ${'x'.repeat(2 * 1024 * 1024)}\n`, 'main.tf': '' });
    const large = await runCli(tooLarge, ['.']);
    expect(large.code).toBe(2);
    expect(large.stderr).toMatch(/cannot read config .*\.sg-lint\.yml: it is too large \(2 MB; the limit is 2 MB\)/);
  });

  it('rejects unknown rule ids and invalid rule options', async () => {
    const unknown = workspace({ '.sg-lint.yml': 'rules:\n  no-such-rule: error\n', 'main.tf': '' });
    expect((await runCli(unknown, ['.'])).stderr).toContain('rules: unknown rule id "no-such-rule"');
    const badOptions = workspace({ '.sg-lint.yml': 'rules:\n  rule-port-range-wide: [warning, { maxPorts: "many" }]\n', 'main.tf': '' });
    const run = await runCli(badOptions, ['.']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/rule-port-range-wide: options\.maxPorts must be integer/);
  });

  it('-c uses one config for every file and include/exclude select files', async () => {
    const dir = workspace({
      'cfg/strict.yml': 'preset: strict\nexclude: ["../skip/**"]\n',
      'a/main.tf': group('web', ingress(8080, '0.0.0.0/0')),
      'skip/main.tf': group('web', ingress(22, '0.0.0.0/0')),
    });
    const report = (await runCli(dir, ['.', '-c', 'cfg/strict.yml', '-f', 'json', '--exclude', 'skip/**'])).json();
    expect(report.findings.map((f) => `${f.file} ${f.ruleId} ${f.level}`)).toEqual(['a/main.tf group-unattached note', 'a/main.tf ingress-world-open-port error']);
  });
});

describe('suppressions', () => {
  it('honours inline directives with a reason, reports invalid and expired ones, and keeps suppressed findings in JSON', async () => {
    const dir = workspace({
      'main.tf': [
        '# sg-lint-ignore ingress-world-admin-port until=2099-01-01 -- bastion, reviewed (SEC-42)',
        group('bastion', ingress(22, '0.0.0.0/0')),
        'resource "aws_security_group" "b" {',
        '  description = "b"',
        '  ingress {',
        '    description = "rdp"',
        '    from_port   = 3389',
        '    to_port     = 3389',
        '    protocol    = "tcp"',
        '    cidr_blocks = ["0.0.0.0/0"] # sg-lint-ignore ingress-world-admin-port',
        '  }',
        '}',
        '# sg-lint-ignore ingress-world-admin-port until=2020-01-01 -- too late',
        group('c', ingress(23, '0.0.0.0/0')),
      ].join('\n'),
    });
    const run = await runCli(dir, ['.', '-f', 'json']);
    const report = run.json();
    const admin = report.findings.filter((f) => f.ruleId === 'ingress-world-admin-port');
    expect(admin.map((f) => [f.resource, f.suppressed?.reason ?? null])).toEqual([
      ['aws_security_group.bastion', 'bastion, reviewed (SEC-42)'],
      ['aws_security_group.b', null],
      ['aws_security_group.c', null],
    ]);
    const invalid = report.findings.filter((f) => f.ruleId === 'suppression-invalid');
    expect(invalid.map((f) => f.line)).toEqual([20, 23]);
    expect(invalid[0]!.message).toMatch(/reason/);
    expect(invalid[1]!.message).toMatch(/expired on 2020-01-01/);
    expect(run.code).toBe(1);
  });

  it('suppresses through config ignore entries with a reason', async () => {
    const dir = workspace({
      '.sg-lint.yml': 'ignore:\n  - { rule: ingress-world-admin-port, files: ["legacy/**"], reason: "INFRA-123 decommissioning" }\n',
      'legacy/main.tf': group('old', ingress(22, '0.0.0.0/0')),
    });
    const run = await runCli(dir, ['.', '-f', 'json']);
    expect(run.code).toBe(0);
    expect(run.json().findings[0]!.suppressed).toEqual({ kind: 'config', reason: 'INFRA-123 decommissioning' });
  });

  it('takes the first config ignore entry that applies to a finding: its rule, files, resource and date', async () => {
    const dir = workspace({
      '.sg-lint.yml': [
        'ignore:',
        '  - { rule: ingress-world-admin-port, files: ["other/**"], reason: "other files" }',
        '  - { rule: ingress-world-admin-port, resource: aws_security_group.new, reason: "another group" }',
        '  - { rule: ingress-world-admin-port, files: ["legacy/**"], reason: "expired", until: 2020-01-01 }',
        '  - { rule: egress-unrestricted, files: ["legacy/**"], reason: "another rule" }',
        '  - { rule: ingress-world-admin-port, files: ["legacy/**"], resource: aws_security_group.old, reason: "this one" }',
        '  - { rule: ingress-world-admin-port, reason: "too late" }',
        '',
      ].join('\n'),
      'legacy/main.tf': group('old', ingress(22, '0.0.0.0/0')),
      'legacy/other.tf': group('kept', ingress(3389, '0.0.0.0/0')),
    });
    const findings = (await runCli(dir, ['.', '-f', 'json'])).json().findings.filter((f) => f.ruleId === 'ingress-world-admin-port');
    expect(Object.fromEntries(findings.map((f) => [f.file, f.suppressed]))).toEqual({
      'legacy/main.tf': { kind: 'config', reason: 'this one' },
      'legacy/other.tf': { kind: 'config', reason: 'too late' },
    });
  });

  it('a "//" directive in .tf.json covers its block', async () => {
    const dir = workspace({
      'main.tf.json': JSON.stringify(
        {
          resource: {
            aws_security_group: {
              web: {
                '//': 'sg-lint-ignore ingress-world-admin-port -- jump host, SEC-7',
                description: 'web',
                ingress: [{ description: 'ssh', from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }],
              },
            },
          },
        },
        null,
        2,
      ),
    });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ ruleId: 'ingress-world-admin-port', line: 14, suppressed: { kind: 'inline', reason: 'jump host, SEC-7' } });
  });
});

describe('Terraform values', () => {
  const files = {
    'variables.tf': 'variable "ssh_cidr" {\n  default = "10.0.0.0/16"\n}\n',
    'main.tf': group('bastion', '  ingress {\n    description = "ssh"\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = [var.ssh_cidr]\n  }'),
  };

  it('uses defaults, then terraform.tfvars, *.auto.tfvars, --var-file and --var, in Terraform order', async () => {
    const admin = async (dir: string, args: string[] = []) =>
      (await runCli(dir, ['.', '-f', 'json', ...args])).json().findings.filter((f) => f.ruleId === 'ingress-world-admin-port').length;
    expect(await admin(workspace(files))).toBe(0);
    expect(await admin(workspace({ ...files, 'terraform.tfvars': 'ssh_cidr = "0.0.0.0/0"\n' }))).toBe(1);
    expect(await admin(workspace({ ...files, 'terraform.tfvars': 'ssh_cidr = "0.0.0.0/0"\n', 'z.auto.tfvars': 'ssh_cidr = "10.1.0.0/16"\n' }))).toBe(0);
    const withFile = workspace({ ...files, 'envs/open.tfvars.json': '{"ssh_cidr": "0.0.0.0/0"}' });
    expect(await admin(withFile, ['--var-file', 'envs/open.tfvars.json'])).toBe(1);
    expect(await admin(withFile, ['--var-file', 'envs/open.tfvars.json', '--var', 'ssh_cidr=10.2.0.0/16'])).toBe(0);
  });

  it('judges each non-auto-loaded tfvars file as an alternative and names it', async () => {
    const dir = workspace({ ...files, 'prod.tfvars': 'ssh_cidr = "10.9.0.0/16"\n', 'dev.tfvars': 'ssh_cidr = "0.0.0.0/0"\n' });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    const admin = report.findings.filter((f) => f.ruleId === 'ingress-world-admin-port');
    expect(admin.map((f) => f.message)).toEqual(['Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `aws_security_group.bastion` (with dev.tfvars)']);
    const selected = (await runCli(dir, ['.', '-f', 'json', '--var-file', 'prod.tfvars'])).json();
    expect(selected.findings.filter((f) => f.ruleId === 'ingress-world-admin-port')).toEqual([]);
  });

  it('stays quiet on a variable without a value and says so with --report-unresolved', async () => {
    const dir = workspace({ ...files, 'variables.tf': 'variable "ssh_cidr" {}\n' });
    const quiet = (await runCli(dir, ['.', '-f', 'json'])).json();
    expect(quiet.findings.filter((f) => f.ruleId.startsWith('ingress'))).toEqual([]);
    expect(quiet.stats.unresolvedByReason).toEqual({ 'variable-no-default': 1 });
    const loud = (await runCli(dir, ['.', '-f', 'json', '--report-unresolved'])).json();
    const note = loud.findings.find((f) => f.ruleId === 'unresolved-value');
    expect(note).toMatchObject({ level: 'note', file: 'main.tf', line: 8 });
    expect(note!.message).toMatch(/^Value `var\.ssh_cidr` is not known \(variable-no-default\), so .*ingress-world-admin-port/);
  });

  it('lists with --report-unresolved every value the summary counts, also one no enabled rule needed', async () => {
    const dir = workspace({
      'main.tf': `${group('web', ingress(22, 'var.ssh_cidr'))}
resource "aws_security_group" "named" {
  name        = data.aws_vpc.main.tags.Name
  description = "named after the VPC"
}
`.replace('"var.ssh_cidr"', 'var.ssh_cidr'),
      'variables.tf': 'variable "ssh_cidr" {}\n',
    });
    const report = (await runCli(dir, ['.', '-f', 'json', '--report-unresolved', '--rule', 'group-description-invalid=off'])).json();
    const notes = report.findings.filter((f) => f.ruleId === 'unresolved-value');
    expect(notes).toHaveLength(report.stats.unresolvedValues);
    expect(notes.map((f) => f.message.replace(/, so .*/, ', so …'))).toEqual([
      'Value `var.ssh_cidr` is not known (variable-no-default), so …',
      'Value `data.aws_vpc.main.tags.Name` is not known (data-source); no enabled rule needed it',
    ]);
  });
});

describe('plugins', () => {
  const pluginRule = `
export default {
  id: 'group-name-prefix',
  title: 'Group names must start with the team prefix',
  description: 'Flags security groups whose name does not start with the configured prefix.',
  level: 'warning',
  tags: ['naming'],
  practice: 3,
  options: { schema: { type: 'object', properties: { prefix: { type: 'string' } }, additionalProperties: false }, defaults: { prefix: 'team-' } },
  messages: { prefix: 'Group {group} is not named {prefix}…' },
  check(ctx) {
    for (const g of ctx.model.groups.values()) {
      if (g.name?.k === 'known' && !g.name.v.startsWith(ctx.options.prefix)) {
        ctx.report({ messageId: 'prefix', data: { group: g.address, prefix: ctx.options.prefix }, at: g.name.at, resource: g.address, group: g.address, key: g.name.v });
      }
    }
  },
};
`;

  it('loads a local plugin rule, configures it like a built-in one and reports its findings', async () => {
    const dir = workspace({
      'rules/prefix.mjs': pluginRule,
      '.sg-lint.yml': 'plugins: ["./rules/prefix.mjs"]\nrules:\n  group-name-prefix: [error, { prefix: "shop-" }]\n',
      'main.tf': 'resource "aws_security_group" "web" {\n  name        = "web"\n  description = "web"\n}\n',
    });
    const run = await runCli(dir, ['.', '-f', 'json', '--allow-plugins']);
    expect(run.json().findings.map((f) => [f.ruleId, f.level, f.message, f.line])).toEqual([['group-name-prefix', 'error', 'Group aws_security_group.web is not named shop-…', 2]]);
    expect(run.code).toBe(1);
  });

  it('rejects a plugin that is missing or whose rule is malformed, with exit 2', async () => {
    const missing = workspace({ '.sg-lint.yml': 'plugins: ["./nope.mjs"]\n', 'main.tf': '' });
    expect((await runCli(missing, ['.', '--allow-plugins'])).stderr).toMatch(/plugin "\.\/nope\.mjs" not found/);
    const bad = workspace({ 'p.mjs': "export default { id: 'BadId', check: 1 };", '.sg-lint.yml': 'plugins: ["./p.mjs"]\n', 'main.tf': '' });
    const run = await runCli(bad, ['.', '--allow-plugins']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('id "BadId" must be kebab-case');
    expect(run.stderr).toContain('check must be a function');
  });

  it('reports a plugin rule that throws as an internal error (exit 2) and keeps the other findings', async () => {
    const dir = workspace({
      'p.mjs': pluginRule.replace('check(ctx) {', 'check(ctx) { throw new Error("boom");'),
      '.sg-lint.yml': 'plugins: ["./p.mjs"]\n',
      'main.tf': 'resource "aws_security_group" "web" {\n  description = "web"\n  ingress {\n    description = "ssh"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
    });
    const run = await runCli(dir, ['.', '-f', 'json', '--allow-plugins']);
    expect(run.code).toBe(2);
    expect(run.json().errors[0]).toMatchObject({ kind: 'internal' });
    expect(run.json().errors[0]!.message).toMatch(/rule group-name-prefix threw: Error: boom/);
    expect(run.json().findings.map((f) => f.ruleId)).toEqual(['ingress-world-admin-port']);
  });
});
