// The command line's front door: arguments, --help and --version. Everything else is in cli-run.ts, loaded only
// when the command needs the linter.
import { parseArgs } from 'node:util';
import { neutraliseWorkflowCommands } from './reporters/text.js';
import { packageVersion } from './util/package-files.js';
import { READ_OPTIONS } from './read-options.js';

const HELP = `Usage: sg-lint [paths...] [options]
       sg-lint graph [paths...] [--format mermaid|dot|json]    who can reach whom (sg-lint graph --help)
       sg-lint exposure [paths...] [--format text|json]        effective ingress per resource (sg-lint exposure --help)
       sg-lint aws [--region r]... [--list] [--save file]      lint what is deployed, read-only (sg-lint aws --help)
       sg-lint drift <iac-paths...> --live <export.json|aws>   deployed rules the code lacks, and the reverse
       sg-lint lsp                                             language server over stdio, for editors (sg-lint lsp --help)

Static analysis of AWS security groups in Terraform, CloudFormation and CDK.

Output:
  -f, --format <name>[=<file>]  text (default) | json | sarif | github | junit | markdown | checkstyle |
                                gitlab (GitLab Code Quality); repeatable, name=file writes that format to a file
  -o, --output <file>           write the format that has no file there instead of stdout
  -q, --quiet                   report and count only findings at level error
      --color, --no-color       colours in the text report: on or off (default: on a terminal, unless NO_COLOR
                                is set; FORCE_COLOR turns them on)
Rules and config:
  -c, --config <file>           use this config for every file (default: nearest .sg-lint.yml/.yaml/.json)
      --print-config <file>     print the effective config for that file as JSON
      --preset <name>           recommended (default) | strict | all
      --rule <id>=<level>       override a rule's level: error | warning | note | off (repeatable)
      --env <name>              apply this environment profile to every file
      --fail-on <level>         error (default) | warning | note | none
      --max-warnings <n>        also exit 1 when more than n warnings remain
      --include <glob>          only files matching (repeatable)
      --exclude <glob>          skip files matching (repeatable)
      --report-unresolved       report values that kept a rule from deciding (rule unresolved-value)
      --strict-suppressions     other scanners' suppressions (checkov, tfsec, trivy, ...) need a reason too:
                                one without suppresses nothing and is reported (suppression-invalid)
Trust (the scanned repository is untrusted input; see "Security model" in the README):
      --allow-plugins           load the plugins a repository's config names (they run code; off by default)
      --allow-outside           read files outside the scan root (the git top level of the scanned paths) that
                                scanned files point at: symbolic links, module sources, TemplateURL, var files
Baseline and pull requests:
      --baseline <file>         mark findings recorded in this baseline as suppressed (kind baseline)
      --write-baseline <file>   record the current findings there; in this run they then count as baselined
      --prune-baseline          with --baseline: rewrite it without entries that no longer match (never adds)
      --changed-since <ref>     report only findings on lines \`git diff --merge-base <ref>\` shows as added or changed
Terraform:
      --var <k=v>               set a variable (repeatable)
      --var-file <file>         load a .tfvars file (repeatable); TF_VAR_* environment variables are read too
      --plan <file>             Terraform plan JSON (terraform show -json): fills values only a plan knows
CloudFormation:
      --parameter <Key=Value>   set a template parameter (repeatable)
      --parameters-file <file>  Key=Value lines, or the AWS CLI's [{"ParameterKey", "ParameterValue"}] JSON
Online pass (IP reputation; nothing touches the network without --online):
      --online                  look up hard-coded public addresses (rule-ip-reputation); a repository config's
                                online.enabled does the same only when SG_LINT_ONLINE=1 is set
      --online-base-url <url>   the provider's endpoint (https; http only to 127.0.0.1/localhost/[::1]); also
                                SG_LINT_ONLINE_BASE_URL; a config's online.baseUrl is ignored
      --offline                 never touch the network, even when the config enables the online pass
      --online-required         a failed online pass (no key, rejected key, network, quota) exits 2
      --dry-run                 with --online: print the addresses that would be sent, and send nothing
      --mdcloud-apikey <key>    MetaDefender Cloud key (prefer MDCLOUD_APIKEY: a flag shows in the process list)
      --cache-dir <dir>         online-pass cache (default: $XDG_CACHE_HOME/sg-lint or ~/.cache/sg-lint)
      --no-cache                neither read nor write the online-pass cache
Performance:
      --jobs <n>                threads that parse and check files, this one included: 1 means no worker thread
                                (default: one per core, at most 4; 1 for a small run)
Set up a repository:
      --init [dir]              write a .sg-lint.yml for the formats found in dir (default .), a GitHub workflow
                                and a pre-commit hook; existing files are left alone
      --force                   with --init: overwrite an existing .sg-lint.yml and workflow
Information:
      --list-rules              print the rule catalogue
      --explain <rule-id>       print a rule's documentation
      --version, --help

Exit codes: 0 no finding at or above --fail-on; 1 such findings; 2 usage, config or internal error (and a failed
online pass with --online-required).`;

