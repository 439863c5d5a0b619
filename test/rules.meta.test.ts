import { Ajv } from 'ajv';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/api.js';
import { BUILTIN_RULES } from '../src/engine/builtins.js';
import type { SourceFormat } from '../src/model/types.js';
import { RULES } from '../rules/index.js';
import { rulesTable } from '../src/docs/rules-table.js';
import { DOC_EXAMPLE_FORMATS, fixtureCases, FIXTURE_TODAY, IMPLEMENTED_FORMATS, REFUSED_AT_DEPLOY } from './helpers/fixtures.js';

const ROOT = join(import.meta.dirname, '..');
const SECTIONS = ['Rule details', 'Examples', 'Options', 'Why', 'How to fix', 'Unresolved values'];
const FENCE_FORMAT: Record<string, { file: string; format: SourceFormat }> = {
  hcl: { file: 'main.tf', format: 'terraform' },
  yaml: { file: 'template.yaml', format: 'cloudformation' },
  json: { file: 'template.json', format: 'cloudformation' },
  ts: { file: 'lib/stack.ts', format: 'cdk' },
  typescript: { file: 'lib/stack.ts', format: 'cdk' },
};

function frontmatter(doc: string): Record<string, string> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(doc);
  if (!m) return {};
  return Object.fromEntries(m[1]!.split('\n').map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
}

function examples(doc: string): { lang: string; kind: 'pass' | 'fail'; code: string }[] {
  return [...doc.matchAll(/```(\w+) (pass|fail)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, kind: m[2] as 'pass' | 'fail', code: m[3]! }));
}

describe('rule registry', () => {
  it('has unique ids, each equal to its file name', () => {
    const ids = [...BUILTIN_RULES, ...RULES].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) expect(existsSync(join(ROOT, 'rules', `${r.id}.ts`)), r.id).toBe(true);
  });
});

for (const rule of [...BUILTIN_RULES, ...RULES]) {
  describe(`${rule.id} meta`, () => {
    const docPath = join(ROOT, 'rules', `${rule.id}.md`);
    const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';

    it('has kebab-case id, title, description, practice and a valid level', () => {
      expect(rule.id).toMatch(/^(ingress|egress|rule|group|attachment)-[a-z0-9-]+$|^(parse-error|suppression-invalid|unresolved-value)$/);
      expect(rule.title.length).toBeGreaterThan(10);
      expect(rule.description.length).toBeGreaterThan(20);
      expect(['error', 'warning', 'note']).toContain(rule.level);
      if (rule.securitySeverity !== undefined) expect(rule.securitySeverity).toBeGreaterThanOrEqual(0.1);
    });

    it('has an options schema that compiles in strict mode and accepts its defaults', () => {
      const validate = new Ajv({ strict: true, allErrors: true }).compile(rule.options.schema);
      expect(validate(structuredClone(rule.options.defaults)), JSON.stringify(validate.errors)).toBe(true);
    });

    it('uses every messageId and declares every placeholder', () => {
      const source = RULES.includes(rule) ? readFileSync(join(ROOT, 'rules', `${rule.id}.ts`), 'utf8') : readFileSync(join(ROOT, 'src/engine/run.ts'), 'utf8');
      for (const id of Object.keys(rule.messages)) expect(source.includes(`'${id}'`), `messageId ${id} unused`).toBe(true);
    });

    it('has a doc page with frontmatter and the required sections in order', () => {
      expect(doc, `rules/${rule.id}.md missing`).not.toBe('');
      const fm = frontmatter(doc);
      expect(fm.id).toBe(rule.id);
      expect(fm.level).toBe(rule.level);
      const headings = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim());
      const positions = SECTIONS.map((s) => headings.indexOf(s));
      expect(positions.every((p) => p >= 0), `sections present: ${headings.join(', ')}`).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    });

    if (!RULES.includes(rule)) return;

    it('has pass and fail fixtures for every implemented format', () => {
      const cases = fixtureCases(rule.id);
      for (const format of IMPLEMENTED_FORMATS.filter((f) => !rule.formats || rule.formats.includes(f))) {
        expect(cases.some((c) => c.kind === 'pass' && c.formats.includes(format)), `pass-* ${format}`).toBe(true);
        if (format === 'aws' && REFUSED_AT_DEPLOY.has(rule.id)) continue;
        expect(cases.some((c) => c.kind === 'fail' && c.formats.includes(format)), `fail-* ${format}`).toBe(true);
      }
    });

    it('has doc examples that behave as stated', async () => {
      const list = examples(doc).filter((e) => FENCE_FORMAT[e.lang]);
      // An online rule's examples run with the offline `file` provider over the page's ```text blocklist fence.
      const blocklist = /```text blocklist\n([\s\S]*?)```/.exec(doc)?.[1];
      if (rule.online) expect(blocklist, 'an online rule needs a ```text blocklist fence for its examples').toBeDefined();
      const online = rule.online ? { online: { settings: { enabled: true, provider: 'file' as const, file: 'blocklist.txt' } } } : {};
      for (const format of DOC_EXAMPLE_FORMATS.filter((f) => !rule.formats || rule.formats.includes(f))) {
        const mine = list.filter((e) => FENCE_FORMAT[e.lang]!.format === format);
        expect(mine.some((e) => e.kind === 'fail') && mine.some((e) => e.kind === 'pass'), `one failing and one passing ${format} example`).toBe(true);
      }
      for (const ex of list) {
        const work = mkdtempSync(join(tmpdir(), 'sg-doc-'));
        try {
          mkdirSync(dirname(join(work, FENCE_FORMAT[ex.lang]!.file)), { recursive: true });
          writeFileSync(join(work, FENCE_FORMAT[ex.lang]!.file), ex.code);
          if (rule.online) writeFileSync(join(work, 'blocklist.txt'), blocklist ?? '');
          const result = await lint(['.'], { cwd: work, registry: [rule], preset: 'all', today: FIXTURE_TODAY, ...online });
          if (rule.online) expect(result.errors, ex.code).toEqual([]);
          expect(result.findings.filter((f) => f.ruleId === 'parse-error'), ex.code).toEqual([]);
          const hits = result.findings.filter((f) => f.ruleId === rule.id);
          if (ex.kind === 'fail') expect(hits.length, `failing example reports nothing:\n${ex.code}`).toBeGreaterThan(0);
          else expect(hits.map((f) => f.message), `passing example:\n${ex.code}`).toEqual([]);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      }
    });

    it('keeps its options schema stable', () => {
      expect(rule.options.schema).toMatchSnapshot();
    });
  });
}

describe('README', () => {
  it('has the rules table generated from rule metadata (npm run docs)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const m = /<!-- rules-table:start -->\n([\s\S]*?)<!-- rules-table:end -->/.exec(readme);
    expect(m, 'README has no rules-table markers').not.toBeNull();
    expect(m![1]).toBe(rulesTable());
  });
});
