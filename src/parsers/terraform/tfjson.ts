import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { distinct, locateOverflow } from '../guard.js';
import { addDuplicateKeyErrors } from '../unique-keys.js';
import type { Diagnostic, Range, SourceComment } from '../types.js';
import type { HclBody } from './hcl.js';
import type { Located } from './locator.js';

/** Nested block types whose JSON form (object or list of objects) becomes hcl2json's list of blocks. */
const BLOCK_KEYS = new Set([
  'ingress', 'egress', 'content', 'vpc_config', 'network_configuration', 'network_interfaces', 'vpc_options',
  'broker_node_group_info', 'lifecycle', 'timeouts', 'tags_all_block',
]);
const LABELLED_TOP = new Set(['variable', 'module', 'output', 'provider']);
const DOUBLE_LABELLED_TOP = new Set(['resource', 'data']);

export interface TfJsonResult {
  body: HclBody;
  locations: Map<string, Located>;
  headers: Map<string, Located>;
  comments: SourceComment[];
  constructs: Range[];
  diagnostics: Diagnostic[];
}

/** Reads a `.tf.json` file into hcl2json's shape, keeping the position of every block, attribute and list element. */
export function parseTfJson(text: string): TfJsonResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  addDuplicateKeyErrors(doc, lines);
  const result: TfJsonResult = { body: {}, locations: new Map(), headers: new Map(), comments: [], constructs: [], diagnostics: [] };
  if (doc.errors.length > 0) {
    result.diagnostics = distinct(doc.errors.map((e) => locateOverflow({ line: e.linePos?.[0].line ?? 1, column: e.linePos?.[0].col ?? 1, message: e.message.split('\n')[0]! }, text)));
    return result;
  }
  const pos = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const rangeOf = (node: Node | null | undefined): Located | undefined =>
    node?.range ? { start: pos(node.range[0]), end: pos(node.range[1]) } : undefined;

  const record = (path: string, node: Node | null | undefined, header?: Node | null) => {
    const r = rangeOf(node);
    if (!r) return;
    result.locations.set(path, r);
    result.constructs.push(r);
    const h = rangeOf(header);
    if (h) result.headers.set(path, h);
  };

  const convertValue = (node: Node | null | undefined, path: string): unknown => {
    record(path, node);
    if (isSeq(node)) return node.items.map((item, i) => convertValue(item as Node, `${path}[${i}]`));
    if (isMap(node)) return convertBody(node, path);
    return isScalar(node) ? node.value : null;
  };

  const convertBlocks = (node: Node | null | undefined, path: string, header: Node | null): Record<string, unknown>[] => {
    const items = isSeq(node) ? node.items : [node];
    return items.map((item, i) => {
      // In a list of blocks each item is its own header; a single block object is headed by its key.
      record(`${path}[${i}]`, item as Node, isSeq(node) ? (item as Node) : header);
      return convertBody(item as Node, `${path}[${i}]`);
    });
  };

  const convertBody = (node: Node | null | undefined, path: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (!isMap(node)) return out;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value as Node | null;
      const child = path ? `${path}.${key}` : key;
      if (key === '//') {
        const r = rangeOf(pair.key as Node);
        const scope = rangeOf(node);
        if (r && scope && isScalar(value) && typeof value.value === 'string') result.comments.push({ text: value.value, at: r, ownLine: true, scope });
        continue;
      }
      if (key === 'dynamic' && isMap(value)) {
        const dyn: Record<string, unknown> = {};
        for (const d of value.items) {
          const label = isScalar(d.key) ? String(d.key.value) : '';
          dyn[label] = convertBlocks(d.value as Node, `${child}.${label}`, d.key as Node);
        }
        out.dynamic = [dyn];
        continue;
      }
      const blockish = isMap(value) || (isSeq(value) && value.items.every((i) => isMap(i)));
      out[key] = BLOCK_KEYS.has(key) && blockish ? convertBlocks(value, child, pair.key as Node) : convertValue(value, child);
    }
    return out;
  };

  const root = doc.contents;
  if (!isMap(root)) return result;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (DOUBLE_LABELLED_TOP.has(key) && isMap(value)) {
      const byType: Record<string, unknown> = {};
      for (const t of value.items) {
        const type = isScalar(t.key) ? String(t.key.value) : '';
        const byName: Record<string, unknown> = {};
        if (isMap(t.value)) {
          for (const n of t.value.items) {
            const name = isScalar(n.key) ? String(n.key.value) : '';
            byName[name] = convertBlocks(n.value as Node, `${key}.${type}.${name}`, n.key as Node);
          }
        }
        byType[type] = byName;
      }
      result.body[key] = byType;
    } else if (LABELLED_TOP.has(key) && isMap(value)) {
      const byName: Record<string, unknown> = {};
      for (const n of value.items) {
        const name = isScalar(n.key) ? String(n.key.value) : '';
        byName[name] = convertBlocks(n.value as Node, `${key}.${name}`, n.key as Node);
      }
      result.body[key] = byName;
    } else if (key === 'locals' || key === 'terraform') {
      result.body[key] = convertBlocks(value, key, pair.key as Node);
    }
  }
  return result;
}
