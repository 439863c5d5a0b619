import { relative, sep } from 'node:path';

/** `to` relative to `from`, with `/` separators on every platform (the form globs, reports and baselines use). */
export const posixRelative = (from: string, to: string): string => relative(from, to).split(sep).join('/');

/** A path (with `/` separators) inside a module copy `terraform init` downloaded: not part of the repository. */
export const isDownloadedModule = (path: string): boolean => path.split('/').includes('.terraform');
