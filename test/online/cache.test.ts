import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_FILE, VerdictCache } from '../../src/engine/online/cache.js';
import type { Verdict } from '../../src/engine/online/provider.js';
import { assertBuilt, ROOT } from '../helpers/built.js';

const DAY = 86_400_000;
const verdict = (n: number): Verdict => ({ listed: n % 2 === 0, detectedBy: n % 3, sources: [], summary: `v${n}` });
const onDisk = (dir: string) => Object.keys((JSON.parse(readFileSync(join(dir, CACHE_FILE), 'utf8')) as { entries: object }).entries).sort();

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('online cache shared by concurrent runs', () => {
  beforeAll(() => assertBuilt());

  it('keeps both runs entries when two runs read it, then both save', () => {
    dir = mkdtempSync(join(tmpdir(), 'sg-cache-'));
    const first = new VerdictCache(dir, DAY);
    const second = new VerdictCache(dir, DAY);
    first.set('md', '198.51.100.1', verdict(1));
    second.set('md', '198.51.100.2', verdict(2));
    first.save();
    second.save();
    expect(onDisk(dir)).toEqual(['md|198.51.100.1', 'md|198.51.100.2']);
    expect(new VerdictCache(dir, DAY).get('md', '198.51.100.1')).toEqual(verdict(1));
  });

  it('loses no entry when two processes save 50 times each at the same time', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sg-cache-'));
    const module = join(ROOT, 'dist', 'src', 'engine', 'online', 'cache.js');
    const writer = (name: string) => `
      const { VerdictCache } = await import(${JSON.stringify(module)});
      for (let i = 0; i < 50; i++) {
        const cache = new VerdictCache(${JSON.stringify(dir)}, ${DAY});
        cache.set('md', '${name}-' + i, { listed: false, detectedBy: 0, sources: [], summary: '' });
        cache.save();
        if (cache.warnings.length) throw new Error(cache.warnings.join('; '));
      }`;
    const run = (name: string) =>
      new Promise<number | null>((resolve) => spawn(process.execPath, ['--input-type=module', '-e', writer(name)], { stdio: 'inherit' }).on('close', resolve));
    expect(await Promise.all([run('a'), run('b')])).toEqual([0, 0]);
    const keys = onDisk(dir);
    expect(keys).toHaveLength(100);
    expect(keys.filter((k) => k.startsWith('md|a-'))).toHaveLength(50);
  });
});
