import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/built.js';
import { git, initRepo } from '../helpers/git.js';
import { workspace } from '../helpers/workspace.js';

const hasPreCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
const SKIP_NOTE = hasPreCommit ? '' : ' [skipped: the pre-commit command is not installed; .ci/run installs the Debian package pre-commit]';

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
    const hooks = parseYaml(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
    expect(hooks.map((h) => h.id)).toEqual(['sg-lint', 'sg-lint-all']);
    for (const h of hooks) {
      expect(h.language).toBe('node');
      expect(h.entry).toMatch(/^sg-lint --offline\b/);
      expect(h.types).toBeUndefined();
      const files = new RegExp(h.files as string);
      for (const name of ['main.tf', 'prod.tfvars', 'x.tf.json', 'a.yaml', 'a.yml', 'stack.template', 'lib/stack.ts', 'app.js', 'app.mjs', 'template.json']) expect(files.test(name), name).toBe(true);
      for (const name of ['README.md', 'main.py', 'Dockerfile']) expect(files.test(name), name).toBe(false);
    }
    expect(hooks[1]).toMatchObject({ pass_filenames: false, require_serial: true });
  });

  it.skipIf(!hasPreCommit)(`pre-commit try-repo: a bad change fails with the finding shown, a good one passes${SKIP_NOTE}`, () => {
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
