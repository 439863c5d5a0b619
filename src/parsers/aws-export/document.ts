import { isMap, isScalar, isSeq, type LineCounter, type Node, type YAMLMap } from 'yaml';
import type { Span } from '../../model/location.js';
import { jsonSyntaxError } from '../../util/json-error.js';
import { pos } from '../cloudformation/document.js';
import { parseJson } from '../cloudformation/json-parser.js';
import { tooDeeplyNested } from '../guard.js';
import type { Diagnostic } from '../types.js';

/** One export file (or one fetched region), parsed with the CloudFormation JSON parser's positions. */
export interface ExportDocument {
  path: string;
  text: string;
  root: YAMLMap;
  lines: LineCounter;
}

export type ExportLoad = { kind: 'export'; doc: ExportDocument } | { kind: 'broken'; diagnostics: Diagnostic[] };

/** Parses an export's JSON strictly: a syntax error, a repeated key or a root that is not an object is a located diagnostic. */
export function loadExport(path: string, text: string): ExportLoad {
  const json = parseJson(text);
  if (json.kind === 'too-deep') return { kind: 'broken', diagnostics: [tooDeeplyNested(text)] };
  if (json.kind === 'invalid') {
    let problem = { line: 1, column: 1, message: 'not valid JSON' };
    try {
      JSON.parse(text);
    } catch (e) {
      problem = jsonSyntaxError(text, e);
    }
    return { kind: 'broken', diagnostics: [{ line: problem.line, column: problem.column, message: `invalid JSON: ${problem.message}` }] };
  }
  if (json.duplicateKeys.length > 0) {
    const diagnostics = json.duplicateKeys.map((offset) => {
      const key = /^"([^"\n]{0,100})"/.exec(text.slice(offset, offset + 120))?.[1];
      const p = pos(json.lines, offset);
      return { line: p.line, column: p.column, message: `invalid export: ${key !== undefined ? `"${key}" is defined twice` : 'a key is defined twice'}` };
    });
    return { kind: 'broken', diagnostics };
  }
  if (!isMap(json.root)) return { kind: 'broken', diagnostics: [{ line: 1, column: 1, message: 'invalid export: the file must hold one JSON object' }] };
  return { kind: 'export', doc: { path, text, root: json.root, lines: json.lines } };
}

/** The node under `key` in an object node (JSON keys are strings). */
export function field(node: Node | null | undefined, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items) if (isScalar(pair.key) && pair.key.value === key) return (pair.value as Node | null) ?? undefined;
  return undefined;
}

/** The key node under which `key` is written in an object node. */
export function keyNode(node: Node | null | undefined, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items) if (isScalar(pair.key) && pair.key.value === key) return pair.key as Node;
  return undefined;
}

export function stringAt(node: Node | null | undefined, key: string): string | undefined {
  const v = field(node, key);
  return isScalar(v) && typeof v.value === 'string' ? v.value : undefined;
}

/** The items of a list node; an absent list is empty. */
export function itemsOf(node: Node | null | undefined): Node[] {
  return isSeq(node) ? (node.items as Node[]) : [];
}

/** A span over a node's text (a string value includes its quotes). */
export function spanOf(doc: ExportDocument, node: Node | null | undefined, path: string): Span {
  const range = node?.range;
  if (!range) return { file: doc.path, start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, path };
  return { file: doc.path, start: pos(doc.lines, range[0]), end: pos(doc.lines, range[1]), path };
}

/** A span from a key to the end of its value (`"GroupId": "sg-0abc…"`). */
export function pairSpan(doc: ExportDocument, node: Node | null | undefined, key: string, path: string): Span {
  const k = keyNode(node, key);
  const v = field(node, key);
  if (!k?.range || !v?.range) return spanOf(doc, node, path);
  return { file: doc.path, start: pos(doc.lines, k.range[0]), end: pos(doc.lines, v.range[1]), path };
}

export { isMap, isScalar, isSeq };
