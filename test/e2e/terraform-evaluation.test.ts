import { describe, expect, it, vi } from 'vitest';
import * as hcl from '../../src/parsers/terraform/hcl.js';
import { lint } from '../../src/api.js';
import { plainEnv, runCli, workspace, type JsonReport } from '../helpers/workspace.js';

type JsonFinding = JsonReport['findings'][number];

const BASTION_MODULE = `variable "cidr" {
  type = string
}

resource "aws_security_group" "this" {
  description = "Bastion"
  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.cidr]
  }
}

output "id" {
  value = aws_security_group.this.id
}
`;

describe('Terraform plan JSON (--plan)', () => {
  const config = {
    'infra/main.tf': `variable "admin_cidr" {
  type = string
}

data "aws_ip_ranges" "partner" {
  regions  = ["eu-west-1"]
  services = ["ec2"]
}

resource "aws_security_group" "admin" {
  description = "Administration"
  ingress {
    description = "SSH from the admin network"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
  ingress {
    description = "PostgreSQL from the partner"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = data.aws_ip_ranges.partner.cidr_blocks
  }
}
`,
  };
  const plan = {
    format_version: '1.2',
    terraform_version: '1.9.0',
    variables: { admin_cidr: { value: '0.0.0.0/0' } },
    planned_values: { root_module: { resources: [{ address: 'aws_security_group.admin', mode: 'managed', type: 'aws_security_group', name: 'admin', values: { description: 'Administration' } }] } },
    prior_state: {
      values: {
        root_module: {
          resources: [{ address: 'data.aws_ip_ranges.partner', mode: 'data', type: 'aws_ip_ranges', name: 'partner', values: { cidr_blocks: ['0.0.0.0/0', '203.0.113.0/24'] } }],
        },
      },
    },
  };

  it('leaves variables without values and data sources unknown without a plan', async () => {
    const dir = workspace(config);
    const run = await runCli(dir, ['infra', '-f', 'json']);
    expect(run.json().findings).toEqual([]);
    expect(run.json().stats.unresolvedByReason).toEqual({ 'variable-no-default': 1, 'data-source': 1 });
  });

  it('fills them from the plan and reports at the .tf source', async () => {
    const dir = workspace({ ...config, 'infra/plan.json': JSON.stringify(plan) });
    const run = await runCli(dir, ['infra', '--plan', 'infra/plan.json', '-f', 'json']);
    expect(run.code).toBe(1);
    expect(run.json().findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual([
      'group-mixed-scope infra/main.tf:10',
      'ingress-world-admin-port infra/main.tf:17',
      'ingress-broad-source infra/main.tf:24',
      'ingress-shadowed-rule infra/main.tf:24',
      'ingress-world-sensitive-port infra/main.tf:24',
    ]);
    expect(run.json().stats.unresolvedValues).toBe(0);
  });

  it('reports a file that is not a plan as a parse error of that file, and a missing plan as a usage error', async () => {
    const dir = workspace({ ...config, 'infra/plan.json': '{"resources": []}' });
    const run = await runCli(dir, ['infra', '--plan', 'infra/plan.json', '-f', 'json']);
    expect(run.json().findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual(['parse-error infra/plan.json:1']);
    expect(run.json().findings[0]!.message).toMatch(/terraform show -json/);
    const missing = await runCli(dir, ['infra', '--plan', 'infra/nope.json', '-f', 'json']);
    expect(missing.code).toBe(2);
  });

  it('analyzes a plan alone when its configuration is not beside it, linking rules to groups through its references', async () => {
    const alone = {
      format_version: '1.2',
      planned_values: {
        root_module: {
          child_modules: [
            {
              address: 'module.edge',
              resources: [
                { address: 'module.edge.aws_security_group.this[0]', mode: 'managed', type: 'aws_security_group', name: 'this', index: 0, values: { description: 'Edge ${literally}', ingress: [], egress: [] } },
                {
                  address: 'module.edge.aws_security_group_rule.ssh["office"]',
                  mode: 'managed',
                  type: 'aws_security_group_rule',
                  name: 'ssh',
                  index: 'office',
                  values: { type: 'ingress', protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/0'], description: 'SSH', self: false },
                },
              ],
            },
          ],
        },
      },
      configuration: {
        root_module: {
          module_calls: {
            edge: { module: { resources: [{ address: 'aws_security_group_rule.ssh', expressions: { security_group_id: { references: ['aws_security_group.this[0].id', 'aws_security_group.this[0]', 'aws_security_group.this'] } } }] } },
          },
        },
      },
    };
    const dir = workspace({ 'plans/plan.json': JSON.stringify(alone) });
    const run = await runCli(dir, ['--plan', 'plans/plan.json', '-f', 'json']);
    const findings = run.json().findings as (JsonFinding & { group?: string })[];
    expect(findings.map((f) => `${f.ruleId} ${f.file}:${f.line} ${f.path} ${f.group}`)).toEqual([
      'ingress-world-admin-port plans/plan.json:1 module.edge.aws_security_group_rule.ssh["office"].cidr_blocks[0] module.edge.aws_security_group.this[0]',
    ]);
  });
});

describe('a plan alone: attachments', () => {
  it('links an instance to the groups the configuration references, so a world made by two attached groups is found', async () => {
    const half = (name: string, cidr: string) => ({
      address: `aws_security_group.${name}`,
      mode: 'managed',
      type: 'aws_security_group',
      name,
      values: { description: name, ingress: [{ cidr_blocks: [cidr], description: 'SSH', from_port: 22, to_port: 22, protocol: 'tcp', ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false }], egress: [] },
    });
    const plan = {
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [half('low', '0.0.0.0/1'), half('high', '128.0.0.0/1'), { address: 'aws_instance.bastion', mode: 'managed', type: 'aws_instance', name: 'bastion', values: { ami: 'ami-0123456789abcdef0' } }],
        },
      },
      configuration: {
        root_module: {
          resources: [{ address: 'aws_instance.bastion', expressions: { vpc_security_group_ids: { references: ['aws_security_group.low.id', 'aws_security_group.low', 'aws_security_group.high.id', 'aws_security_group.high'] } } }],
        },
      },
    };
    const dir = workspace({ 'plan.json': JSON.stringify(plan) });
    const run = await runCli(dir, ['--plan', 'plan.json', '-f', 'json']);
    expect(run.json().findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual(['ingress-world-admin-port aws_security_group.low.ingress[0].cidr_blocks[0]']);
  });
});

describe('module calls', () => {
  it('parses a module called 50 times through for_each once', async () => {
    const envs = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`env${i}`, i === 7 ? '0.0.0.0/0' : `10.${i}.0.0/16`]));
    const dir = workspace({
      'main.tf': `module "bastion" {
  source   = "./modules/bastion"
  for_each = ${JSON.stringify(envs).replace(/":/g, '" =')}
  cidr     = each.value
}
`,
      'modules/bastion/main.tf': BASTION_MODULE,
    });
    const spy = vi.spyOn(hcl, 'parseHcl');
    const result = await lint(['.'], { cwd: dir });
    const parsed = spy.mock.calls.map((c) => c[0]);
    spy.mockRestore();
    expect(parsed.filter((f) => f === 'modules/bastion/main.tf')).toHaveLength(1);
    expect(result.stats.groups).toBe(50);
    const findings = result.findings.filter((f) => f.ruleId === 'ingress-world-admin-port');
    expect(findings.map((f) => `${f.at.file}:${f.at.start.line} ${f.resource}`)).toEqual(['modules/bastion/main.tf:12 module.bastion["env7"].aws_security_group.this']);
    expect(findings[0]!.related.map((r) => `${r.at.file}:${r.at.start.line} ${r.message}`)).toEqual(['main.tf:3 the value is written here', 'main.tf:1 reached through this call']);
  });

  it('names the condition of a module created only when a default says so, also when its outputs are used first', async () => {
    const dir = workspace({
      'main.tf': `variable "with_bastion" {
  type    = bool
  default = true
}

resource "aws_security_group_rule" "extra" {
  type              = "ingress"
  description       = "HTTPS to the bastion"
  security_group_id = module.bastion[0].id
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["10.1.0.0/16"]
}

module "bastion" {
  source = "./modules/bastion"
  count  = var.with_bastion ? 1 : 0
  cidr   = "0.0.0.0/0"
}
`,
      'modules/bastion/main.tf': BASTION_MODULE,
    });
    const run = await runCli(dir, ['.', '-f', 'json']);
    expect(run.json().findings.map((f) => `${f.ruleId} ${f.file}:${f.line} ${f.message}`)).toEqual([
      'group-inline-and-standalone-rules main.tf:6 This `aws_security_group_rule` adds an ingress rule to `module.bastion[0].aws_security_group.this`, whose inline ingress rules Terraform also manages: each apply removes the rules the other form added (when var.with_bastion is true)',
      'group-mixed-scope modules/bastion/main.tf:5 Group `module.bastion[0].aws_security_group.this` mixes ingress from the whole internet (port 22 from 0.0.0.0/0) with private-only ingress (port 443 from 10.1.0.0/16) (when var.with_bastion is true)',
      'ingress-world-admin-port modules/bastion/main.tf:12 Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `module.bastion[0].aws_security_group.this` (when var.with_bastion is true)',
    ]);
  });

  it('applies a suppression written on a module call to every instance the call creates', async () => {
    const dir = workspace({
      'main.tf': `# sg-lint-ignore ingress-world-admin-port -- lab bastions, torn down nightly
module "lab" {
  source = "./modules/bastion"
  count  = 3
  cidr   = "0.0.0.0/0"
}

module "prod" {
  source = "./modules/bastion"
  cidr   = "0.0.0.0/0"
}
`,
      'modules/bastion/main.tf': BASTION_MODULE,
    });
    const run = await runCli(dir, ['.', '-f', 'json']);
    const findings = run.json().findings.filter((f) => f.ruleId === 'ingress-world-admin-port');
    // The three suppressed instances are one finding; the open one stays apart, so it cannot hide behind them.
    expect(findings.map((f) => `${f.resource} ${f.suppressed ? 'suppressed' : 'open'} ${(f.instances ?? []).map((i) => i.resource).join(',')}`)).toEqual([
      'module.lab[0].aws_security_group.this suppressed module.lab[0].aws_security_group.this,module.lab[1].aws_security_group.this,module.lab[2].aws_security_group.this',
      'module.prod.aws_security_group.this open ',
    ]);
  });

  it('uses the copy terraform init downloaded, and leaves a module without one unresolved', async () => {
    const files = {
      'main.tf': `module "edge" {
  source  = "example-corp/bastion/aws"
  version = "1.2.0"
  cidr    = "0.0.0.0/0"
}
`,
      '.terraform/modules/edge/main.tf': BASTION_MODULE,
    };
    const withCopy = workspace({ ...files, '.terraform/modules/modules.json': JSON.stringify({ Modules: [{ Key: '', Source: '', Dir: '.' }, { Key: 'edge', Source: 'registry.terraform.io/example-corp/bastion/aws', Version: '1.2.0', Dir: '.terraform/modules/edge' }] }) });
    const run = await runCli(withCopy, ['.', '-f', 'json']);
    // A downloaded module is not part of the repository: the finding points at the call, the module's line is related.
    const findings = run.json().findings as (JsonFinding & { related: { file: string; line: number; message: string }[] })[];
    expect(findings.map((f) => `${f.ruleId} ${f.file}:${f.line} ${f.resource}`)).toEqual(['ingress-world-admin-port main.tf:1 module.edge.aws_security_group.this']);
    expect(findings[0]!.related.map((r) => `${r.file}:${r.line} ${r.message}`)).toEqual(['.terraform/modules/edge/main.tf:12 inside the downloaded module', 'main.tf:4 the value is written here']);

    const without = workspace(files);
    const quiet = await runCli(without, ['.', '-f', 'json', '--report-unresolved']);
    expect(quiet.json().findings.filter((f) => f.ruleId !== 'unresolved-value')).toEqual([]);
    expect(quiet.json().stats.unresolvedByReason).toEqual({ 'remote-module': 1 });
  });

  it('counts a local module source that names no directory as not analyzed (a partial checkout), without failing', async () => {
    const dir = workspace({ 'main.tf': 'module "gone" {\n  source = "./modules/gone"\n}\n' });
    const run = await runCli(dir, ['.', '-f', 'json', '--report-unresolved']);
    expect(run.code).toBe(0);
    expect(run.json().stats.unresolvedByReason).toEqual({ 'module-output': 1 });
  });

  it('analyzes a directory that only calls itself once, with a diagnostic at the call', async () => {
    const dir = workspace({
      'main.tf': `module "loop" {
  source = "./"
}
resource "aws_security_group" "x" {
  description = "x"
}
`,
    });
    const run = await runCli(dir, ['.', '-f', 'json']);
    const errors = run.json().findings.filter((f) => f.ruleId === 'parse-error');
    expect(errors.map((f) => `${f.file}:${f.line}`)).toEqual(['main.tf:1']);
    expect(errors[0]!.message).toMatch(/module "loop": the module calls itself; the call was not analyzed/);
    expect(run.json().stats).toMatchObject({ files: 1 });
  });
});

