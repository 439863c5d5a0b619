import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { loadTemplate } from '../../src/parsers/cloudformation/document.js';
import { MAX_JSON_DEPTH, parseJson } from '../../src/parsers/cloudformation/json-parser.js';
import { jsonTexts } from '../helpers/json-texts.js';
import { runCli, workspace, type JsonReport } from '../helpers/workspace.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** Every node as one line: kind, value, tag, flow style and source range; what the front end reads of a node. */
function shape(node: unknown, out: string[] = []): string[] {
  const n = node as Node | null;
  const at = n?.range ? `${n.range[0]}-${n.range[1]}` : '-';
  if (isScalar(n)) out.push(`scalar ${Object.is(n.value, -0) ? '-0' : JSON.stringify(n.value)} ${typeof n.value} ${n.tag ?? ''} ${at}`);
  else if (isMap(n)) {
    out.push(`map ${n.flow ? 'flow' : 'block'} ${at}`);
    for (const pair of n.items) shape(pair.value, shape(pair.key, out));
    out.push('end');
  } else if (isSeq(n)) {
    out.push(`seq ${n.flow ? 'flow' : 'block'} ${at}`);
    for (const item of n.items) shape(item, out);
    out.push('end');
  } else out.push(String(n));
  return out;
}

function filesUnder(dir: string, match: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p, match) : match.test(name) ? [p] : [];
  });
}

const TEMPLATE = (properties: string) =>
  `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": ${properties}}}}`;

const SSH_OPEN_JSON = `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Bastion": {
      "Type": "AWS::EC2::SecurityGroup",
      "Metadata": { "sg-lint": { "ignore": [ { "rule": "egress-unrestricted", "reason": "reviewed" } ] } },
      "Properties": {
        "GroupDescription": "bastion",
        "SecurityGroupIngress": [
          { "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0", "Description": "ssh" },
          {"IpProtocol":"-1","CidrIpv6":"::/0"}
        ]
      }
    }
  }
}
`;

const plain = (n: Node): unknown => (isMap(n) ? Object.fromEntries(n.items.map((p) => [(p.key as { value: unknown }).value, plain(p.value as Node)])) : isSeq(n) ? n.items.map((i) => plain(i as Node)) : (n as { value: unknown }).value);

