// Side-by-side with cdk-nag (AwsSolutions-EC23: 0.0.0.0/0 or ::/0 inbound) on CDK example apps of the corpus.
// cdk-nag needs the app to run: this script installs aws-cdk-lib, cdk-nag and tsx into a scratch directory (never
// into sg-lint), synthesizes each app there with AwsSolutionsChecks, and compares with sg-lint reading the sources.
// It prints findings, wall time and peak memory for both. Run after `npm run build`:
//   node test/tools/cdk-nag-compare.mjs [scratch-dir]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const examples = resolve(root, '..', 'shared', 'corpus', 'aws-samples__aws-cdk-examples', 'typescript');
const scratch = resolve(process.argv[2] ?? '/tmp/sg-lint-cdk-nag');
const APPS = ['ec2-instance', 'aws-transfer-sftp-server', 'servicecatalog/portfolio-with-ec2-product', 'application-load-balancer', 'rds/mysql'];
const WORLD = new Set(['ingress-world-all-traffic', 'ingress-world-admin-port', 'ingress-world-sensitive-port', 'ingress-world-icmp', 'ingress-world-open-port']);

if (!existsSync(examples)) {
  console.log(`skipped: ${examples} is absent`);
  process.exit(0);
}
mkdirSync(scratch, { recursive: true });
if (!existsSync(join(scratch, 'node_modules', 'cdk-nag'))) {
  writeFileSync(join(scratch, 'package.json'), '{ "private": true, "type": "module" }\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', 'aws-cdk-lib@2.276.0', 'constructs@10', 'cdk-nag@3', 'tsx@4', 'dotenv@16'], { cwd: scratch, stdio: 'inherit' });
}
const preload = join(scratch, 'nag-preload.mjs');
writeFileSync(
  preload,
  `import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
const original = App.prototype.synth;
const checked = new WeakSet();
App.prototype.synth = function (...args) {
  if (!checked.has(this)) { checked.add(this); Validations.of(this).addPlugins(new AwsSolutionsChecks(this)); }
  return original.apply(this, args);
};
`,
);

/** Runs a command under /usr/bin/time and returns its output, wall time and peak memory. */
function measured(cmd, args, options) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  const m = /TIME ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  return { out: r.stdout + r.stderr, seconds: m ? Number(m[1]) : NaN, peakMb: m ? Math.round(Number(m[2]) / 1024) : NaN, status: r.status };
}

const rows = [];
for (const app of APPS) {
  const source = join(examples, app);
  const work = join(scratch, 'apps', app);
  rmSync(work, { recursive: true, force: true });
  cpSync(source, work, { recursive: true, filter: (p) => !p.includes('cdk.out') && !p.includes('node_modules') });
  const entry = /tsx? ([^\s"]+\.ts)/.exec(JSON.parse(readFileSync(join(work, 'cdk.json'), 'utf8')).app)?.[1];
  const env = { ...process.env, CDK_OUTDIR: join(work, 'cdk.out'), CDK_DEFAULT_ACCOUNT: '111111111111', CDK_DEFAULT_REGION: 'us-east-1', CDK_CONTEXT_JSON: '{"aws:cdk:bundling-stacks":[]}' };
  let nag = measured(process.execPath, ['--import', 'tsx', '--import', preload, entry], { cwd: work, env });
  // The corpus keeps only IaC sources: stand in for missing asset files and folders so that synth can run.
  for (let tries = 0; tries < 5; tries++) {
    const found = /(?:Cannot find asset at |no such file or directory, open ')([^'\s]+)/.exec(nag.out)?.[1];
    if (!found) break;
    const missing = resolve(work, found);
    if (/\.[a-z]+$/.test(missing)) {
      mkdirSync(resolve(missing, '..'), { recursive: true });
      writeFileSync(missing, missing.endsWith('.json') ? '{}' : '# placeholder\n');
    } else mkdirSync(missing, { recursive: true });
    nag = measured(process.execPath, ['--import', 'tsx', '--import', preload, entry], { cwd: work, env });
  }
  // The validation report: "ERROR <text>", the construct path and type, then "Acknowledge with '…EC23'".
  const nagPaths = [...nag.out.matchAll(/\n\s+(\S+) aws-cdk-lib\.\S+\n\s+Acknowledge with 'AwsSolutions::AwsSolutions-EC23'/g)].map((m) => m[1]);
  const nagCount = nagPaths.length;
  const lint = measured(process.execPath, [join(root, 'dist', 'cli.js'), '.', '-f', 'json', '--fail-on', 'none', '--exclude', 'cdk.out/**', '--exclude', 'test/**'], { cwd: work });
  const report = JSON.parse(lint.out.slice(0, lint.out.lastIndexOf('TIME')));
  const ours = report.findings.filter((f) => WORLD.has(f.ruleId)).map((f) => `${f.group ?? f.resource}: ${f.message.replace(/ on group .*/, '')}`);
  const synthFailed = !/Validation Report|Acknowledge with|validation-report/.test(nag.out) && nag.status !== 0 ? (/«(\w+)»/.exec(nag.out)?.[1] ?? 'error') : null;
  rows.push({ app, nag: { violations: nagCount, paths: nagPaths, seconds: nag.seconds, peakMb: nag.peakMb, status: nag.status, synthFailed }, sgLint: { findings: ours, seconds: lint.seconds, peakMb: lint.peakMb } });
}
for (const r of rows) {
  console.log(`\n${r.app}`);
  console.log(`  cdk-nag EC23: ${r.nag.synthFailed ? `synth failed (${r.nag.synthFailed}), no report` : `${r.nag.violations} violation(s)`}; synth + checks ${r.nag.seconds}s, ${r.nag.peakMb} MB${r.nag.paths.length ? `\n    ${r.nag.paths.join('\n    ')}` : ''}`);
  console.log(`  sg-lint world ingress: ${r.sgLint.findings.length}; ${r.sgLint.seconds}s, ${r.sgLint.peakMb} MB${r.sgLint.findings.length ? `\n    ${r.sgLint.findings.join('\n    ')}` : ''}`);
}
const sum = (k, f) => rows.reduce((n, r) => n + r[k][f], 0);
console.log(`\ntotal: cdk-nag (synth) ${sum('nag', 'seconds').toFixed(1)}s, peak ${Math.max(...rows.map((r) => r.nag.peakMb))} MB; sg-lint ${sum('sgLint', 'seconds').toFixed(1)}s, peak ${Math.max(...rows.map((r) => r.sgLint.peakMb))} MB`);
