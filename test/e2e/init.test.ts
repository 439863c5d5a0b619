import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/load.js';
import { assertBuilt, ROOT } from '../helpers/built.js';
import { git, initRepo } from '../helpers/git.js';
import { group, ingress } from '../helpers/terraform-snippets.js';
import { plainEnv, runCli, workspace } from '../helpers/workspace.js';

const TERRAFORM = {
  'network/main.tf': group('web', ingress(22, '0.0.0.0/0')),
  'network/variables.tf': 'variable "env" {\n  default = "dev"\n}\n',
  'network/terraform.tfvars': 'env = "dev"\n',
  'network/envs/prod.tfvars': 'env = "prod"\n',
  // What `terraform init` downloads: a module copy that is not the repository's code.
  'network/.terraform/modules/vpc/main.tf': group('downloaded', ingress(3389, '0.0.0.0/0')),
};

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  WebSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0, Description: ssh }
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8, Description: out }
`;
const CLOUDFORMATION = {
  'stacks/web.yaml': TEMPLATE,
  // YAML and JSON that are not templates: not counted.
  'k8s/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n',
  'package.json': '{ "name": "shop", "devDependencies": { "aws-cdk-lib": "2.0.0" } }\n',
};

const SYNTHESIZED = JSON.stringify({
  Resources: {
    ApiSg: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'api', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0', Description: 'ssh' }] },
      Metadata: { 'aws:cdk:path': 'Api/ApiSg/Resource' },
    },
  },
});
const CDK = {
  'app/cdk.json': '{ "app": "npx ts-node bin/app.ts" }\n',
  'app/bin/app.ts': "import { App } from 'aws-cdk-lib';\nimport { ApiStack } from '../lib/api-stack';\nnew ApiStack(new App(), 'Api');\n",
  'app/lib/api-stack.ts': `import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export class ApiStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const vpc = ec2.Vpc.fromLookup(this, 'Vpc', { isDefault: false });
    const sg = new ec2.SecurityGroup(this, 'ApiSg', { vpc, description: 'api', allowAllOutbound: false });
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'ssh');
  }
}
`,
  'app/src/util.ts': 'export const twice = (n: number) => n * 2;\n',
  'app/cdk.out/Api.template.json': SYNTHESIZED,
};

/** Runs `sg-lint --init` (in process) in `dir`. */
const init = (dir: string, ...args: string[]) => runCli(dir, ['--init', ...args]);

/** The config --init wrote: loaded by the real config loader, which validates it against the schema. */
function writtenConfig(file: string): Record<string, unknown> {
  const loaded = readConfig(file);
  expect(loaded.problems ?? []).toEqual([]);
  return loaded.config as Record<string, unknown>;
}

describe('sg-lint --init: a .sg-lint.yml for the formats found', () => {
  it.each([
    ['Terraform', TERRAFORM, { preset: 'recommended', rules: {}, exclude: ['**/.terraform/**'], terraform: { varFiles: [], vars: {} } }, 'Terraform (2 files in 1 directory)'],
    ['CloudFormation', CLOUDFORMATION, { preset: 'recommended', rules: {}, cloudformation: { parameters: {} } }, 'CloudFormation (1 template)'],
    ['CDK', CDK, { preset: 'recommended', rules: {}, exclude: ['**/cdk.out/**'], cdk: { prefer: 'source' } }, 'AWS CDK (2 sources, 1 app)'],
    [
      'all three',
      { ...TERRAFORM, ...CLOUDFORMATION, ...CDK },
      { preset: 'recommended', rules: {}, exclude: ['**/.terraform/**', '**/cdk.out/**'], terraform: { varFiles: [], vars: {} }, cloudformation: { parameters: {} }, cdk: { prefer: 'source' } },
      'Terraform (2 files in 1 directory), CloudFormation (1 template), AWS CDK (2 sources, 1 app)',
    ],
    ['nothing sg-lint reads', { 'README.md': '# docs\n', 'k8s/deploy.yaml': 'kind: Deployment\n' }, { preset: 'recommended', rules: {} }, 'no Terraform, CloudFormation or CDK files'],
  ] as const)('%s', async (_what, files, expected, found) => {
    const dir = workspace(files);
    const run = await init(dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Found in .: ${found}.`);
    expect(run.stdout).toContain('wrote .sg-lint.yml\n');
    expect(writtenConfig(join(dir, '.sg-lint.yml'))).toEqual(expected);
  });

  it('names the .tfvars files that are judged as alternatives, and only those', async () => {
    const dir = workspace(TERRAFORM);
    await init(dir);
    const text = readFileSync(join(dir, '.sg-lint.yml'), 'utf8');
    expect(text).toContain('# Found: network/envs/prod.tfvars.');
    expect(text).not.toContain('network/terraform.tfvars');
  });

  it('writes a config that changes nothing a plain run finds, and whose excludes keep generated folders out when files there are named', async () => {
    const dir = workspace({ ...TERRAFORM, ...CLOUDFORMATION, ...CDK });
    const before = await runCli(dir, ['.', '-f', 'json']);
    expect((await init(dir)).code).toBe(0);
    const after = await runCli(dir, ['.', '-f', 'json']);
    expect(after.code, after.stderr).toBe(before.code);
    expect(after.json().findings.map((f) => f.fingerprint)).toEqual(before.json().findings.map((f) => f.fingerprint));
    expect(after.json().findings.length).toBeGreaterThan(0);
    // As a pre-commit hook names changed files: those in .terraform/ and cdk.out/ are excluded by the config.
    const named = ['network/.terraform/modules/vpc/main.tf', 'app/cdk.out/Api.template.json'];
    const withConfig = await runCli(dir, [...named, '-f', 'json']);
    expect(withConfig.json().findings).toEqual([]);
    const withoutConfig = await runCli(dir, [...named, '-f', 'json', '-c', join(workspace({ 'empty.yml': 'preset: recommended\n' }), 'empty.yml')]);
    expect(new Set(withoutConfig.json().findings.map((f) => f.file))).toEqual(new Set(named));
  });

  it('keeps a file name with a line break from breaking the YAML', async () => {
    const dir = workspace({ 'main.tf': group('web', ingress(22, '10.0.0.0/8')), 'odd\nname: x.tfvars': 'a = 1\n' });
    expect((await init(dir)).code).toBe(0);
    const text = readFileSync(join(dir, '.sg-lint.yml'), 'utf8');
    expect(text).toContain('# Found: odd\\nname: x.tfvars.');
    expect(writtenConfig(join(dir, '.sg-lint.yml'))).toEqual({ preset: 'recommended', rules: {}, terraform: { varFiles: [], vars: {} } });
  });
});

