import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseTfJson } from '../../src/parsers/terraform/tfjson.js';
import { addDuplicateKeyErrors } from '../../src/parsers/unique-keys.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** The errors as yaml's own uniqueKeys check reports them, and as the linear check does: code, offsets, line, first line. */
function bothWays(text: string) {
  const shown = (errors: ReturnType<typeof parseDocument>['errors']) =>
    errors.map((e) => ({ code: e.code, pos: e.pos, linePos: e.linePos, first: e.message.split('\n')[0] }));
  const yamlOwn = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: true });
  const lines = new LineCounter();
  const linear = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  addDuplicateKeyErrors(linear, lines);
  return { yamlOwn: shown(yamlOwn.errors), linear: shown(linear.errors) };
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return yamlFilesUnder(p);
    return /\.(ya?ml|json)$/.test(name) ? [p] : [];
  });
}

describe('addDuplicateKeyErrors: the errors of yaml uniqueKeys check, in linear time', () => {
  it.each([
    ['block map', 'a: 1\nb: 2\na: 3\n'],
    ['the same key three times', 'a: 1\na: 2\na: 3\n'],
    ['flow map', '{a: 1, b: 2, a: 3}\n'],
    ['nested maps, each with its own keys', 'x:\n  a: 1\n  a: 2\ny:\n  a: 1\nz: [{k: 1}, {k: 2, k: 3}]\n'],
    ['quoted and plain spellings of one string', 'a: 1\n"a": 2\n\'a\': 3\n'],
    ['a number and a string that look alike are two keys', '1: x\n"1": y\n1.0: z\n'],
    ['null, true and false keys', '~: a\nnull: b\ntrue: c\nTrue: d\n'],
    ['keys with an anchor or a tag', '&k a: 1\n!!str a: 2\n'],
    ['empty keys', ': 1\n: 2\n'],
    ['merge keys', 'base: &b {x: 1}\nm:\n  <<: *b\n  <<: *b\n'],
    ['pairs in a flow sequence are maps of their own', '[a: 1, a: 2]\n'],
    ['complex keys are never equal', '? [a]\n: 1\n? [a]\n: 2\n'],
    ['alias keys are never equal', 'k: &x a\n*x : 1\n*x : 2\n'],
    ['NaN keys are never equal', '.nan: 1\n.NaN: 2\n'],
    ['a duplicate beside other errors, kept in offset order', 'a: 1\na: 2\nb: [\nc: 1\nc: 2\n'],
    ['a long line', `${'k'.repeat(200)}: 1\n${'k'.repeat(200)}: 2\n`],
  ])('%s', (_name, text) => {
    const { yamlOwn, linear } = bothWays(text);
    expect(linear).toEqual(yamlOwn);
  });

  it("agrees with yaml's check on every YAML and JSON file of the fixtures, and with a key of each map written again", () => {
    let compared = 0;
    for (const file of yamlFilesUnder(FIXTURES)) {
      const text = readFileSync(file, 'utf8');
      const repeated = text.replace(/^(\s*)([A-Za-z][\w-]*):(.*)$/m, '$1$2:$3\n$1$2: again');
      for (const variant of [text, repeated]) {
        const { yamlOwn, linear } = bothWays(variant);
        if (yamlOwn.every((e) => e.code === 'DUPLICATE_KEY')) expect(linear, file).toEqual(yamlOwn);
        else {
          // Where yaml recovers from another error, it may place a repeated key where its recovery left off; the linear
          // check places it at the key itself. The other errors are the same, in the same order.
          const others = (errors: typeof yamlOwn) => errors.filter((e) => e.code !== 'DUPLICATE_KEY');
          expect(others(linear), file).toEqual(others(yamlOwn));
          expect(linear.length, file).toBe(yamlOwn.length);
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('reads a .tf.json of 50,000 keys, and names the one written twice', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `"k${i}": ${i}`);
    keys.push('"k123": 0');
    const result = parseTfJson(`{"locals": {\n${keys.join(',\n')}\n}}\n`);
    expect(result.diagnostics).toEqual([{ line: 50_002, column: 1, message: 'Map keys must be unique at line 50002, column 1:' }]);
  });
});
