import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/result.js';
import { formatCheckstyle } from '../../src/reporters/checkstyle.js';
import { finding, resultOf } from '../helpers/results.js';
import { runCli } from '../helpers/workspace.js';
import { parseXml, XmlError, type XmlElement } from '../helpers/xml.js';

const E2E = join(import.meta.dirname, '..', '..', 'fixtures', '_e2e');

/**
 * What checkstyle's report schema (checkstyle-report-1.0.0.xsd in the checkstyle repository, which checkstyle's
 * documentation names for validating its XML output) allows, as facts: a root <checkstyle> with an optional version;
 * <file> (name required), <error> and <exception> below it; <error> and <exception> below <file>; <error> attributes
 * line and column (positive integers), message, severity (error, warning or info) and source, all optional.
 */
function checkstyleSchemaProblems(root: XmlElement): string[] {
  const problems: string[] = [];
  const onlyAttrs = (el: XmlElement, allowed: string[]) => {
    for (const a of Object.keys(el.attrs)) if (!allowed.includes(a)) problems.push(`<${el.name}> has attribute ${a}`);
  };
  const error = (el: XmlElement) => {
    onlyAttrs(el, ['line', 'column', 'message', 'severity', 'source']);
    for (const a of ['line', 'column']) if (a in el.attrs && !/^\+?0*[1-9]\d*$/.test(el.attrs[a]!)) problems.push(`<error ${a}="${el.attrs[a]}"> is not a positive integer`);
    if ('severity' in el.attrs && !['error', 'warning', 'info'].includes(el.attrs.severity!)) problems.push(`<error severity="${el.attrs.severity}">`);
    if (el.children.length > 0 || el.text.trim() !== '') problems.push('<error> has content');
  };
  const exception = (el: XmlElement) => {
    onlyAttrs(el, []);
    if (el.children.length > 0) problems.push('<exception> has child elements');
  };
  if (root.name !== 'checkstyle') problems.push(`root element <${root.name}>`);
  onlyAttrs(root, ['version']);
  if (root.text.trim() !== '') problems.push('text directly in <checkstyle>');
  for (const child of root.children) {
    if (child.name === 'file') {
      onlyAttrs(child, ['name']);
      if (!('name' in child.attrs)) problems.push('<file> without name');
      if (child.text.trim() !== '') problems.push('text directly in <file>');
      for (const c of child.children) {
        if (c.name === 'error') error(c);
        else if (c.name === 'exception') exception(c);
        else problems.push(`<${c.name}> in <file>`);
      }
    } else if (child.name === 'error') error(child);
    else if (child.name === 'exception') exception(child);
    else problems.push(`<${child.name}> in <checkstyle>`);
  }
  return problems;
}

function valid(xml: string): XmlElement {
  const root = parseXml(xml);
  expect(checkstyleSchemaProblems(root)).toEqual([]);
  return root;
}

/** file name → its errors' attributes, as a reader of the report sees them. */
const errorsByFile = (root: XmlElement): Record<string, Record<string, string>[]> =>
  Object.fromEntries(root.children.filter((c) => c.name === 'file').map((f) => [f.attrs.name, f.children.map((e) => e.attrs)]));

// Python's xml.etree reads through expat, a conforming XML 1.0 parser: a second, independent reader of the same report.
const hasPython = spawnSync('python3', ['-c', 'import xml.etree.ElementTree'], { encoding: 'utf8' }).status === 0;
const EXPAT_NOTE = hasPython ? '' : ' [skipped: python3 is not installed]';
const EXPAT_READER = `
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
print(json.dumps({f.get("name"): [dict(e.attrib) for e in f] for f in root.iter("file")}))
`;
function readWithExpat(xml: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('python3', ['-c', EXPAT_READER], { input: Buffer.from(xml, 'utf8'), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the well-formedness check itself', () => {
  it.each([
    ['a bare "<" in an attribute', '<checkstyle><file name="a<b"/></checkstyle>'],
    ['a bare "&"', '<checkstyle><file name="a & b"/></checkstyle>'],
    ['an undeclared entity', '<checkstyle><file name="&nbsp;"/></checkstyle>'],
    ['mismatched tags', '<checkstyle><file name="a"></checkstyle></file>'],
    ['an unclosed element', '<checkstyle><file name="a">'],
    ['two root elements', '<checkstyle/><checkstyle/>'],
    ['a duplicate attribute', '<checkstyle><file name="a" name="b"/></checkstyle>'],
    ['a control character', '<checkstyle><file name="a\u0007"/></checkstyle>'],
    ['a reference to a control character', '<checkstyle><file name="a&#7;"/></checkstyle>'],
    ['a lone surrogate', '<checkstyle><file name="a\uD800"/></checkstyle>'],
    ['text after the root', '<checkstyle/>x'],
    ['an unquoted attribute', '<checkstyle version=4.3/>'],
  ])('rejects %s', (_what, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
  });

  it('resolves references and normalizes attribute white space as XML does', () => {
    const root = parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a x="1&#10;2&lt;&quot;&#x1F600;" y=\'tab\there\'>t &amp; u</a>\n');
    expect(root.attrs).toEqual({ x: '1\n2<"😀', y: 'tab here' });
    expect(root.text).toBe('t & u');
  });

  it('finds schema problems: an unknown attribute, a severity checkstyle does not know, line 0, a nameless file', () => {
    const root = parseXml('<checkstyle><file><error line="0" severity="note" rule="x"/></file></checkstyle>');
    expect(checkstyleSchemaProblems(root)).toEqual(['<file> without name', '<error> has attribute rule', '<error line="0"> is not a positive integer', '<error severity="note">']);
  });
});

