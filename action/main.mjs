// The GitHub Action's entry point (action.yml, runs.using: node24). It runs the CLI of this checkout as the committed
// single-file bundle (bundle/sg-lint.mjs: nothing to install, nothing downloaded) with --format github (annotations and
// the job summary), SARIF to a file and the chosen report in the log, and sets the outputs findings, sarif-file and
// exit-code.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeData, escapeProperty, pullRequestBase } from '../bundle/github-env.mjs';

const ACTION_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ACTION_DIR, 'bundle', 'sg-lint.mjs');
const env = process.env;

/** An input as the runner passes it: INPUT_<NAME> with spaces as underscores, upper case (hyphens stay). */
const input = (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
const flag = (name) => /^(true|yes|on|1)$/i.test(input(name));

const command = (name, message, props = {}) => {
  const p = Object.entries(props).map(([k, v]) => `${k}=${escapeProperty(String(v))}`);
  process.stdout.write(`::${name}${p.length > 0 ? ` ${p.join(',')}` : ''}::${escapeData(String(message))}\n`);
};
const notice = (message) => command('notice', message, { title: 'sg-lint' });

function setOutput(name, value) {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}\n`);
  else process.stdout.write(`${name}=${value}\n`);
}

function git(args, cwd) {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : null;
}

/** Prints a report in the log, with workflow commands turned off so that nothing in it is read as one. */
function printReport(text) {
  if (text === '') return;
  const token = randomUUID();
  process.stdout.write(`::stop-commands::${token}\n${text}${text.endsWith('\n') ? '' : '\n'}::${token}::\n`);
}

async function main() {
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const cwd = resolve(workspace, input('working-directory') || '.');
  const temp = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'sg-lint-'));
  const jsonFile = join(temp, 'report.json');
  const args = [...(input('paths') || '.').split(/\s+/).filter(Boolean), '--format', 'github', '--format', `json=${jsonFile}`];

  const sarif = input('sarif-file');
  const sarifFile = sarif ? resolve(workspace, sarif) : '';
  if (sarifFile) args.push('--format', `sarif=${sarifFile}`);
  const format = input('format') || 'text';
  let logFile = '';
  if (format.includes('=')) args.push('--format', format);
  else if (format !== 'none' && format !== 'github') {
    logFile = join(temp, `report.${format}`);
    args.push('--format', `${format}=${logFile}`);
  }
  if (input('config')) args.push('--config', resolve(workspace, input('config')));
  // The repository under test is untrusted: plugins its config names run only when the workflow says so.
  if (flag('allow-plugins')) args.push('--allow-plugins');
  args.push('--fail-on', input('fail-on') || 'error');
  if (input('baseline')) args.push('--baseline', resolve(workspace, input('baseline')));

  if (flag('changed-only')) {
    const base = pullRequestBase(env);
    if (!base) notice('changed-only: this run has no pull request base (not a pull_request event), so every finding is reported.');
    else if (!git(['merge-base', base, 'HEAD'], cwd)) {
      notice(`changed-only: the pull request base ${base} or its merge base with HEAD is not in the clone (use actions/checkout with fetch-depth: 0), so every finding is reported.`);
    } else args.push('--changed-since', base);
  }

  const childEnv = { ...env };
  if (flag('online')) {
    const key = input('mdcloud-apikey') || env.MDCLOUD_APIKEY || '';
    if (key) {
      process.stdout.write(`::add-mask::${key}\n`);
      childEnv.MDCLOUD_APIKEY = key;
      args.push('--online');
    } else {
      notice('online: no MetaDefender key (mdcloud-apikey input or MDCLOUD_APIKEY; fork pull requests get no secrets), so the online IP-reputation pass was skipped.');
      args.push('--offline');
    }
  } else args.push('--offline');
  // The inputs (the key among them) stay out of sg-lint's environment: the key reaches it as MDCLOUD_APIKEY only, never
  // on its command line, where the process list would show it.
  for (const k of Object.keys(childEnv)) if (k.startsWith('INPUT_')) delete childEnv[k];

  // stdout carries the annotations (workflow commands on purpose); stderr, which names files and quotes messages,
  // is printed with commands turned off.
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd, env: childEnv, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.stderr) printReport(run.stderr);
  const code = run.status ?? 2;
  if (logFile && existsSync(logFile)) printReport(readFileSync(logFile, 'utf8'));

  let findings = '';
  try {
    findings = String(JSON.parse(readFileSync(jsonFile, 'utf8')).findings.filter((f) => !f.suppressed).length);
  } catch {
    findings = '';
  }
  setOutput('findings', findings);
  setOutput('sarif-file', sarifFile && existsSync(sarifFile) ? sarifFile : '');
  setOutput('exit-code', String(code));
  rmSync(temp, { recursive: true, force: true });
  if (code === 2) command('error', 'sg-lint could not complete the run (exit code 2): see the messages above.', { title: 'sg-lint' });
  process.exitCode = code === 0 ? 0 : 1;
}

main().catch((e) => {
  command('error', `sg-lint action failed: ${e instanceof Error ? e.message : String(e)}`, { title: 'sg-lint' });
  setOutput('exit-code', '2');
  process.exitCode = 1;
});
