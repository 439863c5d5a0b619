import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTextFile, specialKind } from '../../src/util/files.js';

describe('readTextFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-files-'));

  it('reads a regular file as UTF-8', () => {
    writeFileSync(join(dir, 'a.yml'), 'rules: {}\n');
    expect(readTextFile(join(dir, 'a.yml'))).toBe('rules: {}\n');
  });

  it("fails as readFileSync does for a missing path or a directory (their callers' messages are unchanged)", () => {
    mkdirSync(join(dir, 'd'));
    expect(() => readTextFile(join(dir, 'missing.yml'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => readTextFile(join(dir, 'd'))).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });

  it.skipIf(process.platform === 'win32')('refuses a named pipe and a device without opening them (a pipe nobody writes would block)', () => {
    execFileSync('mkfifo', [join(dir, 'pipe.yml')]);
    expect(() => readTextFile(join(dir, 'pipe.yml'))).toThrow('it is a named pipe, not a regular file');
    expect(() => readTextFile('/dev/zero')).toThrow('it is a character device, not a regular file');
    expect(specialKind(statSync(join(dir, 'pipe.yml')))).toBe('a named pipe');
    expect(specialKind(statSync(dir))).toBeNull();
    expect(specialKind(statSync(join(dir, 'a.yml')))).toBeNull();
  });
});
