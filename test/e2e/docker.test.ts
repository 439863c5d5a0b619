// The Dockerfile: what it promises (a small Node.js base, the committed bundle and nothing from npm, an unprivileged
// user, `sg-lint` as the entry point), and, where a Docker daemon runs and can pull the base image, the image itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/built.js';
import { workspace } from '../helpers/workspace.js';

const UNCLOSED = 'resource "aws_security_group" "x" {\n  ingress {\n    cidr_blocks = ["0.0.0.0/0"\n  }\n}\n';

interface Instruction {
  op: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .map((l) => {
      const m = /^\s*(\w+)\s+(.*)$/.exec(l)!;
      return { op: m[1]!.toUpperCase(), args: m[2]!.trim() };
    });
}

const DOCKERFILE = instructions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const all = (op: string) => DOCKERFILE.filter((i) => i.op === op).map((i) => i.args);

function docker(args: string[]): { code: number; out: string } {
  const r = spawnSync('docker', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

describe('Dockerfile', () => {
  it('a small Node.js base, the committed bundle and no npm install, an unprivileged user, ENTRYPOINT ["sg-lint"]', () => {
    expect(all('FROM')).toHaveLength(1);
    expect(all('FROM')[0]).toMatch(/^node:(2\d)-(alpine|slim)$/);
    const copies = all('COPY');
    expect(copies).toEqual(['bundle/sg-lint.mjs /opt/sg-lint/sg-lint.mjs']);
    const committed = execFileSync('git', ['ls-files', 'bundle/sg-lint.mjs'], { cwd: ROOT, encoding: 'utf8' }).trim();
    expect(committed).toBe('bundle/sg-lint.mjs');
    for (const run of all('RUN')) expect(run).not.toMatch(/\b(npm|npx|yarn|pnpm)\b/);
    // The command on the PATH runs the file the COPY put there.
    expect(all('RUN').join('\n')).toContain(String.raw`printf '#!/bin/sh\nexec node /opt/sg-lint/sg-lint.mjs "$@"\n' > /usr/local/bin/sg-lint`);
    const users = all('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
    expect(DOCKERFILE.findIndex((i) => i.op === 'USER')).toBeGreaterThan(DOCKERFILE.findLastIndex((i) => i.op === 'RUN'));
    expect(JSON.parse(all('ENTRYPOINT').pop()!)).toEqual(['sg-lint']);
    // That command, made as the RUN makes it and pointed at a copy of the bundle, passes its arguments on.
    const dir = workspace({ 'opt/sg-lint/sg-lint.mjs': readFileSync(join(ROOT, 'bundle', 'sg-lint.mjs')), 'src/main.tf': UNCLOSED });
    const format = /printf '([^']*)' > \/usr\/local\/bin\/sg-lint/.exec(all('RUN').join('\n'))![1]!.replace('/opt/', `${dir}/opt/`);
    execFileSync('sh', ['-c', `printf '${format}' > ${dir}/sg-lint && chmod 755 ${dir}/sg-lint`]);
    const run = spawnSync(join(dir, 'sg-lint'), ['.', '-f', 'json', '--rule', 'parse-error=warning'], { cwd: join(dir, 'src'), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).findings.map((f: { ruleId: string; level: string }) => `${f.ruleId} ${f.level}`)).toEqual(['parse-error warning']);
    // The build context is the bundle alone.
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['*', '!bundle/sg-lint.mjs']);
  });

  it('builds an image that lints a mounted directory as an unprivileged user', (ctx) => {
    const info = docker(['info', '--format', '{{.ServerVersion}}']);
    if (info.code !== 0) {
      const note = `skipped: no Docker daemon to build with (docker info: ${info.out.trim().split('\n').pop()})`;
      console.warn(`${ctx.task.name}: ${note}`);
      ctx.skip(note);
    }
    const tag = `sg-lint-test:${process.pid}`;
    const build = docker(['build', '--quiet', '--tag', tag, '.']);
    if (build.code !== 0 && /pull|resolve|registry|manifest|TLS|timeout|no such host|connection refused|network/i.test(build.out)) {
      const note = `skipped: the base image ${all('FROM')[0]} cannot be pulled here (${build.out.trim().split('\n').pop()})`;
      console.warn(`${ctx.task.name}: ${note}`);
      ctx.skip(note);
    }
    expect(build.code, build.out).toBe(0);
    try {
      const demo = join(ROOT, 'fixtures', 'demo');
      const run = docker(['run', '--rm', '--init', '-v', `${demo}:/src:ro`, tag, '.', '--jobs', '2']);
      expect(run.code, run.out).toBe(1);
      expect(run.out).toMatch(/✖ \d+ problems \(\d+ errors/);
      expect(docker(['run', '--rm', '--entrypoint', 'id', tag, '-u']).out.trim()).not.toBe('0');
      expect(docker(['run', '--rm', tag, '--version']).out.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    } finally {
      docker(['rmi', '--force', tag]);
    }
  }, 600_000);
});
