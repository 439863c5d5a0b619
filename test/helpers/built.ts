import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return t;
}

/** Tests that run the built CLI (the Action, pre-commit) need dist/ built from the current TypeScript (`npm ci` builds it). */
export function assertBuilt(): void {
  const bin = join(ROOT, 'dist', 'src', 'bin.js');
  if (!existsSync(bin)) throw new Error('dist/ is missing: run `npm run build` (npm ci builds it)');
  const src = Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'rules')));
  if (src > statSync(bin).mtimeMs) throw new Error('dist/ is older than src/ or rules/: run `npm run build`');
}
