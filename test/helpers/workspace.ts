import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { main } from '../../src/cli.js';

const created: string[] = [];
afterEach(() => {
  while (created.length > 0) rmSync(created.pop()!, { recursive: true, force: true });
});

/** A temporary directory holding the given files (path → content); removed after the test. */
export function workspace(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-ws-'));
  created.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json: () => JsonReport;
}

export interface JsonReport {
  findings: {
    ruleId: string;
    level: string;
    message: string;
    file: string;
    line: number;
    column: number;
    resource: string;
    path: string;
    fingerprint: string;
    root: string;
    instances?: { resource: string; group?: string; conditions?: string[] }[];
    conditions?: string[];
    related: { file: string; line: number; column: number; message: string }[];
    suppressed?: { kind: string; reason: string };
  }[];
  errors: { kind: string; file?: string; message: string }[];
  stats: { files: number; unresolvedValues: number; unresolvedByReason: Record<string, number> };
}

/** The environment without GitHub Actions' variables, so tests behave the same in and out of a workflow run. */
export function plainEnv(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GITHUB_') && !k.startsWith('INPUT_')));
}

/** Runs the CLI in-process in `cwd`, capturing its output. */
export async function runCli(cwd: string, args: string[], env: Record<string, string | undefined> = plainEnv()): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    {
      stdout: { write: (s: string) => ((stdout += s), true), isTTY: false } as unknown as typeof process.stdout,
      stderr: { write: (s: string) => ((stderr += s), true) } as unknown as typeof process.stderr,
    },
    cwd,
    env,
  );
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as JsonReport };
}
