import { parseArgs } from 'node:util';
import { analyze } from '../api.js';
import { writeFileAtomic } from '../cli-output.js';
import { link } from '../model/link.js';
import type { Model } from '../model/types.js';
import { driftJson, driftSarif, driftText } from '../reporters/drift.js';
import { printable } from '../reporters/text.js';
import { repositoryRoot } from '../util/git.js';
import { packageVersion } from '../util/package-files.js';
import { resolve } from 'node:path';
import { compareDrift, hasDrift } from './drift/compare.js';
import { exitCodeOf, guarded, INPUT_HELP, INPUT_OPTIONS, inputProblems, parseFormat, printProblems, readInputs, UsageError, type Io } from './inputs.js';

const HELP = `Usage: sg-lint drift <iac-paths...> --live <export.json|dir|aws> [--format text|json|sarif] [options]

Where the deployed security groups have drifted from the code: rules that exist live but not in code, rules in code
that are not deployed, and groups on either side only. A deployed group is matched to a group in code by its tags
(aws:cloudformation:logical-id with the stack name, aws:cdk:path, a Terraform address tag, Name), else by its name.
Rules compare in canonical form (CIDR, protocol, ports, peer); descriptions play no part.

      --live <source>           an AWS export (describe-security-groups JSON, or a directory of exports with the
                                network interface and prefix list files beside them), or \`aws\` to read the
                                account read-only (as \`sg-lint aws\`, with --profile, --region, --all-regions,
                                --endpoint-url)
  -f, --format <name>           text (default) | json (schemas/drift.schema.json) | sarif (located in the code)
  -o, --output <file>           write the report there instead of standard output
${INPUT_HELP.replace(/\n*Exit codes:[\s\S]*$/, '')}

Exit codes: 0 no drift; 1 drift (or an input could not be parsed); 2 usage or config error, a path that does not
exist, a --live path that holds no AWS export, or credentials missing, expired or refused.`;

const DRIFT_OPTIONS = {
  ...INPUT_OPTIONS,
  live: { type: 'string' },
  output: { type: 'string', short: 'o' },
  profile: { type: 'string' },
  region: { type: 'string', multiple: true },
  'all-regions': { type: 'boolean' },
  'endpoint-url': { type: 'string' },
} as const;

export async function driftCommand(argv: string[], io: Io, cwd: string, env: Record<string, string | undefined>): Promise<number> {
  return guarded('drift', io, async () => {
    let args;
    try {
      args = parseArgs({ args: argv, allowPositionals: true, strict: true, options: DRIFT_OPTIONS });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const v = args.values;
    if (v.help) return io.stdout.write(HELP + '\n'), 0;
    const format = parseFormat(v.format, ['text', 'json', 'sarif'] as const);
    if (!v.live) throw new UsageError('--live <export.json|aws> is required: the deployed side to compare with');
    if (args.positionals.length === 0) throw new UsageError('name the infrastructure code to compare (paths of Terraform, CloudFormation or CDK files or directories)');
    const live = v.live === 'aws' ? await readAccount(v, io) : await readExport(v.live, cwd);
    if (typeof live === 'number') return live;
    const code = await readInputs({ values: v, positionals: args.positionals } as Parameters<typeof readInputs>[0], cwd, env);
    const problems = [...live.problems, ...inputProblems(code)];
    printProblems(problems, io);
    const drift = compareDrift(live.model, code.model, live.files);
    const text =
      format === 'json' ? driftJson(drift, problems, packageVersion()) : format === 'sarif' ? driftSarif(drift, { version: packageVersion(), cwd, repoRoot: repositoryRoot(cwd) }) : driftText(drift);
    if (v.output) {
      try {
        writeFileAtomic(resolve(cwd, v.output), text);
      } catch (e) {
        io.stderr.write(`sg-lint drift: cannot write ${printable(v.output)}: ${printable((e as Error).message)}\n`);
        return 2;
      }
    } else io.stdout.write(text);
    return Math.max(exitCodeOf(problems), hasDrift(drift) ? 1 : 0);
  });
}

interface LiveSide {
  model: Model;
  /** The deployed side was read from files (findings can point into them). */
  files: boolean;
  problems: ReturnType<typeof inputProblems>;
}

async function readExport(path: string, cwd: string): Promise<LiveSide> {
  const analysis = await analyze([path], { cwd });
  const problems = inputProblems(analysis);
  if (problems.some((p) => p.kind === 'io' && p.message === 'no such file or directory')) throw new UsageError(`--live ${path}: no such file or directory`);
  if (!analysis.files.some((f) => f.format === 'aws')) throw new UsageError(`--live ${path} holds no AWS export (the JSON that aws ec2 describe-security-groups prints)`);
  return { model: analysis.model, files: true, problems: problems.filter((p) => p.kind === 'parse' && analysis.files.some((f) => f.path === p.file && f.format === 'aws')) };
}

async function readAccount(v: Record<string, unknown>, io: Io): Promise<LiveSide | number> {
  const { fetchAccount, AwsAccessError } = await import('./aws/fetch.js');
  const { analyzeExports } = await import('../parsers/aws-export/index.js');
  try {
    const regions = await fetchAccount({
      regions: (v.region as string[] | undefined) ?? [],
      allRegions: Boolean(v['all-regions']),
      groupIds: [],
      ...(v.profile ? { profile: v.profile as string } : {}),
      ...(v['endpoint-url'] ? { endpoint: v['endpoint-url'] as string } : {}),
    });
    for (const r of regions) for (const note of r.notes) io.stderr.write(`sg-lint drift: note: ${printable(note)}\n`);
    const texts = regions.map((r) => ({ path: `${r.data.SecurityGroups.find((g) => g.OwnerId)?.OwnerId ?? 'account'}/${r.region}.json`, text: JSON.stringify(r.data, null, 4) + '\n' }));
    return { model: link([analyzeExports(texts).facts]), files: false, problems: [] };
  } catch (e) {
    const message = e instanceof AwsAccessError ? e.message : `cannot read the account: ${(e as Error).message.split('\n')[0]}`;
    io.stderr.write(`sg-lint drift: ${printable(message)}\n`);
    return 2;
  }
}