describe('evaluation limits', () => {
  it('stops an expression that would take minutes, and the run goes on', async () => {
    const dir = workspace({
      'main.tf': `locals {
  huge = flatten([for a in range(10000) : [for b in range(10000) : "10.0.0.0/8"]])
}

resource "aws_security_group" "x" {
  description = "x"
  ingress {
    description = "from everywhere"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = concat(["0.0.0.0/0"], local.huge)
  }
}
`,
    });
    const started = Date.now();
    const run = await runCli(dir, ['.', '-f', 'json']);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.json().findings.map((f) => f.ruleId)).toEqual(['ingress-world-admin-port']);
  });

  it('stops nested modules that multiply their instances, with a diagnostic', async () => {
    const level = (next: string | null) =>
      next ? `module "m" {\n  source = "${next}"\n  count  = 100\n}\n` : `resource "aws_security_group" "g" {\n  description = "leaf"\n}\n`;
    const dir = workspace({ 'main.tf': level('./a'), 'a/main.tf': level('./b'), 'a/b/main.tf': level('./c'), 'a/b/c/main.tf': level(null) });
    const run = await runCli(dir, ['.', '-f', 'json']);
    const errors = run.json().findings.filter((f) => f.ruleId === 'parse-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/more than 100,000 resource and module instances/);
  });
});

