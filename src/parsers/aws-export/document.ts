import type { Span } from '../../model/location.js';
import { jsonSyntaxError } from '../../util/json-error.js';
import { tooDeeplyNested } from '../guard.js';
import type { Diagnostic } from '../types.js';
import { indexJson, NONE, type JsonIndex, type JsonValue } from './json-index.js';

export { NONE, type JsonValue };

/** One export file (or one fetched region), read into a JsonIndex: values with their offsets. */
export interface ExportDocument {
  path: string;
  text: string;
  json: JsonIndex;
  /** The root object (index 0). */
  root: JsonValue;
}

export type ExportLoad = { kind: 'export'; doc: ExportDocument } | { kind: 'broken'; diagnostics: Diagnostic[] };

/** Parses an export's JSON strictly: a syntax error, a repeated key or a root that is not an object is a located diagnostic. */
export function loadExport(path: string, text: string): ExportLoad {
  const json = indexJson(text);
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
      const p = json.index.pos(offset);
      return { line: p.line, column: p.column, message: `invalid export: ${key !== undefined ? `"${key}" is defined twice` : 'a key is defined twice'}` };
    });
    return { kind: 'broken', diagnostics };
  }
  const root = 0;
  if (!json.index.isObject(root)) return { kind: 'broken', diagnostics: [{ line: 1, column: 1, message: 'invalid export: the file must hold one JSON object' }] };
  return { kind: 'export', doc: { path, text, json: json.index, root } };
}

/** The value under `key` in an object (NONE when absent). */
export function field(doc: ExportDocument, value: JsonValue, key: string): JsonValue {
  return doc.json.field(value, key);
}

/** The string under `key` in an object. */
export function stringAt(doc: ExportDocument, value: JsonValue, key: string): string | undefined {
  return doc.json.string(doc.json.field(value, key));
}

/** The items of a list; an absent list is empty. */
export function itemsOf(doc: ExportDocument, value: JsonValue): JsonValue[] {
  return doc.json.items(value);
}

/** A span over a value's text (a string value includes its quotes). */
export function spanOf(doc: ExportDocument, value: JsonValue, path: string): Span {
  if (value === NONE) return { file: doc.path, start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, path };
  return { file: doc.path, start: doc.json.pos(doc.json.start(value)), end: doc.json.pos(doc.json.end(value)), path };
}

/** A span from a key to the end of its value (`"GroupId": "sg-0abc…"`). */
export function pairSpan(doc: ExportDocument, value: JsonValue, key: string, path: string): Span {
  const member = doc.json.field(value, key);
  if (member === NONE) return spanOf(doc, value, path);
  return { file: doc.path, start: doc.json.pos(doc.json.keyStart(member)), end: doc.json.pos(doc.json.end(member)), path };
}
