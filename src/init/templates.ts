import { printable } from '../reporters/text.js';
import type { ProjectFacts } from './detect.js';

// What `sg-lint --init` writes. Every path from the scanned directory reaches a file as a JSON string (a valid YAML
// double-quoted scalar) or, in comments, through printable(), so no file name can add a line.

const ACTION = 'sg-lint/sg-lint';
const HOOKS_REPOSITORY = 'https://github.com/sg-lint/sg-lint';
const LISTED = 5;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const some = (items: string[]) => items.slice(0, LISTED).map(printable).join(', ') + (items.length > LISTED ? ` and ${items.length - LISTED} more` : '');

/** One line saying what was found, e.g. "Terraform (3 files in 2 directories), AWS CDK (4 sources, 1 app)". */
export function describeFacts(facts: ProjectFacts): string {
  const parts: string[] = [];
  const { terraform: tf, cloudformation: cfn, cdk } = facts;
  if (tf.files > 0) parts.push(`Terraform (${plural(tf.files, 'file')} in ${tf.dirs} ${tf.dirs === 1 ? 'directory' : 'directories'})`);
  if (cfn.templates > 0) parts.push(`CloudFormation (${plural(cfn.templates, 'template')})`);
  if (cdk.sources > 0 || cdk.apps.length > 0) parts.push(`AWS CDK (${plural(cdk.sources, 'source')}, ${plural(cdk.apps.length, 'app')})`);
  return parts.length > 0 ? parts.join(', ') : 'no Terraform, CloudFormation or CDK files';
}

/** `.sg-lint.yml`: the preset, and a section for each format found, with comments saying what each setting does. */
export function configYaml(facts: ProjectFacts): string {
  const lines = [
    '# sg-lint configuration, written by `sg-lint --init`; see "Configuration" in the sg-lint README.',
    '# It is checked against sg-lint\'s config schema: an invalid file stops the run with exit code 2.',
    `# Found here: ${describeFacts(facts)}.`,
    'preset: recommended   # recommended | strict | all',
    '',
    '# Rule levels by rule id: error | warning | note | off, or [level, { options }] (sg-lint --list-rules).',
    'rules: {}',
  ];
  if (facts.generated.length > 0) {
    lines.push(
      '',
      '# Generated folders: never linted, even when a file inside is named on the command line (as the pre-commit hook does).',
      'exclude:',
      ...facts.generated.map((name) => `  - ${JSON.stringify(`**/${name}/**`)}`),
    );
  }
  const tf = facts.terraform;
  if (tf.files > 0) {
    lines.push(
      '',
      '# Terraform: terraform.tfvars and *.auto.tfvars load by themselves. Each other .tfvars file is judged as one',
      '# deployment alternative, unless varFiles names the ones to use.',
      ...(tf.varFiles.length > 0 ? [`# Found: ${some(tf.varFiles)}.`] : []),
      'terraform:',
      '  varFiles: []   # paths relative to this file, e.g. ["envs/prod.tfvars"]',
      '  vars: {}       # values for variables, e.g. { env: prod }',
    );
  }
  if (facts.cloudformation.templates > 0) {
    lines.push('', '# CloudFormation: values for template parameters (--parameter and --parameters-file add to them).', 'cloudformation:', '  parameters: {}');
  }
  if (facts.cdk.apps.length > 0) {
    lines.push(
      '',
      `# AWS CDK (${facts.cdk.apps.length === 1 ? 'app' : 'apps'} in ${some(facts.cdk.apps)}): when an app's sources and its synthesized templates are both`,
      '# found, lint the sources; `synthesized` lints the templates instead (then also drop the cdk.out exclude).',
      'cdk:',
      '  prefer: source',
    );
  }
  return lines.join('\n') + '\n';
}

/** The entry to add under `repos:` in `.pre-commit-config.yaml`. */
export const PRE_COMMIT_ENTRY = `  - repo: ${HOOKS_REPOSITORY}
    rev: main   # better: pin a release tag or a commit SHA (pre-commit autoupdate does it)
    hooks:
      - id: sg-lint   # lints the changed files; sg-lint-all lints the whole repository
`;

/** A whole `.pre-commit-config.yaml` holding only the sg-lint hook. */
export function preCommitConfig(): string {
  return `# pre-commit hooks (https://pre-commit.com), written by \`sg-lint --init\`. Install them with \`pre-commit install\`.
repos:
${PRE_COMMIT_ENTRY}`;
}

/**
 * `.github/workflows/sg-lint.yml`: the workflow the README recommends. The lint job annotates the pull request and
 * writes the job summary; a separate job, which runs no sg-lint code, uploads the SARIF for code scanning.
 */
export function workflowYaml(opts: { paths: string; branch: string }): string {
  return `# Written by \`sg-lint --init\`; see "GitHub Action" in the sg-lint README.
name: sg-lint
on:
  pull_request:
  push:
    branches: [${JSON.stringify(opts.branch)}]

permissions:
  contents: read

jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
        with:
          fetch-depth: 0            # the pull request's base, to annotate changed lines first
      - id: sg-lint
        uses: ${ACTION}@main  # better: pin a release tag or a commit SHA
        with:
          paths: ${JSON.stringify(opts.paths)}
          fail-on: error
          sarif-file: sg-lint.sarif
      - if: \${{ !cancelled() && steps.sg-lint.outputs.sarif-file != '' }}
        uses: actions/upload-artifact@v4
        with:
          name: sg-lint-sarif
          path: \${{ steps.sg-lint.outputs.sarif-file }}

  # Only this job may write code scanning alerts, and it runs no sg-lint code. Fork pull requests get a read-only token.
  # Code scanning needs a public repository or GitHub Code Security; without it, delete this job.
  code-scanning:
    needs: lint
    if: \${{ !cancelled() && (github.event_name == 'push' || github.event.pull_request.head.repo.full_name == github.repository) }}
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write
      actions: read                 # needed in private repositories
    steps:
      - uses: actions/checkout@v5
      - uses: actions/download-artifact@v4
        with:
          name: sg-lint-sarif
      - uses: github/codeql-action/upload-sarif@v4
        with:
          sarif_file: sg-lint.sarif
          category: sg-lint
`;
}