export const OPTIONS = {
  ...READ_OPTIONS,
  format: { type: 'string', short: 'f', multiple: true },
  output: { type: 'string', short: 'o' },
  quiet: { type: 'boolean', short: 'q' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  'print-config': { type: 'string' },
  preset: { type: 'string' },
  rule: { type: 'string', multiple: true },
  env: { type: 'string' },
  'fail-on': { type: 'string' },
  'max-warnings': { type: 'string' },
  'report-unresolved': { type: 'boolean' },
  'strict-suppressions': { type: 'boolean' },
  baseline: { type: 'string' },
  'write-baseline': { type: 'string' },
  'prune-baseline': { type: 'boolean' },
  'changed-since': { type: 'string' },
  offline: { type: 'boolean' },
  online: { type: 'boolean' },
  'online-required': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'mdcloud-apikey': { type: 'string' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
  'online-base-url': { type: 'string' },
  'allow-plugins': { type: 'boolean' },
  init: { type: 'boolean' },
  force: { type: 'boolean' },
  'list-rules': { type: 'boolean' },
  explain: { type: 'string' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  jobs: { type: 'string' },
} as const;

function parse(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, strict: true, tokens: true, options: OPTIONS });
}

export type CliArgs = ReturnType<typeof parse>;

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }, cwd = process.cwd(), env: Record<string, string | undefined> = process.env): Promise<number> {
  if (argv[0] === 'graph' || argv[0] === 'exposure') {
    const command = argv[0] === 'graph' ? (await import('./commands/graph.js')).graphCommand : (await import('./commands/exposure.js')).exposureCommand;
    return command(argv.slice(1), io, cwd, env);
  }
  if (argv[0] === 'aws') return (await import('./commands/aws.js')).awsCommand(argv.slice(1), io, cwd, env);
  if (argv[0] === 'drift') return (await import('./commands/drift.js')).driftCommand(argv.slice(1), io, cwd, env);
  if (argv[0] === 'lsp') return (await import('./commands/lsp.js')).lspCommand(argv.slice(1), io);
  let args: CliArgs;
  try {
    args = parse(argv);
  } catch (e) {
    io.stderr.write(neutraliseWorkflowCommands(`sg-lint: ${(e as Error).message}\nRun sg-lint --help for usage.\n`));
    return 2;
  }
  if (args.values.help) return io.stdout.write(HELP + '\n'), 0;
  if (args.values.version) return io.stdout.write(packageVersion() + '\n'), 0;
  if (args.values.init || args.values.force) {
    const { initCommand } = await import('./init/command.js');
    return initCommand(args, io, cwd);
  }
  const { run } = await import('./cli-run.js');
  return run(args, io, cwd, env);
}
