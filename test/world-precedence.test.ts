import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/api.js';
import type { Finding } from '../src/engine/result.js';

// RULES.md "No overlap": for each ingress entry from the world (or each set of entries whose union is the world), at most
// one world-exposure rule reports, the first that applies in the order below. The fixture harness runs one rule at a time,
// so the precedence is only visible here, where the full registry runs.
const FAMILY = [
  'ingress-world-all-traffic',
  'ingress-world-admin-port',
  'ingress-world-sensitive-port',
  'ingress-world-icmp',
  'ingress-world-open-port',
] as const;

interface Run {
  /** Every world-exposure finding, suppressed or not. */
  world: Finding[];
  all: Finding[];
}

/** Lints one main.tf (and an optional .sg-lint.yml) in a fresh directory with the full registry. */
async function lintTf(tf: string, config?: string): Promise<Run> {
  const cwd = mkdtempSync(join(tmpdir(), 'sg-world-precedence-'));
  try {
    writeFileSync(join(cwd, 'main.tf'), tf);
    if (config !== undefined) writeFileSync(join(cwd, '.sg-lint.yml'), config);
    const result = await lint(['.'], { cwd, preset: 'all', today: '2026-11-30' });
    expect(result.errors, 'run errors').toEqual([]);
    expect(result.findings.filter((f) => f.ruleId === 'parse-error').map((f) => f.message), 'parse errors').toEqual([]);
    return { world: result.findings.filter((f) => (FAMILY as readonly string[]).includes(f.ruleId)), all: result.findings };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

const ids = (fs: Finding[]) => fs.map((f) => f.ruleId);
const where = (fs: Finding[]) => fs.map((f) => `${f.ruleId} ${f.at.file}:${f.at.start.line}:${f.at.start.column}`);

interface Entry {
  protocol: string;
  from: number;
  to: number;
  cidrs?: string[];
  ipv6?: string[];
}

/** One group with inline ingress entries; each entry's CIDR list sits on its own line so findings can be told apart. */
function group(name: string, entries: Entry[]): string {
  const blocks = entries.map(
    (e, i) => `
  ingress {
    description = "entry ${i}"
    from_port   = ${e.from}
    to_port     = ${e.to}
    protocol    = "${e.protocol}"${e.cidrs ? `\n    cidr_blocks = ${JSON.stringify(e.cidrs)}` : ''}${e.ipv6 ? `\n    ipv6_cidr_blocks = ${JSON.stringify(e.ipv6)}` : ''}
  }
`,
  );
  return `resource "aws_security_group" "${name}" {
  name        = "${name}"
  description = "Group ${name}"
  vpc_id      = "vpc-0a1b2c3d4e5f60718"
${blocks.join('')}}
`;
}

const world4 = (protocol: string, from: number, to: number): string => group('g', [{ protocol, from, to, cidrs: ['0.0.0.0/0'] }]);

describe('world-exposure precedence: exactly one rule fires per entry', () => {
  it.each<{ name: string; protocol: string; from: number; to: number; expected: (typeof FAMILY)[number] }>([
    { name: 'protocol -1', protocol: '-1', from: 0, to: 0, expected: 'ingress-world-all-traffic' },
    { name: 'TCP 0-65535', protocol: 'tcp', from: 0, to: 65535, expected: 'ingress-world-all-traffic' },
    { name: 'UDP 0-65535', protocol: 'udp', from: 0, to: 65535, expected: 'ingress-world-all-traffic' },
    { name: 'TCP 1-65535 (not every port, contains 22)', protocol: 'tcp', from: 1, to: 65535, expected: 'ingress-world-admin-port' },
    { name: 'TCP 22', protocol: 'tcp', from: 22, to: 22, expected: 'ingress-world-admin-port' },
    { name: 'TCP 20-25 (contains 22)', protocol: 'tcp', from: 20, to: 25, expected: 'ingress-world-admin-port' },
    { name: 'UDP 3389', protocol: 'udp', from: 3389, to: 3389, expected: 'ingress-world-admin-port' },
    { name: 'TCP 3306', protocol: 'tcp', from: 3306, to: 3306, expected: 'ingress-world-sensitive-port' },
    { name: 'UDP 161-162', protocol: 'udp', from: 161, to: 162, expected: 'ingress-world-sensitive-port' },
    { name: 'TCP 80-443 (contains 111, 135, 389…)', protocol: 'tcp', from: 80, to: 443, expected: 'ingress-world-sensitive-port' },
    { name: 'ICMP all types', protocol: 'icmp', from: -1, to: -1, expected: 'ingress-world-icmp' },
    { name: 'ICMP echo request', protocol: 'icmp', from: 8, to: -1, expected: 'ingress-world-icmp' },
    { name: 'TCP 8080', protocol: 'tcp', from: 8080, to: 8080, expected: 'ingress-world-open-port' },
    { name: 'UDP 1194', protocol: 'udp', from: 1194, to: 1194, expected: 'ingress-world-open-port' },
    { name: 'IP protocol 47 (GRE)', protocol: '47', from: 0, to: 0, expected: 'ingress-world-open-port' },
  ])('$name from 0.0.0.0/0 → $expected', async ({ protocol, from, to, expected }) => {
    const { world } = await lintTf(world4(protocol, from, to));
    expect(ids(world)).toEqual([expected]);
  });

  it.each<{ name: string; protocol: string; from: number; to: number }>([
    { name: 'TCP 443', protocol: 'tcp', from: 443, to: 443 },
    { name: 'TCP 80', protocol: 'tcp', from: 80, to: 80 },
    { name: 'ICMP fragmentation needed (3/4)', protocol: 'icmp', from: 3, to: 4 },
  ])('$name from 0.0.0.0/0 → no world-exposure finding', async ({ protocol, from, to }) => {
    const { world } = await lintTf(world4(protocol, from, to));
    expect(where(world)).toEqual([]);
  });

  it('TCP 20-3306 from world is one ingress-world-admin-port finding naming the admin and the sensitive ports', async () => {
    const { world } = await lintTf(world4('tcp', 20, 3306));
    expect(ids(world)).toEqual(['ingress-world-admin-port']);
    const message = world[0]!.message;
    for (const part of ['22 (SSH)', '23 (Telnet)', '20-21 (FTP)', '135 (MS RPC)', '137-139 (NetBIOS)', '445 (SMB)', '1433-1434 (SQL Server)', '3306 (MySQL/MariaDB)']) {
      expect(message).toContain(part);
    }
    // 3389 (RDP) and 5432 (PostgreSQL) are outside 20-3306.
    expect(message).not.toContain('3389');
    expect(message).not.toContain('5432');
    // The admin ports come before the sensitive ones.
    expect(message.indexOf('22 (SSH)')).toBeLessThan(message.indexOf('20-21 (FTP)'));
  });

  it('TCP 0-65535 from world is reported by all-traffic only, and rule-port-range-wide stays quiet on it', async () => {
    const { world, all } = await lintTf(world4('tcp', 0, 65535));
    expect(ids(world)).toEqual(['ingress-world-all-traffic']);
    expect(world[0]!.message).toContain('all TCP ports');
    expect(ids(all)).not.toContain('rule-port-range-wide');
  });

  it('rule-port-range-wide still fires on a wide entry that a later world rule reported', async () => {
    const { world, all } = await lintTf(world4('tcp', 20, 3306));
    expect(ids(world)).toEqual(['ingress-world-admin-port']);
    expect(ids(all)).toContain('rule-port-range-wide');
  });

  it('one finding per offending peer: 0.0.0.0/0 and ::/0 on one SSH entry are two admin-port findings and nothing else', async () => {
    const { world } = await lintTf(group('g', [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['0.0.0.0/0'], ipv6: ['::/0'] }]));
    expect(ids(world)).toEqual(['ingress-world-admin-port', 'ingress-world-admin-port']);
    expect(new Set(world.map((f) => f.at.start.line)).size).toBe(2);
  });

  it('each entry of a group is judged on its own', async () => {
    const { world } = await lintTf(
      group('g', [
        { protocol: '-1', from: 0, to: 0, ipv6: ['::/0'] },
        { protocol: 'tcp', from: 22, to: 22, cidrs: ['0.0.0.0/0'] },
        { protocol: 'tcp', from: 5432, to: 5432, cidrs: ['0.0.0.0/0'] },
        { protocol: 'icmp', from: 8, to: -1, cidrs: ['0.0.0.0/0'] },
        { protocol: 'tcp', from: 8080, to: 8080, cidrs: ['0.0.0.0/0'] },
        { protocol: 'tcp', from: 443, to: 443, cidrs: ['0.0.0.0/0'] },
      ]),
    );
    expect(ids(world)).toEqual([...FAMILY]);
  });

  it('egress to the world is never reported by the ingress rules', async () => {
    const tf = `resource "aws_security_group" "g" {
  name        = "g"
  description = "Egress only"
  vpc_id      = "vpc-0a1b2c3d4e5f60718"

  egress {
    description      = "everything"
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}
`;
    const { world } = await lintTf(tf);
    expect(where(world)).toEqual([]);
  });
});

describe('world-exposure precedence: worlds made by a union', () => {
  it('protocol -1 from 0.0.0.0/1 + 128.0.0.0/1 is one all-traffic finding', async () => {
    const { world } = await lintTf(group('g', [{ protocol: '-1', from: 0, to: 0, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] }]));
    expect(ids(world)).toEqual(['ingress-world-all-traffic']);
    expect(world[0]!.related).toHaveLength(1);
  });

  it('TCP 22 from two halves in two aws_security_group_rule resources is one admin-port finding, at the first half', async () => {
    const rule = (name: string, cidr: string) => `
resource "aws_security_group_rule" "${name}" {
  type              = "ingress"
  security_group_id = aws_security_group.g.id
  description       = "${name}"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["${cidr}"]
}
`;
    const tf = `resource "aws_security_group" "g" {
  name        = "g"
  description = "Group g"
  vpc_id      = "vpc-0a1b2c3d4e5f60718"
}
${rule('lower', '0.0.0.0/1')}${rule('upper', '128.0.0.0/1')}`;
    const { world } = await lintTf(tf);
    expect(ids(world)).toEqual(['ingress-world-admin-port']);
    expect(world[0]!.resource).toBe('aws_security_group_rule.lower');
    expect(world[0]!.message).toContain('0.0.0.0/1 + 128.0.0.0/1 (together all of IPv4)');
  });

  it('ICMP echo from 0.0.0.0/1 + 128.0.0.0/1 is one ingress-world-icmp finding (no extra broad-range warnings)', async () => {
    const { world } = await lintTf(group('g', [{ protocol: 'icmp', from: 8, to: -1, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] }]));
    // One set of entries whose union is the world: one finding, the world one (error), at the first half.
    expect(world.map((f) => `${f.ruleId} ${f.level} ${f.at.start.line}:${f.at.start.column} ${f.message}`)).toEqual([
      expect.stringMatching(/^ingress-world-icmp error 11:20 Ingress from 0\.0\.0\.0\/1 \+ 128\.0\.0\.0\/1 \(together all of IPv4\) allows ICMP type 8\b/),
    ]);
  });

  it('halves in two groups of one instance: one finding per problem, not one more for the instance', async () => {
    const tf = `${group('ssh', [{ protocol: 'tcp', from: 22, to: 22, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] }])}
${group('mysql', [{ protocol: 'tcp', from: 3306, to: 3306, cidrs: ['0.0.0.0/1', '128.0.0.0/1'] }])}
resource "aws_instance" "host" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.ssh.id, aws_security_group.mysql.id]
}
`;
    const { world } = await lintTf(tf);
    // Each group is world on its own port; the instance adds no new exposure, so no third finding (RULES.md "No overlap").
    expect(world.map((f) => `${f.ruleId} ${f.group}`)).toEqual([
      'ingress-world-admin-port aws_security_group.ssh',
      'ingress-world-sensitive-port aws_security_group.mysql',
    ]);
    expect(world[0]!.message).not.toContain('3306');
  });
});