describe('TF_VAR_ environment variables', () => {
  const files = {
    'main.tf': `variable "admin_cidr" {
  type = string
}

resource "aws_security_group" "admin" {
  description = "Administration"
  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
}
`,
  };

  it('reads them as Terraform does, below var files', async () => {
    const env = { ...plainEnv(), TF_VAR_admin_cidr: '0.0.0.0/0' };
    const fromEnv = await runCli(workspace(files), ['.', '-f', 'json'], env);
    expect(fromEnv.json().findings.map((f) => `${f.ruleId} ${f.line}`)).toEqual(['ingress-world-admin-port 12']);
    const overridden = await runCli(workspace({ ...files, 'terraform.tfvars': 'admin_cidr = "10.0.0.5/32"\n' }), ['.', '-f', 'json'], env);
    expect(overridden.json().findings).toEqual([]);
  });
});

describe('rules that cannot be placed', () => {
  it('counts an aws_security_group_rule whose type is not known as not checked, instead of dropping it', async () => {
    const dir = workspace({
      'main.tf': `variable "direction" {
  type = string
}

resource "aws_security_group_rule" "either_way" {
  type              = var.direction
  security_group_id = "sg-0123456789abcdef0"
  description       = "SSH"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
`,
    });
    const run = await runCli(dir, ['.', '-f', 'json', '--report-unresolved']);
    expect(run.json().stats.unresolvedByReason).toEqual({ 'variable-no-default': 1 });
    expect(run.json().findings.map((f) => f.ruleId)).toEqual(['unresolved-value']);
  });
});
