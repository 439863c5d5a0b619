import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, workspace } from '../helpers/workspace.js';

const PLUGIN = join(import.meta.dirname, '..', '..', 'fixtures', '_plugins', 'group-name-prefix.mjs');
const main = 'resource "aws_security_group" "web" {\n  name        = "web"\n  description = "web"\n  ingress {\n    description = "ssh"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';

/** A run that must stop with exit 2 and a clear message, and leave no report file behind, not even part of one. */
async function expectRefused(dir: string, args: string[], message: RegExp): Promise<void> {
  const run = await runCli(dir, [...args, '-f', 'json=out.json', '-f', 'sarif=out.sarif']);
  expect(run.code, args.join(' ')).toBe(2);
  expect(run.stderr).toMatch(/^sg-lint: /);
  expect(run.stderr).toMatch(message);
  expect(existsSync(join(dir, 'out.json'))).toBe(false);
  expect(existsSync(join(dir, 'out.sarif'))).toBe(false);
  expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
}

describe('outputs and bad input', () => {
  it('an invalid --format or a format without its file is exit 2 before anything is written', async () => {
    const dir = workspace({ 'main.tf': main });
    await expectRefused(dir, ['.', '-f', 'yaml'], /unknown format "yaml" \(available: text, json, sarif, github, junit, markdown, checkstyle, gitlab\)/);
    await expectRefused(dir, ['.', '-f', 'junit='], /names no file/);
  });

  it('an unwritable --output is exit 2 with the reason; the other outputs are still written whole', async () => {
    const dir = workspace({ 'main.tf': main, 'busy/x': '' });
    const run = await runCli(dir, ['.', '-f', 'sarif', '-o', 'busy', '-f', 'json=out.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/sg-lint: cannot write report busy: /);
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).findings).toHaveLength(1);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a plugin that does not export a rule, that throws while loading, or that reuses a rule id is exit 2, nothing written', async () => {
    const cases: [string, RegExp][] = [
      ['export default 42;', /has an invalid rule/],
      ['export const rule = {};', /has an invalid rule|exports no rules/],
      ['throw new Error("plugin exploded");', /cannot be loaded: plugin exploded/],
      [readFileSync(PLUGIN, 'utf8').replace("id: 'group-name-prefix'", "id: 'ingress-world-admin-port'"), /id "ingress-world-admin-port" is already taken/],
    ];
    for (const [source, message] of cases) {
      const dir = workspace({ 'p.mjs': source, '.sg-lint.yml': 'plugins: ["./p.mjs"]\n', 'main.tf': main });
      await expectRefused(dir, ['.', '--allow-plugins'], message);
    }
    const twice = workspace({ 'a.mjs': readFileSync(PLUGIN, 'utf8'), 'b.mjs': readFileSync(PLUGIN, 'utf8'), '.sg-lint.yml': 'plugins: ["./a.mjs", "./b.mjs"]\n', 'main.tf': main });
    await expectRefused(twice, ['.', '--allow-plugins'], /id "group-name-prefix" is already taken/);
  });

  it('loads the example plugin from fixtures/ and reports its findings in every format, SARIF rules included', async () => {
    const dir = workspace({ '.sg-lint.yml': 'plugins: ["./group-name-prefix.mjs"]\nrules:\n  group-name-prefix: [error, { prefix: "shop-" }]\n', 'main.tf': main });
    copyFileSync(PLUGIN, join(dir, 'group-name-prefix.mjs'));
    const run = await runCli(dir, ['.', '-f', 'json', '-f', 'sarif=out.sarif', '--allow-plugins']);
    expect(run.json().findings.map((f) => [f.ruleId, f.level, f.message])).toEqual([
      ['group-name-prefix', 'error', 'Group `aws_security_group.web` is named "web", which does not start with "shop-"'],
      ['ingress-world-admin-port', 'error', 'Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `aws_security_group.web`'],
    ]);
    const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
    const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'group-name-prefix');
    expect(rule).toMatchObject({ shortDescription: { text: 'Security group name does not start with the team prefix' }, messageStrings: { prefix: { text: 'Group `{0}` is named "{1}", which does not start with "{2}"' } } });
    expect(rule.helpUri).toBeUndefined();
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'group-name-prefix', message: { id: 'prefix', arguments: ['aws_security_group.web', 'web', 'shop-'] } });
  });
});
