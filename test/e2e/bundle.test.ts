// The committed single-file bundle (bundle/sg-lint.mjs, scripts/bundle.mjs): the CLI with nothing installed, and the
// GitHub Action run from a `git archive` of the repository as a runner would after `uses: sg-lint/sg-lint@v1`.
// `npm run bundle:check` (in .ci/run) holds the committed bundle to a rebuild from the sources.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { discover } from '../../src/discover/discover.js';
import { Pool } from '../../src/engine/pool.js';
import { runFrontEnd, type FrontEndTask } from '../../src/front-ends.js';
import type { FrontEndResult } from '../../src/parsers/types.js';
import { UNRESTRICTED } from '../../src/util/scan-root.js';
import { runAction } from '../helpers/action.js';
import { startFakeEc2 } from '../helpers/fake-ec2.js';
import { assertBuilt, ROOT } from '../helpers/built.js';
import { commitAll, git, initRepo } from '../helpers/git.js';
import { plainEnv, workspace } from '../helpers/workspace.js';

const BUNDLE = join(ROOT, 'bundle', 'sg-lint.mjs');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

function run(file: string, args: string[], cwd: string, nodeOptions: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeOptions, file, ...args], { cwd, encoding: 'utf8', env: plainEnv() as NodeJS.ProcessEnv });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The JSON report without its timing, the one field that differs between two runs. */
const report = (stdout: string) => {
  const json = JSON.parse(stdout);
  delete json.stats.durationMs;
  return json;
};

/** Whether a directory or any directory above it holds node_modules, from which Node.js could load a package. */
function nodeModulesAtOrAbove(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules');
    if (d === parse(d).root) return undefined;
  }
}

function nodeModulesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (!e.isDirectory()) return [];
    const path = join(dir, e.name);
    return e.name === 'node_modules' ? [path] : nodeModulesBelow(path);
  });
}

/** A directory with nothing but a copy of the bundle, where no package can be found. */
function bundleAlone(): string {
  const dir = workspace({});
  cpSync(BUNDLE, join(dir, 'sg-lint.mjs'));
  expect(nodeModulesAtOrAbove(dir)).toBeUndefined();
  return dir;
}

const WORLD_SSH_GROUP = {
  GroupId: 'sg-0b1c2d3e4f5a60001',
  GroupName: 'bastion',
  Description: 'Bastion host',
  VpcId: 'vpc-0b1c2d3e',
  OwnerId: '111122223333',
  IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'SSH' }] }],
  IpPermissionsEgress: [],
};

const UNCLOSED_LIST = 'resource "aws_security_group" "broken" {\n  ingress {\n    cidr_blocks = ["0.0.0.0/0"\n  }\n}\n';

