// The generated monorepo of ../shared/tools/gen-monorepo.mjs at 1,000 and 10,000 files, linted by the CLI in fresh
// processes with --jobs 1 and --jobs 2 (runs alternate, so both see the same noise): wall time and peak RSS (GNU time),
// and what was found. MANIFEST.json lists the planted findings {rule, file, line} (the line of the offending CIDR or
// peer): recall is the share of them reported with that rule at that file and line. Its decoys {file, line} must not be
// reported at all: decoysReported counts those with any finding at their file and line.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SIZES = [
  { files: 1000, runs: 3 },
  { files: 10_000, runs: 1 },
];
const JOBS = [1, 2];

export function monorepoRuns(cli, generator) {
  if (!existsSync(generator)) return { skipped: `${generator} is absent` };
  const work = mkdtempSync(join(tmpdir(), 'sg-bench-monorepo-'));
  try {
    return Object.fromEntries(SIZES.map(({ files, runs }) => [`files${files}`, measure(cli, generator, join(work, String(files)), files, runs)]));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function measure(cli, generator, dir, files, runs) {
  execFileSync(process.execPath, [generator, dir, '--files', String(files)], { stdio: 'ignore' });
  const manifest = JSON.parse(readFileSync(join(dir, 'MANIFEST.json'), 'utf8'));
  const samples = Object.fromEntries(JOBS.map((j) => [j, []]));
  const found = {};
  for (let i = 0; i < runs; i++) {
    for (const jobs of i % 2 === 0 ? JOBS : [...JOBS].reverse()) {
      const run = lintOnce(cli, dir, jobs);
      samples[jobs].push(run);
      found[jobs] = score(run.report, manifest);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    planted: manifest.findings.length,
    decoys: manifest.decoys.length,
    ...Object.fromEntries(
      JOBS.map((j) => [`jobs${j}`, { ms: median(samples[j].map((s) => s.ms)), peakRssMb: median(samples[j].map((s) => s.peakRssMb)), ...found[j] }]),
    ),
  };
}

function lintOnce(cli, dir, jobs) {
  const rss = join(dir, '..', `rss-${jobs}`);
  const start = performance.now();
  let stdout;
  try {
    stdout = execFileSync('/usr/bin/time', ['-f', '%M', '-o', rss, process.execPath, cli, '.', '-f', 'json', '--fail-on', 'none', '--jobs', String(jobs)], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (e) {
    throw new Error(`sg-lint --jobs ${jobs} on ${dir} exited ${e.status}`);
  }
  const ms = Math.round(performance.now() - start);
  return { ms, peakRssMb: Math.round(Number(readFileSync(rss, 'utf8').trim()) / 1024), report: JSON.parse(stdout) };
}

function score(report, manifest) {
  const at = (file, line) => `${file}:${line}`;
  const byRule = new Set(report.findings.map((f) => `${f.ruleId} ${at(f.file, f.line)}`));
  const anywhere = new Set(report.findings.map((f) => at(f.file, f.line)));
  const hits = manifest.findings.filter((p) => byRule.has(`${p.rule} ${at(p.file, p.line)}`)).length;
  return {
    recall: Math.round((hits / manifest.findings.length) * 1000) / 1000,
    decoysReported: manifest.decoys.filter((d) => anywhere.has(at(d.file, d.line))).length,
  };
}
