import type { Span } from '../../model/location.js';
import type { Model } from '../../model/types.js';
import type { InputProblem } from '../exposure.js';
import { groupLabel } from '../peer-labels.js';
import type { Graph } from './build.js';

const location = (at: Span) => ({ file: at.file, line: at.start.line, column: at.start.column });

/** `sg-lint graph --format json` (schemas/graph.schema.json): the graph the Mermaid and DOT outputs draw. */
export function graphJson(model: Model, graph: Graph, problems: InputProblem[], version: string): string {
  const report = {
    schemaVersion: 1,
    tool: { name: 'sg-lint', version },
    nodes: graph.nodes.map((n) => ({ id: n.id, kind: n.kind, label: n.label })),
    clusters: graph.clusters.map((c) => ({
      id: c.id,
      kind: c.kind,
      label: c.label,
      ...(c.at ? location(c.at) : {}),
      ...(c.self ? { self: c.self } : {}),
      members: c.members.map((m) => ({ id: m.id, resource: m.target.address, kind: m.target.kind, conditions: m.when, ...location(m.target.at) })),
    })),
    edges: graph.edges.map((e) => ({
      id: e.id,
      from: e.from,
      to: e.to,
      world: e.world,
      parts: e.parts.map((p) => ({
        ports: p.ports,
        conditions: p.when,
        via: p.via.map((s) => ({ group: groupLabel(model, s.group), rule: s.rule.resource, ...location(s.rule.peerAt), ...(s.cidr ? { cidr: s.cidr } : {}) })),
      })),
    })),
    errors: problems,
  };
  return JSON.stringify(report, null, 2) + '\n';
}
