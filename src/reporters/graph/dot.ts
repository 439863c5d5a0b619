import { clusterLines, edgeLines, memberLines, type Graph, type PeerNode } from './build.js';

/** Graphviz DOT: a `cluster_` subgraph per group with the resources that carry it, edges to clusters through `lhead`. */
export function graphDot(graph: Graph): string {
  const out = [
    'digraph sg_lint {',
    '  graph [rankdir=LR, compound=true, fontname="Helvetica", fontsize=11];',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const n of graph.nodes) out.push(`  ${n.id} [label=${quote([n.label])}${NODE_STYLE[n.kind]}];`);
  // Edges to and from a group with members attach to its first member and are clipped at the cluster's border.
  const anchor = new Map<string, { node: string; cluster: string }>();
  for (const c of graph.clusters) {
    if (c.members.length === 0) {
      out.push(`  ${c.id} [label=${quote(clusterLines(c))}, shape=component, fillcolor="#fff8e1"];`);
      continue;
    }
    const cluster = `cluster_${c.id}`;
    anchor.set(c.id, { node: c.members[0]!.id, cluster });
    out.push(`  subgraph ${cluster} {`);
    out.push(`    label=${quote(clusterLines(c))}; style="rounded,filled"; fillcolor="#fff8e1"; color="#b0892c";`);
    for (const m of c.members) out.push(`    ${m.id} [label=${quote(memberLines(m))}];`);
    out.push('  }');
  }
  for (const e of graph.edges) {
    const from = anchor.get(e.from);
    const to = anchor.get(e.to);
    const attrs = [`label=${quote(edgeLines(e))}`];
    if (from) attrs.push(`ltail=${from.cluster}`);
    if (to) attrs.push(`lhead=${to.cluster}`);
    if (e.parts.every((p) => p.when.length > 0)) attrs.push('style=dashed');
    if (e.world) attrs.push('color="#c62828"', 'fontcolor="#c62828"', 'penwidth=2');
    out.push(`  ${from?.node ?? e.from} -> ${to?.node ?? e.to} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

const NODE_STYLE: Record<PeerNode['kind'], string> = {
  world: ', shape=doubleoctagon, fillcolor="#fde2e2", color="#c62828", fontcolor="#7f0000"',
  cidr: ', fillcolor="#eef3fb", color="#5b7db1"',
  'prefix-list': ', fillcolor="#eef3fb", color="#5b7db1"',
  group: ', shape=component, fillcolor="#fff8e1"',
  unknown: ', style="rounded,dashed,filled", fillcolor="#f4f4f4", color="#888888"',
};

/** A DOT string: quotes and backslashes escaped (so `\\l` and friends stay literal), lines joined with `\\n`. */
export function quote(lines: string[]): string {
  return `"${lines.map((l) => l.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, ' ')).join('\\n')}"`;
}
