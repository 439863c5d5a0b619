import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTerraformModule } from '../../src/parsers/terraform/index.js';
import { runAction } from '../helpers/action.js';
import { group, ingress } from '../helpers/terraform-snippets.js';
import { assertBuilt, ROOT } from '../helpers/built.js';
import { workspace, type JsonReport } from '../helpers/workspace.js';

const DEPTH = 2_000;
const open = (o: string, c: string, inner = '') => `${o.repeat(DEPTH)}${inner}${c.repeat(DEPTH)}`;

const OPEN_SSH_TF = group('ok', ingress(22, '0.0.0.0/0', 'ssh'));

const cfnYaml = (tags: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: deep
      Tags: ${tags}
`;

/** The built CLI in its own process (its real stack size), as a user or CI runs it. */
function sgLint(cwd: string, args: string[]) {
  const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'src', 'bin.js'), ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000 });
  return { code: run.status, stderr: run.stderr, report: () => JSON.parse(run.stdout) as JsonReport };
}

describe('one file never sinks the run', () => {
  beforeAll(() => assertBuilt());

  it('reports 2,000 levels of nesting in each format as a located parse error and lints the other files', () => {
    const dir = workspace({
      'good/main.tf': OPEN_SSH_TF,
      'deep-tf/main.tf': `locals {\n  deep = ${open('[', ']')}\n}\n`,
      'deep-tfvars/main.tf': 'variable "x" {}\n',
      'deep-tfvars/terraform.tfvars': `x = ${open('{ a = ', ' }', '1')}\n`,
      'deep-tfjson/main.tf.json': `{"locals": {"deep": ${open('[', ']')}}}\n`,
      'cfn/flow.yaml': cfnYaml(open('[', ']')),
      'cfn/object.json': `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x", "Tags": ${open('{"a": ', '}', '1')}}}}}\n`,
      'cdk/stack.ts': `import * as ec2 from 'aws-cdk-lib/aws-ec2';\n\nexport const deep = ${open('{ a: ', ' }', '1')};\n`,
      'cdk/parens.ts': `import { Stack } from 'aws-cdk-lib';\nexport const parens = ${open('(', ')', '1')};\n`,
      'plain/not-cdk.ts': `export const deep = ${open('[', ']')};\n`,
    });
    const run = sgLint(dir, ['.', '-f', 'json']);
    expect(run.stderr).not.toMatch(/RangeError|internal error|\n\s+at /);
    expect(run.code).toBe(1);
    const report = run.report();
    expect(report.errors).toEqual([]);
    const parseErrors = report.findings.filter((f) => f.ruleId === 'parse-error');
    expect(parseErrors.map((f) => f.file).sort()).toEqual([
      'cdk/parens.ts',
      'cdk/stack.ts',
      'cfn/flow.yaml',
      'cfn/object.json',
      'deep-tf/main.tf',
      'deep-tfjson/main.tf.json',
      'deep-tfvars/terraform.tfvars',
    ]);
    for (const f of parseErrors) {
      expect(f.message, f.file).toMatch(/nested too deeply/);
      expect([f.line, f.column], f.file).not.toEqual([1, 1]);
    }
    // A .ts file that does not import CDK is not CDK: it is not parsed, so its nesting cannot matter.
    expect(report.findings.some((f) => f.file === 'plain/not-cdk.ts')).toBe(false);
    expect(report.findings.filter((f) => f.ruleId === 'ingress-world-admin-port').map((f) => f.file)).toEqual(['good/main.tf']);
  });

  // A named pipe nobody writes blocks its reader forever, and a device such as /dev/zero never ends: neither is opened.
  it.skipIf(process.platform === 'win32')('skips a named pipe or a device with a source file\'s name, reports it, and lints the other files', () => {
    const dir = workspace({ 'good/main.tf': OPEN_SSH_TF, 'cfg/main.tf': OPEN_SSH_TF });
    mkdirSync(join(dir, 'pipes'));
    for (const name of ['pipes/main.tf', 'pipes/template.yaml', 'pipes/export.json', 'pipes/app.ts', 'good/terraform.tfvars', 'cfg/.sg-lint.yml']) execFileSync('mkfifo', [join(dir, name)]);
    symlinkSync('/dev/zero', join(dir, 'good', 'zero.tf'));
    const run = sgLint(dir, ['good', 'pipes', '--allow-outside', '-f', 'json']);
    expect(run.code).toBe(1);
    const report = run.report();
    expect(report.errors.map((e) => `${e.file}: ${e.message}`)).toEqual([
      'good/terraform.tfvars: skipped: it is a named pipe, not a regular file',
      'good/zero.tf: skipped: it is a character device, not a regular file',
      'pipes/app.ts: skipped: it is a named pipe, not a regular file',
      'pipes/export.json: skipped: it is a named pipe, not a regular file',
      'pipes/main.tf: skipped: it is a named pipe, not a regular file',
      'pipes/template.yaml: skipped: it is a named pipe, not a regular file',
    ]);
    expect(report.findings.map((f) => `${f.ruleId} ${f.file}`)).toEqual(['ingress-world-admin-port good/main.tf']);
    const config = sgLint(dir, ['cfg']);
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('cannot read config');
    expect(config.stderr).toContain('.sg-lint.yml: it is a named pipe, not a regular file');
  });

  it('keeps the Action going past a deep file and a pathological regex: annotations, outputs and exit code by the findings', () => {
    const dir = workspace({
      'good/main.tf': OPEN_SSH_TF,
      'cdk/stack.ts': `import * as ec2 from 'aws-cdk-lib/aws-ec2';\n\nexport const deep = ${open('{ a: ', ' }', '1')};\n`,
      'cfn/flow.yaml': cfnYaml(open('[', ']')),
      'redos/main.tf': 'locals {\n  x = replace("${join("", [for i in range(60) : "a"])}b", "/^(a+)+$/", "x")\n}\n',
    });
    const run = runAction(dir, {});
    expect(run.stderr).not.toMatch(/RangeError|internal error|\n\s+at /);
    expect(run.code).toBe(1);
    expect(run.outputs['exit-code']).toBe('1');
    const annotations = run.stdout.split('\n').filter((l) => /^::(error|warning|notice) /.test(l));
    expect(annotations.some((l) => l.startsWith('::error file=good/main.tf,line=8') && l.includes('sg-lint ingress-world-admin-port'))).toBe(true);
    expect(annotations.filter((l) => l.includes('sg-lint parse-error')).map((l) => /file=([^,]+)/.exec(l)![1]).sort()).toEqual(['cdk/stack.ts', 'cfn/flow.yaml']);
  });

  it('exits by the findings when the only problem is a deep file', () => {
    const dir = workspace({ 'deep.yaml': cfnYaml(open('[', ']')) });
    const run = sgLint(dir, ['.', '-f', 'json', '--fail-on', 'none']);
    expect(run.code).toBe(0);
    expect(run.report().findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual(['parse-error deep.yaml:7']);
  });

  it('evaluates a catastrophic-backtracking pattern with RE2 (linear time) and still finds the exposure', () => {
    // With a backtracking engine this 14-line file ran for hours: 2^60 ways to split the a's between the groups.
    const dir = workspace({
      'main.tf': `locals {
  input  = "\${join("", [for i in range(60) : "a"])}b"
  source = replace(local.input, "/^(a+)+$/", "x") == local.input ? "0.0.0.0/0" : "10.0.0.0/8"
}

resource "aws_security_group" "web" {
  description = "redos"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [local.source]
  }
}
`,
    });
    const run = sgLint(dir, ['.', '-f', 'json']);
    expect(run.code).toBe(1);
    expect(run.report().findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`)).toContain('ingress-world-admin-port main.tf:12');
  });

  it('leaves a list that doubles on each line unknown, where it ran out of memory', async () => {
    const doubling = Array.from({ length: 30 }, (_, i) => `  a${i + 1} = concat(local.a${i}, local.a${i})`).join('\n');
    const dir = workspace({
      'main.tf': `locals {\n  a0 = ["10.0.0.0/8"]\n${doubling}\n}\n\nresource "aws_security_group" "web" {\n  description = "doubling"\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = local.a30\n  }\n}\n`,
    });
    const parsed = await parseTerraformModule(dir, [join(dir, 'main.tf')], { cwd: dir, vars: {}, varFiles: [] });
    expect(parsed.files[0]!.diagnostics).toEqual([]);
    expect(parsed.facts.rules[0]!.peer).toMatchObject({ kind: 'cidr4', cidr: { k: 'unresolved', why: 'unsupported-expression' } });
  });

  it('stops a module over its analysis budget with a located diagnostic and leaves the rest unresolved', async () => {
    const dir = workspace({
      'main.tf': `locals {
  grid = flatten([for i in range(100) : [for j in range(100) : "\${i}-\${j}"]])
}

resource "aws_security_group" "web" {
  description = "budget"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [length(local.grid) > 0 ? "0.0.0.0/0" : "10.0.0.0/8"]
  }
}
`,
    });
    const unlimited = await parseTerraformModule(dir, [join(dir, 'main.tf')], { cwd: dir, vars: {}, varFiles: [] });
    expect(unlimited.files[0]!.diagnostics).toEqual([]);
    expect(unlimited.facts.rules[0]!.peer).toMatchObject({ kind: 'cidr4', cidr: { k: 'known', v: '0.0.0.0/0' } });

    const limited = await parseTerraformModule(dir, [join(dir, 'main.tf')], { cwd: dir, vars: {}, varFiles: [], budget: { steps: 5_000, ms: 60_000 } });
    expect(limited.files[0]!.diagnostics).toEqual([
      { line: 2, column: expect.any(Number), message: expect.stringMatching(/^analysis stopped here: over its budget of 5,000 evaluation steps/) },
    ]);
    expect(limited.facts.rules[0]!.peer).not.toMatchObject({ cidr: { k: 'known' } });
  });
});
