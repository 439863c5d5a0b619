// Module hooks for typescript-loader.mjs: a `./x.js` import from a .ts file resolves to the `./x.ts` beside it, and a
// .ts file outside node_modules loses its types through Vite's Oxc transform (a dev dependency through vitest).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let transformWithOxc;

export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL?.endsWith('.ts') && /^\.\.?\//.test(specifier) && specifier.endsWith('.js')) {
    const source = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(source))) return { url: source.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/')) return nextLoad(url, context);
  transformWithOxc ??= (await import('vite')).transformWithOxc;
  const path = fileURLToPath(url);
  const { code } = await transformWithOxc(readFileSync(path, 'utf8'), path, { lang: 'ts' });
  return { format: 'module', source: code, shortCircuit: true };
}
