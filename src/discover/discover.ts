import { lstatSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { RunError } from '../engine/result.js';
import { exportKindOf, readHead } from '../parsers/aws-export/prefilter.js';
import { notRegular, specialKind } from '../util/files.js';
import { UNRESTRICTED, type ScanRoot } from '../util/scan-root.js';

export type FileKind = 'terraform' | 'terraform-vars' | 'cloudformation-candidate' | 'cdk-candidate' | 'aws-export';

export interface DiscoveredFile {
  abs: string;
  kind: FileKind;
  /** Named on the command line (rather than found in a named directory). */
  explicit: boolean;
  /** Size when discovered: how the work is shared between threads (src/front-ends.ts). */
  bytes: number;
}

const SKIPPED_DIRS = new Set(['node_modules', '.terraform', '.git']);

export function kindOf(name: string): FileKind | null {
  if (name.endsWith('.tf') || name.endsWith('.tf.json')) return 'terraform';
  if (name.endsWith('.tfvars') || name.endsWith('.tfvars.json')) return 'terraform-vars';
  if (name.endsWith('.d.ts')) return null;
  if (/\.(ya?ml|json|template)$/.test(name)) return 'cloudformation-candidate';
  if (/\.(ts|tsx|js|jsx|mjs)$/.test(name)) return 'cdk-candidate';
  return null;
}

/**
 * kindOf, with JSON files told apart by their first bytes: an AWS CLI export (describe-security-groups and the
 * commands given beside it) is never a CloudFormation candidate. Files outside the scan root are not read here.
 */
function kindOfFile(abs: string, scope: ScanRoot): FileKind | null {
  const kind = kindOf(basename(abs));
  if (kind !== 'cloudformation-candidate' || !abs.endsWith('.json') || !scope.allows(abs)) return kind;
  return exportKindOf(readHead(abs), basename(abs)) ? 'aws-export' : kind;
}

/**
 * Finds the files to analyze under the given paths. Directories are walked (skipping node_modules, .terraform, .git,
 * and cdk.out unless named); symbolic link loops, links to directories outside the scan root, and named pipes, sockets
 * and devices with a source file's name are skipped with an io error; a path that does not exist is an error. (Links to
 * files outside are refused when the front ends read them.)
 */
export function discover(paths: string[], cwd: string, scope: ScanRoot = UNRESTRICTED): { files: DiscoveredFile[]; errors: RunError[]; missing: string[] } {
  const files = new Map<string, DiscoveredFile>();
  const errors: RunError[] = [];
  const missing: string[] = [];
  const visiting = new Set<string>();

  /** `known`: the directory's real path, when its parent's is known and it is no link. */
  const walk = (dir: string, display: string, known?: string) => {
    let real: string;
    try {
      real = known ?? realpathSync.native(dir);
    } catch (e) {
      errors.push({ kind: 'io', file: display, message: `cannot read directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    if (visiting.has(real)) {
      errors.push({ kind: 'io', file: display, message: 'symbolic link loop skipped' });
      return;
    }
    visiting.add(real);
    scope.remember(dir, real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      errors.push({ kind: 'io', file: display, message: `cannot read directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      visiting.delete(real);
      return;
    }
    for (const entry of entries) {
      const name = entry.name;
      // A directory or a plain file of no kind needs no stat (a link does: it is followed).
      if (entry.isFile() && !kindOf(name)) continue;
      const abs = join(dir, name);
      let isDir = entry.isDirectory();
      let bytes = 0;
      let special: string | null = null;
      try {
        if (!isDir) {
          const stat = statSync(abs);
          isDir = stat.isDirectory();
          bytes = stat.size;
          special = specialKind(stat);
        }
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ELOOP') errors.push({ kind: 'io', file: join(display, name), message: 'symbolic link loop skipped' });
        else if (kindOf(name) && lstatSync(abs).isSymbolicLink()) errors.push({ kind: 'io', file: join(display, name), message: 'broken symbolic link skipped' });
        continue;
      }
      if (isDir) {
        if (SKIPPED_DIRS.has(name) || name === 'cdk.out') continue;
        const known = entry.isDirectory() ? join(real, name) : undefined;
        if (known) scope.remember(abs, known);
        if (!scope.allows(abs)) {
          errors.push({ kind: 'io', file: join(display, name), message: 'symbolic link to a directory outside the scan root not followed (pass --allow-outside to follow it)' });
          continue;
        }
        walk(abs, join(display, name), known);
        continue;
      }
      if (special) {
        if (kindOf(name)) errors.push({ kind: 'io', file: join(display, name), message: `skipped: ${notRegular(special)}` });
        continue;
      }
      if (entry.isFile()) scope.remember(abs, join(real, name));
      const kind = kindOfFile(abs, scope);
      if (kind && !files.has(abs)) files.set(abs, { abs, kind, explicit: false, bytes });
    }
    visiting.delete(real);
  };

  for (const p of paths.length > 0 ? paths : ['.']) {
    const abs = resolve(cwd, p);
    let stat;
    try {
      stat = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') missing.push(p);
      else errors.push({ kind: 'io', file: p, message: code === 'ELOOP' ? 'symbolic link loop skipped' : `cannot read: ${code ?? (e as Error).message}` });
      continue;
    }
    const special = specialKind(stat);
    if (stat.isDirectory()) walk(abs, p);
    else if (special) errors.push({ kind: 'io', file: p, message: `skipped: ${notRegular(special)}` });
    else {
      const kind = kindOfFile(abs, scope);
      if (kind) files.set(abs, { abs, kind, explicit: true, bytes: stat.size });
    }
  }
  return { files: [...files.values()].sort((a, b) => (a.abs < b.abs ? -1 : 1)), errors, missing };
}
