import { relative, sep } from 'node:path';

/** `to` relative to `from`, with `/` separators on every platform (the form globs, reports and baselines use). */
export const posixRelative = (from: string, to: string): string => relative(from, to).split(sep).join('/');

/** A path (with `/` separators) inside a module copy `terraform init` downloaded: not part of the repository. */
export const isDownloadedModule = (path: string): boolean =>
  path.includes('.terraform') && (path === '.terraform' || path.startsWith('.terraform/') || path.endsWith('/.terraform') || path.includes('/.terraform/'));

/** `abs` as reports show it: relative to `cwd` when inside it, with `/` separators. */
export function displayPath(cwd: string, abs: string): string {
  const rel = abs.startsWith(cwd + '/') ? abs.slice(cwd.length + 1) : abs === cwd ? '' : abs;
  return rel.split('\\').join('/');
}
