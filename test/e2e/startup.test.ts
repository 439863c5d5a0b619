// Issue 14 "Load only what the inputs need": which packages a run of the built CLI loads, by input. No timing here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ts as tsMorphTs } from 'ts-morph';
import { beforeAll, describe, expect, it } from 'vitest';
import { ts } from '../../src/parsers/cdk/typescript.js';
import { assertBuilt, ROOT } from '../helpers/built.js';
import { initRepo } from '../helpers/git.js';
import { workspace } from '../helpers/workspace.js';

const PARITY = join(ROOT, 'fixtures', '_parity', 'web-and-db');

/** Runs the built CLI in a fresh process; `packages` are the node_modules packages it loaded (`ajv/dist/ajv.js` → `ajv`). */
function run(args: string[], cwd = ROOT): { code: number | null; stdout: string; modules: string[]; packages: Set<string> } {
  const list = join(workspace({}), 'loaded.txt');
  const child = spawnSync(process.execPath, ['--require', join(ROOT, 'test', 'helpers', 'loaded-modules.cjs'), join(ROOT, 'dist', 'src', 'bin.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SG_LINT_LOADED_MODULES: list },
  });
  const modules = readFileSync(list, 'utf8').split('\n').filter(Boolean);
  const packages = new Set(modules.flatMap((m) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1] ?? []));
  return { code: child.status, stdout: child.stdout, modules, packages };
}

const TYPESCRIPT = /\/node_modules\/(ts-morph|@ts-morph\/common|typescript)\//;
/** ajv's schema compiler; the precompiled validators use only its small runtime helpers (ajv/dist/runtime/). */
const AJV_COMPILER = /\/node_modules\/ajv\/dist\/(ajv|core)\.js$/;

describe('start-up: what a run loads', () => {
  beforeAll(() => assertBuilt());

  it('--version and --help load no package', () => {
    const version = run(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect([...version.packages]).toEqual([]);
    const help = run(['--help']);
    expect(help.stdout).toContain('Usage: sg-lint');
    expect([...help.packages]).toEqual([]);
  });

  it('a CloudFormation template with a config loads neither TypeScript, ajv nor the Terraform parser', () => {
    const dir = workspace({
      '.sg-lint.yml': 'rules:\n  rule-port-range-wide: [warning, { maxPorts: 10 }]\n',
      'template.yaml': readFileSync(join(PARITY, 'template.yaml'), 'utf8'),
    });
    const r = run(['template.yaml', '-f', 'json', '--fail-on', 'none'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
    expect(r.modules.filter((m) => TYPESCRIPT.test(m) || AJV_COMPILER.test(m))).toEqual([]);
    expect(r.packages.has('@cdktf/hcl2json')).toBe(false);
    expect(r.packages.has('yaml')).toBe(true);
    expect(r.packages.has('@aws-sdk/client-ec2')).toBe(false);
  });

  it('an AWS export loads neither the AWS SDK, TypeScript nor yaml; only `sg-lint aws` needs the SDK, and its --help does not load it', () => {
    const r = run([join(ROOT, 'fixtures', 'aws-export', 'account'), '-f', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
    expect([...r.packages].filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/'))).toEqual([]);
    expect(r.modules.filter((m) => TYPESCRIPT.test(m))).toEqual([]);
    expect(r.packages.has('yaml')).toBe(false);
    const help = run(['aws', '--help']);
    expect(help.stdout).toMatch(/^Usage: sg-lint aws /);
    expect([...help.packages].filter((p) => p.startsWith('@aws-sdk/'))).toEqual([]);
  });

  it('an invalid config is still reported with its line, through the precompiled validators', () => {
    const dir = workspace({ '.sg-lint.yml': 'rules:\n  rule-port-range-wide: [warning, { maxPorts: 0 }]\n', 'template.yaml': readFileSync(join(PARITY, 'template.yaml'), 'utf8') });
    const child = spawnSync(process.execPath, [join(ROOT, 'dist', 'src', 'bin.js'), 'template.yaml'], { cwd: dir, encoding: 'utf8' });
    expect(child.status).toBe(2);
    expect(child.stderr).toContain('line 2: rules.rule-port-range-wide: options.maxPorts must be >= 1');
  });

  it('a Terraform file loads neither TypeScript, ajv nor hcl2json (its WebAssembly is for what the native parser refuses)', () => {
    const r = run([join(PARITY, 'main.tf'), '-f', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
    expect(r.modules.filter((m) => TYPESCRIPT.test(m) || AJV_COMPILER.test(m))).toEqual([]);
    expect(r.packages.has('@cdktf/hcl2json')).toBe(false);
  });

  it('a CDK source loads TypeScript, and is analyzed', () => {
    const r = run([join(PARITY, 'stack.ts'), '-f', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
    expect(r.modules.some((m) => TYPESCRIPT.test(m))).toBe(true);
    expect(r.modules.filter((m) => AJV_COMPILER.test(m))).toEqual([]);
  });

  it('TypeScript and JavaScript files that name no CDK module (a pre-commit hook in a JavaScript repository) load no TypeScript', () => {
    const dir = workspace({ 'src/app.ts': 'import { readFileSync } from "node:fs";\nexport const x = readFileSync("a");\n', 'src/util.js': 'module.exports = 1;\n' });
    const r = run(['--offline', 'src/app.ts', 'src/util.js', '-f', 'json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ findings: [], errors: [], stats: { files: 0 } });
    expect(r.modules.filter((m) => TYPESCRIPT.test(m))).toEqual([]);
  });

  it('a CDK source that may not be read (a link out of the scan root) is still reported by the CDK front end', () => {
    const outside = workspace({ 'stack.ts': 'import * as ec2 from "aws-cdk-lib/aws-ec2";\n' });
    const dir = workspace({ 'README.md': 'x\n' });
    mkdirSync(join(dir, 'lib'));
    symlinkSync(join(outside, 'stack.ts'), join(dir, 'lib', 'stack.ts'));
    initRepo(dir);
    const r = run(['lib', '-f', 'json', '--fail-on', 'none'], dir);
    expect(JSON.parse(r.stdout).findings).toMatchObject([{ ruleId: 'parse-error', file: 'lib/stack.ts', message: expect.stringContaining('outside the scan root') }]);
  });

  it('the CDK front end uses the TypeScript ts-morph exports', () => {
    expect(ts.version).toBe(tsMorphTs.version);
    expect(ts.createSourceFile).toBe(tsMorphTs.createSourceFile);
  });
});
