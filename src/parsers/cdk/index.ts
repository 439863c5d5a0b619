import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { displayPath } from '../terraform/index.js';
import { emptyFacts, type FrontEndResult, type ParsedFile } from '../types.js';
import { RESTRICT_DEFAULT_SG_FLAG } from './catalog.js';
import { extractCdk } from './constructs.js';
import { CdkEvaluator, type SourceLoader } from './evaluate.js';
import { commentsAndConstructs, loadSource, type CdkSource } from './source.js';
import { posixRelative } from '../../util/paths.js';
import type { ScanRoot } from '../../util/scan-root.js';

export interface CdkOptions {
  cwd: string;
  /** Where reads may go: sources and relative imports outside it are not read. */
  scope?: ScanRoot;
}

/**
 * Reads CDK sources (TypeScript/JavaScript importing aws-cdk-lib or CDK v1 modules) without compiling or running them.
 * Files that are not CDK are dropped silently; relative imports are read on demand to follow constants.
 */
export function parseCdk(candidates: string[], opts: CdkOptions): FrontEndResult {
  const result: FrontEndResult = { facts: emptyFacts(), files: [] };
  const cache = new Map<string, CdkSource | null>();
  const loader: SourceLoader = {
    source(abs) {
      if (!cache.has(abs)) {
        const loaded = loadSource(abs, displayPath(opts.cwd, abs), opts.scope);
        cache.set(abs, 'error' in loaded ? null : loaded);
      }
      return cache.get(abs) ?? null;
    },
  };
  const ev = new CdkEvaluator(loader);
  const flags = new Map<string, boolean>();
  const roots = new Map<string, string | null>();
  for (const abs of [...candidates].sort()) {
    if (abs.endsWith('.d.ts')) continue;
    const path = displayPath(opts.cwd, abs);
    const loaded = loadSource(abs, path, opts.scope);
    if ('error' in loaded) {
      if (/\.(ts|tsx)$/.test(abs) && !loaded.error.includes('binary')) result.files.push({ path, format: 'cdk', text: '', comments: [], constructs: [], diagnostics: [{ line: 1, column: 1, message: loaded.error }], analyzed: false });
      continue;
    }
    cache.set(abs, loaded);
    if (!loaded.isCdk) continue;
    const { comments, constructs } = commentsAndConstructs(loaded);
    const root = appRoot(dirname(abs), opts.cwd, roots);
    const app = root ? displayPath(opts.cwd, root) || '.' : path;
    result.files.push({ path, format: 'cdk', text: loaded.text, comments, constructs, diagnostics: loaded.diagnostics, analyzed: true, root: app } satisfies ParsedFile);
    result.facts.files.push({ path, format: 'cdk' });
    const appPath = root ? posixRelative(root, abs) : path;
    extractCdk({ src: loaded, ev, facts: result.facts, restrictDefaultGroups: featureFlag(dirname(abs), flags, opts.scope), appPath });
  }
  return result;
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

/** The `@aws-cdk/aws-ec2:restrictDefaultSecurityGroup` flag of the nearest cdk.json (new projects set it true). */
function featureFlag(dir: string, cache: Map<string, boolean>, scope?: ScanRoot): boolean {
  const cached = cache.get(dir);
  if (cached !== undefined) return cached;
  let value = false;
  const file = join(dir, 'cdk.json');
  if (scope && !scope.allows(file)) value = false;
  else if (existsSync(file)) {
    try {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
      value = json.context?.[RESTRICT_DEFAULT_SG_FLAG] === true;
    } catch {
      value = false;
    }
  } else if (dirname(dir) !== dir) value = featureFlag(dirname(dir), cache, scope);
  cache.set(dir, value);
  return value;
}
