import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatText } from '../src/reporters/text.js';
import { RULES } from '../rules/index.js';
import { fixtureCases, FIXTURES, readExpectations, runCase } from './helpers/fixtures.js';

// The generic rule harness: every fixture case runs with only the rule under test, and its findings must match the
// case's annotations exactly, both ways. Adding a rule or a case needs no test code.
for (const rule of RULES) {
  describe(rule.id, () => {
    const cases = fixtureCases(rule.id);
    it('has fixture cases with distinct contents', () => {
      expect(cases.length).toBeGreaterThan(0);
      const digests = cases.filter((c) => !c.isDir).map((c) => createHash('sha256').update(readFileSync(c.path)).digest('hex'));
      expect(new Set(digests).size, 'two cases have the same content').toBe(digests.length);
    });
    for (const c of cases) {
      it(`${c.name}`, async () => {
        const { result, files } = await runCase(c, rule);
        const expectation = readExpectations(rule.id, files, c.expectFile);
        expect(expectation.foreign, 'annotations for another rule').toEqual([]);
        expect(result.errors, 'run errors').toEqual([]);
        expect(result.findings.filter((f) => f.ruleId === 'parse-error').map((f) => f.message), 'parse errors').toEqual([]);
        const mine = result.findings.filter((f) => f.ruleId === rule.id && !f.suppressed);
        if (c.kind === 'pass') {
          expect(expectation.lines.size, 'a pass case carries no sg-lint-expect annotation').toBe(0);
          expect(mine.map((f) => `${f.at.file}:${f.at.start.line} ${f.message}`)).toEqual([]);
          return;
        }
        expect(expectation.lines.size + expectation.paths.length, 'a fail case needs sg-lint-expect annotations').toBeGreaterThan(0);
        if (expectation.paths.length > 0) {
          expect(mine.map((f) => f.at.path).sort()).toEqual([...expectation.paths].sort());
        } else {
          const actual = new Map<string, number>();
          for (const f of mine) actual.set(`${f.at.file}:${f.at.start.line}`, (actual.get(`${f.at.file}:${f.at.start.line}`) ?? 0) + 1);
          expect(Object.fromEntries([...actual].sort()), mine.map((f) => `${f.at.file}:${f.at.start.line} ${f.message}`).join('\n')).toEqual(
            Object.fromEntries([...expectation.lines].sort()),
          );
        }
        for (const line of expectation.okLines) expect(mine.filter((f) => `${f.at.file}:${f.at.start.line}` === line)).toEqual([]);
        const snapshot = formatText({ ...result, findings: result.findings.filter((f) => f.ruleId === rule.id) }, { color: false, codeFrames: true });
        const snapName = c.isDir || statSync(c.path).isDirectory() ? c.name : c.name;
        await expect(snapshot).toMatchFileSnapshot(join(FIXTURES, rule.id, '__snapshots__', `${snapName}.snap`));
      });
    }
  });
}
