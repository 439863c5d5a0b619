import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './built.js';
import { plainEnv } from './workspace.js';

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

const DEFAULTS: Record<string, string> = { paths: '.', 'working-directory': '.', config: '', 'allow-plugins': 'false', 'fail-on': 'error', format: 'text', 'sarif-file': 'sg-lint.sarif', baseline: '', 'changed-only': 'false', online: 'false', 'mdcloud-apikey': '' };

/** The runner's environment for a pull_request run in `dir`, and how to read the outputs and summary afterwards. */
function prepare(dir: string, inputs: Record<string, string>, extraEnv: Record<string, string>) {
  const outputFile = join(dir, '..', `${dir.split('/').pop()}-output.txt`);
  const summaryFile = join(dir, '..', `${dir.split('/').pop()}-summary.md`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string | undefined> = {
    ...plainEnv(),
    MDCLOUD_APIKEY: undefined,
    ...Object.fromEntries(Object.entries({ ...DEFAULTS, ...inputs }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_BASE_REF: 'main',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_SHA: 'feedface',
    RUNNER_TEMP: join(dir, '..'),
    ...extraEnv,
  };
  const finish = (code: number | null, stdout: string, stderr: string): ActionRun => {
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return { code: code ?? -1, stdout, stderr, outputs, summary: readFileSync(summaryFile, 'utf8') };
  };
  return { env: env as NodeJS.ProcessEnv, finish };
}

/**
 * Runs action/main.mjs the way the runner does: INPUT_* and GITHUB_* variables, the workspace as working directory.
 * `actionDir` is where the action's files are (this checkout by default).
 */
export function runAction(dir: string, inputs: Record<string, string>, extraEnv: Record<string, string> = {}, actionDir = ROOT): ActionRun {
  const { env, finish } = prepare(dir, inputs, extraEnv);
  const run = spawnSync(process.execPath, [join(actionDir, 'action', 'main.mjs')], { cwd: dir, env, encoding: 'utf8' });
  return finish(run.status, run.stdout, run.stderr);
}

/** runAction without blocking this process: for runs that talk to a fake server the test itself serves. */
export function runActionAsync(dir: string, inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<ActionRun> {
  const { env, finish } = prepare(dir, inputs, extraEnv);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'action', 'main.mjs')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', fail);
    child.on('close', (code) => done(finish(code, stdout, stderr)));
  });
}