describe('checkstyle format', () => {
  it('matches the snapshot for the mixed e2e project, and fits checkstyle\'s report schema', async () => {
    const run = await runCli(join(E2E, 'mixed'), ['.', '-f', 'checkstyle']);
    expect(run.code).toBe(1);
    await expect(run.stdout).toMatchFileSnapshot('./__snapshots__/e2e-mixed.checkstyle.xml');
    const root = valid(run.stdout);
    const json = (await runCli(join(E2E, 'mixed'), ['.', '-f', 'json'])).json();
    // Every analyzed file is listed; every unsuppressed finding is an error of its file, with source sg-lint.<rule id>.
    const active = json.findings.filter((f) => !f.suppressed);
    const errors = Object.entries(errorsByFile(root)).flatMap(([file, list]) => list.map((e) => `${file}:${e.line}:${e.column} ${e.source} ${e.severity} ${e.message}`));
    const severity = { error: 'error', warning: 'warning', note: 'info' } as Record<string, string>;
    expect(errors.sort()).toEqual(active.map((f) => `${f.file}:${f.line}:${f.column} sg-lint.${f.ruleId} ${severity[f.level]} ${f.message}`).sort());
    expect(json.findings.length - active.length).toBe(2); // the two suppressed findings are not in the report
    expect(Object.keys(errorsByFile(root))).toContain('cdk/bin/app.ts'); // a file without findings
  });

  it('escapes markup and replaces characters XML 1.0 cannot hold, so a reader gets the message back', () => {
    const message = 'a <b> & "c" \'d\'\ttab\nline\r\u0007bell \uD800 lone \u{1F512} lock ]]> end';
    const xml = formatCheckstyle(resultOf([finding(3, { message, at: { file: 'dir/"odd" & <name>.tf', start: { line: 3, column: 2 }, end: { line: 3, column: 9 }, path: '' } })]));
    const root = valid(xml);
    const expected = message.replace('\u0007', '\uFFFD').replace('\uD800', '\uFFFD');
    expect(errorsByFile(root)).toEqual({ 'dir/"odd" & <name>.tf': [{ line: '3', column: '2', severity: 'warning', message: expected, source: 'sg-lint.ingress-world-open-port' }] });
  });

  it.skipIf(!hasPython)(`reads the same in expat (Python's XML parser)${EXPAT_NOTE}`, async () => {
    const tricky = formatCheckstyle(resultOf([finding(1, { message: 'x < y & "z"\n\u0001\uFFFE' })]));
    const e2e = (await runCli(join(E2E, 'mixed'), ['.', '-f', 'checkstyle'])).stdout;
    for (const xml of [tricky, e2e]) {
      const read = readWithExpat(xml);
      expect(read.status, read.stderr).toBe(0);
      expect(JSON.parse(read.stdout)).toEqual(errorsByFile(parseXml(xml)));
    }
    // And expat refuses what our check refuses.
    expect(readWithExpat('<checkstyle><file name="a\u0007"/></checkstyle>').status).not.toBe(0);
  });

  it('maps levels to checkstyle severities, leaves suppressed findings out and gives a finding without a position neither line nor column', () => {
    const findings: Finding[] = [
      finding(1, { level: 'error' }),
      finding(2, { level: 'warning' }),
      finding(3, { level: 'note' }),
      finding(4, { suppressed: { kind: 'inline', reason: 'reviewed' } }),
      finding(0, { ruleId: 'parse-error', level: 'error', at: { file: 'main.tf', start: { line: 0, column: 0 }, end: { line: 0, column: 0 }, path: '' } }),
    ];
    const root = valid(formatCheckstyle(resultOf(findings)));
    expect(errorsByFile(root)['main.tf']!.map((e) => [e.line, e.severity, e.source])).toEqual([
      ['1', 'error', 'sg-lint.ingress-world-open-port'],
      ['2', 'warning', 'sg-lint.ingress-world-open-port'],
      ['3', 'info', 'sg-lint.ingress-world-open-port'],
      [undefined, 'error', 'sg-lint.parse-error'],
    ]);
  });

  it('writes run errors as <exception> elements and leaves notes out; an empty run is an empty report', () => {
    const result = resultOf([]);
    result.errors.push({ kind: 'internal', message: 'rule x threw <TypeError>', file: 'a.tf' }, { kind: 'trust', message: 'plugin skipped' });
    const root = valid(formatCheckstyle(result));
    expect(root.children.filter((c) => c.name === 'exception').map((c) => c.text)).toEqual(['sg-lint internal error: a.tf: rule x threw <TypeError>']);
    expect(formatCheckstyle(resultOf([]))).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n</checkstyle>\n');
  });
});