describe('parseJson', () => {
  it('builds the nodes the YAML composer builds from the same JSON: values, flow style and source ranges', () => {
    const texts = filesUnder(FIXTURES, /\.(json|template)$/)
      .map((f) => readFileSync(f, 'utf8'))
      .filter((t) => /^\s*[{[]/.test(t));
    texts.push(TEMPLATE('{"a": [-0, 1e400, 1.50, 12345678901234567890, 0.1e-2, -1E+2, true, false, null], "b": {}, "c": [], "\\u0054ype": "\\ud83d\\ude00 \\/ \\n"}'));
    texts.push('\n\n  [ 1 ,\n\t{ "x" : "y" } ]  \n');
    expect(texts.length).toBeGreaterThan(30);
    for (const text of texts) {
      const yaml = parseDocument(text, { uniqueKeys: true });
      expect(yaml.errors).toEqual([]);
      const json = parseJson(text);
      expect(json.kind).toBe('parsed');
      if (json.kind === 'parsed') expect(shape(json.root)).toEqual(shape(yaml.contents));
    }
  });

  it('agrees with JSON.parse on what is JSON and on every value, and each node range holds exactly that value', () => {
    let valid = 0;
    for (const text of jsonTexts(1500)) {
      let expected: unknown;
      let isJson = true;
      try {
        expected = JSON.parse(text);
      } catch {
        isJson = false;
      }
      const json = parseJson(text);
      expect(json.kind, JSON.stringify(text)).toBe(isJson ? 'parsed' : 'invalid');
      if (json.kind !== 'parsed') continue;
      valid++;
      expect(isDeepStrictEqual(plain(json.root), expected), JSON.stringify(text)).toBe(true);
      const pending: Node[] = [json.root];
      while (pending.length > 0) {
        const node = pending.pop()!;
        expect(isDeepStrictEqual(JSON.parse(text.slice(node.range![0], node.range![1])), plain(node))).toBe(true);
        if (isMap(node)) for (const p of node.items) pending.push(p.key as Node, p.value as Node);
        if (isSeq(node)) pending.push(...(node.items as Node[]));
      }
    }
    expect(valid).toBeGreaterThan(500);
  });

  it('reports each repeated key where it is repeated, as the YAML composer does', () => {
    const text = '{"a": 1, "b": {"x": 1, "\\u0078": 2}, "a": 3, "c": {"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k3":9}}';
    const json = parseJson(text);
    expect(json.kind).toBe('parsed');
    const yaml = parseDocument(text, { uniqueKeys: true });
    const yamlOffsets = yaml.errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => e.pos[0]);
    if (json.kind === 'parsed') expect([...json.duplicateKeys].sort((a, b) => a - b)).toEqual(yamlOffsets.sort((a, b) => a - b));
    expect(yamlOffsets).toHaveLength(3);
  });

  it('follows deep nesting without recursion and stops past MAX_JSON_DEPTH', () => {
    const nested = (depth: number) => '{"a": ['.repeat(depth) + '1' + ']}'.repeat(depth);
    expect(parseJson(nested(MAX_JSON_DEPTH / 2)).kind).toBe('parsed');
    expect(parseJson(nested(MAX_JSON_DEPTH / 2 + 1)).kind).toBe('too-deep');
    expect(parseJson('['.repeat(100_000) + ']'.repeat(100_000)).kind).toBe('too-deep');
  });
});

describe('JSON templates', () => {
  const lint = async (files: Record<string, string>) => (await runCli(workspace(files), ['.', '-f', 'json', '--fail-on', 'none'])).json();
  const located = (report: JsonReport, file: string) =>
    report.findings.filter((f) => f.file === file).map((f) => ({ rule: f.ruleId, message: f.message, path: f.path, line: f.line, column: f.column, end: [(f as { endLine?: number }).endLine, (f as { endColumn?: number }).endColumn], suppressed: f.suppressed }));

  it('places findings and Metadata suppressions where the YAML parser placed them', async () => {
    // A comment line first makes the same text YAML (a flow mapping): one line lower, same columns.
    const report = await lint({ 'json/t.json': SSH_OPEN_JSON, 'yaml/t.yaml': `# read as YAML\n${SSH_OPEN_JSON}` });
    const json = located(report, 'json/t.json');
    const yaml = located(report, 'yaml/t.yaml').map((f) => ({ ...f, line: f.line - 1, end: [f.end[0]! - 1, f.end[1]] }));
    expect(json.length).toBeGreaterThanOrEqual(3);
    expect(json).toEqual(yaml);
    expect(json.find((f) => f.rule === 'ingress-world-admin-port')).toMatchObject({ line: 10, column: 74, end: [10, 85] });
    expect(json.find((f) => f.rule === 'egress-unrestricted')?.suppressed).toMatchObject({ kind: 'inline', reason: 'reviewed' });
  });

  it('reports malformed JSON at its line and column, quoting nothing of the file', async () => {
    const report = await lint({ 'bad.json': TEMPLATE('{\n  "GroupDescription": "s3cr3t-token"\n  "VpcId": "vpc-1"}') });
    const errors = report.findings.filter((f) => f.ruleId === 'parse-error');
    expect(errors.map((f) => [f.file, f.line, f.column])).toEqual([['bad.json', 3, 3]]);
    expect(errors[0]!.message).toMatch(/invalid JSON/);
    expect(errors[0]!.message).not.toMatch(/s3cr3t|vpc-1/);
  });

  it('reports repeated keys with the YAML path message, at the repeat', async () => {
    const report = await lint({ 'dup.json': '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Type": "AWS::EC2::SecurityGroup"}}\n}\n' });
    expect(report.findings.filter((f) => f.ruleId === 'parse-error').map((f) => [f.line, f.column, f.message])).toEqual([
      [3, 59, 'File cannot be analyzed: Map keys must be unique: "Type" is defined twice'],
    ]);
  });

  it('reads a template with a byte-order mark, CRLF or lone CR line breaks, with the columns of the text after the mark', async () => {
    const oneLine = TEMPLATE('{"GroupDescription": "x", "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]}');
    const report = await lint({ 'plain.json': oneLine, 'bom.json': `\ufeff${oneLine}`, 'crlf.json': SSH_OPEN_JSON.replace(/\n/g, '\r\n'), 'cr.json': SSH_OPEN_JSON.replace(/\n/g, '\r') });
    const ssh = (file: string) => report.findings.filter((f) => f.file === file && f.ruleId === 'ingress-world-admin-port').map((f) => [f.line, f.column]);
    expect(ssh('bom.json')).toEqual(ssh('plain.json'));
    expect(ssh('bom.json')).toHaveLength(1);
    expect(ssh('crlf.json')).toEqual([[10, 74]]);
    // A lone CR is JSON whitespace; the YAML parser refused it. Lines count line feeds, as everywhere else.
    expect(ssh('cr.json')).toHaveLength(1);
    expect(report.findings.some((f) => f.ruleId === 'parse-error')).toBe(false);
  });

  it('analyzes a template nested a few hundred levels deep, and reports one nested thousands deep at its deepest bracket', async () => {
    const tags = (depth: number) => TEMPLATE(`{"GroupDescription": "x", "Tags": ${'{"a": '.repeat(depth)}1${'}'.repeat(depth)}, "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]}`);
    const report = await lint({ 'deep.json': tags(900), 'deeper.json': tags(5000) });
    expect(report.findings.some((f) => f.file === 'deep.json' && f.ruleId === 'ingress-world-admin-port')).toBe(true);
    const deeper = report.findings.filter((f) => f.file === 'deeper.json');
    expect(deeper.map((f) => [f.ruleId, f.line, f.message])).toEqual([['parse-error', 1, 'File cannot be analyzed: nested too deeply to analyze (5004 levels of brackets here)']]);
    expect(deeper[0]!.column).toBeGreaterThan(5000);
  });

  it('keeps reading a .json file that holds YAML as YAML, and a flow-style YAML .json file as invalid JSON', async () => {
    const yaml = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n      SecurityGroupIngress:\n        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }\n';
    const report = await lint({ 'yaml.json': yaml, 'flow.json': '{AWSTemplateFormatVersion: "2010-09-09", Resources: {Sg: {Type: AWS::EC2::SecurityGroup}}}\n' });
    expect(report.findings.filter((f) => f.file === 'yaml.json' && f.ruleId === 'ingress-world-admin-port').map((f) => f.line)).toEqual([8]);
    expect(report.findings.filter((f) => f.file === 'flow.json').map((f) => [f.ruleId, f.line, f.column, /invalid JSON/.test(f.message)])).toEqual([['parse-error', 1, 2, true]]);
  });
});

describe('loadTemplate: YAML comments', () => {
  it('keeps the comments, and not a # inside a quoted, plain or block scalar', () => {
    const text = [
      '# top',
      'AWSTemplateFormatVersion: "2010-09-09" # after a value',
      'Description: "not # a comment"',
      'Resources: # sg-lint-ignore x -- y',
      '  Sg:',
      '    Type: AWS::EC2::SecurityGroup',
      '    Properties:',
      '      GroupDescription: plain#text',
      '      Tags:',
      '        - Key: k',
      '          Value: |',
      '            # a line of the block',
      '      # own line',
      '',
    ].join('\n');
    const loaded = loadTemplate('t.yaml', text);
    expect(loaded.kind).toBe('template');
    if (loaded.kind !== 'template') return;
    expect(loaded.template.comments.map((c) => [c.text, c.at.start.line, c.at.start.column, c.ownLine])).toEqual([
      ['top', 1, 1, true],
      ['after a value', 2, 40, false],
      ['sg-lint-ignore x -- y', 4, 12, false],
      ['own line', 13, 7, true],
    ]);
    expect(loaded.template.constructs.filter((c) => c.start.line === 4).map((c) => c.start.column)).toEqual([1]);
  });
});
