// The scanned repository is untrusted (README "Security model"): each attack of issue 13 as real files in a temporary
// git repository, run through the CLI and through the Action's entry point.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runAction, runActionAsync } from '../helpers/action.js';
import { assertBuilt } from '../helpers/built.js';
import { initRepo } from '../helpers/git.js';
import { runCli, workspace } from '../helpers/workspace.js';
import { group, ingress } from '../helpers/terraform-snippets.js';
import { startFakeServer, type FakeServer } from '../online/fake-server.js';

const SECRET = 'AKIA-SECRET-7c1d9e';
const worldSsh = (name: string, extra = '') => group(name, ingress(22, '0.0.0.0/0', 'ssh')).replace(' tier"\n', ` tier"${extra}\n`);
const partner = `resource "aws_security_group" "partner" {
  description = "partner"
  ingress {
    description = "partner"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["45.155.205.233/32"]
  }
}
`;

/** A work area with `outside/` (a credentials file and a module with a world-open SSH rule) and the repository `repo/`. */
function area(repoFiles: Record<string, string>): { root: string; repo: string; outside: string } {
  const root = workspace({
    'outside/credentials': `[default]\naws_secret_access_key = ${SECRET}\n`,
    'outside/module/main.tf': worldSsh('leaked'),
    ...Object.fromEntries(Object.entries(repoFiles).map(([k, v]) => [`repo/${k}`, v])),
  });
  return { root, repo: join(root, 'repo'), outside: join(root, 'outside') };
}

/** A plugin that, when loaded, leaves a marker file: proof that repository code ran. */
const evilPlugin = (marker: string, id: string) => `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(marker)}, 'ran');
export default { id: '${id}', title: 'evil', description: 'evil', level: 'note', tags: [], messages: { m: 'm' },
  options: { schema: { type: 'object' }, defaults: {} }, check() {} };
`;

beforeAll(() => assertBuilt());

describe('plugins named in a repository config run only when the user allows it', () => {
  function pluginRepo() {
    const { root, repo } = area({ 'main.tf': worldSsh('web') });
    const local = join(root, 'local-ran');
    const pkg = join(root, 'package-ran');
    writeFileSync(join(repo, 'evil.mjs'), evilPlugin(local, 'group-evil-check'));
    mkdirSync(join(repo, 'node_modules', 'evil-rules'), { recursive: true });
    writeFileSync(join(repo, 'node_modules', 'evil-rules', 'package.json'), JSON.stringify({ name: 'evil-rules', type: 'module', main: 'index.js' }));
    writeFileSync(join(repo, 'node_modules', 'evil-rules', 'index.js'), evilPlugin(pkg, 'group-evil-package'));
    // The config also configures a rule one of the plugins would have brought: not an error when the plugin is skipped.
    writeFileSync(join(repo, '.sg-lint.yml'), 'plugins: ["./evil.mjs", "evil-rules"]\nrules: { group-evil-check: error }\n');
    initRepo(repo);
    return { root, repo, local, pkg };
  }

  it('CLI: not loaded by default, with a note naming each plugin; the built-in rules still run', async () => {
    const { repo, local, pkg } = pluginRepo();
    const run = await runCli(repo, ['.', '-f', 'json']);
    expect(existsSync(local) || existsSync(pkg)).toBe(false);
    expect(run.code).toBe(1);
    expect(run.json().findings.map((f) => f.ruleId)).toEqual(['ingress-world-admin-port']);
    const notes = run.json().errors.filter((e) => e.kind === 'trust');
    expect(notes.map((e) => [e.file, e.message.slice(0, e.message.indexOf(':'))])).toEqual([
      ['.sg-lint.yml', 'plugin "./evil.mjs" not loaded'],
      ['.sg-lint.yml', 'plugin "evil-rules" not loaded'],
    ]);
    expect(notes[0]!.message).toContain('--allow-plugins');
    expect(run.stderr).toContain('sg-lint: note: .sg-lint.yml: plugin "./evil.mjs" not loaded');
    const text = await runCli(repo, ['.']);
    expect(text.stdout).toMatch(/^trust note \.sg-lint\.yml: plugin "evil-rules" not loaded/m);
  });

  it('CLI: loaded with --allow-plugins, or from a config given with --config from outside the repository', async () => {
    const { root, repo, local, pkg } = pluginRepo();
    await runCli(repo, ['.', '--allow-plugins']);
    expect(existsSync(local) && existsSync(pkg)).toBe(true);

    const other = pluginRepo();
    const inside = await runCli(other.repo, ['.', '--config', '.sg-lint.yml', '-f', 'json']);
    expect(existsSync(other.local)).toBe(false);
    expect(inside.json().errors.some((e) => e.kind === 'trust')).toBe(true);
    const trusted = join(other.root, 'my-config.yml');
    writeFileSync(trusted, `plugins: [${JSON.stringify(join(other.repo, 'evil.mjs'))}]\n`);
    const outside = await runCli(other.repo, ['.', '--config', trusted, '-f', 'json']);
    expect(existsSync(other.local)).toBe(true);
    expect(outside.json().errors).toEqual([]);
    expect(root).not.toBe(other.root);
  });

  it('Action: not loaded unless the allow-plugins input is true', () => {
    const { repo, local, pkg } = pluginRepo();
    const run = runAction(repo, {});
    expect(existsSync(local) || existsSync(pkg)).toBe(false);
    expect(run.stdout).toContain('plugin "./evil.mjs" not loaded');
    expect(run.outputs.findings).toBe('1');
    runAction(repo, { 'allow-plugins': 'true' });
    expect(existsSync(local) && existsSync(pkg)).toBe(true);
  });
});

