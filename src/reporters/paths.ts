import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { posixRelative } from '../util/paths.js';

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};

/**
 * Maps a path as the Result holds it (relative to `cwd`, or absolute) to a path relative to `root` with `/` separators,
 * as SARIF and GitHub need (CONTRACTS.md: relative to the repository root). Symbolic links in `cwd` are resolved first,
 * since git reports the real root.
 */
export function pathMapper(cwd: string, root: string): (file: string) => string {
  const base = real(cwd);
  const top = real(root);
  const cache = new Map<string, string>();
  return (file) => {
    let out = cache.get(file);
    if (out === undefined) {
      out = posixRelative(top, resolve(base, file));
      cache.set(file, out);
    }
    return out;
  };
}
