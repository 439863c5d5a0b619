// npm run bench [-- dir]: lints a directory (default ../shared/corpus) in fresh processes (cold) and several times in one
// process (warm), times the bare parsers on the same files, and prints one JSON line (CONTRACTS.md "Benchmark").
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { parseDocument } from 'yaml';
import { lint } from '../dist/src/api.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = resolve(process.argv[2] ?? join(root, '..', 'shared', 'corpus'));
const RUNS = 3;

function filesUnder(d) {
  return readdirSync(d).flatMap((n) => {
    if (n === 'node_modules' || n === '.git' || n === '.terraform' || n === 'cdk.out') return [];
    const p = join(d, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The bare parsers on the files sg-lint reads: hcl2json for .tf, yaml for CloudFormation candidates. */
async function parseOnly(files) {
  const times = { terraform: 0, cloudformation: 0 };
  for (const f of files) {
    const start = performance.now();
    if (f.endsWith('.tf')) {
      try {
        await parseHcl(f, readFileSync(f, 'utf8'));
      } catch {
        // a file the parser rejects still took its time
      }
      times.terraform += performance.now() - start;
    } else if (/\.(ya?ml|json|template)$/.test(f)) {
      parseDocument(readFileSync(f, 'utf8'));
      times.cloudformation += performance.now() - start;
    }
  }
  return times;
}

const files = filesUnder(dir);
const cli = join(root, 'dist', 'src', 'bin.js');
const cold = [];
for (let i = 0; i < RUNS; i++) {
  const start = performance.now();
  try {
    execFileSync(process.execPath, [cli, dir, '-f', 'json', '--fail-on', 'none'], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 28 });
  } catch (e) {
    if (e.status !== 0) throw new Error(`sg-lint exited ${e.status}`);
  }
  cold.push(performance.now() - start);
}
await parseOnly(files.slice(0, 5)); // start the parser's WASM before timing it
const parse = [];
for (let i = 0; i < RUNS; i++) parse.push(await parseOnly(files));
async function lintFormat(format) {
  const include = format === 'terraform' ? ['**/*.tf'] : ['**/*.yaml', '**/*.yml', '**/*.json', '**/*.template'];
  const start = performance.now();
  await lint([dir], { cwd: dir, include });
  return performance.now() - start;
}
const perFormat = {};
for (const format of ['terraform', 'cloudformation']) {
  await lintFormat(format);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await lintFormat(format));
  perFormat[format] = runs;
}

let result;
const warm = [];
for (let i = 0; i < RUNS + 1; i++) {
  const start = performance.now();
  result = await lint([dir], { cwd: dir });
  if (i > 0) warm.push(performance.now() - start);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const warmMs = median(warm);
console.log(
  JSON.stringify({
    files: result.stats.files,
    groups: result.stats.groups,
    rules: result.stats.rules,
    findings: result.findings.length,
    unresolvedValues: result.stats.unresolvedValues,
    coldMs: Math.round(median(cold)),
    warmMs: Math.round(warmMs),
    filesPerSec: Math.round((result.stats.files / warmMs) * 1000),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    parseOnlyMs: Math.round(median(parse.map((p) => p.terraform + p.cloudformation))),
    terraform: { warmMs: Math.round(median(perFormat.terraform)), parseOnlyMs: Math.round(median(parse.map((p) => p.terraform))) },
    cloudformation: { warmMs: Math.round(median(perFormat.cloudformation)), parseOnlyMs: Math.round(median(parse.map((p) => p.cloudformation))) },
  }),
);
