import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from '../helpers/built.js';
import { group, ingress } from '../helpers/terraform-snippets.js';
import { plainEnv, runCli, workspace } from '../helpers/workspace.js';

const BIN = join(ROOT, 'dist', 'src', 'bin.js');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');
const GENERATOR = join(ROOT, '..', 'shared', 'tools', 'gen-monorepo.mjs');
const FILE_FORMATS = ['text', 'sarif', 'github', 'junit', 'markdown', 'checkstyle', 'gitlab'];

for (const [what, path] of [
  ['../shared/corpus', CORPUS],
  ['the generated monorepo', GENERATOR],
] as const) {
  if (!existsSync(path)) console.warn(`--jobs 1 and 2 compared without ${what}: ${path} is absent (it ships beside the project in CI, not in a user's clone)`);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  reports: Record<string, string>;
}

/**
 * The built CLI on `dir` with `--jobs`: JSON on stdout, every other format written to a file. With the `recommended`
 * preset each thread checks the models it parsed; with `all`, group-unattached needs the whole model on the main thread.
 */
async function lintWithJobs(dir: string, jobs: number, preset: 'recommended' | 'all'): Promise<Run> {
  const out = mkdtempSync(join(tmpdir(), 'sg-jobs-'));
  const args = [BIN, '.', '--jobs', String(jobs), '--preset', preset, '--report-unresolved', '-f', 'json', ...FILE_FORMATS.flatMap((f) => ['-f', `${f}=${join(out, f)}`])];
  let run: Omit<Run, 'reports'>;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { cwd: dir, env: plainEnv(), maxBuffer: 1 << 30 });
    run = { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    run = { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
  const reports = Object.fromEntries(FILE_FORMATS.map((f) => [f, readFileSync(join(out, f), 'utf8')]));
  rmSync(out, { recursive: true, force: true });
  return { ...run, stdout: run.stdout.replace(/"durationMs": \d+/, '"durationMs": 0'), reports };
}

async function expectSameOutput(dir: string, preset: 'recommended' | 'all' = 'recommended'): Promise<void> {
  const [one, two] = await Promise.all([lintWithJobs(dir, 1, preset), lintWithJobs(dir, 2, preset)]);
  expect(JSON.parse(one.stdout).findings.length).toBeGreaterThan(0);
  expect(two.code).toBe(one.code);
  expect(two.stderr).toBe(one.stderr);
  expect(two.stdout === one.stdout, 'json on stdout').toBe(true);
  for (const f of FILE_FORMATS) expect(two.reports[f] === one.reports[f], f).toBe(true);
}

describe('--jobs 2 writes the same bytes as --jobs 1, in every format', () => {
  let monorepo: string | undefined;
  beforeAll(() => {
    assertBuilt();
    if (!existsSync(GENERATOR)) return;
    monorepo = mkdtempSync(join(tmpdir(), 'sg-monorepo-'));
    execFileSync(process.execPath, [GENERATOR, monorepo, '--files', '1000'], { stdio: 'ignore' });
  });
  afterAll(() => {
    if (monorepo) rmSync(monorepo, { recursive: true, force: true });
  });

  it('on fixtures/', { timeout: 300_000 }, async () => {
    await expectSameOutput(join(ROOT, 'fixtures'));
  });

  it('on fixtures/ with a rule that needs the whole model (preset all: group-unattached)', { timeout: 300_000 }, async () => {
    await expectSameOutput(join(ROOT, 'fixtures'), 'all');
  });

  it.skipIf(!existsSync(CORPUS))('on ../shared/corpus', { timeout: 300_000 }, async () => {
    await expectSameOutput(CORPUS);
  });

  it.skipIf(!existsSync(GENERATOR))('on a generated monorepo of 1,000 files', { timeout: 300_000 }, async () => {
    await expectSameOutput(monorepo!);
  });
});

describe('--jobs', () => {
  it('is a usage error (exit 2) unless a whole number from 1', async () => {
    const dir = workspace({ 'main.tf': group('web', ingress(22, '0.0.0.0/0')) });
    for (const value of ['0', '1.5', 'two', '', '99999']) {
      const run = await runCli(dir, ['.', '--jobs', value]);
      expect(run.code, value).toBe(2);
      expect(run.stderr, value).toMatch(/^sg-lint: --jobs expects a whole number from 1/);
    }
    for (const args of [['--jobs'], ['--jobs', '-1']]) expect((await runCli(dir, ['.', ...args])).code).toBe(2);
    expect((await runCli(dir, ['.', '--jobs', '1'])).code).toBe(1);
    expect((await runCli(dir, ['.', '--jobs', '3'])).code).toBe(1);
  });
});
