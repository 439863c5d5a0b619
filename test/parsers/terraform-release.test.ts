import { describe, expect, it } from 'vitest';
import { moduleReleaser, type ManifestEntry } from '../../src/parsers/terraform/index.js';
import type { ModuleDir } from '../../src/parsers/terraform/module.js';

/** Module directories under /r that call the given local sources. */
function tree(calls: Record<string, string[]>): Map<string, ModuleDir> {
  return new Map(
    Object.entries(calls).map(([dir, sources]) => {
      const abs = `/r/${dir}`;
      const mod = { abs, display: dir, files: [], variables: new Map(), locals: new Map(), outputs: new Map(), resources: new Map(), calls: new Map() } as ModuleDir;
      sources.forEach((source, i) => mod.calls.set(`m${i}`, { file: undefined as never, path: `module.m${i}[0]`, body: { source } }));
      return [abs, mod];
    }),
  );
}

describe('Terraform module directories are dropped once no root left can reach them', () => {
  it('after the last root that calls them, modules called by modules included', () => {
    const modules = tree({ a: ['../shared'], b: ['../shared', '../only-b'], shared: ['../deep'], deep: [], 'only-b': [], idle: [] });
    const release = moduleReleaser(modules, new Map(), new Set(), ['/r/a', '/r/b', '/r/idle'], []);
    release(0);
    expect([...modules.keys()].sort()).toEqual(['/r/b', '/r/deep', '/r/idle', '/r/only-b', '/r/shared']);
    release(1);
    expect([...modules.keys()]).toEqual(['/r/idle']);
    release(2);
    expect(modules.size).toBe(0);
  });

  it("through a root's manifest of downloaded modules", () => {
    const modules = tree({ a: [], 'a/.terraform/modules/vpc': [], b: [] });
    const manifests = new Map([['/r/a', new Map<string, ManifestEntry>([['vpc', { abs: '/r/a/.terraform/modules/vpc', dir: '.terraform/modules/vpc' }]])]]);
    const release = moduleReleaser(modules, manifests, new Set(), ['/r/a', '/r/b'], []);
    release(0);
    expect([...modules.keys()]).toEqual(['/r/b']);
  });

  it('keeps what a directory that may still be a root of its own reaches, until a call reaches it', () => {
    // x and y call each other: if no root's call reaches them, each is analyzed as a root after the others.
    const modules = tree({ a: ['../x'], x: ['../y'], y: ['../x'] });
    const reached = new Set<string>();
    const release = moduleReleaser(modules, new Map(), reached, ['/r/a'], ['/r/x', '/r/y']);
    release(0);
    expect([...modules.keys()].sort()).toEqual(['/r/x', '/r/y']);

    const modules2 = tree({ a: ['../x'], x: ['../y'], y: ['../x'] });
    const release2 = moduleReleaser(modules2, new Map(), new Set(['/r/a', '/r/x', '/r/y']), ['/r/a'], ['/r/x', '/r/y']);
    release2(0);
    expect(modules2.size).toBe(0);
  });
});
