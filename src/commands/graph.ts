import { buildGraph } from '../reporters/graph/build.js';
import { graphDot } from '../reporters/graph/dot.js';
import { graphJson } from '../reporters/graph/json.js';
import { graphMermaid } from '../reporters/graph/mermaid.js';
import { packageVersion } from '../util/package-files.js';
import { exitCodeOf, guarded, INPUT_HELP, inputProblems, parseFormat, parseInputArgs, printProblems, readInputs, type Io } from './inputs.js';

const HELP = `Usage: sg-lint graph [paths...] [--format mermaid|dot|json] [options]

Who can reach whom on which ports: each security group as a box holding the resources that carry it, the peers its
ingress rules admit (the world in red, CIDRs, prefix lists, other groups, unknown values) and one edge per peer and
group listing the ports. Egress rules are not drawn.

  -f, --format <name>           mermaid (default) | dot (Graphviz) | json (schemas/graph.schema.json)
${INPUT_HELP}`;

export async function graphCommand(argv: string[], io: Io, cwd: string, env: Record<string, string | undefined>): Promise<number> {
  return guarded('graph', io, async () => {
    const args = parseInputArgs(argv);
    if (args.values.help) return io.stdout.write(HELP + '\n'), 0;
    const format = parseFormat(args.values.format, ['mermaid', 'dot', 'json'] as const);
    const analysis = await readInputs(args, cwd, env);
    const problems = inputProblems(analysis);
    printProblems(problems, io);
    const graph = buildGraph(analysis.model, (file) => analysis.reportable.has(file));
    io.stdout.write(format === 'dot' ? graphDot(graph) : format === 'json' ? graphJson(analysis.model, graph, problems, packageVersion()) : graphMermaid(graph));
    return exitCodeOf(problems);
  });
}
