import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/api.js';

const CORPUS = join(import.meta.dirname, '..', '..', 'shared', 'corpus');
const present = existsSync(CORPUS);
if (!present) console.warn(`corpus smoke test skipped: ${CORPUS} is absent (it ships beside the project in CI, not in a user's clone)`);

/**
 * Files of the corpus that are not valid templates, with why. Every other file must parse.
 * CloudFront.yaml defines the output EC2InstanceSGID twice (lines 804 and 828): PyYAML keeps the last one silently,
 * CloudFormation and cfn-lint reject duplicate keys, and so do we.
 */
const INVALID: Record<string, RegExp> = {
  'awslabs__aws-cloudformation-templates/aws/solutions/CloudFrontCustomOriginLambda@Edge/CloudFront.yaml': /Map keys must be unique/,
};

// Real-world IaC from public repositories: nothing may crash and every valid file must parse.
describe.skipIf(!present)('corpus smoke test (../shared/corpus)', () => {
  it('lints every Terraform, CloudFormation and CDK file with no crash, no run error and no parse error on valid files', { timeout: 300_000 }, async () => {
    const result = await lint([CORPUS], { cwd: CORPUS, preset: 'all' });
    expect(result.errors).toEqual([]);
    const parseErrors = result.findings.filter((f) => f.ruleId === 'parse-error');
    expect(parseErrors.filter((f) => !INVALID[f.at.file]?.test(f.message)).map((f) => `${f.at.file}:${f.at.start.line}: ${f.message}`)).toEqual([]);
    expect(parseErrors.map((f) => f.at.file).sort()).toEqual(Object.keys(INVALID).sort());
    expect(result.stats.byFormat.terraform).toBe(632);
    expect(result.stats.byFormat.cloudformation).toBe(130);
    // The CDK example apps' TypeScript: 58 files import aws-cdk-lib; handlers and tests that do not are skipped.
    expect(result.stats.byFormat.cdk).toBe(58);
    console.log(
      `corpus: ${result.stats.files} files (${JSON.stringify(result.stats.byFormat)}), ${result.stats.groups} groups, ${result.stats.rules} rules, ` +
        `${result.findings.length} findings; ${result.stats.unresolvedValues} values unresolved: ${JSON.stringify(result.stats.unresolvedByReason)}`,
    );
  });
});
