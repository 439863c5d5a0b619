import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitTopLevel } from '../../src/util/git.js';
import { git } from '../helpers/git.js';

const work = realpathSync(mkdtempSync(join(tmpdir(), 'sg-git-top-')));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What git itself answers (null where it finds no work tree). */
function gitSays(dir: string): string | null {
  try {
    return git(dir, 'rev-parse', '--show-toplevel').trim();
  } catch {
    return null;
  }
}

describe('gitTopLevel finds the work tree as git does, without starting git', () => {
  const repo = join(work, 'repo');
  mkdirSync(join(repo, 'infra', 'modules'), { recursive: true });
  git(repo, 'init', '-q');

  it('from the top level and from a directory below it', () => {
    expect(gitTopLevel(repo)).toBe(repo);
    expect(gitTopLevel(join(repo, 'infra', 'modules'))).toBe(repo);
    expect(gitTopLevel(join(repo, 'infra', 'modules'))).toBe(gitSays(join(repo, 'infra', 'modules')));
  });

  it('gives null outside any repository', () => {
    const plain = join(work, 'plain');
    mkdirSync(plain);
    expect(gitTopLevel(plain)).toBeNull();
    expect(gitSays(plain)).toBeNull();
  });

  it('takes the nearest of nested repositories', () => {
    const inner = join(repo, 'vendor', 'inner');
    mkdirSync(join(inner, 'sub'), { recursive: true });
    git(inner, 'init', '-q');
    expect(gitTopLevel(join(inner, 'sub'))).toBe(inner);
    expect(gitTopLevel(join(inner, 'sub'))).toBe(gitSays(join(inner, 'sub')));
  });

  it('passes over a .git directory that holds no repository, as git does', () => {
    const fake = join(repo, 'fake');
    mkdirSync(join(fake, '.git'), { recursive: true });
    expect(gitTopLevel(fake)).toBe(repo);
    expect(gitSays(fake)).toBe(repo);
  });

  it('takes a .git file naming the repository (a linked worktree)', () => {
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'base');
    const linked = join(work, 'linked');
    git(repo, 'worktree', 'add', '-q', '--detach', linked);
    mkdirSync(join(linked, 'deep'));
    expect(gitTopLevel(join(linked, 'deep'))).toBe(linked);
    expect(gitTopLevel(join(linked, 'deep'))).toBe(gitSays(join(linked, 'deep')));
  });

  it('answers with the real path when the directory is reached through a symbolic link', () => {
    const link = join(work, 'link-to-infra');
    symlinkSync(join(repo, 'infra'), link);
    expect(gitTopLevel(link)).toBe(repo);
    expect(gitTopLevel(link)).toBe(gitSays(link));
  });

  it('needs no git program', () => {
    const path = process.env.PATH;
    process.env.PATH = join(work, 'no-programs-here');
    try {
      expect(gitTopLevel(join(repo, 'infra'))).toBe(repo);
    } finally {
      process.env.PATH = path;
    }
  });

  it('does not take a .git file that names nothing', () => {
    const odd = join(work, 'odd');
    mkdirSync(odd);
    writeFileSync(join(odd, '.git'), 'not a pointer\n');
    expect(gitTopLevel(odd)).toBeNull();
  });
});
