import { describe, expect, it } from 'vitest';
import { daysAfter, suppressionEdits, suppressionSyntax } from '../../src/lsp/suppression-edit.js';
import { templateUrls } from '../../src/lsp/context.js';
import { lspRange } from '../../src/lsp/diagnostics.js';
import { readSettings, DEFAULT_SETTINGS } from '../../src/lsp/settings.js';
import { applyEdits } from '../helpers/lsp-client.js';
import { plainDescription } from '../../src/lsp/fixes.js';

const request = (file: string, text: string, line: number, path = '', character = 0) => ({ file, text, ruleId: 'egress-unrestricted', line, character, path, until: '2027-03-01', reason: 'TODO: why' });

describe('suppression edits', () => {
  it('picks the syntax by file: # for HCL and YAML, // for TypeScript, Metadata for JSON templates, none for Terraform JSON', () => {
    expect(suppressionSyntax('a/main.tf', '')).toEqual({ kind: 'comment', marker: '#' });
    expect(suppressionSyntax('prod.tfvars', '')).toEqual({ kind: 'comment', marker: '#' });
    expect(suppressionSyntax('t.yml', '')).toEqual({ kind: 'comment', marker: '#' });
    expect(suppressionSyntax('lib/s.ts', '')).toEqual({ kind: 'comment', marker: '//' });
    expect(suppressionSyntax('t.json', '')).toEqual({ kind: 'metadata' });
    expect(suppressionSyntax('t.template', '  {"Resources": {}}')).toEqual({ kind: 'metadata' });
    expect(suppressionSyntax('t.template', 'Resources: {}')).toEqual({ kind: 'comment', marker: '#' });
    expect(suppressionSyntax('main.tf.json', '{}')).toEqual({ kind: 'json-comment' });
    expect(suppressionSyntax('prod.tfvars.json', '{}')).toEqual({ kind: 'none' });
    expect(suppressionEdits(request('prod.tfvars.json', '{}', 0))).toBeNull();
  });

  it('keeps the line ending and indentation of the target line', () => {
    const text = 'a {\r\n\tb = 1\r\n}\r\n';
    expect(applyEdits(text, suppressionEdits(request('x.tf', text, 1))!)).toBe('a {\r\n\t# sg-lint-ignore egress-unrestricted until=2027-03-01 -- TODO: why\r\n\tb = 1\r\n}\r\n');
  });

  it('creates each missing Metadata level once, and adds to an ignore list that exists', () => {
    const existing = '{"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Metadata": {"sg-lint": {"ignore": [{"rule": "a", "reason": "b"}]}}}}}';
    const fixed = applyEdits(existing, suppressionEdits(request('t.json', existing, 0, 'Resources.Sg.Properties.SecurityGroupEgress[0]'))!);
    expect(JSON.parse(fixed).Resources.Sg.Metadata['sg-lint'].ignore).toEqual([{ rule: 'egress-unrestricted', reason: 'TODO: why', until: '2027-03-01' }, { rule: 'a', reason: 'b' }]);
    const empty = '{"Resources": {"Sg": {}}}';
    expect(JSON.parse(applyEdits(empty, suppressionEdits(request('t.json', empty, 0, 'Resources.Sg'))!)).Resources.Sg).toEqual({ Metadata: { 'sg-lint': { ignore: [{ rule: 'egress-unrestricted', reason: 'TODO: why', until: '2027-03-01' }] } } });
  });

  it('offers nothing it cannot write correctly: a path outside Resources, a resource that is not an object, a Metadata of the wrong shape, broken JSON', () => {
    expect(suppressionEdits(request('t.json', '{"Resources": {"Sg": {}}}', 0, 'Outputs.X'))).toBeNull();
    expect(suppressionEdits(request('t.json', '{"Resources": {"Sg": []}}', 0, 'Resources.Sg'))).toBeNull();
    expect(suppressionEdits(request('t.json', '{"Resources": {"Sg": {"Metadata": {"sg-lint": {"ignore": "x"}}}}}', 0, 'Resources.Sg'))).toBeNull();
    expect(suppressionEdits(request('t.json', '{"Resources": {"Sg": {', 0, 'Resources.Sg'))).toBeNull();
  });

  it('dates: until= is counted in UTC days, across month and year ends', () => {
    expect(daysAfter('2026-12-15', 90)).toBe('2027-03-15');
    expect(daysAfter('2028-02-28', 1)).toBe('2028-02-29');
  });
});

describe('server helpers', () => {
  it('finds local TemplateURLs in YAML and JSON, not remote ones or intrinsics', () => {
    expect(templateUrls('TemplateURL: ./a.yaml\n  TemplateURL: "b/c.json"\nTemplateURL: https://x/y.yaml\nTemplateURL: !Sub x\n')).toEqual(['./a.yaml', 'b/c.json']);
    expect(templateUrls('{"TemplateURL": "child.json", "TemplateURL": {"Fn::Sub": "x"}}')).toEqual(['child.json']);
  });

  it('converts 1-based exclusive spans to LSP ranges, never inverted', () => {
    expect(lspRange({ line: 8, column: 20 }, { line: 8, column: 31 })).toEqual({ start: { line: 7, character: 19 }, end: { line: 7, character: 30 } });
    expect(lspRange({ line: 3, column: 5 }, { line: 2, column: 1 })).toEqual({ start: { line: 2, character: 4 }, end: { line: 2, character: 4 } });
  });

  it('keeps the previous settings for malformed values', () => {
    expect(readSettings({ online: 'yes', debounceMs: -5, configFile: 3 }, DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
    expect(readSettings({ online: true, debounceMs: 50, configFile: 'ci/.sg-lint.yml' }, DEFAULT_SETTINGS)).toEqual({ online: true, debounceMs: 50, configFile: 'ci/.sg-lint.yml' });
    expect(readSettings(null, DEFAULT_SETTINGS)).toBe(DEFAULT_SETTINGS);
  });
});

describe('editors/vscode', () => {
  it('declares the settings the server reads, starts `lsp --stdio`, and ships its client file', async () => {
    const { readFileSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { ROOT } = await import('../helpers/built.js');
    const dir = join(ROOT, 'editors', 'vscode');
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { main: string; contributes: { configuration: { properties: Record<string, unknown> } } };
    expect(existsSync(join(dir, manifest.main))).toBe(true);
    const declared = Object.keys(manifest.contributes.configuration.properties).map((k) => k.replace(/^sgLint\./, ''));
    expect(declared.filter((k) => k !== 'path').sort()).toEqual(Object.keys({ ...DEFAULT_SETTINGS, configFile: '' }).sort());
    const client = readFileSync(join(dir, manifest.main), 'utf8');
    expect(client).toContain("args: ['lsp', '--stdio']");
  });
});

describe('plain descriptions (rules/rule-description-invalid.md "How to fix")', () => {
  it('drops apostrophes and quotes, writes accents, dashes and ellipses in ASCII', () => {
    expect(plainDescription('SSH from John’s home – café…')).toBe('SSH from Johns home - cafe...');
    expect(plainDescription('“Zürich” office')).toBe('Zurich office');
  });

  it('gives up where a plain form is not mechanical or not needed: other scripts, emoji, line breaks, an already valid text', () => {
    expect(plainDescription('Доступ по SSH')).toBeNull();
    expect(plainDescription('SSH 🔒')).toBeNull();
    expect(plainDescription('line one\nline two')).toBeNull();
    expect(plainDescription('already fine')).toBeNull();
    expect(plainDescription('’')).toBeNull();
  });
});
