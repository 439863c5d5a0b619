import { describe, expect, it } from 'vitest';
import { lint } from '../../src/api.js';
import { readSource } from '../../src/parsers/read.js';
import { group, ingress } from '../helpers/terraform-snippets.js';
import { workspace } from '../helpers/workspace.js';
import { join } from 'node:path';

const sshFrom = (cidr: string) => group('g', ingress(22, cidr, 'ssh'));

describe('lint() with an overlay of unsaved texts', () => {
  it('reads the overlay instead of the disk, for the file linted and for the module files read with it', async () => {
    const dir = workspace({ 'm/main.tf': 'variable "cidr" {\n  default = "10.20.30.0/24"\n}\n', 'm/sg.tf': sshFrom('${var.cidr}') });
    expect((await lint(['m/sg.tf'], { cwd: dir })).findings.map((f) => f.ruleId)).toEqual([]);
    // The sibling's unsaved text changes the variable's default: the file linted is reported with it.
    const overlay = { [join(dir, 'm/main.tf')]: 'variable "cidr" {\n  default = "0.0.0.0/0"\n}\n' };
    const result = await lint(['m/sg.tf'], { cwd: dir, overlay });
    expect(result.findings.map((f) => [f.ruleId, f.at.file, f.at.start.line])).toEqual([['ingress-world-admin-port', 'm/sg.tf', 8]]);
    // Paths relative to cwd work too.
    expect((await lint(['m/sg.tf'], { cwd: dir, overlay: { 'm/sg.tf': sshFrom('0.0.0.0/0') } })).findings.map((f) => f.ruleId)).toEqual(['ingress-world-admin-port']);
  });

  it('an overlay text that does not parse is that file\'s parse error, located in the buffer', async () => {
    const dir = workspace({ 'main.tf': sshFrom('10.20.30.0/24') });
    const result = await lint(['main.tf'], { cwd: dir, overlay: { 'main.tf': 'resource "aws_security_group" "g" {\n' } });
    expect(result.findings.map((f) => [f.ruleId, f.at.file])).toEqual([['parse-error', 'main.tf']]);
  });

  it('the overlay does not let a read leave the scan root, and drops a BOM like a file read', () => {
    const dir = workspace({ 'a.tf': '' });
    const outside = '/etc/hostname';
    const scope = { allows: (abs: string) => abs.startsWith(dir) } as Parameters<typeof readSource>[1];
    expect(readSource(outside, scope, { [outside]: 'x' }).error).toMatch(/outside|scan root/);
    expect(readSource(join(dir, 'a.tf'), scope, { [join(dir, 'a.tf')]: '\ufeffabc' })).toEqual({ text: 'abc' });
  });
});
