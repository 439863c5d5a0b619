import { readFileSync, statSync } from 'node:fs';
import type { ParsedFile } from './types.js';
import { OUTSIDE_SCAN_ROOT, type ScanRoot } from '../util/scan-root.js';

/** Files larger than this are not read (a generated file this size is a mistake, and would stall the run). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/**
 * Texts that stand in for files on disk (absolute path → text): an editor's unsaved buffers (`sg-lint lsp`). A file in
 * the overlay is read from it, still within the scan root; every other file is read from disk.
 */
export type SourceOverlay = Readonly<Record<string, string>>;

export interface SourceText {
  text?: string;
  error?: string;
}

/**
 * Reads a source file as UTF-8 text (from the overlay when it holds the file); never throws. Drops a BOM; refuses binary
 * files, oversized files and files outside the scan root (when one is given) with a reason.
 */
export function readSource(abs: string, scope?: ScanRoot, overlay?: SourceOverlay): SourceText {
  if (scope && !scope.allows(abs)) return { error: `it resolves to a path that ${OUTSIDE_SCAN_ROOT}` };
  const unsaved = overlay && Object.hasOwn(overlay, abs) ? overlay[abs] : undefined;
  if (unsaved !== undefined) return unsaved.length > MAX_FILE_BYTES ? { error: `file too large to analyze (the limit is ${MAX_FILE_BYTES / 1048576} MB)` } : { text: unsaved.charCodeAt(0) === 0xfeff ? unsaved.slice(1) : unsaved };
  try {
    const stat = statSync(abs);
    if (stat.isDirectory()) return { error: 'cannot read: it is a directory' };
    if (stat.size > MAX_FILE_BYTES) return { error: `file too large to analyze (${(stat.size / 1048576).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1048576} MB)` };
    const buffer = readFileSync(abs);
    if (buffer.subarray(0, 8192).includes(0)) return { error: 'binary file (contains NUL bytes), not a text source file' };
    const text = buffer.toString('utf8');
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === 'EACCES' ? 'permission denied' : err.code === 'ENOENT' ? 'file not found' : err.code === 'ELOOP' ? 'symbolic link loop' : err.message;
    return { error: `cannot read: ${reason}` };
  }
}

/** Gives a file whose text was left out a text read again from its source, the first time it is asked for (a code frame). */
export function readTextWhenAsked(file: ParsedFile, abs: string, scope?: ScanRoot, overlay?: SourceOverlay): void {
  let text: string | undefined;
  Object.defineProperty(file, 'text', { enumerable: true, configurable: true, get: () => (text ??= readSource(abs, scope, overlay).text ?? '') });
}
