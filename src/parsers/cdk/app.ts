import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ScanRoot } from '../../util/scan-root.js';
import { readSource } from '../read.js';

// What tells CDK files and apps apart, without loading the TypeScript parser.

/** A file that never names aws-cdk-lib or a CDK v1 module cannot import one: it is not parsed at all. */
export function mentionsCdk(text: string): boolean {
  return /aws-cdk-lib|@aws-cdk\//.test(text);
}

/**
 * Whether a candidate source may be CDK and needs the TypeScript parser: one whose text names no CDK module is left
 * out before that parser is loaded (a pre-commit hook in a JavaScript repository passes plenty of them). A file that
 * cannot be read stays in, so that the CDK front end reports why.
 */
export function mayBeCdkSource(abs: string, scope?: ScanRoot): boolean {
  const { text } = readSource(abs, scope);
  return text === undefined || mentionsCdk(text);
}

/** The directory of the nearest cdk.json (the CDK app's root) at or below `top` (the working directory), or null. */
export function appRoot(dir: string, top: string, cache: Map<string, string | null>): string | null {
  const cached = cache.get(dir);
  if (cached !== undefined) return cached;
  const inside = dir === top || dir.startsWith(`${top}/`);
  const found = !inside ? null : existsSync(join(dir, 'cdk.json')) ? dir : dir === top ? null : appRoot(dirname(dir), top, cache);
  cache.set(dir, found);
  return found;
}