describe('the online pass: endpoints and consent come from the user, not from the repository', () => {
  let user: FakeServer;
  let attacker: FakeServer;
  beforeEach(async () => {
    user = await startFakeServer();
    attacker = await startFakeServer();
    vi.stubEnv('MDCLOUD_APIKEY', user.key);
    vi.stubEnv('SG_LINT_ONLINE', '');
    vi.stubEnv('SG_LINT_ONLINE_BASE_URL', '');
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await Promise.all([user.close(), attacker.close()]);
  });

  const repoWith = (online: string) => {
    const { repo } = area({ 'main.tf': partner, '.sg-lint.yml': `online: { ${online} }\n` });
    initRepo(repo);
    return repo;
  };

  it('CLI: a config baseUrl is ignored with a note; the key goes to the provider or to the endpoint the user names', async () => {
    const repo = repoWith(`baseUrl: "${attacker.metadefenderUrl}"`);
    const dry = await runCli(repo, ['.', '--online', '--dry-run', '--no-cache']);
    expect(dry.stderr).toContain('would be sent to MetaDefender (https://api.metadefender.com/v4); nothing was sent');
    expect(dry.stderr).toContain('sg-lint: note: .sg-lint.yml: online.baseUrl ignored');
    vi.stubEnv('SG_LINT_ONLINE_BASE_URL', user.metadefenderUrl);
    const run = await runCli(repo, ['.', '--online', '--no-cache', '-f', 'json']);
    expect(run.json().errors.map((e) => e.kind)).toEqual(['trust']);
    expect(user.requests.length).toBeGreaterThan(0);
    expect(user.requests.every((r) => r.headers.apikey === user.key)).toBe(true);
    expect(attacker.requests).toEqual([]);
  });

  it('CLI: endpoints must be https (plain http only to this machine)', async () => {
    const repo = repoWith('concurrency: 2');
    const http = await runCli(repo, ['.', '--online', '--online-base-url', 'http://metadefender.example/v4']);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain('--online-base-url: "http://metadefender.example/v4" must use https');
    vi.stubEnv('SG_LINT_ONLINE_BASE_URL', 'ftp://127.0.0.1/');
    expect((await runCli(repo, ['.', '--online'])).code).toBe(2);
    vi.stubEnv('SG_LINT_ONLINE_BASE_URL', '');
    const https = await runCli(repo, ['.', '--online', '--dry-run', '--online-base-url', 'https://md.example.org/v4']);
    expect(https.stderr).toContain('would be sent to MetaDefender (https://md.example.org/v4)');
  });

  it('CLI: online.enabled in a repository config needs --online or SG_LINT_ONLINE=1; the skip is said', async () => {
    const repo = repoWith(`enabled: true`);
    vi.stubEnv('SG_LINT_ONLINE_BASE_URL', user.metadefenderUrl);
    const skipped = await runCli(repo, ['.', '-f', 'json', '--no-cache']);
    expect(skipped.json().errors.map((e) => e.message)).toEqual([expect.stringMatching(/^online pass skipped: online\.enabled in a repository's config .*SG_LINT_ONLINE=1/)]);
    expect(user.requests).toEqual([]);
    vi.stubEnv('SG_LINT_ONLINE', '1');
    const allowed = await runCli(repo, ['.', '-f', 'json', '--no-cache']);
    expect(allowed.json().errors).toEqual([]);
    expect(user.requests.length).toBeGreaterThan(0);
  });

  it('Action: the repository config cannot redirect the pass; the workflow environment can', async () => {
    const repo = repoWith(`enabled: true, baseUrl: "${attacker.metadefenderUrl}"`);
    const off = await runActionAsync(repo, {}, { MDCLOUD_APIKEY: user.key });
    expect(off.stdout).toContain('online.baseUrl ignored');
    const on = await runActionAsync(repo, { online: 'true' }, { MDCLOUD_APIKEY: user.key, SG_LINT_ONLINE_BASE_URL: user.metadefenderUrl, XDG_CACHE_HOME: join(repo, '..', 'cache') });
    expect(on.outputs['exit-code']).toBe('0');
    expect(user.requests.length).toBeGreaterThan(0);
    expect(attacker.requests).toEqual([]);
  });
});

describe('nothing outside the scan root is read unless named or allowed', () => {
  function escapingRepo() {
    const { root, repo, outside } = area({
      'infra/main.tf': 'module "shared" {\n  source = "../../outside/module"\n}\n',
      'downloaded/main.tf': 'module "vpc" {\n  source = "registry.example/vpc/aws"\n}\n',
      'downloaded/.terraform/modules/modules.json': JSON.stringify({ Modules: [{ Key: 'vpc', Source: 'registry.example/vpc/aws', Dir: '../../outside/module' }] }),
      'cfn/stack.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ../../outside/credentials\n',
      'vars/main.tf': worldSsh('vars'),
      '.sg-lint.yml': 'terraform: { varFiles: ["../outside/credentials"] }\nonline: { provider: file, file: "../outside/credentials" }\n',
    });
    symlinkSync(join(outside, 'credentials'), join(repo, 'infra', 'creds.tf'));
    symlinkSync(join(outside, 'credentials'), join(repo, 'cfn', 'creds.json'));
    symlinkSync(join(outside, 'module'), join(repo, 'linked'));
    initRepo(repo);
    return { root, repo, outside };
  }

  const located = (run: Awaited<ReturnType<typeof runCli>>) => run.json().findings.filter((f) => f.ruleId === 'parse-error').map((f) => [f.file, f.line, f.message.replace(/^.*?: /, '')]);

  it('CLI: symbolic links, module sources, modules.json, TemplateURL and config paths are refused where they are named', async () => {
    const { repo } = escapingRepo();
    const run = await runCli(repo, ['.', '-f', 'json', '--online']);
    const why = 'is outside the scan root; not read (name it on the command line or pass --allow-outside)';
    expect(located(run)).toEqual([
      ['cfn/creds.json', 1, `it resolves to a path that ${why}`],
      ['cfn/stack.yaml', 3, `nested stack Child: TemplateURL ../../outside/credentials ${why}`],
      ['downloaded/main.tf', 1, `module "vpc": .terraform/modules/modules.json gives its directory as ../../outside/module, which ${why}`],
      ['infra/creds.tf', 1, `it resolves to a path that ${why}`],
      ['infra/main.tf', 1, `module "shared": source ../../outside/module ${why}`],
    ]);
    expect(run.json().errors).toEqual([
      { kind: 'io', file: 'linked', message: 'symbolic link to a directory outside the scan root not followed (pass --allow-outside to follow it)' },
      { kind: 'trust', file: '.sg-lint.yml', message: `terraform.varFiles: ../outside/credentials ${why}` },
      { kind: 'online', message: `online pass skipped: the blocklist ../outside/credentials ${why}` },
    ]);
    // The world-open rule in the outside module is never seen; the repository's own is.
    expect(run.json().findings.filter((f) => f.ruleId === 'ingress-world-admin-port').map((f) => f.file)).toEqual(['vars/main.tf']);
    expect(run.stdout).not.toContain(SECRET);
  });

  it('CLI: a config that is a symbolic link out of the repository is not read (exit 2, its contents not quoted)', async () => {
    const { repo, outside } = area({ 'main.tf': worldSsh('web') });
    symlinkSync(join(outside, 'credentials'), join(repo, '.sg-lint.yml'));
    initRepo(repo);
    const run = await runCli(repo, ['.']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('config .sg-lint.yml is a symbolic link that leads outside the scan root; not read');
    expect(run.stderr + run.stdout).not.toContain(SECRET);
  });

  it('CLI: --allow-outside reads them; a file named on the command line is always read', async () => {
    const { repo } = escapingRepo();
    const allowed = await runCli(repo, ['infra', '--allow-outside', '-f', 'json']);
    expect(allowed.json().findings.filter((f) => f.ruleId === 'ingress-world-admin-port').length).toBe(1);
    const named = await runCli(repo, ['vars', '../outside/module/main.tf', '-f', 'json']);
    expect(named.json().findings.map((f) => f.file)).toEqual([expect.stringMatching(/\/outside\/module\/main\.tf$/), 'vars/main.tf']);
  });

  it('CLI: no message or code frame quotes a file that did not parse as its format', async () => {
    const { repo } = escapingRepo();
    const text = await runCli(repo, ['.', '--allow-outside']);
    expect(text.stdout).toContain('infra/creds.tf');
    expect(text.stdout).not.toContain(SECRET);
    expect(text.stdout).not.toContain('aws_secret_access_key');
    const json = workspace({
      'terraform.tfvars.json': `aws_secret_access_key = ${SECRET}\n`,
      'main.tf': 'variable "x" {}\n',
      'template.json': `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}, "Key": ${SECRET}}`,
    });
    const run = await runCli(json, ['.', '-f', 'json']);
    expect(located(run).map(([file]) => file)).toEqual(['template.json', 'terraform.tfvars.json']);
    expect(JSON.stringify(run.json())).not.toContain('SECRET');
  });

  it('Action: the refusals are annotated and nothing of the outside files reaches the log', () => {
    const { repo } = escapingRepo();
    const run = runAction(repo, {});
    expect(run.stdout).not.toContain(SECRET);
    expect(run.stdout).toMatch(/^::error file=infra\/creds\.tf,line=1,.*title=sg-lint parse-error::.*outside the scan root/m);
    expect(run.stdout).toMatch(/^::error file=infra\/main\.tf,line=1,.*module "shared": source \.\.\/\.\.\/outside\/module is outside the scan root/m);
    expect(run.outputs['exit-code']).toBe('1');
  });
});

describe('file names and messages cannot inject workflow commands', () => {
  const hostile = () => {
    const dir = workspace({
      'repo/x\n::add-mask::pwned\n::error::injected.tf': worldSsh('a'),
      'repo/::warning::top.tf': worldSsh('b'),
      'repo/names.tf': worldSsh('c', '\n  name = "sg-x\\n::set-output name=owned::1"'),
      'repo/.sg-lint.yml': 'plugins: ["./p\\n::stop-commands::abc.mjs"]\n',
    });
    const repo = join(dir, 'repo');
    initRepo(repo);
    return repo;
  };
  /** Log lines GitHub would read as workflow commands, outside a ::stop-commands:: block. */
  const commands = (log: string) => {
    const out: string[] = [];
    let stop: string | null = null;
    for (const line of log.split(/\r?\n/)) {
      const t = line.trim();
      if (stop) {
        if (t === `::${stop}::`) stop = null;
        continue;
      }
      const m = /^::stop-commands::(.+)$/.exec(t);
      if (m) stop = m[1]!;
      else if (t.startsWith('::')) out.push(t);
    }
    return out;
  };

  it('CLI: the text report and stderr print no line that starts with ::, and escape control characters', async () => {
    const repo = hostile();
    const run = await runCli(repo, ['.']);
    expect(run.stdout).toContain('x\\n::add-mask::pwned\\n::error::injected.tf');
    expect(run.stdout).toContain('\\::warning::top.tf');
    expect(run.stdout).toContain('Group name "sg-x\\n::set-output name=owned::1"');
    expect(commands(run.stdout)).toEqual([]);
    const json = await runCli(repo, ['.', '-f', 'json']);
    expect(json.stderr).toContain('plugin "./p\\n::stop-commands::abc.mjs" not loaded');
    expect(commands(json.stderr)).toEqual([]);
  });

  it('Action: only its own annotations and notices are workflow commands', () => {
    const repo = hostile();
    const run = runAction(repo, {});
    const found = commands(run.stdout);
    expect(found.length).toBeGreaterThan(0);
    for (const line of found) expect(line).toMatch(/^::(error|warning|notice) (file=|title=sg-lint::)/);
    expect(run.stdout).not.toMatch(/^::(add-mask|set-output|stop-commands::abc)/m);
  });
});
