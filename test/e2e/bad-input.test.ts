import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, workspace } from '../helpers/workspace.js';

const OPEN_SSH = `resource "aws_security_group" "ok" {
  description = "still linted"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;

/** Every bad file gives a parse-error finding at a line, the good file next to it is still linted, and nothing crashes. */
describe('bad input', () => {
  it('reports malformed HCL with file:line:column and still lints the other files', async () => {
    const dir = workspace({
      'good/main.tf': OPEN_SSH,
      'bad/main.tf': 'resource "aws_security_group" "x" {\n  description = "broken"\n  ingress {\n    from_port = \n  }\n}\n',
      'brace/main.tf': 'resource "aws_security_group" "y" {\n  description = "no closing brace"\n',
    });
    const run = await runCli(dir, ['.', '-f', 'json']);
    expect(run.code).toBe(1);
    const report = run.json();
    const parseErrors = report.findings.filter((f) => f.ruleId === 'parse-error');
    expect(parseErrors.map((f) => `${f.file}:${f.line}`).sort()).toEqual(['bad/main.tf:4', 'brace/main.tf:1']);
    expect(parseErrors.find((f) => f.file === 'brace/main.tf')!.message).toMatch(/Unclosed configuration block/);
    expect(parseErrors[0]!.message).toMatch(/File cannot be analyzed: .*expression/i);
    expect(report.findings.some((f) => f.ruleId === 'ingress-world-admin-port' && f.file === 'good/main.tf')).toBe(true);
  });

  it('reports a duplicate resource at the second definition and keeps the first', async () => {
    const dir = workspace({
      'a.tf': OPEN_SSH,
      'b.tf': '\n\nresource "aws_security_group" "ok" {\n  description = "dup"\n}\n',
    });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    const dup = report.findings.find((f) => f.ruleId === 'parse-error');
    expect(dup).toMatchObject({ file: 'b.tf', line: 3 });
    expect(dup!.message).toContain('Duplicate resource "aws_security_group" configuration "ok": first defined at a.tf:1');
    expect(report.findings.filter((f) => f.ruleId === 'ingress-world-admin-port')).toHaveLength(1);
  });

  it('reports a binary file, a directory named like a file and a broken link, and skips a symlink loop', async () => {
    const dir = workspace({ 'main.tf': OPEN_SSH, 'blob.tf': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0, 0]) });
    mkdirSync(join(dir, 'weird.tf'));
    writeFileSync(join(dir, 'weird.tf', 'inner.tf'), OPEN_SSH.replace('"ok"', '"inner"'));
    symlinkSync(join(dir, 'missing-target.tf'), join(dir, 'dangling.tf'));
    mkdirSync(join(dir, 'loop'));
    symlinkSync(dir, join(dir, 'loop', 'back'));
    const run = await runCli(dir, ['.', '-f', 'json']);
    const report = run.json();
    expect(run.code).toBe(1);
    const byFile = Object.fromEntries(report.findings.filter((f) => f.ruleId === 'parse-error').map((f) => [f.file, f.message]));
    expect(byFile['blob.tf']).toMatch(/binary file/);
    expect(report.errors.some((e) => e.kind === 'io' && /symbolic link loop/.test(e.message))).toBe(true);
    expect(report.errors.some((e) => e.kind === 'io' && e.file?.endsWith('dangling.tf'))).toBe(true);
    expect(report.findings.filter((f) => f.ruleId === 'ingress-world-admin-port').map((f) => f.file).sort()).toEqual(['main.tf', 'weird.tf/inner.tf']);
  });

  it('reports a Terraform file or var file that is not UTF-8 at its first bad byte, and still lints the rest of it', async () => {
    const dir = workspace({
      'main.tf': Buffer.concat([Buffer.from(OPEN_SSH.split('still linted')[0]! + 'ok \u{1F600} x '), Buffer.from([0xff]), Buffer.from(OPEN_SSH.split('still linted')[1]!)]),
      'latin1.tf': Buffer.from(OPEN_SSH.replace('"ok"', '"latin1"').replace('"still linted"', `"caf\u00e9"`), 'latin1'),
      'terraform.tfvars': Buffer.concat([Buffer.from('# r'), Buffer.from([0xe9]), Buffer.from('sum\n')]),
    });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    const notUtf8 = report.findings.filter((f) => f.ruleId === 'parse-error').map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`);
    expect(notUtf8).toEqual([
      'latin1.tf:2:21 File has errors (the rest of it was analyzed): not valid UTF-8, the only encoding Terraform reads: these bytes were read as U+FFFD',
      // A column counts UTF-16 code units, as every column does: the emoji takes two.
      'main.tf:2:26 File has errors (the rest of it was analyzed): not valid UTF-8, the only encoding Terraform reads: these bytes were read as U+FFFD',
      'terraform.tfvars:1:4 File has errors (the rest of it was analyzed): not valid UTF-8, the only encoding Terraform reads: these bytes were read as U+FFFD',
    ]);
    expect(report.findings.filter((f) => f.ruleId === 'ingress-world-admin-port').map((f) => f.file).sort()).toEqual(['latin1.tf', 'main.tf']);
  });

  it('lints a 5 MB generated file', async () => {
    const rule = (i: number) =>
      `resource "aws_security_group_rule" "r${i}" {\n  type              = "ingress"\n  security_group_id = aws_security_group.big.id\n  description       = "rule ${i}"\n  from_port         = ${1000 + (i % 5000)}\n  to_port           = ${1000 + (i % 5000)}\n  protocol          = "tcp"\n  cidr_blocks       = ["10.${i % 256}.0.0/16"]\n}\n`;
    const body = ['resource "aws_security_group" "big" {\n  description = "generated"\n}\n', ...Array.from({ length: 20_000 }, (_, i) => rule(i))].join('');
    expect(body.length).toBeGreaterThan(5_000_000);
    const dir = workspace({ 'generated.tf': body });
    const run = await runCli(dir, ['.', '-f', 'json', '--fail-on', 'none']);
    expect(run.code).toBe(0);
    const report = run.json();
    expect(report.findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
    expect(report.stats.files).toBe(1);
  });

  it('exits 2 for a path that does not exist but still lints the others', async () => {
    const dir = workspace({ 'main.tf': OPEN_SSH });
    const run = await runCli(dir, ['main.tf', 'nope/', '-f', 'json']);
    expect(run.code).toBe(2);
    const report = run.json();
    expect(report.errors).toContainEqual({ kind: 'io', file: 'nope/', message: 'no such file or directory' });
    expect(report.findings.some((f) => f.ruleId === 'ingress-world-admin-port')).toBe(true);
  });

  it('reports an unreadable file when permissions deny it (skipped when running as root)', async () => {
    if (process.getuid?.() === 0) return;
    const dir = workspace({ 'main.tf': OPEN_SSH, 'locked.tf': OPEN_SSH.replace('"ok"', '"locked"') });
    chmodSync(join(dir, 'locked.tf'), 0o000);
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    expect(report.findings.find((f) => f.file === 'locked.tf' && f.ruleId === 'parse-error')?.message).toMatch(/permission denied/);
  });

  it('ignores unknown resource types and unknown attributes silently', async () => {
    const dir = workspace({
      'main.tf': 'resource "aws_widget" "w" {\n  anything = 1\n}\n' + OPEN_SSH.replace('description = "still linted"', 'description = "x"\n  shiny_new_attribute = true'),
    });
    const report = (await runCli(dir, ['.', '-f', 'json'])).json();
    expect(report.findings.map((f) => f.ruleId)).toEqual(['ingress-world-admin-port']);
  });
});
