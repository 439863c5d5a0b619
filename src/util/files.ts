import { readFileSync, statSync, type Stats } from 'node:fs';

/**
 * What a path is when it is neither a regular file nor a directory (a named pipe, a socket, a device), for messages;
 * null for those two. Reading such a path may block forever (a pipe nobody writes) or never end (`/dev/zero`).
 */
export function specialKind(stat: Stats): string | null {
  if (stat.isFile() || stat.isDirectory()) return null;
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'a special file';
}

/** Why a special file is not read: "it is a named pipe, not a regular file". */
export const notRegular = (kind: string): string => `it is ${kind}, not a regular file`;

/**
 * `readFileSync(path, 'utf8')`, except that a path that is a named pipe, a socket or a device, or a file larger than
 * `maxBytes`, throws (with the reason as its message) instead of being opened. Any other failure is readFileSync's own
 * error, as before.
 */
export function readTextFile(path: string, maxBytes = Infinity): string {
  let stat: Stats | undefined;
  try {
    stat = statSync(path);
  } catch {
    // readFileSync reports it below, with the error its callers expect
  }
  const kind = stat && specialKind(stat);
  if (kind) throw new Error(notRegular(kind));
  if (stat && stat.size > maxBytes) throw new Error(`it is too large (${megabytes(stat.size)} MB; the limit is ${megabytes(maxBytes)} MB)`);
  return readFileSync(path, 'utf8');
}

const megabytes = (bytes: number): string => String(Math.round((bytes / 1048576) * 10) / 10);
