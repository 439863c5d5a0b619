import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The single-file bundle (bundle/sg-lint.mjs, made by scripts/bundle.mjs) carries the few package files a run reads:
// the bundler defines SG_LINT_EMBEDDED_FILES as their text by path relative to the package root. From dist/ or the
// sources the name is not defined, and the files are read from the package.
declare const SG_LINT_EMBEDDED_FILES: Readonly<Record<string, string>> | undefined;

/** The package files the bundle carries, or undefined outside the bundle. */
export const embeddedFiles: Readonly<Record<string, string>> | undefined = typeof SG_LINT_EMBEDDED_FILES === 'undefined' ? undefined : SG_LINT_EMBEDDED_FILES;

/** Whether this code runs from the single-file bundle. */
export const inBundle: boolean = embeddedFiles !== undefined;

let root: string | undefined;

/** The package's root directory (holds package.json), whether running from src/ (tests) or dist/src/ (built). */
export function packageRoot(): string {
  if (root === undefined) {
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    root = dir;
  }
  return root;
}

function packageFile(relative: string): string | undefined {
  if (embeddedFiles) return Object.hasOwn(embeddedFiles, relative) ? embeddedFiles[relative] : undefined;
  const file = join(packageRoot(), relative);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

export function loadJson(relative: string): Record<string, unknown> {
  const text = packageFile(relative);
  if (text === undefined) throw new Error(`sg-lint's own file ${relative} is missing`);
  return JSON.parse(text) as Record<string, unknown>;
}

export const packageVersion = (): string => String(loadJson('package.json').version ?? '0.0.0');

/** A built-in rule's doc page (`rules/<id>.md`), or undefined when `id` names none. */
export function ruleDoc(id: string): string | undefined {
  return /^[a-z0-9-]+$/.test(id) ? packageFile(`rules/${id}.md`) : undefined;
}
