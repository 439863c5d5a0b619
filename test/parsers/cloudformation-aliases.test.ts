import { parseDocument, visit, type Alias } from 'yaml';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/api.js';
import { aliasTargets } from '../../src/parsers/cloudformation/document.js';
import { workspace } from '../helpers/workspace.js';

/** Each alias of the text with what yaml's own Alias.resolve finds for it, and what aliasTargets finds. */
function bothWays(text: string) {
  const doc = parseDocument(text, { uniqueKeys: false });
  const aliases: Alias[] = [];
  visit(doc, { Alias: (_, a) => void aliases.push(a) });
  const targetOf = aliasTargets(doc);
  return aliases.map((a) => ({ source: a.source, yamlOwn: a.resolve(doc), linear: targetOf(a) }));
}

describe('aliasTargets: what each alias stands for, found in one visit', () => {
  it.each([
    ['a scalar, a map and a sequence', 'a: &s 1\nb: &m {x: 1}\nc: &q [1]\nd: [*s, *m, *q]\n'],
    ['an anchor written again: later aliases take the later node', 'a: &x 1\nb: *x\nc: &x 2\nd: *x\n'],
    ['an alias before its anchor stands for nothing', 'a: *x\nb: &x 1\n'],
    ['an anchor in a key, and aliases in keys', '? &k key\n: 1\n*k : 2\n'],
    ['an anchor on the map that holds the alias', 'a: &outer\n  b: 1\n  c: *outer\n'],
    ['merge keys', 'base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n'],
  ])('%s', (_name, text) => {
    const pairs = bothWays(text);
    expect(pairs.length).toBeGreaterThan(0);
    for (const p of pairs) expect(p.linear, p.source).toBe(p.yamlOwn);
  });

  it('agrees on a document of a thousand aliases to anchors written again and again', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? `k${i}: &a${(i / 10) % 30} ${i}` : `k${i}: *a${(i * 7) % 30}`));
    const pairs = bothWays(`${lines.join('\n')}\n`);
    expect(pairs.filter((p) => p.yamlOwn !== undefined).length).toBeGreaterThan(700);
    for (const p of pairs) expect(p.linear).toBe(p.yamlOwn);
  });

  it('reads a template of 100,000 aliases in Metadata, which spend no alias budget, and finds the rule its alias makes', async () => {
    const metadata = Array.from({ length: 100_000 }, (_, i) => `  k${i}: *port`).join('\n');
    const text = `AWSTemplateFormatVersion: "2010-09-09"\nMetadata:\n  base: &port 22\n${metadata}\nResources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: aliases\n      SecurityGroupIngress:\n        - { IpProtocol: tcp, FromPort: *port, ToPort: *port, CidrIp: 0.0.0.0/0, Description: ssh }\n`;
    const dir = workspace({ 't.yaml': text });
    const result = await lint([dir], { cwd: dir });
    expect(result.findings.map((f) => `${f.ruleId} ${f.at.start.line}`)).toEqual(['egress-unrestricted 100005', 'ingress-world-admin-port 100010']);
  });

  it('leaves what an alias stands for unknown once the alias budget is spent, rather than absent', async () => {
    const rules = Array.from({ length: 6000 }, (_, i) => `        - { IpProtocol: tcp, FromPort: *port, ToPort: *port, CidrIp: 10.${i >> 8}.${i & 255}.0/24, Description: r${i} }`).join('\n');
    const text = `AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  P:\n    Type: String\n    Default: &port 443\nResources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: aliases\n      SecurityGroupIngress:\n${rules}\n`;
    const dir = workspace({ 't.yaml': text });
    const result = await lint([dir], { cwd: dir, preset: 'all' });
    expect(result.findings.find((f) => f.ruleId === 'parse-error')?.message).toMatch(/too many YAML alias expansions/);
    expect(result.findings.filter((f) => f.ruleId === 'rule-shape-invalid')).toEqual([]);
  });
});
