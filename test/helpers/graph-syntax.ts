/**
 * Syntax checks for the subset of Mermaid flowcharts and Graphviz DOT that `sg-lint graph` writes. Each returns the
 * problems found (empty when the text is well formed), so a test shows every mistake at once.
 */

const MERMAID_RESERVED = new Set(['end', 'subgraph', 'graph', 'flowchart', 'class', 'classDef', 'style', 'linkStyle', 'click', 'call', 'direction', 'default']);
const ID = '[A-Za-z][A-Za-z0-9_]*';
/** Quoted label text: no quote, no raw newline, and every `#` starts an entity code (`#35;`, `#quot;`). */
const LABEL = '"((?:[^"#\\n]|#(?:\\d+|[a-z]+);)*)"';
const SHAPES = ['\\["LABEL"\\]', '\\(\\["LABEL"\\]\\)', '\\{\\{"LABEL"\\}\\}', '\\[\\["LABEL"\\]\\]'].map((s) => s.replace('"LABEL"', LABEL));
const NODE = new RegExp(`^(${ID})(?:${SHAPES.join('|')})$`);
const SUBGRAPH = new RegExp(`^subgraph (${ID}) \\[${LABEL}\\]$`);
const EDGE = new RegExp(`^(${ID}) (-->|-\\.->)(?:\\|${LABEL}\\|)? (${ID})$`);
const STYLE_PROPS = '[a-z-]+:[^,;\\s]+(?:,[a-z-]+:[^,;\\s]+)*';
const CLASS_DEF = new RegExp(`^classDef (${ID}) ${STYLE_PROPS}$`);
const CLASS = new RegExp(`^class (${ID}(?:,${ID})*) (${ID})$`);
const LINK_STYLE = new RegExp(`^linkStyle (\\d+(?:,\\d+)*) ${STYLE_PROPS}$`);

export function mermaidProblems(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (!/^flowchart (LR|RL|TB|TD|BT)$/.test(lines[0] ?? '')) problems.push(`line 1: expected "flowchart <direction>", got "${lines[0]}"`);
  const defined = new Set<string>();
  const define = (id: string, n: number) => {
    if (MERMAID_RESERVED.has(id)) problems.push(`line ${n}: "${id}" is a reserved word`);
    if (defined.has(id)) problems.push(`line ${n}: "${id}" defined twice`);
    defined.add(id);
  };
  const open: string[] = [];
  const edges: [string, string, number][] = [];
  const classDefs = new Set<string>();
  const classUses: [string[], string, number][] = [];
  const linkStyles: [number[], number][] = [];
  lines.slice(1).forEach((raw, i) => {
    const n = i + 2;
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '' || line.startsWith('%%')) return;
    if (line === 'end') {
      if (!open.pop()) problems.push(`line ${n}: "end" without a subgraph`);
    } else if ((m = SUBGRAPH.exec(line))) {
      define(m[1]!, n);
      open.push(m[1]!);
    } else if ((m = EDGE.exec(line))) {
      edges.push([m[1]!, m[4]!, n]);
    } else if ((m = NODE.exec(line))) {
      define(m[1]!, n);
    } else if ((m = CLASS_DEF.exec(line))) {
      classDefs.add(m[1]!);
    } else if ((m = CLASS.exec(line))) {
      classUses.push([m[1]!.split(','), m[2]!, n]);
    } else if ((m = LINK_STYLE.exec(line))) {
      linkStyles.push([m[1]!.split(',').map(Number), n]);
    } else {
      problems.push(`line ${n}: not part of the grammar: ${line}`);
    }
  });
  if (open.length > 0) problems.push(`subgraph ${open.join(', ')} not closed`);
  for (const [from, to, n] of edges) for (const id of [from, to]) if (!defined.has(id)) problems.push(`line ${n}: edge end "${id}" is not defined`);
  for (const [ids, name, n] of classUses) {
    if (!classDefs.has(name)) problems.push(`line ${n}: class "${name}" has no classDef`);
    for (const id of ids) if (!defined.has(id)) problems.push(`line ${n}: class names "${id}", which is not defined`);
  }
  for (const [indexes, n] of linkStyles) for (const i of indexes) if (i >= edges.length) problems.push(`line ${n}: linkStyle ${i} but there are ${edges.length} edges`);
  return problems;
}

