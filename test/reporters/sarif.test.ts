import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import type { Finding } from '../../src/engine/result.js';
import { reportRules } from '../../src/reporters/index.js';
import { formatSarif, sarifTemplate } from '../../src/reporters/sarif.js';
import { resultOf } from '../helpers/results.js';
import { runCli } from '../helpers/workspace.js';

const Ajv04 = Ajv04Module.default;
const addFormats = addFormatsModule.default;

const ROOT = join(import.meta.dirname, '..', '..');
const E2E = join(ROOT, 'fixtures', '_e2e');
const PROJECTS = readdirSync(E2E).sort();
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

// The official SARIF 2.1.0 schema (draft-04), vendored from @microsoft/jest-sarif (MIT): see test/data/README.md.
const ajv = new Ajv04({ allErrors: true, unicodeRegExp: false, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test', 'data', 'sarif-2.1.0-rtm.5.json'), 'utf8')));

function expectValid(log: unknown): void {
  const ok = validate(log);
  expect(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
}

/**
 * The SARIF as a snapshot: the absolute repository root and the tool version (also in the docs links, which point at
 * the release's tag) replaced, and each rule's doc page (checked on its own below) replaced by its name, so that editing
 * a doc does not churn every snapshot.
 */
function normalized(text: string): string {
  const log = JSON.parse(text.split(ROOT).join('<root>').split(`"${VERSION}"`).join('"<version>"').split(`/blob/v${VERSION}/`).join('/blob/v<version>/')) as Sarif.Log;
  for (const rule of log.runs[0]!.tool.driver.rules ?? []) if (rule.help?.markdown) rule.help.markdown = `<rules/${rule.id}.md>`;
  return JSON.stringify(log, null, 2) + '\n';
}

async function sarifOf(project: string, extra: string[] = []): Promise<Sarif.Log> {
  const run = await runCli(join(E2E, project), ['.', '-f', 'sarif', ...extra]);
  expect(run.code, run.stderr).toBeLessThan(2);
  return JSON.parse(run.stdout) as Sarif.Log;
}

describe.each(PROJECTS)('SARIF of fixtures/_e2e/%s', (project) => {
  it('is valid against the official SARIF 2.1.0 schema and matches the snapshot', async () => {
    const run = await runCli(join(E2E, project), ['.', '-f', 'sarif']);
    const log = JSON.parse(run.stdout);
    expectValid(log);
    await expect(normalized(run.stdout)).toMatchFileSnapshot(`./__snapshots__/e2e-${project}.sarif`);
  });

  it('gives GitHub code scanning what it needs', async () => {
    const log = await sarifOf(project);
    const text = JSON.stringify(log);
    expect(text).not.toContain('uriBaseId');
    expect(text).not.toContain(ROOT);
    const run = log.runs[0]!;
    const rules = run.tool.driver.rules!;
    for (const rule of rules) {
      const doc = readFileSync(join(ROOT, 'rules', `${rule.id}.md`), 'utf8');
      expect(rule.help?.markdown, rule.id).toBe(doc.slice(doc.indexOf('\n---\n', 4) + 5).replace(/^\n+/, ''));
      expect(rule.helpUri, rule.id).toBe(`https://github.com/sg-lint/sg-lint/blob/v${VERSION}/rules/${rule.id}.md`);
      expect(rule.shortDescription?.text).toBeTruthy();
      expect(rule.defaultConfiguration?.level).toMatch(/^(error|warning|note)$/);
      const severity = rule.properties?.['security-severity'];
      if (severity !== undefined) {
        expect(severity, rule.id).toMatch(/^\d+\.\d$/);
        expect(rule.properties?.tags).toContain('security');
      }
    }
    for (const result of run.results!) {
      expect(rules[result.ruleIndex!]!.id).toBe(result.ruleId);
      expect(result.partialFingerprints?.['sgLint/v1']).toMatch(/^[0-9a-f]{32}$/);
      expect(result.locations).toHaveLength(1);
      for (const loc of [...result.locations!, ...(result.relatedLocations ?? [])]) {
        const uri = loc.physicalLocation!.artifactLocation!.uri!;
        // Relative to the repository root, which holds fixtures/: never absolute, file:, git:: or into .terraform/.
        expect(uri).toMatch(new RegExp(`^fixtures/_e2e/${project}/`));
        expect(uri).not.toMatch(/^(\/|[a-z]+:)|\.terraform\/|\.\.\//);
        expect(loc.physicalLocation!.region!.startLine).toBeGreaterThanOrEqual(1);
      }
      // message.id + arguments render to message.text (the conditions suffix aside).
      const template = rules[result.ruleIndex!]!.messageStrings![result.message.id!]!.text;
      const rendered = template.replace(/\{(\d+)\}/g, (_m, i: string) => result.message.arguments![Number(i)]!).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
      expect(result.message.text!.startsWith(rendered)).toBe(true);
    }
  });
});

describe('SARIF details', () => {
  it('has the call chain of a nested stack as related locations, the resource as logical location, and both suppression kinds', async () => {
    const log = await sarifOf('mixed');
    const results = log.runs[0]!.results!;
    const inChild = results.find((r) => r.ruleId === 'ingress-world-sensitive-port')!;
    expect(inChild.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('fixtures/_e2e/mixed/cloudformation/nested/db.yaml');
    expect(inChild.locations![0]!.logicalLocations).toEqual([{ fullyQualifiedName: 'DbSg', kind: 'resource' }]);
    expect(inChild.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: 'fixtures/_e2e/mixed/cloudformation/app.yaml' }, region: expect.objectContaining({ startLine: 20, startColumn: 3 }) },
        message: { text: 'reached through this call' },
      },
    ]);
    const inline = results.find((r) => r.suppressions?.[0]?.kind === 'inSource')!;
    expect(inline.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'public status page, reviewed by SEC-7', properties: { sgLintKind: 'inline' } }]);
    const config = results.find((r) => r.suppressions?.[0]?.kind === 'external')!;
    expect(config.suppressions![0]).toMatchObject({ kind: 'external', justification: 'Descriptions for the reporting stack arrive with REP-12', properties: { sgLintKind: 'config' } });
  });

  it('is relative to the repository root, not to the current directory', async () => {
    const run = await runCli(join(E2E, 'mixed', 'terraform'), ['network', '-f', 'sarif']);
    const uris = (JSON.parse(run.stdout) as Sarif.Log).runs[0]!.results!.map((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri);
    expect(uris.every((u) => u!.startsWith('fixtures/_e2e/mixed/terraform/network/'))).toBe(true);
  });

  it('turns named placeholders into SARIF arguments and doubles literal braces', () => {
    expect(sarifTemplate('Ingress from {peer} reaches {ports} on {group}; {peer} again {x y}')).toEqual({ text: 'Ingress from {0} reaches {1} on {2}; {0} again {{x y}}', names: ['peer', 'ports', 'group'] });
  });
});

