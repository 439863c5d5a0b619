import { effectiveExposure } from '../model/effective.js';
import { exposureJson, exposureText } from '../reporters/exposure.js';
import { packageVersion } from '../util/package-files.js';
import { exitCodeOf, guarded, INPUT_HELP, inputProblems, parseFormat, parseInputArgs, printProblems, readInputs, type Io } from './inputs.js';

const HELP = `Usage: sg-lint exposure [paths...] [--format text|json] [options]

Per attached resource (instance, network interface, launch template, load balancer, database, Lambda …), the
effective ingress: the union of the rules of all its groups, which ports are open to whom (world, CIDRs, groups and
the resources that carry them, prefix lists), through which group and rule. Unknown values are shown as unknown.

  -f, --format <name>           text (default) | json (schemas/exposure.schema.json)
${INPUT_HELP}`;

export async function exposureCommand(argv: string[], io: Io, cwd: string, env: Record<string, string | undefined>): Promise<number> {
  return guarded('exposure', io, async () => {
    const args = parseInputArgs(argv);
    if (args.values.help) return io.stdout.write(HELP + '\n'), 0;
    const format = parseFormat(args.values.format, ['text', 'json'] as const);
    const analysis = await readInputs(args, cwd, env);
    const problems = inputProblems(analysis);
    printProblems(problems, io);
    const exposures = effectiveExposure(analysis.model).filter((e) => analysis.reportable.has(e.target.at.file));
    io.stdout.write(format === 'json' ? exposureJson(analysis.model, exposures, problems, packageVersion()) : exposureText(analysis.model, exposures));
    return exitCodeOf(problems);
  });
}