describe('the single-file bundle', () => {
  beforeAll(() => assertBuilt());

  it('alone in a directory, lints the demo exactly as the built CLI does, worker threads, CDK and all', () => {
    const dir = bundleAlone();
    cpSync(join(ROOT, 'fixtures', 'demo'), join(dir, 'demo'), { recursive: true });
    // --jobs 2 starts a worker thread, whose script is the bundle itself.
    const bundled = run(join(dir, 'sg-lint.mjs'), ['demo', '-f', 'json', '--jobs', '2'], dir);
    const built = run(join(ROOT, 'dist', 'src', 'bin.js'), ['demo', '-f', 'json', '--jobs', '2'], dir);
    expect(bundled.stderr).toBe(built.stderr);
    expect(bundled.code).toBe(1);
    expect(report(bundled.stdout)).toEqual(report(built.stdout));
    expect(report(bundled.stdout).stats.byFormat.cdk).toBeGreaterThan(0);
  });

  it('is its own worker script: a worker thread started from the bundle does a front end\'s task as the main thread does', { timeout: 120_000 }, async () => {
    const dir = bundleAlone();
    cpSync(join(ROOT, 'fixtures', 'demo', 'cdk'), join(dir, 'cdk'), { recursive: true });
    const scope = UNRESTRICTED.toSpec();
    const task: FrontEndTask = { kind: 'cdk', cwd: dir, scope, candidates: discover([dir], dir).files.filter((f) => f.kind === 'cdk-candidate').map((f) => f.abs) };
    expect(task.candidates.length).toBeGreaterThan(0);
    const inline = await runFrontEnd(task, UNRESTRICTED);
    // The worker (one lane) takes the task; the main thread holds back a task of its own until the worker is done.
    const nothing: FrontEndTask = { kind: 'cdk', cwd: dir, scope, candidates: [] };
    let done: Promise<unknown> = Promise.resolve();
    let heldBack = false;
    const pool = new Pool<FrontEndTask, FrontEndResult>({
      lanes: 2,
      entry: pathToFileURL(join(dir, 'sg-lint.mjs')),
      inline: async (t) => {
        if (t === nothing) heldBack = await Promise.race([done.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 90_000).unref())]);
        return runFrontEnd(t, UNRESTRICTED);
      },
    });
    const handle = pool.submit(task, 1);
    pool.submit(nothing, 0);
    done = handle.outcome;
    await pool.run();
    expect(heldBack, 'the worker did the task').toBe(true);
    expect(await done).toStrictEqual({ ok: true, value: inline });
  });

  it('carries the HCL parser WebAssembly: a file only it reads gets its located diagnostic', () => {
    const dir = bundleAlone();
    writeFileSync(join(dir, 'main.tf'), UNCLOSED_LIST);
    const r = run(join(dir, 'sg-lint.mjs'), ['main.tf', '-f', 'json'], dir);
    expect(r.code).toBe(1);
    const [finding] = JSON.parse(r.stdout).findings;
    expect(finding).toMatchObject({ ruleId: 'parse-error', line: 4, column: 3 });
    expect(finding.message).toContain('Missing item separator');
  });

  it('carries its version, its rule docs (for --explain and SARIF help, linked at the release tag) and its config schema', () => {
    const dir = bundleAlone();
    const bundle = join(dir, 'sg-lint.mjs');
    expect(run(bundle, ['--version'], dir).stdout).toBe(`${VERSION}\n`);
    expect(run(bundle, ['--explain', 'ingress-world-admin-port'], dir).stdout).toBe(run(join(ROOT, 'dist', 'src', 'bin.js'), ['--explain', 'ingress-world-admin-port'], dir).stdout);
    const unknown = run(bundle, ['--explain', 'no-such-rule'], dir);
    expect(unknown.code).toBe(2);

    writeFileSync(join(dir, 'main.tf'), readFileSync(join(ROOT, 'fixtures', '_parity', 'web-and-db', 'main.tf')));
    const sarif = JSON.parse(run(bundle, ['main.tf', '-f', 'sarif'], dir).stdout);
    const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'ingress-world-admin-port');
    expect(rule.helpUri).toBe(`https://github.com/sg-lint/sg-lint/blob/v${VERSION}/rules/ingress-world-admin-port.md`);
    expect(rule.help.markdown).toContain('## How to fix');

    writeFileSync(join(dir, '.sg-lint.yml'), 'rules:\n  rule-port-range-wide: [warning, { maxPorts: 0 }]\n');
    const invalid = run(bundle, ['main.tf'], dir);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('line 2: rules.rule-port-range-wide: options.maxPorts must be >= 1');
  });

  it('carries ajv\'s compiler for plugin rules: their options are validated, good and bad', () => {
    const dir = bundleAlone();
    cpSync(join(ROOT, 'fixtures', '_plugins', 'group-name-prefix.mjs'), join(dir, 'group-name-prefix.mjs'));
    writeFileSync(join(dir, 'main.tf'), readFileSync(join(ROOT, 'fixtures', '_parity', 'web-and-db', 'main.tf')));
    const config = (prefix: string) => `plugins: ["./group-name-prefix.mjs"]\nrules:\n  group-name-prefix: [error, { prefix: ${prefix} }]\n`;
    writeFileSync(join(dir, 'good.yml'), config('"shop-"'));
    const good = run(join(dir, 'sg-lint.mjs'), ['main.tf', '-c', 'good.yml', '--allow-plugins', '-f', 'json'], dir);
    expect(good.stderr).toBe('');
    expect(JSON.parse(good.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'group-name-prefix')).toHaveLength(2);
    writeFileSync(join(dir, 'bad.yml'), config('5'));
    const bad = run(join(dir, 'sg-lint.mjs'), ['main.tf', '-c', 'bad.yml', '--allow-plugins'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('line 3: rules.group-name-prefix: options.prefix must be string');
  });

  it('runs through a symbolic link named sg-lint, as the Docker image and npm put it on the PATH', () => {
    const dir = bundleAlone();
    mkdirSync(join(dir, 'bin'));
    symlinkSync(join(dir, 'sg-lint.mjs'), join(dir, 'bin', 'sg-lint'));
    writeFileSync(join(dir, 'main.tf'), readFileSync(join(ROOT, 'fixtures', '_parity', 'web-and-db', 'main.tf')));
    const r = spawnSync('sg-lint', ['.', '--jobs', '2', '-f', 'json', '--fail-on', 'none'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...plainEnv(), PATH: `${join(dir, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin` },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
  });
});

describe('the commands whose packages the bundle carries compressed (the AWS SDK, the language server)', () => {
  beforeAll(() => assertBuilt());

  it('sg-lint aws reads a (fake) account and lints it, from the bundle alone', async () => {
    const dir = bundleAlone();
    const ec2 = await startFakeEc2({ regions: { 'eu-west-1': { SecurityGroups: [WORLD_SSH_GROUP] } } });
    try {
      const missing = join(dir, 'missing');
      const env = { ...plainEnv(), AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE0001', AWS_SECRET_ACCESS_KEY: 'fakeSecretKeyForTheFakeEndpoint0000000000', AWS_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: missing, AWS_SHARED_CREDENTIALS_FILE: missing };
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const child = spawn(process.execPath, [join(dir, 'sg-lint.mjs'), 'aws', '--endpoint-url', ec2.url, '-f', 'json'], { cwd: dir, env: env as NodeJS.ProcessEnv });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => done({ code, stdout, stderr }));
      });
      // Nothing on stderr: not even the SDK's warning about its own future releases (the SDK version is pinned).
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string; resource: string }) => `${f.ruleId} ${f.resource}`)).toContain('ingress-world-admin-port sg-0b1c2d3e4f5a60001 (bastion)');
    } finally {
      await ec2.close();
    }
  });

  it('sg-lint lsp answers an editor\'s initialize, from the bundle alone', async () => {
    const dir = bundleAlone();
    const child = spawn(process.execPath, [join(dir, 'sg-lint.mjs'), 'lsp', '--stdio'], { cwd: dir, env: plainEnv() as NodeJS.ProcessEnv });
    const message = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
    const answer = await new Promise<string>((done) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('"capabilities"')) done(out);
      });
      child.on('close', () => done(out));
    });
    child.kill();
    expect(answer).toContain('"serverInfo":{"name":"sg-lint"}');
  });
});

