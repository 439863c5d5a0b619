import { relative, sep } from 'node:path';

/** `to` relative to `from`, with `/` separators on every platform (the form globs, reports and baselines use). */
export const posixRelative = (from: string, to: string): string => relative(from, to).split(sep).join('/');
