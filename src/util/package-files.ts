import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root directory (holds package.json), whether running from src/ (tests) or dist/src/ (built). */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

export function loadJson(relative: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(packageRoot, relative), 'utf8')) as Record<string, unknown>;
}

export const packageVersion = (): string => String(loadJson('package.json').version ?? '0.0.0');

/** A built-in rule's doc page (`rules/<id>.md`), or undefined when `id` names none. */
export function ruleDoc(id: string): string | undefined {
  const file = join(packageRoot, 'rules', `${id}.md`);
  return /^[a-z0-9-]+$/.test(id) && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
