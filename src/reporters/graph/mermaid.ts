import { clusterLines, edgeLines, memberLines, type Graph, type PeerNode } from './build.js';

/**
 * Mermaid flowchart: a subgraph per group holding the resources that carry it (a group that nothing analyzed carries is
 * a plain node), peers as nodes, the world in red. GitHub renders it in a ```mermaid block.
 */
export function graphMermaid(graph: Graph): string {
  const out = ['flowchart LR'];
  for (const n of graph.nodes) out.push(`  ${n.id}${shape(n, label([n.label]))}`);
  for (const c of graph.clusters) {
    if (c.members.length === 0) {
      out.push(`  ${c.id}[["${label(clusterLines(c))}"]]`);
      continue;
    }
    out.push(`  subgraph ${c.id} ["${label(clusterLines(c))}"]`);
    for (const m of c.members) out.push(`    ${m.id}["${label(memberLines(m))}"]`);
    out.push('  end');
  }
  graph.edges.forEach((e) => {
    const conditional = e.parts.every((p) => p.when.length > 0);
    out.push(`  ${e.from} ${conditional ? '-.->' : '-->'}|"${label(edgeLines(e))}"| ${e.to}`);
  });
  out.push('  classDef world fill:#fde2e2,stroke:#c62828,stroke-width:2px,color:#7f0000');
  out.push('  classDef peer fill:#eef3fb,stroke:#5b7db1');
  out.push('  classDef unknown fill:#f4f4f4,stroke:#888,stroke-dasharray:4');
  out.push('  classDef resource fill:#ffffff,stroke:#666');
  const byKind = (kinds: string[]) => graph.nodes.filter((n) => kinds.includes(n.kind)).map((n) => n.id);
  const classes: [string, string[]][] = [
    ['world', byKind(['world'])],
    ['peer', byKind(['cidr', 'prefix-list', 'group'])],
    ['unknown', byKind(['unknown'])],
    ['resource', graph.clusters.flatMap((c) => c.members.map((m) => m.id))],
  ];
  for (const [name, ids] of classes) if (ids.length > 0) out.push(`  class ${ids.join(',')} ${name}`);
  const worldEdges = graph.edges.flatMap((e, i) => (e.world ? [i] : []));
  if (worldEdges.length > 0) out.push(`  linkStyle ${worldEdges.join(',')} stroke:#c62828,stroke-width:2px`);
  return out.join('\n') + '\n';
}

function shape(node: PeerNode, text: string): string {
  switch (node.kind) {
    case 'world':
      return `(["${text}"])`;
    case 'unknown':
      return `{{"${text}"}}`;
    case 'group':
      return `[["${text}"]]`;
    default:
      return `["${text}"]`;
  }
}

/** Text inside a quoted Mermaid label: entity codes for what Mermaid or HTML would read, `<br/>` between lines. */
export function label(lines: string[]): string {
  return lines.map(escape).join('<br/>');
}

function escape(text: string): string {
  return text.replace(/[#"<>&`|]/g, (c) => `#${c.charCodeAt(0)};`).replace(/[\u0000-\u001f\u007f]/g, ' ');
}
