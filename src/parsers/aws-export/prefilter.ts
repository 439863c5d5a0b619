import { closeSync, openSync, readSync } from 'node:fs';

/** What one export file holds, by the top-level key the AWS CLI prints first. */
export type ExportKind = 'security-groups' | 'network-interfaces' | 'prefix-lists' | 'prefix-list-entries';

const FIRST_KEY: Record<string, ExportKind> = {
  SecurityGroups: 'security-groups',
  NetworkInterfaces: 'network-interfaces',
  PrefixLists: 'prefix-lists',
  Entries: 'prefix-list-entries',
};

/** A prefix list id in a file name: `get-managed-prefix-list-entries` output names no list, so its file must. */
export const PREFIX_LIST_ID = /\bpl-[0-9a-f]{8,17}\b/;

/** How much of a file's start is read to recognise an export (the first key comes first, after a little space). */
export const HEAD_BYTES = 512;

/**
 * Whether a JSON text is (by its start) what `aws ec2 describe-security-groups`, `describe-network-interfaces`,
 * `describe-managed-prefix-lists` or `get-managed-prefix-list-entries` print: an object whose first key is the
 * command's list. An entries file counts only when its name holds the prefix list's id. Decided without parsing.
 */
export function exportKindOf(head: string, name: string): ExportKind | null {
  const m = /^\uFEFF?\s*\{\s*"(SecurityGroups|NetworkInterfaces|PrefixLists|Entries)"\s*:\s*\[/.exec(head);
  if (!m) return null;
  const kind = FIRST_KEY[m[1]!]!;
  if (kind === 'prefix-list-entries' && !PREFIX_LIST_ID.test(name)) return null;
  return kind;
}

/** The start of a file, decoded as UTF-8 (a character cut at the end is harmless: only the first key matters). */
export function readHead(abs: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(abs, 'r');
    const buffer = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
