import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScanRoot } from '../../src/util/scan-root.js';

const work = realpathSync(mkdtempSync(join(tmpdir(), 'sg-scan-root-')));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const root = join(work, 'repo');
const outside = join(work, 'elsewhere');
mkdirSync(join(root, 'infra'), { recursive: true });
mkdirSync(outside);
writeFileSync(join(root, 'infra', 'main.tf'), '');
writeFileSync(join(outside, 'secret.tf'), '');
symlinkSync(join(outside, 'secret.tf'), join(root, 'infra', 'link.tf'));
symlinkSync(outside, join(root, 'infra', 'linked-dir'));
symlinkSync(join(root, 'infra'), join(work, 'alias'));

describe('ScanRoot', () => {
  const scope = () => new ScanRoot([root], [], false, [root]);

  it('allows a file inside and refuses one outside', () => {
    const s = scope();
    expect(s.allows(join(root, 'infra', 'main.tf'))).toBe(true);
    expect(s.allows(join(outside, 'secret.tf'))).toBe(false);
  });

  it('follows a symbolic link to a file outside, and refuses it', () => {
    const s = scope();
    expect(s.allows(join(root, 'infra', 'main.tf'))).toBe(true); // its directory is known first
    expect(s.allows(join(root, 'infra', 'link.tf'))).toBe(false);
    expect(s.leadsOut(join(root, 'infra', 'link.tf'))).toBe(true);
  });

  it('refuses a file under a linked directory that leads outside', () => {
    expect(scope().allows(join(root, 'infra', 'linked-dir', 'secret.tf'))).toBe(false);
  });

  it('places a path that does not exist by its nearest existing directory', () => {
    const s = scope();
    expect(s.allows(join(root, 'infra', '.terraform', 'modules', 'modules.json'))).toBe(true);
    expect(s.allows(join(root, 'infra', 'linked-dir', 'missing', 'x.tf'))).toBe(false);
  });

  it('allows a file reached from outside through a link into the root, by its real path', () => {
    const s = scope();
    expect(s.allows(join(work, 'alias', 'main.tf'))).toBe(true);
    expect(s.repositoryRelative(join(work, 'alias', 'main.tf'), 'fallback')).toBe('infra/main.tf');
  });

  it('allows a named file outside the root, and only that one', () => {
    const s = new ScanRoot([root], [join(outside, 'secret.tf')], false, [root]);
    expect(s.allows(join(outside, 'secret.tf'))).toBe(true);
    expect(s.allows(join(outside, 'other.tf'))).toBe(false);
  });
});