describe('world-exposure precedence: rules turned off and suppressed findings', () => {
  const allTraffic = world4('-1', 0, 0);

  it('with ingress-world-all-traffic off, protocol -1 from world falls to ingress-world-admin-port, which names every admin port', async () => {
    const { world } = await lintTf(allTraffic, 'rules:\n  ingress-world-all-traffic: "off"\n');
    expect(ids(world)).toEqual(['ingress-world-admin-port']);
    for (const part of ['22 (SSH)', '23 (Telnet)', '3389 (RDP)', '5900 (VNC)', '5985-5986 (WinRM)', '3306 (MySQL/MariaDB)', '61616 (ActiveMQ)']) {
      expect(world[0]!.message).toContain(part);
    }
  });

  it('with all-traffic and admin-port off, it falls to ingress-world-sensitive-port', async () => {
    const { world } = await lintTf(allTraffic, 'rules:\n  ingress-world-all-traffic: "off"\n  ingress-world-admin-port: "off"\n');
    expect(ids(world)).toEqual(['ingress-world-sensitive-port']);
  });

  it('with the three port rules off, protocol -1 falls to ingress-world-open-port (ingress-world-icmp never takes protocol -1)', async () => {
    const config = 'rules:\n  ingress-world-all-traffic: "off"\n  ingress-world-admin-port: "off"\n  ingress-world-sensitive-port: "off"\n';
    const { world } = await lintTf(allTraffic, config);
    expect(ids(world)).toEqual(['ingress-world-open-port']);
  });

  it('with every rule but ingress-world-icmp off, protocol -1 from world gets no world-exposure finding', async () => {
    const config =
      'rules:\n  ingress-world-all-traffic: "off"\n  ingress-world-admin-port: "off"\n  ingress-world-sensitive-port: "off"\n  ingress-world-open-port: "off"\n';
    const { world } = await lintTf(allTraffic, config);
    expect(where(world)).toEqual([]);
  });

  it('with ingress-world-admin-port off, TCP 20-3306 falls to ingress-world-sensitive-port', async () => {
    const { world } = await lintTf(world4('tcp', 20, 3306), 'rules:\n  ingress-world-admin-port: "off"\n');
    expect(ids(world)).toEqual(['ingress-world-sensitive-port']);
    expect(world[0]!.message).toContain('3306 (MySQL/MariaDB)');
  });

  it('with ingress-world-sensitive-port off, TCP 3306 falls to ingress-world-open-port', async () => {
    const { world } = await lintTf(world4('tcp', 3306, 3306), 'rules:\n  ingress-world-sensitive-port: "off"\n');
    expect(ids(world)).toEqual(['ingress-world-open-port']);
    expect(world[0]!.message).toContain('TCP 3306');
  });

  it("admin-port's `ports` option decides what it claims: SSH on 22 outside the list falls to ingress-world-open-port", async () => {
    const { world } = await lintTf(world4('tcp', 22, 22), 'rules:\n  ingress-world-admin-port: [error, { ports: [2222, 3389] }]\n');
    expect(ids(world)).toEqual(['ingress-world-open-port']);
  });

  it('a suppressed finding still counts as the one that fired: nothing falls through to the next rule', async () => {
    const tf = `resource "aws_security_group" "g" {
  name        = "g"
  description = "Honeypot"
  vpc_id      = "vpc-0a1b2c3d4e5f60718"

  ingress {
    description = "everything"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    # sg-lint-ignore ingress-world-all-traffic -- honeypot, accepted risk
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;
    const { world } = await lintTf(tf);
    expect(ids(world)).toEqual(['ingress-world-all-traffic']);
    expect(world[0]!.suppressed?.reason).toBe('honeypot, accepted risk');
  });
});
