import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { loadTemplate, parseYaml, readTemplateYaml } from '../../src/parsers/cloudformation/document.js';
// @ts-expect-error: a script of the repository, without types
import { compareReaders as compareAny } from '../../scripts/yaml-reader-diff.mjs';

/** Null when the fast reader declines the text, else the differences from yaml's tree (none: an empty list). */
const compareReaders = compareAny as (text: string, fast: typeof readTemplateYaml, slow: typeof parseYaml) => string[] | null;

const ROOT = join(import.meta.dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.(ya?ml|template)$/.test(name) ? [p] : [];
  });
}

/** The fast reader's tree, after checking that it is the one `yaml` builds. */
function read(text: string): YAMLMap {
  expect(compareReaders(text, readTemplateYaml, parseYaml)).toEqual([]);
  return readTemplateYaml(text)!.root;
}

const value = (map: YAMLMap, key: string) => map.get(key, true) as Node;
const scalar = (map: YAMLMap, key: string) => value(map, key) as Scalar;

describe('the fast YAML reader', () => {
  it('reads every YAML fixture as yaml does, or leaves it to yaml', () => {
    const files = [...yamlFiles(join(ROOT, 'fixtures')), ...yamlFiles(join(ROOT, 'test'))];
    const results = files.map((f) => [f, compareReaders(readFileSync(f, 'utf8'), readTemplateYaml, parseYaml)] as const);
    expect(results.filter(([, problems]) => problems && problems.length > 0)).toEqual([]);
    expect(results.filter(([, problems]) => problems !== null).length).toBeGreaterThan(files.length * 0.9);
  });

  it('types plain scalars by the YAML 1.2 core schema, and keeps tagged ones strings', () => {
    const root = read('a: 0x1F\nb: 0o17\nc: 1e3\nd: 1.50\ne: -.Inf\nf: .NaN\ng: ~\nh: Null\ni: TRUE\nj: yes\nk: 012\nl: 1_000\nm: !Ref 12\nn: +5\no: -0\n');
    const values = Object.fromEntries(root.items.map((p) => [(p.key as Scalar).value, (p.value as Scalar).value]));
    expect(values).toEqual({ a: 31, b: 15, c: 1000, d: 1.5, e: -Infinity, f: NaN, g: null, h: null, i: true, j: 'yes', k: 12, l: '1_000', m: '12', n: 5, o: -0 });
    expect([scalar(root, 'a').format, scalar(root, 'b').format, scalar(root, 'c').format, scalar(root, 'd').minFractionDigits]).toEqual(['HEX', 'OCT', 'EXP', 2]);
    expect([scalar(root, 'm').tag, scalar(root, 'm').type]).toEqual(['!Ref', 'PLAIN']);
  });

  it('reads quoted, multi-line and block scalars', () => {
    const text = [
      'a: "tab\\there \\u00e9"',
      "b: 'it''s'",
      'c: a long',
      '  plain text',
      '',
      '  over lines',
      'd: "folded',
      '   \\',
      '   joined"',
      'e: |',
      '  line 1',
      '    indented',
      '',
      'f: >-',
      '  folded',
      '  text',
      'g: |+',
      '  kept',
      '',
      'h: !Sub |2',
      '    two more',
      '',
    ].join('\n');
    const root = read(text);
    expect(root.items.map((p) => (p.value as Scalar).value)).toEqual(['tab\there é', "it's", 'a long plain text\nover lines', 'folded joined', 'line 1\n  indented\n', 'folded text', 'kept\n\n', '  two more\n']);
    expect(root.items.map((p) => (p.value as Scalar).type)).toEqual(['QUOTE_DOUBLE', 'QUOTE_SINGLE', 'PLAIN', 'QUOTE_DOUBLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED', 'BLOCK_LITERAL', 'BLOCK_LITERAL']);
    expect(scalar(root, 'h').tag).toBe('!Sub');
  });

  it('reads tagged flow collections and block collections under a tag', () => {
    const text = 'Cond: !If [IsProd, {a: 1, b: [x, !Ref y]}, !Ref AWS::NoValue]\nList: !Split\n  - ","\n  - !Ref L\n';
    const root = read(text);
    const cond = value(root, 'Cond') as YAMLSeq;
    const eol = text.indexOf('\n');
    expect([cond.tag, cond.flow, cond.range]).toEqual(['!If', true, [text.indexOf('['), eol, eol + 1]]);
    expect((cond.items[1] as YAMLMap).toJSON()).toEqual({ a: 1, b: ['x', 'y'] });
    expect([(cond.items[2] as Scalar).tag, (cond.items[2] as Scalar).range]).toEqual(['!Ref', [text.indexOf('AWS::'), eol - 1, eol - 1]]);
    const list = value(root, 'List') as YAMLSeq;
    expect([list.tag, list.flow, isSeq(list)]).toEqual(['!Split', undefined, true]);
  });

  it('ends a flow sequence item at the next comma, and a flow map value at its first line break', () => {
    const text = 'a: [x  # c\n    , y]\nb: {k: v  # c\n    , l: w}\n';
    const root = read(text);
    const x = (value(root, 'a') as YAMLSeq).items[0] as Scalar;
    expect(x.range).toEqual([4, 5, text.indexOf(', y')]);
    const v = (value(root, 'b') as YAMLMap).items[0]!.value as Scalar;
    expect(v.range).toEqual([text.indexOf('v '), text.indexOf('v ') + 1, text.indexOf('    , l')]);
  });

  it('gives a value the comment lines indented past its collection, and a collection the comments at its own depth', () => {
    const text = 'a:\n  b: x\n     # deeper: part of x\n  # at b: part of the inner map\nc: 1\n';
    const root = read(text);
    const inner = value(root, 'a') as YAMLMap;
    expect(scalar(inner, 'b').range).toEqual([8, 9, text.indexOf('  # at b')]);
    expect(inner.range).toEqual([5, text.indexOf('  # at b'), text.indexOf('c: 1')]);
    expect(readTemplateYaml(text)!.comments.map((c) => c.source)).toEqual(['# deeper: part of x', '# at b: part of the inner map']);
  });

  it('passes less indented comment lines on to the parent collection', () => {
    const text = 'a:\n  b: x\n# top\nc: 1\n';
    const inner = value(read(text), 'a') as YAMLMap;
    expect(inner.range).toEqual([5, 10, 10]);
  });

  it('reads a sequence at its key\'s indentation, compact maps and sequences in items, and empty values', () => {
    const text = '---\na:\n- x: 1\n  y:\n- - n\n  - m\n-\nb:\n';
    const root = read(text);
    const a = value(root, 'a') as YAMLSeq;
    expect(a.toJSON()).toEqual([{ x: 1, y: null }, ['n', 'm'], null]);
    const afterDash = text.indexOf('-\nb') + 1;
    expect((a.items[2] as Scalar).range).toEqual([afterDash, afterDash, afterDash]);
    expect([scalar(root, 'b').value, scalar(root, 'b').range]).toEqual([null, [text.length - 1, text.length - 1, text.length - 1]]);
  });

  it('builds yaml node classes with the same line starts and no YAML document', () => {
    const loaded = loadTemplate('t.yaml', "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup # ok\n");
    expect(loaded.kind).toBe('template');
    if (loaded.kind !== 'template') return;
    expect(loaded.template.doc).toBeNull();
    expect(isMap(loaded.template.root) && isScalar(loaded.template.root.items[0]!.key)).toBe(true);
    expect(loaded.template.lines.lineStarts).toEqual([0, 39, 50, 56, 95]);
    expect(loaded.template.comments.map((c) => [c.text, c.at.start.line, c.ownLine])).toEqual([['ok', 4, false]]);
  });

  it('reads scalars over lines inside flow collections, tags with nothing after them in flow, and block scalars whose header has a line of its own', () => {
    const join = read("Cmd:\n  content: !Join ['\n\n      ', [a plain\n     text, \"quoted\n\n     text\", !GetAZs ]]\n");
    const parts = value(value(join, 'Cmd') as YAMLMap, 'content') as YAMLSeq;
    const [separator, list] = parts.items as [Scalar, YAMLSeq];
    expect([separator.value, separator.type]).toEqual(['\n', 'QUOTE_SINGLE']);
    expect((list.items as Scalar[]).map((n) => [n.value, n.tag])).toEqual([
      ['a plain text', undefined],
      ['quoted\ntext', undefined],
      ['', '!GetAZs'],
    ]);
    expect(value(value(read('a: {k: !GetAZs , j: 1}\n'), 'a') as YAMLMap, 'k')).toMatchObject({ value: '', tag: '!GetAZs' });
    const trailing = value(read('a: !Join [\n    "",\n    [x, y,],\n  ]\n'), 'a') as YAMLSeq;
    expect(((trailing.items[1] as YAMLSeq).items as Scalar[]).map((n) => n.value)).toEqual(['x', 'y']);
    const user = read('UserData:\n  Fn::Base64:\n    !Sub |\n      #!/bin/bash\n      echo ${AWS::Region}\n  Other: 1\n');
    const script = value(value(user, 'UserData') as YAMLMap, 'Fn::Base64') as Scalar;
    expect([script.value, script.tag, script.type]).toEqual(['#!/bin/bash\necho ${AWS::Region}\n', '!Sub', 'BLOCK_LITERAL']);
    expect(scalar(read('a:\n  >-\n    one\n    two\n'), 'a').value).toBe('one two');
    // Content is indented past the collection, not past the header's line; an indentation indicator counts from the collection.
    expect(scalar(read('a:\n    !Sub |\n   x\n'), 'a').value).toBe('x\n');
    expect(scalar(read('a:\n  !Sub |2\n    x\n'), 'a').value).toBe('  x\n');
  });

  it('reads a tag alone on its line, with its collection on the lines after it', () => {
    const root = read('GenerateSecretString:\n  !If\n  - HasPassword\n  - !Ref AWS::NoValue\n  - {PasswordLength: 30}\nOther:\n  !Sub\n  a: 1\n');
    const choice = value(root, 'GenerateSecretString') as YAMLSeq;
    expect([choice.tag, choice.items.length, (choice.items[0] as Scalar).value]).toEqual(['!If', 3, 'HasPassword']);
    expect([(value(root, 'Other') as YAMLMap).tag, scalar(value(root, 'Other') as YAMLMap, 'a').value]).toEqual(['!Sub', 1]);
  });

  it('reads a block scalar with no line of content: its blank lines kept by `+`, left out of its range otherwise', () => {
    const items = (value(read('files:\n  - stack=\n  - |+\n\n  - region=\n  - |\n\n  - end\n'), 'files') as YAMLSeq).items as Scalar[];
    expect(items.map((n) => n.value)).toEqual(['stack=', '\n', 'region=', '', 'end']);
    const text = 'k0: |-\n    \n\nk1: x\n';
    expect(scalar(read(text), 'k0').range).toEqual([4, 12, 12]);
  });

  it('reads a pair in a flow sequence as a map of one pair that ends where its value does', () => {
    const text = "Az: !Select [0, Fn::GetAZs: !Ref AWS::Region]\nB: [k: !Ref x\n  , d]\n";
    const root = read(text);
    const [index, pair] = (value(root, 'Az') as YAMLSeq).items as [Scalar, YAMLMap];
    expect(index.value).toBe(0);
    expect([(pair.items[0]!.key as Scalar).value, (pair.items[0]!.value as Scalar).value, (pair.items[0]!.value as Scalar).tag]).toEqual(['Fn::GetAZs', 'AWS::Region', '!Ref']);
    expect(pair.flow).toBe(true);
    // Before a line break, a pair's range ends after the break, not at the next comma.
    const broken = (value(root, 'B') as YAMLSeq).items[0] as YAMLMap;
    expect(broken.range).toEqual([text.indexOf('k:'), text.indexOf('\n  ,'), text.indexOf('\n  ,') + 1]);
  });

  it.each([
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a merge key', 'a:\n  <<: {b: 1}\n'],
    ['a tab', 'a:\n\tb: 1\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['a byte order mark', '\uFEFFa: 1\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a complex key', '? a\n: 1\n'],
    ['an unknown tag', 'a: !Foo 1\n'],
    ['a tag with nothing after it', 'a: !Ref\nb: 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['an empty value before a comment', 'a: # why\nb: 1\n'],
    ['an empty item after a comment line', '- x\n# why\n-\n'],
    ['a quoted scalar continued at its key\'s indentation', 'a: "one\ntwo"\n'],
    ['a multi-line key', 'a: b\n  c: d\n'],
    ['a pair in a flow sequence followed by a colon', 'a: [b: c: d]\n'],
    ['a flow scalar continued at the indentation of the block around it', 'a:\n  b: [c\n  d]\n'],
    ['a comment line inside a flow scalar', 'a: [b\n  # c\n  d]\n'],
    ['a tag before a line break in a flow collection', 'a: [!Ref\n  b]\n'],
    ['a pair with a tagged key in a flow sequence', 'a: [!Ref b: c]\n'],
    ['a pair in a flow sequence with no value', 'a: [b: , c]\n'],
    ['two commas in a row', 'a: [b,, c]\n'],
    ['an unknown escape', 'a: "\\q"\n'],
    ['a block scalar with leading lines indented past its content', 'a: |\n    \n  x\n'],
    ['an indented root', '  a: 1\n'],
    ['a root sequence', '- a\n'],
  ])('leaves %s to yaml', (_, text) => {
    expect(readTemplateYaml(text)).toBeNull();
  });

  it('keeps the diagnostics of what it leaves to yaml', () => {
    const loaded = loadTemplate('t.yaml', 'Resources:\n  A:\n    Type: AWS::S3::Bucket\n  A:\n    Type: AWS::S3::Bucket\n');
    expect(loaded).toMatchObject({ kind: 'broken', diagnostics: [{ line: 4, message: 'Map keys must be unique: "A" is defined twice' }] });
  });
});