type Token = { t: 'id' | 'str' | 'punct'; v: string };

function dotTokens(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|([A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?)|"((?:[^"\\]|\\.)*)"|(->|[{}[\];=,])|(.)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m[1] !== undefined) tokens.push({ t: 'id', v: m[1] });
    else if (m[2] !== undefined) tokens.push({ t: 'str', v: m[2] });
    else if (m[3] !== undefined) tokens.push({ t: 'punct', v: m[3] });
    else if (m[4] !== undefined) throw new Error(`unexpected character "${m[4]}" at offset ${m.index}`);
  }
  return tokens;
}

/**
 * A small recursive-descent reading of the DOT `sg-lint graph` writes: `digraph id { … }` with attribute statements,
 * node statements, edges and `cluster_` subgraphs. Checks that edges join declared nodes, that `lhead`/`ltail` name a
 * cluster holding the edge's end, that `compound=true` is set when they are used, and that ids are unique.
 */
export function dotProblems(text: string): string[] {
  let tokens: Token[];
  try {
    tokens = dotTokens(text);
  } catch (e) {
    return [(e as Error).message];
  }
  const problems: string[] = [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expect = (v: string) => {
    const tok = next();
    if (tok?.v !== v || tok.t === 'str') throw new Error(`expected "${v}", got "${tok?.v ?? 'end of input'}" at token ${i}`);
  };
  const value = () => {
    const tok = next();
    if (!tok || tok.t === 'punct') throw new Error(`expected an id or string at token ${i}`);
    return tok.v;
  };
  const attrs = (): Map<string, string> => {
    const out = new Map<string, string>();
    expect('[');
    while (peek()?.v !== ']') {
      const k = value();
      expect('=');
      out.set(k, value());
      if (peek()?.v === ',') next();
    }
    expect(']');
    return out;
  };
  const nodes = new Map<string, string | null>();
  const clusters = new Set<string>();
  const edges: { from: string; to: string; attrs: Map<string, string> }[] = [];
  let compound = false;
  const statements = (cluster: string | null) => {
    expect('{');
    while (peek() && peek()!.v !== '}') {
      const first = value();
      if (first === 'subgraph') {
        const name = value();
        if (!name.startsWith('cluster_')) problems.push(`subgraph ${name} is not a cluster`);
        if (clusters.has(name)) problems.push(`cluster ${name} declared twice`);
        clusters.add(name);
        statements(name);
        continue;
      }
      if (['graph', 'node', 'edge'].includes(first) && peek()?.v === '[') {
        const a = attrs();
        if (first === 'graph' && a.get('compound') === 'true') compound = true;
      } else if (peek()?.v === '=') {
        next();
        value();
      } else if (peek()?.v === '->') {
        next();
        const to = value();
        edges.push({ from: first, to, attrs: peek()?.v === '[' ? attrs() : new Map() });
      } else {
        if (nodes.has(first)) problems.push(`node ${first} declared twice`);
        nodes.set(first, cluster);
        if (peek()?.v === '[') attrs();
      }
      expect(';');
    }
    expect('}');
  };
  try {
    expect('digraph');
    value();
    statements(null);
    if (i !== tokens.length) problems.push(`text after the graph at token ${i}`);
  } catch (e) {
    problems.push((e as Error).message);
    return problems;
  }
  for (const e of edges) {
    for (const [end, key] of [[e.from, 'ltail'], [e.to, 'lhead']] as const) {
      if (!nodes.has(end)) problems.push(`edge ${e.from} -> ${e.to}: ${end} is not declared`);
      const cluster = e.attrs.get(key);
      if (cluster === undefined) continue;
      if (!compound) problems.push(`edge ${e.from} -> ${e.to}: ${key} without compound=true`);
      if (!clusters.has(cluster)) problems.push(`edge ${e.from} -> ${e.to}: ${key} names no cluster (${cluster})`);
      else if (nodes.get(end) !== cluster) problems.push(`edge ${e.from} -> ${e.to}: ${end} is not in ${cluster}`);
    }
  }
  return problems;
}
