import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import type { ParsedFile } from './types.js';
import { notRegular, specialKind } from '../util/files.js';
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
  /** Where the first byte sequence that is not UTF-8 is (the text has U+FFFD in its place), when there is one. */
  notUtf8?: { line: number; column: number };
}

/**
 * Reads a source file as UTF-8 text (from the overlay when it holds the file); never throws. Drops a BOM; refuses binary
 * files, oversized files, named pipes and devices, and files outside the scan root (when one is given) with a reason.
 */
export function readSource(abs: string, scope?: ScanRoot, overlay?: SourceOverlay): SourceText {
  if (scope && !scope.allows(abs)) return { error: `it resolves to a path that ${OUTSIDE_SCAN_ROOT}` };
  const unsaved = overlay && Object.hasOwn(overlay, abs) ? overlay[abs] : undefined;
  if (unsaved !== undefined) return unsaved.length > MAX_FILE_BYTES ? { error: `file too large to analyze (the limit is ${MAX_FILE_BYTES / 1048576} MB)` } : { text: unsaved.charCodeAt(0) === 0xfeff ? unsaved.slice(1) : unsaved };
  try {
    const stat = statSync(abs);
    if (stat.isDirectory()) return { error: 'cannot read: it is a directory' };
    const special = specialKind(stat);
    if (special) return { error: `cannot read: ${notRegular(special)}` };
    if (stat.size > MAX_FILE_BYTES) return { error: `file too large to analyze (${(stat.size / 1048576).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1048576} MB)` };
    const buffer = readFileSync(abs);
    if (buffer.subarray(0, 8192).includes(0)) return { error: 'binary file (contains NUL bytes), not a text source file' };
    const text = buffer.toString('utf8');
    const source: SourceText = { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
    if (!isUtf8(buffer)) source.notUtf8 = firstInvalidUtf8(buffer);
    return source;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === 'EACCES' ? 'permission denied' : err.code === 'ENOENT' ? 'file not found' : err.code === 'ELOOP' ? 'symbolic link loop' : err.message;
    return { error: `cannot read: ${reason}` };
  }
}

/** The line and column (in characters, as the text reads) of the first byte sequence of `buffer` that is not UTF-8. */
function firstInvalidUtf8(buffer: Buffer): { line: number; column: number } {
  let i = 0;
  while (i < buffer.length) {
    const b = buffer[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > buffer.length || !isUtf8(buffer.subarray(i, i + length))) break;
    i += length;
  }
  const lineStart = buffer.lastIndexOf(10, i - 1) + 1;
  let line = 1;
  for (let j = buffer.indexOf(10); j !== -1 && j < i; j = buffer.indexOf(10, j + 1)) line++;
  return { line, column: buffer.subarray(lineStart, i).toString('utf8').length + 1 };
}

/** Gives a file whose text was left out a text read again from its source, the first time it is asked for (a code frame). */
export function readTextWhenAsked(file: ParsedFile, abs: string, scope?: ScanRoot, overlay?: SourceOverlay): void {
  let text: string | undefined;
  Object.defineProperty(file, 'text', { enumerable: true, configurable: true, get: () => (text ??= readSource(abs, scope, overlay).text ?? '') });
}
