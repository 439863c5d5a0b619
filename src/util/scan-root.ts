// The trust boundary for reads: the scanned repository may name files anywhere (symbolic links, `../..` module sources,
// TemplateURL, var files), but sg-lint reads only inside the scan roots, plus what the user named on the command line.
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { gitTopLevel } from './git.js';
import { posixRelative } from './paths.js';

/** Why a read was refused, as front ends put it in a diagnostic after the path as written. */
export const OUTSIDE_SCAN_ROOT = 'is outside the scan root; not read (name it on the command line or pass --allow-outside)';

/** The real path of `abs`; for a path that does not exist, its nearest existing ancestor's real path joined with the rest. */
function realPath(abs: string): string {
  try {
    return realpathSync.native(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(realPath(parent), basename(abs));
  }
}

const within = (root: string, path: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/** A scan root as plain data, so that a worker thread can apply the same checks. */
export interface ScanRootSpec {
  roots: string[];
  named: string[];
  allowOutside: boolean;
  repositories: string[];
}

export class ScanRoot {
  private readonly roots: string[];
  private readonly named: Set<string>;
  private readonly repositories: string[];
  /** Real paths worked out in this run: each file is asked about several times (reads, config lookups, fingerprints). */
  private readonly realPaths = new Map<string, string>();

  /**
   * @param roots directories whose contents may be read (compared by real path)
   * @param named files the user named on the command line: always readable
   * @param allowOutside `--allow-outside`: no restriction at all
   */
  constructor(roots: string[], named: string[] = [], readonly allowOutside = false, repositories: string[] = []) {
    this.roots = [...new Set(roots.map(realPath))];
    this.named = new Set(named.map(realPath));
    this.repositories = [...new Set(repositories.map(realPath))];
  }

  /** The scan roots of a run: the git top level of each scanned path, or the path itself (a file's directory) outside git. */
  static of(paths: string[], cwd: string, named: string[], allowOutside: boolean): ScanRoot {
    const byDir = new Map<string, string | null>();
    for (const p of paths.length > 0 ? paths : ['.']) {
      const abs = resolve(cwd, p);
      const dir = isDirectory(abs) ? abs : dirname(abs);
      if (!byDir.has(dir)) byDir.set(dir, isDirectory(dir) ? gitTopLevel(dir) : null);
    }
    const repositories = [...byDir.values()].filter((top): top is string => top !== null);
    return new ScanRoot([...byDir].map(([dir, top]) => top ?? dir), named, allowOutside, repositories);
  }

  static fromSpec(spec: ScanRootSpec): ScanRoot {
    return new ScanRoot(spec.roots, spec.named, spec.allowOutside, spec.repositories);
  }

  toSpec(): ScanRootSpec {
    return { roots: [...this.roots], named: [...this.named], allowOutside: this.allowOutside, repositories: [...this.repositories] };
  }

  /** Whether `abs` (after following symbolic links) may be read. */
  allows(abs: string): boolean {
    if (this.allowOutside) return true;
    const real = this.real(abs);
    return this.named.has(real) || this.inside(real);
  }

  /** Whether `abs` lies inside the scanned tree (not a named-file exception): a config there belongs to the repository. */
  contains(abs: string): boolean {
    return this.inside(this.real(abs));
  }

  /** A symbolic link inside the scanned tree that leads out of it (the link's directory is inside, its target is not). */
  leadsOut(abs: string): boolean {
    const dir = dirname(resolve(abs));
    return this.inside(join(this.real(dir), basename(abs))) && !this.allows(abs);
  }

  /**
   * `abs` relative to the top level of the scanned git repository that holds it, with `/` separators, so that what is
   * built from it (fingerprints) depends neither on the working directory nor on which paths were scanned; `fallback`
   * outside any repository.
   */
  repositoryRelative(abs: string, fallback: string): string {
    const real = this.real(abs);
    const top = this.repositories.filter((r) => within(r, real)).sort((a, b) => b.length - a.length)[0];
    return top === undefined ? fallback : posixRelative(top, real) || '.';
  }

  /** Records what discovery learnt of an absolute, normalized path (a directory it resolved, a file it listed that is no link). */
  remember(abs: string, real: string): void {
    this.realPaths.set(abs, real);
  }

  private real(path: string): string {
    return this.realOf(resolve(path));
  }

  /**
   * realPath, with what it learns kept per path: a plain file (or a missing one) is its directory's real path joined
   * with its name, one lstat instead of a system call per component of its path. Only the name keeps the case it was
   * given in, which on a case-insensitive file system can make a named file look outside, never a file outside look inside.
   */
  private realOf(abs: string): string {
    let real = this.realPaths.get(abs);
    if (real === undefined) {
      const parent = dirname(abs);
      const entry = parent === abs ? 'other' : entryKind(abs);
      if (entry === 'other') {
        try {
          real = realpathSync.native(abs);
        } catch {
          real = parent === abs ? abs : join(this.realOf(parent), basename(abs));
        }
      } else real = join(this.realOf(parent), basename(abs));
      this.realPaths.set(abs, real);
    }
    return real;
  }

  private inside(real: string): boolean {
    return this.roots.some((r) => within(r, real));
  }
}

/** 'file' for a file that is not a symbolic link, 'missing' when nothing is there, else 'other' (also when it cannot be told). */
function entryKind(abs: string): 'file' | 'missing' | 'other' {
  try {
    const stat = lstatSync(abs, { throwIfNoEntry: false });
    return stat === undefined ? 'missing' : stat.isFile() ? 'file' : 'other';
  } catch {
    return 'other';
  }
}

function isDirectory(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/** No restriction: for API callers and tests that read fixtures from anywhere. */
export const UNRESTRICTED = new ScanRoot([], [], true);
