// The package as users install it, from a fresh clone of this checkout's HEAD: `npm ci --omit=dev` (no compiler, so
// the committed bundle runs), the README's quick start (`npm ci`, which builds), `npm pack`, and the tarball installed
// into another project, used as the `sg-lint` command and as a library with types. npm needs the registry or its cache:
// when neither can serve the packages, the tests skip and say so.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ROOT } from '../helpers/built.js';
import { plainEnv, workspace } from '../helpers/workspace.js';

const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const NETWORK = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ENOTCACHED)\b/;

function sh(cmd: string, args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...plainEnv(), npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_fetch_retries: '1' } as NodeJS.ProcessEnv, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr + (r.error ? String(r.error) : '') };
}

/** An npm command that may need the registry: skips the test, with the reason, when the registry and the cache fail it. */
function npm(ctx: TestContext, args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = sh('npm', [...args, '--prefer-offline'], cwd);
  const network = r.code === 0 ? null : NETWORK.exec(r.stdout + r.stderr);
  if (network) {
    const note = `skipped: npm ${args[0]} could not reach the npm registry (${network[1]}) and its cache lacks a package`;
    console.warn(`${ctx.task.name}: ${note}`);
    ctx.skip(note);
  }
  expect(r.code, `npm ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** The text report's summary line. */
const problems = (stdout: string) => /✖ \d+ problems \([^)]*\)/.exec(stdout)?.[0];

describe('the package from a fresh clone', () => {
  // One clone for both tests, kept until the end (workspace() directories go after each test).
  let clone = '';
  beforeAll(() => {
    clone = join(mkdtempSync(join(tmpdir(), 'sg-clone-')), 'sg-lint');
    execFileSync('git', ['clone', '--quiet', ROOT, clone]);
  });
  afterAll(() => rmSync(dirname(clone), { recursive: true, force: true }));

  it('npm ci --omit=dev builds nothing, and both the single-file CLI and npx sg-lint lint the demo', (ctx) => {
    npm(ctx, ['ci', '--omit=dev'], clone);
    expect(existsSync(join(clone, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(clone, 'dist'))).toBe(false);

    const single = sh(process.execPath, ['bundle/sg-lint.mjs', 'fixtures/demo'], clone);
    expect(single.code).toBe(1);
    expect(problems(single.stdout)).toMatch(/^✖ [1-9]\d* problems/);
    const npx = sh('npx', ['sg-lint', 'fixtures/demo'], clone);
    expect(npx.code).toBe(1);
    expect(npx.stdout).toBe(single.stdout);
    expect(problems(npx.stdout)).toBe(problems(single.stdout));
  }, 240_000);

  it('the quick start (npm ci, then npx sg-lint) builds dist/; npm pack makes a tarball that works as a command and as a typed library', (ctx) => {
    npm(ctx, ['ci'], clone);
    expect(existsSync(join(clone, 'dist', 'src', 'bin.js'))).toBe(true);
    const quickStart = sh('npx', ['sg-lint', 'fixtures/demo'], clone);
    expect(quickStart.code).toBe(1);
    expect(problems(quickStart.stdout)).toMatch(/^✖ [1-9]\d* problems/);

    const packed = join(workspace({}), 'packed');
    mkdirSync(packed);
    const pack = npm(ctx, ['pack', '--pack-destination', packed, '--json'], clone);
    const { filename, files } = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[])[0]!;
    const paths = files.map((f) => f.path);
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/sg-lint.js', 'dist/src/bin.js', 'dist/src/api.js', 'dist/src/api.d.ts', 'dist/src/config/precompiled/config.cjs', 'rules/ingress-world-admin-port.md', 'schemas/config.schema.json', 'schemas/report.schema.json']) {
      expect(paths, needed).toContain(needed);
    }
    expect(paths.filter((p) => /^(src|test|fixtures|scripts|bundle|action|\.ci)\/|^rules\/.*\.ts$|^rules\/_|^dist\/test\//.test(p))).toEqual([]);

    const project = workspace({
      'package.json': JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
      'infra/main.tf': readFileSync(join(ROOT, 'fixtures', '_parity', 'web-and-db', 'main.tf'), 'utf8'),
      'use.mjs': "import { lint } from 'sg-lint';\nconst result = await lint(['infra']);\nconsole.log(JSON.stringify(result.findings.map((f) => f.ruleId)));\n",
      'use.ts': [
        "import { lint, type Finding, type Result } from 'sg-lint';",
        "const result: Result = await lint(['infra'], { preset: 'strict' });",
        'const first: Finding | undefined = result.findings[0];',
        'export const where: string | undefined = first?.at.file;',
        '// @ts-expect-error: paths are a list of strings',
        'void lint(42);',
        '',
      ].join('\n'),
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2023', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['use.ts'] }),
    });
    npm(ctx, ['install', join(packed, filename)], project);

    const version = sh(join(project, 'node_modules', '.bin', 'sg-lint'), ['--version'], project);
    expect(version.stdout).toBe(`${PACKAGE.version}\n`);
    const library = sh(process.execPath, ['use.mjs'], project);
    expect(library.stderr).toBe('');
    expect(JSON.parse(library.stdout)).toContain('ingress-broad-source');
    // The README's example, as written.
    const example = /```js\n(import \{ lint \} from 'sg-lint';[\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))![1]!;
    writeFileSync(join(project, 'readme.mjs'), example);
    const readme = sh(process.execPath, ['readme.mjs'], project);
    expect(readme.stderr).toBe('');
    expect(readme.stdout).toMatch(/^infra\/main\.tf:\d+:\d+ warning ingress-broad-source Ingress from /m);
    expect(readme.stdout).toMatch(/^1 files, 0 run errors$/m);
    const cli = sh(join(project, 'node_modules', '.bin', 'sg-lint'), ['infra', '-f', 'json', '--fail-on', 'none'], project);
    expect(JSON.parse(cli.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(JSON.parse(library.stdout));
    // The types come from the exports map: `lint(42)` must be an error there, or the @ts-expect-error above is one.
    const typecheck = sh(join(clone, 'node_modules', '.bin', 'tsc'), ['-p', project], project);
    expect(typecheck.stdout + typecheck.stderr).toBe('');
    expect(typecheck.code).toBe(0);
    writeFileSync(join(project, 'use.ts'), "import { lint } from 'sg-lint';\nexport const n: number = await lint(['infra']);\n");
    expect(sh(join(clone, 'node_modules', '.bin', 'tsc'), ['-p', project], project).stdout).toMatch(/use\.ts.*error TS2322/);
  }, 240_000);
});