describe('SARIF within GitHub limits', () => {
  const finding = (i: number, level: Finding['level'], suppressed = false): Finding => ({
    ruleId: 'ingress-world-open-port',
    level,
    messageId: 'openPort',
    data: { peer: '0.0.0.0/0', ports: `TCP ${1000 + i}`, group: 'g' },
    message: `finding ${i} ${'x'.repeat(200)}`,
    at: { file: `f${String(i).padStart(4, '0')}.tf`, start: { line: 1, column: 1 }, end: { line: 1, column: 5 }, path: '' },
    resource: 'aws_security_group.g',
    related: [],
    fingerprint: i.toString(16).padStart(32, '0'),
    root: '.',
    ...(suppressed ? { suppressed: { kind: 'inline' as const, reason: 'ok' } } : {}),
  });
  const rules = reportRules(RULES);

  it('drops suppressed results and the lowest levels first past the result cap, and says so', () => {
    const findings = [finding(0, 'note'), finding(1, 'error'), finding(2, 'warning', true), finding(3, 'warning'), finding(4, 'note'), finding(5, 'error')];
    const log = JSON.parse(formatSarif(resultOf(findings), { version: '1.0.0', rules, repoPath: (f) => f, limits: { maxResults: 3 } })) as Sarif.Log;
    expectValid(log);
    expect(log.runs[0]!.results!.map((r) => r.message.text!.split(' ')[1])).toEqual(['1', '3', '5']);
    const note = log.runs[0]!.invocations![0]!.toolExecutionNotifications!.at(-1)!;
    expect(note.level).toBe('warning');
    expect(note.message.text).toMatch(/^3 of 6 results were left out to stay within GitHub's SARIF upload limits \(3 results per run, 10 MB gzipped\): 2 notes, 1 suppressed\./);
  });

  it('stays under the gzipped size cap', () => {
    const findings = Array.from({ length: 400 }, (_v, i) => finding(i, i % 4 === 0 ? 'error' : 'warning'));
    // The rule descriptions (with their doc pages) are always there; leave room for about half of the results.
    const base = gzipSync(formatSarif(resultOf([]), { version: '1.0.0', rules, repoPath: (f) => f })).length;
    const full = gzipSync(formatSarif(resultOf(findings), { version: '1.0.0', rules, repoPath: (f) => f })).length;
    const cap = base + Math.floor((full - base) / 2);
    const text = formatSarif(resultOf(findings), { version: '1.0.0', rules, repoPath: (f) => f, limits: { maxGzipBytes: cap } });
    const log = JSON.parse(text) as Sarif.Log;
    expectValid(log);
    expect(gzipSync(text).length).toBeLessThanOrEqual(cap);
    const kept = log.runs[0]!.results!;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(400);
    expect(kept.filter((r) => r.level === 'error')).toHaveLength(100);
    expect(log.runs[0]!.invocations![0]!.toolExecutionNotifications!.at(-1)!.message.text).toMatch(/results were left out/);
  });
});