describe('sg-lint --init: workflow and pre-commit hook', () => {
  it('writes a GitHub workflow that runs the Action and uploads its SARIF from a separate job', async () => {
    const dir = workspace(TERRAFORM);
    expect((await init(dir)).code).toBe(0);
    const workflow = parseYaml(readFileSync(join(dir, '.github', 'workflows', 'sg-lint.yml'), 'utf8')) as {
      on: Record<string, unknown>;
      permissions: Record<string, string>;
      jobs: Record<string, { needs?: string; permissions?: Record<string, string>; steps: { id?: string; uses?: string; with?: Record<string, unknown> }[] }>;
    };
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const lint = workflow.jobs.lint!.steps;
    expect(lint.map((s) => s.uses?.replace(/@.*/, ''))).toEqual(['actions/checkout', 'sg-lint/sg-lint', 'actions/upload-artifact']);
    const action = lint[1]!;
    // Every input the step gives is one the Action declares.
    const inputs = Object.keys((parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs);
    expect(Object.keys(action.with ?? {}).filter((k) => !inputs.includes(k))).toEqual([]);
    expect(action.with).toMatchObject({ paths: '.', 'sarif-file': 'sg-lint.sarif' });
    const upload = workflow.jobs['code-scanning']!;
    expect(upload.needs).toBe('lint');
    expect(upload.permissions).toMatchObject({ 'security-events': 'write' });
    const sarif = upload.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(sarif?.with?.sarif_file).toBe(action.with!['sarif-file']);
  });

  it('writes the workflow the README recommends, for the directory it was given', async () => {
    const dir = workspace(TERRAFORM);
    await init(dir);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const marker = '# .github/workflows/sg-lint.yml';
    const recommended = parseYaml(/```yaml\n(# [^\n]*\n[\s\S]*?)```/.exec(readme.slice(readme.indexOf(marker) - 8))![1]!) as { jobs: { lint: { steps: { with?: { paths?: string } }[] } } };
    recommended.jobs.lint.steps[1]!.with!.paths = '.';
    expect(parseYaml(readFileSync(join(dir, '.github', 'workflows', 'sg-lint.yml'), 'utf8'))).toEqual(recommended);
  });

  it('writes a .pre-commit-config.yaml using a hook this repository defines', async () => {
    const dir = workspace(TERRAFORM);
    const run = await init(dir);
    expect(run.stdout).toContain('wrote .pre-commit-config.yaml\n');
    const config = parseYaml(readFileSync(join(dir, '.pre-commit-config.yaml'), 'utf8')) as { repos: { repo: string; rev: string; hooks: { id: string }[] }[] };
    const hookIds = (parseYaml(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string }[]).map((h) => h.id);
    expect(config.repos).toHaveLength(1);
    expect(config.repos[0]!.repo).toMatch(/^https:\/\//);
    expect(typeof config.repos[0]!.rev).toBe('string');
    expect(config.repos[0]!.hooks.map((h) => h.id).filter((id) => hookIds.includes(id))).toEqual(['sg-lint']);
  });

  const hasPreCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!hasPreCommit)(`writes a .pre-commit-config.yaml that pre-commit validates${hasPreCommit ? '' : ' [skipped: the pre-commit command is not installed]'}`, async () => {
    const dir = workspace(TERRAFORM);
    await init(dir);
    const r = spawnSync('pre-commit', ['validate-config', '.pre-commit-config.yaml'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });

  it('leaves an existing .pre-commit-config.yaml alone, even with --force, and prints the entry to add', async () => {
    const existing = 'repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v5.0.0\n    hooks:\n      - id: trailing-whitespace\n';
    const dir = workspace({ ...TERRAFORM, '.pre-commit-config.yaml': existing });
    for (const args of [[], ['--force']]) {
      const run = await init(dir, ...args);
      expect(readFileSync(join(dir, '.pre-commit-config.yaml'), 'utf8')).toBe(existing);
      expect(run.stdout).toContain('.pre-commit-config.yaml exists and is not changed; add this entry under its `repos:`:');
      // The printed entry, added under repos:, gives a config that lists both hooks.
      const entry = run.stdout.slice(run.stdout.indexOf('  - repo:'));
      const merged = parseYaml(existing + entry) as { repos: { hooks: { id: string }[] }[] };
      expect(merged.repos.flatMap((r) => r.hooks.map((h) => h.id))).toEqual(['trailing-whitespace', 'sg-lint']);
    }
    writeFileSync(join(dir, '.pre-commit-config.yaml'), existing + '  - repo: https://github.com/sg-lint/sg-lint\n    rev: v1.0.0\n    hooks:\n      - id: sg-lint-all\n');
    expect((await init(dir, '--force')).stdout).toContain('.pre-commit-config.yaml already runs sg-lint\n');
  });

  it('puts the workflow and the hook at the top of the git repository when the directory is inside it', async () => {
    const dir = workspace({ ...Object.fromEntries(Object.entries(TERRAFORM).map(([k, v]) => [`infra/${k}`, v])), 'README.md': '# repo\n' });
    initRepo(dir);
    const run = await runCli(join(dir, 'infra'), ['--init']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('wrote .sg-lint.yml\nwrote ../.github/workflows/sg-lint.yml\nwrote ../.pre-commit-config.yaml\n');
    expect(existsSync(join(dir, 'infra', '.sg-lint.yml'))).toBe(true);
    const workflow = parseYaml(readFileSync(join(dir, '.github', 'workflows', 'sg-lint.yml'), 'utf8')) as { jobs: { lint: { steps: { with?: { paths?: string } }[] } } };
    expect(workflow.jobs.lint.steps[1]!.with!.paths).toBe('infra');
    // From the top, naming the directory, the same files.
    const again = await runCli(dir, ['--init', 'infra', '--force']);
    expect(again.stdout).toContain('wrote infra/.sg-lint.yml\nwrote .github/workflows/sg-lint.yml\n');
  });

  it('watches pushes to the default branch git knows', async () => {
    const dir = workspace({ 'main.tf': group('web', ingress(22, '10.0.0.0/8')) });
    initRepo(dir);
    git(dir, 'update-ref', 'refs/remotes/origin/trunk', 'HEAD');
    git(dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk');
    await init(dir);
    const workflow = parseYaml(readFileSync(join(dir, '.github', 'workflows', 'sg-lint.yml'), 'utf8')) as { on: { push: { branches: string[] } } };
    expect(workflow.on.push.branches).toEqual(['trunk']);
  });
});

describe('sg-lint --init: existing files and bad input', () => {
  it('does not overwrite without --force (exit 2, naming what it left), and does with it', async () => {
    const dir = workspace({ ...TERRAFORM, '.sg-lint.yml': 'preset: strict\n', '.github/workflows/sg-lint.yml': 'name: mine\n' });
    const run = await init(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('sg-lint: not overwritten: .sg-lint.yml, .github/workflows/sg-lint.yml (they exist; --force overwrites them)\n');
    expect(run.stdout).not.toContain('wrote .sg-lint.yml');
    expect(readFileSync(join(dir, '.sg-lint.yml'), 'utf8')).toBe('preset: strict\n');
    expect(readFileSync(join(dir, '.github/workflows/sg-lint.yml'), 'utf8')).toBe('name: mine\n');
    expect(existsSync(join(dir, '.pre-commit-config.yaml'))).toBe(true); // what did not exist is still written

    const forced = await init(dir, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('wrote .sg-lint.yml\nwrote .github/workflows/sg-lint.yml\n');
    expect(writtenConfig(join(dir, '.sg-lint.yml'))).toMatchObject({ preset: 'recommended', terraform: { varFiles: [], vars: {} } });
    expect(readFileSync(join(dir, '.github/workflows/sg-lint.yml'), 'utf8')).toContain('uses: sg-lint/sg-lint@');
  });

  it('counts a .sg-lint.json as the config, and with --force rewrites it as JSON', async () => {
    const dir = workspace({ ...CLOUDFORMATION, '.sg-lint.json': '{ "preset": "all" }\n' });
    const run = await init(dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('sg-lint: not overwritten: .sg-lint.json (it exists; --force overwrites it)\n');
    expect(existsSync(join(dir, '.sg-lint.yml'))).toBe(false);
    expect((await init(dir, '--force')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, '.sg-lint.json'), 'utf8'))).toEqual({ preset: 'recommended', rules: {}, cloudformation: { parameters: {} } });
    expect(writtenConfig(join(dir, '.sg-lint.json'))).toMatchObject({ cloudformation: { parameters: {} } });
  });

  it('never writes through a symbolic link, even with --force', async () => {
    const elsewhere = workspace({ 'target.yml': 'keep me\n' });
    const dir = workspace(TERRAFORM);
    symlinkSync(join(elsewhere, 'target.yml'), join(dir, '.sg-lint.yml'));
    mkdirSync(join(elsewhere, 'workflows'));
    symlinkSync(elsewhere, join(dir, '.github'));
    const run = await init(dir, '--force');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('sg-lint: --init: .sg-lint.yml is a symbolic link; not overwritten\n');
    const second = await runCli(dir, ['--init', '--force']);
    expect(second.code).toBe(2);
    expect(readFileSync(join(elsewhere, 'target.yml'), 'utf8')).toBe('keep me\n');
    // With the config link gone, the .github link is refused in turn.
    const plain = workspace(TERRAFORM);
    symlinkSync(elsewhere, join(plain, '.github'));
    const third = await init(plain);
    expect(third.code).toBe(2);
    expect(third.stderr).toBe('sg-lint: --init: .github/workflows/sg-lint.yml: .github is a symbolic link; nothing written there\n');
    expect(existsSync(join(elsewhere, 'workflows', 'sg-lint.yml'))).toBe(false);
  });

  it.each([
    ['a directory that does not exist', ['--init', 'nope'], 'sg-lint: --init: nope is not a directory\n'],
    ['a file', ['--init', 'main.tf'], 'sg-lint: --init: main.tf is not a directory\n'],
    ['two directories', ['--init', '.', '.'], 'sg-lint: --init takes one directory, got 2\n'],
    ['a lint option', ['--init', '-f', 'json'], 'sg-lint: --init takes a directory and --force, not --format\n'],
    ['--force alone', ['--force'], 'sg-lint: --force goes with --init\n'],
  ])('refuses %s (exit 2) and writes nothing', async (_what, args, message) => {
    const dir = workspace({ 'main.tf': group('web', ingress(22, '10.0.0.0/8')) });
    const run = await runCli(dir, args);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(message);
    expect(existsSync(join(dir, '.sg-lint.yml'))).toBe(false);
    expect(existsSync(join(dir, '.pre-commit-config.yaml'))).toBe(false);
  });

  it('works from the built CLI, spawned, and what it writes lints cleanly', () => {
    assertBuilt();
    const dir = workspace({ ...TERRAFORM, ...CDK });
    const bin = join(ROOT, 'dist', 'src', 'bin.js');
    const run = spawnSync(process.execPath, [bin, '--init'], { cwd: dir, env: plainEnv(), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      'Found in .: Terraform (2 files in 1 directory), AWS CDK (2 sources, 1 app).\nwrote .sg-lint.yml\nwrote .github/workflows/sg-lint.yml\nwrote .pre-commit-config.yaml\n',
    );
    const lint = spawnSync(process.execPath, [bin, '.', '-f', 'json'], { cwd: dir, env: plainEnv(), encoding: 'utf8' });
    expect(lint.status, lint.stderr).toBe(1);
    expect((JSON.parse(lint.stdout) as { errors: unknown[] }).errors).toEqual([]);
  });
});
