import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { indexJson, NONE, type JsonIndex, type JsonValue } from '../../src/parsers/aws-export/json-index.js';
import { MAX_JSON_DEPTH, parseJson } from '../../src/parsers/cloudformation/json-parser.js';
// @ts-expect-error: a script of the repository, without types
import { generateExport } from '../../scripts/gen-aws-export.mjs';
import { jsonTexts } from '../helpers/json-texts.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? jsonFilesUnder(p) : name.endsWith('.json') ? [p] : [];
  });
}

/** Checks that the index holds, at `v`, what the CloudFormation parser's node holds: kind, value, offsets, keys. */
function expectSame(index: JsonIndex, node: Node, v: JsonValue, text: string): void {
  expect([index.start(v), index.end(v)], text).toEqual([node.range![0], node.range![1]]);
  if (isMap(node)) {
    expect(index.isObject(v)).toBe(true);
    expect(index.field(v, 'not a key of the text')).toBe(NONE);
    for (const pair of node.items) {
      const key = pair.key as Node & { value: string };
      const member = index.field(v, key.value);
      expect(index.keyStart(member)).toBe(key.range![0]);
      expectSame(index, pair.value as Node, member, text);
    }
  } else if (isSeq(node)) {
    expect(index.isArray(v)).toBe(true);
    const items = index.items(v);
    expect(items).toHaveLength(node.items.length);
    items.forEach((item, i) => expectSame(index, node.items[i] as Node, item, text));
  } else if (isScalar(node)) {
    expect(index.isObject(v) || index.isArray(v)).toBe(false);
    expect(index.string(v)).toBe(typeof node.value === 'string' ? node.value : undefined);
    expect(Object.is(index.number(v), typeof node.value === 'number' ? node.value : undefined)).toBe(true);
  }
}

/** What both readers say of a text: its kind and the offsets of its repeated keys. */
function verdicts(text: string): { cloudFormation: unknown; index: unknown } {
  const json = parseJson(text);
  const indexed = indexJson(text);
  return {
    cloudFormation: json.kind === 'parsed' ? { kind: 'parsed', duplicateKeys: [...json.duplicateKeys].sort((a, b) => a - b) } : { kind: json.kind },
    index: indexed.kind === 'parsed' ? { kind: 'parsed', duplicateKeys: [...indexed.duplicateKeys].sort((a, b) => a - b) } : { kind: indexed.kind },
  };
}

describe('indexJson', () => {
  it('accepts what the CloudFormation JSON parser accepts, with the same repeated keys, values, offsets, and lines and columns', () => {
    const texts = [...jsonFilesUnder(FIXTURES).map((f) => readFileSync(f, 'utf8')), ...jsonTexts(1500), (generateExport as (n: number) => string)(20)];
    let compared = 0;
    for (const text of texts) {
      const { cloudFormation, index } = verdicts(text);
      expect(index, JSON.stringify(text.slice(0, 200))).toEqual(cloudFormation);
      const json = parseJson(text);
      const indexed = indexJson(text);
      if (json.kind !== 'parsed' || indexed.kind !== 'parsed' || json.duplicateKeys.length > 0) continue;
      compared++;
      expectSame(indexed.index, json.root, 0, text);
      // Offsets out of order too: the index remembers the line it found last.
      for (const offset of [text.length, 0, Math.floor(text.length / 2), Math.floor(text.length / 3), text.length - 1].filter((o) => o >= 0)) {
        const p = json.lines.linePos(offset);
        expect(indexed.index.pos(offset)).toEqual({ line: p.line, column: p.col });
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('finds repeated keys however they are written, in small and large objects', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`);
    const texts = [
      '{"a": 1, "\\u0061": 2}',
      '{"GroupId": "sg-1", "b": {"x": 1, "\\u0078": 2}, "GroupId": "sg-2"}',
      `{${keys.join(', ')}, "k7": 0, "\\u006b39": 0, "k40": 0}`,
      `{${keys.join(', ')}, "k\\u0034\\u0030": 0, "k40": 1}`,
    ];
    for (const text of texts) {
      const { cloudFormation, index } = verdicts(text);
      expect(index).toEqual(cloudFormation);
      expect((index as { duplicateKeys: number[] }).duplicateKeys.length, text).toBeGreaterThan(0);
    }
  });

  it('finds a member whose key is written with escapes by the key it stands for', () => {
    const parsed = indexJson('{"Group\\u0049d": "sg-\\u0031", "FromPort": 22}');
    expect(parsed.kind).toBe('parsed');
    if (parsed.kind !== 'parsed') return;
    expect(parsed.index.string(parsed.index.field(0, 'GroupId'))).toBe('sg-1');
    expect(parsed.index.number(parsed.index.field(0, 'FromPort'))).toBe(22);
    expect(parsed.index.field(0, 'Group\\u0049d')).toBe(NONE);
  });

  it('stops past MAX_JSON_DEPTH, unless the text stopped being JSON before that depth', () => {
    const nested = (depth: number) => '{"a": ['.repeat(depth) + '1' + ']}'.repeat(depth);
    expect(indexJson(nested(MAX_JSON_DEPTH / 2)).kind).toBe('parsed');
    expect(indexJson(nested(MAX_JSON_DEPTH / 2 + 1)).kind).toBe('too-deep');
    expect(indexJson('['.repeat(100_000) + ']'.repeat(100_000)).kind).toBe('too-deep');
    expect(indexJson(`${'['.repeat(MAX_JSON_DEPTH + 1)}x`).kind).toBe('too-deep');
    expect(indexJson(`[x${'['.repeat(MAX_JSON_DEPTH + 1)}`).kind).toBe('invalid');
  });
});
