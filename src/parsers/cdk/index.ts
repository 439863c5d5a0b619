import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { guarded } from '../guard.js';
import { diagnosticFile, emptyFacts, rollbackPoint, type FrontEndResult, type ParsedFile } from '../types.js';
import { appRoot, mentionsCdk } from './app.js';
import { RESTRICT_DEFAULT_SG_FLAG } from './catalog.js';
import { extractCdk } from './constructs.js';
import { CdkEvaluator, type SourceLoader } from './evaluate.js';
import { commentsAndConstructs, loadSource, parseSource, type CdkSource } from './source.js';
import { readSource, type SourceOverlay } from '../read.js';
import { readTextFile } from '../../util/files.js';
import { displayPath, posixRelative } from '../../util/paths.js';
import type { ScanRoot } from '../../util/scan-root.js';

export interface CdkOptions {
  cwd: string;
  /** Where reads may go: sources and relative imports outside it are not read. */
  scope?: ScanRoot;
  /** Unsaved editor buffers read instead of the files on disk. */
  overlay?: SourceOverlay;
}

/**
 * Reads CDK sources (TypeScript/JavaScript importing aws-cdk-lib or CDK v1 modules) without compiling or running them.
 * Files that are not CDK are dropped silently (those that name no CDK module are not even parsed); relative imports are
 * read on demand to follow constants. A file whose parsing or analysis fails (nesting too deep for the TypeScript parser)
 * becomes its own parse error and the other files are analyzed.
 */
export function parseCdk(candidates: string[], opts: CdkOptions): FrontEndResult {
  const result: FrontEndResult = { facts: emptyFacts(), files: [] };
  const cache = new Map<string, CdkSource | null>();
  const loader: SourceLoader = {
    source(abs) {
      if (!cache.has(abs)) {
        const loaded = guarded('', () => loadSource(abs, displayPath(opts.cwd, abs), opts.scope, opts.overlay));
        cache.set(abs, 'failure' in loaded || 'error' in loaded.value ? null : loaded.value);
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
    const read = readSource(abs, opts.scope, opts.overlay);
    if (read.error !== undefined) {
      if (/\.(ts|tsx)$/.test(abs) && !read.error.includes('binary')) result.files.push(diagnosticFile(path, 'cdk', '', [{ line: 1, column: 1, message: read.error }]));
      continue;
    }
    if (!mentionsCdk(read.text!)) continue;
    const rollback = rollbackPoint(result.facts);
    const analyzed = guarded(read.text!, () => analyzeFile(abs, path, read.text!));
    if ('failure' in analyzed) {
      rollback();
      cache.set(abs, null);
      result.files.push(diagnosticFile(path, 'cdk', read.text!, [analyzed.failure]));
    } else if (analyzed.value) result.files.push(analyzed.value);
  }
  return result;

  function analyzeFile(abs: string, path: string, text: string): ParsedFile | null {
    const loaded = parseSource(abs, path, text);
    cache.set(abs, loaded);
    if (!loaded.isCdk) return null;
    const { comments, constructs } = commentsAndConstructs(loaded);
    const root = appRoot(dirname(abs), opts.cwd, roots);
    const app = root ? displayPath(opts.cwd, root) || '.' : path;
    result.facts.files.push({ path, format: 'cdk', root: app });
    const appPath = root ? posixRelative(root, abs) : path;
    extractCdk({ src: loaded, ev, facts: result.facts, restrictDefaultGroups: featureFlag(dirname(abs), flags, opts.scope), appPath });
    return { path, format: 'cdk', text: loaded.text, comments, constructs, diagnostics: loaded.diagnostics, analyzed: true, root: app } satisfies ParsedFile;
  }
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
      const json = JSON.parse(readTextFile(file)) as { context?: Record<string, unknown> };
      value = json.context?.[RESTRICT_DEFAULT_SG_FLAG] === true;
    } catch {
      value = false;
    }
  } else if (dirname(dir) !== dir) value = featureFlag(dirname(dir), cache, scope);
  cache.set(dir, value);
  return value;
}
