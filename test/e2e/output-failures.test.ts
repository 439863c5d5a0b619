import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from '../helpers/built.js';
import { workspace } from '../helpers/workspace.js';

const BIN = join(ROOT, 'dist', 'src', 'bin.js');

/** A file whose JSON report is far larger than a pipe's buffer (about 1 MB: 400 findings). */
function manyFindings(): string {
  const rule = (i: number) =>
    `resource "aws_security_group_rule" "r${i}" {\n  type = "ingress"\n  security_group_id = "sg-0123"\n  from_port = 22\n  to_port = 22\n  protocol = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n`;
  return Array.from({ length: 400 }, (_, i) => rule(i)).join('');
}

function run(cwd: string, args: string[], stdout: 'pipe' | number, onStdout?: (child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', stdout, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    onStdout?.(child);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a report that cannot be written', () => {
  beforeAll(() => assertBuilt());

  it('exits 2 with one line when the reader closes the pipe (sg-lint … | head -c1)', async () => {
    const dir = workspace({ 'main.tf': manyFindings() });
    const result = await run(dir, ['.', '-f', 'json'], 'pipe', (child) => child.stdout!.once('data', () => child.stdout!.destroy()));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('sg-lint: cannot write to standard output: the reader closed the pipe\n');
  });

  it('exits 2 with one line when standard output is a full disk (/dev/full)', async () => {
    const dir = workspace({ 'main.tf': manyFindings() });
    const full = openSync('/dev/full', 'w');
    try {
      const result = await run(dir, ['.', '-f', 'json'], full);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('sg-lint: cannot write to standard output: no space left on the device\n');
    } finally {
      closeSync(full);
    }
  });

  it('exits 2 with one line when -o cannot be written', async () => {
    const dir = workspace({ 'main.tf': manyFindings() });
    const result = await run(dir, ['.', '-f', 'json', '-o', '/dev/full'], 'pipe');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sg-lint: cannot write report \/dev\/full: ENOSPC: no space left on device, write\n/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
