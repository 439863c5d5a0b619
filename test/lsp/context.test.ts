import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContextFinder, MAX_CDK_APP_FILES } from '../../src/lsp/context.js';
import { workspace } from '../helpers/workspace.js';

const cdkSource = "import * as ec2 from 'aws-cdk-lib/aws-ec2';\nexport const x = ec2;\n";
const nested = (url: string) => `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ${url}\n`;

describe('ContextFinder', () => {
  it('Terraform: the module directory; .tfvars: its own context', () => {
    const dir = workspace({ 'm/main.tf': '', 'm/prod.tfvars': '' });
    const finder = new ContextFinder(() => [dir]);
    expect(finder.contextOf(join(dir, 'm/main.tf'), {})).toEqual({ key: `terraform:${join(dir, 'm')}`, cwd: dir, paths: [join(dir, 'm/main.tf')] });
    expect(finder.contextOf(join(dir, 'm/prod.tfvars'), {}).paths).toEqual([join(dir, 'm/prod.tfvars')]);
  });

  it('CloudFormation: the top-level parents, through every level, also when a parent exists only as an unsaved buffer', () => {
    const dir = workspace({ 'root.yaml': nested('./mid/mid.yaml'), 'mid/mid.yaml': nested('../leaf/leaf.yaml'), 'leaf/leaf.yaml': 'Resources: {}\n', 'other.yaml': 'Resources: {}\n' });
    const finder = new ContextFinder(() => [dir]);
    expect(finder.contextOf(join(dir, 'leaf/leaf.yaml'), {}).paths).toEqual([join(dir, 'leaf/leaf.yaml'), join(dir, 'root.yaml')]);
    expect(finder.contextOf(join(dir, 'root.yaml'), {}).paths).toEqual([join(dir, 'root.yaml')]);
    // The index is kept until invalidated; then an unsaved parent counts.
    const overlay = { [join(dir, 'other.yaml')]: nested('./leaf/leaf.yaml') };
    expect(finder.contextOf(join(dir, 'leaf/leaf.yaml'), overlay).paths).toEqual([join(dir, 'leaf/leaf.yaml'), join(dir, 'root.yaml')]);
    finder.invalidate();
    expect(finder.contextOf(join(dir, 'leaf/leaf.yaml'), overlay).paths).toEqual([join(dir, 'leaf/leaf.yaml'), join(dir, 'other.yaml'), join(dir, 'root.yaml')]);
  });

  it('a template that includes itself (directly or in a cycle) does not loop', () => {
    const dir = workspace({ 'a.yaml': nested('./b.yaml'), 'b.yaml': nested('./a.yaml') });
    const finder = new ContextFinder(() => [dir]);
    expect(finder.contextOf(join(dir, 'a.yaml'), {}).paths[0]).toBe(join(dir, 'a.yaml'));
  });

  it('CDK: the app of the nearest cdk.json, or the file alone when the app is large or there is none', () => {
    const small = workspace({ 'app/cdk.json': '{}', 'app/lib/a.ts': cdkSource, 'app/lib/b.ts': cdkSource, 'loose/c.ts': cdkSource });
    const finder = new ContextFinder(() => [small]);
    expect(finder.contextOf(join(small, 'app/lib/a.ts'), {})).toEqual({ key: `cdk:${join(small, 'app')}`, cwd: small, paths: [join(small, 'app')] });
    expect(finder.contextOf(join(small, 'loose/c.ts'), {}).paths).toEqual([join(small, 'loose/c.ts')]);
    const files: Record<string, string> = { 'cdk.json': '{}' };
    for (let i = 0; i <= MAX_CDK_APP_FILES; i++) files[`lib/s${i}.ts`] = cdkSource;
    const large = workspace(files);
    expect(new ContextFinder(() => [large]).contextOf(join(large, 'lib/s0.ts'), {}).paths).toEqual([join(large, 'lib/s0.ts')]);
  });

  it('the project root: the deepest workspace folder holding the file, else its directory outside any folder or repository', () => {
    const dir = workspace({ 'a/b/main.tf': '' });
    expect(new ContextFinder(() => [dir, join(dir, 'a')]).projectRoot(join(dir, 'a/b/main.tf'))).toBe(join(dir, 'a'));
    expect(new ContextFinder(() => []).projectRoot(join(dir, 'a/b/main.tf'))).toBe(join(dir, 'a/b'));
  });
});
