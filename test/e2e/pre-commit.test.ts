import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/built.js';
import { git, initRepo } from '../helpers/git.js';
import { workspace } from '../helpers/workspace.js';

const hasPreCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
const SKIP_NOTE = hasPreCommit ? '' : ' [skipped: the pre-commit command is not on the PATH (CI has it; pipx install pre-commit to run this here)]';
const hasPython = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;

interface Hook {
  id: string;
  files: string;
  exclude: string;
  [key: string]: unknown;
}
const HOOKS = parseYaml(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];

/**
 * The paths a hook runs on, chosen as pre-commit chooses them: Python's `re.search` of `files` and not of `exclude`
 * over the repository-relative path. Computed by Python itself when it is installed; JavaScript's RegExp must agree
 * (the patterns use only syntax the two read alike).
 */
function selected(hook: Hook, paths: string[]): string[] {
  const byJs = paths.filter((p) => new RegExp(hook.files).test(p) && !new RegExp(hook.exclude).test(p));
  if (!hasPython) return byJs;
  const script = 'import json, re, sys\nd = json.load(sys.stdin)\nprint(json.dumps([p for p in d["paths"] if re.search(d["files"], p) and not re.search(d["exclude"], p)]))';
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify({ files: hook.files, exclude: hook.exclude, paths }), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const byPython = JSON.parse(r.stdout) as string[];
  expect(byJs, 'JavaScript and Python read the pattern differently').toEqual(byPython);
  return byPython;
}

