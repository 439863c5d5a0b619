// Which files an editor buffer is analyzed with: the same project context a run over the repository gives it, kept
// small enough to re-run while typing.
import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { discover, kindOf } from '../discover/discover.js';
import { appRoot, mentionsCdk } from '../parsers/cdk/app.js';
import { mayBeTemplate } from '../parsers/cloudformation/prefilter.js';
import { readSource, type SourceOverlay } from '../parsers/read.js';
import { ScanRoot } from '../util/scan-root.js';
import { addTo } from '../util/maps.js';

/** One analysis: the paths to lint (absolute), from which directory, and the key that open buffers sharing it share. */
export interface AnalysisContext {
  key: string;
  cwd: string;
  paths: string[];
}

/** Past this many source files in a CDK app, a CDK buffer is analyzed with its relative imports only (as pre-commit does). */
export const MAX_CDK_APP_FILES = 40;
/** How many nested-stack levels up a template's parents are followed. */
const MAX_PARENT_DEPTH = 16;

/**
 * The context of a file:
 * - Terraform `.tf`/`.tf.json`: its module directory (lint reads every file of it), as the root;
 * - a `.tfvars` file: the module it sets values in, with that file as its values;
 * - CloudFormation: the template with its top-level nested-stack parents (its findings then come through their calls,
 *   with the parameters they pass);
 * - CDK: the whole app of the nearest cdk.json (up to MAX_CDK_APP_FILES sources), else the file with its imports;
 * - anything else: the file alone (it is then usually not ours, and gets no diagnostics).
 */
export class ContextFinder {
  private parentIndex: Map<string, string[]> | undefined;
  private readonly cdkAppSizes = new Map<string, number>();

  constructor(private readonly roots: () => string[]) {}

  /** Forget what was learned from the files on disk (call when files are created, changed or deleted). */
  invalidate(): void {
    this.parentIndex = undefined;
    this.cdkAppSizes.clear();
  }

  contextOf(file: string, overlay: SourceOverlay): AnalysisContext {
    const cwd = this.projectRoot(file);
    const kind = kindOf(basename(file));
    if (kind === 'terraform') return { key: `terraform:${dirname(file)}`, cwd, paths: [file] };
    if (kind === 'terraform-vars') return { key: `terraform-vars:${file}`, cwd, paths: [file] };
    if (kind === 'cloudformation-candidate') {
      const parents = this.topParents(file, cwd, overlay);
      const paths = [file, ...parents];
      return { key: `cloudformation:${[...paths].sort().join('|')}`, cwd, paths };
    }
    if (kind === 'cdk-candidate') {
      const app = appRoot(dirname(file), cwd, new Map());
      if (app && this.cdkAppSize(app) <= MAX_CDK_APP_FILES) return { key: `cdk:${app}`, cwd, paths: [app] };
      return { key: `cdk-file:${file}`, cwd, paths: [file] };
    }
    return { key: `file:${file}`, cwd, paths: [file] };
  }

  private cdkAppSize(app: string): number {
    let size = this.cdkAppSizes.get(app);
    if (size === undefined) this.cdkAppSizes.set(app, (size = cdkSourcesIn(app)));
    return size;
  }

  /** The workspace folder holding the file (the deepest one), else the git top level, else its directory. */
  projectRoot(file: string): string {
    const folders = this.roots().filter((r) => file.startsWith(r.endsWith('/') ? r : `${r}/`));
    if (folders.length > 0) return folders.sort((a, b) => b.length - a.length)[0]!;
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if (existsSync(join(dir, '.git'))) return dir;
      if (dirname(dir) === dir) return dirname(file);
    }
  }

  /** The templates that include `file` as a nested stack, followed up to those nothing includes. */
  private topParents(file: string, cwd: string, overlay: SourceOverlay): string[] {
    const index = this.parents(cwd, overlay);
    const tops = new Set<string>();
    const seen = new Set<string>([file]);
    let level = [file];
    for (let depth = 0; depth < MAX_PARENT_DEPTH && level.length > 0; depth++) {
      const next: string[] = [];
      for (const child of level) {
        const parents = (index.get(child) ?? []).filter((p) => !seen.has(p));
        if (parents.length === 0 && child !== file) tops.add(child);
        for (const p of parents) {
          seen.add(p);
          next.push(p);
        }
      }
      level = next;
    }
    for (const p of level) tops.add(p);
    return [...tops].sort();
  }

  /** Child template → the templates that name it in a TemplateURL, over every template of the project (read once). */
  private parents(cwd: string, overlay: SourceOverlay): Map<string, string[]> {
    if (this.parentIndex) return this.parentIndex;
    const index = new Map<string, string[]>();
    const scope = ScanRoot.of([cwd], cwd, [cwd], false);
    for (const f of discover([cwd], cwd, scope).files) {
      if (f.kind !== 'cloudformation-candidate') continue;
      const text = readSource(f.abs, scope, overlay).text;
      if (text === undefined || !text.includes('TemplateURL') || !mayBeTemplate(text)) continue;
      for (const url of templateUrls(text)) {
        const child = resolve(dirname(f.abs), url);
        addTo(index, child, f.abs);
      }
    }
    this.parentIndex = index;
    return index;
  }
}

/** Literal local TemplateURL values (YAML or JSON), without parsing the template. */
export function templateUrls(text: string): string[] {
  const urls: string[] = [];
  for (const m of text.matchAll(/"?TemplateURL"?\s*:\s*["']?([^"'\s,}#]+)["']?/g)) {
    const url = m[1]!;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('!') && !url.startsWith('{')) urls.push(url);
  }
  return urls;
}

/** CDK source files of an app directory (what linting the directory would parse), counted up to the cap. */
function cdkSourcesIn(app: string): number {
  let count = 0;
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (count > MAX_CDK_APP_FILES) return;
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'cdk.out' && !entry.name.startsWith('.')) walk(abs);
      } else if (kindOf(entry.name) === 'cdk-candidate') {
        const text = readSource(abs).text;
        if (text !== undefined && mentionsCdk(text)) count++;
      }
    }
  };
  walk(app);
  return count;
}