describe('the release workflow (.github/workflows/release.yml)', () => {
  it('passes its own checks on this checkout: the tag matches the version, and the single file runs alone on the demo', () => {
    const workflow = parseYaml(readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8')) as { jobs: Record<string, { steps: { name?: string; run?: string }[] }> };
    const steps = workflow.jobs['single-file']!.steps;
    for (const name of ["The tag's version is package.json's", 'It runs alone']) {
      const step = steps.find((s) => s.name === name)!;
      const r = spawnSync('bash', ['-eo', 'pipefail', '-c', step.run!], { cwd: ROOT, encoding: 'utf8', env: { ...plainEnv(), GITHUB_REF_NAME: `v${VERSION}` } as NodeJS.ProcessEnv });
      expect({ name, status: r.status, stderr: r.stderr }).toEqual({ name, status: 0, stderr: '' });
    }
    const wrongTag = steps.find((s) => s.name === "The tag's version is package.json's")!;
    expect(spawnSync('bash', ['-c', wrongTag.run!], { cwd: ROOT, env: { ...plainEnv(), GITHUB_REF_NAME: 'v0.0.0-not-this' } as NodeJS.ProcessEnv }).status).not.toBe(0);
    expect(steps.at(-1)!.run).toContain('gh release upload "$GITHUB_REF_NAME" sg-lint.mjs sg-lint.mjs.sha256');
  });
});

describe('the GitHub Action from a git archive, with no node_modules anywhere', () => {
  /** The committed files of this checkout (HEAD), as `uses: sg-lint/sg-lint@<ref>` fetches them. */
  function archive(): string {
    const dir = workspace({});
    const tar = join(dir, 'action.tar');
    execFileSync('git', ['archive', '--format=tar', '-o', tar, 'HEAD'], { cwd: ROOT });
    mkdirSync(join(dir, 'action'));
    execFileSync('tar', ['-xf', tar, '-C', join(dir, 'action')]);
    return join(dir, 'action');
  }

  it('annotates, writes SARIF, the summary and the outputs from the committed bundle alone', () => {
    const action = archive();
    expect(existsSync(join(action, 'action.yml'))).toBe(true);
    expect(existsSync(join(action, 'bundle', 'sg-lint.mjs'))).toBe(true);
    expect(nodeModulesBelow(action)).toEqual([]);
    expect(nodeModulesAtOrAbove(action)).toBeUndefined();
    expect(() => createRequire(join(action, 'action', 'main.mjs')).resolve('yaml')).toThrow();

    const repo = workspace({
      'infra/main.tf': readFileSync(join(ROOT, 'fixtures', '_parity', 'web-and-db', 'main.tf'), 'utf8'),
      'infra/broken/main.tf': UNCLOSED_LIST,
      'cdk/lib/stack.ts': readFileSync(join(ROOT, 'fixtures', '_parity', 'web-and-db', 'stack.ts'), 'utf8'),
    });
    expect(nodeModulesAtOrAbove(repo)).toBeUndefined();
    const base = initRepo(repo);
    git(repo, 'checkout', '-q', '-b', 'feature');
    writeFileSync(
      join(repo, 'infra', 'bastion.tf'),
      'resource "aws_security_group" "bastion" {\n  description = "bastion"\n  ingress {\n    description = "ssh"\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
    );
    commitAll(repo, 'open SSH');
    writeFileSync(join(repo, 'event.json'), JSON.stringify({ pull_request: { number: 7, base: { sha: base, ref: 'main' } } }));

    const all = runAction(repo, { paths: 'infra cdk' }, {}, action);
    expect(all.stderr).toBe('');
    expect(all.code).toBe(1);
    expect(all.outputs['exit-code']).toBe('1');
    const annotations = all.stdout.split('\n').filter((l) => /^::(error|warning|notice) file=/.test(l));
    expect(annotations).toContain('::error file=infra/bastion.tf,line=8,col=20,endLine=8,endColumn=31,title=sg-lint ingress-world-admin-port::Ingress from 0.0.0.0/0 reaches TCP 22 (SSH) on group `aws_security_group.bastion`');
    expect(annotations.some((l) => l.startsWith('::error file=infra/broken/main.tf,line=4,col=3,') && l.includes('parse-error::') && l.includes('Missing item separator'))).toBe(true);
    expect(annotations.some((l) => l.startsWith('::warning file=cdk/lib/stack.ts,'))).toBe(true);
    const sarif = JSON.parse(readFileSync(all.outputs['sarif-file']!, 'utf8'));
    expect(Number(all.outputs.findings)).toBe(sarif.runs[0].results.length);
    expect(sarif.runs[0].tool.driver.version).toBe(VERSION);
    expect(all.summary).toContain('### sg-lint: ❌');

    // changed-only reads the pull request's base from the event (the Action's share of the CLI's code).
    const changed = runAction(repo, { paths: 'infra cdk', 'changed-only': 'true', format: 'none' }, {}, action);
    expect(changed.stdout.split('\n').filter((l) => /^::(error|warning|notice) file=/.test(l))).toEqual([annotations[0]]);
    expect(changed.outputs.findings).toBe('1');
  });
});

describe('npm run bundle:check (scripts/bundle.mjs --check)', () => {
  beforeAll(() => assertBuilt());

  /** A copy of what the bundle is made from (the built dist/, package files, the script), node_modules linked. */
  function sources(): string {
    const dir = workspace({});
    for (const part of ['package.json', 'tsconfig.json', 'scripts', 'rules', 'schemas', 'dist', 'bundle']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    return dir;
  }
  const check = (dir: string) => run(join(dir, 'scripts', 'bundle.mjs'), ['--check'], dir);

  it('passes on the committed bundle, and fails, naming the file and the fix, when it is not what the sources build', () => {
    const dir = sources();
    const fresh = check(dir);
    expect(fresh.stderr).toBe('');
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/^bundle\/sg-lint\.mjs \(\d+ bytes, sha256 [0-9a-f]{16}\) is up to date$/m);

    // A rule doc is part of the bundle (--explain, SARIF help): editing it makes the committed bundle stale.
    writeFileSync(join(dir, 'rules', 'ingress-world-admin-port.md'), `${readFileSync(join(dir, 'rules', 'ingress-world-admin-port.md'), 'utf8')}\nOne more line.\n`);
    const stale = check(dir);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^bundle\/sg-lint\.mjs differs from a rebuild from this source \(first at line \d+; .*the rebuild is \S+sg-lint\.mjs\)$/m);
    expect(stale.stderr).toContain('Run `npm run bundle` and commit bundle/sg-lint.mjs and bundle/github-env.mjs.');
    expect(stale.stderr).not.toContain('bundle/github-env.mjs differs');
  });

  it('refuses a module that makes a require the bundle cannot follow, instead of bundling something that fails at run time', () => {
    const dir = sources();
    const load = join(dir, 'dist', 'src', 'config', 'load.js');
    writeFileSync(load, readFileSync(load, 'utf8').replace('const require = createRequire(import.meta.url);', 'const req = createRequire(import.meta.url);'));
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dist/src/config/load.js: use createRequire(import.meta.url) only as "const require = createRequire(import.meta.url);"');
  });
});
