import { Ajv } from 'ajv';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mermaidProblems } from './helpers/graph-syntax.js';
import { runCli } from './helpers/workspace.js';

const CORPUS = join(import.meta.dirname, '..', '..', 'shared', 'corpus');
const present = existsSync(CORPUS);
if (!present) console.warn(`corpus test of sg-lint exposure and sg-lint graph skipped: ${CORPUS} is absent (it ships beside the project in CI, not in a user's clone)`);
const projects = present ? readdirSync(CORPUS).filter((n) => statSync(join(CORPUS, n)).isDirectory()).sort() : [];
const validate = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'schemas', 'exposure.schema.json'), 'utf8')));

// Real-world IaC: both subcommands run on every project of the corpus without a crash and write well-formed output.
describe.skipIf(!present)('sg-lint exposure and graph on the corpus (../shared/corpus)', () => {
  it.each(projects)('%s', { timeout: 300_000 }, async (project) => {
    const exposure = await runCli(CORPUS, ['exposure', project, '-f', 'json']);
    expect(exposure.stderr).not.toContain('internal error');
    expect([0, 1]).toContain(exposure.code);
    const report = JSON.parse(exposure.stdout);
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    // The only files that may not parse are the corpus's known invalid ones (see corpus.test.ts).
    expect(report.errors.filter((e: { kind: string; message: string }) => e.kind !== 'parse' || !/Map keys must be unique/.test(e.message))).toEqual([]);
    const graph = await runCli(CORPUS, ['graph', project]);
    expect(graph.stderr).not.toContain('internal error');
    expect(graph.code).toBe(exposure.code);
    expect(mermaidProblems(graph.stdout)).toEqual([]);
  });
});