const variables = 'variable "ssh_cidr" {\n  default = "0.0.0.0/0"\n}\n';
const bastion = (cidr: string) => `resource "aws_security_group" "bastion" {
  description = "bastion"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [${cidr}]
  }
}
`;
const template = (cidr: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  WebSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: ${cidr}, Description: rdp }
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8, Description: out }
`;

/** A committed copy of this checkout (tracked and new files, as the lead will commit them): the hook repository. */
function hookRepository(): { dir: string; rev: string } {
  const dir = workspace({});
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    if (/^(test|fixtures)\//.test(f)) continue;
    try {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      cpSync(join(ROOT, f), join(dir, f));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // a tracked file deleted in this checkout
    }
  }
  return { dir, rev: initRepo(dir) };
}

function run(cmd: string, args: string[], cwd: string, home: string): { code: number; out: string } {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PRE_COMMIT_HOME: home, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid' },
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('pre-commit hooks', () => {
  it('.pre-commit-hooks.yaml defines sg-lint and sg-lint-all: node, offline, files by name', () => {
    expect(HOOKS.map((h) => h.id)).toEqual(['sg-lint', 'sg-lint-all']);
    for (const h of HOOKS) {
      expect(h.language).toBe('node');
      expect(h.entry).toMatch(/^sg-lint --offline\b/);
      expect(h.types).toBeUndefined();
      expect(h.types_or).toBeUndefined();
    }
    expect(HOOKS[0]).not.toHaveProperty('pass_filenames');
    expect(HOOKS[1]).toMatchObject({ pass_filenames: false, require_serial: true });
  });

  it(`selects what sg-lint reads and skips generated folders and files that are never templates${hasPython ? '' : ' [python3 absent: JavaScript RegExp only]'}`, () => {
    const read = [
      'main.tf', 'infra/network.tf', 'infra/x.tf.json', 'infra/prod.tfvars', 'infra/prod.tfvars.json', 'stacks/web.yaml', 'stacks/db.yml',
      'stacks/web.template', 'template.json', 'cdk.out.backup/App.template.json', 'lib/shop-stack.ts', 'bin/app.ts',
      'infra/cdk.outputs.tf', 'infra/my.terraform/main.tf', 'node_modules_old/main.tf', '.sg-lint.yml', 'cdk.json',
    ];
    const skipped = [
      'README.md', 'main.py', 'Dockerfile', 'src/app.js', 'src/app.mjs', 'src/app.tsx', 'lib/stack.d.ts', 'main.tf.bak',
      '.terraform/modules/vpc/main.tf', 'infra/.terraform/modules/sg/main.tf', 'infra/.terraform/terraform.tfstate.json',
      'node_modules/aws-cdk-lib/package.json', 'web/node_modules/some-lib/template.yaml', 'node_modules/x/index.d.ts',
      'cdk.out/App.template.json', 'apps/shop/cdk.out/Shop.template.json', 'apps/shop/cdk.out/manifest.json',
      'package.json', 'web/package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'tsconfig.json', 'tsconfig.build.json',
      'web/jsconfig.json', '.github/workflows/ci.yml', '.github/dependabot.yml', '.vscode/settings.json',
      '.pre-commit-config.yaml', '.pre-commit-hooks.yaml',
    ];
    for (const hook of HOOKS) expect(selected(hook, [...read, ...skipped]), hook.id).toEqual(read);
  });

  it('a commit touching only JavaScript-repository sources runs neither hook, and one touching src/app.ts costs no TypeScript', () => {
    const commit = ['src/app.js', 'src/util.mjs', 'package.json', 'package-lock.json', 'tsconfig.json', '.github/workflows/ci.yml', 'README.md'];
    for (const hook of HOOKS) expect(selected(hook, commit), hook.id).toEqual([]);
    // A .ts file cannot be told apart by name: the hook passes it, and sg-lint reads its text and, finding no CDK
    // module named, neither parses it nor loads the TypeScript parser (test/e2e/startup.test.ts checks the loading).
    expect(selected(HOOKS[0]!, ['src/app.ts'])).toEqual(['src/app.ts']);
  });

  it.skipIf(!hasPreCommit)(`pre-commit try-repo: a bad change fails with the finding shown, a good one passes, generated folders are not passed${SKIP_NOTE}`, () => {
    const hook = hookRepository();
    const project = workspace({ 'infra/variables.tf': variables });
    initRepo(project);
    const home = workspace({});
    // The changed file uses a variable of an unchanged file: the hook reads the whole module directory.
    writeFileSync(join(project, 'infra/main.tf'), bastion('var.ssh_cidr'));
    const bad = run('pre-commit', ['try-repo', hook.dir, 'sg-lint', '--files', 'infra/main.tf'], project, home);
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toMatch(/sg-lint\.+Failed/);
    expect(bad.out).toContain('infra/main.tf\n  8:20    error    Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `aws_security_group.bastion`  ingress-world-admin-port');
    writeFileSync(join(project, 'infra/main.tf'), bastion('"10.0.0.0/16"'));
    const good = run('pre-commit', ['try-repo', hook.dir, 'sg-lint', '--files', 'infra/main.tf'], project, home);
    expect(good.code, good.out).toBe(0);
    expect(good.out).toMatch(/sg-lint\.+Passed/);
    // Generated folders and JavaScript sources are not handed to the hook, however bad their content.
    const generated = { 'cdk.out/App.template.json': JSON.stringify({ Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x', SecurityGroupIngress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }] } } } }), 'infra/.terraform/modules/sg/main.tf': bastion('"0.0.0.0/0"'), 'src/app.js': 'module.exports = 1;\n' };
    for (const [file, text] of Object.entries(generated)) {
      mkdirSync(dirname(join(project, file)), { recursive: true });
      writeFileSync(join(project, file), text);
    }
    const skipped = run('pre-commit', ['try-repo', hook.dir, 'sg-lint', '--files', ...Object.keys(generated)], project, home);
    expect(skipped.code, skipped.out).toBe(0);
    expect(skipped.out).toMatch(/sg-lint\.+\(no files to check\)Skipped/);
  }, 300_000);

  it.skipIf(!hasPreCommit)(`as an installed git hook: rejects a bad commit (also a .template file) and lets a clean one through${SKIP_NOTE}`, () => {
    const hook = hookRepository();
    const project = workspace({ 'infra/variables.tf': variables });
    writeFileSync(join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hook.dir}\n    rev: ${hook.rev}\n    hooks:\n      - id: sg-lint\n      - id: sg-lint-all\n`);
    initRepo(project);
    const home = workspace({});
    const install = run('pre-commit', ['install'], project, home);
    expect(install.code, install.out).toBe(0);

    writeFileSync(join(project, 'infra/main.tf'), bastion('"10.0.0.0/16"'));
    mkdirSync(join(project, 'stacks'));
    writeFileSync(join(project, 'stacks/web.template'), template('0.0.0.0/0'));
    git(project, 'add', '-A');
    const before = git(project, 'rev-parse', 'HEAD').trim();
    const rejected = run('git', ['commit', '-m', 'open RDP'], project, home);
    expect(rejected.code, rejected.out).not.toBe(0);
    expect(rejected.out).toMatch(/sg-lint\.+Failed/);
    expect(rejected.out).toMatch(/sg-lint \(whole repository\)\.+Failed/);
    expect(rejected.out).toContain('stacks/web.template\n  8:68    error    Ingress from 0.0.0.0/0 reaches TCP 3389 (RDP) on group `WebSg`  ingress-world-admin-port');
    expect(git(project, 'rev-parse', 'HEAD').trim()).toBe(before);

    writeFileSync(join(project, 'stacks/web.template'), template('10.0.0.0/16'));
    git(project, 'add', '-A');
    const accepted = run('git', ['commit', '-m', 'RDP from the VPN only'], project, home);
    expect(accepted.code, accepted.out).toBe(0);
    expect(accepted.out).toMatch(/sg-lint\.+Passed/);
    expect(git(project, 'rev-parse', 'HEAD').trim()).not.toBe(before);
  }, 300_000);
});
